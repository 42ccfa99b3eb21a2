"""Our element classes: subclasses of citeproc-py's, compiled once, evaluated with explicit state.

citeproc-py parses a CSL style into lxml elements of its own classes (`citeproc.model.Text`,
`Names`, `Group` …). Our classes subclass those concrete classes (never
`citeproc.model.CitationStylesElement` itself: citeproc-py builds its element lookup from that
class's direct subclasses, so one of ours there would leak into every citeproc-py user's
styles), and render/stylesheet.py installs them through our own
`etree.ElementNamespaceClassLookup`, only for the styles our engine parses.

Each class adds two methods and never overrides citeproc-py's:

- `compile(c)`: read the element's attributes once into plain attributes (all named `c_…`, so
  none can shadow a citeproc-py method or a child-element look-up), resolve its children and
  the macros it calls. After compiling, evaluation never reads XML or runs XPath.
- `evaluate(ctx)`: its output tree (render/output.py) for the item in `ctx`
  (render/context.py), or None when it prints nothing. A `cs:choose` is transparent to its
  parent's delimiter (CSL 1.0.2 §"Choose"), so it has `evaluate_branch(ctx)`, which gives the
  outputs of the branch taken.

Behaviour that is an area's (names, dates, pages, labels, text case, group suppression …) is
called through `ctx.b` (render/overrides), so an area can change without touching this module.
citeproc-py's own methods still work on these elements (they are its subclasses); the upstream
side of an override uses exactly that.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator

from citeproc import model

from evidencebib.errors import StyleError
from evidencebib.render import richtext
from evidencebib.render.intake import style_aliases_apply, style_variable
from evidencebib.render.marks import (BASELINE, BOLD, ITALIC, NO_DECORATION, ROMAN, SMALLCAPS,
                                      SUB, SUP, UNBOLD, UNDERLINE, UNSMALLCAPS)
from evidencebib.render.output import blob, Lit, Span, map_text

if TYPE_CHECKING:
    from evidencebib.render.overrides.dates import PartSpec

CS = "{http://purl.org/net/xbiblio/csl}"
FORMATTING_ATTRIBUTES = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align",
                         "prefix", "suffix", "quotes", "strip-periods", "text-case", "display")

# the inheritable name options (CSL 1.0.2 §"Inheritable Name Options") and their defaults
NAME_OPTIONS = {
    "and": None, "delimiter-precedes-et-al": "contextual", "delimiter-precedes-last": "contextual",
    "et-al-min": None, "et-al-use-first": None, "et-al-subsequent-min": None,
    "et-al-subsequent-use-first": None, "et-al-use-last": "false", "initialize": "true",
    "initialize-with": None, "name-as-sort-order": None, "sort-separator": ", ",
    "form": "long", "delimiter": ", ",
}
# attributes of cs:style / cs:citation / cs:bibliography that name elements inherit, and the
# name-element attribute each becomes (`name-form` -> `form`, `name-delimiter` -> `delimiter`)
INHERITED_NAME_ATTRIBUTES = {key: key for key in NAME_OPTIONS if key not in ("form", "delimiter")}
INHERITED_NAME_ATTRIBUTES.update({"name-form": "form", "name-delimiter": "delimiter"})


def spend(ctx) -> None:
    """One element evaluated: bounded per entry (EngineOptions.max_elements)."""
    ctx.budget -= 1
    if ctx.budget < 0:
        ctx.exhausted()


def delimited(nodes: list[Any], delimiter: str) -> list[Any]:
    if not delimiter or len(nodes) < 2:
        return nodes
    out = [nodes[0]]
    for node in nodes[1:]:
        out.append(Lit(delimiter))
        out.append(node)
    return out


def evaluate_children(kids: tuple[Any, ...], ctx) -> list[Any]:
    """The outputs of an element's children, a cs:choose giving those of its branch."""
    out = []
    for kid in kids:
        if kid.c_is_choose:
            out.extend(kid.evaluate_branch(ctx))
        else:
            node = kid.evaluate(ctx)
            if node is not None:
                out.append(node)
    return out


def evaluate_children_paired(kids: tuple[Any, ...], ctx) -> list[tuple[Any, list[Any]]]:
    """(child, its outputs) for each child, for rules that ask which child printed."""
    pairs = []
    for kid in kids:
        if kid.c_is_choose:
            pairs.append((kid, kid.evaluate_branch(ctx)))
        else:
            node = kid.evaluate(ctx)
            pairs.append((kid, [node] if node is not None else []))
    return pairs


