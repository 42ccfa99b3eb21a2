"""ISBN or ISSN? RIS (`SN`) and EndNote XML (`isbn`) keep both in one field.

A value is an ISSN by its form (`1234-567X`), an ISBN by its form (10 characters, the last may
be X, or 13 digits beginning 978/979, with optional hyphens or spaces; ISO 2108), and
otherwise what the record's type suggests (ISSN for periodicals). Several values in one field
(one per line, `;`-separated, or separated by runs of spaces) are each classified, and
values of one kind are joined with `, `. PubMed's label after an ISSN (`(Electronic)`,
`(Linking)`) is left out.
"""

from __future__ import annotations

import re
from typing import Any

_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_ISBN = re.compile(r"^(?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx]$")
_SEPARATOR = re.compile(r"[\n;]|\s{2,}")
# PubMed's medium label after an ISSN (`1532-1827 (Electronic)`), as EndNote and RIS exports of
# PubMed records keep it: which edition the number is of, not part of the number
_LABEL = re.compile(r"\s*\((?:Print|Electronic|Linking|Undetermined)\)\s*$", re.IGNORECASE)


def classify(value: str, *, periodical: bool) -> str:
    """'ISSN' or 'ISBN' for one value: by its form, else by the record type."""
    compact = value.strip()
    if _ISSN.match(compact):
        return "ISSN"
    if _ISBN.match(compact.replace(" ", "")) and len(re.sub(r"[^\dXx]", "", compact)) in (10, 13):
        return "ISBN"
    return "ISSN" if periodical else "ISBN"


def add_serials(item: dict[str, Any], value: str, *, periodical: bool) -> None:
    """Set the item's `ISBN`/`ISSN` from one field's value (several numbers allowed)."""
    for part in _SEPARATOR.split(value.replace("\r", "\n")):
        part = _LABEL.sub("", part).strip()
        if part:
            kind = classify(part, periodical=periodical)
            item[kind] = f"{item[kind]}, {part}" if kind in item else part


def kept_serials(item: dict[str, Any] | Any, *, periodical: bool) -> set[str]:
    """Which of the item's `ISSN`/`ISBN` a format with one field for both (RIS `SN`, EndNote
    `isbn`) gives back unchanged: the reader classifies each value by its form (`add_serials`),
    so an `ISBN` that is no ISBN (`0021889813000`, a DOI, PubMed's labelled ISSNs, as Mendeley
    writes them to BibTeX's `isbn`) comes back as an ISSN, or without its label; such a value
    is not carried, and the export names it instead of changing it silently."""
    present = {kind: str(item[kind]) for kind in ("ISSN", "ISBN") if item.get(kind)}
    back: dict[str, Any] = {}
    for value in present.values():
        add_serials(back, value, periodical=periodical)
    return {kind for kind, value in present.items()
            if " ".join(str(back.get(kind, "")).split()) == " ".join(value.split())}
