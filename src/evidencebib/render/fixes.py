"""Small, tested patches of citeproc-py 0.11.1 defects (the version is pinned in pyproject).

`apply()` installs them once; it is idempotent and is called by the engine before any style is
loaded. Each patch is a narrow wrapper around one citeproc-py function, named after the defect
it fixes, and each has a test in tests/render/test_render_fixes.py:

- `et al from the source`: an item whose name list was truncated at the source carries an
  `EtAlPlaceholder` after its listed names; `Name.process` then truncates right after the
  listed names, so every style prints its own et-al term there (never a person "others").
- page ranges as citeproc-js prints them: `minimal` no longer drops digits of a longer last
  page (`2-25` stays `2–25`, was `2–5`), a shared letter prefix is dropped (`e1-e12` -> `e1–12`,
  was `e1–2`), `expanded` expands (`101-9` -> `101–109`), `chicago-16` per its table.
- `'str' object has no attribute 'capitalize_first'` (and `words`) on mixed strings.
- `capitalize-first` skips the formatter's markup markers instead of upper-casing them.
- duplicate punctuation across markup ("*et al.*." -> "*et al.*").
- localized dates lost the locale's delimiter: "2023Aug" -> "2023 Aug".
- `second-field-align` ignored: "1.Banjar" -> "1. Banjar".
- `get_macro` looked up by XPath on every call: cached per style document.

Patches that make citeproc-py agree with citeproc-js (tests/render/test_citeproc_agreement.py; each
has a test in tests/render/test_render_fixes_agreement.py):

- sorting by code point ("Ångström" after "Z"): keys use `collation_key`, which orders like
  citeproc-js's `localeCompare` (accents and case ignored, punctuation ignored, numbers
  numeric); names in sort keys come without the "and"/et-al terms, in sort order, with
  `demote-non-dropping-particle="sort-only"` applied ("van der Berg" under B); terms are not
  part of sort keys, and an empty key sorts last.
- no year suffixes: items whose cites read the same (after what add-names / add-givenname
  could tell apart) get 2020a, 2020b … in bibliography order, after the first year or where the
  style prints `year-suffix`.
- CJK names printed "王 小明" or "王, . 小明 .": family + given, no space, no initials.
- `initialize="false"` ignored ("P." for "Pieter"): full given names stay.
- `punctuation-in-quote` ignored ("Loss”." -> "Loss.”"), and "Why?." -> "Why?".
- title case: hyphenated words ("Long-term" -> "Long-Term"), and labels/terms never
  title-cased ("(eds.)" -> "(Eds.)").
- group suppression judged from the markup: a group whose looked-up variables are all empty
  is now suppressed (APA "(Publication)" for a thesis without a number), one that looked up
  none is kept ("n.d.").
"""

from __future__ import annotations

import re
import threading
import unicodedata

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

_PREFIXED_NUMBER = re.compile(r"^([^\W\d_]*)(\d+)$")


def format_last_page(first: str, last: str, range_format: str | None) -> str:
    """The last page of a range as CSL's page-range-format prints it (as citeproc-js does).

    - no page-range-format: the last page as given;
    - a shared letter prefix (`e1-e12`, `S1-S9`) is kept by `expanded` and dropped from the
      last page by the other formats (`e1–12`); different prefixes (`S12-13`, `A12-B14`) are
      left alone (was `S12–3`);
    - a last page shorter than the first is expanded first (`101-9` -> 109, `12-5` -> 15);
    - `minimal` drops the leading digits both pages share, only when they have as many digits
      (`2-25` stays whole; it was `2–5`), `minimal-two` keeps at least two, and `chicago-16`
      / `chicago` (15th) apply the Chicago table.
    """
    if not range_format:
        return last
    first_match, last_match = _PREFIXED_NUMBER.match(first), _PREFIXED_NUMBER.match(last)
    if not (first_match and last_match):
        return last
    first_prefix, first_number = first_match.groups()
    last_prefix, last_number = last_match.groups()
    if last_prefix != first_prefix:  # "S12-13", "A12-B14": not a range citeproc-js shortens
        return last
    if len(last_number) < len(first_number):
        last_number = first_number[: len(first_number) - len(last_number)] + last_number
    if range_format == "expanded":
        return last_prefix + last_number
    if len(first_number) != len(last_number):
        return last_number
    common = 0
    for a, b in zip(first_number, last_number):
        if a != b:
            break
        common += 1
    if common == len(first_number):
        return last_number
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first_number)
        if number < 100 or number % 100 == 0:
            return last_number
        if range_format != "chicago-16" and len(first_number) >= 4 and common < 2:
            return last_number
        range_format = "minimal" if number % 100 in range(1, 10) else "minimal-two"
    if range_format == "minimal":
        return last_number[common:]
    if range_format == "minimal-two":
        return last_number[min(common, max(len(last_number) - 2, 0)):]
    return last_number


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


