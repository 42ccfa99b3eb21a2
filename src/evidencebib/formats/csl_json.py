"""CSL-JSON files <-> items.

CSL-JSON *is* the pivot model, so reading is the model's item normaliser and writing mostly
filtering:

* `read(text)` accepts a JSON array of items (a single object or anything else is a
  ParseError naming line and column). Each object goes through
  `model.normalize.normalize_item`: `citation-key` becomes `id` (and is written back as
  both), aliases and the data schema's spellings become CSL 1.0.2 variables
  (`journalAbbreviation` -> `container-title-short`, `shortTitle` -> `title-short`, `event`
  -> `event-title`, `supplement` -> `supplement-number`), dates are normalised to
  `date-parts` with integer parts (`raw`, EDTF strings, string parts such as `"2011"` are
  parsed; text that is no date becomes `literal`), names given as strings are split, a
  trailing `others` becomes the private `_et_al`, DOIs lose resolver prefixes, small caps
  (citeproc-js's `<sc>`, a spaced `font-variant: small-caps` span) are the schema's
  `<span style="font-variant:small-caps;">`. Keys that are
  no CSL variable (`file` …) are **kept in `custom`** (the schema's free key/value object) and
  logged, so nothing is silently lost and the output still validates.
* `write(items, tags=None, indent=2)` writes CSL-JSON that validates against the official
  data schema csl-data.json (tested): private `_` keys are removed, `raw` dates are never
  written, `citation-key` mirrors `id`, the 1.0.2 variables the schema spells differently
  are written its way (`supplement-number` -> `supplement`) and the ones it lacks
  (`license`, `editor-translator`) under `custom`, which `read` takes them back from; each
  name in `tags` is appended to the comma-separated `keyword` variable (the condition slug
  of an exported page). Reader extras (BibTeX fields, RIS and MEDLINE tags, EndNote
  elements no variable holds: `_bibtex`, `_ris` …) are carried under `custom` as
  `"evidencebib-bibtex": [[field, value], …]` and restored by `read` (formats/extras.py).
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.formats import extras
from evidencebib.model import ET_AL, LINE, Item, citation_key
from evidencebib.model import normalize as model_normalize
from evidencebib.model.dates import normalize_date
from evidencebib.model.keys import with_ids
from evidencebib.model.keywords import add_tags, join_keywords
from evidencebib.model.vocabulary import (
    DATE_KEYS, DATE_VARIABLES, ITEM_KEYS, ITEM_TYPES, NAME_PARTS, NAME_VARIABLES, NOT_IN_SCHEMA,
    SCHEMA_NAMES, SCHEMA_NUMERIC, SCHEMA_PROPERTIES, TEXT_KEYS, canonical_key,
)

log = logging.getLogger(__name__)


# `custom` key under which an export says which name lists are truncated (`and others`)
TRUNCATED = "evidencebib-truncated"


def normalize_item(raw: Mapping[str, Any], *, source: str = "<string>",
                   index: int | None = None, line: int | None = None) -> Item:
    """One CSL-JSON object as a pivot item (see the module docstring for what changes);
    a value of the wrong shape is a ParseError naming the file, line and item."""
    entry = str(raw.get("citation-key") or raw.get("id") or "") or None

    def warn(message: str) -> None:
        log.warning("%s: item %s: %s", source, entry or index, message)

    if raw.get("type") in (None, ""):
        # the data schema requires a type; pandoc writes `"type": ""` (and CSL YAML none) for
        # a BibTeX @misc, so such an item is read as the generic type, as Zotero reads a type
        # it does not know, and the warning says so
        warn("no 'type': read as 'document'")
        raw = {**raw, "type": "document"}
    try:
        item = model_normalize.normalize_item(raw, warn=warn)
    except TypeError as error:
        raise ParseError(str(error), file=source, line=line, entry=entry) from None
    custom = item.get("custom")
    if isinstance(custom, dict) and TRUNCATED in custom:
        marked = custom.pop(TRUNCATED)
        if isinstance(marked, list):
            for variable in marked:
                if isinstance(variable, str) and item.get(variable) \
                        and variable not in item.get(ET_AL, ()):
                    item.setdefault(ET_AL, []).append(variable)
        if not custom:
            del item["custom"]
    extras.from_custom(item)
    for key, value in item.items():
        if isinstance(value, str) and "<" in value and ("sc>" in value or "small-caps" in value):
            item[key] = small_caps_markup(value)
    if line is not None:
        item[LINE] = line
    return item


# Small caps in CSL rich text: `<span style="font-variant:small-caps;">` (CSL 1.0.2, Appendix VI
# "Rich Text Markup"), also written with spaces or without the `;`, and citeproc-js's `<sc>`
# (its inline markup, src/util_flipflop.js). Read as the one spelling the writers know (BibTeX's
# `\textsc{…}`, formats/bibtex._encode_rich; dropped by RIS and EndNote XML,
# formats/protected_case.py): a `<sc>` or a spaced span was written as a literal tag or as case
# protection (redteam5 F26).
SMALL_CAPS_OPEN = '<span style="font-variant:small-caps;">'
_SMALL_CAPS_SPAN = re.compile(r"""<span\s+style\s*=\s*(["'])\s*font-variant\s*:\s*small-caps\s*;?\s*\1\s*>""")
_SC_TAG = re.compile(r"<sc>(.*?)</sc>", re.DOTALL)


def small_caps_markup(text: str) -> str:
    """`text` with its small caps in the data schema's one spelling."""
    text = _SMALL_CAPS_SPAN.sub(SMALL_CAPS_OPEN, text)
    return _SC_TAG.sub(lambda m: SMALL_CAPS_OPEN + m.group(1) + "</span>", text)


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


def read(text: str, *, source: str = "<string>",
         problems: list[ParseError] | None = None) -> list[Item]:
    """Items of a CSL-JSON file (a JSON array of objects).

    With `problems`, an item of the wrong shape is appended to it (a ParseError naming its
    line and id) and the others are read; else the first raises. A file that is no JSON
    array of objects always raises."""
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
    for index, raw in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(raw, dict):
            raise ParseError(f"item {index + 1} is a {type(raw).__name__}, not an object",
                             file=source, line=line)
        try:
            items.append(normalize_item(raw, source=source, index=index + 1, line=line))
        except ParseError as error:
            if problems is None:
                raise
            problems.append(error)
    return with_ids(items)


def to_csl(item: Mapping[str, Any], *, tags: Iterable[str] | None = None) -> dict[str, Any]:
    """One item as a CSL-JSON object that validates against the official data schema."""
    out: dict[str, Any] = {}
    outside: dict[str, Any] = {}  # 1.0.2 variables the data schema has no property for
    for key, value in item.items():
        if key.startswith("_") or value is None or value == "" or value == []:
            continue
        key = canonical_key(key)
        if key in DATE_VARIABLES:
            date = normalize_date(value)
            if date:
                out[key] = {k: date[k] for k in DATE_KEYS if k in date and k != "raw"}
        elif key in NAME_VARIABLES:
            names = [{k: v for k, v in dict(n).items() if k in NAME_PARTS} for n in value]
            (outside if key in NOT_IN_SCHEMA else out)[key] = names
        elif key == "custom" and isinstance(value, Mapping):
            out[key] = dict(value)
        elif key in TEXT_KEYS or key in SCHEMA_PROPERTIES:
            if key in TEXT_KEYS and key not in SCHEMA_NUMERIC and not isinstance(value, str):
                value = str(value)
            if key in NOT_IN_SCHEMA:
                outside[key] = value
            else:
                out[SCHEMA_NAMES.get(key, key)] = value
    truncated = [v for v in item.get(ET_AL) or () if item.get(v)]
    if truncated:
        # CSL-JSON has no "et al." for a name list; `custom` is the schema's harmless place,
        # which `read` takes the fact back from
        outside[TRUNCATED] = truncated
    # reader extras (BibTeX fields, RIS/MEDLINE tags, EndNote elements no variable holds)
    outside.update(extras.to_custom(item, EXTRAS_HELD))
    if outside:
        out["custom"] = {**dict(out.get("custom") or {}), **outside}
    out["id"] = str(item.get("id") or citation_key(dict(item)))
    out["type"] = item.get("type") if item.get("type") in ITEM_TYPES else "document"
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


# The reader extras this writer carries (under `custom`, formats/extras.py).
EXTRAS_HELD = frozenset(extras.KINDS)


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """Every CSL variable: CSL-JSON is the model's own format (1.0.2 variables the data schema
    has no property for go under `custom`, which `read` takes them back from)."""
    return set(ITEM_KEYS)
