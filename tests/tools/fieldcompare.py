"""Field-by-field comparison of items before and after a trip through a format.

Used by tests/formats/test_roundtrip_corpus.py and the property tests. A field of the original item
is either *compared* (the target format can hold it, so it must come back equal after the
normalisations below) or *cannot be held* (the format has no place for it; each format
lists those fields explicitly in CANNOT_HOLD, so a new, unlisted gap fails the tests).

Normalisations (not losses): whitespace runs collapsed in one-line fields (RIS and EndNote
have no line breaks there; BibTeX readers, ours, biber's and pandoc's, read a run of spaces
as one, as TeX does), page ranges joined with a hyphen (`1--14`, `243–245` ->
`1-14`, `243-245`), keywords compared as lists without repeats, each keyword's whitespace collapsed as
`join_keywords` writes it (the separator may change; tags are a set
in Zotero, JabRef and EndNote, and adding the condition's tag merges a repeat), numbers vs
strings (`"9"` == `9`), DOIs compared as `model.doi.normalize` leaves them (no resolver URL or
`doi:` prefix), dates compared as normalised CSL dates, names compared as the
`Family, Given` string the name-string formats carry (plus person/organisation), and spaces at
the edge of bold/italic markup moved outside it in BibTeX and EndNote XML titles (their writers
put them there; the text prints the same), and in EndNote XML spans of one style apart only by
spaces joined (its runs split a span at a nested one).

Keys: BibTeX and BibLaTeX exports give an entry a fresh key when its id is no valid key or
was used before in the file, *case-insensitively* (BibTeX's rule: `Chen_2017` after
`chen_2017` is a "case mismatch" error; model/keys.unique_keys); `rekeyed` says which ids
those are, and their new key is not a difference.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from evidencebib.formats import biblatex, bibtex, csl_json, endnote_xml, extras, ris
from evidencebib.model import doi, vocabulary
from evidencebib.model.dates import SEASONS, normalize_date
from evidencebib.model.keywords import split_keywords
from evidencebib.model.names import format_name
from evidencebib.model.pages import canonical_page

from evidencebib.formats import protected_case  # RIS/EndNote XML drop nocase spans (F36)

MULTILINE = {"abstract", "note"}
_PROTECTED = {"title", "title-short", "container-title", "collection-title", "event-title",
              "original-title", "container-title-short", "volume-title"}
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
    "ris": _NOT_IN_TAGGED | {"PMID",  # one that is no PMID (WoS numbers in `pmid`): named
                             "URL=doi.org/DOI", "container-author", "PMCID", "event-title", "event-place",
                             "container-title", "number-of-pages", "page",
                             "archive_location", "archive",  # DB is the database: source
                             "ISSN", "ISBN",  # one SN for both, by form: ris.carried_fields
                             # a list with an organisation whose name has a comma (read back
                             # as a person: names.organisation_with_comma)
                             "author", "editor", "translator", "collection-editor"},
    "endnote-xml": _NOT_IN_TAGGED | {"URL=doi.org/DOI", "container-author", "number-of-pages", "PMCID",
                                     "PMID",  # one that is no PMID: not written, named
                                     "event-title", "event-place", "archive_location",
                                     "ISSN", "ISBN"},  # one isbn element, by form
}
CANNOT_HOLD["endnote-xml"].add("archive")  # remote-database-name is the database: source

# RIS and EndNote XML write braced words without CSL's nocase/nodecor spans, and small caps
# without their span, and the export names it (`api.export_warnings`): a value that loses only
# them counts under these names (warned, never exact)
NO_PROTECTED_CASE = {"ris", "endnote-xml"}
for _fmt in NO_PROTECTED_CASE:
    CANNOT_HOLD[_fmt] = CANNOT_HOLD[_fmt] | {protected_case.LABEL, protected_case.SMALL_CAPS_LABEL}

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
CANNOT_HOLD["biblatex"] = _BIBLATEX_CANNOT | {"ISBN", "collection-title",  # on @report only
                                              "medium",  # on @online only (no howpublished)
                                              "issued",  # a literal date: `date` is EDTF
                                              "PMID"}  # beside an arXiv … eprint: one eprint

def cannot_hold(fmt: str, item: Mapping[str, Any]) -> set[str]:
    """CANNOT_HOLD[fmt] and, for EndNote XML, the variables of `item` holding a character XML
    1.0 cannot (a C0 control character: `endnote_xml.carried_fields` leaves them out, the
    export names them) or a value its reader would read as another (`read_back_otherwise`: a literal date,
    an article's edition that reads as its Epub Date)."""
    out = set(CANNOT_HOLD[fmt])
    if fmt == "endnote-xml":
        out |= {variable for variable, value in item.items() if endnote_xml.unwritable(value)}
        out |= endnote_xml.read_back_otherwise(item)  # a literal date EndNote would parse …
    return out


MODULES = {"ris": ris, "csl-json": csl_json, "endnote-xml": endnote_xml, "bibtex": bibtex,
           "biblatex": biblatex}
_GENRE_LABELS = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis", "techreport": None}


def carried(fmt: str, item: Mapping[str, Any]) -> set[str]:
    if fmt == "csl-json":
        return ITEM_KEYS - {"citation-key"}
    if fmt in ("bibtex", "biblatex"):
        # the writer's own account (what the export names is what it does not carry)
        return MODULES[fmt].carried_fields(item) - {"citation-key"}
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


def _edge_spaces_out(text: str) -> str:
    """`<i> x</i>` -> ` <i>x</i>`: the same text printed (a normalisation, not a loss)."""
    text = re.sub(r"((?:<(?:i|b|sup|sub)>)+)(\s+)", r"\2\1", text)
    return re.sub(r"(\s+)((?:</(?:i|b|sup|sub)>)+)", r"\2\1", text)


_SAME_RUNS = re.compile(r"</(i|b|sup|sub)>(\s*)<\1>")


def _join_runs(text: str) -> str:
    """`<sub>a</sub> <sub>b</sub>` -> `<sub>a b</sub>`: spans of one style apart only by
    spaces are one span (EndNote XML's runs; see `normal`)."""
    previous = None
    while previous != text:
        previous, text = text, _SAME_RUNS.sub(r"\2", text)
    return text


def _unbraced_titles(pairs: list[list[str]]) -> list[list[str]]:
    """BibTeX fields the writer protects the case of (`bibtex.CASE_CHANGED_FIELDS`: maintitle …)
    without braces: `Computers \\& {Typesetting}` is what BibTeX styles print as written."""
    return [[name, raw.replace("{", "").replace("}", "")] if name in bibtex.CASE_CHANGED_FIELDS
            else [name, raw] for name, raw in pairs]


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
        return _collapse(_edge_spaces_out(text))
    if fmt == "endnote-xml" and variable in _PROTECTED and "<" in str(value):
        # EndNote's styled runs: a space at the edge of bold/italic is written outside it, so
        # a space inside a span before a nested one (`<sub>1- <i>x</i></sub>`, runs `1- ` and
        # `x`) comes back between two spans of that style (`<sub>1-</sub> <sub><i>x</i></sub>`):
        # the same text printed, as at an edge; compared with such spans joined
        return _collapse(_join_runs(_edge_spaces_out(str(value))))
    if fmt == "endnote-xml" and variable in MULTILINE and value and "<" in str(value):
        # the same runs in a note or abstract holding markup (Mendeley's `<b>…<i>…</i>…</b>`)
        return _lines(_join_runs(_edge_spaces_out(str(value))))
    if variable in DATE_FIELDS:
        return _date(value)
    if variable == "keyword":  # a set in every reference manager: a repeated keyword is one
        # and one line: model.keywords.join_keywords, the form every writer writes, collapses
        # each keyword's whitespace as in any one-line field (`Tikhonov\u2029 regularization`)
        return list(dict.fromkeys(" ".join(word.split()) for word in split_keywords(value)))
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
        if variable == "custom" and bibtex.custom_is_derived(before):
            continue  # biblatex's named issue, which the item's `issue` holds ("2, Spring")
        if variable == "URL" and fmt in ("ris", "endnote-xml") and doi.is_doi_url(value, before.get("DOI")):
            variable = "URL=doi.org/DOI"  # never written next to the DOI, by design
        if variable not in can:
            stats.cannot_hold[variable] += 1
            continue
        stats.fields += 1
        if fmt in NO_PROTECTED_CASE and protected_case.lost(value):
            for label in protected_case.lost(value):  # nocase spans, small caps (F36, F26)
                stats.cannot_hold[label] += 1
            value = protected_case.strip(value)
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


def _first(pair: list[str]) -> str:
    return pair[0]


def unwarned(target: str, item: dict, back: dict, held: PairStats, warnings: list[str]) -> list[str]:
    """What one record lost on the trip without the export naming it."""
    named = " ".join(warnings)
    missing = [variable for variable in held.cannot_hold
               if variable != "URL=doi.org/DOI" and f" {variable} ×" not in named
               and f": {variable} ×" not in named]
    held_extras = getattr(MODULES[target], "EXTRAS_HELD", frozenset())
    for key, kind in extras.KINDS.items():
        pairs = [list(pair) for pair in extras.pairs(item, key)]
        if key == bibtex.EXTRA:  # the raw text of decoded fields is no extra field
            pairs = [pair for pair in pairs if pair[0] in bibtex.unmapped_fields(item)]
        if not pairs:
            continue
        if key in held_extras:
            # carried (written back, or in CSL-JSON's `custom` / RIS and EndNote's Research
            # Notes): they come back; a format orders values within a name, not names
            came_back = [list(pair) for pair in extras.pairs(back, key)
                         if key != bibtex.EXTRA or pair[0] in bibtex.unmapped_fields(back)]
            if key == bibtex.EXTRA:  # title fields gain the writer's case-protecting braces
                pairs, came_back = _unbraced_titles(pairs), _unbraced_titles(came_back)
            if sorted(pairs, key=_first) != sorted(came_back, key=_first):
                missing.append(f"{kind} extras {pairs!r} -> {came_back!r}")
        else:
            names = bibtex.unmapped_fields(item) if key == bibtex.EXTRA else [n for n, _ in pairs]
            shown = "{}" if key == bibtex.EXTRA else f"{kind} {{}}"
            missing += [shown.format(name) for name in names
                        if f"{shown.format(name)} ×" not in named]
    return missing


def rekeyed(target: str, item: Mapping[str, Any], items: list[Mapping[str, Any]]) -> bool:
    """Whether a BibTeX-family export gives `item` a fresh key (see the module docstring)."""
    if target not in ("bibtex", "biblatex"):
        return False
    key = str(item["id"])
    if not bibtex.is_valid_key(key):
        return True
    for other in items:
        if other is item:
            return False
        if str(other["id"]).lower() == key.lower():
            return True
    return False
