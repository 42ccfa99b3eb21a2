"""BibFile's edits behind remove, move, copy, rename-key and edit: only the bytes they are
about change."""

from __future__ import annotations

import pytest

from evidencebib.errors import ParseError, UsageError
from evidencebib.store import BibFile

TEXT = ("% kept comment\n@book{parent,\n  title = {Proceedings},\n  year = {2020},\n}\n\n"
        "@inproceedings{child,\n  title = {A paper},\n  crossref = {parent},\n}\n\n"
        "@article{other,\n  title = {Other},\n}\n")


def test_rename_key_changes_the_key_and_the_crossref_fields_that_name_it():
    bib = BibFile(TEXT)
    bib.rename_key("parent", "proc2020")
    assert bib.text() == TEXT.replace("@book{parent,", "@book{proc2020,").replace(
        "crossref = {parent}", "crossref = {proc2020}")
    assert bib.item("child")["container-title"] == "Proceedings"


def test_replace_raw_refuses_text_that_is_not_one_entry():
    bib = BibFile(TEXT)
    with pytest.raises(ParseError):
        bib.replace_raw("other", "@article{other,\n  title = {open\n")
    with pytest.raises(ParseError, match="expected one BibTeX entry, found 2"):
        bib.replace_raw("other", "@article{a, title={x}}\n@article{b, title={y}}")
    with pytest.raises(UsageError, match="already used"):
        bib.replace_raw("other", "@article{child, title = {x}}")
    assert bib.text() == TEXT


def test_add_raw_keeps_the_entry_text_and_separates_it_by_one_blank_line():
    bib = BibFile(TEXT)
    entry = "@misc{new,\n  note   =   {odd   spacing},\n}"
    assert bib.add_raw(entry) == "new"
    assert bib.text() == TEXT + "\n" + entry + "\n"


def test_remove_keeps_comments():
    bib = BibFile(TEXT)
    bib.remove("parent")
    assert bib.text().startswith("% kept comment\n@inproceedings{child,")
