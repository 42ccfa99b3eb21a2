"""Small, tested patches of citeproc-py 0.11.1 defects (the version is pinned in pyproject).

`apply()` installs them once; it is idempotent and is called by the engine before any style is
loaded. Each patch is a narrow wrapper around one citeproc-py function, named after the defect
it fixes, and each has a test in tests/test_render_fixes.py:

- `et al from the source`: an item whose name list was truncated at the source carries an
  `EtAlPlaceholder` after its listed names; `Name.process` then truncates right after the
  listed names, so every style prints its own et-al term there (never a person "others").
- minimal page ranges: `2-25` stays `2–25` (was `2–5`), `e1-e12` stays whole (was `e1–2`).
- `'str' object has no attribute 'capitalize_first'` (and `words`) on mixed strings.
- `capitalize-first` skips the formatter's markup markers instead of upper-casing them.
- duplicate punctuation across markup ("*et al.*." -> "*et al.*").
- localized dates lost the locale's delimiter: "2023Aug" -> "2023 Aug".
- `second-field-align` ignored: "1.Banjar" -> "1. Banjar".
- `get_macro` looked up by XPath on every call: cached per style document.
"""

from __future__ import annotations

import threading

from citeproc import model as _model
from citeproc import string as _string
from citeproc.source import Name as _SourceName
from citeproc.source import VariableError

from evidencebib.render.formats import MARKERS

_LOCK = threading.Lock()
_APPLIED = False


class EtAlPlaceholder(_SourceName):
    """Stands for the names a source left out ("et al", BibTeX `and others`).

    It is appended after the listed names of an item's truncated name variable. It is never
    printed: `Name.process` (patched) truncates before it.
    """

    def __init__(self) -> None:
        super().__init__(family="")

    def parts(self):  # pragma: no cover - never rendered, defensive only
        return (None, "", None, None, None)


def _is_placeholder(name) -> bool:
    return isinstance(name, EtAlPlaceholder)


# --- et al from the source -------------------------------------------------------------------

def et_al_options(listed: int, style_min: int, style_use_first: int) -> dict[str, object]:
    """Name options that make citeproc-py truncate right after (at most) `listed` names.

    Effective et-al-min = min(style min, listed + 1), use-first = min(style use-first, listed);
    a style that never truncates (et-al-min 0) shows every listed name. et-al-use-last is
    switched off because the real last name is unknown.
    """
    if style_min and style_min > 0:
        eff_min = min(style_min, listed + 1)
        eff_first = min(style_use_first, listed) if style_use_first > 0 else listed
    else:
        eff_min, eff_first = listed + 1, listed
    return {"et-al-min": eff_min, "et-al-use-first": max(1, eff_first), "et-al-use-last": "false"}


def _patch_name_process() -> None:
    original = _model.Name.process

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        try:
            names = item.reference.get(variable, [])
        except VariableError:  # pragma: no cover
            names = []
        if names and _is_placeholder(names[-1]):
            listed = sum(1 for name in names if not _is_placeholder(name))
            style_min = self.get_option("et-al-min", context, sort_options)
            style_first = self.get_option("et-al-use-first", context, sort_options)
            options = dict(sort_options or {})
            options.update(et_al_options(listed, style_min, style_first))
            sort_options = options
        return original(self, item, variable, context=context, sort_options=sort_options, **kwargs)

    process.__wrapped__ = original
    _model.Name.process = process

    original_format_name = _model.Key._format_name

    def _format_name(self, item, variable):
        names = item.reference.get(variable)
        if names and any(_is_placeholder(name) for name in names):
            reference = item.reference
            kept = [name for name in names if not _is_placeholder(name)]
            saved = reference[variable]
            dict.__setitem__(reference, variable, kept)
            try:
                return original_format_name(self, item, variable)
            finally:
                dict.__setitem__(reference, variable, saved)
        return original_format_name(self, item, variable)

    _model.Key._format_name = _format_name


# --- minimal page ranges ---------------------------------------------------------------------

def format_last_page(first: str, last: str, range_format: str | None) -> str:
    """The last page of a range as CSL's page-range-format prints it.

    Only all-digit ranges whose two ends have the same number of digits are shortened; any
    other range (`2-25`, `e1-e12`, `S1-S9`, `xii-xx`) keeps its last page in full.
    """
    if not range_format or range_format == "expanded":
        return last
    if not (first.isdigit() and last.isdigit()) or len(first) != len(last):
        return last
    common = 0
    for a, b in zip(first, last):
        if a != b:
            break
        common += 1
    if common == len(first):
        return last
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first)
        if number < 100 or number % 100 == 0:
            return last
        if len(first) >= 4 and common < 2:
            return last
        if number % 100 in range(1, 10):
            range_format = "minimal"
        else:
            range_format = "minimal-two"
    if range_format == "minimal":
        return last[common:]
    if range_format == "minimal-two":
        return last[min(common, max(len(last) - 2, 0)):]
    return last


def _patch_page_ranges() -> None:
    def _format_last_page(self, first, last):
        return format_last_page(str(first), str(last), self.get_root().get_option("page-range-format"))

    _model.FormatNumber._format_last_page = _format_last_page


# --- mixed strings ---------------------------------------------------------------------------

