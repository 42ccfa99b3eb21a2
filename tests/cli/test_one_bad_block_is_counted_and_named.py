"""Issue 15, items 8 and 9, on the command line: `conditions` counts a block of the .bib that
does not parse apart from the references (it never silently counts fewer), and one duplicate
key in a source file does not abort the whole `import`.

The tests drive the command line in a subprocess on files they write, so they run unchanged on
older trees (tests/tools/run_on_tree.sh).
"""

from __future__ import annotations

from pathlib import Path
from cli_process import run

GOOD = "@article{good2020, author = {Smith, John}, title = {Good}, journal = {J}, year = {2020}}\n\n"
BROKEN = "@article{broken2018, author = {Green, Bob}, title = {Unbalanced {brace, year = {2018}}\n\n"




def condition(tmp_path: Path, bib: str) -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "demo.toml").write_text('title = "Demo"\n', encoding="utf-8")
    (refs / "demo.bib").write_text(bib, encoding="utf-8")
    return refs


def test_conditions_counts_an_unparsed_block_apart_from_the_references(tmp_path):
    refs = condition(tmp_path, GOOD + BROKEN)
    result = run("conditions", references=refs)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split()[:4] == ["slug", "title", "refs", "unparsed"], result.stdout
    assert row.split()[:4] == ["demo", "Demo", "1", "1"], result.stdout


def test_conditions_strict_fails_on_a_block_that_does_not_parse_as_render_strict_does(tmp_path):
    refs = condition(tmp_path, GOOD + BROKEN)
    result = run("conditions", "--strict", references=refs)
    assert result.returncode == 1, result.stderr
    assert "demo (1)" in result.stderr and "demo" in result.stdout
    (tmp_path / "ok").mkdir()
    assert run("conditions", "--strict", references=condition(tmp_path / "ok", GOOD)).returncode == 0


def test_a_duplicate_key_in_a_source_is_imported_under_a_fresh_key_with_a_warning(tmp_path):
    refs = condition(tmp_path, "")
    source = tmp_path / "source.bib"
    source.write_text("@article{a, title = {First}, journal = {J}, year = {2001}}\n"
                      "@article{a, title = {Second}, journal = {J}, year = {2002}}\n",
                      encoding="utf-8")
    result = run("import", str(source), "--into", "demo", "--keep-keys", references=refs)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout + result.stderr
    assert "duplicate" in result.stderr
    stored = (refs / "demo.bib").read_text(encoding="utf-8")
    assert "{First}" in stored and "{Second}" in stored
