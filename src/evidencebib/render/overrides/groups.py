"""`cs:group` and when it is suppressed.

CSL 1.0.2 §"Group": "cs:group implicitly acts as a conditional: cs:group and its child elements
are suppressed if a) at least one rendering element in cs:group calls a variable (either
directly or via a macro), and b) all variables that are called are empty." As jgm/citeproc and
citeproc-js decide it: by counting, while the group renders, the variables looked up and those
found (`ctx.called`, `ctx.found`; conditions of a `cs:choose` do not count, nor does the
generated `year-suffix`). A group that looked up none (a term in the `else` of
`if variable="issued"`: APA's "(n.d.)") prints.
"""

from __future__ import annotations

from evidencebib.render.elements import delimited, evaluate_children_paired, evaluate_suppressible
from evidencebib.render.overrides import override, upstream


@override("groups.suppression", replaces="citeproc.model.Group.process",
          rule="CSL 1.0.2 §Group: suppressed when it calls variables and all of them are empty, judged "
               "from the variables looked up while it renders (not from the markup)",
          fingerprint="dbb7ce4a15dbfea50c4c2ee12702c53edc0fabd6431309737f7b6e2c3cf99c5f",
          tests=("tests/render/test_render_fixes_agreement.py::test_group_is_suppressed_by_the_variables_it_looked_up_not_by_its_markup",))
def group(el, ctx):
    nodes = evaluate_suppressible(el, ctx)  # the rule macros follow too (render/elements.py)
    if nodes is None:
        return None
    return el.c_finish(_span(delimited(nodes, el.c_delimiter)), ctx)


@upstream("groups.suppression")
def group_upstream(el, ctx):
    """citeproc-py decides from the markup: a group is suppressed when a child's markup calls
    a variable (`calls_variable()`, citeproc-py's own method) and no child that calls one
    printed."""
    pairs = evaluate_children_paired(el.c_kids, ctx)
    called = any(kid.calls_variable() for kid, _ in pairs)
    printed = any(kid.calls_variable() for kid, outputs in pairs if outputs)
    nodes = [node for _, outputs in pairs for node in outputs]
    if not nodes or (called and not printed):
        return None
    return el.c_finish(_span(delimited(nodes, el.c_delimiter)), ctx)


def _span(nodes):
    from evidencebib.render.output import blob

    return blob(nodes)