class Compiler:
    """What compiling a style's elements needs: its macros, options and name."""

    def __init__(self, root, name: str, locale: Any = None) -> None:
        self.root = root
        self.name = name
        self.locale = locale
        self.macros: dict[str, Any] = {}  # name (required by CSL) -> cs:macro, an untyped citeproc-py element
        for macro in root.findall(CS + "macro"):
            self.macros.setdefault(macro.get("name"), macro)
        self.citation = root.find(CS + "citation")
        self.bibliography = root.find(CS + "bibliography")
        self.year_suffix_variable = any(text.get("variable") == "year-suffix"
                                        for text in root.iter(CS + "text"))
        self.demote_particle = (root.get("demote-non-dropping-particle") or "display-and-sort").lower()
        self.initialize_with_hyphen = (root.get("initialize-with-hyphen") or "true").lower() == "true"
        self.page_range_format = root.get("page-range-format")
        # whether the style's `event` reads `event-title` (model/vocabulary.py STYLE_ALIASES:
        # Zotero's rule, not in a style that names `event-title` itself)
        self.aliased = style_aliases_apply(element.get("variable") for element in root.iter()
                                           if isinstance(element.tag, str) and element.get("variable"))

    def macro(self, name: str | None, element) -> Any:
        macro = self.macros.get(name) if name is not None else None  # (callers pass a name)
        if macro is None:
            raise StyleError(f"style {self.name}: macro '{name}' is not defined "
                             f"(line {element.sourceline})")
        return macro

    def inherited_name_options(self, mode: str) -> dict[str, Any]:
        """The name options of cs:style, overridden by those of cs:citation/cs:bibliography."""
        options = dict(NAME_OPTIONS)
        for element in (self.root, self.citation if mode == "citation" else self.bibliography):
            if element is None:
                continue
            for attribute, option in INHERITED_NAME_ATTRIBUTES.items():
                value = element.get(attribute)
                if value is not None:
                    options[option] = value
        return options

    def names_delimiter(self, mode: str) -> str | None:
        value = None
        for element in (self.root, self.citation if mode == "citation" else self.bibliography):
            if element is not None and element.get("names-delimiter") is not None:
                value = element.get("names-delimiter")
        return value


def font_of(get) -> tuple:
    """The font pairs (innermost first) of an element's font-style, font-variant, font-weight,
    text-decoration and vertical-align attributes, read with `get`."""
    font: list = []
    style = get("font-style")
    if style in ("italic", "oblique"):
        font.append(ITALIC)
    elif style == "normal":
        font.append(ROMAN)  # upright only where the text around is italic (output.render)
    variant = get("font-variant")
    if variant == "small-caps":
        font.append(SMALLCAPS)
    elif variant == "normal":
        font.append(UNSMALLCAPS)
    weight = get("font-weight")
    if weight == "bold":
        font.append(BOLD)
    elif weight == "normal":
        font.append(UNBOLD)
    decoration = get("text-decoration")
    if decoration == "underline":
        font.append(UNDERLINE)
    elif decoration == "none":
        font.append(NO_DECORATION)
    align = get("vertical-align")
    if align == "sup":
        font.append(SUP)
    elif align == "sub":
        font.append(SUB)
    elif align == "baseline":
        font.append(BASELINE)
    return tuple(font)


