"""Names: `cs:names`, `cs:name`, `cs:name-part`, `cs:et-al`, `cs:substitute`.

CSL 1.0.2 §"Names", §"Name" (and, delimiters, et-al abbreviation, initialization, name order,
sort-separator), §"Name-part Order", §"Name-part Formatting", §"Et-al", §"Substitute",
§"Label in cs:names", §"Inheritable Name Options", §"Name Particles"; as jgm/citeproc and
citeproc-js print them (each cs:name's formatting and affixes wrap each name).

Our additions, each an override: names truncated at the source (`_et_al`, a trailing BibTeX
"others") end with the style's et-al term right after the listed names; names in Chinese,
Japanese or Korean script print family then given name with no space; `initialize="false"`
keeps full given names.
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model

from evidencebib.render import richtext
from evidencebib.render.elements import delimited, evaluate_children, font_of, NAME_OPTIONS, NamesElement
from evidencebib.render.output import Lit, Node, Span
from evidencebib.render.overrides import override, upstream
from evidencebib.render.overrides import adapter as up

ELLIPSIS = "\u2026"
_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# the names element ----------------------------------------------------------------------------

@override("names.names", replaces="citeproc.model.Names.process",
          rule="CSL 1.0.2 §Names (several variables, names-delimiter, editor+translator as "
               "editortranslator, label placement), §Substitute (first non-empty substitute, inheriting "
               "the cs:name/cs:et-al/cs:label of the original; the variables it printed suppressed for "
               "the rest of the entry; a term ends it, even an empty one, as in citeproc-js), "
               "§Name (form=\"count\"; et-al-use-first=\"0\" shows no name); "
               "a default cs:name without touching the tree",
          fingerprint="f59024eb4814ae454186bbdd93b1e14eff869a6efc78cc48a1ad35e02de5fb0f",
          tests=("tests/render/test_engine_text.py::test_substituted_editor_is_not_printed_twice",))
def names(el, ctx):
    name_el, et_al_el, label_el, label_first = el.c_name, el.c_et_al, el.c_label, el.c_label_first
    outer = ctx.substitute_names
    if outer is not None:
        if name_el is None:
            name_el = outer.c_name
            label_first = outer.c_label_first
        if et_al_el is None:
            et_al_el = outer.c_et_al
        if label_el is None:
            label_el = outer.c_label
    found = []
    for variable in el.c_variables:
        ctx.called += 1
        if variable in ctx.suppressed:
            continue
        values = ctx.item.names.get(variable)
        if values:
            ctx.found += 1
            found.append((variable, ctx.b.names_parse(values)))
    if not found:
        if el.c_substitute is not None and ctx.b.names_nested_substitute(ctx.in_substitute):
            return _substitute(el, ctx)
        return None
    if ctx.in_substitute:
        ctx.suppressed.update(variable for variable, _ in found)
    if len(found) == 2 and {found[0][0], found[1][0]} == {"editor", "translator"}:
        editors, translators = dict(found)["editor"], dict(found)["translator"]
        form = label_el.c_form if label_el is not None else "long"
        if [n.key for n in editors] == [n.key for n in translators] \
                and ctx.locale.term("editortranslator", form):
            found = [("editortranslator", editors)]
    options = _options(name_el, el, ctx)
    if options["form"] == "count":
        total = sum(_shown_count(variable, values, options, ctx) for variable, values in found)
        return el.c_finish(Lit(str(total)), ctx) if total else None
    outputs = []
    for variable, values in found:
        node = _name_list(name_el, et_al_el, None if ctx.sorting else label_el, label_first, variable, values,
                          options, ctx)
        if node is not None:
            outputs.append(node)
    if not outputs:
        return None
    delimiter = el.c_own_delimiter
    if delimiter is None:
        delimiter = el.c_names_delimiter.get(ctx.mode) or ""
    node = outputs[0] if len(outputs) == 1 else Span(delimited(outputs, delimiter))
    return el.c_finish(node, ctx, ("names", tuple(variable for variable, _ in found)))


def _substitute(el, ctx):
    saved = ctx.in_substitute, ctx.substitute_names
    ctx.in_substitute = True
    ctx.substitute_names = el
    result = None
    role = "other"
    try:
        for kid in el.c_substitute.c_kids:
            outputs = kid.evaluate_branch(ctx) if kid.c_is_choose else [kid.evaluate(ctx)]
            outputs = [node for node in outputs if node is not None]
            if outputs:
                result = outputs[0] if len(outputs) == 1 else Span(outputs)
                if isinstance(kid, NamesElement):
                    role = "names"
                break
            if _is_term(kid):
                break  # citeproc-js: a term ends the substitution, even an empty one
    finally:
        ctx.in_substitute, ctx.substitute_names = saved
    if result is None:
        return None
    return ctx.b.names_substitute_formatting(el, result, ctx, ("names", ("substitute",)), role)


@override("names.substitute-formatting", replaces="citeproc.model.Names.process",
          rule="citeproc-js (NameOutput.outputNames, src/util_names_output.js, appends the names it printed "
               "with the cs:names token; cs:substitute, src/node_substitute.js, runs as a conditional "
               "outside it): a text, group, macro or term substituted prints without the original "
               "cs:names' formatting and affixes; a cs:names substituted keeps them. CSL 1.0.2 "
               "§Substitute is silent on formatting",
          fingerprint="f59024eb4814ae454186bbdd93b1e14eff869a6efc78cc48a1ad35e02de5fb0f",
          tests=("tests/render/test_html_conventions.py::"
                 "test_a_title_substituted_for_the_author_prints_without_the_names_formatting",))
def substitute_formatting(el, node, ctx, tag, role: str):
    """`role`: "names" (the output of a cs:names child of cs:substitute) or "other"."""
    if role == "names":
        return el.c_finish(node, ctx, tag)
    return Span([node], tag=tag)


@upstream("names.substitute-formatting")
def substitute_formatting_upstream(el, node, ctx, tag, role: str):
    return el.c_finish(node, ctx, tag)


@override("names.nested-substitute", replaces="citeproc.model.Names.substitute",
          rule="citeproc-js src/node_names.js, src/node_substitute.js: a cs:names reached inside a "
               "cs:substitute (through a macro) that prints nothing runs its own cs:substitute "
               "(university-of-south-australia-harvard-2013's noauthor_editor: author, else editor); CSL "
               "1.0.2 §Substitute sets no limit on depth",
          fingerprint="38c1301615ed61707b9f4aaaf72aec6684a031d20892d2662f5f6b6a50cc2044",
          tests=("tests/render/test_render_names.py::test_a_substitute_inside_a_substitute_runs",))
def nested_substitute(in_substitute: bool) -> bool:
    """Whether an empty cs:names runs its cs:substitute (`in_substitute`: inside another's)."""
    return True


@upstream("names.nested-substitute")
def nested_substitute_upstream(in_substitute: bool) -> bool:
    """As this engine did before: only the outermost cs:substitute runs."""
    return not in_substitute


def _is_term(element) -> bool:
    from evidencebib.render import elements

    return type(element) is elements.TextElement and element.c_kind == elements._TERM


@upstream("names.names")
def names_upstream(el, ctx):
    """citeproc-py's Names.process on our element (it inserts a default cs:name into the style
    tree when the cs:names has none, and represses only same-tag variables)."""
    from citeproc.source import VariableError

    ctx.called += 1
    item = up.item(ctx)
    layout = up.layout(ctx)
    try:
        text = model.Names.process(el, item, context=layout)
    except (VariableError, KeyError, AttributeError, TypeError, ValueError, IndexError):
        return None
    if text is None or not str(text):
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(text)), ctx)


