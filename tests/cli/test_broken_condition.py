"""One condition whose page text cannot be read (a `.toml` that is not TOML) never stops a
command over all conditions: `conditions` and `render` name it (file and line) and go on with
the others; `--strict` makes that exit 1; naming that condition is still an error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, references: Path):
    command = [sys.executable, "-m", "evidencebib", *args, "--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def with_broken(references: Path) -> Path:
    (references / "broken.toml").write_text('title = "Unclosed\n', encoding="utf-8")
    (references / "broken.bib").write_text("@article{a, title={x}}\n", encoding="utf-8")
    return references


def test_conditions_lists_the_others_and_names_the_unreadable_one(with_broken):
    result = run("conditions", references=with_broken)
    assert result.returncode == 0, result.stderr
    assert "recurrent-miscarriage" in result.stdout and "broken" not in result.stdout
    assert "broken.toml, line 1: not valid TOML" in result.stderr and "(not listed)" in result.stderr


def test_conditions_strict_exits_1_when_a_condition_was_left_out(with_broken):
    result = run("conditions", "--strict", references=with_broken)
    assert result.returncode == 1 and "recurrent-miscarriage" in result.stdout


def test_render_of_every_condition_renders_the_others_and_names_the_unreadable_one(with_broken):
    result = run("render", "--format", "text", references=with_broken)
    assert result.returncode == 0, result.stderr
    assert "Banjar S, Kadour E, Khoudja R et al (2023)" in result.stdout
    assert "broken.toml, line 1: not valid TOML" in result.stderr and "(not rendered)" in result.stderr
    assert run("render", "--strict", references=with_broken).returncode == 1


def test_rendering_the_unreadable_condition_by_name_is_an_error(with_broken):
    result = run("render", "broken", references=with_broken)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "broken.toml, line 1" in result.stderr


def test_export_of_every_condition_exports_the_others_and_names_the_unreadable_one(with_broken, tmp_path):
    result = run("export", "--to", "ris", "-o", str(tmp_path / "all.ris"), references=with_broken)
    assert result.returncode == 0, result.stderr
    assert "broken.toml, line 1: not valid TOML" in result.stderr and "(not exported)" in result.stderr
    assert "ID  - banjar2023" in (tmp_path / "all.ris").read_text(encoding="utf-8")


def test_verify_of_every_condition_verifies_the_others_and_names_the_unreadable_one(with_broken, tmp_path):
    import os

    env = dict(os.environ, EVIDENCEBIB_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "evidencebib", "verify", "--offline", "--strict",
               "--references", str(with_broken)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "banjar2023" in result.stdout
    assert "broken.toml, line 1: not valid TOML" in result.stderr
    assert "1 condition could not be read and was not verified (--strict: exit 1)" in result.stderr


def test_check_reports_the_unreadable_condition_as_unparsed_and_checks_the_others(with_broken):
    result = run("check", "--format", "json", references=with_broken)
    assert result.returncode == 1, result.stderr  # unparsed fails by default
    import json

    report = json.loads(result.stdout)
    unparsed = [finding for finding in report["findings"] if finding["kind"] == "unparsed"]
    assert [(f["condition"], f["line"]) for f in unparsed] == [("broken", 1)]
    assert unparsed[0]["file"].endswith("broken.toml") and "not valid TOML" in unparsed[0]["problem"]
    assert any(f["kind"] == "truncated-authors" for f in report["findings"])  # the others checked
