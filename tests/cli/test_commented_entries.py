"""An entry commented out with `%` (`% @article{…}`) is not read, as biber and pandoc skip it
(red-team F55); every command that reports the condition's unparsed blocks names it with its
file, line and key, and import says it is not imported, so that none is lost without a word."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_process import run

TOML = 'title = "Demo condition"\nlevel_of_evidence = "Evidence of probable benefit (Category 2a)"\n'
BIB = """@book{good2020, author = {Smith, John}, title = {A good book}, publisher = {P}, year = {2020}}

% @article{commented, author={X, X.}, title={Commented out}, journal={J}, year=2020}
"""


@pytest.fixture
def refs(tmp_path: Path) -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "demo.toml").write_text(TOML, encoding="utf-8")
    (refs / "demo.bib").write_text(BIB, encoding="utf-8")
    return refs


def test_render_leaves_the_commented_out_entry_out_and_names_it(refs):
    result = run("render", references=refs)
    assert result.returncode == 0, result.stderr
    assert "Smith" in result.stdout and "Commented out" not in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if "entry 'commented'" in line]
    assert "demo.bib, line 3" in line and "commented out" in line


def test_import_names_the_commented_out_entry_and_imports_the_others(refs, tmp_path):
    source = tmp_path / "t44.bib"
    source.write_text("@article{a1, author={Y, Y.}, title={Kept}, journal={J}, year=2021}\n"
                      "% @article{commented, author={X, X.}, title={Gone}, journal={J}, year=2020}\n",
                      encoding="utf-8")
    result = run("import", str(source), "--into", "demo", "--offline", references=refs)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
    (line,) = [line for line in result.stderr.splitlines() if "entry 'commented'" in line]
    assert "t44.bib, line 2" in line and "not imported" in line


def test_check_names_the_commented_out_entry_as_a_warning_not_a_failure(refs):
    result = run("check", references=refs)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if "entry 'commented'" in line]
    assert "read-note" in line and "demo.bib, line 3" in line


def test_import_does_not_call_comments_between_fields_lost_the_store_keeps_them(refs, tmp_path):
    source = tmp_path / "pc.bib"
    source.write_text("@article{c1, author={Y, Y.}, title={Kept}, journal={J},\n"
                      "  % title = {Old title},\n  year = {2021}}\n", encoding="utf-8")
    result = run("import", str(source), "--into", "demo", "--keep-keys", references=refs)
    assert result.returncode == 0, result.stderr
    assert "'%' comments" not in result.stderr
    assert "% title = {Old title}" in (refs / "demo.bib").read_text(encoding="utf-8")