def _options(name_el, names_el, ctx) -> dict[str, Any]:
    if name_el is not None:
        options = name_el.c_options[ctx.mode]
    else:
        options = names_el.c_default_options[ctx.mode]
    if ctx.sorting:
        options = ctx.b.sorting_name_options(options, ctx)
    return options


def _limits(options: dict[str, Any], ctx) -> tuple[int, int | None, bool]:
    """(et-al-min, et-al-use-first or None when the style sets none, et-al-use-last) for this
    cite."""
    minimum = options.get("et-al-min")
    first = options.get("et-al-use-first")
    if ctx.mode == "citation" and "subsequent" in ctx.cite.positions:
        minimum = options.get("et-al-subsequent-min") or minimum
        first = options.get("et-al-subsequent-use-first") or first
    use_last = str(options.get("et-al-use-last") or "false").lower() == "true"
    return _int(minimum), (None if first in (None, "") else _int(first)), use_last


def _truncation(variable: str, values, options, ctx) -> tuple[int | None, bool]:
    """(how many names to show, or None for all; whether the list ends with the last name).
    et-al-use-first="0" shows none: the cs:names prints nothing (citeproc-js)."""
    minimum, first, use_last = _limits(options, ctx)
    count = len(values)
    if variable in ctx.item.truncated or (variable == "editortranslator" and "editor" in ctx.item.truncated):
        minimum, first, use_last, count = ctx.b.names_et_al_from_source(count, minimum, first or 0, use_last)
    shown = None
    if minimum and count >= minimum and first is not None and first < count:
        shown = first
    disamb = ctx.disamb.et_al_names
    citation = ctx.style.citation
    if ctx.mode != "citation" and not (citation is not None
                                       and ctx.b.names_bibliography_added_names(citation.c_options)):
        disamb = None
    if ctx.mode == "citation" and not ctx.sorting and "subsequent" not in ctx.cite.positions:
        base = ctx.b.names_position_base_names(options, count)
        if base:
            disamb = max(disamb or 0, base)
    if shown is not None and disamb:
        shown = ctx.b.names_source_et_al_survives_added_names(
            shown, disamb, len(values), variable in ctx.item.truncated
            or (variable == "editortranslator" and "editor" in ctx.item.truncated))
    if shown is not None and use_last and shown > minimum - 2 >= 1 and ctx.b.names_use_last_clamp():
        shown = minimum - 2
    if shown is not None and use_last and shown <= minimum - 2 and shown < len(values) - 1:
        return shown, True
    return shown, False


def _shown_count(variable: str, values, options, ctx) -> int:
    shown, use_last = _truncation(variable, values, options, ctx)
    if shown is None:
        return len(values)
    return shown + (1 if use_last else 0)


