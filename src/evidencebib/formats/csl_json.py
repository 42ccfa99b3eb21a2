"""CSL-JSON files <-> items, and the small pivot helpers the other format modules share.

CSL-JSON *is* the pivot model, so reading is mostly normalisation and writing mostly
filtering:

* `read(text)` accepts a JSON array of items (a single object or anything else is a
  ParseError naming line and column). Per item: `citation-key` becomes `id` (and is written
  back as both), aliases are renamed (`journalAbbreviation` -> `container-title-short`,
  `shortTitle` -> `title-short`, `event` -> `event-title`), dates are normalised to
  `date-parts` with integer parts (`raw`, EDTF strings, string parts such as `"2011"` are
  parsed; text that is no date becomes `literal`), names given as strings are split.
  Keys the official schema does not allow (`file`, `license`, `part-number` …) are **kept
  in `custom`** (the schema's free key/value object) and logged, so nothing is silently
  lost and the output still validates.
* `write(items, tags=None, indent=2)` writes schema-valid CSL-JSON (validated in the tests
  against the official csl-data.json): private `_` keys are removed, `raw` dates are
  never written, `citation-key` mirrors `id`, and each name in `tags` is appended to the
  comma-separated `keyword` variable (the condition slug of an exported page).

Shared helpers (used by ris.py and endnote_xml.py): `parse_name`/`format_name` ("Family,
Given, Suffix"; no comma = organisation), `split_pages`, `split_keywords`/`join_keywords`,
`parse_date_text`/`format_edtf` (EDTF subset: ranges, open ends, `~` circa, seasons,
negative years) and `normalize_date`.
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.model import LINE, Item, citation_key

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------
# The official schema's vocabulary (csl-data.json v1.0), so that reading needs no file.

CSL_TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter classic
collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic
hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet
paper-conference patent performance periodical personal_communication post post-weblog
regulation report review review-book software song speech standard thesis treaty webpage
""".split())

SCHEMA_NAME_VARIABLES = frozenset("""
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director executive-producer guest host interviewer illustrator narrator
organizer original-author performer producer recipient reviewed-author script-writer
series-creator translator
""".split())

SCHEMA_DATE_VARIABLES = frozenset(
    "accessed available-date event-date issued original-date submitted".split())

SCHEMA_TEXT_VARIABLES = frozenset("""
citation-key language journalAbbreviation shortTitle abstract annote archive
archive_collection archive_location archive-place authority call-number chapter-number
citation-number citation-label collection-number collection-title container-title
container-title-short dimensions division DOI edition event event-title event-place
first-reference-note-number genre ISBN ISSN issue jurisdiction keyword locator medium note
number number-of-pages number-of-volumes original-publisher original-publisher-place
original-title page page-first part part-title PMCID PMID printing publisher
publisher-place references reviewed-genre reviewed-title scale section source status
supplement title title-short URL version volume volume-title volume-title-short year-suffix
""".split())

# Variables whose schema type is ["string", "number"]; every other text variable must be a string.
SCHEMA_NUMERIC = frozenset("""
chapter-number citation-number collection-number edition first-reference-note-number issue
locator number number-of-pages number-of-volumes page page-first part printing supplement
volume
""".split())

SCHEMA_PROPERTIES = (frozenset({"type", "id", "categories", "custom"}) | SCHEMA_NAME_VARIABLES
                     | SCHEMA_DATE_VARIABLES | SCHEMA_TEXT_VARIABLES)

NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix",
              "comma-suffix", "static-ordering", "literal", "parse-names")
DATE_KEYS = ("date-parts", "season", "circa", "literal", "raw")

ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short",
           "event": "event-title"}

# --------------------------------------------------------------------------------------
# Names


def _split_particle(family: str) -> tuple[str, str]:
    """('van der', 'Berg') from 'van der Berg': leading all-lower-case words are a particle."""
    words = family.split()
    particle = []
    while len(words) > 1 and words[0] == words[0].lower() and any(c.isalpha() for c in words[0]):
        particle.append(words.pop(0))
    return " ".join(particle), " ".join(words)


