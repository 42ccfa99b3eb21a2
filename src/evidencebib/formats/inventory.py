"""What a format cannot hold of the items written to it (issue 15: a field inventory per format).

Every writer module says what it writes where its own reader finds it again:
`carried_fields(item)`, the CSL variables of that item, and `EXTRAS_HELD`, the private keys of
reader extras it writes back (`_bibtex`: BibTeX fields no variable holds, JabRef's `groups`,
`owner`, `file` …; `_ris`: RIS tags without a variable, `AD`, `L1` …; `_medline`: MEDLINE
tags; `_endnote`: EndNote XML elements without a variable, `auth-address`,
`urls/pdf-urls/url` …; CSL-JSON and EndNote XML carry the other readers' extras too,
formats/extras.py). Everything else an item holds is not written; `not_held` counts it by name so that
an export, or an import into a condition (stored as BibTeX), says so instead of dropping it.

A URL that only repeats the DOI (`https://doi.org/<DOI>`) is not counted: RIS and EndNote XML
leave it out on purpose and every style links the DOI itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Mapping

from evidencebib.formats import bibtex, endnote_xml, medline, refer, ris
from evidencebib.formats.registry import get

# Keys, not data: every format keys its records its own way.
KEYS = frozenset({"id", "citation-key"})
# Reader extras: private key -> how a name of that kind is shown in a report.
EXTRA_KINDS = {bibtex.EXTRA: "{}", ris.EXTRA: "RIS {}", medline.EXTRA: "MEDLINE {}",
               endnote_xml.EXTRA: "EndNote {}", refer.EXTRA: "Refer {}"}


def _extra_names(item: Mapping[str, Any], key: str) -> list[str]:
    if key == bibtex.EXTRA:
        return bibtex.unmapped_fields(item)
    return [str(pair[0]) for pair in item.get(key) or () if len(pair) == 2 and str(pair[1]).strip()]


def not_held(items: Iterable[Mapping[str, Any]], fmt: str) -> Counter[str]:
    """How many times each variable, field or tag of `items` is not written by `fmt`."""
    from evidencebib.model import doi

    module = get(fmt).load()
    held_extras: frozenset[str] = getattr(module, "EXTRAS_HELD", frozenset())
    counts: Counter[str] = Counter()
    for item in items:
        carried = module.carried_fields(item)
        for key, value in item.items():
            if key.startswith("_") or key in KEYS or key in carried or value in (None, "", [], {}):
                continue
            if key == "URL" and doi.is_doi_url(str(value), item.get("DOI")):
                continue
            if key == "custom" and bibtex.custom_is_derived(item):
                continue  # biblatex's named issue, which `issue` also says
            counts[key] += 1
        for key, shown in EXTRA_KINDS.items():
            if key not in held_extras:
                counts.update(shown.format(name) for name in _extra_names(item, key))
    return counts


def by_bibtex_field(counts: Counter[str]) -> Counter[str]:
    """`counts` with each CSL variable that BibTeX stores under a field of another name shown
    by that field (`pubstate (CSL status)`, `addendum (CSL references)`): what a user of the
    .bib wrote. A variable BibTeX writes under one of several fields (container-title:
    `journal` or `booktitle`) keeps its CSL name."""
    shown = _bibtex_field_names()
    return Counter({shown.get(name, name): count for name, count in counts.items()})


def _bibtex_field_names() -> dict[str, str]:
    fields: dict[str, list[str]] = {}
    for mapping in (bibtex.TEXT_FIELDS, bibtex.NAME_FIELDS, bibtex.DATE_FIELDS):
        for field, variable in mapping.items():
            fields.setdefault(variable, []).append(field)
    return {variable: f"{names[0]} (CSL {variable})" for variable, names in fields.items()
            if len(names) == 1 and names[0] != variable.lower() and variable != "issued"}


def report(counts: Counter[str], what: str) -> str | None:
    """`3 fields the RIS format cannot hold: file ×2, RIS AD ×1` (`what`: "the RIS format"),
    or None when nothing is lost."""
    if not counts:
        return None
    listed = ", ".join(f"{name} ×{count}" for name, count in counts.most_common())
    return f"{len(counts)} field{'' if len(counts) == 1 else 's'} {what} cannot hold: {listed}"