@override("names.short-sort-particle", replaces="citeproc.model.Name.process",
          rule="citeproc-js src/util_names_render.js _renderOnePersonalName (sort_key_flag): a name in a "
               "sort key "
               "is family, then the particles, unless demote-non-dropping-particle is \"never\", whatever "
               "the cs:name's form: a short name (author-short sort macros) sorts \"van Doorn\" under D "
               "as the long one does (CSL 1.0.2 §Name Particles: demoting is for sorting)",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_names.py::test_a_short_name_in_a_sort_key_sorts_by_its_family_not_its_particle",))
def short_sort_particle(demote: str) -> bool:
    """Whether a short name's non-dropping particle goes after the family in sort keys."""
    return demote != "never"


@upstream("names.short-sort-particle")
def short_sort_particle_upstream(demote: str) -> bool:
    return False


@override("names.short-inverted-particle", replaces="citeproc.model.Name.process",
          rule="citeproc-js src/util_names_render.js _renderOnePersonalName: a short name under "
               "name-as-sort-order goes through the inverted branch, so with demote-non-dropping-particle "
               "\"display-and-sort\" (the default) or \"always\" its particle follows the family "
               "after the sort-separator (neue-juristische-wochenschrift \"Doorn, van\", the German order). "
               "CSL 1.0.2 §Name reads form=\"short\" as particle and family; we follow citeproc-js: the "
               "style asks for inverted names and Zotero prints them so",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_names.py::"
                 "test_a_short_name_in_sort_order_puts_a_demoted_particle_after_the_family",))
def short_inverted_particle(demote: str) -> bool:
    """Whether an inverted short name prints its non-dropping particle after the family."""
    return demote in ("display-and-sort", "always")


@upstream("names.short-inverted-particle")
def short_inverted_particle_upstream(demote: str) -> bool:
    return False


@override("names.use-last-clamp", replaces="citeproc.model.Name.render",
          rule="citeproc-js src/util_names_constraints.js _imposeNameConstraints: with et-al-use-last, "
               "at most et-al-min minus 2 names come before the ellipsis and the last name, whatever "
               "et-al-use-first says (et-al-min=\"7\" et-al-use-first=\"6\": five names, \"…\", the last; "
               "harvard-north-west-university); CSL 1.0.2 §Name only asks for two names more than shown",
          fingerprint="9bbf192bebe1d5ba767bb48728ad6835fcf435dffae2ca81b0fc97be3259d38d",
          tests=("tests/render/test_render_names.py::"
                 "test_et_al_use_last_shows_at_most_et_al_min_minus_two_names_before_the_ellipsis",))
def use_last_clamp() -> bool:
    return True


@upstream("names.use-last-clamp")
def use_last_clamp_upstream() -> bool:
    return False


@override("names.position-base-names", replaces="citeproc.model.Name.render",
          rule="citeproc-js src/util_names_constraints.js _imposeNameConstraints with src/api_cite.js: in a "
               "style whose et-al-subsequent-min or -use-first differs from et-al-min/-use-first, an item's "
               "base name count is taken from its cite rendered as subsequent, where a list shorter than "
               "et-al-subsequent-min keeps up to et-al-min names; a first cite shows that many when it is "
               "more than et-al-use-first (traces, centaurus: et-al-min 4, subsequent-min 6: \"Empson, "
               "Lassere, Craig et Scott\"). Zotero prints first cites so; CSL 1.0.2 would print \"Empson "
               "et al.\"",
          fingerprint="9bbf192bebe1d5ba767bb48728ad6835fcf435dffae2ca81b0fc97be3259d38d",
          tests=("tests/render/test_render_names.py::"
                 "test_a_first_cite_shows_the_names_its_subsequent_form_keeps_below_et_al_subsequent_min",))
def position_base_names(options: dict[str, Any], count: int) -> int | None:
    """The names a first cite of `count` names shows at least, or None."""
    minimum, first = _int(options.get("et-al-min")), _int(options.get("et-al-use-first"))
    later_min = _int(options.get("et-al-subsequent-min")) or minimum
    later_first = _int(options.get("et-al-subsequent-use-first")) or first
    if not minimum or (later_min, later_first) == (minimum, first):
        return None
    return later_first if count >= later_min else min(count, minimum)


@upstream("names.position-base-names")
def position_base_names_upstream(options: dict[str, Any], count: int) -> int | None:
    return None


@override("names.bibliography-added-names", replaces="citeproc.model.Name.process",
          rule="citeproc-js src/api_cite.js citeStart with src/util_names_constraints.js "
               "_imposeNameConstraints: when "
               "the cs:citation sets both disambiguate-add-names and disambiguate-add-givenname, a "
               "bibliography entry shows the names its cites show beyond the entry's et-al-use-first "
               "(citeStart hands the item's disambiguation to the entry only on the add-givenname path); "
               "CSL 1.0.2 §Disambiguation speaks of cites only, but Zotero prints these entries so, and "
               "the entry then reads as the cite does",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_engine_disambiguation.py::"
                 "test_names_added_to_tell_cites_apart_show_in_the_bibliography_with_add_givenname",))
def bibliography_added_names(citation_options: dict[str, Any]) -> bool:
    """Whether bibliography entries show the names added to their cites."""
    return all((citation_options.get(option) or "").lower() == "true"
               for option in ("disambiguate-add-names", "disambiguate-add-givenname"))


