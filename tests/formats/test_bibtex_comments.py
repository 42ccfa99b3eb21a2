"""`%` comments in a .bib file are comments, as biber (btparse) and pandoc read them: a line
commented out between an entry's fields is no field and no part of the next field's name;
an entry commented out (`% @article{…}`) is not read, and every command that reports
unparsed blocks names it. The store keeps the comments in the file (issue 15, red-team F55,
round-trip cause 1)."""

from __future__ import annotations

from evidencebib.formats import bibtex, bibtex_split
from evidencebib.store.bibfile import BibFile

ENTRY = """@article{a,
  author = {Doe, J.}, % the first author
  title = {Response in 10\\% of patients},
  % note = {old},
  journal = {J},
  url = {http://x.org/a%20b},
  year = 2020
}
"""

COMMENTED = """% @article{gone, author={X, X.}, title={Commented out}, journal={J}, year=2020}
@article{kept, author={Y, Y.}, title={Kept}, journal={J}, year=2021}
"""


def read_one(text: str) -> dict:
    (item,) = bibtex.read(text)
    return item


def test_a_commented_out_field_line_is_no_field():
    item = read_one(ENTRY)
    assert "note" not in item
    assert "_bibtex" not in item  # no BibTeX extra named '% note'


def test_a_comment_line_is_not_read_into_the_next_field_name():
    text = ENTRY.replace("  % note = {old},\n", "  % the journal, as printed\n")
    item = read_one(text)
    assert item["container-title"] == "J"
    assert "_bibtex" not in item


def test_a_comment_after_a_field_comma_is_not_read_into_the_next_field_name():
    item = read_one(ENTRY)
    assert item["title"] == "Response in 10% of patients"


def test_a_percent_inside_a_value_is_text():
    item = read_one(ENTRY)
    assert item["URL"] == "http://x.org/a%20b"


def test_an_export_to_a_format_without_a_place_for_comments_names_them():
    from evidencebib import api

    items = BibFile(ENTRY).items()
    for fmt in ("ris", "csl-json", "endnote-xml", "bibtex"):
        assert any("'%' comments" in w and ": a" in w for w in api.export_warnings(items, fmt)), fmt
    assert not any("'%' comments" in w for w in api.export_warnings(items, "biblatex"))


def test_the_store_keeps_an_entry_with_comments_byte_for_byte():
    assert BibFile(ENTRY).text() == ENTRY


def test_an_edit_of_another_field_keeps_the_comments_where_they_were():
    bib = BibFile(ENTRY)
    item = bib.item("a")
    item["volume"] = "7"
    assert bib.update_item("a", item)
    text = bib.text()
    assert "  author = {Doe, J.}, % the first author\n" in text
    assert "  title = {Response in 10\\% of patients},\n  % note = {old},\n  journal = {J}," in text


def test_an_edit_that_drops_the_field_before_a_comment_keeps_the_comment():
    bib = BibFile(ENTRY)
    item = bib.item("a")
    del item["title"]
    bib.update_item("a", item)
    assert "% note = {old}," in bib.text()


def test_an_entry_commented_out_is_not_read():
    assert [item["id"] for item in bibtex.read(COMMENTED)] == ["kept"]


def test_an_entry_commented_out_is_reported_with_file_line_and_key():
    problems: list = []
    bibtex.read("\n" + COMMENTED, source="t44.bib", problems=problems)
    (problem,) = problems
    assert (problem.location.file, problem.location.line, problem.location.entry) == \
        ("t44.bib", 2, "gone")
    assert "commented out" in str(problem)


def test_the_store_reports_an_entry_commented_out_but_reads_the_file():
    bib = BibFile(COMMENTED)
    bib.check()  # no parse problem: the file is read
    assert [p.location.entry for p in bib.commented] == ["gone"]
    assert bib.text() == COMMENTED


def test_a_commented_out_copy_of_an_entry_does_not_rename_the_entry():
    text = "%@ARTICLE{k,\n%  TITLE = {Old}\n%}\n\n@ARTICLE{k,\n  TITLE = {New}\n}\n"
    assert [(item["id"], item["title"]) for item in bibtex.read(text)] == [("k", "New")]


def test_an_escaped_percent_between_blocks_starts_no_comment():
    text = "\\% @article{x, title={T}}\n"
    assert [item["id"] for item in bibtex.read(text, strict=False)] == ["x"]


def test_a_percent_inside_a_quoted_value_is_text():
    (item,) = bibtex.read('@article{q, title = "Response in 50% of cases", year = 2020}')
    assert item["title"] == "Response in 50% of cases"


def test_a_percent_inside_a_comment_block_is_left_alone():
    text = "@comment{jabref-meta: 50% % @article{x,}\n@article{y, title={T}, year=2020}"
    assert bibtex_split.comments(text) == []


def test_a_comment_in_an_entry_with_a_quoted_value_is_found():
    text = '@article{q,\n  title = "A, B",\n  % year = 1999,\n  year = 2020\n}\n'
    (item,) = bibtex.read(text)
    assert item["issued"] == {"date-parts": [[2020]]} and "_bibtex" not in item


def test_a_bibtex_export_writes_no_comment_inside_an_entry():
    """bibtex.exe has no comment character inside an entry: "You're missing a field name"."""
    text = bibtex.write(bibtex.read(ENTRY))
    assert "% the first author" not in text and "% note" not in text


def test_a_biblatex_export_writes_the_comments_back_with_the_entry():
    from evidencebib.formats import biblatex

    text = biblatex.write(bibtex.read(ENTRY))
    assert "  author = {Doe, J.}, % the first author\n" in text
    assert "  % note = {old},\n  journaltitle = {J}," in text


def test_a_biblatex_export_writes_the_comments_after_the_renamed_field():
    from evidencebib.formats import biblatex

    text = biblatex.write(bibtex.read(ENTRY.replace("  journal = {J},\n", "  journal = {J}, % J.\n")))
    assert "  journaltitle = {J}, % J.\n" in text


def test_an_imported_entry_keeps_its_comments_in_the_store():
    (item,) = bibtex.read(ENTRY)
    bib = BibFile("")
    bib.add_item({k: v for k, v in item.items() if not k.startswith("_") or k == bibtex.COMMENTS_KEY})
    assert "% note = {old}," in bib.text() and "% the first author" in bib.text()
    assert bibtex.read(bib.text())[0].get("note") is None


def test_the_store_gives_an_export_the_comments_of_its_entries():
    from evidencebib.formats import biblatex

    assert "% note = {old}," in biblatex.write(BibFile(ENTRY).items())


def test_a_new_entry_never_takes_the_key_of_an_entry_commented_out():
    bib = BibFile(COMMENTED)
    key = bib.add_item({"type": "book", "title": "New", "author": [{"family": "Z"}]}, key="gone")
    assert key != "gone"