class Formatting:
    """Formatting attributes (CSL 1.0.2 §"Formatting", §"Affixes", §"Display", §"Quotes",
    §"Strip-periods", §"Text-case"), read once."""

    if TYPE_CHECKING:  # what the lxml element it is mixed into (or `_LocalePart`) provides
        def get(self, key: str) -> str | None: ...

    def c_read_formatting(self) -> None:
        get = self.get
        font = list(font_of(get))
        self.c_font = tuple(font)
        self.c_prefix = get("prefix") or ""
        self.c_suffix = get("suffix") or ""
        quotes = (get("quotes") or "").lower()
        self.c_quotes = quotes == "true"
        self.c_quotes_set = quotes in ("true", "false")  # for quotes in the data (quotes.data-level)
        self.c_strip = (get("strip-periods") or "").lower() == "true"
        self.c_case = get("text-case")
        self.c_display = get("display")
        self.c_delimiter = get("delimiter") or ""
        self.c_plain = not (font or self.c_prefix or self.c_suffix or self.c_quotes or self.c_strip
                            or self.c_case or self.c_display)
        self.c_quotes_only_set = self.c_plain and self.c_quotes_set  # quotes="false" and nothing else
        self.c_plain = self.c_plain and not self.c_quotes_set
        self.c_is_choose = False

    def c_finish(self, node, ctx, tag: Any = None, link: str | None = None, case: bool = True):
        """`node` with this element's formatting: strip-periods and text-case (unless `case` is
        false) on its content, then font, quotes, affixes and display (in that order, inside out)."""
        if self.c_plain:
            if tag is None and link is None:
                return node
            return Span([node], tag=tag, link=link)
        if self.c_quotes_set:
            node = ctx.b.quotes_data_level(node, self.c_quotes)
            if self.c_quotes_only_set:
                return node if tag is None and link is None else Span([node], tag=tag, link=link)
        if self.c_strip:
            node = strip_periods(self, node, ctx)
        if case and self.c_case is not None:
            node = ctx.b.textcase_transform(self, node, ctx)
            if node is None:
                return None
        return Span([node], self.c_font, self.c_quotes, self.c_prefix, self.c_suffix, self.c_display, tag,
                    link)


def strip_periods(el, node, ctx):
    """CSL 1.0.2 §"Strip-periods": full stops removed from the element's text, its children's
    affixes included (as citeproc-py's StrippedPeriods.strip_periods does to its string)."""
    return map_text(node, lambda text: text.replace(".", ""))


class ParentMixin:
    if TYPE_CHECKING:  # what the lxml element it is mixed into provides (untyped citeproc-py children)
        def iterchildren(self) -> Iterator[Any]: ...

    def c_read_children(self, c: Compiler) -> None:
        # (isinstance, not hasattr: citeproc-py's elements answer every attribute look-up with
        # a child-element search, so hasattr is always true)
        self.c_kids = tuple(child for child in self.iterchildren() if isinstance(child, RENDERING))


# top level ------------------------------------------------------------------------------------

class StyleElement(model.Style):
    def compile(self, c: Compiler) -> None:
        self.c_class = self.get("class") or "in-text"


class LocaleElement(model.Locale):
    def compile(self, c: Compiler) -> None:
        pass


class TermElement(model.Term):
    def compile(self, c: Compiler) -> None:
        pass


class MacroElement(ParentMixin, model.Macro):
    def compile(self, c: Compiler) -> None:
        self.c_read_children(c)
        self.c_name = self.get("name")
        self.c_is_choose = False
        # a cs:date among its own descendants (citeproc-js flagDateMacros: macros it calls do
        # not count); in a sort key such a macro gives its dates only (sorting.date-macro)
        self.c_has_date = next(self.iter(CS + "date"), None) is not None
        # set once the style is compiled (overrides/speed.py absence_plan)
        self.c_absent: tuple[str, ...] | None = None


class CitationElement(model.Citation):
    def compile(self, c: Compiler) -> None:
        get = self.get
        self.c_layout = self.find(CS + "layout")
        self.c_sort = self.find(CS + "sort")
        self.c_options = {key: get(key) for key in (
            "disambiguate-add-names", "disambiguate-add-givenname", "givenname-disambiguation-rule",
            "disambiguate-add-year-suffix", "collapse", "cite-group-delimiter", "year-suffix-delimiter",
            "after-collapse-delimiter", "near-note-distance") if get(key) is not None}
        if self.c_layout is None:
            raise StyleError(f"style {c.name}: cs:citation has no cs:layout")


class BibliographyElement(model.Bibliography):
    def compile(self, c: Compiler) -> None:
        get = self.get
        self.c_layout = self.find(CS + "layout")
        self.c_sort = self.find(CS + "sort")
        self.c_second_field_align = get("second-field-align")
        self.c_subsequent_author_substitute = get("subsequent-author-substitute")
        self.c_subsequent_author_substitute_rule = get("subsequent-author-substitute-rule") or "complete-all"
        self.c_hanging_indent = (get("hanging-indent") or "").lower() == "true"
        if self.c_layout is None:
            raise StyleError(f"style {c.name}: cs:bibliography has no cs:layout")


