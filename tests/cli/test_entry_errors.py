"""Issue 15, errors at entry level: one bad entry never stops a whole command.

An entry a style cannot render is left out and reported on one line (style, condition, file,
line, key, cause) while the rest renders; a block of the .bib that does not parse is reported
(file, line, key) by every command that reads the condition; `--strict` makes either exit 1.

The failing entry is a genuine failure: with tests/fixtures/styles/costly-chapters.csl a
chapter costs 10^10 evaluations, and the engine stops that entry at its element budget
("style costly-chapters is too complex", issue 12 hole 15) while the books render.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_process import run

COSTLY = str(Path(__file__).resolve().parents[1] / "fixtures" / "styles" / "costly-chapters.csl")
STYLE = "costly-chapters"
CAUSE = "too complex"

TOML = 'title = "Demo condition"\nlevel_of_evidence = "Evidence of probable benefit (Category 2a)"\n'
GOOD = """@book{good2020,
  author = {Smith, John},
  title = {A good book},
  publisher = {Sydney University Press},
  address = {Sydney},
  year = {2020},
  volume = {3}
}
"""
COSTLY_CHAPTER = """
@incollection{chapter2019,
  author = {Brown, Amy},
  title = {A costly chapter},
  booktitle = {Collected works},
  year = {2019},
  publisher = {Oxford University Press}
}
"""
OTHER = """
@book{other2021,
  author = {White, Carl},
  title = {Another good book},
  publisher = {Wiley},
  year = {2021}
}
"""
UNBALANCED = """
@book{broken2018,
  author = {Green, Bob},
  title = {Unbalanced {brace,
  year = {2018}
}
"""




def make(tmp_path: Path, *blocks: str) -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "demo.toml").write_text(TOML, encoding="utf-8")
    (refs / "demo.bib").write_text("".join(blocks), encoding="utf-8")
    return refs


@pytest.fixture
def failing(tmp_path):
    """good2020, chapter2019 (line 10: the style cannot render it), other2021."""
    return make(tmp_path, GOOD, COSTLY_CHAPTER, OTHER)


@pytest.fixture
def unparsed(tmp_path):
    """good2020, broken2018 (line 10: does not parse), other2021."""
    return make(tmp_path, GOOD, UNBALANCED, OTHER)


def problem_line(stderr: str, key: str) -> str:
    lines = [line for line in stderr.splitlines() if f"entry '{key}'" in line]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- an entry the style cannot render ---------------------------------------------------------

def test_render_prints_the_other_entries_and_names_the_entry_it_cannot_render(failing):
    result = run("render", "--style", COSTLY, references=failing)
    assert result.returncode == 0, result.stderr
    assert "A good book" in result.stdout and "Another good book" in result.stdout
    assert "costly" not in result.stdout
    line = problem_line(result.stderr, "chapter2019")
    for part in (STYLE, "condition 'demo'", "demo.bib, line 10", CAUSE):
        assert part in line, line


def test_render_strict_fails_on_an_entry_it_cannot_render_and_still_prints_the_rest(failing):
    result = run("render", "--strict", "--style", COSTLY, references=failing)
    assert result.returncode == 1, result.stderr
    assert "A good book" in result.stdout and "Another good book" in result.stdout
    problem_line(result.stderr, "chapter2019")


def test_page_prints_the_page_and_names_the_entry_it_cannot_render(failing):
    result = run("page", "demo", "--style", COSTLY, "--generated-on", "2026-12-02",
                 references=failing)
    assert result.returncode == 0, result.stderr
    assert "Demo condition" in result.stdout and "Another good book" in result.stdout
    assert "demo.bib, line 10" in problem_line(result.stderr, "chapter2019")
    assert run("page", "demo", "--strict", "--style", COSTLY,
               references=failing).returncode == 1


def test_cite_of_an_entry_the_style_cannot_render_is_one_line_naming_it(failing):
    result = run("cite", "demo", "chapter2019", "--style", COSTLY, references=failing)
    assert result.returncode == 2, result.stderr
    assert STYLE in problem_line(result.stderr, "chapter2019")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_house_style_renders_the_same_file_without_a_report(failing):
    result = run("render", "--strict", references=failing)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


# -- a block that does not parse ----------------------------------------------------------------

@pytest.mark.parametrize("command", [("render",), ("page", "demo"), ("cite", "demo", "good2020")])
def test_a_command_reading_the_condition_names_the_unparsed_block_and_goes_on(unparsed, command):
    result = run(*command, references=unparsed)
    assert result.returncode == 0, result.stderr
    assert "Smith" in result.stdout
    line = problem_line(result.stderr, "broken2018")
    assert "demo.bib, line 10" in line and "not rendered" in line, line


@pytest.mark.parametrize("command", [("render",), ("page", "demo"), ("cite", "demo", "good2020")])
def test_strict_fails_on_an_unparsed_block(unparsed, command):
    result = run(*command, "--strict", references=unparsed)
    assert result.returncode == 1, result.stderr
    problem_line(result.stderr, "broken2018")


def test_cite_of_an_unparsed_entry_says_it_does_not_parse(unparsed):
    result = run("cite", "demo", "broken2018", references=unparsed)
    assert result.returncode == 2, result.stderr
    assert "does not parse" in result.stderr and "line 10" in result.stderr


DUPLICATE = """
@book{good2020,
  author = {Jones, Kim},
  title = {A second entry with the same key},
  year = {2022}
}
"""


def test_cite_of_a_key_repeated_by_a_later_block_cites_the_first_entry_as_render_prints_it(tmp_path):
    refs = make(tmp_path, GOOD, OTHER, DUPLICATE)
    rendered = run("render", references=refs)
    assert "A good book" in rendered.stdout and "second entry" not in rendered.stdout
    result = run("cite", "demo", "good2020", references=refs)
    assert result.returncode == 0, result.stderr
    assert "Smith" in result.stdout and "Jones" not in result.stdout
    assert "duplicate citation key" in problem_line(result.stderr, "good2020")
    assert run("cite", "demo", "good2020", "--strict", references=refs).returncode == 1


# -- the site -------------------------------------------------------------------------------------

def test_site_builds_every_other_entry_and_shows_the_problem_on_the_page(failing, tmp_path):
    site = tmp_path / "site"
    result = run("site", "-o", str(site), "--styles", COSTLY, references=failing)
    assert result.returncode == 0, result.stderr
    assert STYLE in problem_line(result.stderr, "chapter2019")
    page = next(p for p in (site / "demo").glob("*.html") if p.name != "index.html")
    html = page.read_text(encoding="utf-8")
    assert "Another good book" in html and "A good book" in html
    assert re.search(r'class="entry-problem".*chapter2019', html), html[-3000:]
    assert CAUSE in html
    house = (site / "demo" / "index.html").read_text(encoding="utf-8")
    assert "A costly chapter" in house and "entry-problem" not in house


def test_site_strict_fails_after_building_when_an_entry_cannot_be_rendered(failing, tmp_path):
    site = tmp_path / "site"
    result = run("site", "--strict", "-o", str(site), "--styles", COSTLY, references=failing)
    assert result.returncode == 1, result.stderr
    assert (site / "demo" / "index.html").is_file()


def test_export_names_the_unparsed_block_and_exports_the_rest(unparsed):
    result = run("export", "--to", "ris", references=unparsed)
    assert result.returncode == 0, result.stderr
    assert "A good book" in result.stdout and "Another good book" in result.stdout
    line = problem_line(result.stderr, "broken2018")
    assert "demo.bib, line 10" in line and "not exported" in line, line
    assert run("export", "--to", "ris", "--strict", references=unparsed).returncode == 1
