"""Speed: formatting the entries (and sort keys) of a large bibliography on several processes.

Our evaluator needs none of citeproc-py's speed-ups (render/elements.py compiles the style once;
nothing runs XPath while rendering). What remains is work spread over processes
(render/parallel.py): each entry of a registered, sorted and disambiguated bibliography depends
only on its item and that shared state, so slices of entries are formatted in forked children.
`EngineOptions(optimised=False)` (the unoptimised path of the equivalence tests) formats
everything in one process, like switching this override off.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from evidencebib.render.overrides import override, upstream


@override("speed.workers", replaces="citeproc.frontend.CitationStylesBibliography.bibliography",
          rule="evidencebib: entries and sort keys of bibliographies of 800 entries or more formatted on "
               "several processes (render/parallel.py); the same text as in one process",
          fingerprint="26ca66208bc5dc4c87e8b4ff3a81b75475d04d6f6caf1da2eec4547536783fd1",
          tests=("tests/render/test_render_parallel.py::test_two_workers_give_the_text_of_one",))
def map_items(function: Callable[[Any], Any], items: Sequence[Any], what: str,
              cap: int | None = None) -> list[Any]:
    from evidencebib.render import parallel

    return parallel.format_all(function, items, what=what, cap=cap)


@upstream("speed.workers")
def map_items_upstream(function: Callable[[Any], Any], items: Sequence[Any], what: str,
                       cap: int | None = None) -> list[Any]:
    return [function(item) for item in items]


# groups and macros certain to print nothing -------------------------------------------------

GENERATED = frozenset({"citation-number", "year-suffix", "locator", "first-reference-note-number"})


def analyse(element, macros_seen: frozenset[str] = frozenset()) -> tuple[bool, frozenset[str], bool]:
    """(eligible, keys, unconditional) of an element's output:

    - keys: every item variable the element (and its subtree, through macros and every branch)
      can read;
    - eligible: when none of the keys is in the item, the element prints nothing that counts —
      it looks variables up and finds none, or prints only terms and values, which cannot save a
      group that looked up variables and found none (CSL 1.0.2 §Group); a macro or nested group
      that prints counts as a found variable, so one that could print without a variable is
      ineligible;
    - unconditional: it looks up at least one variable whatever branch is taken.

    cs:names with a cs:substitute, generated variables (citation number, year suffix, locator)
    and macros that could print without a variable make an element ineligible."""
    from evidencebib.render import elements as e

    kind = type(element)
    if kind is e.TextElement:
        if element.c_kind == e._VARIABLE:
            variable = element.c_variable
            if variable in GENERATED:
                return False, frozenset(), False
            read = {"page" if variable == "page-first" else variable}
            if element.c_short:
                read.add(element.c_short)
            return True, frozenset(read), True
        if element.c_kind == e._MACRO:
            macro = element.c_macro
            name = macro.c_name
            if name in macros_seen:
                return False, frozenset(), False
            # once per macro: macros calling macros ten times over would otherwise cost 10**n
            # (the style's macros are known to call each other in no loop: stylesheet.py)
            found = macro.__dict__.get("c_analysis")  # (getattr would search child elements)
            if found is None:
                eligible, keys, unconditional = _children(macro.c_kids, macros_seen | {name})
                # a macro that may print without a found variable counts as one: ineligible
                found = ((eligible and unconditional), keys, unconditional)
                macro.c_analysis = found
            return found
        return True, frozenset(), False  # term, value
    if kind is e.NumberElement or kind is e.DateElement:
        variable = element.c_variable
        if variable in GENERATED or not variable:
            return False, frozenset(), False
        return True, frozenset({"page" if variable == "page-first" else variable}), True
    if kind is e.LabelElement:
        variable = element.c_variable
        if variable in GENERATED or not variable:
            return False, frozenset(), False
        return True, frozenset({variable}), False
    if kind is e.NamesElement:
        if element.c_substitute is not None:
            return False, frozenset(), False
        return True, frozenset(element.c_variables), bool(element.c_variables)
    if kind is e.GroupElement:
        # a nested group that prints counts as a found variable: one that may print without a
        # variable (terms, values) is ineligible, as a macro is
        eligible, keys, unconditional = _children(element.c_kids, macros_seen)
        return (eligible and unconditional), keys, unconditional
    if kind is e.ChooseElement:
        every_branch: set[str] = set()
        for branch in element.c_branches:
            eligible, branch_keys, _ = _children(branch.c_kids, macros_seen)
            if not eligible:
                return False, frozenset(), False
            every_branch |= branch_keys
        return True, frozenset(every_branch), False
    return False, frozenset(), False


def _children(kids, macros_seen: frozenset[str]) -> tuple[bool, frozenset[str], bool]:
    keys: set[str] = set()
    unconditional = False
    for kid in kids:
        eligible, kid_keys, kid_unconditional = analyse(kid, macros_seen)
        if not eligible:
            return False, frozenset(), False
        keys |= kid_keys
        unconditional = unconditional or kid_unconditional
    return True, frozenset(keys), unconditional


def absence_plan(element) -> tuple[str, ...] | None:
    """The keys whose absence makes a group or macro certain to print nothing (it would look
    variables up and find none), or None when that cannot be promised."""
    from evidencebib.render import elements as e

    kids = element.c_kids
    seen = frozenset({element.c_name}) if isinstance(element, e.MacroElement) else frozenset()
    eligible, keys, unconditional = _children(kids, seen)
    return tuple(sorted(keys)) if eligible and unconditional and keys else None


@override("speed.absent-groups", replaces="citeproc.model.Group.process",
          rule="CSL 1.0.2 §Group: a group (or macro) whose every variable is missing from the item, and "
               "which could print only through them, is suppressed without being evaluated (the same text: "
               "tests/render/test_render_speed_equivalence.py)",
          fingerprint="dbb7ce4a15dbfea50c4c2ee12702c53edc0fabd6431309737f7b6e2c3cf99c5f",
          tests=("tests/render/test_engine_speed.py::test_a_group_whose_variables_are_all_missing_is_not_evaluated",))
def certainly_empty(element, ctx) -> bool:
    plan = element.c_absent
    if plan is None:
        return False
    item = ctx.item
    text, names, dates = item.text, item.names, item.dates
    for key in plan:
        if key in text or key in names or key in dates:
            return False
    return True


@upstream("speed.absent-groups")
def certainly_empty_upstream(element, ctx) -> bool:
    return False
