"""Issue 15, item 6, on the command line: JabRef's bookkeeping fields (`file`, `groups`,
`owner`, `timestamp`) are neither dropped on import nor lost silently on export, and an export
that cannot mark a truncated author list (`and others`) says so and suggests `enrich`.

The tests drive the command line in a subprocess on files they write, so they run unchanged on
older trees (tests/tools/run_on_tree.sh).
"""

from __future__ import annotations

from pathlib import Path
from cli_process import run

JABREF = ("@article{born2019,\n  author = {Born, L.},\n  title = {Title},\n  journal = {J},\n"
          "  year = {2019},\n  file = {:born.pdf:PDF},\n  groups = {IVIg},\n  owner = {editor},\n"
          "  timestamp = {2019-01-01}\n}\n")
TRUNCATED = "@article{born2019,\n  author = {Born, L. and others},\n  title = {Title},\n  year = {2019}\n}\n"




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


# -- file links from RIS and EndNote XML are stored in BibTeX's `file` (redteam5 F50) --------

ZOTERO_RIS = ("TY  - JOUR\r\nTI  - Title\r\nAU  - Born, L.\r\nPY  - 2019\r\n"
              "L1  - file:///home/u/Zotero/storage/X/born.pdf\r\nER  - \r\n")
ENDNOTE_PDF = ("<xml><records><record><ref-type name=\"Journal Article\">17</ref-type>"
               "<contributors><authors><author>Born, L.</author></authors></contributors>"
               "<titles><title>Title</title></titles><dates><year>2019</year></dates>"
               "<urls><pdf-urls><url>internal-pdf://0123/born.pdf</url></pdf-urls></urls>"
               "</record></records></xml>")


def test_importing_a_ris_file_link_stores_it_in_bibtex_file(tmp_path):
    refs = condition(tmp_path)
    source = tmp_path / "zotero.ris"
    source.write_text(ZOTERO_RIS, encoding="utf-8")
    result = run("import", str(source), "--into", "jabref", references=refs)
    assert result.returncode == 0, result.stderr
    assert "file = {file:///home/u/Zotero/storage/X/born.pdf}" in \
        (refs / "jabref.bib").read_text(encoding="utf-8")
    assert "L1" not in result.stderr


def test_importing_an_endnote_pdf_link_stores_it_in_bibtex_file(tmp_path):
    refs = condition(tmp_path)
    source = tmp_path / "endnote.xml"
    source.write_text(ENDNOTE_PDF, encoding="utf-8")
    result = run("import", str(source), "--into", "jabref", references=refs)
    assert result.returncode == 0, result.stderr
    assert "file = {internal-pdf://0123/born.pdf}" in (refs / "jabref.bib").read_text(encoding="utf-8")
    assert "pdf-urls" not in result.stderr
