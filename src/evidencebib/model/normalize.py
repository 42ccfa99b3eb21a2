"""The item normaliser: a CSL-JSON object from anywhere -> an item as the program keeps it.

Readers of CSL-JSON (files, doi.org content negotiation, the Python API) call
`normalize_item`; the other readers build items from the same value normalisers
(`model.doi`, `model.dates`, `model.names`, …), and tests/model/test_readers_normalised.py
checks over the whole corpus that what every reader returns is already a fixed point of
`normalize_item`. What it does:

* keys: legacy and data-schema spellings become CSL 1.0.2 variables (`vocabulary.canonical_key`:
  `shortTitle` -> `title-short`, `supplement` -> `supplement-number`); the 1.0.2 variables
  the data schema lacks (`license`, `editor-translator`) are taken from `custom`, where the
  CSL-JSON writer puts them; `citation-key` becomes `id`; a key that is no variable is kept
  under `custom` (and reported through `warn`), never dropped; private `_` keys are kept;
  empty values (null, "", []) are dropped;
* names: `names.normalize_name` each (a name given as empty text is an empty value); a
  trailing `others`/`et al` is removed and recorded in `_et_al` (CSL has no "others"
  person; styles print their et-al term);
* dates: `dates.normalize_date` (integer date-parts, EDTF and `raw` parsed, no `raw` kept);
* `DOI`: `doi.normalize` (resolver URLs, `doi:` prefixes, percent-encoding removed);
* text: strings, except the variables the data schema allows to be numbers; a nested value
  where text belongs is a TypeError;
* `type`: required (TypeError without); one that is no CSL 1.0.2 type becomes `document`,
  the original kept as `custom.original-type`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from evidencebib.model import doi
from evidencebib.model.dates import normalize_date
from evidencebib.model.item import ET_AL, Item
from evidencebib.model.names import normalize_name, strip_others
from evidencebib.model.vocabulary import (
    ALIASES, DATE_VARIABLES, ITEM_TYPES, NAME_VARIABLES, NOT_IN_SCHEMA, SCHEMA_NUMERIC,
    SCHEMA_SPELLINGS, TEXT_KEYS, canonical_key,
)

Warn = Callable[[str], None]
_CANONICAL_TARGETS = frozenset(ALIASES.values()) | frozenset(SCHEMA_SPELLINGS.values())


def _entries(raw: Mapping[str, Any], custom: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    yield from raw.items()
    for key in sorted(NOT_IN_SCHEMA):
        if key in custom and key not in raw:
            yield key, custom.pop(key)


def normalize_item(raw: Mapping[str, Any], *, warn: Warn | None = None) -> Item:
    """One CSL-JSON object as an item (see the module docstring); `id` first when present.

    Raises TypeError naming the key when a value has the wrong shape.
    """
    item: Item = {}
    custom: dict[str, Any] = dict(raw["custom"]) if isinstance(raw.get("custom"), Mapping) else {}
    truncated: list[str] = []
    for key, value in _entries(raw, custom):
        key = canonical_key(key)
        if value is None or value == "" or value == []:
            continue
        if key.startswith("_"):
            item[key] = value
        elif key in ("id", "citation-key", "custom"):
            continue
        elif key == "type":
            item["type"] = str(value)
        elif key in NAME_VARIABLES:
            if not isinstance(value, list):
                raise TypeError(f"'{key}' must be a list of names")
            names, others = strip_others([normalize_name(n) for n in value
                                          if not (isinstance(n, str) and not n.strip())])
            if names:
                item[key] = names
            if others:
                truncated.append(key)
        elif key in DATE_VARIABLES:
            date = normalize_date(value)
            if date:
                item[key] = date
        elif key == "categories":
            item[key] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        elif key in TEXT_KEYS:
            if key in _CANONICAL_TARGETS and key in item:
                continue  # the first of a variable's spellings wins
            if isinstance(value, (dict, list)):
                raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
            if isinstance(value, bool) or (key not in SCHEMA_NUMERIC and not isinstance(value, str)):
                value = str(value)
            if key == "DOI":
                value = doi.normalize(value)
                if not value:
                    continue
            item[key] = value
        else:
            if warn:
                warn(f"'{key}' is not a CSL variable; kept under 'custom'")
            custom[key] = value
    if truncated:
        item[ET_AL] = list(dict.fromkeys(list(item.get(ET_AL) or ()) + truncated))
    if "type" not in item:
        raise TypeError("item has no 'type'")
    if item["type"] not in ITEM_TYPES:
        if warn:
            warn(f"unknown CSL type {item['type']!r} read as 'document'")
        custom.setdefault("original-type", item["type"])
        item["type"] = "document"
    if custom:
        item["custom"] = custom
    if raw.get("citation-key"):
        item["id"] = str(raw["citation-key"])
    elif raw.get("id") not in (None, ""):
        item["id"] = str(raw["id"])
    return {"id": item.pop("id"), **item} if "id" in item else item
