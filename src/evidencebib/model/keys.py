"""Citation keys: the readable key an item is stored under, and what a usable key is.

Keys are BibTeX entry keys (BibTeX is how items are stored), compared case-insensitively:
citeproc-py lower-cases item ids, and BibTeX/biber treat keys differing only in case as a
clash. The readable key is the first creator's family name and the year (`banjar2023`), with
letter suffixes on a clash (`banjar2023a`, `banjar2023b` …) as JabRef and Better BibTeX do.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Iterator, Mapping

from evidencebib.model.item import Item, first_family, issued_year

# What BibTeX and biber both accept as a key: no whitespace, none of , { } ( ) " # % ' = \ ~
_KEY = re.compile(r"[^\s,{}()\"#%'=\\~]+")


def ascii_fold(text: str) -> str:
    """Letters without accents, for keys and comparisons (Østergaard -> Ostergaard)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("æ", "ae") \
        .replace("Æ", "AE").replace("ł", "l").replace("Ł", "L").replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def citation_key(item: Item, taken: Iterable[str] = ()) -> str:
    """A readable, stable key: first author's family name and year (`banjar2023`), with a
    letter suffix when it clashes (case-insensitively) with a key in `taken`."""
    family = first_family(item) or (item.get("title") or "anon")
    words = re.findall(r"[a-z0-9]+", ascii_fold(family).lower())
    stem = "".join(words)[:24] or "anon"
    year = issued_year(item)
    base = f"{stem}{year if year else 'nd'}"
    taken_lower = {key.lower() for key in taken}
    if base not in taken_lower:
        return base
    for suffix in _suffixes():
        candidate = base + suffix
        if candidate not in taken_lower:
            return candidate
    raise AssertionError("unreachable")


def _suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b


def is_valid_key(key: str) -> bool:
    """Whether `key` can be written as a citation key that BibTeX and biber both accept."""
    return bool(key) and bool(_KEY.fullmatch(key))


def with_ids(items: Iterable[Item]) -> list[Item]:
    """Items as readers return them: each with an `id` (its own, else a readable key unique
    among the ids before it), and `id` as the first key. The items are changed in place."""
    out: list[Item] = []
    taken: list[str] = []
    for item in items:
        if not item.get("id"):
            item["id"] = citation_key(item, taken)
        taken.append(item["id"])
        out.append(item if next(iter(item)) == "id" else {"id": item.pop("id"), **item})
    return out


def unique_keys(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """(key, item) pairs for writing a file: each item's own id when it is a usable key not
    used before (case-insensitively), else a readable key unique in the file."""
    taken: list[str] = []
    taken_lower: set[str] = set()
    out = []
    for item in items:
        key = str(item.get("id") or "")
        if not is_valid_key(key) or key.lower() in taken_lower:
            key = citation_key(dict(item), taken)
        taken.append(key)
        taken_lower.add(key.lower())
        out.append((key, item))
    return out