# --- locale collation for sorting --------------------------------------------------------------

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
                       "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "þ": "th", "Þ": "TH"})
_DIGITS = re.compile(r"\d+")


def collation_key(text: str) -> str:
    """A sort key that orders like citeproc-js (`localeCompare`, sensitivity "base",
    ignorePunctuation, numeric): accents and case do not count ("Ångström" sorts with A,
    "Østergaard" with O), punctuation is ignored, a space separates words ("Chen S, Wong R"
    sorts before "Chen SW"), digit runs compare as numbers.
    Strings equal under this key are ties (the next sort key decides, then input order)."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append("\x01")  # citeproc-js turns spaces into a separator sorting before letters
        elif category.startswith(("M", "P", "C")) or char in MARKERS:
            continue
        else:
            kept.append(char)
    folded = "".join(kept).casefold()
    return _DIGITS.sub(lambda match: match.group(0).lstrip("0").rjust(12, "0") or "0" * 12, folded)


_SORTING = threading.local()


def _patch_collation() -> None:
    original = _model.Key.sort_keys

    def sort_keys(self, items, context):
        outer = getattr(_SORTING, "active", False)
        _SORTING.active = True
        try:
            keys = original(self, items, context)
        finally:
            _SORTING.active = outer
        keys = [collation_key(str(key)) if isinstance(key, (str, _string.MixedString)) else key for key in keys]
        return [None if key == "" else key for key in keys]  # an empty key sorts last either way

    original_term = _model.Text._term

    def _term(self, item):
        if getattr(_SORTING, "active", False):
            return None  # terms are not part of sort keys in citeproc-js ("n.d." gives an empty key)
        return original_term(self, item)

    _model.Text._term = _term

    _model.Key.sort_keys = sort_keys


# --- names: CJK names, sort keys, initialize="false" ----------------------------------

_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
def is_cjk_name(given: str | None, family: str | None) -> bool:
    return bool(_CJK.search((family or "") + (given or "")))


class _CJKName(_SourceName):
    """A Chinese, Japanese or Korean personal name: family name then given name, no space, never
    initialized or inverted (CSL 1.0.2 §"Name-part order", as citeproc-js prints them)."""

    def parts(self):
        return (None, (self.get("family") or "") + (self.get("given") or ""), None, None, None)


def _name_option(element, name: str):
    """An inheritable name option from the element, its citation/bibliography, or the style."""
    value = element.get(name)
    if value is not None:
        return value
    parent = element.getparent()
    while parent is not None:
        if parent.tag.endswith("}citation") or parent.tag.endswith("}bibliography") or parent.getparent() is None:
            if parent.get(name) is not None:
                return parent.get(name)
        parent = parent.getparent()
    return None


def initials_only(given: str, mark: str) -> str:
    """`initialize="false"`: full given names stay; names that are already initials get the
    style's initialize-with ("J.C." -> "J. C." with ". ")."""
    out = ""
    for token in given.replace(".", ". ").split():
        if re.fullmatch(r"[^\W\d_]\.?", token) and token[0].isupper():
            out += token[0] + mark
        else:
            out += token + " "
    return out.strip()


def _patch_default_name() -> None:
    """A cs:names without a cs:name child got a new default `Name()` inserted into the style
    tree on every render (its tag is "Name", outside the CSL namespace, so the next look-up
    never finds it): the cached style grew by one element per rendered name list (156 after
    rendering 50 items four times in Vancouver), and `getchildren()` on it grew with it.
    The default cs:name is now inserted once, in the CSL namespace, at the same place (first
    child), so later renders find it. It has no attributes, like the default it replaces, so
    the text is the same; only the tree stops growing."""
    original = _model.Names.process

    def process(self, item, names_context=None, context=None, **kwargs):
        target = self if names_context is None else names_context
        if target.find("cs:name", target.nsmap) is None:
            target.insert(0, target.makeelement("{http://purl.org/net/xbiblio/csl}name"))
        return original(self, item, names_context=names_context, context=context, **kwargs)

    process.__wrapped__ = original
    _model.Names.process = process