@upstream("names.bibliography-added-names")
def bibliography_added_names_upstream(citation_options: dict[str, Any]) -> bool:
    return False


# the name list --------------------------------------------------------------------------------

def _name_list(name_el, et_al_el, label_el, label_first: bool, variable: str, values, options, ctx):
    shown, use_last = _truncation(variable, values, options, ctx)
    listed = values if shown is None else values[:shown]
    delimiter = options.get("delimiter") or ", "
    sort_order = options.get("name-as-sort-order")
    rendered = []
    for index, name in enumerate(listed):
        node = _display(name_el, name, index, options, ctx)
        if node is not None:
            rendered.append(node)
    if use_last:
        last = _display(name_el, values[-1], len(values) - 1, options, ctx)
    if not rendered:
        return None
    count = len(rendered)

    def inverted(index: int) -> bool:
        name = listed[index] if index < len(listed) else None
        return (name is not None and name.literal is None and name.family is not None
                and (sort_order == "all" or (sort_order == "first" and index == 0)))

    parts: list[Any] = [rendered[0]]
    et_al_joined = False
    if shown is not None:
        for node in rendered[1:]:
            ctx.b.names_delimiter_after_name(parts, delimiter)
            parts.append(node)
        if use_last:
            parts.extend([Lit(delimiter if count > 1 else " "), Lit(ELLIPSIS + " "), last])
        elif not options.get("c_no_et_al"):
            et_al_joined = True
            et_al = _et_al(et_al_el, ctx)
            if et_al is not None:
                precedes = options.get("delimiter-precedes-et-al") or "contextual"
                if precedes == "always" or (precedes == "contextual" and count >= 2) or \
                        (precedes == "after-inverted-name" and inverted(count - 1)):
                    parts.extend([Lit(delimiter), et_al])
                elif _romanesque(_plain(et_al)):
                    parts.extend([Lit(" "), et_al])
                else:
                    parts.append(et_al)  # "Zither等" (citeproc-js: no space before a CJK term)
    else:
        and_term = _and_term(options, ctx)
        for index, node in enumerate(rendered[1:], start=1):
            if index == count - 1 and and_term:
                institution = listed[index].literal is not None
                prefix, suffix = _before_last(options, ctx, and_term, delimiter, count, inverted(index - 1),
                                              institution)
                parts.extend([Lit(prefix + and_term + suffix), node])
            else:
                ctx.b.names_delimiter_after_name(parts, delimiter)
                parts.append(node)
    node = Span(parts, tag=("name-list", variable, tuple(name.key for name in listed)))
    if et_al_joined:
        node = ctx.b.names_et_al_list_formatting(name_el, node)
    if label_el is not None:
        label = ctx.b.labels_label(label_el, ctx, variable, len(values))
        if label is not None:
            node = Span([label, node] if label_first else [node, label])
    return node


@override("names.delimiter-after-name", replaces="citeproc.model.Name.process",
          rule="citeproc-js (NameOutput._join, src/util_names_join.js): the delimiter between two names is "
               "added to the first name's suffix (strings.suffix += delimiter), one string, so no seam rule "
               "runs between a cs:name suffix and the delimiter: suffix=\",\" and delimiter=\", \" print "
               "\"Yamada, H.,, Deguchi\"; the delimiter before the \"and\" term or et-al is its own blob",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_html_conventions.py::"
                 "test_the_delimiter_between_names_joins_the_name_suffix_without_a_seam_rule",))
def delimiter_after_name(parts: list, delimiter: str) -> None:
    last = parts[-1] if parts else None
    if type(last) is Span and last.suffix:
        parts[-1] = Span(last.kids, last.font, last.quotes, last.prefix, last.suffix + delimiter,
                         last.display, last.tag, last.link)
    else:
        parts.append(Lit(delimiter))


@upstream("names.delimiter-after-name")
def delimiter_after_name_upstream(parts: list, delimiter: str) -> None:
    parts.append(Lit(delimiter))


@override("names.et-al-list-formatting", replaces="citeproc.model.Names.process",
          rule="citeproc-js (NameOutput._joinEtAl, src/util_names_join.js): a name list cut short by "
               "et-al is joined inside a level opened with the cs:name token, so the cs:name's formatting "
               "and affixes wrap the listed names and the et-al term once more (each name keeps its own); "
               "a list not cut short (or ended with et-al-use-last's ellipsis) is not wrapped. CSL 1.0.2 "
               "leaves it open",
          fingerprint="f59024eb4814ae454186bbdd93b1e14eff869a6efc78cc48a1ad35e02de5fb0f",
          tests=("tests/render/test_render_names.py::"
                 "test_a_list_cut_by_et_al_is_wrapped_in_the_name_formatting_and_affixes",
                 "tests/render/test_html_conventions.py::"
                 "test_the_name_formatting_wraps_a_list_cut_short_by_et_al_and_each_name",
                 "tests/render/test_html_conventions.py::"
                 "test_et_al_with_normal_font_variant_prints_its_span_inside_small_caps_names"))
def et_al_list_formatting(name_el, node):
    if name_el is None or name_el.c_plain:
        return node
    # one blob holding the names and the et-al term as its children, as _joinEtAl's level
    return Span(node.kids, name_el.c_font, name_el.c_quotes, name_el.c_prefix, name_el.c_suffix, None,
                node.tag)


