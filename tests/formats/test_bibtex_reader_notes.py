"""What the BibTeX reader keeps as written is said, with the entry (issue 15: nothing read
wrongly without a word; `import` prints these notes with file, line and key)."""

from __future__ import annotations

import pytest

from evidencebib import api
from evidencebib.formats import bibtex


def notes(entry: str) -> list[str]:
    return bibtex.read(entry)[0].get("_notes") or []


def test_an_undefined_string_macro_is_kept_as_its_name_and_noted():
    item = bibtex.read("@article{m, author={Macro, M}, title={Macro}, journal = jnl, year = 2020}")[0]
    assert item["container-title"] == "jnl"
    assert item["_notes"] == ["journal: @string 'jnl' is not defined in this file; read as the "
                              "text 'jnl'"]


def test_a_defined_macro_and_a_month_macro_are_no_note():
    assert notes("@string{jnl = {J Test}}\n"
                 "@article{m, title={T}, journal = jnl # { Suppl}, year = 2020, month = jan}") == []


def test_a_missing_crossref_parent_is_noted():
    assert notes("@incollection{x, author={Child, C}, title={Chapter}, crossref={missingparent}}") \
        == ["crossref: no entry 'missingparent' in this file; nothing is inherited from it"]


def test_a_crossref_parent_in_the_file_is_no_note():
    assert notes("@incollection{x, title={Chapter}, crossref={p}}\n"
                 "@book{p, title={Book}, year={2000}}") == []


@pytest.mark.parametrize("field, text", [("date", "2019-13-45"), ("urldate", "yesterday"),
                                         ("year", "2019a-b"), ("date", "2019-13"),
                                         ("date", "2019-02-30"), ("urldate", "2021-04-31")])
def test_a_date_that_is_no_date_is_kept_as_written_and_noted(field, text):
    item = bibtex.read(f"@article{{d, title={{T}}, {field} = {{{text}}}}}")[0]
    variable = "accessed" if field == "urldate" else "issued"
    assert item[variable] == {"literal": text}
    assert item["_notes"] == [f"{field}: {text!r} is no date we can read; kept as written "
                              "(styles print it as it is)"]


@pytest.mark.parametrize("text, what", [
    ("../2019", "is an open start (EDTF '../'), which no CSL date holds"),
    ("201X", "has unspecified digits (EDTF 'X'), which no CSL date holds")])
def test_an_edtf_date_no_csl_date_holds_is_kept_as_written_and_the_note_says_why(text, what):
    item = bibtex.read(f"@misc{{d, title={{T}}, date = {{{text}}}}}")[0]
    assert item["issued"] == {"literal": text}
    assert item["_notes"] == [f"date: {text!r} {what}; kept as written (styles print it as it is)"]


def test_the_time_of_a_datetime_is_noted_as_left_out():
    item = bibtex.read("@misc{d, title={T}, date = {2020-05-06T10:11:12Z}}")[0]
    assert item["issued"] == {"date-parts": [[2020, 5, 6]]}
    assert item["_notes"] == ["date: the time of day of '2020-05-06T10:11:12Z' is left out (a CSL "
                              "date holds no time); the date is kept"]


@pytest.mark.parametrize("day", ["30", "x"])
def test_a_day_the_month_does_not_have_is_noted_and_the_year_and_month_kept(day):
    item = bibtex.read(f"@misc{{d, title={{T}}, year = 2019, month = feb, day = {{{day}}}}}")[0]
    assert item["issued"] == {"date-parts": [[2019, 2]]}
    assert item["_notes"] == [f"day: {day!r} is no day of that month; the year and month are "
                              "read alone"]


def test_a_literal_date_of_words_is_no_note():
    item = bibtex.read("@misc{n, title={T}, year = {n.d.}}")[0]
    assert item["issued"] == {"literal": "n.d."} and "_notes" not in item


@pytest.mark.parametrize("names, families", [("and", []), ("Smith, J. and", ["Smith"]),
                                             ("and Smith, J.", ["Smith"])])
def test_a_stray_and_is_no_person(names, families):
    item = bibtex.read(f"@article{{a, author = {{{names}}}, title = {{T}}, year = 2020}}")[0]
    assert [n["family"] for n in item.get("author", [])] == families
    assert item["_notes"] == ["author: a stray 'and' (a name left empty) is left out"]


def test_names_with_and_inside_a_word_are_no_stray_and():
    item = bibtex.read("@article{a, author = {Anderson, A. and Sand, Q.}, title={T}, year=2020}")[0]
    assert [n["family"] for n in item["author"]] == ["Anderson", "Sand"] and "_notes" not in item


def test_import_prints_the_notes_with_file_line_and_key():
    items = bibtex.read("@article{m, title={Macro}, journal = jnl, year = 2020}")
    assert api.import_notes(items, "bad.bib") == [
        "bad.bib, line 1, entry 'm': journal: @string 'jnl' is not defined in this file; read "
        "as the text 'jnl'"]



# Hand-written author lists that BibTeX's name grammar does not read as meant (redteam5 F6, F23).

@pytest.mark.parametrize("authors", ["Born, L. and et al.", "Born, L., et al.", "Born, L. and et. al.",
                                     "Born, L. and al., et"])
def test_et_al_written_as_a_name_truncates_the_list_without_a_person_named_al(authors):
    item = bibtex.read(f"@article{{n, author={{{authors}}}, title={{T}}, year=2020}}")[0]
    assert item["author"] == [{"family": "Born", "given": "L."}]
    assert item["_et_al"] == ["author"]


def test_names_separated_by_semicolons_are_noted():
    assert notes("@article{n, author={Smith, J.; Doe, J.}, title={T}, year=2020}") == [
        "author: 'Smith, J.; Doe, J.': names separated by ';' (BibTeX separates names with 'and')"]


def test_names_separated_by_commas_are_noted():
    assert notes("@article{n, author={Born L, Smith J, et al.}, title={T}, year=2020}") == [
        "author: 'Born L, Smith J, et al.': 'Smith J' read as the suffix (Jr.) of one name: names "
        "separated by commas? (BibTeX separates names with 'and')"]


def test_a_semicolon_after_each_name_of_an_and_list_is_left_out_and_noted():
    item = bibtex.read("@article{n, author={Baibich, M.N.; and Broto, J.M.;}, title={T}, year=2020}")[0]
    assert item["author"] == [{"family": "Baibich", "given": "M.N."}, {"family": "Broto", "given": "J.M."}]
    assert item["_notes"] == ["author: the ';' after 2 names is left out"]


def test_a_name_of_punctuation_only_is_left_out_and_noted():
    item = bibtex.read("@article{n, author={, }, title={T}, year=2020}")[0]
    assert "author" not in item
    assert item["_notes"] == ["author: ',': an empty name (left out)"]


def test_a_generational_suffix_is_no_note():
    assert notes("@article{n, author={King, Jr., Martin Luther and Doe, III, John}, title={T}, "
                 "year=2020}") == []
