"""Speed-ups of the engine that never change its text (render/overrides/speed.py); the text
itself is compared in tests/render/test_render_speed_equivalence.py."""

from __future__ import annotations

from evidencebib.render import elements
from evidencebib.render.engine import Engine, EngineOptions

ITEM = {"id": "a", "type": "article-journal", "title": "T", "container-title": "J",
        "author": [{"family": "Banjar", "given": "S."}], "issued": {"date-parts": [[2020]]}}


def elements_evaluated(style: str, options: EngineOptions) -> int:
    peak = []
    original = elements.LayoutElement.evaluate

    def measured(self, ctx):
        node = original(self, ctx)
        peak.append(ctx.limit - ctx.budget)
        return node

    elements.LayoutElement.evaluate = measured
    try:
        Engine(style, options=options).bibliography([ITEM], "text")
    finally:
        elements.LayoutElement.evaluate = original
    return peak[-1]


def test_a_group_whose_variables_are_all_missing_is_not_evaluated():
    # Vancouver's many groups for absent fields (edition, series, medium …) are skipped
    fast = elements_evaluated("vancouver", EngineOptions())
    slow = elements_evaluated("vancouver", EngineOptions(optimised=False))
    assert fast < slow * 0.8


def test_groups_that_could_print_without_a_variable_are_evaluated():
    from evidencebib.render.engine import load_style
    from evidencebib.render.styles import resolve_style

    style = load_style(resolve_style("ig-criteria"))
    plans = {macro: style.macros[macro].c_absent for macro in ("year-date", "access", "editors-in")}
    assert plans["year-date"] is None  # prints "n.d." without any variable
    assert plans["access"] is None  # a choose without else may look nothing up
    assert plans["editors-in"] == ("editor",)