@upstream("names.et-al-list-formatting")
def et_al_list_formatting_upstream(name_el, node):
    return node  # citeproc-py formats each name only


# citeproc-js's STARTSWITH_ROMANESQUE_REGEXP (src/load.js): a term starting with one of these
# letters is a word of its own, spaced from the names; any other ("ו" in Hebrew, "と", "等") is
# written against them. The Hebrew range leaves out vav (U+05D5), the prefix "and".
_ROMANESQUE_START = re.compile("^[&a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f"
                               "\u0590-\u05d4\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d"
                               "\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]")


def _romanesque(term: str) -> bool:
    return _ROMANESQUE_START.match(term) is not None


def _plain(node) -> str:
    from evidencebib.render.output import plain_text

    return plain_text(node)


def _before_last(options, ctx, and_term: str, delimiter: str, count: int, after_inverted: bool,
                 institution: bool) -> tuple[str, str]:
    """(what comes before the "and" term, what after it) joining the last name (CSL 1.0.2
    §Name delimiter-precedes-last), as citeproc-js builds them (node_name.js and, for a last
    name that is an organisation, node_institution.js):

    - a term in a Latin, Greek, Cyrillic, Hebrew or Arabic script is spaced (" and "), any other
      is written against the names;
    - "contextual": the delimiter before it with three names or more; "always": with two as
      well; "never": never; "after-inverted-name": with two names, or after an inverted name;
    - before an organisation the cs:name's own delimiter-precedes-last does not count (only the
      one cs:style, cs:citation or cs:bibliography set), except "after-inverted-name" after an
      inverted name."""
    spaced = _romanesque(and_term)
    single, multiple, after = (" ", delimiter, " ") if spaced else ("", "", "")
    precedes = options.get("delimiter-precedes-last") or "contextual"
    if institution:
        inherited = ctx.style.compiler.inherited_name_options(ctx.mode).get("delimiter-precedes-last")
        rule = inherited if inherited in ("always", "never") else "contextual"
    else:
        rule = precedes
    if rule == "always":
        single = delimiter
    elif rule == "never":
        multiple = " " if multiple else multiple
    elif rule == "after-inverted-name":
        single = delimiter if single else single
        multiple = " " if multiple else multiple
    prefix = single if count == 2 else multiple
    if precedes == "after-inverted-name" and after_inverted:
        prefix = delimiter
    return prefix, after


def _and_term(options, ctx) -> str | None:
    kind = options.get("and")
    if not kind:
        return None
    if kind == "symbol":
        return ctx.locale.text("and", "symbol") or "&"
    return ctx.locale.text("and") or None


def _et_al(et_al_el, ctx):
    term = et_al_el.c_term if et_al_el is not None else "et-al"
    text = ctx.locale.text(term)
    if not text:
        return None
    node = Lit(text)
    return et_al_el.c_finish(node, ctx) if et_al_el is not None else node


# one name -------------------------------------------------------------------------------------

@override("names.parse", replaces="citeproc.source.json.CiteProcJSON.parse_names",
          rule="CSL 1.0.2 §Name Particles, as citeproc-js reads CSL-JSON names (CSL.parseParticles): "
               "particles in the family field (\"van der Berg\", \"al-One\", \"d'Aubignac\") are the "
               "non-dropping particle, trailing lower-case given names the dropping particle, \"John, III\" "
               "and \"John,! Jr.\" a suffix; a family in double quotes or parse-names=false is kept whole",
          fingerprint="80401d3904924ccfa76c64c04980f86e530c8f87a109ee8b7ec9898b9c166855",
          tests=("tests/render/test_render_names.py::test_particle_in_the_family_field_is_demoted_like_an_explicit_one",
                 "tests/render/test_render_names.py::test_suffix_after_a_comma_in_the_given_name"))
def parse(values):
    """The names as printed: `NameValue` already holds the parsed parts (render/intake.py)."""
    return values


@upstream("names.parse")
def parse_upstream(values):
    """citeproc-py reads each name's parts as given."""
    return tuple(value.as_given for value in values)


def is_cjk_name(given: str | None, family: str | None) -> bool:
    return bool(_CJK.search((family or "") + (given or "")))


@override("names.cjk", replaces="citeproc.model.Name.process",
          rule="CSL 1.0.2 §Name-part Order (names in non-Latin scripts without spaces: family name then "
               "given name, never initialized or inverted), as citeproc-js prints Chinese, Japanese and "
               "Korean names",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_fixes_agreement.py::test_cjk_names_are_family_then_given_without_space_or_initials",))
def cjk(name) -> bool:
    return is_cjk_name(name.given, name.family)


@upstream("names.cjk")
def cjk_upstream(name) -> bool:
    return False


_NBSP_LANGUAGES = ("fr", "ru", "cs")


@override("names.particle-nbsp", replaces="citeproc.model.Name.process",
          rule="citeproc-js src/util_names_render.js _renderOnePersonalName (CSL 1.0.2 §Name Particles "
               "leaves the "
               "spacing open): with a style in French, Russian or Czech (default-locale \"fr\", \"ru\", "
               "\"cs\") the particles are joined to the family name by a no-break space (\"van der~Meché\", "
               "not inside \"van der\"), and an initialized given name to the family name when "
               "initialize-with holds a no-break space; a particle demoted after the given name keeps a "
               "plain space",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_names.py::test_particle_is_joined_to_the_family_by_a_no_break_space_in_french",
                 "tests/render/test_render_names.py::test_initials_with_a_no_break_space_join_the_family_in_french"))