class LayoutElement(Formatting, ParentMixin, model.Layout):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_read_children(c)
        parent = self.getparent()
        self.c_mode = "citation" if parent is not None and parent.tag == CS + "citation" else "bibliography"

    def evaluate(self, ctx):
        """One entry (bibliography) or one cite (citation), without the layout's own affixes
        in citation mode (they wrap the whole cluster)."""
        spend(ctx)
        return ctx.b.display_second_field_align(self, ctx)


class SortElement(model.Sort):
    def compile(self, c: Compiler) -> None:
        self.c_keys = tuple(key for key in self.findall(CS + "key"))


class KeyElement(model.Key):
    def compile(self, c: Compiler) -> None:
        get = self.get
        self.c_descending = (get("sort") or "ascending").lower() == "descending"
        self.c_variable = style_variable(get("variable"), c.aliased) if get("variable") else None
        self.c_macro = c.macro(get("macro"), self) if get("macro") else None
        overrides = {}
        for attribute, option in (("names-min", "et-al-min"), ("names-use-first", "et-al-use-first"),
                                  ("names-use-last", "et-al-use-last")):
            if get(attribute) is not None:
                overrides[option] = get(attribute)
        self.c_name_options = overrides


# rendering elements ---------------------------------------------------------------------------

_VARIABLE, _MACRO, _TERM, _VALUE, _NOTHING = range(5)


class TextElement(Formatting, model.Text):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        get = self.get
        self.c_form = get("form") or "long"
        variable = get("variable")
        if variable is not None:
            self.c_kind = _VARIABLE
            self.c_variable = style_variable(variable.strip(), c.aliased)
            self.c_short = self.c_variable + "-short" if self.c_form == "short" else None
        elif get("macro") is not None:
            self.c_kind = _MACRO
            self.c_macro = c.macro(get("macro"), self)
        elif get("term") is not None:
            self.c_kind = _TERM
            self.c_term = get("term")
            self.c_plural = (get("plural") or "").lower() == "true"
        elif get("value") is not None:
            self.c_kind = _VALUE
            self.c_value = get("value")
            # markup in a literal is formatting, as in item data (CSL 1.0.2 Appendix VI);
            # its quotes are read as the data's are (quotes.in-data)
            self.c_value_data = richtext.parse(self.c_value or "")
        else:
            self.c_kind = _NOTHING

    def evaluate(self, ctx):
        spend(ctx)
        kind = self.c_kind
        if ctx.sort_date_macro and kind is not _MACRO and ctx.b.sorting_date_macro(self, ctx):
            return None
        if kind is _VARIABLE:
            return ctx.b.labels_text_variable(self, ctx)
        if kind is _MACRO:
            node = evaluate_macro(self.c_macro, ctx)
            return None if node is None else ctx.b.textcase_macro_call(self, node, ctx)
        if kind is _TERM:
            text = ctx.locale.text(self.c_term, self.c_form, self.c_plural)
            if not text:
                return None
            node = ctx.b.quotes_in_data(text, ctx)
        elif kind is _VALUE:
            if not self.c_value:
                return None
            node = ctx.b.quotes_in_data(self.c_value_data, ctx)
        else:
            return None
        if node is None:
            return None
        # a term's tag: ("term", its name, a cs:names before it printed nothing, its text-case)
        tag = ("term", self.c_term, ctx.blank_names, self.c_case) if kind is _TERM else None
        return self.c_finish(node, ctx, tag)


def evaluate_suppressible(element, ctx) -> list[Any] | None:
    """The outputs of a cs:group's or cs:macro's children, or None when CSL 1.0.2 §"Group"
    suppresses it: it looked variables up (directly or through macros) and found none of them,
    or printed nothing. One that prints counts as a found variable for the groups around it
    ("if the cs:macro is non-empty, it is treated as a non-empty variable"; citeproc-js: a
    nested group holding only a value keeps its group). Looked-up and found variables are
    counted in `ctx.called` / `ctx.found` (render/overrides/groups.py says what counts)."""
    if ctx.b.speed_absent_groups(element, ctx):
        ctx.called += 1  # it would have looked variables up and found none
        return None
    called, found, blank_names = ctx.called, ctx.found, ctx.blank_names
    nodes = evaluate_children(element.c_kids, ctx)
    if not nodes or (ctx.called > called and ctx.found == found):
        ctx.blank_names = blank_names  # a suppressed group leaves no trace (citeproc-js restores it)
        return None
    ctx.called += 1
    ctx.found += 1
    return nodes


