"""`evidencebib import` of EndNote tagged / Refer (.enw) files, and what it says about a file no
reader handles (issue 15: `.enw` files were refused with no hint)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import tree_digest
from evidencebib.cli import main
from evidencebib.cli.interop import import_command
from evidencebib.formats import detect

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "refer"
CONDITION = "recurrent-miscarriage"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _from_choices() -> list[str]:
    option = next(p for p in import_command.params if p.name == "from_")
    return list(option.type.choices)  # type: ignore[attr-defined]


def test_an_enw_file_is_imported_without_naming_its_format(references):
    result = invoke("import", str(FIXTURES / "publishers.enw"), "--into", CONDITION,
                    "--references", str(references))
    assert result.exit_code == 0, result.output
    assert "4 added" in result.output


@pytest.mark.parametrize("name", ["enw", "refer"])
def test_from_enw_reads_a_file_whatever_its_name(name, references, tmp_path):
    source = tmp_path / "download.txt"
    shutil.copy(FIXTURES / "endnote-manual.enw", source)
    result = invoke("import", str(source), "--from", name, "--into", CONDITION,
                    "--references", str(references))
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output


def test_tags_a_condition_cannot_store_are_named(references):
    result = invoke("import", str(FIXTURES / "zotero-referbibix.enw"), "--into", CONDITION,
                    "--references", str(references))
    assert result.exit_code == 0, result.output
    assert "Refer %+ ×3" in result.output and "(not stored)" in result.output


def test_a_file_no_reader_handles_names_the_file_and_the_from_choices(references, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("Some free text\nthat is no reference file\n", encoding="utf-8")
    before = tree_digest(references)
    result = CliRunner().invoke(main, ["import", str(source), "--into", CONDITION,
                                       "--references", str(references)])
    assert result.exit_code == 2
    assert str(source) in result.output
    assert "--from " + "|".join(_from_choices()) in result.output
    assert tree_digest(references) == before


def test_an_enw_named_file_that_is_not_one_suggests_from_enw(references, tmp_path):
    source = tmp_path / "refs.enw"
    source.write_text("Some free text\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "--into", CONDITION,
                                       "--references", str(references)])
    assert result.exit_code == 2
    assert "the file name suggests enw: try --from enw" in result.output


def test_a_zotero_rdf_file_is_refused_with_the_export_to_use(references, tmp_path):
    source = tmp_path / "My Library.rdf"
    source.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                      'xmlns:z="http://www.zotero.org/namespaces/export#">\n'
                      '<bib:Article rdf:about="#item_1"/></rdf:RDF>\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(source), "--into", CONDITION,
                                       "--references", str(references)])
    assert result.exit_code == 2
    assert "Zotero RDF" in result.output and "'CSL JSON' or 'RIS'" in result.output


def test_the_from_choices_are_what_error_messages_name():
    assert _from_choices() == list(detect.FROM_CHOICES)
