"""Speed-ups of citeproc-py 0.11.1 internals that never change its output.

`apply()` installs them (after `fixes.apply()`, whose patches they wrap or leave alone);
`remove()` restores exactly what was there before, and `disabled()` is a context manager for
that. The environment variable `EVIDENCEBIB_NO_SPEEDUPS=1` keeps them (and the render cache)
off; `enabled()` says whether they are wanted. tests/render/test_render_speed_equivalence.py renders
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
- Element formatting (`Formatted.format`, `Affixed.wrap`, `Quoted.quote`, `TextCased.case`,
  `StrippedPeriods.strip_periods`) read five to seven attributes and looked up the formatter and
  the locale's punctuation option for every rendered element, although most elements have none
  of these attributes: which attributes an element has is read once (an element's attributes
  never change after loading), and an element without them passes its text through, as the
  original does after all its look-ups.
- `get_formatter()` walked to the root twice and tested its class: the root and whether it is a
  locale are memoised per element (the formatter itself is still read from the root each time,
  since a render swaps it).
- `normalize_seam` ran our marker-aware version and then citeproc-py's, each converting the
  (possibly composite) left string with `str()`: one function now does both tests on one
  conversion, in the same order.
- `cs:if`/`cs:else-if` split and lower-cased their `type`/`variable` attributes on every test;
  the lists are prepared once per element and the tests run on them in the original order.
- `Text.process` found the item's language through a `VariableError` for nearly every item:
  a direct dictionary look-up gives the same answer.
- `CitationItem.reference` / `.bibliography` went through `CustomDict.__getattr__` twice per
  access: read the dict directly (same objects).

Memoised values are kept in the element proxies' `__dict__`. lxml may drop and recreate the
proxy of an element that nothing references, which only loses the memo (never correctness);
`pin_style()` keeps every element proxy of a loaded style and its locales alive so the memos
last as long as the style object.
"""

from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from functools import cmp_to_key

_LOCK = threading.Lock()
_MISSING = object()
_saved: list[tuple[type, str, object]] = []   # (owner, attribute, previous value or _MISSING)
_applied = False


def enabled() -> bool:
    """Whether speed-ups (and the render cache) are wanted: not when EVIDENCEBIB_NO_SPEEDUPS is set."""
    return os.environ.get("EVIDENCEBIB_NO_SPEEDUPS", "").strip().lower() in ("", "0", "false", "no")


def _set(owner: type, name: str, value: object) -> None:
    _saved.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


def _set_module(module, name: str, value: object) -> None:
    _saved.append((module, name, getattr(module, name, _MISSING)))
    setattr(module, name, value)


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
        number = None  # int() never gives None; None also survives the trip from a worker
    return lowered, number


def _patch_sort() -> None:
    from citeproc import model

    def sort(self, items, context):
        from evidencebib.render import parallel

        keys = self.findall("cs:key", self.nsmap)
        descending = [key.get("sort", "ascending").lower() == "descending" for key in keys]
        if parallel.plan(len(items)) > 1:
            # each item's keys on their own (as Key.sort_keys computes them, item by item)
            def row(item):
                return tuple(_prepare_key(key.sort_keys([item], context)[0]) for key in keys)

            rows = parallel.format_all(row, items, what="sort keys")
            columns = [[values[index] for values in rows] for index in range(len(keys))]
        else:
            columns = [[_prepare_key(value) for value in key.sort_keys(items, context)] for key in keys]
        plan = list(zip(columns, descending))

        def compare(left, right):
            for column, desc in plan:
                left_key, right_key = column[left], column[right]
                if left_key is not None and right_key is not None:
                    if left_key[1] is not None and right_key[1] is not None:
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


# --- element formatting ----------------------------------------------------------------------

_FORMAT_DEFAULTS = (("font-style", "normal"), ("font-variant", "normal"), ("font-weight", "normal"),
                    ("text-decoration", "none"), ("vertical-align", "baseline"))


def _element_plan(element) -> tuple:
    """What the formatting methods need from an element's attributes, read once:
    (no font formatting, prefix, suffix, quoted, strip periods, text-case, formatter root,
    root is a locale)."""
    plan = element.__dict__.get("_eb_plan")
    if plan is None:
        from citeproc import model

        get = element.get
        plain = all(get(name, default) == default for name, default in _FORMAT_DEFAULTS)
        root = element.get_root()
        plan = element.__dict__["_eb_plan"] = (
            plain, get("prefix", ""), get("suffix", ""), get("quotes", "false").lower() == "true",
            get("strip-periods", "false").lower() == "true", get("text-case"), root,
            isinstance(root, model.Locale))
    return plan