def evaluate_macro(macro, ctx):
    """A macro's output. Called from `cs:text macro=…`, a macro acts as a group (citeproc-js
    wraps every macro in one): suppressed as a group is (`evaluate_suppressible`)."""
    if ctx.sorting and macro.c_has_date:
        # citeproc-js CSL.expandMacro: "doing-macro-with-date" is set on entering such a macro
        # in a sort key and cleared (not restored) on leaving it
        ctx.sort_date_macro = True
        try:
            nodes = evaluate_suppressible(macro, ctx)
        finally:
            ctx.sort_date_macro = False
    else:
        nodes = evaluate_suppressible(macro, ctx)
    if nodes is None:
        return None
    return blob(nodes)


class NumberElement(Formatting, model.Number):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_variable = (self.get("variable") or "").strip()
        self.c_form = self.get("form") or "numeric"

    def evaluate(self, ctx):
        spend(ctx)
        if ctx.sort_date_macro and ctx.b.sorting_date_macro(self, ctx):
            return None
        return ctx.b.pages_number(self, ctx)


class LabelElement(Formatting, model.Label):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_variable = (self.get("variable") or "").strip()
        self.c_form = self.get("form") or "long"
        self.c_plural = self.get("plural") or "contextual"

    def evaluate(self, ctx):
        spend(ctx)
        if ctx.sort_date_macro and ctx.b.sorting_date_macro(self, ctx):
            return None
        return ctx.b.labels_label(self, ctx, self.c_variable, None)


class GroupElement(Formatting, ParentMixin, model.Group):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_read_children(c)
        # set once the style is compiled (overrides/speed.py absence_plan)
        self.c_absent: tuple[str, ...] | None = None

    def evaluate(self, ctx):
        spend(ctx)
        return ctx.b.groups_suppression(self, ctx)


class ChooseElement(model.Choose):
    def compile(self, c: Compiler) -> None:
        self.c_branches = tuple(child for child in self.iterchildren()
                                if isinstance(child, (IfElement, ElseElement)))
        self.c_is_choose = True

    def evaluate(self, ctx):  # only reached through a parent that is not a group or layout
        nodes = self.evaluate_branch(ctx)
        return Span(nodes) if nodes else None

    def evaluate_branch(self, ctx) -> list[Any]:
        spend(ctx)
        for branch in self.c_branches:
            if branch.c_holds(ctx):
                return evaluate_children(branch.c_kids, ctx)
        return []

    def branch(self, ctx):
        """The branch taken (for rules that need the element, not only its outputs)."""
        for branch in self.c_branches:
            if branch.c_holds(ctx):
                return branch
        return None


_NUMERIC_CHUNK = re.compile(r"^[^\W\d_]*\d+[^\W\d_]*$")
_NUMERIC_SPLIT = re.compile(r"\s*(?:[,&\-\u2013]|\band\b)\s*")


def is_numeric(value: Any) -> bool:
    """CSL 1.0.2 §"is-numeric": numbers, with prefixes or suffixes ("D2", "2b"), separated by
    commas, hyphens or ampersands ("2, 3", "2-4", "2 & 4"); "2nd" is numeric, "second" and
    "2nd edition" are not."""
    if isinstance(value, int):
        return True
    if not isinstance(value, str):
        from evidencebib.render.output import plain_text

        value = plain_text(value)
    text = value.strip()
    if not text:
        return False
    return all(_NUMERIC_CHUNK.match(chunk) for chunk in _NUMERIC_SPLIT.split(text))


class IfElement(ParentMixin, model.If):
    def compile(self, c: Compiler) -> None:
        self.c_read_children(c)
        self.c_is_choose = False
        get = self.get
        tests = []
        for kind in ("type", "variable", "is-numeric", "is-uncertain-date", "locator", "position",
                     "disambiguate"):
            value = get(kind)
            if value is None:
                continue
            for word in value.split():
                tests.append((kind, style_variable(word, c.aliased) if kind in ("variable", "is-numeric")
                              else word))
        self.c_tests = tuple(tests)
        self.c_match = (get("match") or "all").lower()

    def c_holds(self, ctx) -> bool:
        return ctx.b.positions_conditions(self, ctx)


class ElseIfElement(IfElement, model.Else_If):
    pass


