"""CSL `keyword`: one text variable holding a list, and the tags (condition slugs) we add.

CSL-JSON has a single `keyword` string; RIS and EndNote have one keyword per line, BibTeX a
comma-separated `keywords` field. Lists are joined with `, `, or `; ` when a keyword itself
contains a comma, and split back the same way.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping


def split_keywords(value: Any) -> list[str]:
    """CSL `keyword` -> list. Split on `;` when present (keywords that contain commas), else `,`."""
    if isinstance(value, (list, tuple)):
        words = [str(v) for v in value]
    else:
        text = str(value or "")
        words = text.split(";") if ";" in text else text.split(",")
    return [w.strip() for w in words if w.strip()]


def join_keywords(words: Iterable[str]) -> str:
    """List -> CSL `keyword`: `, ` separated, or `; ` when some keyword contains a comma."""
    out: list[str] = []
    for word in words:
        word = " ".join(str(word).split())
        if word and word not in out:
            out.append(word)
    sep = "; " if any("," in w for w in out) else ", "
    return sep.join(out)


def add_tags(item: Mapping[str, Any], tags: Iterable[str] | None) -> list[str]:
    """The item's keywords plus the given tags (condition slugs), without duplicates."""
    words = split_keywords(item.get("keyword") or "")
    for tag in tags or ():
        if tag and tag not in words:
            words.append(tag)
    return words


def with_tags(items: Iterable[Mapping[str, Any]],
              tags: Iterable[str] | None) -> list[Mapping[str, Any]]:
    """Items whose keywords include `tags` (condition slugs, for reference-manager groups)."""
    tags = list(tags or ())
    if not tags:
        return list(items)
    return [dict(item, keyword=join_keywords(add_tags(item, tags))) for item in items]