def _patch_formatting() -> None:
    from citeproc import model
    from citeproc import string as cstring

    passthrough = (str, cstring.String, cstring.NoCase, cstring.MixedString)

    original_format = model.Formatted.format

    def format(self, string):
        if _element_plan(self)[0]:
            if isinstance(string, (int, float)):
                return str(string)
            return string
        return original_format(self, string)

    format.__wrapped__ = original_format
    _set(model.Formatted, "format", format)

    original_wrap = model.Affixed.wrap

    def wrap(self, string):
        if string is None:
            return None
        plan = _element_plan(self)
        if not plan[1] and not plan[2] and type(string) in passthrough:
            return string  # '' + string + '' with empty seams is the same object
        return original_wrap(self, string)

    wrap.__wrapped__ = original_wrap
    _set(model.Affixed, "wrap", wrap)

    original_quote = model.Quoted.quote

    def quote(self, string):
        if not _element_plan(self)[3]:
            return string  # the punctuation-in-quote option is read but unused when unquoted
        return original_quote(self, string)

    quote.__wrapped__ = original_quote
    _set(model.Quoted, "quote", quote)

    original_strip = model.StrippedPeriods.strip_periods

    def strip_periods(self, string):
        if not _element_plan(self)[4]:
            return string
        return original_strip(self, string)

    strip_periods.__wrapped__ = original_strip
    _set(model.StrippedPeriods, "strip_periods", strip_periods)

    original_case = model.TextCased.case

    def case(self, text, language=None):
        if _element_plan(self)[5] is None:
            return text  # citeproc-py and fixes.py change nothing without text-case
        return original_case(self, text, language)

    case.__wrapped__ = original_case
    _set(model.TextCased, "case", case)

    original_text_markup = model.Text.markup

    def text_markup(self, text, language):
        if not text:
            return None
        plan = _element_plan(self)
        if plan[0] and not (plan[1] or plan[2] or plan[3] or plan[4]) and plan[5] is None \
                and type(text) in passthrough:
            return text  # strip_periods, case, format, quote and wrap would each pass it through
        return original_text_markup(self, text, language)

    text_markup.__wrapped__ = original_text_markup
    _set(model.Text, "markup", text_markup)

    original_group_markup = model.Group.markup

    def group_markup(self, text):
        if not text:
            return None
        plan = _element_plan(self)
        if plan[0] and not (plan[1] or plan[2]) and type(text) in passthrough:
            return text
        return original_group_markup(self, text)

    group_markup.__wrapped__ = original_group_markup
    _set(model.Group, "markup", group_markup)

    original_formatter = model.CitationStylesElement.get_formatter

    def get_formatter(self):
        plan = _element_plan(self)
        return plan[6].style.formatter if plan[7] else plan[6].formatter

    get_formatter.__wrapped__ = original_formatter
    _set(model.CitationStylesElement, "get_formatter", get_formatter)


def _patch_seam() -> None:
    """One `normalize_seam` doing fixes.py's marker-aware test and citeproc-py's, in that order,
    on a single `str()` of each side."""
    from citeproc import model
    from citeproc import string as cstring

    from evidencebib.render.fixes import MARKERS

    punctuation = cstring.SEAM_PUNCTUATION
    strip_first = cstring._strip_first_char

    def normalize_seam(left, other):
        left_text = str(left)
        if not left_text:
            return other
        other_text = str(other)
        if not other_text:
            return other
        first = other_text[0]
        last = left_text[-1]
        if last in MARKERS:
            stripped = left_text.rstrip(MARKERS)
            if stripped and first in punctuation and stripped[-1] == first:
                return strip_first(other)
        if last == " " and first == " ":
            return strip_first(other)
        if last == first and first in punctuation:
            return strip_first(other)
        return other

    normalize_seam.__wrapped__ = cstring.normalize_seam
    _set_module(cstring, "normalize_seam", normalize_seam)
    _set_module(model, "normalize_seam", normalize_seam)


