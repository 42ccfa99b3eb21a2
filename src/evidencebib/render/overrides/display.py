"""Layout of an entry: `cs:layout`, `second-field-align` and `display`.

CSL 1.0.2 §"Layout", §"Whitespace" (second-field-align: the first field of each entry in its
own column), §"Display" (block, left-margin, right-inline, indent). The left margin and the
rest of a second-field-aligned entry are display spans (citeproc-js's `csl-left-margin` and
`csl-right-inline`); as citeproc-js prints them, the layout's prefix opens the left part and its
suffix closes the right one. Plain text, Markdown and RTF print the two parts separated by a space.
"""

from __future__ import annotations

import functools
import re

from citeproc import model

from evidencebib.render.elements import evaluate_children
from evidencebib.render.marks import BLOCK, DISPLAY_CLOSE, INDENT, LEFT_MARGIN, RIGHT_INLINE, visible
from evidencebib.render.output import Lit, Span, find_tags, render
from evidencebib.render.overrides import override, upstream


@override("display.second-field-align", replaces="citeproc.model.Layout.render_bibliography",
          rule="CSL 1.0.2 §Whitespace (second-field-align: the first field apart from the rest, "
               "\"1. Banjar\", was \"1.Banjar\") and §Display (citeproc-js's "
               "csl-left-margin/csl-right-inline); cs:layout's font formatting wraps both divs "
               "(citeproc-js makeBibliography: the layout decorations are the bib_entry's)",
          fingerprint="332a2c723174cf883539ff27139cd99d0fcd48587e9e2792f0678259d4d2e08c",
          tests=("tests/render/test_render_fixes.py::test_second_field_align_separates_number_from_entry",
                 "tests/render/test_html_conventions.py::"
                 "test_the_layout_font_formatting_wraps_both_divs_of_a_second_field_aligned_entry"))
def layout(el, ctx):
    nodes = evaluate_children(el.c_kids, ctx)
    if not nodes:
        return None
    if ctx.mode == "citation":
        return nodes[0] if len(nodes) == 1 else Span(nodes)
    bibliography = ctx.style.bibliography
    if bibliography.c_second_field_align and not ctx.sorting:
        # as citeproc-js: the layout's prefix opens the left margin, its suffix closes the rest;
        # an entry of one field is all left margin. The layout's font formatting wraps the whole
        # entry, divs and all: citeproc-js (makeBibliography) puts cs:layout's decorations on the
        # bib_entry token, outside the output of every child, display divs included
        if len(nodes) == 1:
            return Span([Span([Span(nodes, prefix=el.c_prefix, suffix=el.c_suffix)], display="left-margin")],
                        el.c_font)
        first = Span([Span([nodes[0]], prefix=el.c_prefix)], display="left-margin")
        rest = Span([Span(nodes[1:], suffix=el.c_suffix)], display="right-inline")
        return Span([first, rest], el.c_font)
    if el.c_suffix and el.c_kids and getattr(el.c_kids[0], "c_display", None):
        # citeproc-js (node_layout.js, with `using_display`): a layout that starts with a display
        # element puts its suffix in place of the last part's own suffix, inside that part's div
        last = nodes[-1]
        if type(last) is not Span:
            last = Span([last])
        nodes[-1] = Span(last.kids, last.font, last.quotes, last.prefix, el.c_suffix, last.display, last.tag,
                         last.link)
        return Span([Span(nodes, el.c_font, prefix=el.c_prefix)])
    return el.c_finish(nodes[0] if len(nodes) == 1 else Span(nodes), ctx)


@upstream("display.second-field-align")
def layout_upstream(el, ctx):
    """citeproc-py's Layout.render_bibliography: the children joined, no fields apart."""
    nodes = evaluate_children(el.c_kids, ctx)
    if not nodes:
        return None
    if ctx.mode == "citation":
        return nodes[0] if len(nodes) == 1 else Span(nodes)
    return el.c_finish(nodes[0] if len(nodes) == 1 else Span(nodes), ctx)


__all__ = ["layout", "model", "trailing_space_out"]