def particle_nbsp(language: str) -> str:
    """The space between particles and the family name (and, with initialize-with holding a
    no-break space, between initials and the family name) in `language`."""
    return "\u00a0" if language[:2].lower() in _NBSP_LANGUAGES else " "


@upstream("names.particle-nbsp")
def particle_nbsp_upstream(language: str) -> str:
    return " "


def _last_char(node) -> str:
    """The last character `node` prints (its suffix included)."""
    while node is not None:
        if type(node) is Lit:
            return node.text[-1:]
        if node.suffix:
            return node.suffix[-1:]
        node = node.kids[-1] if node.kids else None
    return ""


def _join(left, right, space: str = " "):
    """`left <+> right`: `space` between, unless `left` ends with an apostrophe, a hyphen or a
    space ("d’" + "Alembert", "al-" + "One"; citeproc-js `hasJoiningPunctuation`)."""
    if left is None:
        return right
    if right is None:
        return left
    if _last_char(left) in _JOINING:
        return Span([left, right])
    return Span([left, Lit(space), right])


_JOINING = frozenset("’'-\u2013\u00a0 \u02bb\u02bc")


def _sep(left, right, separator: str):
    if left is None:
        return right
    if right is None:
        return left
    return Span([left, Lit(separator), right])


def _part(text: str | Node | None, part_el, ctx):
    if not text:
        return None
    # (markup in a name part is formatting, CSL 1.0.2 Appendix VI: render/richtext.py)
    if isinstance(text, str):
        value: str | Span = richtext.parse(text) if "<" in text else text
    else:
        value = text.text if type(text) is Lit else text
    node: Node = ctx.b.quotes_in_data(value, ctx)
    if part_el is None:
        return node
    if part_el.c_case is not None:
        node = ctx.b.textcase_transform(part_el, node, ctx)
    if part_el.c_font:
        node = Span([node], part_el.c_font)
    return node


def _affixed(node, part_el):
    if node is None or part_el is None or not (part_el.c_prefix or part_el.c_suffix):
        return node
    return Span([node], prefix=part_el.c_prefix, suffix=part_el.c_suffix)


def _display(name_el, name, index: int, options: dict[str, Any], ctx):
    """One name as printed, tagged with its key (CSL 1.0.2 §Name; jgm/citeproc getDisplayName)."""
    parts = name_el.c_parts if name_el is not None else {}
    family_el, given_el = parts.get("family"), parts.get("given")
    if name.literal is not None:
        return ctx.b.names_institution(name_el, family_el, name, ctx)
    form = options.get("form") or "long"
    initialize_with = options.get("initialize-with")
    initialize = str(options.get("initialize") or "true").lower() != "false"
    expansion = ctx.disamb.given_names.get(name.key) \
        if ctx.disamb.given_names and ctx.mode == "citation" else None
    if expansion is not None:
        form = "long"
        if expansion == "full":
            initialize = False
    sort_order = options.get("name-as-sort-order")
    inverted = sort_order == "all" or (sort_order == "first" and index == 0)
    separator = options.get("sort-separator")
    if separator is None:
        separator = ", "
    if ctx.b.names_cjk(name):
        family = _affixed(_part(name.family, family_el, ctx), family_el)
        if form != "long":
            return _finish_name(name_el, family, name, ctx)
        given = _affixed(_part(name.given, given_el, ctx), given_el)
        node = family if given is None else (given if family is None else Span([family, given]))
        return _finish_name(name_el, node, name, ctx)
    given_text: str | Node | None = name.given
    initialized = False  # citeproc-js's initializationLevel 1
    if name.given and initialize_with is not None and name.family:
        initialized = expansion != "full"
        hyphen = name_el.c_hyphen if name_el is not None else ctx.style.compiler.initialize_with_hyphen
        marked = "<" in name.given
        plain = richtext.text_of(name.given) if marked else name.given
        initials = ctx.b.names_initialize(plain, initialize_with, initialize, hyphen, name_el, ctx)
        # (the markup of a given name kept on its initials)
        given_text = richtext.restyled(initials, name.given) if marked else initials
    ndp = _part(name.non_dropping, family_el, ctx)
    dp = _part(name.dropping, given_el, ctx)
    family = _part(name.family, family_el, ctx)
    given = _part(given_text, given_el, ctx)
    suffix = _part(name.suffix, None, ctx)  # data: its apostrophes read as the other parts'
    demote = name_el.c_demote if name_el is not None else ctx.style.compiler.demote_particle
    nbsp = ctx.b.names_particle_nbsp(ctx.locale.language)
    if form == "short":
        if ctx.sorting and ndp is not None and ctx.b.names_short_sort_particle(demote):
            node = _sep(_affixed(family, family_el), ndp, separator)  # "Doorn, van" sorts under D
        elif inverted and ndp is not None and ctx.b.names_short_inverted_particle(demote):
            node = _sep(_affixed(family, family_el), ndp, separator)  # "Doorn, van" (citeproc-js)
        else:
            node = _affixed(_join(ndp, family, nbsp), family_el)
        return _finish_name(name_el, node, name, ctx)
    if form == "count":
        return None
    # initials joined to the family name as initialize-with joins them (citeproc-js util_names_render.js)
    space = nbsp if initialized and initialize_with is not None \
        and ("\u00a0" in initialize_with or "\ufeff" in initialize_with) else " "
    if inverted:
        demoted = demote == "display-and-sort" or (demote == "sort-only" and ctx.sorting
                                                   and ctx.b.sorting_sort_only_particle())
        if not demoted:
            head = _affixed(_join(ndp, family, nbsp), family_el)
            tail = _affixed(_join(given, dp), given_el)
        else:
            head = _affixed(family, family_el)
            tail = _affixed(_join(_join(given, dp), ndp), given_el)
        node = _sep(_sep(head, tail, separator), suffix, separator)
    elif name.comma_suffix:
        family_part = _sep(_join(dp, _join(ndp, family, nbsp), nbsp), suffix, ", ")
        node = _join(_affixed(given, given_el), _affixed(family_part, family_el), space)
    else:
        node = _join(_affixed(given, given_el),
                     _affixed(_join(_join(dp, _join(ndp, family, nbsp), nbsp), suffix), family_el), space)
    return _finish_name(name_el, node, name, ctx)