def _children(element) -> tuple:
    """An element's children with, for each, whether it is a cs:choose (static: memoised)."""
    children = element.__dict__.get("_eb_children")
    if children is None:
        from citeproc import model

        children = element.__dict__["_eb_children"] = tuple(
            (child, isinstance(child, model.Choose)) for child in element.iterchildren())
    return children


_CS = "{http://purl.org/net/xbiblio/csl}"


def _absence_plan(group) -> tuple[str, ...] | None:
    """The reference keys a cs:group's output can come from, when the group is *certain* to
    be suppressed once all of them are missing; None when that cannot be promised.

    fixes.py suppresses a group that looked up at least one variable and printed none. Its
    subtree (through macros, and every branch of a cs:choose) may hold only cs:group, cs:text
    (variable, macro, term, value), cs:number, cs:date, cs:label and cs:choose: elements whose
    only effect is their text, and whose variable look-ups fail quietly (VariableError) when the
    variable is missing. At least one look-up must stand outside any cs:choose, so that it
    happens whichever branch is taken. cs:names (substitution, repression) and the generated
    variables (year-suffix, citation-number, locator) make a group ineligible. The keys are what
    citeproc-py itself reads: `page` for page-first, both forms for form="short", a
    cs:number's variable as written."""
    plan = group.__dict__.get("_eb_absent", _MISSING)
    if plan is _MISSING:
        keys: set[str] = set()
        try:
            eligible, counted = _absence_walk(group, keys, False, set())
        except Exception:  # noqa: BLE001 - a broken macro reference: leave it to citeproc-py
            eligible, counted = False, False
        plan = tuple(sorted(keys)) if eligible and counted else None
        group.__dict__["_eb_absent"] = plan
    return plan


def _absence_walk(element, keys: set[str], in_choose: bool, macros: set[str]) -> tuple[bool, bool]:
    """(eligible, a variable is looked up outside any cs:choose) for element's children."""
    counted = False
    for child in element.iterchildren():
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag.startswith(_CS):
            return False, False
        tag = tag[len(_CS):]
        attrib = child.attrib
        if tag == "text":
            if "variable" in attrib:
                variable = attrib["variable"]
                if variable in ("year-suffix", "citation-number", "locator"):
                    return False, False
                key = variable.replace("-", "_")
                keys.add("page" if variable.startswith("page") else key)
                if attrib.get("form") == "short":
                    keys.add((variable + "-short").replace("-", "_"))
                counted = counted or not in_choose
            elif "macro" in attrib:
                name = attrib["macro"]
                if name in macros:
                    return False, False
                eligible, inner = _absence_walk(child.get_macro(name), keys, in_choose, macros | {name})
                if not eligible:
                    return False, False
                counted = counted or inner
            elif "term" not in attrib and "value" not in attrib:
                return False, False
        elif tag in ("number", "date"):
            variable = attrib.get("variable")
            if not variable or variable == "locator":
                return False, False
            if tag == "number":
                keys.add("page" if variable == "page-first" else variable)
            else:
                keys.add(variable.replace("-", "_"))
            counted = counted or not in_choose
        elif tag == "label":
            variable = attrib.get("variable")
            if not variable or variable == "locator":
                return False, False
            keys.add(variable.replace("-", "_"))
        elif tag == "group":
            eligible, inner = _absence_walk(child, keys, in_choose, macros)
            if not eligible:
                return False, False
            counted = counted or inner
        elif tag == "choose":
            for branch in child.iterchildren():
                branch_tag = branch.tag if isinstance(branch.tag, str) else ""
                if branch_tag not in (_CS + "if", _CS + "else-if", _CS + "else"):
                    return False, False
                eligible, _ = _absence_walk(branch, keys, True, macros)
                if not eligible:
                    return False, False
        else:
            return False, False
    return True, counted