_TRAILING_SPACE = re.compile("( +)([" + DISPLAY_CLOSE + "]+)$")


def trailing_space_out(marked: str) -> str:
    """An entry's trailing spaces moved out of the display divs that end it ("Smith; " in the
    right-inline part prints "Smith;" there), as citeproc-js's output queue migrates a last
    child's trailing space up to its parent as far as no font formatting holds it; a space
    inside italics at the end stays where it is."""
    if not marked.endswith(DISPLAY_CLOSE):
        return marked
    return _TRAILING_SPACE.sub(r"\2\1", marked)


_DISPLAY_OPENERS = BLOCK + LEFT_MARGIN + RIGHT_INLINE + INDENT
_LEADING_SPACE = re.compile("^([" + _DISPLAY_OPENERS + "]+)( +)")


@override("display.leading-space-out", replaces="citeproc.model.Layout.render_bibliography",
          rule="citeproc-js CSL.Output.Queue.upward (\"migrate leading punctuation or space on a "
               "first-position prefix upward\", through groups without font formatting, which @display "
               "is not): a space that begins an entry is printed before the display divs it begins "
               "(\" <div class=csl-left-margin>N.d.\" is \"<div class=csl-left-margin>N.d.\" after a space)",
          fingerprint="332a2c723174cf883539ff27139cd99d0fcd48587e9e2792f0678259d4d2e08c",
          tests=("tests/render/test_html_conventions.py::test_a_space_that_begins_an_entry_is_printed_before_its_first_display_div",))
def leading_space_out(marked: str) -> str:
    """An entry's leading spaces moved out of the display divs that begin it; a space inside
    italics (or any font formatting) at the start stays where it is."""
    return _LEADING_SPACE.sub(r"\2\1", marked)


@upstream("display.leading-space-out")
def leading_space_out_upstream(marked: str) -> str:
    return marked  # citeproc-py prints no display divs


# subsequent-author-substitute ------------------------------------------------------------------

