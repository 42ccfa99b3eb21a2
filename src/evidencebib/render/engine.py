"""Driving citeproc-py: items in, one formatted string per bibliography entry out.

What happens to an item before citeproc-py sees it (`prepare_item`):
- private keys (`_et_al`, `_line` …) and keys that are no CSL 1.0.2 variable
  (model/vocabulary.py) are dropped, legacy spellings (`shortTitle`) read as the variable
  they stand for; names keep only name parts; dates given as `raw` ("2017-05-03") are
  turned into date-parts (citeproc-py silently drops raw dates); the variables CiteProcJSON
  does not know (CSL 1.0.2's new ones) are parsed after it, as names, dates or text;
- a trailing BibTeX-style person "others" is treated like `_et_al`;
- DOIs lose a resolver prefix (`https://doi.org/`, `doi:`) so styles do not print it twice;
- item ids are replaced by positional ids (`i0`, `i1` …): citeproc-py lower-cases ids, so two
  ids differing only in case would collide; entries are mapped back by position.

Sorting is done with unformatted data and a formatter without markup, so the bibliography order
is the same in every output format; the entries are then rendered with DOIs/URLs wrapped in
link markers and finished by `formats.FINISHERS[fmt]`.

Parsed styles are cached per (file, modification time, size, thread): citeproc-py keeps the
formatter and per-render state on the style object, so an object is never shared by threads.
"""

from __future__ import annotations

import functools
import io
import re
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Iterable

from evidencebib import gcpause
from evidencebib.errors import EvidenceError, StyleError, UsageError
from evidencebib.model.vocabulary import DATE_VARIABLES, NAME_VARIABLES, TEXT_KEYS, canonical_key
from evidencebib.render import fixes, formats, speed
from evidencebib.render.styles import parse_style_bytes, read_style_bytes, resolve_style

# keys citeproc-py accepts (CSL-JSON spelling)
_NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_RAW_DATE = re.compile(r"^\s*(-?\d{1,4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?\s*$")
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)

warnings.filterwarnings("ignore", message=r"The following arguments for .* are unsupported",
                        module=r"citeproc(\.|$)")
warnings.filterwarnings("ignore", message=r"XML file didn't pass schema validation",
                        module=r"citeproc(\.|$)")


def _known_keys() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Every CSL 1.0.2 variable (text, name, date), from the item model's vocabulary."""
    return TEXT_KEYS, NAME_VARIABLES, DATE_VARIABLES


# item preparation ----------------------------------------------------------------------------

def _clean_text(value: Any) -> str:
    return formats.strip_private_use(str(value))


_RICH_VARIABLES = frozenset({"title", "title-short", "container-title", "container-title-short",
                             "collection-title", "event-title", "original-title", "reviewed-title"})
_RICH_TAG = re.compile(r"<(/?)(i|em|b|strong|sup|sub|span)(\s[^>]*)?>", re.IGNORECASE)
_RICH_MARKS = {"i": formats.ITALIC, "em": formats.ITALIC, "b": formats.BOLD, "strong": formats.BOLD,
               "sup": formats.SUP, "sub": formats.SUB}


def _rich_text(value: Any) -> str:
    """Title markup in item data (CSL's <i>, <b>, <sup>, <sub>, small-caps and nocase spans,
    as Crossref and our BibTeX reader produce it) becomes formatting, never literal tags.

    Only balanced pairs are markup; a stray `<` stays text (and is escaped by the finisher).
    """
    text = _clean_text(value)
    if "<" not in text:
        return text
    matches = list(_RICH_TAG.finditer(text))
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for index, match in enumerate(matches):
        name = match.group(2).lower()
        if match.group(1):
            if stack and stack[-1][0] == name:
                pairs[stack.pop()[1]] = index
        else:
            stack.append((name, index))
    out, pos = [], 0
    closers: dict[int, str] = {}
    for index, match in enumerate(matches):
        if index not in pairs and index not in closers:
            continue
        out.append(text[pos:match.start()])
        pos = match.end()
        if index in closers:
            out.append(closers[index])
            continue
        name, attributes = match.group(2).lower(), (match.group(3) or "").lower()
        marks = _RICH_MARKS.get(name)
        if name == "span":
            marks = formats.SMALLCAPS if "small-caps" in attributes else None
        out.append(marks[0] if marks else "")
        closers[pairs[index]] = marks[1] if marks else ""
    out.append(text[pos:])
    return "".join(out)


