"""The README's "Layout of the code" table names every folder and module that exists, and
names nothing that does not: every package of src/evidencebib/ and each of its top-level
modules, every tracked top-level folder of the repository, every test area."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "evidencebib"
TESTS = REPO / "tests"


def layout_rows() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout of the code", 1)[1]
    rows = re.findall(r"^\|(?!---)(.*)\|$", section.split("\n## ", 1)[0], flags=re.M)
    assert rows, "the README has no layout table"
    return rows[1:]  # without the header


def named() -> set[str]:
    """Every `token` of the table; in a first column that starts with a path under
    src/evidencebib/, the names after it (`verify.py`, `cli/`) are under it too."""
    tokens: set[str] = set()
    for row in layout_rows():
        first, _rest = row.split("|", 1)
        tokens.update(t.rstrip("/") for t in re.findall(r"`([^`]+)`", row))
        paths = [t.rstrip("/") for t in re.findall(r"`([^`]+)`", first)]
        if paths and paths[0].startswith("src/evidencebib/"):
            tokens.update(f"src/evidencebib/{t}" for t in paths[1:])
    return tokens


def test_every_package_and_top_level_module_of_src_is_in_the_table():
    tokens = named()
    packages = {f"src/evidencebib/{p.name}" for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    modules = {f"src/evidencebib/{p.name}" for p in SRC.glob("*.py") if p.name != "__init__.py"}
    assert packages - tokens == set()
    assert modules - tokens == set()


def test_every_top_level_folder_and_test_area_is_in_the_table():
    tokens = named()
    ignored = {".git", ".venv", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
               "src", "build", "dist", "site"}
    folders = {p.name for p in REPO.iterdir() if p.is_dir() and p.name not in ignored
               and not p.name.endswith(".egg-info")}
    assert folders - tokens == set()
    areas = {p.name for p in TESTS.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))
             and p.name != "node_modules"}
    assert areas - tokens == set()


def test_every_path_in_the_table_exists():
    paths = {t for t in named() if t.startswith(("src/", "tests/", "scripts/", ".ci/"))}
    assert paths, "the table names no path"
    assert {p for p in paths if not (REPO / p).exists()} == set()
