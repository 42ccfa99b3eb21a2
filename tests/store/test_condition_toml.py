"""The condition's .toml is the editors' file: untouched unless its page text changed, and
then edited in place (comments, order, spacing and line endings kept)."""

from __future__ import annotations

import tomllib

import pytest

from evidencebib import api
from evidencebib.errors import EvidenceError, ParseError
from evidencebib.model import Condition
from evidencebib.store import References, parse_meta, render_meta

EDITED = (
    "# Recurrent miscarriage: reviewed by the panel, 2024-03.\n"
    "# Do not change the level without the chair.\n"
    "\n"
    "title = \"Recurrent miscarriage\"   # the published title\n"
    "level_of_evidence = \"Category 2b\"\n"
    "status = \"Condition for which Ig is not supported.\"\n"
    "\n"
    "statement = [\n"
    "  \"First paragraph.\",  # from the 2018 version\n"
    "  \"Second paragraph.\",\n"
    "]\n"
)

ITEM = {"type": "article-journal", "title": "A trial", "author": [{"family": "Banjar", "given": "S."}],
        "issued": {"date-parts": [[2023]]}, "DOI": "10.1000/trial.1"}


def _condition(tmp_path, text: str, *, newline: str = "\n") -> tuple[References, bytes]:
    refs = References(tmp_path)
    data = text.replace("\n", newline).encode("utf-8")
    (tmp_path / "rm.toml").write_bytes(data)
    (tmp_path / "rm.bib").write_bytes(b"")
    return refs, data


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_adding_entries_leaves_an_edited_toml_byte_for_byte(tmp_path, newline):
    refs, before = _condition(tmp_path, EDITED, newline=newline)
    api.add_items(refs, "rm", [ITEM])
    assert (tmp_path / "rm.toml").read_bytes() == before


def test_enrichment_and_dois_leave_the_toml_alone(tmp_path):
    refs, before = _condition(tmp_path, EDITED)
    api.add_items(refs, "rm", [dict(ITEM, DOI=None)])
    key = refs.load("rm").bib.keys()[0]
    stamp = (tmp_path / "rm.toml").stat().st_mtime_ns
    api.write_dois(refs, "rm", {key: "10.1000/found"})
    assert (tmp_path / "rm.toml").read_bytes() == before
    assert (tmp_path / "rm.toml").stat().st_mtime_ns == stamp


def test_a_changed_field_is_edited_in_place_keeping_comments_and_order(tmp_path):
    refs, _ = _condition(tmp_path, EDITED)
    condition = refs.load("rm")
    condition.meta.status = "Condition for which Ig is supported."
    condition.save()
    text = (tmp_path / "rm.toml").read_text(encoding="utf-8")
    assert text == EDITED.replace("is not supported", "is supported")


def test_a_changed_list_keeps_its_comments_and_layout(tmp_path):
    refs, _ = _condition(tmp_path, EDITED)
    condition = refs.load("rm")
    condition.meta.statement = ["First paragraph.", "Second paragraph.", "Third paragraph."]
    condition.meta.specific_conditions = ["Women with three or more losses"]
    condition.save()
    text = (tmp_path / "rm.toml").read_text(encoding="utf-8")
    assert text.startswith(EDITED[:EDITED.index("statement")])
    assert '  "First paragraph.",  # from the 2018 version\n' in text
    assert '  "Third paragraph.",\n' in text
    assert parse_meta(text, "rm") == condition.meta


def test_an_edit_of_a_crlf_toml_keeps_crlf_everywhere(tmp_path):
    refs, _ = _condition(tmp_path, EDITED, newline="\r\n")
    condition = refs.load("rm")
    condition.meta.statement = ["Only paragraph."]
    condition.meta.specific_conditions = ["Added list", "of two"]
    condition.save()
    data = (tmp_path / "rm.toml").read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b"# Do not change the level without the chair.\r\n" in data


def test_replacing_a_condition_from_its_page_keeps_the_editors_comments(tmp_path, references):
    refs = References(references)
    toml = references / "recurrent-miscarriage.toml"
    toml.write_text("# kept by the editors\n" + toml.read_text(encoding="utf-8"), encoding="utf-8")
    from conftest import SEED_PAGE

    api.import_page(refs, SEED_PAGE, replace=True)
    assert toml.read_text(encoding="utf-8").startswith("# kept by the editors\n")


