"""CSL date values: EDTF strings, dates as people write them, and CSL date objects.

One normaliser for every reader, writer and the engine:

* `parse_edtf(text)`: EDTF level 0 and the level 1 features real exports use (Better BibTeX,
  biblatex `date` fields): `2020`, `2020-01`, `2020-01-15`, negative years (`-0333`),
  `~`/`?`/`%` qualifiers (read as `circa`), seasons 21-24 (`2017-22` -> `season: 2`), closed
  ranges `2011-05-25/2012-06-26` and open ends `2014-12-31/..` (CSL `[0]`); a season inside a
  range becomes CSL's "month" 13-16. EDTF: https://www.loc.gov/standards/datetime/
* `format_edtf(date)`: the inverse, for writers that store dates as text.
* `parse_date_text(text, year=None)`: EDTF first, then free text (`Mar 3`, `15 January 2020`,
  `03/03/2015`, `Summer 2017`, `2001 Dec`); text that is no date becomes `{"literal": text}`.
* `parse_date(text)`: EDTF, else the text as a literal date (fields that hold a date by
  definition, such as biblatex `date`).
* `normalize_date(value)`: any CSL-ish date (an object with `date-parts` as numbers or strings,
  `raw`, `literal`, `season`, `circa`; an EDTF string; a year number) -> a CSL date object
  with integer `date-parts` and without `raw`.
* `date_text(date)`: EDTF, else the literal text, else None.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

MONTHS = {name: i for i, names in enumerate([
    ("jan", "january", "janvier", "januar"), ("feb", "february", "febr", "fevrier", "februar"),
    ("mar", "march", "mars", "marz", "märz"), ("apr", "april", "avril"), ("may", "mai"),
    ("jun", "june", "juin", "juni"), ("jul", "july", "juillet", "juli"),
    ("aug", "august", "aout", "août"), ("sep", "sept", "september", "septembre"),
    ("oct", "october", "octobre", "oktober"), ("nov", "november", "novembre"),
    ("dec", "december", "decembre", "décembre", "dezember")], start=1) for name in names}
SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}

# an ISO 8601 / biblatex time of day after a full date (`T10:11:12Z`, `T10:11+02:00`): CSL
# dates hold no time, so it is read and left out (biber, too, keeps it apart, in `hour` …)
_TIME = r"(?:T(?:[01]\d|2[0-4])(?::[0-5]\d(?::(?:[0-5]\d|60)(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)"
_EDTF_END = re.compile(r"^(?:Y?(-?\d{1,9})(?:-(\d{2})(?:-(\d{2})(" + _TIME + r")?)?)?)([~?%]*)$")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """The days of a month of the proleptic Gregorian calendar (EDTF's: year 0 = 1 BCE)."""
    if month == 2 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return 28
    return _DAYS[month - 1]


def has_time(text: str) -> bool:
    """Whether an EDTF / ISO 8601 date text carries a time of day (which CSL cannot hold)."""
    return any((m := _EDTF_END.match(end.strip())) is not None and m.group(4) is not None
               for end in text.strip().split("/"))


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
    year, month, day, _time, qualifiers = match.groups()
    parts = [int(year)]
    if month:
        number = int(month)
        # a calendar month, or an EDTF season 21-24 (without a day); 13-20 are no EDTF month
        if not (1 <= number <= 12 or (21 <= number <= 24 and not day)):
            return None
        parts.append(number)
        if day:
            if not 1 <= int(day) <= days_in_month(parts[0], number):
                return None  # 2019-02-30, 2019-04-31: no such day
            parts.append(int(day))
    return parts, bool(qualifiers)


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def day_month_year(text: str) -> tuple[dict[str, Any] | None, bool] | None:
    """A date written `15/06/2019` or `06/15/2019` (EndNote's Date field in the machine's
    locale; EBSCO's and hand-made RIS): (the CSL date, whether day and month could be either),
    else None. When either could be the month (`12/06/2019`: 12 June in the UK, December 6 in
    the US) only the year is read; otherwise the part above 12 is the day."""
    match = _DAY_MONTH_YEAR.fullmatch(text.strip())
    if not match:
        return None
    first, second, year = (int(g) for g in match.groups())
    if 1 <= first <= 12 and 1 <= second <= 12 and first != second:
        return {"date-parts": [[year]]}, True
    day, month = (first, second) if first > 12 else (second, first)
    if not 1 <= month <= 12 or not 1 <= day <= days_in_month(year, month):
        return {"date-parts": [[year]]}, True
    return {"date-parts": [[year, month, day]]}, False


def parse_edtf(text: str) -> dict[str, Any] | None:
    """An EDTF (level 0/1 subset) / ISO 8601 date or interval as a CSL date, else None.

    `2020`, `2020-01`, `2020-01-15`, `-0333`, `2011-05-25~/2012-06-26~` (circa),
    `2017-22` (EDTF season 21-24 -> `season`), `2014-12-31/..` (open end -> `[0]`), a
    datetime `2020-05-06T10:11:12Z` (its date). No date: a month 13-20 or beyond 24, a day
    the month does not have (`2019-02-30`), an open start `../2019` (no CSL date holds one).
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
        parts.append(value)
    if len(parts) == 2 and parts[1] != [0] and parts[0][0] > 0 and _before(parts[1], parts[0]):
        # `2019-06-15/2019-06-14`: an interval that ends before it starts (EDTF). Years BC are
        # left alone: data writes their ranges either way round (`-2012/-2013`)
        return None
    date: dict[str, Any] = {"date-parts": parts}
    if season:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def _before(end: list[int], start: list[int]) -> bool:
    """Whether the interval's end is earlier than its start, compared as far as both go
    (`2019/2019-06` is no earlier; a season "month" 13-16 of a range is compared as given)."""
    common = min(len(end), len(start))
    return end[:common] < start[:common]


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
_YEAR_SPAN = re.compile(r"(\d{4})\s*(?:-+|–|—|/)\s*(\d{4})")


def parse_date_text(text: str, *, year: Any = None) -> dict[str, Any] | None:
    """A date as people write it: EDTF/ISO first, then free text (`Mar 3`, `15 January
    2020`, `03/03/2015`, `Summer 2017`, `2001 Dec`). `year` fills a missing year (RIS `DA
    SEP 22` + `PY 2010`). Text that holds no date becomes `{"literal": text}`."""
    text = " ".join(str(text).split())
    if not text:
        return None
    edtf = parse_edtf(text)
    if edtf:
        return edtf
    if re.match(r"(?:\.\.)?/", text):
        return {"literal": text}  # an EDTF open start `../2019`: no CSL date holds one
    lowered = text.lower().replace(",", " ").replace(".", " ")
    circa = bool(re.search(r"\b(circa|ca|c)\b", lowered)) or text.endswith("?")
    # numeric d/m/y or m/d/y with a 4-digit year
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if numeric:
        first, second, full_year = (int(g) for g in numeric.groups())
        numeric_month, day = (first, second) if first <= 12 else (second, first)
        if 1 <= numeric_month <= 12 and 1 <= day <= days_in_month(full_year, numeric_month):
            return {"date-parts": [[full_year, numeric_month, day]]}
    span = _YEAR_SPAN.fullmatch(text)
    if span and int(span.group(1)) < int(span.group(2)):
        return {"date-parts": [[int(span.group(1))], [int(span.group(2))]]}  # `2018-2019`
    if len(set(re.findall(r"(?<!\d)\d{4}(?!\d)", lowered))) > 1:
        return {"literal": text}  # `Winter 2019/2020`, two dates: not one of them silently
    found_year = _FREE_YEAR.search(lowered)
    words = re.findall(r"[^\W\d_]+", lowered)
    months = list(dict.fromkeys(MONTHS[w] for w in words if w in MONTHS))
    seasons = list(dict.fromkeys(SEASONS[w] for w in words if w in SEASONS))
    month = months[0] if months else None
    season = seasons[0] if seasons else None
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
    if len(months) + len(seasons) > 1:
        # `June-July 2018`, `Spring/Summer 2019`: a range within the year (seasons as CSL's
        # 13-16 in a range); any other mix is kept as written rather than read as its first
        ends = months if not seasons else [12 + s for s in seasons] if not months else []
        if len(ends) == 2 and ends[0] < ends[1] and not days:
            ranged: dict[str, Any] = {"date-parts": [[y, ends[0]], [y, ends[1]]]}
            if circa:
                ranged["circa"] = True
            return ranged
        return {"literal": text}
    parts = [y]
    if month:
        parts.append(month)
        if len(days) == 1:
            if days[0] > days_in_month(y, month):
                return {"literal": text}  # `30 February 2019`: no such day
            parts.append(days[0])
    elif days:
        return {"literal": text}
    date: dict[str, Any] = {"date-parts": [parts]}
    if season and not month:
        date["season"] = season
    if circa:
        date["circa"] = True
    return date


def _season_of_month(month: int) -> int | None:
    """The season of a CSL-JSON "month" 13-16 or 21-24 (citeproc-js reads both as seasons,
    util_dates.js normalizeMonth; 21-24 are EDTF's), else None."""
    if 13 <= month <= 16:
        return month - 12
    if 21 <= month <= 24:
        return month - 20
    return None


def _season_months(parts: list[list[int]]) -> list[list[int]]:
    """Date-parts with a season month spelled one way: in a range CSL's 13-16 (what
    parse_edtf gives and format_edtf writes as 21-24)."""
    if len(parts) < 2:
        return parts
    out = []
    for part in parts:
        if len(part) == 2 and 21 <= part[1] <= 24:
            part = [part[0], part[1] - 8]
        out.append(part)
    return out


def normalize_date(value: Any) -> dict[str, Any] | None:
    """Any CSL-ish date (object with date-parts/raw/literal, EDTF string, year number) ->
    a CSL date object with integer `date-parts` and without `raw`."""
    if value is None or value == "" or value == {}:
        return None
    # a year number or a date text is parsed, then checked by the same rules as an object,
    # so that normalising a normalised date changes nothing (a lone [0] is no date)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"date-parts": [[int(value)]]}
    elif isinstance(value, str):
        value = parse_date_text(value)
        if value is None:
            return None
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
        clean = _season_months(clean)
        # a trailing open end [0] is kept (BBT writes it for open ranges)
        if clean and clean[0] and clean[0] != [0]:
            date["date-parts"] = clean
            if len(clean) == 1 and len(clean[0]) == 2 and _season_of_month(clean[0][1]) \
                    and value.get("season") in (None, ""):
                date["season"] = _season_of_month(clean[0][1])
                date["date-parts"] = [clean[0][:1]]
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


def parse_date(text: str) -> dict[str, Any] | None:
    """An ISO 8601 / EDTF date or range (`2020-01-15`, `2011-05/2012-06`, `2020~`, `-0333`,
    `2017-23` for autumn) as CSL; other text becomes a literal date."""
    text = text.strip()
    if not text:
        return None
    return parse_edtf(text) or {"literal": text}


def date_text(date: Mapping[str, Any]) -> str | None:
    """A CSL date -> EDTF (ranges with `/`, `~` for circa, 21-24 for seasons), else its
    literal text, else None."""
    text = format_edtf(date)
    if text:
        return text
    literal = date.get("literal") or date.get("raw")
    return str(literal) if literal else None
