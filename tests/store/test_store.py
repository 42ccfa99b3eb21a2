"""Storage guarantees of references/: exact bytes, minimal edits, atomic writes, no loss."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidencebib.errors import ParseError, StorageError, UsageError
from evidencebib.model import Condition
from evidencebib.store import BibFile, References, parse_meta, render_meta
from evidencebib.store.atomic import TEMP_PREFIX, sweep_temp_files, write_atomic

MESSY = (
    "\ufeff% A hand-kept file: comments, macros, odd spacing and a broken entry.\n"
    "@string{ajri = \"Am J Reprod Immunol\"}\n\n"
    "@ARTICLE{Banjar2023,\n\tAUTHOR = {Banjar, S. and Kadour, E. and others},\n"
    "\tjournal = ajri,\n\ttitle  = \"Intravenous {IVIg}\",\n\tyear = 2023, month = aug\n}\n"
    "stray text between entries\r\n"
    "@article{broken, title = {unbalanced }\n\n"
    "@book{who2020,\n  author = {{World Health Organization}},\n  title = {Guidelines},\n"
    "  year = {2020},\n  publisher = {WHO},\n  address = {Geneva}\n}"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_unchanged_file_saves_byte_for_byte(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    assert bib.text() == MESSY
    bib.save(tmp_path / "copy.bib")
    assert (tmp_path / "copy.bib").read_bytes() == path.read_bytes()


def test_saving_an_unchanged_file_does_not_touch_it(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    before = path.stat().st_mtime_ns, path.stat().st_ino
    assert BibFile.load(path).save() is False
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before


def test_latin1_file_saves_back_in_latin1(tmp_path):
    text = "@article{m, author = {M\xfcller, J.}, title = {Caf\xe9}, year = 1999}\n"
    path = write(tmp_path / "l.bib", text, "latin-1")
    bib = BibFile.load(path)
    assert bib.items()[0]["author"][0]["family"] == "Müller"
    bib.save(tmp_path / "copy.bib")
    assert (tmp_path / "copy.bib").read_bytes() == path.read_bytes()


def test_editing_one_entry_changes_only_that_entrys_bytes(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    item = bib.item("who2020")
    item["edition"] = "2"
    assert bib.update_item("who2020", item) is True
    bib.save()
    new = path.read_bytes().decode("utf-8")
    start = MESSY.index("@book{who2020")
    assert new[:start] == MESSY[:start]
    assert "edition = {2}" in new[start:]
    assert BibFile.load(path).item("who2020")["edition"] == "2"


def test_an_edit_keeps_macros_and_spelling_of_unchanged_fields(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    item = bib.item("Banjar2023")
    item["volume"] = "90"
    bib.update_item("Banjar2023", item)
    text = bib.text()
    assert "journal = ajri," in text
    assert 'title = "Intravenous {IVIg}"' in text
    assert "AUTHOR = {Banjar, S. and Kadour, E. and others}" in text
    assert text.startswith(MESSY[: MESSY.index("@ARTICLE")] + "@ARTICLE{Banjar2023,")


def test_updating_with_the_same_item_changes_nothing(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    for key in bib.keys():
        assert bib.update_item(key, bib.item(key)) is False
    assert bib.text() == MESSY


def test_fields_the_item_cannot_hold_survive_an_update(tmp_path):
    text = "@article{a,\n  title = {T},\n  file = {a.pdf},\n  groups = {rm},\n  year = {2001},\n}\n"
    bib = BibFile(text, tmp_path / "a.bib")
    item = bib.item("a")
    item["title"] = "New"
    bib.update_item("a", item)
    assert "file = {a.pdf}" in bib.text() and "groups = {rm}" in bib.text()


def test_failed_blocks_are_kept_verbatim_and_reported_with_their_line(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    assert "@article{broken, title = {unbalanced }" in bib.text()
    [problem] = bib.problems
    assert problem.location.line == 11 and problem.location.entry == "broken"
    assert str(path) in str(problem)
    with pytest.raises(ParseError, match="line 11"):
        bib.check()


def test_failed_blocks_are_not_annotated_on_save(tmp_path):
    path = write(tmp_path / "x.bib", MESSY)
    bib = BibFile.load(path)
    bib.add_item({"type": "book", "title": "New", "issued": {"date-parts": [[2024]]}})
    bib.save()
    bib2 = BibFile.load(path)
    bib2.add_item({"type": "book", "title": "Newer", "issued": {"date-parts": [[2024]]}})
    bib2.save()
    assert "WARNING" not in path.read_bytes().decode("utf-8")
    assert path.read_bytes().decode("utf-8").startswith(MESSY)


def test_duplicate_keys_are_kept_and_reported(tmp_path):
    text = "@article{a, title={One}}\n@article{a, title={Two}}\n"
    bib = BibFile(text, tmp_path / "d.bib")
    assert bib.text() == text
    assert [p.message for p in bib.problems] == ["duplicate citation key"]


def test_appended_entries_get_readable_unique_keys(tmp_path):
    bib = BibFile("", tmp_path / "n.bib")
    item = {"type": "article-journal", "author": [{"family": "Banjar", "given": "S."}],
            "issued": {"date-parts": [[2023]]}, "title": "One"}
    assert bib.add_item(item) == "banjar2023"
    assert bib.add_item(dict(item, title="Two")) == "banjar2023a"
    assert bib.add_item(dict(item, title="Three")) == "banjar2023b"


def test_appended_entries_are_separated_by_one_blank_line(tmp_path):
    bib = BibFile("@book{a, title={A}}", tmp_path / "n.bib")
    bib.add_item({"type": "book", "title": "B", "issued": {"date-parts": [[2020]]}})
    assert bib.text().startswith("@book{a, title={A}}\n\n@book{")
    assert bib.text().endswith("}\n")


def test_dois_are_found_case_insensitively_and_in_any_written_form(tmp_path):
    text = "@article{e, doi = {10.1002/14651858.cd002859.pub2}}\n"
    bib = BibFile(text, tmp_path / "e.bib")
    assert bib.find_doi("https://doi.org/10.1002/14651858.CD002859.PUB2") == "e"
    assert bib.find_doi("10.1002/other") is None


def test_atomic_write_leaves_the_old_file_when_the_rename_fails(tmp_path, monkeypatch):
    path = write(tmp_path / "x.bib", "old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(StorageError, match=r"x\.bib: cannot write the file \(disk full\)"):
        write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))


def test_atomic_write_replaces_the_file_through_a_rename(tmp_path):
    path = write(tmp_path / "x.bib", "old")
    inode = path.stat().st_ino
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_ino != inode


def test_temp_files_of_a_killed_writer_are_swept(tmp_path):
    leftover = tmp_path / f"{TEMP_PREFIX}x.bib.abc"
    leftover.write_bytes(b"half")
    assert sweep_temp_files(tmp_path) == [leftover]
    assert not leftover.exists()


def test_metadata_file_round_trips_every_character():
    meta = Condition("x", 'Title with "quotes", \\ and – dash', "Status.",
                     ["A <b>", "B & C"], "Level (Category 2b)", ["One.", "Two\ttabbed."])
    assert parse_meta(render_meta(meta), "x") == meta


def test_metadata_with_an_unknown_field_is_refused_with_its_file(tmp_path):
    with pytest.raises(ParseError, match="unknown field"):
        parse_meta('title = "T"\nauthor = "x"\n', "x", tmp_path / "x.toml")


def test_metadata_that_is_not_toml_names_the_line(tmp_path):
    with pytest.raises(ParseError, match="line 2"):
        parse_meta('title = "T"\nstatus = \n', "x", tmp_path / "x.toml")


def test_unknown_condition_is_a_usage_error(references):
    with pytest.raises(UsageError, match="unknown condition 'nope'"):
        References(references).load("nope")


def test_slugs_cannot_escape_the_references_directory(references):
    with pytest.raises(UsageError, match="not a condition name"):
        References(references).load("../etc/passwd")


def test_a_second_writer_is_refused_while_the_lock_is_held(references):
    refs = References(references)
    with refs.lock("recurrent-miscarriage"):
        with pytest.raises(UsageError, match="another evidencebib process"):
            with References(references).lock("recurrent-miscarriage", wait=False):
                pass


def test_condition_save_writes_nothing_when_nothing_changed(references):
    refs = References(references)
    condition = refs.load("recurrent-miscarriage")
    stamps = {p: p.stat().st_mtime_ns for p in references.iterdir()}
    condition.save()
    assert {p: p.stat().st_mtime_ns for p in references.iterdir()} == stamps