def _patch_lookups() -> None:
    """Two static look-ups made on every name and many elements:
    - `Name.get_option(name, context)` without sort options reads the name element's attribute
      or the inherited one from cs:bibliography/cs:citation: memoised per (option, context);
    - `element.child_name` (`SomewhatObjectifiedElement.__getattr__`, a `find()` for a missing
      attribute: `names.name`, `names.label` …): the element found is stored as the attribute,
      so the next access does not search again (children are only ever added, never removed;
      a miss is not stored); an attribute assigned later still wins, as before."""
    from citeproc import model

    original_option = model.Name.get_option

    def get_option(self, name, context=None, sort_options=None):
        if sort_options is not None:
            return original_option(self, name, context, sort_options)
        memo = self.__dict__.get("_eb_options")
        if memo is None:
            memo = self.__dict__["_eb_options"] = {}
        key = (name, context)
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = original_option(self, name, context, None)
            return value

    get_option.__wrapped__ = original_option
    _set(model.Name, "get_option", get_option)

    original_getattr = model.SomewhatObjectifiedElement.__getattr__

    def __getattr__(self, name):
        value = original_getattr(self, name)
        if value is not None and not name.startswith("__"):
            # only what was found: citeproc-py inserts a default cs:name into a cs:names that
            # has none, and the next look-up must find it
            self.__dict__[name] = value
        return value

    __getattr__.__wrapped__ = original_getattr
    _set(model.SomewhatObjectifiedElement, "__getattr__", __getattr__)


def _patch_tree_walk() -> None:
    """`Parent.render_children` and `Group.process` (with fixes.py's group suppression, which
    wraps it) iterate a memoised tuple of children instead of asking lxml for them each time,
    and the group's two layers run as one function; the logic is unchanged, step for step."""
    from citeproc import model
    from citeproc.source import VariableError
    from citeproc.string import join

    from evidencebib.render import fixes

    counters = fixes._VARIABLES
    original_children = model.Parent.render_children

    def render_children(self, item, delimiter="", **kwargs):
        output = []
        for child, is_choose in _children(self):
            try:
                if is_choose:
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
                if text is not None:
                    output.append(text)
            except VariableError:
                pass
        if output:
            return join(output, delimiter)
        return None

    render_children.__wrapped__ = original_children
    _set(model.Parent, "render_children", render_children)

    original_group = model.Group.process

    def group_process(self, item, context=None, **kwargs):
        absent = _absence_plan(self)
        if absent is not None:
            reference = item.reference
            for key in absent:
                if key in reference:
                    break
            else:
                # every variable it could print is missing: it would look them up, print
                # none, and be suppressed
                counters.called = getattr(counters, "called", 0) + 1
                raise VariableError
        called_before = getattr(counters, "called", 0)
        rendered_before = getattr(counters, "rendered", 0)
        # citeproc-py's Group.process
        output = []
        variable_called = False
        variable_rendered = False
        delimiter = self.get("delimiter", "")
        for child, is_choose in _children(self):
            variable_called = variable_called or child.calls_variable()
            try:
                if is_choose:
                    child_text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    child_text = child.render(item, context=context, **kwargs)
                if child_text is not None:
                    output.append(child_text)
                    variable_rendered = variable_rendered or child.calls_variable()
            except VariableError:
                pass
        success = not variable_called or variable_rendered
        if not (output and success):
            raise VariableError
        result = self.join(output)
        # fixes.py's suppression: looked-up variables, none of them printed
        if getattr(counters, "called", 0) > called_before and getattr(counters, "rendered", 0) == rendered_before:
            raise VariableError
        return result

    group_process.__wrapped__ = original_group
    _set(model.Group, "process", group_process)


def _patch_sources() -> None:
    """CiteProcJSON.parse_string scanned every string for `<span class="nocase">` through a
    loop of MixedString additions; a string without that span becomes the same one-segment
    MixedString directly. Mapping items (year suffixes) may use several processes."""
    from citeproc.source.json import CiteProcJSON
    from citeproc.string import MixedString, String

    from evidencebib.render import fixes, parallel

    original = CiteProcJSON.parse_string
    tag = CiteProcJSON.start_tag

    def parse_string(self, string):
        string = str(string)
        if tag in string.lower():
            return original(self, string)
        return MixedString([String(string)]) if string else MixedString()

    parse_string.__wrapped__ = original
    _set(CiteProcJSON, "parse_string", parse_string)

    # Reference and Name checked their keys against sets rebuilt for every object; the same
    # check against sets built once (anything unusual still goes through the original, which
    # also keeps its warning attributed to citeproc)
    from citeproc import VARIABLES
    from citeproc.source import Name, Reference

    reference_keys = frozenset({"uri", "container_uri", "contributor", "date"} | set(VARIABLES))
    original_reference = Reference.__init__

    def reference_init(self, key, type, **args):
        if not args.keys() <= reference_keys:
            return original_reference(self, key, type, **args)
        dict.__setitem__(self, "key", key)
        dict.__setitem__(self, "type", type)
        dict.update(self, args)

    reference_init.__wrapped__ = original_reference
    _set(Reference, "__init__", reference_init)

    name_keys = frozenset({"family", "given", "dropping-particle", "non-dropping-particle", "suffix"})
    original_name = Name.__init__

    def name_init(self, **args):
        if "literal" in args or not args.keys() <= name_keys:
            return original_name(self, **args)
        dict.update(self, args)

    name_init.__wrapped__ = original_name
    _set(Name, "__init__", name_init)
    _set_module(fixes, "map_items", functools.partial(parallel.format_all, what="year suffixes"))


