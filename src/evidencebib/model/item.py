"""The CSL-JSON item, typed, and the private keys the program adds to it.

An item is a plain dict in CSL-JSON's shape (CSL-JSON stays the on-the-wire format, so an item
can be dumped as JSON at any time). `CSLItem` describes what each key holds, for readers of
the code and for mypy where a key is written literally; code that builds items key by key
from a variable name uses the looser `Item` alias. tests/model/test_item_types.py keeps
`CSLItem`'s keys equal to `vocabulary.ITEM_KEYS`.

Two things CSL-JSON cannot say are carried in private keys that start with an underscore and
are removed by `public_item` before an item leaves the program:

- `_et_al`: the name variables (e.g. ["author"]) whose list was truncated at the source
  ("et al" on a published page, BibTeX's `and others`). Renderers print the style's et-al
  term after the listed names; they never invent a person called "others".
- `_line`: the line of the source file where the entry starts, for error messages.
- `_notes`: what the reader could not read exactly and kept as written instead (`title:
  \\foo kept as written`), for commands to report with the file, line and key.

Readers may add their own private keys (`_ris`: RIS tags without a CSL variable).
"""

from __future__ import annotations

import re
from typing import Any, TypedDict, Union

Item = dict[str, Any]

ET_AL = "_et_al"
LINE = "_line"
NOTES = "_notes"

Number = Union[str, int]


# A CSL name: a person in parts, or an organisation (or any name) as `literal`. (Hyphenated
# keys need the functional syntax.)
Name = TypedDict("Name", {
    "family": str, "given": str, "dropping-particle": str, "non-dropping-particle": str,
    "suffix": str, "comma-suffix": Union[str, int, bool], "static-ordering": Union[str, int, bool],
    "literal": str, "parse-names": Union[str, int, bool],
}, total=False)

# A CSL date: `date-parts` holds one [year, month, day] (a point) or two (a range; an open
# end is [0]); months 13-16 are the seasons of a range; `season` 1-4 (or text) the season of
# a point; `circa` marks an approximate date; `literal` is text that is no date.
DateValue = TypedDict("DateValue", {
    "date-parts": list[list[int]], "season": Union[int, str], "circa": Union[bool, int, str],
    "literal": str, "raw": str,
}, total=False)

CSLItem = TypedDict("CSLItem", {
    "id": str, "type": str, "categories": list[str], "custom": dict[str, Any],
    # names
    "author": list[Name], "chair": list[Name], "collection-editor": list[Name],
    "compiler": list[Name], "composer": list[Name],
    "container-author": list[Name], "contributor": list[Name],
    "curator": list[Name], "director": list[Name], "editor": list[Name],
    "editorial-director": list[Name], "editor-translator": list[Name],
    "executive-producer": list[Name], "guest": list[Name], "host": list[Name],
    "illustrator": list[Name], "interviewer": list[Name],
    "narrator": list[Name], "organizer": list[Name],
    "original-author": list[Name], "performer": list[Name],
    "producer": list[Name], "recipient": list[Name],
    "reviewed-author": list[Name], "script-writer": list[Name],
    "series-creator": list[Name], "translator": list[Name],
    # dates
    "accessed": DateValue, "available-date": DateValue, "event-date": DateValue,
    "issued": DateValue, "original-date": DateValue, "submitted": DateValue,
    # numbers
    "chapter-number": Number, "citation-number": Number, "collection-number": Number,
    "edition": Number, "first-reference-note-number": Number, "issue": Number,
    "locator": Number, "number": Number, "number-of-pages": Number,
    "number-of-volumes": Number, "page": Number, "page-first": Number,
    "part-number": Number, "printing-number": Number, "section": str,
    "supplement-number": Number, "version": str, "volume": Number,
    # titles (may hold CSL rich-text markup)
    "collection-title": str, "container-title": str, "container-title-short": str,
    "original-title": str, "part-title": str, "reviewed-title": str, "title": str,
    "title-short": str, "volume-title": str, "volume-title-short": str,
    # other text
    "abstract": str, "annote": str, "archive": str, "archive_collection": str,
    "archive_location": str, "archive-place": str, "authority": str, "call-number": str,
    "citation-key": str, "citation-label": str, "dimensions": str, "division": str,
    "DOI": str, "event-title": str, "event-place": str, "genre": str, "ISBN": str,
    "ISSN": str, "jurisdiction": str, "keyword": str, "language": str, "license": str,
    "medium": str, "note": str, "original-publisher": str, "original-publisher-place": str,
    "PMCID": str, "PMID": str, "publisher": str, "publisher-place": str, "references": str,
    "reviewed-genre": str, "scale": str, "source": str, "status": str, "URL": str,
    "year-suffix": str,
}, total=False)

# Name variables in the order that decides an item's "first creator" (citation keys, sorting
# of unparsed entries): authors first, then the roles that stand in for them.
CREATOR_ORDER = (
    "author", "editor", "translator", "container-author", "collection-editor",
    "composer", "director", "interviewer", "recipient", "reviewed-author",
    "editorial-director", "illustrator", "original-author",
)


def public_item(item: Item) -> Item:
    """The item without private keys, as CSL-JSON consumers expect it."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def is_truncated(item: Item, variable: str = "author") -> bool:
    return variable in item.get(ET_AL, ())


def issued_year(item: Item) -> int | None:
    """The first year of `issued`, if the item has one as date-parts."""
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or []
    try:
        year = parts[0][0]
        return int(year)
    except (IndexError, TypeError, ValueError):
        pass
    raw = issued.get("raw") or issued.get("literal") or ""
    match = re.search(r"\b(\d{4})\b", str(raw))
    return int(match.group(1)) if match else None


def first_family(item: Item) -> str:
    """The family name (or literal name) of the first author, editor or other creator."""
    for variable in CREATOR_ORDER:
        for name in item.get(variable) or ():
            return name.get("family") or name.get("literal") or ""
    return ""