def _prepare_names(value: Any) -> tuple[list[dict[str, str]], bool]:
    """(clean names, whether a trailing 'others' was dropped)."""
    names: list[dict[str, str]] = []
    if not isinstance(value, list):
        return names, False
    for raw in value:
        if isinstance(raw, str):
            raw = {"literal": raw}
        if not isinstance(raw, dict):
            continue
        if raw.get("literal"):
            names.append({"literal": _clean_text(raw["literal"])})
            continue
        name = {part: _clean_text(raw[part]) for part in _NAME_PARTS if raw.get(part)}
        if name:
            names.append(name)
    truncated = False
    while names and _is_others(names[-1]):
        names.pop()
        truncated = True
    return names, truncated


def _is_others(name: dict[str, str]) -> bool:
    text = (name.get("literal") or name.get("family") or "").strip().lower()
    return text in ("others", "et al", "et al.", "et. al.") and not name.get("given")


def normalise_date(value: Any) -> dict[str, Any] | None:
    """A CSL date citeproc-py can render: date-parts (from `raw` too) or a literal."""
    if not isinstance(value, dict):
        if isinstance(value, (str, int)):
            value = {"raw": str(value)}
        else:
            return None
    parts = value.get("date-parts")
    result: dict[str, Any] = {}
    if parts:
        clean_parts = []
        for part in parts[:2]:
            numbers = []
            for piece in (part or [])[:3]:
                try:
                    numbers.append(int(str(piece).strip()))
                except (TypeError, ValueError):
                    break
            if numbers:
                clean_parts.append(numbers)
        if clean_parts:
            result["date-parts"] = clean_parts
    if "date-parts" not in result:
        raw = str(value.get("raw") or "").strip()
        if raw:
            pieces = [piece for piece in re.split(r"\s*/\s*(?=\d{4})", raw) if piece] if "/" in raw else [raw]
            parsed = []
            for piece in pieces[:2]:
                match = _RAW_DATE.match(piece)
                if not match:
                    parsed = []
                    break
                parsed.append([int(group) for group in match.groups() if group is not None])
            if parsed:
                result["date-parts"] = parsed
            else:
                result["literal"] = _clean_text(raw)
        elif value.get("literal"):
            result["literal"] = _clean_text(value["literal"])
    if not result:
        return None
    if value.get("season") and "date-parts" in result:
        result["season"] = value["season"]
    if value.get("circa"):
        result["circa"] = 1
    return result


def normalise_doi(doi: str) -> str:
    return _DOI_PREFIX.sub("", doi.strip())


