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
  trailing `others` becomes the private `_et_al`, DOIs lose resolver prefixes. Keys that are
  no CSL variable (`file` …) are **kept in `custom`** (the schema's free key/value object) and
  logged, so nothing is silently lost and the output still validates.
* `write(items, tags=None, indent=2)` writes CSL-JSON that validates against the official
  data schema csl-data.json (tested): private `_` keys are removed, `raw` dates are never
  written, `citation-key` mirrors `id`, the 1.0.2 variables the schema spells differently
  are written its way (`supplement-number` -> `supplement`) and the ones it lacks
  (`license`, `editor-translator`) under `custom`, which `read` takes them back from; each
  name in `tags` is appended to the comma-separated `keyword` variable (the condition slug
  of an exported page).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.model import LINE, Item, citation_key
from evidencebib.model import normalize as model_normalize
from evidencebib.model.dates import normalize_date
from evidencebib.model.keys import with_ids
from evidencebib.model.keywords import add_tags, join_keywords
from evidencebib.model.vocabulary import (
    DATE_KEYS, DATE_VARIABLES, ITEM_TYPES, NAME_PARTS, NAME_VARIABLES, NOT_IN_SCHEMA,
    SCHEMA_NAMES, SCHEMA_NUMERIC, SCHEMA_PROPERTIES, TEXT_KEYS, canonical_key,
)

log = logging.getLogger(__name__)


def normalize_item(raw: Mapping[str, Any], *, source: str = "<string>",
                   index: int | None = None, line: int | None = None) -> Item:
    """One CSL-JSON object as a pivot item (see the module docstring for what changes);
    a value of the wrong shape is a ParseError naming the file, line and item."""
    entry = str(raw.get("citation-key") or raw.get("id") or "") or None

    def warn(message: str) -> None:
        log.warning("%s: item %s: %s", source, entry or index, message)

    try:
        item = model_normalize.normalize_item(raw, warn=warn)
    except TypeError as error:
        raise ParseError(str(error), file=source, line=line, entry=entry) from None
    if line is not None:
        item[LINE] = line
    return item


def _item_lines(text: str) -> list[int]:
    """Line numbers where the top-level array's objects start (for error messages)."""
    lines: list[int] = []
    depth = 0
    in_string = escape = False
    line = 1
    for char in text:
        if char == "\n":
            line += 1
        if in_string:
            if escape:
                escape = False
            elif char == "\\":
                escape = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            if depth == 1 and char == "{":
                lines.append(line)
            depth += 1
        elif char in "]}":
            depth -= 1
    return lines


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """Items of a CSL-JSON file (a JSON array of objects)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg} (column {error.colno})",
                         file=source, line=error.lineno) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply", file=source) from None
    if isinstance(data, dict):
        raise ParseError("CSL-JSON must be a list of items, not a single object "
                         "(wrap it in [ ])", file=source, line=1)
    if not isinstance(data, list):
        raise ParseError(f"CSL-JSON must be a list of items, not {type(data).__name__}",
                         file=source, line=1)
    lines = _item_lines(text)
    items: list[Item] = []
    for index, raw in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(raw, dict):
            raise ParseError(f"item {index + 1} is a {type(raw).__name__}, not an object",
                             file=source, line=line)
        items.append(normalize_item(raw, source=source, index=index + 1, line=line))
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