def _first_visible(text: str) -> int | None:
    for index, char in enumerate(text):
        if char not in MARKERS:
            return index
    return None


def capitalize_first_text(text: str) -> str:
    """Upper-case the first character that is not a markup marker."""
    index = _first_visible(text)
    if index is None:
        return text
    return text[:index] + text[index].upper() + text[index + 1:]


def _patch_strings() -> None:
    String, MixedString, NoCase = _string.String, _string.MixedString, _string.NoCase

    def string_capitalize_first(self):
        return self.__class__(capitalize_first_text(str(self)))

    String.capitalize_first = string_capitalize_first
    NoCase.capitalize_first = lambda self: self

    def _as_string(part):
        return part if isinstance(part, (String, MixedString)) else String(str(part))

    def mixed_capitalize_first(self):
        parts = [_as_string(part) for part in self]
        for index, part in enumerate(parts):
            if _first_visible(str(part)) is not None:
                parts[index] = part.capitalize_first()
                break
        return self.__class__(parts)

    def mixed_words(self):
        for part in self:
            yield from _as_string(part).words()

    original_case = _model.TextCased.case

    def case(self, text, language=None):
        """text-case on a plain `str` (dates, numbers, macro output) crashed."""
        if isinstance(text, str) and not isinstance(text, String) and self.get("text-case") is not None:
            text = String(text)
        return original_case(self, text, language)

    _model.TextCased.case = case
    MixedString.capitalize_first = mixed_capitalize_first
    MixedString.words = mixed_words

    original_normalize_seam = _string.normalize_seam

    def normalize_seam(left, other):
        """Like citeproc-py's, but looks through markup markers at the end of `left`."""
        left_text = str(left)
        stripped = left_text.rstrip(MARKERS)
        if stripped != left_text and stripped:
            other_text = str(other)
            if other_text and other_text[0] in _string.SEAM_PUNCTUATION and stripped[-1] == other_text[0]:
                return _string._strip_first_char(other)
        return original_normalize_seam(left, other)

    _string.normalize_seam = normalize_seam
    _model.normalize_seam = normalize_seam


# --- name-part formatting --------------------------------------------------------------------

def _patch_name_part() -> None:
    """`<name-part text-case=…>` called String methods on plain `str` name parts and returned a
    MixedString that `str.join` rejects (AttributeError 'capitalize_first' / 'words',
    TypeError 'expected str instance, MixedString found')."""
    String = _string.String

    def format_part(self, given, family):
        def formatted(value):
            if value is None or value == "":
                return value
            return str(self.wrap(self.format(self.case(String(str(value))))))

        if self.get("name") == "given":
            given = formatted(given)
        elif self.get("name") == "family":
            family = formatted(family)
        return given, family

    _model.Name_Part.format_part = format_part


# --- localized date delimiter ----------------------------------------------------------------

def _patch_locale_date_delimiter() -> None:
    """A localized date (`<date form="text">`) lost its locale's delimiter ("2023Aug")."""
    original = _model.Date.render_single_date

    def render_single_date(self, date, show_parts=None, context=None):
        if context is not None and context is not self and self.is_locale_date():
            parts = self.parts(date, show_parts, context)
            if not parts:
                return None
            return _string.join(parts, self.get("delimiter", context.get("delimiter", "")))
        return original(self, date, show_parts, context)

    _model.Date.render_single_date = render_single_date


# --- second-field-align ----------------------------------------------------------------------

def _patch_second_field_align() -> None:
    original = _model.Layout.render_bibliography

    def render_bibliography(self, citation_items):
        if not self.getparent().get("second-field-align"):
            return original(self, citation_items)
        output_items = []
        for item in citation_items:
            self.repressed = {}
            fields = []
            for child in self.iterchildren():
                try:
                    if isinstance(child, _model.Choose):
                        text = child.render(item, delimiter="")
                    else:
                        text = child.render(item)
                except VariableError:
                    continue
                if text is not None:
                    fields.append(text)
            if not fields:
                continue
            if len(fields) == 1:
                body = fields[0]
            else:
                rest = _string.join(fields[1:], "")
                body = _string.join([fields[0], rest], " ")
            text = self.format(self.wrap(body))
            if text is not None:
                output_items.append(text)
        return output_items

    _model.Layout.render_bibliography = render_bibliography


# --- get_macro cache -------------------------------------------------------------------------

def _patch_get_macro() -> None:
    original = _model.CitationStylesElement.get_macro

    def get_macro(self, name):
        root = self.get_root()
        cache = root.__dict__.get("_evidencebib_macros")
        if cache is None:
            cache = {}
            try:
                root.__dict__["_evidencebib_macros"] = cache
            except (AttributeError, TypeError):  # pragma: no cover
                return original(self, name)
        try:
            return cache[name]
        except KeyError:
            macro = cache[name] = original(self, name)
            return macro

    _model.CitationStylesElement.get_macro = get_macro


def apply() -> None:
    """Install every patch (once)."""
    global _APPLIED
    with _LOCK:
        if _APPLIED:
            return
        _patch_name_process()
        _patch_page_ranges()
        _patch_strings()
        _patch_name_part()
        _patch_locale_date_delimiter()
        _patch_second_field_align()
        _patch_get_macro()
        _APPLIED = True

