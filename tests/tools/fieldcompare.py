"""Field-by-field comparison of items before and after a trip through a format.

Used by tests/formats/test_roundtrip_corpus.py and the property tests. A field of the original item
is either *compared* (the target format can hold it, so it must come back equal after the
normalisations below) or *cannot be held* (the format has no place for it; each format
lists those fields explicitly in CANNOT_HOLD, so a new, unlisted gap fails the tests).

Normalisations (not losses): whitespace runs collapsed in one-line fields (RIS and EndNote
have no line breaks there; BibTeX readers, ours, biber's and pandoc's, read a run of spaces
as one, as TeX does), page ranges joined with a hyphen (`1--14`, `243–245` ->
`1-14`, `243-245`), keywords compared as lists (the separator may change), numbers vs
strings (`"9"` == `9`), DOIs compared as `model.doi.normalize` leaves them (no resolver URL or
`doi:` prefix), dates compared as normalised CSL dates, names compared as the
`Family, Given` string the name-string formats carry (plus person/organisation).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from evidencebib.formats import biblatex, bibtex, csl_json, endnote_xml, ris
from evidencebib.model import doi, vocabulary
from evidencebib.model.dates import SEASONS, normalize_date
from evidencebib.model.keywords import split_keywords
from evidencebib.model.names import format_name
from evidencebib.model.pages import canonical_page

MULTILINE = {"abstract", "note"}
_PROTECTED = {"title", "title-short", "container-title", "collection-title", "event-title",
              "original-title", "container-title-short"}
NAME_FIELDS = set(vocabulary.NAME_VARIABLES)
DATE_FIELDS = set(vocabulary.DATE_VARIABLES)
ITEM_KEYS = set(vocabulary.ITEM_KEYS)

# CSL variables each format has no place for. Everything an item holds outside this list
# must survive the round trip.
_NOT_IN_TAGGED = {
    # name roles other than author/editor/series editor/translator (+ CHAP book author in RIS)
    "chair", "compiler", "composer", "contributor", "curator", "director",
    "editorial-director", "executive-producer", "guest", "host", "interviewer",
    "illustrator", "narrator", "organizer", "original-author", "performer", "producer",
    "recipient", "reviewed-author", "script-writer", "series-creator",
    # dates other than issued/accessed
    "original-date", "event-date", "submitted", "available-date",
    # variables without a tag/element
    "annote", "archive_collection", "archive-place", "authority", "chapter-number",
    "citation-number", "citation-label", "collection-number", "dimensions", "division",
    "first-reference-note-number", "jurisdiction", "locator", "medium",
    "original-publisher", "original-publisher-place", "original-title", "page-first",
    "part-number", "part-title", "printing-number", "references", "reviewed-genre",
    "reviewed-title", "scale", "status", "supplement-number", "version", "volume-title",
    "volume-title-short", "year-suffix", "categories", "custom", "license", "editor-translator",
}
CANNOT_HOLD: dict[str, set[str]] = {
    "csl-json": set(),
    # + container-author outside CHAP, PMCID outside periodicals, event-* outside CONF,
    #   container-title of a BOOK, a lone page of a BOOK/THES (type-dependent, see
    #   ris.carried_fields), and number-of-pages outside BOOK/THES:
    "ris": _NOT_IN_TAGGED | {"URL=doi.org/DOI", "container-author", "PMCID", "event-title", "event-place",
                             "container-title", "number-of-pages", "page",
                             "archive_location", "archive"},  # DB is the database: source
    "endnote-xml": _NOT_IN_TAGGED | {"URL=doi.org/DOI", "container-author", "number-of-pages", "PMCID",
                                     "event-title", "event-place", "archive_location"},
}

# BibTeX (our storage dialect, exported for BibTeX and biber) stores every CSL variable,
# those without a field of their own under their CSL name; what it cannot say is the
# difference between dropping and non-dropping particles (compared as one) and CSL's
# free-form `custom` object.
_BIBTEX_CANNOT = {"custom", "categories"}
# BibLaTeX export keeps to biblatex's data model (biber --validate-datamodel), so the CSL
# variables stored under their own name in BibTeX have no place there, nor PMCID (only one
# eprint, used for the PMID).
_BIBLATEX_CANNOT = _BIBTEX_CANNOT | {"PMCID"} | set(bibtex.generic_fields().values())
CANNOT_HOLD["bibtex"] = _BIBTEX_CANNOT
CANNOT_HOLD["biblatex"] = _BIBLATEX_CANNOT | {"ISBN", "collection-title"}  # on @report only

MODULES = {"ris": ris, "csl-json": csl_json, "endnote-xml": endnote_xml, "bibtex": bibtex,
           "biblatex": biblatex}
_GENRE_LABELS = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis", "techreport": None}


def carried(fmt: str, item: Mapping[str, Any]) -> set[str]:
    if fmt == "csl-json":
        return ITEM_KEYS - {"citation-key"}
    if fmt == "bibtex":
        return ITEM_KEYS - {"citation-key"} - _BIBTEX_CANNOT
    if fmt == "biblatex":
        held = ITEM_KEYS - {"citation-key"} - _BIBLATEX_CANNOT
        if item.get("type") == "report":
            held -= {"ISBN", "collection-title"}
        if any(field == "eprint" for field, _ in item.get("_bibtex") or ()):
            held -= {"PMID"}  # one eprint per entry: an arXiv … eprint leaves a PMID no place
        return held
    module = MODULES[fmt]
    if hasattr(module, "carried_fields"):
        return module.carried_fields(item)
    return set(module.FIELDS)


def expected_type(fmt: str, csl_type: str) -> str:
    """The CSL type that comes back after writing `csl_type` in `fmt`."""
    if fmt == "ris":
        return ris.RIS_TO_TYPE.get(ris.TYPE_TO_RIS.get(csl_type, "GEN"), "document")
    if fmt == "endnote-xml":
        if csl_type not in endnote_xml.TYPE_TO_ENDNOTE:
            return "document"
        return csl_type
    return csl_type if csl_type in vocabulary.ITEM_TYPES else "document"  # csl-json, bibtex, biblatex


def _collapse(value: Any) -> str:
    return " ".join(str(value).split())


def _lines(value: Any) -> str:
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    return "\n".join(lines).strip("\n")


def _name(name: Mapping[str, Any], by_string: bool, bibtex_like: bool = False) -> Any:
    if set(name) == {"family"} and " " in str(name["family"]) and (
            bibtex_like or (by_string and not str(name["family"])[:1].islower())):
        # BibTeX spells a several-word family name alone like an organisation: {Two Words};
        # RIS and EndNote XML too (EndNote's corporate author: `Two Words,`, names.parse_name)
        name = {"literal": name["family"]}
    if bibtex_like and name.get("dropping-particle") and not name.get("non-dropping-particle"):
        name = {("non-dropping-particle" if k == "dropping-particle" else k): v
                for k, v in name.items()}
    if by_string:
        return ("literal" if name.get("literal") and not name.get("family") else "person",
                format_name(name))
    return {k: _collapse(v) for k, v in name.items()
            if k in ("family", "given", "non-dropping-particle", "dropping-particle",
                     "suffix", "literal", "comma-suffix", "static-ordering", "parse-names")}


def _date(value: Any) -> Any:
    date = normalize_date(value) or {}
    season = date.get("season")
    if isinstance(season, str) and season.lower() in SEASONS:
        season = SEASONS[season.lower()]
    return (date.get("date-parts"), bool(date.get("circa")), season, date.get("literal"))


def normal(fmt: str, variable: str, value: Any) -> Any:
    by_string = fmt in ("ris", "endnote-xml")
    bibtex_like = fmt in ("bibtex", "biblatex")
    if variable in NAME_FIELDS:
        return [_name(n, by_string, bibtex_like) for n in value or ()]
    if bibtex_like and variable == "page":
        return canonical_page(value)
    if value is None:
        return None
    if bibtex_like and variable == "genre" and str(value).lower() in _GENRE_LABELS:
        return _GENRE_LABELS[str(value).lower()]
    if bibtex_like and variable in _PROTECTED and value:
        # BibTeX case protection is braces, which read back as nocase spans wherever the
        # writer added them (bibtex.protect_case); compared without them
        # and spaces at the edge of markup are moved outside it (`<i> x</i>` -> ` <i>x</i>`)
        text = str(value).replace('<span class="nocase">', "").replace("</span>", "")
        text = re.sub(r"((?:<(?:i|b|sup|sub)>)+)(\s+)", r"\2\1", text)
        return _collapse(re.sub(r"(\s+)((?:</(?:i|b|sup|sub)>)+)", r"\2\1", text))
    if variable in DATE_FIELDS:
        return _date(value)
    if variable == "keyword":
        return split_keywords(value)
    if variable == "page":
        return canonical_page(value) if by_string else _collapse(value)
    if variable == "type":
        return value
    if variable == "DOI":
        return doi.normalize(str(value)) or None  # readers store the DOI without resolver/prefix
    if variable in MULTILINE and bibtex_like:
        # TeX's paragraph (a blank line) is one line break however many lines are blank
        return "\n".join(line for line in _lines(value).split("\n") if line)
    if variable in MULTILINE:
        return _lines(value) if by_string else str(value)
    if isinstance(value, (dict, list)):
        return value
    return _collapse(value) if by_string or bibtex_like else str(value)


@dataclass
class PairStats:
    records: int = 0
    fields: int = 0
    losses: Counter = field(default_factory=Counter)
    cannot_hold: Counter = field(default_factory=Counter)
    examples: list = field(default_factory=list)


def compare(fmt: str, before: Mapping[str, Any], after: Mapping[str, Any],
            stats: PairStats, *, tags: tuple[str, ...] = ()) -> list[tuple[str, Any, Any]]:
    """Add one item pair to `stats`; returns the lost fields [(field, before, after)]."""
    stats.records += 1
    can = carried(fmt, before)
    lost = []
    for variable, value in before.items():
        if variable.startswith("_") or value in (None, "", [], {}):
            continue
        if variable == "citation-key":
            continue
        if variable == "URL" and fmt in ("ris", "endnote-xml") and doi.is_doi_url(value, before.get("DOI")):
            variable = "URL=doi.org/DOI"  # never written next to the DOI, by design
        if variable not in can:
            stats.cannot_hold[variable] += 1
            continue
        stats.fields += 1
        want = normal(fmt, variable, value)
        if variable == "type":
            want = expected_type(fmt, value)
        if variable == "keyword" and tags:
            want = want + [t for t in tags if t not in want]
        got = normal(fmt, variable, after.get(variable)) if variable in after else (
            normal(fmt, variable, None) if variable == "genre" else None)
        if want != got:
            stats.losses[variable] += 1
            lost.append((variable, want, got))
            if len(stats.examples) < 20:
                stats.examples.append((before.get("id"), variable, want, got))
    return lost


def trip(fmt: str, items: list[dict], **options: Any) -> list[dict]:
    module = MODULES[fmt]
    return module.read(module.write(items, **options), source=f"<{fmt} round trip>")


Reader = Callable[[str], list[dict]]