def _split_dropping(given: str) -> tuple[str, str]:
    """('Ludwig', 'van') from 'Ludwig van': trailing all-lower-case words are a particle."""
    words = given.split()
    particle: list[str] = []
    while len(words) > 1 and words[-1] == words[-1].lower() and any(c.isalpha() for c in words[-1]):
        particle.insert(0, words.pop())
    return " ".join(words), " ".join(particle)


def parse_name(text: str) -> dict[str, str]:
    """A name as written in RIS/EndNote: `Family, Given[, Suffix]`; no comma = organisation.

    Lower-case words leading the family part are the non-dropping particle
    (`van der Berg, Jan`), lower-case words trailing the given part the dropping particle
    (`Beethoven, Ludwig van`).
    """
    text = " ".join(text.split())
    if "," not in text:
        return {"literal": text}
    family, _, rest = (part.strip() for part in text.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    name: dict[str, str] = {}
    particle, family = _split_particle(family)
    given, dropping = _split_dropping(given)
    if family:
        name["family"] = family
    if given:
        name["given"] = given
    if dropping:
        name["dropping-particle"] = dropping
    if particle:
        name["non-dropping-particle"] = particle
    if suffix:
        name["suffix"] = suffix
    if not name:
        name["literal"] = text
    return name


def format_name(name: Mapping[str, Any]) -> str:
    """Inverse of `parse_name`: persons always carry a comma, organisations never."""
    if name.get("literal") and not name.get("family"):
        return " ".join(str(name["literal"]).split())
    family = " ".join(str(name.get("family") or "").split())
    particle = " ".join(str(name.get("non-dropping-particle") or "").split())
    if particle:
        family = f"{particle} {family}" if family else particle
    given = " ".join(str(name.get("given") or "").split())
    dropping = " ".join(str(name.get("dropping-particle") or "").split())
    if dropping:
        given = f"{given} {dropping}" if given else dropping
    suffix = " ".join(str(name.get("suffix") or "").split())
    text = f"{family}, {given}" if given else f"{family},"
    if suffix:
        text = f"{family}, {given}, {suffix}"
    return text


# --------------------------------------------------------------------------------------
# Pages and keywords

_DASH = re.compile(r"\s*(?:--|[-\u2010\u2011\u2012\u2013\u2014\u2212])\s*")


def split_pages(page: Any) -> tuple[str, str | None]:
    """`e1-e12` -> ('e1', 'e12'); splits once on `-`, `--`, en/em dash; no dash -> (page, None)."""
    text = str(page).strip()
    match = _DASH.search(text)
    if not match or match.start() == 0:
        return text, None
    return text[:match.start()], text[match.end():]


def join_pages(start: str | None, end: str | None) -> str | None:
    start = (start or "").strip()
    end = (end or "").strip()
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end or None


def canonical_page(page: Any) -> str:
    """The page string as our importers produce it (ranges joined with a hyphen)."""
    start, end = split_pages(page)
    return join_pages(start, end) or ""


def split_keywords(value: Any) -> list[str]:
    """CSL `keyword` -> list. Split on `;` when present (keywords that contain commas), else `,`."""
    if isinstance(value, (list, tuple)):
        words = [str(v) for v in value]
    else:
        text = str(value or "")
        words = text.split(";") if ";" in text else text.split(",")
    return [w.strip() for w in words if w.strip()]


def join_keywords(words: Iterable[str]) -> str:
    """List -> CSL `keyword`: `, ` separated, or `; ` when some keyword contains a comma."""
    out: list[str] = []
    for word in words:
        word = " ".join(str(word).split())
        if word and word not in out:
            out.append(word)
    sep = "; " if any("," in w for w in out) else ", "
    return sep.join(out)


def add_tags(item: Mapping[str, Any], tags: Iterable[str] | None) -> list[str]:
    """The item's keywords plus the given tags (condition slugs), without duplicates."""
    words = split_keywords(item.get("keyword") or "")
    for tag in tags or ():
        if tag and tag not in words:
            words.append(tag)
    return words


def normalize_doi(value: str) -> str:
    """`https://doi.org/10.x/y`, `doi:10.x/y` … -> `10.x/y`; text that is no DOI stays as is."""
    from evidencebib import doi as doi_names

    try:
        return doi_names.normalize(value)
    except Exception:  # noqa: BLE001 - keep what the file says when it is no DOI
        return value.strip()


def is_doi_url(url: str, doi: str | None) -> bool:
    """True when `url` is only the doi.org (dx.doi.org) address of `doi`."""
    from evidencebib import doi as doi_names

    if not doi or not re.match(r"^https?://(dx\.)?doi\.org/", str(url).strip(), re.IGNORECASE):
        return False
    try:
        return doi_names.same(normalize_doi(str(url)), doi)
    except Exception:  # noqa: BLE001
        return False


# --------------------------------------------------------------------------------------
# Dates

MONTHS = {name: i for i, names in enumerate([
    ("jan", "january", "janvier", "januar"), ("feb", "february", "febr", "fevrier", "februar"),
    ("mar", "march", "mars", "marz", "märz"), ("apr", "april", "avril"), ("may", "mai"),
    ("jun", "june", "juin", "juni"), ("jul", "july", "juillet", "juli"),
    ("aug", "august", "aout", "août"), ("sep", "sept", "september", "septembre"),
    ("oct", "october", "octobre", "oktober"), ("nov", "november", "novembre"),
    ("dec", "december", "decembre", "décembre", "dezember")], start=1) for name in names}
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
SEASON_NAMES = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter"}

_EDTF_END = re.compile(r"^(?:Y?(-?\d{1,9})(?:-(\d{2})(?:-(\d{2}))?)?)([~?%]*)$")


def _to_int(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return value


def _edtf_end(text: str) -> tuple[list[int], bool] | None:
    match = _EDTF_END.match(text)
    if not match:
        return None
    year, month, day, qualifiers = match.groups()
    parts = [int(year)]
    if month:
        parts.append(int(month))
        if day:
            parts.append(int(day))
    return parts, bool(qualifiers)


def parse_edtf(text: str) -> dict[str, Any] | None:
    """An EDTF (level 0/1 subset) / ISO 8601 date or interval as a CSL date, else None.

    `2020`, `2020-01`, `2020-01-15`, `-0333`, `2011-05-25~/2012-06-26~` (circa),
    `2017-22` (EDTF season 21-24 -> `season`), `2014-12-31/..` (open end -> `[0]`).
    """
    text = text.strip()
    if not text or not re.match(r"^[Y\d.-]", text):
        return None
    ends = text.split("/")
    if len(ends) > 2:
        return None
    parts: list[list[int]] = []
    circa = False
    season = None
    for index, end in enumerate(ends):
        end = end.strip()
        if end in ("..", "") and index == 1:
            parts.append([0])
            continue
        parsed = _edtf_end(end)
        if parsed is None:
            return None
        value, qualified = parsed
        circa = circa or qualified
        if len(value) > 1 and 21 <= value[1] <= 24 and len(ends) == 1:
            season = value[1] - 20
            value = value[:1]
        elif len(value) > 1 and 21 <= value[1] <= 24:
            value = [value[0], value[1] - 8] + value[2:]  # a season in a range: CSL 13-16
        if len(value) > 1 and not (1 <= value[1] <= 24):
            return None
        if len(value) > 2 and not (1 <= value[2] <= 31):
            return None
        parts.append(value)
    date: dict[str, Any] = {"date-parts": parts}
    if season:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def format_edtf(date: Mapping[str, Any]) -> str | None:
    """CSL date -> EDTF string (the inverse of `parse_edtf`); None without date-parts."""
    parts = [list(p) for p in (date.get("date-parts") or []) if p]
    if not parts or parts[0] in ([0], [None], [""]):
        return None
    circa = "~" if date.get("circa") else ""
    ends = []
    for index, part in enumerate(parts[:2]):
        values = [_to_int(v) for v in part]
        if index == 1 and values in ([0], [None], [""]):
            ends.append("..")
            continue
        if not isinstance(values[0], int):
            return None
        year = values[0]
        text = f"-{abs(year):04d}" if year < 0 else f"{year:04d}"
        for position, value in enumerate(values[1:3], start=1):
            if not isinstance(value, int) or value == 0:
                break
            if position == 1 and 13 <= value <= 16:
                value += 8  # CSL's season "months" 13-16 are EDTF's 21-24
            text += f"-{value:02d}"
        ends.append(text + circa)
    season = date.get("season")
    if season and len(parts) == 1 and len(parts[0]) == 1:
        number = season if isinstance(season, int) else SEASONS.get(str(season).lower())
        if number is None and str(season).isdigit():
            number = int(season)
        if number in (1, 2, 3, 4):
            ends[0] = ends[0].rstrip("~") + f"-{20 + number:02d}" + circa
    return "/".join(ends)


_FREE_YEAR = re.compile(r"(?<![\d-])(\d{4})(?!\d)")


def parse_date_text(text: str, *, year: Any = None) -> dict[str, Any] | None:
    """A date as people write it: EDTF/ISO first, then free text (`Mar 3`, `15 January
    2020`, `03/03/2015`, `Summer 2017`, `2001 Dec`). `year` fills a missing year (RIS `DA
    SEP 22` + `PY 2010`). Text that holds no date becomes `{"literal": text}`."""
    text = " ".join(str(text).split())
    if not text:
        return None
    date = parse_edtf(text)
    if date:
        return date
    lowered = text.lower().replace(",", " ").replace(".", " ")
    circa = bool(re.search(r"\b(circa|ca|c)\b", lowered)) or text.endswith("?")
    # numeric d/m/y or m/d/y with a 4-digit year
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if numeric:
        first, second, y = (int(g) for g in numeric.groups())
        month, day = (first, second) if first <= 12 else (second, first)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return {"date-parts": [[y, month, day]]}
    found_year = _FREE_YEAR.search(lowered)
    words = re.findall(r"[^\W\d_]+", lowered)
    month = next((MONTHS[w] for w in words if w in MONTHS), None)
    season = next((SEASONS[w] for w in words if w in SEASONS), None)
    rest = _FREE_YEAR.sub(" ", lowered)
    days = [int(d) for d in re.findall(r"(?<!\d)(\d{1,2})(?!\d)", rest) if 1 <= int(d) <= 31]
    y = int(found_year.group(1)) if found_year else _to_int(year) if year not in (None, "") else None
    if not isinstance(y, int) or (month is None and season is None and not found_year):
        if isinstance(y, int) and not words and not days:
            return {"date-parts": [[y]]}
        return {"literal": text}
    known = set(MONTHS) | set(SEASONS) | {"circa", "ca", "c", "of", "the", "st", "nd", "rd", "th"}
    if any(w not in known for w in words):
        return {"literal": text}
    parts = [y]
    if month:
        parts.append(month)
        if len(days) == 1:
            parts.append(days[0])
    elif days:
        return {"literal": text}
    date: dict[str, Any] = {"date-parts": [parts]}
    if season and not month:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def normalize_date(value: Any) -> dict[str, Any] | None:
    """Any CSL-ish date (object with date-parts/raw/literal, EDTF string, year number) ->
    a CSL date object with integer `date-parts` and without `raw`."""
    if value is None or value == "" or value == {}:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"date-parts": [[int(value)]]}
    if isinstance(value, str):
        return parse_date_text(value)
    if not isinstance(value, Mapping):
        raise TypeError("a date must be an object, a string or a year")
    date: dict[str, Any] = {}
    parts = value.get("date-parts")
    if parts:
        if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
            raise TypeError("date-parts must be a list of lists")
        clean = []
        for part in parts[:2]:
            values = [_to_int(v) for v in part[:3] if v not in (None, "")]
            if not all(isinstance(v, int) for v in values):
                raise TypeError(f"date-parts hold a non-number: {part!r}")
            clean.append(values or [0])
        # a trailing open end [0] is kept (BBT writes it for open ranges)
        if clean and clean[0] and clean[0] != [0]:
            date["date-parts"] = clean
    elif value.get("raw") not in (None, ""):
        parsed = parse_date_text(str(value["raw"]))
        if parsed:
            date.update(parsed)
    for key in ("season", "circa", "literal"):
        if value.get(key) not in (None, "", False):
            date.setdefault(key, value[key])
    if "season" in date:
        date["season"] = _to_int(date["season"])
    return date or None


# --------------------------------------------------------------------------------------
# Items


def _normalize_name(name: Any) -> dict[str, Any]:
    if isinstance(name, str):
        return parse_name(name)
    if not isinstance(name, Mapping):
        raise TypeError(f"a name must be an object, not {type(name).__name__}")
    out = {}
    for key, value in name.items():
        if key in NAME_PARTS and value not in (None, ""):
            out[key] = value if key in ("comma-suffix", "static-ordering", "parse-names") \
                else str(value)
    if not out:
        raise TypeError("an empty name")
    return out


def normalize_item(raw: Mapping[str, Any], *, source: str = "<string>",
                   index: int | None = None, line: int | None = None) -> Item:
    """One CSL-JSON object as a pivot item (see the module docstring for what changes)."""
    entry = str(raw.get("citation-key") or raw.get("id") or "") or None
    item: Item = {}
    custom: dict[str, Any] = dict(raw.get("custom") or {}) if isinstance(raw.get("custom"), Mapping) else {}
    try:
        for key, value in raw.items():
            key = ALIASES.get(key, key)
            if value is None or value == "" or value == []:
                continue
            if key in ("id", "citation-key", "custom") or key.startswith("_"):
                if key.startswith("_"):
                    item[key] = value
                continue
            if key == "type":
                item["type"] = str(value)
            elif key in SCHEMA_NAME_VARIABLES:
                if not isinstance(value, list):
                    raise TypeError(f"'{key}' must be a list of names")
                item[key] = [_normalize_name(n) for n in value]
            elif key in SCHEMA_DATE_VARIABLES:
                date = normalize_date(value)
                if date:
                    item[key] = date
            elif key == "categories":
                item[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
            elif key in SCHEMA_TEXT_VARIABLES:
                if key in ALIASES.values() and key in item:
                    continue
                if isinstance(value, (dict, list)):
                    raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
                if isinstance(value, bool) or (key not in SCHEMA_NUMERIC and not isinstance(value, str)):
                    value = str(value)
                item[key] = value
            else:
                log.warning("%s: item %s: '%s' is not a CSL variable; kept under 'custom'",
                            source, entry or index, key)
                custom[key] = value
    except TypeError as error:
        raise ParseError(str(error), file=source, line=line, entry=entry) from None
    if "type" not in item:
        raise ParseError("item has no 'type'", file=source, line=line, entry=entry)
    if item["type"] not in CSL_TYPES:
        log.warning("%s: item %s: unknown CSL type %r read as 'document'",
                    source, entry or index, item["type"])
        custom.setdefault("original-type", item["type"])
        item["type"] = "document"
    if custom:
        item["custom"] = custom
    if raw.get("citation-key"):
        item["id"] = str(raw["citation-key"])
    elif raw.get("id") not in (None, ""):
        item["id"] = str(raw["id"])
    if line is not None:
        item[LINE] = line
    return {"id": item.pop("id", None), **item} if "id" in item else item


# Limits on what a CSL-JSON file may hold, far beyond any real one (an item is 3 levels deep,
# a date 5); they make the verdict on a file the same whatever the caller's stack depth, and a
# number with more digits than Python converts (4300, or less by PYTHONINTMAXSTRDIGITS) a
# clear error rather than a ValueError.
MAX_DEPTH = 64
MAX_INT_DIGITS = 100

# JSON strings hold no raw line break, so blanking them keeps every line where it was and
# leaves only brackets, numbers and bare words to look at
_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_TOKEN = re.compile(r"[\[\]{}]|[-+.\w]+")
_INTEGER_PART = re.compile(r"-?(\d*)")


def _scan(text: str, source: str) -> list[int]:
    """Line numbers where the top-level array's objects start (for error messages); a
    ParseError naming the line of the first value nested deeper than MAX_DEPTH, of an
    integer longer than MAX_INT_DIGITS, or of a number no float holds (NaN, Infinity, 1e400).
    Called on text that json.loads read (or refused for depth or size), so strings are whole."""
    layout = _STRING.sub('""', text)
    lines: list[int] = []
    depth = 0
    line, counted = 1, 0

    def line_at(position: int) -> int:
        nonlocal line, counted
        line += layout.count("\n", counted, position)
        counted = position
        return line

    for match in _TOKEN.finditer(layout):
        token = match.group()
        first = token[0]
        if first in "[{":
            if depth == 1 and first == "{":
                lines.append(line_at(match.start()))
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"nested deeper than {MAX_DEPTH} levels", file=source,
                                 line=line_at(match.start()))
        elif first in "]}":
            depth -= 1
        elif token not in ("true", "false", "null"):
            _check_number(token, line_at(match.start()), source)
    return lines


def _check_number(token: str, line: int, source: str) -> None:
    digits = len(_INTEGER_PART.match(token).group(1))  # type: ignore[union-attr]
    if digits > MAX_INT_DIGITS:
        raise ParseError(f"a number with {digits} digits (at most {MAX_INT_DIGITS} are read)",
                         file=source, line=line)
    if any(c.isalpha() and c not in "eE" for c in token) or (
            any(c in token for c in ".eE") and not math.isfinite(float(token))):
        raise ParseError(f"{token[:40]} is not a number JSON can hold (NaN, Infinity and "
                         "numbers beyond ±1.8e308 are refused)", file=source, line=line)


def _refuse_constant(name: str) -> Any:
    raise _NotJSON(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJSON(text)
    return value


class _NotJSON(ValueError):
    """A number json.loads accepts but JSON does not define (NaN, Infinity, 1e400)."""


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """Items of a CSL-JSON file (a JSON array of objects)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg} (column {error.colno})",
                         file=source, line=error.lineno) from None
    except (RecursionError, ValueError):  # too deep, too many digits, NaN, 1e400 …
        _scan(text, source)  # raises the ParseError naming the line
        raise ParseError("invalid JSON: nested too deeply or a number too large",
                         file=source) from None
    lines = _scan(text, source)
    if isinstance(data, dict):
        raise ParseError("CSL-JSON must be a list of items, not a single object "
                         "(wrap it in [ ])", file=source, line=1)
    if not isinstance(data, list):
        raise ParseError(f"CSL-JSON must be a list of items, not {type(data).__name__}",
                         file=source, line=1)
    items: list[Item] = []
    taken: list[str] = []
    for index, raw in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(raw, dict):
            raise ParseError(f"item {index + 1} is a {type(raw).__name__}, not an object",
                             file=source, line=line)
        item = normalize_item(raw, source=source, index=index + 1, line=line)
        if not item.get("id"):
            item = {"id": citation_key(item, taken), **item}
        taken.append(item["id"])
        items.append(item)
    return items


def to_csl(item: Mapping[str, Any], *, tags: Iterable[str] | None = None) -> dict[str, Any]:
    """One item as a schema-valid CSL-JSON object."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        if key.startswith("_") or value is None or value == "" or value == []:
            continue
        key = ALIASES.get(key, key)
        if key in SCHEMA_DATE_VARIABLES:
            date = normalize_date(value)
            if date:
                out[key] = {k: date[k] for k in DATE_KEYS if k in date and k != "raw"}
        elif key in SCHEMA_NAME_VARIABLES:
            out[key] = [{k: v for k, v in dict(n).items() if k in NAME_PARTS} for n in value]
        elif key == "custom" and isinstance(value, Mapping):
            out[key] = dict(value)
        elif key in SCHEMA_PROPERTIES:
            if key in SCHEMA_TEXT_VARIABLES and key not in SCHEMA_NUMERIC and not isinstance(value, str):
                value = str(value)
            out[key] = value
    out["id"] = str(item.get("id") or citation_key(dict(item)))
    out["type"] = item.get("type") if item.get("type") in CSL_TYPES else "document"
    words = add_tags(item, tags)
    if words:
        out["keyword"] = join_keywords(words)
    out["citation-key"] = out["id"]
    order = ["id", "citation-key", "type"]
    return {k: out[k] for k in order} | {k: v for k, v in out.items() if k not in order}


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None,
          indent: int | None = 2) -> str:
    """Items as a CSL-JSON array (UTF-8 text, non-ASCII kept as is)."""
    tags = list(tags or ())
    data = [to_csl(item, tags=tags) for item in items]
    return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"
