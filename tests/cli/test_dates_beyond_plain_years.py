"""Issue 15, item 4, the commands' side: dates beyond plain years (an EDTF season `2017-23`, a
season month `month = {Spring}`) never break `render` or `site`, and a season reaches the style.

citeproc-js prints APA's season after the year: "(2017, Autumn)". The tests drive the command
line in a subprocess, so they run unchanged on older trees (tests/tools/run_on_tree.sh).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_process import run

TOML = 'title = "Seasons"\n'
SEASON_MISC = "@misc{misc2017, author = {Smith, Jane}, title = {A misc in autumn}, date = {2017-23}}\n"
PLAIN = "@book{plain2020, author = {Doe, John}, title = {A plain book}, publisher = {Wiley}, year = {2020}}\n"
SPRING_PAGE = ("@online{page2018, author = {Roe, Ann}, title = {A spring page}, year = {2018},"
               " month = {Spring}, url = {https://example.org}}\n")




def condition(tmp_path: Path, bib: str) -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "seasons.toml").write_text(TOML, encoding="utf-8")
    (refs / "seasons.bib").write_text(bib, encoding="utf-8")
    return refs


@pytest.fixture
def seasons(tmp_path: Path) -> Path:
    """An EDTF season entry beside a plain one."""
    return condition(tmp_path, SEASON_MISC + PLAIN)


def test_apa_prints_an_edtf_season_after_the_year(seasons):
    result = run("render", "seasons", "--style", "apa", references=seasons)
    assert result.returncode == 0, result.stderr
    assert "Smith, J. (2017, Autumn). *A misc in autumn*." in result.stdout


def test_a_season_entry_never_stops_the_other_entries_of_the_condition(seasons):
    result = run("render", "seasons", "--style", "apa", references=seasons)
    assert "Doe, J. (2020). *A plain book*. Wiley." in result.stdout, result.stderr
    assert "AssertionError" not in result.stderr


def test_a_season_month_in_bibtex_is_the_season_and_not_dropped(tmp_path):
    result = run("render", "seasons", "--style", "apa",
                 references=condition(tmp_path, SPRING_PAGE + PLAIN))
    assert "Roe, A. (2018, Spring). *A spring page*." in result.stdout, result.stderr


def test_site_builds_the_page_of_a_condition_holding_a_season_entry(seasons, tmp_path):
    out = tmp_path / "site"
    result = run("site", "-o", str(out), "--styles", "apa", references=seasons)
    assert result.returncode == 0, result.stderr
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "2017, Autumn" in pages and "A plain book" in pages
