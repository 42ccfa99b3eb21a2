"""Issue 15, item 6, on the command line: JabRef's bookkeeping fields (`file`, `groups`,
`owner`, `timestamp`) are neither dropped on import nor lost silently on export, and an export
that cannot mark a truncated author list (`and others`) says so and suggests `enrich`.

The tests drive the command line in a subprocess on files they write, so they run unchanged on
older trees (tests/tools/run_on_tree.sh).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

JABREF = ("@article{born2019,\n  author = {Born, L.},\n  title = {Title},\n  journal = {J},\n"
          "  year = {2019},\n  file = {:born.pdf:PDF},\n  groups = {IVIg},\n  owner = {editor},\n"
          "  timestamp = {2019-01-01}\n}\n")
TRUNCATED = "@article{born2019,\n  author = {Born, L. and others},\n  title = {Title},\n  year = {2019}\n}\n"


def run(*args: str, references: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "evidencebib", *args, "--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "EVIDENCEBIB_NO_RENDER_CACHE": "1"})


def condition(tmp_path: Path, bib: str = "") -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "jabref.toml").write_text('title = "JabRef"\n', encoding="utf-8")
    (refs / "jabref.bib").write_text(bib, encoding="utf-8")
    return refs


def test_importing_a_jabref_file_keeps_the_fields_that_have_no_csl_variable(tmp_path):
    refs = condition(tmp_path)
    source = tmp_path / "export.bib"
    source.write_text(JABREF, encoding="utf-8")
    result = run("import", str(source), "--into", "jabref", "--keep-keys", references=refs)
    assert result.returncode == 0, result.stderr
    stored = (refs / "jabref.bib").read_text(encoding="utf-8")
    for field in ("file = {:born.pdf:PDF}", "groups = {IVIg}", "owner = {editor}",
                  "timestamp = {2019-01-01}"):
        assert field in stored


def test_an_export_names_the_fields_the_format_cannot_hold(tmp_path):
    refs = condition(tmp_path, JABREF)
    result = run("export", "jabref", "--to", "medline", "-o", str(tmp_path / "out.txt"),
                 references=refs)
    assert result.returncode == 0, result.stderr
    assert "fields the MEDLINE format cannot hold: file ×1, groups ×1, owner ×1, timestamp ×1" \
        in result.stderr


def test_an_export_to_ris_warns_of_a_truncated_author_list_and_suggests_enrich(tmp_path):
    refs = condition(tmp_path, TRUNCATED)
    result = run("export", "jabref", "--to", "ris", "-o", str(tmp_path / "out.ris"),
                 references=refs)
    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "truncated author list" in line]
    assert warning and "born2019" in warning[0] and "enrich" in warning[0], result.stderr