def _patch_conditions() -> None:
    from citeproc import model

    original_render = model.If.render
    handled = frozenset({"type", "variable", "match"})

    def plan_of(element):
        plan = element.__dict__.get("_eb_if")
        if plan is None:
            attrib = element.attrib
            if set(attrib.keys()) - handled:
                plan = False
            else:
                types = [t.lower() for t in element.get("type").split()] if "type" in attrib else None
                variables = [v.replace("-", "_") for v in element.get("variable").split()] \
                    if "variable" in attrib else None
                plan = (types, variables, element.get("match"))
            element.__dict__["_eb_if"] = plan
        return plan

    def holds(plan, item) -> bool:
        types, variables, match = plan
        results = []
        if types is not None:
            kind = item.reference.type
            results += [typ == kind for typ in types]
        if variables is not None:
            reference = item.reference
            results += [("locator" in item) if variable == "locator" else (variable in reference)
                        for variable in variables]
        if match == "any":
            return any(results)
        if match == "none":
            return not any(results)
        return all(results)

    def render(self, item, context=None, delimiter="", **kwargs):
        plan = plan_of(self)
        if plan is False:
            return original_render(self, item, context=context, delimiter=delimiter, **kwargs)
        if not holds(plan, item):
            raise model.ConditionFailed
        return self.render_children(item, context=context, delimiter=delimiter, **kwargs)

    render.__wrapped__ = original_render
    _set(model.If, "render", render)

    # cs:choose tried each branch and caught ConditionFailed from the ones that do not apply;
    # a branch whose test is prepared above is now tested without raising (same order, same
    # first match), the others still go through their own render
    original_choose = model.Choose.render

    def branches(element) -> tuple:
        memo = element.__dict__.get("_eb_branches")
        if memo is None:
            memo = []
            for child in element.getchildren():
                if isinstance(child, model.If) and type(child).render is render and plan_of(child) is not False:
                    memo.append((child, plan_of(child)))
                elif type(child) is model.Else:
                    memo.append((child, True))
                else:
                    memo.append((child, None))
            memo = element.__dict__["_eb_branches"] = tuple(memo)
        return memo

    def choose_render(self, item, context=None, delimiter="", **kwargs):
        for child, plan in branches(self):
            if plan is None:
                try:
                    return child.render(item, context=context, delimiter=delimiter, **kwargs)
                except model.ConditionFailed:
                    continue
            if plan is True or holds(plan, item):
                try:
                    return child.render_children(item, context=context, delimiter=delimiter, **kwargs)
                except model.ConditionFailed:
                    continue  # as the original's try around the whole branch would
        return None

    choose_render.__wrapped__ = original_choose
    _set(model.Choose, "render", choose_render)

    original_process = model.Text.process

    def process(self, item, context=None, **kwargs):
        if context is None:
            context = self
        language = dict.get(item.reference, "language", _MISSING)
        if language is _MISSING:
            language = self.get_root().get("default-locale", "en")[:2]
        else:
            language = language[:2]
        attrib = self.attrib
        if "variable" in attrib:
            text = self._variable(item, context)
        elif "macro" in attrib:
            text = self.get_macro(self.get("macro")).render(item, context)
        elif "term" in attrib:
            text = self._term(item)
        elif "value" in attrib:
            text = model.String(self.preformat(self.get("value")))
        else:
            return original_process(self, item, context, **kwargs)
        return text, language

    process.__wrapped__ = original_process
    _set(model.Text, "process", process)


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
        _patch_formatting()
        _patch_seam()
        _patch_conditions()
        _patch_sources()
        _patch_tree_walk()
        _patch_lookups()
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