def _patch_names() -> None:
    original_process = _model.Name.process

    def process(self, item, variable, context=None, sort_options=None, **kwargs):
        try:
            names = item.reference.get(variable, [])
        except VariableError:  # pragma: no cover
            names = []
        if getattr(_SORTING, "active", False):
            # a sort key (also in macros called by the key's macro, which citeproc-py renders
            # without the key's options): names in sort order, without the "and" and et-al terms,
            # as citeproc-js does ("Smith J, Ångström R" sorts before "Smith J and Rossi E";
            # "Åberg H et al (1996)" sorts with "Åberg H (2013)", by year)
            sort_options = dict(sort_options or {}, **{"and": None})
            sort_options.setdefault("name-as-sort-order", "all")
            if self.get_root().get("demote-non-dropping-particle") == "sort-only":
                sort_options["demote-non-dropping-particle"] = "display-and-sort"  # "van der Berg" under B
        form = self.get_option("form", context, sort_options)
        replaced = []
        changed = False
        for name in names or ():
            if isinstance(name, EtAlPlaceholder) or not isinstance(name, _SourceName):
                replaced.append(name)
                continue
            if "literal" not in name and form == "long" and is_cjk_name(name.get("given"), name.get("family")):
                new = _CJKName(**{k: v for k, v in name.items() if k in ("family", "given")})
            else:
                new = name
            changed = changed or new is not name
            replaced.append(new)
        if not changed:
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        reference = item.reference
        saved = reference[variable]
        dict.__setitem__(reference, variable, replaced)
        try:
            return original_process(self, item, variable, context=context, sort_options=sort_options, **kwargs)
        finally:
            dict.__setitem__(reference, variable, saved)

    process.__wrapped__ = original_process
    _model.Name.process = process

    original_et_al = _model.Name.et_al

    def et_al(self):
        if getattr(_SORTING, "active", False):
            return None
        return original_et_al(self)

    _model.Name.et_al = et_al

    original_initialize = _model.Name.initialize

    def initialize(self, given, mark, context):
        if (_name_option(self, "initialize") or "true").lower() == "false":
            return initials_only(given, mark)
        return original_initialize(self, given, mark, context)

    _model.Name.initialize = initialize


# --- year suffixes (disambiguate-add-year-suffix) ---------------------------------------------

_CURRENT = threading.local()