class ElseElement(ParentMixin, model.Else):
    def compile(self, c: Compiler) -> None:
        self.c_read_children(c)
        self.c_is_choose = False

    def c_holds(self, ctx) -> bool:
        return True


# names and dates: compiled here, evaluated by their areas -----------------------------------

class NamesElement(Formatting, model.Names):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_variables = tuple((self.get("variable") or "").split())
        name = self.find(CS + "name")
        self.c_name = name
        self.c_et_al = self.find(CS + "et-al")
        self.c_label = self.find(CS + "label")
        self.c_substitute = self.find(CS + "substitute")
        children = [child for child in self.iterchildren() if child.tag in (CS + "name", CS + "label")]
        self.c_label_first = bool(children) and children[0].tag == CS + "label" and name is not None
        self.c_own_delimiter = self.get("delimiter")
        self.c_names_delimiter = {mode: c.names_delimiter(mode) for mode in ("citation", "bibliography")}
        # the options of the cs:name a cs:names without one uses (inherited only)
        self.c_default_options = {mode: c.inherited_name_options(mode)
                                  for mode in ("citation", "bibliography")}

    def evaluate(self, ctx):
        spend(ctx)
        if ctx.sort_date_macro and ctx.b.sorting_date_macro(self, ctx):
            return None
        node = ctx.b.names_names(self, ctx)
        if node is None and not ctx.in_substitute:
            ctx.blank_names = True  # (see positions.initial-term)
        return node


class NameElement(Formatting, model.Name):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        own = {key: self.get(key) for key in NAME_OPTIONS if self.get(key) is not None}
        self.c_own_options = own
        self.c_options = {}
        for mode in ("citation", "bibliography"):
            options = c.inherited_name_options(mode)
            options.update(own)
            self.c_options[mode] = options
        self.c_parts = {part.get("name"): part for part in self.findall(CS + "name-part")}
        self.c_demote = c.demote_particle
        self.c_hyphen = c.initialize_with_hyphen


class NamePartElement(Formatting, model.Name_Part):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_part = self.get("name")


class EtAlElement(Formatting, model.Et_Al):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_term = self.get("term") or "et-al"


class SubstituteElement(ParentMixin, model.Substitute):
    def compile(self, c: Compiler) -> None:
        self.c_read_children(c)
        self.c_is_choose = False


class DateElement(Formatting, ParentMixin, model.Date):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        get = self.get
        self.c_variable = (get("variable") or "").strip()
        self.c_form = get("form")
        self.c_date_parts = get("date-parts") or "year-month-day"
        self.c_parts = tuple(part for part in self.findall(CS + "date-part"))
        self.c_year_suffix_implicit = not c.year_suffix_variable
        # (date-part specs, delimiter) of a localized date: set by `c_localize`
        self.c_localized: tuple[list[PartSpec], str] | None = None

    def c_localize(self, c: Compiler) -> None:
        """A localized date's parts, from the style's locale with this element's overrides
        (after every element is compiled: the overriding date-parts must be)."""
        if self.c_form in ("text", "numeric") and c.locale is not None:
            from evidencebib.render.overrides.dates import localized_specs

            self.c_localized = localized_specs(self, c.locale)

    def evaluate(self, ctx):
        spend(ctx)
        return ctx.b.dates_date(self, ctx)


class DatePartElement(Formatting, model.Date_Part):
    def compile(self, c: Compiler) -> None:
        self.c_read_formatting()
        self.c_part = self.get("name")
        self.c_form = self.get("form")
        self.c_range_delimiter = self.get("range-delimiter")


# the elements that render (children of layouts, groups, macros, branches and substitutes)
RENDERING = (TextElement, NumberElement, LabelElement, GroupElement, ChooseElement, NamesElement, DateElement)

ELEMENT_CLASSES = {
    "style": StyleElement, "locale": LocaleElement, "term": TermElement, "macro": MacroElement,
    "citation": CitationElement, "bibliography": BibliographyElement, "layout": LayoutElement,
    "sort": SortElement, "key": KeyElement, "text": TextElement, "number": NumberElement,
    "label": LabelElement, "group": GroupElement, "choose": ChooseElement, "if": IfElement,
    "else-if": ElseIfElement, "else": ElseElement, "names": NamesElement, "name": NameElement,
    "name-part": NamePartElement, "et-al": EtAlElement, "substitute": SubstituteElement,
    "date": DateElement, "date-part": DatePartElement,
}
