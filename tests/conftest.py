"""Shared fixtures: real files in temporary directories, the shared corpus when present."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
# tests live in one folder per area (render/, formats/, net/ …); what they share (the Crossref
# emulator, the item generator) lives in support/
if str(TESTS / "support") not in sys.path:
    sys.path.insert(0, str(TESTS / "support"))
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
SEED_PAGE = FIXTURES / "recurrent-miscarriage.txt"

# The command line turns an unexpected exception into one line; in the tests a bug must show
# its traceback (tests of that one line remove the variable).
os.environ.setdefault("EVIDENCEBIB_DEBUG", "1")


@pytest.fixture
def references(tmp_path: Path) -> Path:
    """A copy of the shipped references/ that a test may change."""
    target = tmp_path / "references"
    shutil.copytree(REPO / "references", target,
                    ignore=shutil.ignore_patterns(".*.lock"))
    return target


def tree_digest(directory: Path) -> dict[str, str]:
    """Name -> sha256 of every regular file, to prove that nothing changed."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def corpus_dir(kind: str) -> Path:
    path = SHARED / "corpus" / kind
    if not path.is_dir():
        pytest.skip(f"the shared corpus ({path}) is not present; CI always has it")
    return path


def pytest_terminal_summary(terminalreporter):
    """The corpus-wide rates, development and held-back parts apart (tests/support/holdout.py)."""
    import holdout

    if not holdout.MEASURES:
        return
    terminalreporter.section("corpus: development / held back (tests/support/holdout.py)")
    for rates in holdout.MEASURES.values():
        for line in rates.summary():
            terminalreporter.write_line(line)
