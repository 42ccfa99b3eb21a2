"""ruff and mypy, configured in pyproject.toml, find nothing: CI runs them here, inside the
README's one test command (`scripts/test`), rather than as steps of the script, so that a run
of one test folder (`scripts/test tests/net`) is not held up or failed by them, and their
findings are reported like any other failure, with the tools' own output.

`scripts/lint` runs the same two commands on their own; both check the whole tree (src/ and
tests/ for ruff, src/ for mypy), nothing held back.
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


def _report(tool: str, lines: list[str]) -> str:
    return f"{tool} finds {len(lines)} problem(s) (`scripts/lint` shows them all):\n" + "\n".join(lines)


def test_ruff_finds_nothing():
    problems = list(findings("ruff"))
    assert not problems, _report("ruff", problems)


@pytest.mark.slow
def test_mypy_finds_nothing():
    problems = list(findings("mypy"))
    assert not problems, _report("mypy", problems)