def _first_names(node):
    """The output of an entry's first cs:names that printed (a span tagged "names", its own or
    a cs:substitute's), or None."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is not Span:
            continue
        if current.tag is not None and current.tag[0] == "names":
            return current
        stack.extend(reversed(current.kids))
    return None


def _name_id(key) -> str:
    """A name as citeproc-js compares it (NameOutput.setRenderedName): its parts joined, so a
    family name and a literal with the same text are the same name."""
    literal, family, given, dropping, non_dropping, suffix = key
    return "".join(part for part in (non_dropping, family, given, dropping, suffix, literal) if part)


def _compared(names):
    """What the rule compares of a names output: the names its name lists hold, in order, or
    (for a cs:substitute that printed text, not names) that text."""
    lists = find_tags(names, "name-list")
    if lists:
        return [_name_id(key) for span in lists for key in span.tag[2]]
    return [visible(render(names))]


def _replace(node, target, replacement):
    """A copy of `node` with the span `target` replaced."""
    if node is target:
        return replacement
    if type(node) is not Span:
        return node
    kids = [_replace(kid, target, replacement) for kid in node.kids]
    if all(new is old for new, old in zip(kids, node.kids, strict=True)):  # kids: one per node.kids
        return node
    return Span(kids, node.font, node.quotes, node.prefix, node.suffix, node.display, node.tag, node.link)


def _with_names_replaced(names, count: int, text: str):
    """`names` with its first `count` names printed as `text`."""
    out = names
    for name in find_tags(names, "name")[:count]:
        out = _replace(out, name, Span([Lit(text)], tag=name.tag))
    return out


def _all_replaced(names, text: str):
    """complete-all: the name list becomes `text`; a label after it stays ("---, ed."). Names
    that are not a name list (a substituted title), or several lists, become `text` whole."""
    lists = find_tags(names, "name-list")
    if len(lists) == 1:
        return _replace(names, lists[0], Span([Lit(text)], tag=lists[0].tag))
    return Span([Lit(text)], names.font, names.quotes, names.prefix, names.suffix, names.display,
                names.tag, names.link)


def _shared(first: list[str], other: list[str]) -> int:
    shared = 0
    for a, b in zip(first, other, strict=False):  # the two lists may differ in length
        if a != b:
            break
        shared += 1
    return shared


@override("display.subsequent-author-substitute", replaces="citeproc.model.Bibliography",
          rule="CSL 1.0.2 §Reference Grouping: subsequent-author-substitute replaces the names of an entry's "
               "first cs:names that repeat those of the preceding entry (rules complete-all, complete-each, "
               "partial-each, partial-first); names compared by their parts, as citeproc-js compares them",
          fingerprint="dfda27e46963787645a3db37f7f3dc2ccd1fce1f7d1654476d809d1ae45b4ee8",
          tests=("tests/render/test_engine_output.py::test_a_repeated_author_is_substituted_in_the_style_manual",
                 "tests/render/test_subsequent_author_substitute.py::"
                 "test_a_family_name_and_a_literal_with_the_same_text_are_the_same_author",
                 "tests/render/test_subsequent_author_substitute.py::"
                 "test_an_editor_substituted_for_the_author_is_compared_and_keeps_its_label"))
def substitute_authors(trees: list, text: str, rule: str) -> list:
    out = list(trees)
    before: list[str] | None = None  # what the preceding entry's first names compare as
    for index, tree in enumerate(trees):
        names = _first_names(tree) if tree is not None else None
        if names is None:
            before = None
            continue
        current = _compared(names)
        has_names = bool(find_tags(names, "name-list"))
        if before is not None:
            if rule == "complete-all" or not has_names:
                replacement = _all_replaced(names, text) if current == before else None
            elif rule == "complete-each":
                replacement = _with_names_replaced(names, len(current), text) if current == before else None
            else:
                shared = _shared(before, current)
                replacement = None if shared < 1 else \
                    _with_names_replaced(names, 1 if rule == "partial-first" else shared, text)
            if replacement is not None:
                out[index] = _replace(tree, names, replacement)
        before = current
    return out


@upstream("display.subsequent-author-substitute")
def substitute_authors_upstream(trees: list, text: str, rule: str) -> list:
    return list(trees)  # citeproc-py 0.11.1 reads the option and never acts on it


# an item with no printed form ------------------------------------------------------------------

NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"


@functools.lru_cache(maxsize=64)
def cites_print_numbers(style) -> bool:
    """Whether the style's citations print citation-number (cs:text in cs:citation or in a macro
    it calls): citeproc-js's numeric update mode."""
    from evidencebib.render.elements import CS

    if style.citation is None:
        return False
    seen: set[str] = set()
    pending = [style.citation]
    while pending:
        element = pending.pop()
        for text in element.iter(CS + "text"):
            if text.get("variable") == "citation-number":
                return True
            name = text.get("macro")
            if name and name not in seen and name in style.macros:
                seen.add(name)
                pending.append(style.macros[name])
    return False


@override("display.no-printed-form", replaces="citeproc.model.Layout.render_bibliography",
          rule="citeproc-js (makeCitationCluster / makeBibliography; CSL 1.0.2 is silent): the first "
               "cite of a cluster that prints nothing prints \"[CSL STYLE ERROR: reference with no printed "
               "form.]\", and so does an entry that prints nothing in a style whose citations print "
               "numbers, after its number",
          fingerprint="332a2c723174cf883539ff27139cd99d0fcd48587e9e2792f0678259d4d2e08c",
          tests=("tests/render/test_no_printed_form.py::test_the_first_cite_that_prints_nothing_prints_the_no_printed_form_text",
                 "tests/render/test_no_printed_form.py::test_a_numbered_bibliography_keeps_the_number_of_an_entry_that_prints_nothing"))
def no_printed_form(number: int | None) -> str | None:
    """The text of a cite (`number` None) or numbered entry that prints nothing."""
    return NO_PRINTED_FORM if number is None else f"{number}. {NO_PRINTED_FORM}"


@upstream("display.no-printed-form")
def no_printed_form_upstream(number: int | None) -> str | None:
    return None  # citeproc-py prints nothing for it
