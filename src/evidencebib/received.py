"""Values that came from a network service, checked before anything stores them.

Crossref, doi.org and the registration agencies are trusted to say which work a DOI names,
not to send well-formed data: a search result's DOI can be `not a doi }\\n@article{evil…`,
and a title can carry terminal escape sequences or bidirectional overrides. Everything `add`,
`import --from doi-list`, `enrich --apply` and `find-doi --apply` write from a service goes
through here first:

* text loses control characters and the escape sequences they start (ECMA-48: CSI
  `ESC [ … final`, OSC `ESC ] … BEL|ST`, other `ESC x`, and the C1 forms), bidirectional
  embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: "Trojan Source",
  CVE-2021-42574), and runs of whitespace become one space;
* a DOI must be DOI syntax (`doi.is_valid`) with nothing BibTeX or LaTeX reads specially
  (`{`, `}`, `\\`);
* each field has a syntax and a length: an ISSN is `dddd-dddX`, a date is a year 1–9999 with a
  month 1–12 (21–24: seasons) and a day 1–31, a volume is at most 100 characters …; a value
  that fails is dropped, and the caller is told which and why (`check_item` returns the
  problems), so that an editor hears about it.

This module holds no network code; it is the gate between what a client returned and the
store.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from evidencebib.model import doi as doi_names
from evidencebib.model import Item

# ECMA-48 sequences, then any control character left (C0, DEL, C1), then bidi controls.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI … final byte
    r"|\x9b[0-?]*[ -/]*[@-~]"             # C1 CSI
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC … BEL/ST
    r"|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # their C1 forms
    r"|\x1b[ -/]*[0-~]"                   # other escapes (ESC c, ESC ( B …)
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\s\u2028\u2029]+")
_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")
_ISBN = re.compile(r"\d{9}[\dXx]|\d{13}")          # after hyphens and spaces are removed
_TYPE = re.compile(r"[a-z][a-z_-]{0,39}")

# Longest value accepted per field (characters); others: DEFAULT_LENGTH.
LENGTHS = {"title": 2000, "container-title": 1000, "container-title-short": 300,
           "collection-title": 1000, "publisher": 500, "publisher-place": 300,
           "volume": 100, "issue": 100, "page": 100, "number": 100, "edition": 100,
           "ISSN": 100, "ISBN": 100, "DOI": 500, "URL": 2000, "note": 2000, "abstract": 20000,
           "genre": 200, "language": 50}
DEFAULT_LENGTH = 1000
NAME_PARTS = ("family", "given", "literal", "suffix", "dropping-particle",
              "non-dropping-particle")
MAX_NAMES = 10000                      # physics collaborations list thousands of authors
NAME_LENGTH = 500


def clean_text(value: Any) -> str:
    """`value` as one line of text without control characters or escape sequences."""
    text = value if isinstance(value, str) else str(value)
    text = _SEQUENCES.sub("", text)
    text = _CONTROLS.sub(lambda m: " " if m.group(0) in "\t\n\r\x0b\x0c\x85" else "", text)
    return _SPACE.sub(" ", text).strip()


def check_doi(value: Any) -> str | None:
    """The DOI in `value` when it is one that may be stored, else None."""
    if not isinstance(value, str) or len(value) > LENGTHS["DOI"]:
        return None
    if _CONTROLS.search(value) or "\x1b" in value:
        return None
    name = doi_names.normalize(value)
    if not doi_names.is_valid(name) or any(c in name for c in "{}\\"):
        return None
    return name


def _check_date(value: Any) -> dict | None:
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        return None
    checked = []
    for part in parts:
        if not isinstance(part, list) or not 1 <= len(part) <= 3 or \
                any(type(p) is not int for p in part):
            return None
        year, month, day = (part + [None, None])[:3]
        if not 1 <= year <= 9999:
            return None
        if month is not None and not (1 <= month <= 12 or 21 <= month <= 24):
            return None
        if day is not None and not 1 <= day <= 31:
            return None
        checked.append(list(part))
    out: dict = {"date-parts": checked}
    for key in ("circa", "season"):
        if key in value and isinstance(value[key], (bool, int, str)):
            out[key] = value[key]
    return out


def _check_names(value: Any) -> tuple[list | None, str]:
    if not all(isinstance(person, Mapping) for person in value):
        return None, "not a list of names"
    if len(value) > MAX_NAMES:
        return None, f"more than {MAX_NAMES} names"
    names = []
    for person in value:
        if not isinstance(person, Mapping):
            continue
        name = {}
        for part in NAME_PARTS:
            if isinstance(person.get(part), str):
                text = clean_text(person[part])[:NAME_LENGTH]
                if text:
                    name[part] = text
        if name.get("family") or name.get("literal"):
            names.append(name)
    return names, ""


def _check_field(field: str, value: Any) -> tuple[Any, str]:
    """(checked value, "") or (None, why it was dropped)."""
    if field == "DOI":
        doi = check_doi(value)
        return (doi, "") if doi else (None, "not a DOI")
    if field == "type":
        text = clean_text(value) if isinstance(value, str) else ""
        return (text, "") if _TYPE.fullmatch(text) else (None, "not a CSL type")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None, f"a {type(value).__name__}, not text"
    text = clean_text(value)
    limit = LENGTHS.get(field, DEFAULT_LENGTH)
    if len(text) > limit:
        return None, f"{len(text)} characters (at most {limit})"
    if field == "ISSN":
        issns = [part.strip() for part in re.split(r"[,;\s]+", text) if part.strip()]
        good = [issn for issn in issns if _ISSN.fullmatch(issn)]
        if not good:
            return None, "not an ISSN"
        return ", ".join(good), "" if len(good) == len(issns) else "kept only the valid ISSNs"
    if field == "ISBN":
        isbns = [part.strip() for part in re.split(r"[,;]+", text) if part.strip()]
        good = [isbn for isbn in isbns if _ISBN.fullmatch(re.sub(r"[- ]", "", isbn))]
        return (", ".join(good), "") if good else (None, "not an ISBN")
    if field == "URL" and not re.match(r"https?://[^\s]+$", text, re.IGNORECASE):
        return None, "not an http(s) URL"
    return text, ""


def check_item(item: Item, source: str = "the service") -> tuple[Item, list[str]]:
    """A copy of `item` holding only values that may be stored, and a line for each value
    that was dropped or cut down (`"volume: 5000 characters (at most 100); not stored"`)."""
    checked: Item = {}
    problems: list[str] = []
    for field, value in item.items():
        if field.startswith("_") or field == "id":
            checked[field] = value                 # ours, not the service's
            continue
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            names, why = _check_names(value)
            if names:
                checked[field] = names
            else:
                problems.append(f"{field} from {source}: {why or 'no usable name'}; not stored")
            continue
        if isinstance(value, Mapping):
            date = _check_date(value)
            if date is not None:
                checked[field] = date
            else:
                problems.append(f"{field} from {source}: not a date "
                                f"({clean_text(repr(value))[:60]}); not stored")
            continue
        good, why = _check_field(field, value)
        if good is not None and good != "":
            checked[field] = good
            if why:
                problems.append(f"{field} from {source}: {why}")
        elif why:
            problems.append(f"{field} from {source}: {why}; not stored")
    return checked, problems


def report(problems: list[str], where: str, notice: Callable[[str], None] | None) -> None:
    """Tell `notice` about each dropped value, prefixed with what it belongs to."""
    if notice is None:
        return
    for problem in problems:
        notice(f"{where}: {problem}")
