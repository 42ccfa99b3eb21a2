"""Issue 15, errors at entry level, the engine's side: an entry a style cannot render is left
out of the bibliography and returned as an `EntryProblem` (position, key, style, cause) next to
the entries that did render — on one process or several, with subsequent-author-substitute,
through the render cache — and without a list to take it, it is a StyleError naming the entry.

The failing entry is a genuine failure: tests/fixtures/styles/costly-chapters.csl makes a
chapter cost 10^10 evaluations, and the engine stops that entry at its element budget
("style … is too complex", issue 12 hole 15) while books render (see
tests/cli/test_entry_errors.py for the same style through the commands)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.errors import StyleError
from evidencebib.render import EngineOptions, render_entries
from evidencebib.render.cache import RenderCache
from evidencebib.render.engine import Engine, EntryProblem

COSTLY = Path(__file__).resolve().parents[1] / "fixtures" / "styles" / "costly-chapters.csl"
STYLE = "costly-chapters"


def book(key: str, family: str, kind: str = "book") -> dict:
    return {"id": key, "type": kind, "title": f"Book of {family}", "publisher": "Wiley",
            "author": [{"family": family, "given": "Ann"}], "issued": {"date-parts": [[2020]]}}


def chapter(key: str, family: str) -> dict:
    return book(key, family, "chapter")


ITEMS = [book("a2020", "Adams"), chapter("chapter2019", "Brown"), book("c2021", "Clark")]


def test_the_entry_the_style_cannot_render_is_a_problem_and_the_others_render():
    problems: list[EntryProblem] = []
    entries = Engine(COSTLY, options=EngineOptions(workers=1)).bibliography(ITEMS, "text", problems)
    assert [entry.key for entry in entries] == ["a2020", "c2021"]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.position, problem.key, problem.style) == (1, "chapter2019", STYLE)
    assert problem.cause.startswith("BudgetExceeded: style costly-chapters is too complex")


def test_without_a_problems_list_the_failure_is_a_style_error_naming_the_entry():
    with pytest.raises(StyleError, match=rf"entry 'chapter2019': style {STYLE} failed to render"):
        Engine(COSTLY, options=EngineOptions(workers=1)).bibliography(ITEMS, "text")


def test_worker_processes_return_the_problem_too():
    items = [book(f"k{index:03d}", f"Author{index:03d}") for index in range(40)]
    items[17] = chapter("costly", "Brown")
    serial: list[EntryProblem] = []
    forked: list[EntryProblem] = []
    one = Engine(COSTLY, options=EngineOptions(workers=1)).bibliography(items, "text", serial)
    two = Engine(COSTLY, options=EngineOptions(workers=2)).bibliography(items, "text", forked)
    assert one == two and len(one) == 39
    assert serial == forked == [EntryProblem(17, "costly", STYLE, serial[0].cause)]


def test_with_subsequent_author_substitute_the_failing_entry_is_left_out_the_rest_substituted():
    items = [book("a1", "Adams"), chapter("a2", "Adams"), book("a3", "Adams")]
    problems: list[EntryProblem] = []
    entries = Engine(COSTLY, options=EngineOptions(workers=1)).bibliography(items, "text", problems)
    assert [entry.text for entry in entries] == ["Ann Adams. Book of Adams, Wiley, 2020.",
                                                 "---. Book of Adams, Wiley, 2020."]
    assert [problem.key for problem in problems] == ["a2"]


def test_the_render_cache_never_hides_a_problem_on_the_next_render(tmp_path: Path):
    cache = RenderCache(tmp_path / "cache")
    for _ in range(2):
        problems: list[EntryProblem] = []
        entries = render_entries(ITEMS, COSTLY, "text", cache, problems=problems)
        assert [position for position, _ in entries] == [0, 2]
        assert [problem.key for problem in problems] == ["chapter2019"]


COSTLY_SORT = COSTLY.with_name("costly-chapter-sort.csl")
UNSORTED = [book("c2021", "Clark"), chapter("chapter2019", "Brown"), book("a2020", "Adams")]


def test_an_item_whose_sort_key_fails_is_a_problem_and_the_others_are_sorted_and_rendered():
    problems: list[EntryProblem] = []
    entries = Engine(COSTLY_SORT, options=EngineOptions(workers=1)).bibliography(UNSORTED, "text", problems)
    assert [entry.text for entry in entries] == ["Ann Adams. Book of Adams.", "Ann Clark. Book of Clark."]
    assert [(problem.position, problem.key) for problem in problems] == [(1, "chapter2019")]
    assert problems[0].cause.startswith("BudgetExceeded: style costly-chapter-sort is too complex")


def test_a_sort_key_failure_is_reported_through_the_render_cache_too(tmp_path: Path):
    cache = RenderCache(tmp_path / "cache")
    for _ in range(2):
        problems: list[EntryProblem] = []
        entries = render_entries(UNSORTED, COSTLY_SORT, "text", cache, problems=problems)
        assert [position for position, _ in entries] == [2, 0]
        assert [problem.key for problem in problems] == ["chapter2019"]


def test_a_cite_whose_sort_key_fails_does_not_stop_the_citation():
    cluster = [item["id"] for item in UNSORTED]
    text = Engine(COSTLY_SORT, options=EngineOptions(workers=1)).citations([cluster], "text", UNSORTED)
    assert text == ["Book of Adams; Book of Clark; Book of Brown"]
