"""The command line: what editors type, what they see, and that mistakes never cost data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_PAGE, tree_digest


def run(*args: str, references: Path | None = None, env: dict | None = None):
    command = [sys.executable, "-m", "evidencebib", *args]
    if references is not None:
        command += ["--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_conditions_lists_slug_title_count_and_level(references):
    result = run("conditions", references=references)
    assert result.returncode == 0
    line = [row for row in result.stdout.splitlines() if row.startswith("recurrent-miscarriage")][0]
    assert "Recurrent miscarriage /" in line  # cut with '…' to fit 80 columns
    assert " 5 " in line and "Category 2b" in line


def test_render_prints_every_condition_in_the_house_style_by_default(references):
    result = run("render", references=references)
    assert result.returncode == 0
    assert result.stdout.startswith("## Recurrent miscarriage")
    assert ("Empson MB, Lassere M, Craig JC and Scott JR (2005) 'Prevention of recurrent "
            "miscarriage") in result.stdout


def test_references_directory_comes_from_the_environment(references):
    import os

    env = dict(os.environ, EVIDENCEBIB_REFERENCES=str(references))
    result = run("conditions", env=env)
    assert result.returncode == 0 and "recurrent-miscarriage" in result.stdout


def test_render_in_plain_text_has_no_markdown(references):
    result = run("render", "recurrent-miscarriage", "--format", "text", references=references)
    assert result.returncode == 0
    assert "*American Journal" not in result.stdout
    assert "American Journal of Reproductive Immunology" in result.stdout


def test_import_page_writes_a_condition(tmp_path):
    result = run("import-page", str(SEED_PAGE), "--slug", "rm", references=tmp_path / "refs")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "refs" / "rm.bib").exists() and (tmp_path / "refs" / "rm.toml").exists()


def test_missing_page_file_is_a_one_line_error(references):
    before = tree_digest(references)
    result = run("import-page", "no/such/page.txt", references=references)
    assert_one_line_error(result, "no/such/page.txt", "not found")
    assert tree_digest(references) == before


def test_unknown_condition_is_a_one_line_error(references):
    before = tree_digest(references)
    result = run("page", "no-such-condition", references=references)
    assert_one_line_error(result, "unknown condition 'no-such-condition'")
    assert tree_digest(references) == before


def test_unknown_style_is_a_one_line_error(references):
    result = run("render", "--style", "no-such-style-xyz", references=references)
    assert_one_line_error(result, "no-such-style-xyz")
    assert result.stdout == ""


def test_style_path_outside_the_style_folders_is_refused(references):
    result = run("render", "--style", "../../etc/passwd", references=references)
    assert_one_line_error(result)


def test_malformed_page_is_a_one_line_error_with_the_line(tmp_path, references):
    page = tmp_path / "bad.txt"
    page.write_text("\n\n# Title\n\nStatus.\n\nno labels here\n", encoding="utf-8")
    before = tree_digest(references)
    result = run("import-page", str(page), references=references)
    assert_one_line_error(result, str(page), "line 7")
    assert tree_digest(references) == before


def test_malformed_bib_entry_is_one_line_naming_file_line_and_entry_and_the_rest_renders(references):
    # issue 15: one bad entry never stops a whole command (`--strict` makes it exit 1)
    bib = references / "recurrent-miscarriage.bib"
    broken_line = bib.read_bytes().count(b"\n") + 2
    bib.write_bytes(bib.read_bytes() + b"\n@article{broken,\n  title = {unbalanced\n")
    before = tree_digest(references)
    result = run("render", "recurrent-miscarriage", references=references)
    assert result.returncode == 0 and "Banjar" in result.stdout, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for fragment in ("recurrent-miscarriage.bib", f"line {broken_line}", "entry 'broken'", "not rendered"):
        assert fragment in result.stderr
    assert tree_digest(references) == before


def test_missing_references_directory_is_a_one_line_error(tmp_path):
    result = run("conditions", references=tmp_path / "nowhere")
    assert_one_line_error(result, "nowhere", "not found")


def test_bad_date_is_a_usage_error(references):
    result = run("page", "recurrent-miscarriage", "--generated-on", "12/11/2025",
                 references=references)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["--help", "render --help", "page --help", "styles --help"])
def test_help_is_available(command):
    result = run(*command.split())
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_render_and_cite_take_a_locale_instead_of_the_styles(references):
    german = run("render", "recurrent-miscarriage", "--style", "harvard", "--format", "text",
                 "--locale", "de-DE", references=references)
    assert german.returncode == 0 and " und " in german.stdout and " and " not in german.stdout
    cited = run("cite", "recurrent-miscarriage", "empson2005", "--style", "harvard", "--locale", "de-DE",
                references=references)
    assert cited.returncode == 0 and cited.stdout.strip() == "(Empson u.\u00a0a., 2005)"


def test_an_unknown_locale_is_a_one_line_error(references):
    assert_one_line_error(run("render", "--locale", "xx-YY", references=references), "unknown locale 'xx-YY'")