# the keys citeproc-js copies from cs:name, then from its family cs:name-part, onto the
# institution-part that prints an organisation (CSL.INSTITUTION_KEYS, src/load.js)
_INSTITUTION_KEYS = ("font-style", "font-variant", "font-weight", "text-decoration", "text-case")


class _InstitutionCase:
    """What textcase_transform reads of an element: its text-case."""

    def __init__(self, case: str) -> None:
        self.c_case = case


@override("names.institution", replaces="citeproc.model.Name.process",
          rule="citeproc-js (XmlDOM.addInstitutionNodes, src/xmldom.js; NameOutput._renderInstitutionName, "
               "src/util_names_render.js): an organisation (a literal name) prints with one institution-part "
               "token whose font-style, font-variant, font-weight, text-decoration and text-case are the "
               "cs:name's, each overridden by the family cs:name-part's; neither's affixes nor "
               "vertical-align apply. CSL 1.0.2 does not say how a literal name is formatted",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_html_conventions.py::"
                 "test_an_organisation_prints_with_the_name_formatting_merged_with_the_family_formatting",))
def institution(name_el, family_el, name, ctx):
    attributes: dict[str, str] = {}
    for element in (name_el, family_el):
        if element is None:
            continue
        for key in _INSTITUTION_KEYS:
            value = element.get(key)
            if value:
                attributes[key] = value
    node = _part(name.literal, None, ctx)
    if node is None:
        return None
    case = attributes.get("text-case")
    if case:
        node = ctx.b.textcase_transform(_InstitutionCase(case), node, ctx)
    font = font_of(attributes.get)
    return Span([node], font, tag=("name", name.key)) if font else Span([node], tag=("name", name.key))


@upstream("names.institution")
def institution_upstream(name_el, family_el, name, ctx):
    node = _affixed(_part(name.literal, family_el, ctx), family_el)
    return _finish_name(name_el, node, name, ctx)


def _finish_name(name_el, node, name, ctx):
    if node is None:
        return None
    if name_el is not None and not name_el.c_plain:
        # an organisation reaches here only with names.institution off (it prints without affixes)
        return Span([node], name_el.c_font, name_el.c_quotes, name_el.c_prefix, name_el.c_suffix, None,
                    ("name", name.key))
    return Span([node], tag=("name", name.key))




# initials -------------------------------------------------------------------------------------

def initialize(given: str, initialize_with: str, make_initials: bool = True, hyphen: bool = True) -> str:
    """Given names as CSL 1.0.2 §"Initialize" and citeproc-js print them (jgm/citeproc's
    `initialize`): each word that is not lower case (a particle) becomes its initial followed by
    `initialize_with` ("John Paul" -> "J. P.", "Jean-Pierre" -> "J.-P." or "J-P" with ""); words
    already given as initials ("J.C.") get `initialize_with`; with `initialize="false"`
    (`make_initials` false) full names stay and only initials are respaced."""
    words: list[tuple[bool, str]] = []  # (already an initial, text)
    current = ""
    for char in given:
        if char == ".":
            if current:
                words.append((True, current))
            current = ""
        elif char == "-":
            if current:
                words.append((False, current))
            current = "-"
        elif char == " ":
            if len(current) == 1 or (len(current) == 2 and current[0] == "-"):
                words.append((True, current))
            elif current:
                words.append((False, current))
            current = ""
        else:
            current += char
    if len(current) == 1 or (len(current) == 2 and current[0] == "-"):
        words.append((True, current))
    elif current:
        words.append((False, current))

    def with_suffix(text: str) -> str:
        return text + initialize_with if text else ""

    def to_initial(word: str) -> str:
        if word.startswith("-"):
            rest = word[1:]
            if rest and rest[0].isupper():
                return ("-" if hyphen else "") + rest[0]
            return ""
        if word and word[0].isupper():
            if len(word) > 2 and word[1].isupper() and word[2:].islower():
                return word[0] + word[1].lower()
            return word[0]
        return word

    out = []
    for is_initial, word in words:
        if is_initial:
            if word.startswith("-"):
                word = ("-" if hyphen else "") + word[1:]
            out.append(with_suffix(word))
        elif all(char.islower() for char in word):
            out.append(word + " " if initialize_with.endswith(" ") else " " + word + " ")
        elif make_initials:
            out.append(with_suffix(to_initial(word)))
        else:
            out.append(word + " ")
    text = "".join(out).replace(" -", "-")
    # citeproc-js doInitialize/doNormalize (src/util_names.js): trailing spaces,
    # no-break spaces and zero-width no-break spaces of initialize-with go ("J.~P." with ".~",
    # ~ a no-break space, not "J.~P.~")
    return text.lstrip(" ").rstrip(_TRAILING)


