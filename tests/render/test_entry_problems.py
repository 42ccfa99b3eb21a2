"""Issue 15, errors at entry level, the engine's side: an entry a style cannot render is left
out of the bibliography and returned as an `EntryProblem` (position, key, style, cause) next to
the entries that did render — on one process or several, with subsequent-author-substitute,
through the render cache — and without a list to take it, it is a StyleError naming the entry.

The failing item is real data on a shipped style: a volume of 10^30 in
`university-of-new-south-wales-notes`, whose roman numerals make citeproc-py raise
OverflowError (see tests/cli/test_entry_errors.py for the same entry through the commands)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.errors import StyleError
from evidencebib.render import EngineOptions, render_entries
from evidencebib.render.cache import RenderCache
from evidencebib.render.engine import Engine, EntryProblem

ROMAN_STYLE = "university-of-new-south-wales-notes"
HUGE = "1000000000000000000000000000000"


def book(key: str, family: str, volume: str = "3") -> dict:
    return {"id": key, "type": "book", "title": f"Book of {family}", "publisher": "Wiley",
            "author": [{"family": family, "given": "Ann"}], "issued": {"date-parts": [[2020]]},
            "volume": volume}


ITEMS = [book("a2020", "Adams"), book("huge2019", "Brown", HUGE), book("c2021", "Clark")]


def test_the_entry_the_style_cannot_render_is_a_problem_and_the_others_render():
    problems: list[EntryProblem] = []
    entries = Engine(ROMAN_STYLE, options=EngineOptions(workers=1)).bibliography(ITEMS, "text", problems)
    assert [entry.key for entry in entries] == ["a2020", "c2021"]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.position, problem.key, problem.style) == (1, "huge2019", ROMAN_STYLE)
    assert problem.cause.startswith("OverflowError")


def test_without_a_problems_list_the_failure_is_a_style_error_naming_the_entry():
    with pytest.raises(StyleError, match=rf"entry 'huge2019': style {ROMAN_STYLE} failed to render"):
        Engine(ROMAN_STYLE, options=EngineOptions(workers=1)).bibliography(ITEMS, "text")


def test_worker_processes_return_the_problem_too():
    items = [book(f"k{index:03d}", f"Author{index:03d}") for index in range(40)]
    items[17] = book("huge", "Brown", HUGE)
    serial: list[EntryProblem] = []
    forked: list[EntryProblem] = []
    one = Engine(ROMAN_STYLE, options=EngineOptions(workers=1)).bibliography(items, "text", serial)
    two = Engine(ROMAN_STYLE, options=EngineOptions(workers=2)).bibliography(items, "text", forked)
    assert one == two and len(one) == 39
    assert serial == forked == [EntryProblem(17, "huge", ROMAN_STYLE, serial[0].cause)]


def test_with_subsequent_author_substitute_the_failing_entry_is_left_out_the_rest_substituted(tmp_path):
    style = tmp_path / "substitute-roman.csl"
    style.write_text("""<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Substitute roman</title><id>substitute-roman</id>
    <updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography subsequent-author-substitute="---">
    <layout><names variable="author" suffix=". "/><text variable="title" suffix=", "/>
      <number variable="volume" form="roman"/></layout>
  </bibliography>
</style>
""", encoding="utf-8")
    items = [book("a1", "Adams"), book("a2", "Adams", HUGE), book("a3", "Adams")]
    problems: list[EntryProblem] = []
    entries = Engine(style, options=EngineOptions(workers=1)).bibliography(items, "text", problems)
    assert [entry.text for entry in entries] == ["Ann Adams. Book of Adams, iii", "---. Book of Adams, iii"]
    assert [problem.key for problem in problems] == ["a2"]


def test_the_render_cache_never_hides_a_problem_on_the_next_render(tmp_path: Path):
    cache = RenderCache(tmp_path / "cache")
    for _ in range(2):
        problems: list[EntryProblem] = []
        entries = render_entries(ITEMS, ROMAN_STYLE, "text", cache, problems=problems)
        assert [position for position, _ in entries] == [0, 2]
        assert [problem.key for problem in problems] == ["huge2019"]
