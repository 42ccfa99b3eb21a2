"""BibLaTeX export and import, for biber users.

Reading is the BibTeX reader (it already understands `journaltitle`, `date`, `location`,
`urldate`, `eid` …). Writing renames our stored fields to BibLaTeX's data model: `date`
(ISO 8601, ranges with `/`) in place of `year`/`month`/`day`, `journaltitle`, `location`,
`institution`, and entry types `@report` / `@thesis` with a `type`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from evidencebib.formats import bibtex

read = bibtex.read

_TYPES = {"techreport": ("report", "techreport"), "phdthesis": ("thesis", "phdthesis"),
          "mastersthesis": ("thesis", "mathesis"), "inreference": ("inreference", None),
          "unpublished": ("unpublished", None), "booklet": ("booklet", None)}
_RENAMES = {"journal": "journaltitle", "address": "location", "school": "institution",
            "shortjournal": "shortjournal", "annote": "annotation"}


def biblatex_fields(item: Mapping[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    entry_type, fields = bibtex.item_to_fields(item)
    entry_type, subtype = _TYPES.get(entry_type, (entry_type, None))
    names = dict(fields)
    out: list[tuple[str, str]] = []
    date = _date(item, names)
    for name, raw in fields:
        if name in ("year", "month", "day", "date"):
            if date and name == "year":
                out.append(("date", "{" + date + "}"))
            elif not date and name == "year" and raw.strip("{}").lower() not in ("n.d.", "nd", "n.d"):
                out.append(("year", raw))
            continue
        if name == "type" and subtype:
            continue
        if name == "howpublished" and entry_type == "online":
            continue
        if name == "language":
            babel = bibtex.LANGIDS.get(raw[1:-1].lower())
            out.append(("langid", "{" + babel + "}") if babel else ("language", raw))
            continue
        out.append((_RENAMES.get(name, name), raw))
    if subtype:
        out.append(("type", "{" + subtype + "}"))
    return entry_type, out


def _date(item: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, Mapping):
        text = bibtex.format_date(issued)
        if text:
            return text + ("~" if issued.get("circa") else "")
    return None


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None) -> str:
    chunks = []
    for key, item in bibtex.unique_keys(bibtex.with_tags(items, tags)):
        entry_type, fields = biblatex_fields(item)
        chunks.append(bibtex.format_entry(entry_type, key, fields))
    return "\n\n".join(chunks) + ("\n" if chunks else "")