def test_a_new_condition_gets_a_complete_toml():
    meta = Condition("x", "Title", "Status.", ["One"], "Level", ["Para."])
    text = render_meta(meta)
    assert text.startswith("# Condition page of evidencebib; its bibliography is x.bib")
    assert tomllib.loads(text)["specific_conditions"] == ["One"]
    assert parse_meta(text, "x") == meta


def test_shipped_toml_renders_as_it_is_stored(references):
    path = references / "recurrent-miscarriage.toml"
    text = path.read_text(encoding="utf-8")
    assert render_meta(parse_meta(text, "recurrent-miscarriage")) == text


# -- hostile .toml files: one line naming the file, for every command ----------------------

@pytest.mark.parametrize("body, message", [
    (b'title = "Caf\xe9"\n', r"rm\.toml, line 1: not UTF-8"),
    (b"title = 'T'\nstatement = " + b"[" * 10000 + b"]" * 10000 + b"\n", r"rm\.toml: .*nested"),
    (b"title = 'T'\nstatus = " + b"7" * 5000 + b"\n", r"rm\.toml.*not valid TOML"),
])
def test_a_hostile_toml_is_a_one_line_error_naming_the_file(tmp_path, body, message):
    (tmp_path / "rm.toml").write_bytes(body)
    with pytest.raises(ParseError, match=message):
        References(tmp_path).load("rm")


ALL_CONDITIONS = [["conditions"], ["render"], ["export", "--to", "ris"], ["site", "-o", "SITE"]]


def _invoke_on_a_toml_that_is_not_utf8(tmp_path, command, *extra):
    from click.testing import CliRunner

    from evidencebib.cli import main

    references = tmp_path / "references"
    references.mkdir()
    (references / "rm.toml").write_bytes(b'title = "Caf\xe9"\n')
    arguments = [{"SITE": str(tmp_path / "site")}.get(word, word) for word in command]
    return CliRunner().invoke(main, [*arguments, *extra, "--references", str(references)])


@pytest.mark.parametrize("command", ALL_CONDITIONS, ids=" ".join)
def test_a_command_over_all_conditions_names_a_toml_that_is_not_utf8_and_goes_on(tmp_path, command):
    """One unreadable condition never stops a command over all of them (tests/cli/test_broken_condition.py):
    it is named with file and line, the rest is done, and the exit status is 0."""
    result = _invoke_on_a_toml_that_is_not_utf8(tmp_path, command)
    assert result.exit_code == 0, result.output
    assert "rm.toml, line 1: not UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ALL_CONDITIONS, ids=" ".join)
def test_strict_fails_a_command_over_all_conditions_on_a_toml_that_is_not_utf8(tmp_path, command):
    result = _invoke_on_a_toml_that_is_not_utf8(tmp_path, command, "--strict")
    assert result.exit_code == 1, result.output
    assert "rm.toml, line 1: not UTF-8" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [
    ["render", "rm"], ["page", "rm"], ["cite", "rm", "x"],
    ["import", "ITEMS", "--into", "rm", "--from", "csl-json"],
], ids=lambda command: " ".join(word for word in command if word.isalpha()))
def test_every_command_reports_a_toml_that_is_not_utf8_without_a_traceback(tmp_path, command):
    from click.testing import CliRunner

    from evidencebib.cli import main

    references = tmp_path / "references"
    references.mkdir()
    (references / "rm.toml").write_bytes(b'title = "Caf\xe9"\n')
    (tmp_path / "items.json").write_text("[]", encoding="utf-8")
    arguments = [{"SITE": str(tmp_path / "site"), "ITEMS": str(tmp_path / "items.json")}
                 .get(word, word) for word in command]
    result = CliRunner().invoke(main, [*arguments, "--references", str(references)])
    assert result.exit_code == 2, result.output
    assert "rm.toml, line 1: not UTF-8" in result.output
    assert "Traceback" not in result.output


def test_a_toml_that_is_a_directory_is_a_one_line_error(tmp_path):
    (tmp_path / "rm.toml").mkdir()
    with pytest.raises(EvidenceError, match=r"rm\.toml: cannot read file"):
        References(tmp_path).load("rm")
