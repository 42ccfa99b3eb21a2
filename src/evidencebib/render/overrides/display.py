"""Layout of an entry: `cs:layout`, `second-field-align` and `display`.

CSL 1.0.2 §"Layout", §"Whitespace" (second-field-align: the first field of each entry in its
own column), §"Display" (block, left-margin, right-inline, indent). The left margin and the
rest of a second-field-aligned entry are display spans (citeproc-js's `csl-left-margin` and
`csl-right-inline`); as citeproc-js prints them, the layout's prefix opens the left part and its
suffix closes the right one. Plain text, Markdown and RTF print the two parts separated by a space.
"""

from __future__ import annotations

from citeproc import model

from evidencebib.render.elements import evaluate_children
from evidencebib.render.output import Span
from evidencebib.render.overrides import override, upstream


@override("display.second-field-align", replaces="citeproc.model.Layout.render_bibliography",
          rule="CSL 1.0.2 §Whitespace (second-field-align: the first field apart from the rest, "
               "\"1. Banjar\", was \"1.Banjar\") and §Display (citeproc-js's csl-left-margin/csl-right-inline)",
          fingerprint="332a2c723174cf883539ff27139cd99d0fcd48587e9e2792f0678259d4d2e08c", tests=("tests/render/test_render_fixes.py::test_second_field_align_separates_number_from_entry",))
def layout(el, ctx):
    nodes = evaluate_children(el.c_kids, ctx)
    if not nodes:
        return None
    if ctx.mode == "citation":
        return nodes[0] if len(nodes) == 1 else Span(nodes)
    bibliography = ctx.style.bibliography
    if bibliography.c_second_field_align and len(nodes) > 1 and not ctx.sorting:
        # as citeproc-js: the layout's prefix opens the left margin, its suffix closes the rest
        first = Span([Span([nodes[0]], el.c_font, prefix=el.c_prefix)], display="left-margin")
        rest = Span([Span(nodes[1:], el.c_font, suffix=el.c_suffix)], display="right-inline")
        return Span([first, rest])
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


__all__ = ["layout", "model"]
