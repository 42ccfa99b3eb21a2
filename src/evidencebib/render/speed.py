"""Speed-ups of citeproc-py 0.11.1 internals that never change its output.

`apply()` installs them (after `fixes.apply()`, whose patches they wrap or leave alone);
`remove()` restores exactly what was there before, and `disabled()` is a context manager for
that. The environment variable `EVIDENCEBIB_NO_SPEEDUPS=1` keeps them (and the render cache)
off; `enabled()` says whether they are wanted. tests/test_render_speed_equivalence.py renders
hundreds of varied items in several styles and formats with and without them and requires
byte-identical output.

Where citeproc-py spent its time (notes/citeproc-py.md §3) and what is done here:

- `xpath_search(expr)` on a style or locale element runs an XPath query every call (term
  look-ups, `get_layout`, name options, `is_locale_date` …): the answer depends only on the
  element and the expression, and a loaded style's tree never changes, so it is memoised per
  element (a fresh list is returned each time, as before).
- `calls_variable()` walks the element's subtree (and its macros) on every call from
  `cs:group`: structural, memoised per element.
- `get_root()` walks to the document root on every call: memoised per element.
- `CitationItem.number` was `keys.index(key) + 1` (O(n) per call, O(n²) for numeric styles)
  and `register` tested `key not in keys` (O(n²)): both now use a dict/set built from the same
  list, giving the same first-occurrence answers.
- `Sort.sort` normalised both keys (`str(key.lower())`, `int(str(key))` with exceptions) inside
  every one of its O(n log n) comparisons: keys are normalised once per item and the same
  comparison (same results, hence the same stable order) runs on the prepared values.
- `CitationItem.reference` / `.bibliography` went through `CustomDict.__getattr__` twice per
  access: read the dict directly (same objects).

Memoised values are kept in the element proxies' `__dict__`. lxml may drop and recreate the
proxy of an element that nothing references, which only loses the memo (never correctness);
`pin_style()` keeps every element proxy of a loaded style and its locales alive so the memos
last as long as the style object.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from functools import cmp_to_key

_LOCK = threading.Lock()
_MISSING = object()
_NOINT = object()
_saved: list[tuple[type, str, object]] = []   # (owner, attribute, previous value or _MISSING)
_applied = False


def enabled() -> bool:
    """Whether speed-ups (and the render cache) are wanted: not when EVIDENCEBIB_NO_SPEEDUPS is set."""
    return os.environ.get("EVIDENCEBIB_NO_SPEEDUPS", "").strip().lower() in ("", "0", "false", "no")


def _set(owner: type, name: str, value: object) -> None:
    _saved.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


# --- per-element memos ---------------------------------------------------------------------

def _patch_xpath() -> None:
    from citeproc import model

    original = model.CitationStylesElement.xpath_search

    def xpath_search(self, expression):
        memo = self.__dict__.get("_eb_xpath")
        if memo is None:
            memo = self.__dict__["_eb_xpath"] = {}
        try:
            return list(memo[expression])
        except KeyError:
            result = memo[expression] = tuple(original(self, expression))
            return list(result)

    xpath_search.__wrapped__ = original
    _set(model.CitationStylesElement, "xpath_search", xpath_search)

    original_root = model.CitationStylesElement.get_root

    def get_root(self):
        try:
            return self.__dict__["_eb_root"]
        except KeyError:
            root = self.__dict__["_eb_root"] = original_root(self)
            return root

    get_root.__wrapped__ = original_root
    _set(model.CitationStylesElement, "get_root", get_root)


def _patch_calls_variable() -> None:
    from citeproc import model

    for owner in list(vars(model).values()):
        if not isinstance(owner, type) or "calls_variable" not in owner.__dict__:
            continue
        original = owner.__dict__["calls_variable"]

        def calls_variable(self, _original=original):
            memo = self.__dict__.get("_eb_calls_variable")
            if memo is None:
                memo = self.__dict__["_eb_calls_variable"] = {}
            try:
                return memo[_original]
            except KeyError:
                value = memo[_original] = _original(self)
                return value

        calls_variable.__wrapped__ = original
        _set(owner, "calls_variable", calls_variable)


# --- items and registration ----------------------------------------------------------------

def _patch_items() -> None:
    from citeproc import CitationStylesBibliography
    from citeproc.source import CitationItem

    get = dict.__getitem__

    def bibliography(self):
        return get(get(self, "citation"), "bibliography")

    def reference(self):
        return get(get(self, "citation"), "bibliography").source[get(self, "key")]

    def number(self):
        bib = get(get(self, "citation"), "bibliography")
        keys = bib.keys
        memo = bib.__dict__.get("_eb_numbers")
        if memo is None or memo[0] is not keys or memo[1] != len(keys):
            index: dict[str, int] = {}
            for position, key in enumerate(keys):
                index.setdefault(key, position + 1)
            memo = bib.__dict__["_eb_numbers"] = (keys, len(keys), index)
        try:
            return memo[2][get(self, "key")]
        except KeyError:
            raise ValueError(f"{get(self, 'key')!r} is not in list") from None

    _set(CitationItem, "bibliography", property(bibliography))
    _set(CitationItem, "reference", property(reference))
    _set(CitationItem, "number", property(number))

    def register(self, citation, callback=None):
        citation.bibliography = self
        keys, items = self.keys, self.items
        seen = set(keys)
        for item in citation.cites:
            if item.key in self.source:
                if item.key not in seen:
                    seen.add(item.key)
                    keys.append(item.key)
                    items.append(item)
            elif callback is not None:
                callback(item)

    register.__wrapped__ = CitationStylesBibliography.register
    _set(CitationStylesBibliography, "register", register)


# --- sorting -------------------------------------------------------------------------------

def _prepare_key(key):
    """What citeproc-py's comparison computes from one sort key, computed once."""
    if key is None:
        return None
    try:
        lowered = str(key.lower())
    except AttributeError:
        lowered = key
    try:
        number = int(str(lowered))
    except ValueError:
        number = _NOINT
    return lowered, number


