"""Who may import whom: the item model is the bottom layer, and no format reaches into another.

Read from the source with `ast` (every import, also those inside functions), so a lazy import
that dodges a cycle counts like any other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "evidencebib"
FORMATS = ("bibtex", "biblatex", "ris", "csl_json", "endnote_xml", "crossref", "ig_page")
# modules of formats/ that serve the format modules and import none of them
FORMAT_HELPERS = ("latex", "bibtex_split")
# BibLaTeX is BibTeX's dialect: formats/biblatex.py is a thin layer over bibtex's public API
DIALECTS = {"biblatex": {"bibtex"}}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import (the house uses absolute ones)"
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def format_imports(path: Path) -> set[str]:
    prefix = "evidencebib.formats."
    return {name[len(prefix):].split(".")[0] for name in imported_modules(path)
            if name.startswith(prefix)} & set(FORMATS + FORMAT_HELPERS)


@pytest.mark.parametrize("name", FORMATS)
def test_a_format_imports_no_other_format(name):
    imported = format_imports(SRC / "formats" / f"{name}.py") - {name}
    assert imported - set(FORMAT_HELPERS) <= DIALECTS.get(name, set())


@pytest.mark.parametrize("name", FORMAT_HELPERS)
def test_format_helpers_import_no_format(name):
    assert format_imports(SRC / "formats" / f"{name}.py") - {name} <= set(FORMAT_HELPERS)


@pytest.mark.parametrize("path", sorted((SRC / "model").glob("*.py")), ids=lambda p: p.name)
def test_the_model_imports_nothing_above_it(path):
    ours = {name for name in imported_modules(path) if name.startswith("evidencebib.")}
    allowed = ("evidencebib.model", "evidencebib.errors")
    assert all(name.startswith(allowed) for name in ours), ours - {n for n in ours if n.startswith(allowed)}


def test_only_model_doi_implements_dois():
    # the old module path is a re-export, not a second implementation
    tree = ast.parse((SRC / "doi.py").read_text(encoding="utf-8"))
    assert not [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
