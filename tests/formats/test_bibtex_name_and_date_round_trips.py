"""BibTeX/BibLaTeX exports write names and dates so that the import reads the same item back
(issue 15: "round trips through all five formats: every difference is either none or a
warning the command printed")."""

from __future__ import annotations

import pytest

from evidencebib.formats import biblatex, bibtex

MODULES = [bibtex, biblatex]


def _read(fields: str) -> dict:
    return bibtex.read("@book{k, title = {T}, " + fields + "}")[0]


@pytest.mark.parametrize("module", MODULES, ids=["bibtex", "biblatex"])
def test_a_given_name_alone_comes_back_as_a_given_name_not_an_organisation(module):
    item = {"id": "k", "type": "book", "title": "T", "author": [{"given": "David"}]}
    assert module.read(module.write([item]))[0]["author"] == [{"given": "David"}]


@pytest.mark.parametrize("module", MODULES, ids=["bibtex", "biblatex"])
def test_a_first_name_starting_with_the_word_and_is_braced_so_it_is_not_split(module):
    item = _read(r"author = {Brandt, {and} Oliver}")
    assert module.read(module.write([item]))[0]["author"] == item["author"]


def test_a_date_of_edtf_year_zero_alone_is_kept_as_written():
    # a lone year 0 is CSL-JSON's empty date, which every writer leaves out
    assert _read("eventdate = {0000}")["event-date"] == {"literal": "0000"}


@pytest.mark.parametrize("module", MODULES, ids=["bibtex", "biblatex"])
def test_a_date_of_year_zero_comes_back_from_the_export(module):
    item = _read("eventdate = {0000}")
    assert module.read(module.write([item]))[0]["event-date"] == item["event-date"]


def test_a_negative_edtf_year_is_still_a_date():
    assert _read("date = {-0333}")["issued"] == {"date-parts": [[-333]]}


@pytest.mark.parametrize("source, family", [(r"{\AA}ke Persson, Per Ola", "Åke Persson"),
                                            (r"{\O}ster Berg, A", "Øster Berg")])
def test_a_family_name_starting_with_an_upper_case_foreign_letter_has_no_particle(source, family):
    # btxdoc §4: a special character has the case of its letter (`{\AA}` is upper case)
    name = _read("author = {" + source + "}")["author"][0]
    assert name["family"] == family and "non-dropping-particle" not in name


def test_a_lower_case_foreign_letter_still_starts_a_particle():
    assert _read(r"author = {{\o}ster Berg, A}")["author"][0]["non-dropping-particle"] == "øster"


def test_the_medium_of_an_online_entry_is_named_by_the_biblatex_export():
    from evidencebib import api

    item = {"id": "k", "type": "webpage", "title": "T", "medium": "btxdoc.pdf",
            "URL": "http://x.org"}
    assert "medium ×1" in " ".join(api.export_warnings([item], "biblatex"))