def _patch_sort() -> None:
    from citeproc import model

    def sort(self, items, context):
        descending = []
        columns = []
        for key in self.findall("cs:key", self.nsmap):
            descending.append(key.get("sort", "ascending").lower() == "descending")
            columns.append([_prepare_key(value) for value in key.sort_keys(items, context)])
        plan = list(zip(columns, descending))

        def compare(left, right):
            for column, desc in plan:
                left_key, right_key = column[left], column[right]
                if left_key is not None and right_key is not None:
                    if left_key[1] is not _NOINT and right_key[1] is not _NOINT:
                        a, b = left_key[1], right_key[1]
                    else:
                        a, b = left_key[0], right_key[0]
                    result = (a > b) - (a < b)
                    if result:
                        return -result if desc else result
                elif left_key is not None:
                    return -1
                elif right_key is not None:
                    return 1
            return 0

        order = sorted(range(len(items)), key=cmp_to_key(compare))
        return [items[index] for index in order]

    sort.__wrapped__ = model.Sort.sort
    _set(model.Sort, "sort", sort)


# --- installing ----------------------------------------------------------------------------

def apply() -> None:
    """Install the speed-ups (once; after fixes.apply())."""
    global _applied
    with _LOCK:
        if _applied:
            return
        from evidencebib.render import fixes

        fixes.apply()
        _patch_xpath()
        _patch_calls_variable()
        _patch_items()
        _patch_sort()
        _applied = True


def remove() -> None:
    """Restore citeproc-py exactly as it was before `apply()` (fixes stay installed)."""
    global _applied
    with _LOCK:
        while _saved:
            owner, name, previous = _saved.pop()
            if previous is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
        _applied = False


def is_applied() -> bool:
    return _applied


def sync() -> None:
    """Install or remove the speed-ups to match `enabled()` (called before each render)."""
    if enabled():
        if not _applied:
            apply()
    elif _applied:
        remove()


@contextmanager
def disabled():
    """Render without speed-ups inside the block (sets EVIDENCEBIB_NO_SPEEDUPS=1)."""
    previous = os.environ.get("EVIDENCEBIB_NO_SPEEDUPS")
    os.environ["EVIDENCEBIB_NO_SPEEDUPS"] = "1"
    try:
        sync()
        yield
    finally:
        if previous is None:
            os.environ.pop("EVIDENCEBIB_NO_SPEEDUPS", None)
        else:
            os.environ["EVIDENCEBIB_NO_SPEEDUPS"] = previous
        sync()


def pin_style(style) -> None:
    """Keep every element proxy of a loaded style (and its locales) alive, so per-element
    memos survive; idempotent."""
    root = style.root
    if "_eb_pinned" in root.__dict__:
        return
    pinned = list(root.iter())
    for locale in getattr(root, "locales", ()) or ():
        pinned.extend(locale.iter())
    root.__dict__["_eb_pinned"] = pinned