def year_suffix(index: int) -> str:
    """a … z, aa, ab … (citeproc-js's sequence)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    if index < 26:
        return letters[index]
    return letters[index // 26 - 1] + letters[index % 26]


def _names_key(reference, variables, all_names: bool, with_given: bool, shown: int | None,
               primary_only: bool = False, initials: bool = False):
    """What disambiguation by names could still tell apart: the whole list of family names
    (disambiguate-add-names) and/or the given names of the names a cite shows
    (disambiguate-add-givenname): only the first name's with a primary-name rule, only
    their initials with a -with-initials rule."""
    for variable in variables:
        names = [name for name in (reference.get(variable) or ()) if not isinstance(name, EtAlPlaceholder)]
        if names:
            if primary_only:
                given_of = names[:1]
            else:
                given_of = names if all_names or shown is None else names[:shown]
            families = tuple(name.get("literal") or name.get("family") or "" for name in names) if all_names else ()
            givens = tuple(given_initials(name.get("given") or "") if initials else name.get("given") or ""
                           for name in given_of) if with_given else ()
            return families, givens
    return (), ()


def given_initials(given: str) -> tuple[str, ...]:
    """The initials a given name can be shortened to: "Robert James", "R. J." and "R J" are
    the same; "Jean-Paul" and "J.-P." are ("J", "-P")."""
    out = []
    for word in given.replace(".", " ").split():
        for index, piece in enumerate(word.split("-")):
            if piece:
                out.append(("-" if index else "") + piece[0])
    return tuple(out)


def map_items(function, items) -> list:
    """`[function(item) for item in items]`; render/speed.py may spread it over processes."""
    return [function(item) for item in items]


def _assign_year_suffixes(style_root, items) -> None:
    """Items whose citations would read the same get a, b, c … in bibliography order."""
    citation = style_root.find("cs:citation", style_root.nsmap)
    for item in items:
        item.__dict__.pop("_evidencebib_year_suffix", None)
    if citation is None or (citation.get("disambiguate-add-year-suffix") or "").lower() != "true":
        return
    explicit = any(text.get("variable") == "year-suffix"
                   for text in style_root.iter("{http://purl.org/net/xbiblio/csl}text"))
    layout = citation.find("cs:layout", citation.nsmap)
    add_names = (citation.get("disambiguate-add-names") or "").lower() == "true"
    add_given = (citation.get("disambiguate-add-givenname") or "").lower() == "true"
    # what citeproc-js 2.4.63 lets add-givenname expand (tests/render/test_render_fixes_agreement.py):
    # primary-name rules only the first name, -with-initials rules only initials, and the
    # default by-cite rule without add-names only the first name as well
    rule = (citation.get("givenname-disambiguation-rule") or "by-cite").lower()
    primary_only = rule.startswith("primary-name") or (rule == "by-cite" and not add_names)
    initials = rule.endswith("-with-initials")
    et_al_min = int(citation.get("et-al-min") or style_root.get("et-al-min") or 0)
    et_al_first = int(citation.get("et-al-use-first") or style_root.get("et-al-use-first") or 0)

    def shown(reference):
        names = reference.get("author") or reference.get("editor") or ()
        count = len(names)
        if et_al_min and (count >= et_al_min or (names and isinstance(names[-1], EtAlPlaceholder))):
            return et_al_first or None
        return None

    def cite_text(item):
        layout.repressed = {}
        try:
            return str(layout.render_children(item))
        except Exception:  # pragma: no cover - a cite that cannot render is never ambiguous
            return None

    groups: dict[object, list] = {}
    for item, text in zip(items, map_items(cite_text, items)):
        if text is None:
            continue
        reference = item.reference
        extra = _names_key(reference, ("author", "editor", "translator"), add_names, add_given, shown(reference),
                           primary_only, initials) if add_names or add_given else ()
        groups.setdefault((text, extra), []).append(item)
    for group in groups.values():
        if len(group) > 1:
            for index, item in enumerate(group):
                item.__dict__["_evidencebib_year_suffix"] = year_suffix(index)
                item.__dict__["_evidencebib_year_suffix_explicit"] = explicit


def _patch_year_suffix() -> None:
    from citeproc import CitationStylesBibliography

    original_sort = CitationStylesBibliography.sort

    def sort(self):
        original_sort(self)
        _assign_year_suffixes(self.style.root, self.items)

    CitationStylesBibliography.sort = sort

    original_date_process = _model.Date.process

    def date_process(self, item, variable=None, show_parts=None, context=None, **kwargs):
        name = variable if variable is not None else self.get("variable")
        outer = getattr(_CURRENT, "suffix", None)
        implicit = name == "issued" and not item.__dict__.get("_evidencebib_year_suffix_explicit")
        _CURRENT.suffix = item.__dict__.get("_evidencebib_year_suffix") if implicit else None
        try:
            return original_date_process(self, item, variable, show_parts, context, **kwargs)
        finally:
            _CURRENT.suffix = outer

    _model.Date.process = date_process

    original_variable = _model.Text._variable

    def _variable(self, item, context):
        if self.get("variable") == "year-suffix":
            suffix = item.__dict__.get("_evidencebib_year_suffix")
            if not suffix:
                raise VariableError
            return _string.String(suffix)
        return original_variable(self, item, context)

    _model.Text._variable = _variable

    original_part_process = _model.Date_Part.process

    def part_process(self, date, context=None):
        text = original_part_process(self, date, context)
        suffix = getattr(_CURRENT, "suffix", None)
        if suffix and self.get("name") == "year" and text:
            return str(text) + suffix
        return text

    _model.Date_Part.process = part_process


# --- punctuation at the end of quotes and after ? and ! --------------------------------------

_MARK_CLASS = "[" + re.escape(MARKERS) + "]*"
_QUOTE_PUNCT = re.compile("(\u201d)(" + _MARK_CLASS + ")([.,])")
_DOUBLE_STOP = re.compile("([?!])(" + _MARK_CLASS + "[\u201d\u2019]?" + _MARK_CLASS + r")\.")


def entry_punctuation(text: str, punctuation_in_quote: bool) -> str:
    """`punctuation-in-quote="true"` moves a full stop or comma that follows a closing quote
    inside it ("Loss”." -> "Loss.”"); a full stop right after "?" or "!" is dropped ("Why?." ->
    "Why?"), also through markup ("*Why?*." -> "*Why?*"), as citeproc-js does for an element's
    own suffix. (citeproc-js keeps "*Why?*." when the stop comes from the next element, e.g. AMA's
    book title in a chapter: a known difference, it cannot be told apart here.)"""
    if punctuation_in_quote:
        text = _QUOTE_PUNCT.sub(lambda m: m.group(3) + m.group(1) + m.group(2), text)
        text = re.sub(r"([?!.])\.(\u201d)", r"\1\2", text)
    return _DOUBLE_STOP.sub(lambda m: m.group(1) + m.group(2), text)


def _patch_entry_punctuation() -> None:
    original = _model.Layout.render_bibliography

    def render_bibliography(self, citation_items):
        entries = original(self, citation_items)
        try:
            in_quote = (self.get_locale_option("punctuation-in-quote") or "false").lower() == "true"
        except (AttributeError, KeyError, IndexError):  # pragma: no cover
            in_quote = False
        out = []
        for entry in entries:
            text = str(entry)
            fixed = entry_punctuation(text, in_quote)
            out.append(entry if fixed == text else _string.String(fixed))
        return out

    _model.Layout.render_bibliography = render_bibliography


# --- title case: hyphenated words, and text whose language is not known -------------------------

TITLE_STOP_WORDS = frozenset(
    "a according across against along amid among an and anti around as at before behind beyond but by "
    "down during for from in into like near nor of off on onto or out over past per plus so than the "
    "till to toward towards up upon v versus via vs with within without yet".split())
_HYPHEN_PART = re.compile(r"(?<=[^\W\d_])-([^\W\d_][^\s\-]*)")


def title_case_hyphens(text: str) -> str:
    """Title case capitalises each part of a hyphenated word, as citeproc-js does
    ("Long-term" -> "Long-Term", "Meta-analysis" -> "Meta-Analysis"); a stop word stays lower
    case ("Follow-up: A Trial") unless it ends the title ("Safety Follow-Up")."""
    end = len(text.rstrip(".?!"))

    def upper(match):
        part = match.group(1)
        core = part.rstrip(".,;:?!")
        last = match.start(1) + len(core) >= end  # the last word of the title: always capitalised
        if not core.islower() or (core in TITLE_STOP_WORDS and not last):
            return match.group(0)
        return "-" + part[0].upper() + part[1:]

    return _HYPHEN_PART.sub(upper, text)


def _patch_title_case() -> None:
    original = _model.TextCased.case

    def case(self, text, language=None):
        text_case = self.get("text-case")
        if text_case == "title" and language is None:
            # labels, terms and values are called without a language: they are in the style's
            # locale (citeproc-py skipped title case for them: "(eds.)" instead of "(Eds.)")
            default = self.get_root().get("default-locale") or "en-US"
            language = default[:2]
        result = original(self, text, language)
        if text_case == "title" and language == "en" and result is not None:
            fixed = title_case_hyphens(str(result))
            if fixed != str(result):
                return fixed
        return result

    _model.TextCased.case = case


# --- group suppression: a group whose variables all rendered empty is dropped ------------------

_VARIABLES = threading.local()


def _counted(function):
    """Counts each variable an element looks up (`called`) and each that prints (`rendered`)."""
    def wrapper(self, *args, **kwargs):
        if self.get("variable") == "year-suffix":  # generated, not looked up (CSL and citeproc-js)
            return function(self, *args, **kwargs)
        _VARIABLES.called = getattr(_VARIABLES, "called", 0) + 1
        result = function(self, *args, **kwargs)
        if result is not None and str(result) != "":
            _VARIABLES.rendered = getattr(_VARIABLES, "rendered", 0) + 1
        return result

    wrapper.__wrapped__ = function
    return wrapper


def _patch_group_suppression() -> None:
    """CSL: a cs:group is suppressed when it calls variables and none of them renders. citeproc-py
    decides "calls a variable" from the markup, so a `cs:choose` whose branch taken prints only a
    value or a term counted as a rendered variable (APA: "(Publication)" for a thesis without a
    number). Here the variables looked up while the group renders are counted instead: a group
    that looked up variables and printed none of them is suppressed; one that looked up none
    (a term in the `else` of `if variable="issued"`: "n.d.") is kept."""
    _model.Text._variable = _counted(_model.Text._variable)
    for cls in (_model.Names, _model.Date, _model.Number):
        cls.process = _counted(cls.process)

    original_group = _model.Group.process

    def group_process(self, item, context=None, **kwargs):
        called = getattr(_VARIABLES, "called", 0)
        rendered = getattr(_VARIABLES, "rendered", 0)
        result = original_group(self, item, context=context, **kwargs)
        if getattr(_VARIABLES, "called", 0) > called and getattr(_VARIABLES, "rendered", 0) == rendered:
            raise VariableError
        return result

    _model.Group.process = group_process


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
        _patch_collation()
        _patch_names()
        _patch_default_name()
        _patch_year_suffix()
        _patch_entry_punctuation()
        _patch_title_case()
        _patch_group_suppression()
        _APPLIED = True

