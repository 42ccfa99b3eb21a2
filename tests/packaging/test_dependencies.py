"""The declared dependencies are what `src/` imports: no more, no fewer, and pinned where our
code promises to equal a library's behaviour.

Imports are read from the source with `ast` (also those inside functions, which is how the
heavy libraries are imported), mapped to the distributions that provide them through the
installed metadata, and compared with `[project] dependencies` in pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src" / "evidencebib"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> dict[str, str]:
    """Distribution name (canonical) -> its requirement text."""
    out = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0)
        out[_canonical(name)] = requirement
    return out


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"evidencebib", "__future__"}


def imported_distributions() -> set[str]:
    providers = importlib.metadata.packages_distributions()
    out = set()
    for module in imported_top_level_modules():
        assert module in providers, f"src/ imports {module!r}, which no installed distribution provides"
        out.update(_canonical(name) for name in providers[module])
    return out


def test_declared_dependencies_are_exactly_what_src_imports():
    assert imported_distributions() == set(declared())


def test_bibtexparser_is_pinned_to_the_version_our_splitter_mirrors():
    # formats/bibtex_split.py builds "exactly the Library" bibtexparser's splitter would
    # (tests/formats/test_bibtex_split.py compares them); that holds for one release only
    requirement = declared()["bibtexparser"]
    pinned = re.fullmatch(r"bibtexparser\s*==\s*([0-9][^\s;,]*)", requirement)
    assert pinned, f"bibtexparser must be pinned with ==, not {requirement!r}"
    assert importlib.metadata.version("bibtexparser") == pinned.group(1)


def test_citeproc_py_is_pinned_to_the_installed_version():
    # render/ is written against citeproc-py's internals (fingerprinted by the engine)
    pinned = re.fullmatch(r"citeproc-py\s*==\s*([0-9][^\s;,]*)", declared()["citeproc-py"])
    assert pinned and importlib.metadata.version("citeproc-py") == pinned.group(1)