_TRAILING = " \t\n\v\f\r\ufeff\u00a0"


@override("names.initialize", replaces="citeproc.model.Name.initialize",
          rule="CSL 1.0.2 §Name (initialize, initialize-with, initialize-with-hyphen): initialize=\"false\" "
               "keeps full given names (\"Pieter\", was \"P.\"), initials already given are respaced; "
               "trailing spaces and no-break spaces of initialize-with trimmed (citeproc-js doInitialize)",
          fingerprint="4b835f6ad1a9292e97c5f11bdbb199f16b79646d438e8fea87b1994bb6dc5762",
          tests=("tests/render/test_render_fixes_agreement.py::test_initialize_false_keeps_full_given_names",
                 "tests/render/test_render_names.py::"
                 "test_initialize_with_ending_in_a_no_break_space_leaves_none_after_the_last_initial"))
def initialize_override(given: str, initialize_with: str, make_initials: bool, hyphen: bool, name_el,
                        ctx) -> str:
    return initialize(given, initialize_with, make_initials, hyphen)


@upstream("names.initialize")
def initialize_upstream(given: str, initialize_with: str, make_initials: bool, hyphen: bool, name_el,
                        ctx) -> str:
    if name_el is None:
        return initialize(given, initialize_with, True, hyphen)
    layout = up.layout(ctx)
    return str(model.Name.initialize(name_el, given, initialize_with, layout))


# et al from the source ------------------------------------------------------------------------

def et_al_options(listed: int, style_min: int, style_use_first: int) -> dict[str, int | str]:
    """Name options that truncate right after (at most) `listed` names.

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


@override("names.et-al-from-source", replaces="citeproc.model.Name.process",
          rule="evidencebib: a name list truncated at the source (`_et_al`, BibTeX \"and others\") prints "
               "the listed names, then the style's et-al term (CSL 1.0.2 §Et-al), never a person \"others\"",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_fixes.py::test_source_truncated_authors_get_house_et_al_after_listed_names",
                 "tests/render/test_render_fixes.py::test_source_truncated_authors_get_vancouver_et_al"))
def et_al_from_source(listed: int, minimum: int, first: int, use_last: bool) -> tuple[int, int, bool, int]:
    """(et-al-min, et-al-use-first, et-al-use-last, the length of the list) for a list of
    `listed` names truncated at the source: one more name than listed, cut after them."""
    options = et_al_options(listed, minimum, first)
    return int(options["et-al-min"]), int(options["et-al-use-first"]), False, listed + 1


@upstream("names.et-al-from-source")
def et_al_from_source_upstream(listed: int, minimum: int, first: int,
                               use_last: bool) -> tuple[int, int, bool, int]:
    # citeproc-py does not know the list was truncated: the listed names are all it has
    return minimum, first, use_last, listed


@override("names.source-et-al-survives-added-names", replaces="citeproc.model.Name.process",
          rule="evidencebib (jgm/citeproc and citeproc-js agree): disambiguate-add-names (CSL 1.0.2 "
               "§Disambiguation) shows at most the listed names of a list truncated at the source, "
               "and keeps its et-al term after them: the real rest of the list is unknown",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_engine_disambiguation.py::"
                 "test_add_names_keeps_the_et_al_of_a_list_truncated_at_the_source_in_citations",
                 "tests/render/test_engine_disambiguation.py::"
                 "test_add_names_keeps_the_et_al_of_a_list_truncated_at_the_source_in_the_bibliography"))
def source_et_al_survives_added_names(shown: int, added: int, listed: int, truncated: bool) -> int | None:
    """How many names a cite shows once add-names asks for `added` (None: all, no et al.)."""
    if truncated:
        return min(max(shown, added), listed)
    return None if added >= listed else max(shown, added)


@upstream("names.source-et-al-survives-added-names")
def source_et_al_survives_added_names_upstream(shown: int, added: int, listed: int,
                                               truncated: bool) -> int | None:
    # citeproc-py never adds names; before this override a truncated list was expanded like
    # any other, to all its names and without its et al.
    return None if added >= listed else max(shown, added)


def name_options_defaults() -> dict[str, Any]:
    return dict(NAME_OPTIONS)


__all__ = ["names", "initialize", "et_al_options", "is_cjk_name", "evaluate_children"]
