"""What `check` reports, one `Finding` per problem, from a loaded `Library`.

=====================  ========  ==============================================================
kind                   severity  what
=====================  ========  ==============================================================
duplicate              error     one work stored twice or more in one condition
disagreement           error     copies of one work in different conditions describe it
                                 differently (one finding per field)
key-clash              error     one key (compared case-insensitively, as citeproc-py lower-cases
                                 ids) names different works in different conditions
doi-clash              error     one DOI on works whose titles cannot be one work's (a DOI
                                 pasted onto the wrong entry, chapters with their book's DOI)
unparsed               error     a block of a .bib that does not parse (file, line)
missing-field          warning   a field the type needs (BibTeX's required fields) is missing
no-doi                 warning   a journal article without a DOI (try `find-doi`; a URL that is a
                                 DOI link is named)
bad-doi                warning   a DOI field that is not DOI syntax (nor a shortDOI): no link resolves
read-note              warning   what the reader could not read exactly, as `import` says it (LaTeX
                                 kept as written, a date that is none, names pasted with commas …)
truncated-authors      warning   an author list that ends in "et al" (try `enrich`)
shared                 info      one work cited by several conditions (how it was matched)
=====================  ========  ==============================================================

`error` findings fail a run, `warning` ones too under `--strict`; `--fail-on` names the kinds
that fail. Disagreements ignore differences that are only spelling of one value: markup
(`<i>`), Unicode composition and spaces, a final full stop in a title, the case and form of a
DOI (`https://doi.org/10.1/ABC` = `10.1/abc`), the dash of a page range and an abbreviated end
(`720--36` = `720-736`), the spelling of initials (`M.B.` = `M. B.`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

from evidencebib import gcpause
from evidencebib.check.dedupe import DEFAULT_REQUIRED, REQUIRED, Match
from evidencebib.check.library import Library
from evidencebib.check.works import Copy, doi_key
from evidencebib.model import ET_AL, NOTES, Item, doi, issued_year
from evidencebib.model.pages import comparable_page

SEVERITY = {
    "duplicate": "error", "disagreement": "error", "key-clash": "error", "doi-clash": "error",
    "unparsed": "error",
    "missing-field": "warning", "no-doi": "warning", "bad-doi": "warning",
    "read-note": "warning", "truncated-authors": "warning", "shared": "info",
}
KINDS = tuple(SEVERITY)
DOI_EXPECTED = frozenset({"article-journal", "review"})
COMPARED = ("title", "author", "year", "container-title", "volume", "issue", "page", "DOI")


@dataclass
class Finding:
    kind: str
    message: str
    copies: list[Copy] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return SEVERITY[self.kind]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "copies": [c.to_json() for c in self.copies], **self.data}


def find_all(library: Library) -> list[Finding]:
    findings: list[Finding] = []
    with gcpause.paused():
        findings += _unparsed(library)
        findings += _works(library)
        findings += _key_clashes(library)
        findings += _doi_clashes(library)
        for copy in library.copies:
            findings += _gaps(copy)
    return findings


# -- works: duplicates, shared works, disagreements --------------------------------------------

def _works(library: Library) -> list[Finding]:
    out: list[Finding] = []
    work_of = library.work_of()
    matches_of: dict[int, list[Match]] = defaultdict(list)
    for match in library.matches:
        matches_of[work_of[match.a]].append(match)
    for number, members in enumerate(library.works):
        copies = [library.copies[i] for i in members]
        matches = [_match_json(library, m) for m in matches_of[number]]
        by_condition: dict[str, list[Copy]] = defaultdict(list)
        for copy in copies:
            by_condition[copy.condition].append(copy)
        for condition, same in by_condition.items():
            if len(same) > 1:
                keys = ", ".join(c.key for c in same)
                out.append(Finding("duplicate", f"{condition}: {keys} are one work", same,
                                   {"work": number, "matches": [
                                       m for m in matches if _in(m, same)]}))
        if len(by_condition) > 1:
            conditions = ", ".join(by_condition)
            out.append(Finding("shared", f"one work in {len(by_condition)} conditions "
                                         f"({conditions})", copies,
                               {"work": number, "matches": matches}))
            out += _disagreements(number, copies)
    return out


def _in(match: dict[str, Any], copies: list[Copy]) -> bool:
    wanted = {(c.condition, c.key) for c in copies}
    return all((side["condition"], side["key"]) in wanted for side in (match["a"], match["b"]))


def _match_json(library: Library, match: Match) -> dict[str, Any]:
    return {"a": library.copies[match.a].to_json(), "b": library.copies[match.b].to_json(),
            "score": match.score, "basis": match.basis, "agree": list(match.agree),
            "differ": list(match.differ), "missing": list(match.missing)}


def _disagreements(number: int, copies: list[Copy]) -> list[Finding]:
    out = []
    for name in COMPARED:
        values: dict[Any, list[Copy]] = {}
        shown: dict[Any, str | None] = {}
        for copy in copies:
            spelling = SPELLING[name](copy.item)
            values.setdefault(spelling, []).append(copy)
            shown.setdefault(spelling, SHOWN[name](copy.item))
        if len(values) < 2:
            continue
        groups = [{"value": shown[s], "copies": [c.to_json() for c in group]}
                  for s, group in values.items()]
        first = copies[0]
        out.append(Finding("disagreement", f"{name}: {len(values)} values among the "
                                           f"{len(copies)} copies of {first.where}", copies,
                           {"work": number, "field": name, "values": groups}))
    return out


# spelling-free comparison values and what is shown for each field
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_INITIALS = re.compile(r"^(?:[^\W\d_][.\s-]*)+$")


def _text(value: Any) -> str | None:
    if value in (None, ""):
        return None
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", _TAGS.sub("", str(value)))).strip()
    return text or None


def _title(item: Item) -> str | None:
    text = _text(item.get("title"))
    return text.rstrip(".").rstrip() if text else None


def _given(given: str) -> str:
    """`M.B.`, `M. B.` and `M B` are one spelling of initials."""
    if _INITIALS.match(given) and all(len(part) == 1 for part in re.findall(r"[^\W\d_]+", given)):
        return " ".join(f"{letter}." for letter in re.findall(r"[^\W\d_]", given))
    return given


def _names(item: Item) -> str | None:
    names = []
    for name in item.get("author") or ():
        if not isinstance(name, dict):
            continue
        if name.get("literal"):
            names.append(_text(name["literal"]) or "")
            continue
        family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
        given = " ".join(p for p in (_given(_text(name.get("given")) or ""),
                                     name.get("dropping-particle")) if p)
        names.append(", ".join(p for p in (_text(family), given, name.get("suffix")) if p))
    if not names:
        return None
    return "; ".join(names) + (" et al." if "author" in (item.get(ET_AL) or ()) else "")


def _year(item: Item) -> str | None:
    year = issued_year(item)
    return None if year is None else str(year)


def _page(item: Item) -> str | None:
    page = _text(item.get("page"))
    return comparable_page(page) if page else None


SPELLING: dict[str, Callable[[Item], Any]] = {
    "title": _title, "author": _names, "year": _year,
    "container-title": lambda item: _text(item.get("container-title")),
    "volume": lambda item: _text(item.get("volume")),
    "issue": lambda item: _text(item.get("issue")),
    "page": _page, "DOI": lambda item: doi_key(item.get("DOI")) or None,
}
SHOWN: dict[str, Callable[[Item], str | None]] = dict(
    SPELLING, page=lambda item: _text(item.get("page")),
    DOI=lambda item: _text(item.get("DOI")))


# -- keys, gaps, unparsed blocks ------------------------------------------------------------

def _key_clashes(library: Library) -> list[Finding]:
    work_of = library.work_of()
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, copy in enumerate(library.copies):
        by_key[copy.key.casefold()].append(index)
    out = []
    for members in by_key.values():
        works = {work_of.get(i, -1 - i) for i in members}
        if len(members) > 1 and len(works) > 1:
            copies = [library.copies[i] for i in members]
            out.append(Finding("key-clash", f"key '{copies[0].key}' names {len(works)} "
                                            f"different works", copies,
                               {"key": copies[0].key}))
    return out


def _doi_clashes(library: Library) -> list[Finding]:
    work_of = library.work_of()
    by_doi: dict[str, list[int]] = defaultdict(list)
    for index, fp in enumerate(library.fingerprints):
        if fp.doi:
            by_doi[fp.doi].append(index)
    out = []
    for members in by_doi.values():
        works = {work_of.get(i, -1 - i) for i in members}
        if len(works) > 1:
            copies = [library.copies[i] for i in members]
            doi = str(copies[0].item.get("DOI"))
            out.append(Finding("doi-clash", f"DOI {doi} is on {len(works)} works whose titles "
                                            "differ (one DOI is wrong?)", copies,
                               {"DOI": doi, "titles": [c.item.get("title") for c in copies]}))
    return out


def _gaps(copy: Copy) -> list[Finding]:
    item, out = copy.item, []
    kind = str(item.get("type", ""))
    for note in item.get(NOTES) or ():  # a hand-edited .bib never went through `import`
        out.append(Finding("read-note", f"{copy.where} (line {copy.line}): {note}", [copy],
                           {"note": note}))
    stored = str(item.get("DOI") or "")
    if stored and not (doi.is_valid(stored) or doi.is_short(stored)):
        out.append(Finding("bad-doi", f"{copy.where}: DOI {stored!r} is not DOI syntax "
                                      "(10.<registrant>/<suffix>), so its link resolves nowhere",
                           [copy], {"DOI": stored}))
    if kind in DOI_EXPECTED and not stored:
        linked = doi.of_url(str(item.get("URL") or ""))
        hint = (f"its URL is the DOI link of {linked}: store that as its doi" if linked
                else f"try `evidencebib find-doi {copy.condition}`")
        out.append(Finding("no-doi", f"{copy.where}: a journal article without a DOI ({hint})",
                           [copy], {"DOI": linked} if linked else {}))
    missing = [name for name in _required(kind) if not _has(item, name)]
    if missing:
        out.append(Finding("missing-field", f"{copy.where}: {kind} without "
                                            f"{', '.join(missing)}", [copy],
                           {"fields": missing}))
    if "author" in (item.get(ET_AL) or ()):
        out.append(Finding("truncated-authors", f"{copy.where}: the author list ends in et al "
                                                f"(try `evidencebib enrich {copy.condition}`)",
                           [copy]))
    return out


def _required(kind: str) -> tuple[str, ...]:
    if kind == "webpage":
        return ("title", "URL")
    if kind in ("article", "review", "article-magazine", "article-newspaper"):
        kind = "article-journal"
    fields = REQUIRED.get(kind, DEFAULT_REQUIRED if kind not in ("document", "") else ("title",))
    return tuple("issued" if name == "year" else name for name in fields)


def _has(item: Item, name: str) -> bool:
    if name == "author":
        return bool(item.get("author") or item.get("editor"))
    if name == "issued":
        return issued_year(item) is not None or bool((item.get("issued") or {}).get("literal"))
    return bool(item.get(name))


def _unparsed(library: Library) -> list[Finding]:
    out = []
    for condition, problem in library.problems:
        location = problem.location
        out.append(Finding("unparsed", f"{condition}: {problem}", [],
                           {"condition": condition, "file": str(location.file or ""),
                            "line": location.line, "key": location.entry,
                            "problem": problem.message}))
    for condition, problem in library.commented:
        # an entry commented out is no block that fails to parse: the reader's note on it
        out.append(Finding("read-note", f"{condition}: {problem}", [], {"note": problem.message}))
    return out
