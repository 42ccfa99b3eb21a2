"""BibLaTeX export and import, for biber users.

BibLaTeX is the BibTeX family's richer dialect, and this module is a thin layer over
formats/bibtex.py's public API (the one place BibTeX fields are mapped to CSL variables):
reading is the BibTeX reader (it already understands `journaltitle`, `date`, `location`,
`urldate`, `eid` …). Writing renames our stored fields to BibLaTeX's data model: `date`
(ISO 8601, ranges with `/`; a literal date biblatex reads as one, `201X` or `../2019`, as
written) in place of `year`/`month`/`day` (a literal that is no date, `Spring 2019`, has no
field there and is named by the export), `journaltitle`, `location`,
`institution`, and entry types `@report` / `@thesis` with a `type`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from evidencebib.formats import bibtex
from evidencebib.model.dates import format_edtf, parse_edtf
from evidencebib.model.keys import unique_keys
from evidencebib.model.keywords import with_tags

read = bibtex.read

_TYPES = {"techreport": ("report", "techreport"), "phdthesis": ("thesis", "phdthesis"),
          "mastersthesis": ("thesis", "mathesis"), "inreference": ("inreference", None),
          "unpublished": ("unpublished", None), "booklet": ("booklet", None)}
_RENAMES = {"journal": "journaltitle", "address": "location", "school": "institution",
            "shortjournal": "shortjournal", "annote": "annotation"}


_PUBSTATES = {"in press": "inpress", "inpress": "inpress", "forthcoming": "forthcoming",
              "submitted": "submitted", "prepublished": "prepublished"}
# Literal dates that say there is none: an entry without a date says as much (CSL styles
# print their "no date" term for it, biblatex styles their `nodate` string).
_NO_DATE = {"n.d.", "n. d.", "nd", "no date", "undated"}
# Fields biblatex's data model has no place for on an entry type (biber --validate-datamodel).
_NOT_ON_TYPE = {"report": {"isbn", "series"}}


def biblatex_fields(item: Mapping[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    entry_type, fields = bibtex.item_to_fields(item)
    entry_type, subtype = _TYPES.get(entry_type, (entry_type, None))
    generic = {name for name in dict(fields) if bibtex.generic_fields().get(name)}
    issued = item.get("issued") if isinstance(item.get("issued"), Mapping) else {}
    date = format_edtf(issued) if issued else None
    written = str(issued.get("literal") or "").strip() if issued else ""
    literal = written.lower()
    if not date and biblatex_date(written):
        date = written  # `201X`, `../2019`: a date biblatex reads, no CSL date holds
    out: list[tuple[str, str]] = []
    for name, raw in fields:
        if name in ("year", "month", "day", "date"):
            if name == "year" and date:
                out.append(("date", "{" + date + "}"))
            continue
        if name in generic or name in _NOT_ON_TYPE.get(entry_type, ()):
            continue
        if name == "type":
            subtype = None  # the item's own genre says more than the default type

        if name == "howpublished" and entry_type == "online":
            continue
        if name == "booktitle" and entry_type in ("online", "dataset"):
            name = "titleaddon"
        if name == "booktitle" and entry_type in bibtex.IN_BOOK_ENTRIES and item.get("volume-title"):
            # the book the entry is in is a volume (`booktitle`) of the multi-volume work, its
            # container (`maintitle`): biblatex has no volume-title field (BibTeX stores it
            # under its CSL name, and BibTeX readers read `booktitle` as the container)
            out += [("booktitle", bibtex.braced(str(item["volume-title"]), "booktitle")),
                    ("maintitle", raw)]
            continue
        if name == "publisher" and entry_type == "online":
            name = "organization"  # biblatex's data model has no publisher on @online
        if name in ("pmid", "pmcid"):
            if name == "pmid" and not _own_eprint(item):
                out += [("eprint", raw), ("eprinttype", "{pubmed}")]
            continue
        if name == "language":
            babel = bibtex.LANGIDS.get(raw[1:-1].lower())
            out.append(("langid", "{" + babel + "}") if babel else ("language", raw))
            continue
        out.append((_RENAMES.get(name, name), raw))
    if literal in _PUBSTATES and not any(n == "pubstate" for n, _ in out):
        out.append(("pubstate", "{" + _PUBSTATES[literal] + "}"))
    if subtype:
        out.append(("type", "{" + subtype + "}"))
    # the entry's own biblatex type when it was read from one (F43: `@bookinbook`, `@mvbook`
    # and a biblatex `@inbook` are not `@incollection`/`@book` to biblatex)
    own = bibtex.own_entry_type(item, entry_type)
    return own, bibtex.protect_titles(bibtex.kept_type_fields(own, out))


def _own_eprint(item: Mapping[str, Any]) -> bool:
    """Whether the item has an eprint of another archive (an arXiv id …, kept as written):
    an entry has one `eprint` (biblatex manual §3.14.7), so a PMID has no place beside it."""
    return any(field == "eprint" for field, _ in item.get(bibtex.EXTRA) or ())


# An end of a biblatex date range with EDTF unspecified digits (biblatex manual §2.3.8:
# `199X`, `19XX`, `1999-XX`, `1999-01-XX` …; biber reads them, CSL has no such date).
_UNSPECIFIED = re.compile(r"(?:\d{3}X|\d{2}XX|\dXXX|XXXX|\d{4}-XX(?:-XX)?|\d{4}-(?:0[1-9]|1[0-2])-XX)"
                          r"[~?%]?")


def biblatex_date(text: str) -> bool:
    """Whether biber reads `text` as a `date` (EDTF level 1 as biblatex takes it: open ends
    `../2019` and `2019/..`, unspecified digits `201X`, a time of day), which some CSL
    literal dates are."""
    ends = text.strip().split("/")
    if len(ends) > 2 or all(end.strip() in ("", "..") for end in ends):
        return False
    return all((end.strip() in ("", "..") and len(ends) == 2) or parse_edtf(end) is not None
               or _UNSPECIFIED.fullmatch(end.strip()) is not None for end in ends)


def _literal_held(item: Mapping[str, Any]) -> bool:
    """Whether a BibLaTeX entry holds the item's literal date (as `date` or `pubstate`):
    biblatex has no field for a date that is no date (`Spring 2019`, `n.d.`)."""
    issued = item.get("issued")
    if not isinstance(issued, Mapping) or format_edtf(issued):
        return True
    literal = str(issued.get("literal") or "").strip()
    return not literal or _pubstate_read_back(literal) or literal.lower() in _NO_DATE \
        or biblatex_date(literal)


def _pubstate_read_back(literal: str) -> bool:
    """Whether the `pubstate` written for a literal date reads back as that literal: the
    reader gives `in press` and `forthcoming` for their keys (bibtex._PUBSTATE_DATES), in
    lower case as biblatex's English strings; `Forthcoming`, `submitted` (which is the CSL
    status only) are written as their key too, but the date is named by the export."""
    key = _PUBSTATES.get(literal.lower())
    return key is not None and bibtex._PUBSTATE_DATES.get(key) == literal


# CSL variables of the fields _NOT_ON_TYPE leaves out
_VARIABLE_OF_FIELD = {"isbn": "ISBN", "series": "collection-title"}
# The reader extras this writer writes back (BibTeX fields no variable holds, as they were).
EXTRAS_HELD = bibtex.EXTRAS_HELD


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """The CSL variables of `item` a BibLaTeX entry holds: BibTeX's, less those BibTeX stores
    under their CSL name (biblatex's data model has no such field), PMCID (the one eprint is
    the PMID), the PMID of an item whose eprint is another archive's, and the fields biblatex
    does not allow on the entry's type."""
    fields = bibtex.carried_fields(item) - set(bibtex.generic_fields().values()) - {"PMCID"}
    if _own_eprint(item):
        fields.discard("PMID")
    if not _literal_held(item):
        fields.discard("issued")
    if item.get("collection-number") and "collection-number" not in fields:
        written = dict(bibtex.item_to_fields(item)[1])
        if "collection-number" not in written and written.get("number"):
            fields.add("collection-number")  # a book's number in its series, as `number`
    entry_type = bibtex.CSL_TYPES.get(str(item.get("type") or "document"), "misc")
    if entry_type in bibtex.IN_BOOK_ENTRIES and item.get("container-title"):
        fields.add("volume-title")  # written as `booktitle`, the container as `maintitle`
    entry_type = _TYPES.get(entry_type, (entry_type, None))[0]
    if entry_type == "online":
        fields.discard("medium")  # no howpublished on @online (write leaves it out)
    return fields - {_VARIABLE_OF_FIELD[name] for name in _NOT_ON_TYPE.get(entry_type, ())}


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None) -> str:
    chunks = []
    for key, item in unique_keys(with_tags(items, tags)):
        entry_type, fields = biblatex_fields(item)
        chunks.append(bibtex.format_entry(entry_type, key, fields,
                                          comments=bibtex.item_comments(item, _RENAMES)))
    return "\n\n".join(chunks) + ("\n" if chunks else "")