def prepare_item(item: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(CSL-JSON citeproc-py can digest, name variables truncated at the source)."""
    variables, name_vars, date_vars = _known_keys()
    clean: dict[str, Any] = {"type": str(item.get("type") or "article-journal")}
    truncated = [v for v in (item.get("_et_al") or ()) if isinstance(v, str)]
    for key, value in item.items():
        if key.startswith("_") or key in ("id", "type", "citation-key") or value in (None, ""):
            continue
        key = canonical_key(key)  # shortTitle -> title-short, supplement -> supplement-number …
        if key in clean:
            continue  # the first of a variable's spellings wins
        if key in name_vars:
            names, others = _prepare_names(value)
            if names:
                clean[key] = names
                if others and key not in truncated:
                    truncated.append(key)
        elif key in date_vars:
            date = normalise_date(value)
            if date:
                clean[key] = date
        elif key in variables:
            if isinstance(value, (list, dict)):
                continue
            text = _rich_text(value) if key in _RICH_VARIABLES else _clean_text(value)
            if key == "DOI":
                text = normalise_doi(text)
            if text:
                clean[key] = text
    truncated = [v for v in truncated if v in clean]
    return clean, truncated


class PreparedItems(Sequence):
    """Items as citeproc-py will be given them (`prepare_item` of each), with their cache
    digests computed once: preparing and hashing is most of what a warm render does, so a
    caller rendering the same items in several styles (the site builder) prepares
    them once and passes this object instead of the items. It is a snapshot: changing the
    original items afterwards does not change it."""

    __slots__ = ("_entries", "_digests")

    def __init__(self, items: Iterable[dict[str, Any]]) -> None:
        self._entries = tuple(prepare_item(item) for item in items)
        self._digests: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        return self._entries[index]

    def digests(self) -> tuple[str, ...]:
        """The render cache's digest of each prepared item (render/cache.py)."""
        if self._digests is None:
            from evidencebib.render import cache as render_cache

            self._digests = tuple(render_cache.item_digest(clean, truncated)
                                  for clean, truncated in self._entries)
        return self._digests


def prepare_items(items: Iterable[dict[str, Any]]) -> PreparedItems:
    """`items` prepared once for rendering in several styles or formats."""
    return items if isinstance(items, PreparedItems) else PreparedItems(items)


def _with_links(item: dict[str, Any]) -> dict[str, Any]:
    linked = dict(item)
    if "DOI" in linked:
        linked["DOI"] = formats.LINK_DOI + linked["DOI"] + formats.LINK_CLOSE
    if "URL" in linked:
        linked["URL"] = formats.LINK_URL + linked["URL"] + formats.LINK_CLOSE
    return linked


@functools.lru_cache(maxsize=1)
def _citeproc_variables() -> frozenset[str]:
    """The variables CiteProcJSON takes (its lists are CSL 1.0's, with `_` for `-`)."""
    import citeproc

    return frozenset(citeproc.VARIABLES)


def _source(items: list[dict[str, Any]], truncated: list[list[str]]):
    from citeproc.source.json import CiteProcJSON

    known = _citeproc_variables()
    source = CiteProcJSON([{key: value for key, value in item.items()
                            if key in ("id", "type") or key.replace("-", "_") in known}
                           for item in items])
    for item, variables in zip(items, truncated):
        reference = source[item["id"]]
        for variable, value in item.items():
            # the other CSL 1.0.2 variables, parsed as CiteProcJSON parses their kind (passing
            # them to it would warn "unsupported" and parse names and dates as text)
            key = variable.replace("-", "_")
            if variable in ("id", "type") or key in known:
                continue
            if variable in NAME_VARIABLES:
                value = source.parse_names(value)
            elif variable in DATE_VARIABLES:
                value = source.parse_date(value)
            else:
                value = source.parse_string(value)
            dict.__setitem__(reference, key, value)
        for variable in variables:
            key = variable.replace("-", "_")
            names = reference.get(key)
            if names:
                dict.__setitem__(reference, key, list(names) + [fixes.EtAlPlaceholder()])
    return source


# style loading ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _load_style(path_text: str, mtime_ns: int, size: int, thread_id: int):
    from citeproc import CitationStylesStyle

    path = Path(path_text)
    data = read_style_bytes(path)
    parse_style_bytes(data, path.name)  # refuses DOCTYPEs, non-CSL documents
    try:
        return CitationStylesStyle(io.BytesIO(data), validate=False)
    except EvidenceError:
        raise
    except Exception as error:  # citeproc-py: unknown locale, broken structure …
        raise StyleError(f"style '{path.stem}' cannot be loaded: {_brief(error)}") from None


def load_style(path: Path):
    """A parsed citeproc-py style for this thread (cached; re-read when the file changes)."""
    fixes.apply()
    speed.sync()
    try:
        stat = path.stat()
    except OSError as error:
        raise StyleError(f"cannot read style file '{path}': {error.strerror or error}") from None
    return _load_style(str(path), stat.st_mtime_ns, stat.st_size, threading.get_ident())


def _brief(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# rendering -------------------------------------------------------------------------------------

# counters for tests and benchmarks: entries formatted by citeproc-py, bibliographies sorted
STATS = {"entries_formatted": 0, "bibliographies_sorted": 0, "bibliography_hits": 0}


def render_bibliography(items: Iterable[dict[str, Any]], style: Any = "ig-criteria",
                        fmt: str = "markdown", cache: Any = None) -> list[str]:
    """One formatted string per entry, in the style's bibliography order.

    `cache`: None uses the per-user render cache (render/cache.py) unless
    EVIDENCEBIB_NO_RENDER_CACHE or EVIDENCEBIB_NO_SPEEDUPS is set; False never uses a cache;
    a `cache.RenderCache` uses that one.
    """
    return [text for _, text in render_entries(items, style, fmt, cache)]


def render_entries(items: Iterable[dict[str, Any]], style: Any = "ig-criteria",
                   fmt: str = "markdown", cache: Any = None) -> list[tuple[int, str]]:
    """(position of the item in `items`, formatted entry) in the style's bibliography order,
    for callers that must know which entry is which (badges, differential tests).

    An item the style renders as nothing has no entry.
    """
    if fmt not in formats.FORMATS:
        raise UsageError(f"unknown output format '{fmt}' (choose from {', '.join(formats.FORMATS)})")
    path = resolve_style(style)
    name = path.stem
    with gcpause.paused():  # citeproc-py allocates millions of short-lived objects
        prepared = prepare_items(items)
        store = _choose_cache(cache) if prepared else None
        finish = formats.FINISHERS[fmt]
        if store is None:
            return [(position, finish(entry)) for position, entry in _render_marked(path, name, prepared)]
        return _render_cached(path, name, prepared, store, fmt)


def _choose_cache(cache: Any):
    if cache is False or not speed.enabled():
        return None
    from evidencebib.render import cache as render_cache

    if cache is None or cache is True:
        if not render_cache.enabled_by_environment():
            return None
        store = render_cache.default_cache()
    else:
        store = cache
    if render_cache.foreign_patches():
        return None
    return store


def _load_checked(path: Path, name: str):
    style_obj = load_style(path)
    if speed.is_applied():
        speed.pin_style(style_obj)
    if not style_obj.has_bibliography():
        raise StyleError(f"style {name} has no bibliography section")
    return style_obj


def _bibliography(style_obj, prepared):
    """A registered, sorted citeproc-py bibliography of the prepared items (ids i0, i1 …),
    rendering with the marking formatter and the linked source."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography

    raw_items, truncated = [], []
    for index, (clean, variables) in enumerate(prepared):
        clean = dict(clean, id=f"i{index}")
        raw_items.append(clean)
        truncated.append(variables)
    source = _source(raw_items, truncated)
    bibliography = CitationStylesBibliography(style_obj, source, formats.SortFormatter)
    bibliography.register(Citation([CitationItem(item["id"]) for item in raw_items]))
    bibliography.sort()
    STATS["bibliographies_sorted"] += 1
    _link(source, raw_items)
    bibliography.formatter = style_obj.root.formatter = formats.MarkingFormatter
    return bibliography


def _link(source, raw_items: list[dict[str, Any]]) -> None:
    """After sorting (whose keys must not contain link markers), DOIs and URLs are wrapped in
    link markers for rendering, parsed the way CiteProcJSON parses every string."""
    from citeproc.source.json import CiteProcJSON

    parse = CiteProcJSON.parse_string
    for item in raw_items:
        if "DOI" not in item and "URL" not in item:
            continue
        reference = source[item["id"]]
        for variable, value in _with_links(item).items():
            if variable in ("DOI", "URL"):
                dict.__setitem__(reference, variable, parse(source, value))


def _positions(bibliography) -> list[int]:
    """Input positions of the sorted items (their citeproc ids are i0, i1 …)."""
    return [int(item.key[1:]) for item in bibliography.items]


def _entry_formatter(bibliography):
    """Formats one registered item of `bibliography` on its own: its marked text, or None when
    the style renders it as nothing."""
    render = bibliography.style.render_bibliography

    def format_one(item) -> str | None:
        rendered = render([item])
        return str(rendered[0]) if rendered else None

    return format_one


def _independent_entries(path: Path) -> bool:
    """Whether each entry can be formatted without the one before it (no
    subsequent-author-substitute), so entries can be formatted apart (cache, workers)."""
    from evidencebib.render import cache as render_cache

    return not render_cache.style_info(path)[2]


def _render_marked(path: Path, name: str, prepared) -> list[tuple[int, str]]:
    """The uncached path: every entry formatted by citeproc-py (marked strings)."""
    from evidencebib.render import parallel

    style_obj = _load_checked(path, name)
    if not prepared:
        return []
    try:
        bibliography = _bibliography(style_obj, prepared)
        if speed.is_applied() and parallel.plan(len(prepared)) > 1 and _independent_entries(path):
            texts = parallel.format_all(_entry_formatter(bibliography), bibliography.items, what="entries")
            STATS["entries_formatted"] += len(prepared)
            return [(position, text) for position, text in zip(_positions(bibliography), texts)
                    if text is not None]
        entries = bibliography.bibliography()
        positions = _positions(bibliography)
        if len(entries) != len(positions):
            # some item rendered as nothing: find out which, one item at a time
            pairs = []
            for position, item in zip(positions, bibliography.items):
                rendered = bibliography.style.render_bibliography([item])
                if rendered:
                    pairs.append((position, str(rendered[0])))
            STATS["entries_formatted"] += len(prepared)
            return pairs
    except EvidenceError:
        raise
    except Exception as error:
        raise StyleError(f"style {name} failed to render the bibliography ({_brief(error)})") from None
    STATS["entries_formatted"] += len(prepared)
    return [(position, str(entry)) for position, entry in zip(positions, entries)]


def _render_cached(path: Path, name: str, prepared, store, fmt: str) -> list[tuple[int, str]]:
    """Like `_render_marked` + finishing, through the content-addressed cache (render/cache.py):
    the finished entries of a whole bibliography in one format, else its marked entries, else
    entry by entry."""
    from evidencebib.render import cache as render_cache

    style_digest, numbered, substitutes = render_cache.style_info(path)
    digests = prepared.digests()
    bib_key = render_cache.bibliography_key(style_digest, digests)
    style_obj = _load_checked(path, name)  # parsed once per process; refuses broken styles
    finished_key = render_cache.finished_key(bib_key, fmt)
    record = store.get(finished_key)
    if _valid_bibliography_record(record):
        STATS["bibliography_hits"] += 1
        return [(int(position), str(entry)) for position, entry in zip(record["order"], record["entries"])]
    finish = formats.FINISHERS[fmt]
    finished = [(position, finish(entry))
                for position, entry in _render_marked_cached(path, name, prepared, store, style_obj,
                                                             bib_key, style_digest, digests, numbered,
                                                             substitutes)]
    store.put(finished_key, {"entries": [text for _, text in finished],
                             "order": [position for position, _ in finished]})
    return finished


def _valid_bibliography_record(record: Any) -> bool:
    return record is not None and isinstance(record.get("entries"), list) \
        and isinstance(record.get("order"), list) and len(record["order"]) == len(record["entries"])


def _render_marked_cached(path: Path, name: str, prepared, store, style_obj, bib_key: str,
                          style_digest: str, digests: list[str], numbered: bool,
                          substitutes: bool) -> list[tuple[int, str]]:
    """Marked entries of a bibliography from its record, else entry records, else citeproc-py."""
    from evidencebib.render import cache as render_cache

    record = store.get(bib_key)
    if _valid_bibliography_record(record):
        STATS["bibliography_hits"] += 1
        return [(int(position), str(entry)) for position, entry in zip(record["order"], record["entries"])]
    if substitutes:  # an entry depends on its predecessor: whole bibliographies only
        pairs = _render_marked(path, name, prepared)
        store.put(bib_key, {"entries": [text for _, text in pairs],
                            "order": [position for position, _ in pairs]})
        return pairs
    from evidencebib.render import parallel

    try:
        bibliography = _bibliography(style_obj, prepared)
        keys: list[str] = []
        texts: list[str | None] = []
        missing: list[int] = []
        for item in bibliography.items:
            position = int(item.key[1:])
            context: dict[str, Any] = {key: str(value) for key, value in item.__dict__.items()
                                       if key.startswith("_evidencebib")}
            if numbered:
                context["citation-number"] = item.number
            key = render_cache.entry_key(style_digest, digests[position], context)
            cached = store.get(key)
            keys.append(key)
            if cached is not None and "t" in cached:
                texts.append(cached["t"])
            else:
                texts.append(None)
                missing.append(len(keys) - 1)
        if missing:
            fresh = parallel.format_all(_entry_formatter(bibliography),
                                        [bibliography.items[index] for index in missing], what="entries")
            STATS["entries_formatted"] += len(missing)
            for index, text in zip(missing, fresh):
                texts[index] = text
                store.put(keys[index], {"t": text})
        entries = [(int(item.key[1:]), text) for item, text in zip(bibliography.items, texts)
                   if text is not None]
    except EvidenceError:
        raise
    except Exception as error:
        raise StyleError(f"style {name} failed to render the bibliography ({_brief(error)})") from None
    store.put(bib_key, {"entries": [text for _, text in entries],
                        "order": [position for position, _ in entries]})
    return entries
