"""Layout of an entry: `cs:layout`, `second-field-align` and `display`.

CSL 1.0.2 §"Layout", §"Whitespace" (second-field-align: the first field of each entry in its
own column), §"Display" (block, left-margin, right-inline, indent). The left margin and the
rest of a second-field-aligned entry are display spans (citeproc-js's `csl-left-margin` and
`csl-right-inline`); as citeproc-js prints them, the layout's prefix opens the left part and its
suffix closes the right one. Plain text, Markdown and RTF print the two parts separated by a space.
"""

from __future__ import annotations

import re

from citeproc import model

from evidencebib.render.elements import evaluate_children
from evidencebib.render.marks import DISPLAY_CLOSE
from evidencebib.render.output import Lit, Span, render
from evidencebib.render.overrides import override, upstream


@override("display.second-field-align", replaces="citeproc.model.Layout.render_bibliography",
          rule="CSL 1.0.2 §Whitespace (second-field-align: the first field apart from the rest, "
               "\"1. Banjar\", was \"1.Banjar\") and §Display (citeproc-js's "
               "csl-left-margin/csl-right-inline)",
          fingerprint="332a2c723174cf883539ff27139cd99d0fcd48587e9e2792f0678259d4d2e08c",
          tests=("tests/render/test_render_fixes.py::test_second_field_align_separates_number_from_entry",))
def layout(el, ctx):
    nodes = evaluate_children(el.c_kids, ctx)
    if not nodes:
        return None
    if ctx.mode == "citation":
        return nodes[0] if len(nodes) == 1 else Span(nodes)
    bibliography = ctx.style.bibliography
    if bibliography.c_second_field_align and not ctx.sorting:
        # as citeproc-js: the layout's prefix opens the left margin, its suffix closes the rest;
        # an entry of one field is all left margin
        if len(nodes) == 1:
            return Span([Span(nodes, el.c_font, prefix=el.c_prefix, suffix=el.c_suffix)],
                        display="left-margin")
        first = Span([Span([nodes[0]], el.c_font, prefix=el.c_prefix)], display="left-margin")
        rest = Span([Span(nodes[1:], el.c_font, suffix=el.c_suffix)], display="right-inline")
        return Span([first, rest])
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


# subsequent-author-substitute ------------------------------------------------------------------

def _first_names(node):
    """The first rendered name list of an entry (a "name-list" span, or the names output that
    a cs:substitute gave): (the span, the keys of its names, or None for a substitute)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is not Span:
            continue
        tag = current.tag
        if tag is not None:
            if tag[0] == "name-list":
                return current, tag[2]
            if tag[0] == "names" and tag[1] == ("substitute",):
                return current, None
        stack.extend(reversed(current.kids))
    return None, None


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


def _names_of(span):
    """The spans tagged ("name", key) directly in a name list, in order."""
    return [kid for kid in span.kids if type(kid) is Span and kid.tag is not None and kid.tag[0] == "name"]


def _with_names_replaced(span, count: int, text: str):
    names = _names_of(span)[:count]
    out = span
    for name in names:
        out = _replace(out, name, Span([Lit(text)], tag=name.tag))
    return out


@override("display.subsequent-author-substitute", replaces="citeproc.model.Bibliography",
          rule="CSL 1.0.2 §Reference Grouping: subsequent-author-substitute replaces the names of an entry "
               "that repeat those of the entry starting its group (rules complete-all, complete-each, "
               "partial-each, partial-first), as jgm/citeproc and citeproc-js do",
          fingerprint="dfda27e46963787645a3db37f7f3dc2ccd1fce1f7d1654476d809d1ae45b4ee8",
          tests=("tests/render/test_engine_output.py::test_a_repeated_author_is_substituted_in_the_style_manual",))
def substitute_authors(trees: list, text: str, rule: str) -> list:
    out = list(trees)
    index = 0
    while index < len(out):
        first = out[index]
        span, keys = _first_names(first) if first is not None else (None, None)
        index += 1
        if span is None:
            continue
        raw = None if keys is not None else render(span)
        while index < len(out) and out[index] is not None:
            other_span, other_keys = _first_names(out[index])
            if other_span is None:
                break
            if rule == "complete-all" or keys is None:
                if other_keys != keys or (keys is None and render(other_span) != raw):
                    break
                # the whole name list becomes the text (a label after it stays: "———, ed.")
                replacement = Span([Lit(text)], tag=other_span.tag)
            elif rule == "complete-each":
                if other_keys != keys:
                    break
                replacement = _with_names_replaced(other_span, len(keys), text)
            else:
                shared = 0
                # the shared leading names: the two lists may differ in length
                for a, b in zip(keys, other_keys or (), strict=False):
                    if a != b:
                        break
                    shared += 1
                if shared < 1:
                    break
                replacement = _with_names_replaced(other_span, 1 if rule == "partial-first" else shared, text)
            out[index] = _replace(out[index], other_span, replacement)
            index += 1
    return out


@upstream("display.subsequent-author-substitute")
def substitute_authors_upstream(trees: list, text: str, rule: str) -> list:
    return list(trees)  # citeproc-py 0.11.1 reads the option and never acts on it
