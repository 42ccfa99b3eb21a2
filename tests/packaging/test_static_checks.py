"""ruff and mypy, configured in pyproject.toml, find nothing: CI runs them here, inside the
README's one test command (`scripts/test`), rather than as steps of the script, so that a run
of one test folder (`scripts/test tests/net`) is not held up or failed by them, and their
findings are reported like any other failure, with the tools' own output.

`scripts/lint` runs the same two commands on their own, with nothing held back; this file
holds back, and only while the lead's final pass is pending, the areas being rewritten this
session: their findings are counted by a strict xfail, which fails as soon as they are clean
so that the list below is deleted with the last fix.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

RUFF = [sys.executable, "-m", "ruff", "check", "--output-format", "concise", "--no-cache",
        "src", "tests"]
MYPY = [sys.executable, "-m", "mypy"]  # the files and every option: [tool.mypy]

# Rewritten on other branches this session; the lead's final pass fixes their findings and
# deletes this tuple (pyproject.toml needs no change for it).
AWAITING_FINAL_PASS = ("src/evidencebib/render/", "src/evidencebib/formats/",
                       "src/evidencebib/cli/", "src/evidencebib/api.py",
                       "tests/render/", "tests/formats/", "tests/cli/")

# ruff --output-format concise: "path:line:col: CODE message"; mypy: "path:line: error: …"
RUFF_FINDING = re.compile(r"^(?P<path>[^\s:][^:]*):\d+:\d+: [A-Z]+[0-9]+ ")
MYPY_FINDING = re.compile(r"^(?P<path>[^\s:][^:]*):\d+: error: ")


@cache
def findings(tool: str) -> tuple[str, ...]:
    """The tool's findings, one line each; a tool that could not run fails the test."""
    command, pattern = {"ruff": (RUFF, RUFF_FINDING), "mypy": (MYPY, MYPY_FINDING)}[tool]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600)
    lines = run.stdout.splitlines()
    found = tuple(line for line in lines if pattern.match(line))
    # 0: clean, 1: findings; anything else (2: bad configuration, a crash) is not a verdict
    assert run.returncode in (0, 1), f"{' '.join(command[1:])} did not run:\n{run.stdout}{run.stderr}"
    assert (run.returncode == 1) == bool(found), f"unparsed output:\n{run.stdout}{run.stderr}"
    return found


def _held_back(line: str) -> bool:
    return line.replace("\\", "/").startswith(AWAITING_FINAL_PASS)


def _report(tool: str, lines: list[str]) -> str:
    return f"{tool} finds {len(lines)} problem(s) (`scripts/lint` shows them all):\n" + "\n".join(lines)


def test_ruff_finds_nothing():
    problems = [line for line in findings("ruff") if not _held_back(line)]
    assert not problems, _report("ruff", problems)


@pytest.mark.slow
def test_mypy_finds_nothing():
    problems = [line for line in findings("mypy") if not _held_back(line)]
    assert not problems, _report("mypy", problems)


@pytest.mark.xfail(strict=True, reason="the areas rewritten this session await the lead's final "
                                       "lint pass; an XPASS means: delete AWAITING_FINAL_PASS")
@pytest.mark.slow
@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_areas_awaiting_the_final_pass_are_clean(tool):
    problems = [line for line in findings(tool) if _held_back(line)]
    assert not problems, _report(tool, problems)
