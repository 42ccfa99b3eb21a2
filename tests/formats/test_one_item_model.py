"""What the readers and writers do now that they share one item model (model/).

Each test is a behaviour that differed between formats, or lost data, before the model was
one; all go through the formats' public read/write functions only.
"""

from __future__ import annotations

import json

import pytest

from evidencebib.formats import bibtex, csl_json, endnote_xml, ris


def _ris(*lines: str) -> str:
    return "\r\n".join(("TY  - JOUR",) + lines + ("ER  - ", "")) + "\r\n"


def _endnote(inner: str) -> str:
    return ('<xml><records><record><ref-type name="Journal Article">17</ref-type>'
            f'{inner}</record></records></xml>')


# CSL 1.0.2 variables ----------------------------------------------------------------------

def test_csl_1_0_2_number_variables_survive_bibtex_storage():
    item = csl_json.read(json.dumps([{"id": "a", "type": "article-journal", "title": "T",
                                      "supplement-number": "2", "part": "3"}]))[0]
    back = bibtex.read(bibtex.write([item]))[0]
    assert back["supplement-number"] == "2" and back["part-number"] == "3"


def test_csl_1_0_2_variables_are_written_to_csl_json_not_dropped():
    item = {"id": "a", "type": "article-journal", "title": "T", "supplement-number": "2",
            "license": "CC-BY"}
    out = json.loads(csl_json.write([item]))[0]
    assert out["supplement"] == "2" and out["custom"]["license"] == "CC-BY"


def test_bibtex_files_written_with_the_data_schema_spelling_still_read():
    item = bibtex.read("@article{a, title = {T}, supplement = {S1}, printing = {2}}")[0]
    assert item["supplement-number"] == "S1" and item["printing-number"] == "2"


def test_a_biblatex_field_without_csl_variable_is_carried_not_invented():
    # `origlanguage` has no CSL variable: it travels in `custom`, and BibTeX writes it back
    item = bibtex.read("@book{a, title = {T}, origlanguage = {german}}")[0]
    assert "original-language" not in item and item["custom"] == {"origlanguage": "german"}
    assert "origlanguage = {german}" in bibtex.write([item])
    assert json.loads(csl_json.write([item]))[0]["custom"] == {"origlanguage": "german"}


# DOIs: one normaliser for every reader -----------------------------------------------------

@pytest.mark.parametrize("written", ["doi:10.1000/ABC", "https://doi.org/10.1000/ABC",
                                     "http://dx.doi.org/10.1000/ABC"])
def test_every_reader_stores_the_bare_doi(written):
    items = [bibtex.read(f"@article{{a, title = {{T}}, doi = {{{written}}}}}")[0],
             csl_json.read(json.dumps([{"id": "a", "type": "book", "DOI": written}]))[0],
             ris.read(_ris("TI  - T", f"DO  - {written}"))[0],
             endnote_xml.read(_endnote(f"<electronic-resource-num>{written}</electronic-resource-num>"))[0]]
    assert [item["DOI"] for item in items] == ["10.1000/ABC"] * 4


def test_a_prefixed_bibtex_doi_is_exported_as_a_doi():
    item = bibtex.read("@article{a, title = {T}, doi = {doi:10.1000/xyz}}")[0]
    assert "DO  - 10.1000/xyz\r\n" in ris.write([item])


# Truncated author lists: one rule -------------------------------------------------------------

def test_a_trailing_others_from_csl_json_is_a_truncated_list():
    item = csl_json.read(json.dumps([{"id": "a", "type": "book", "author": [
        {"family": "Smith", "given": "A."}, {"literal": "others"}]}]))[0]
    assert item["author"] == [{"family": "Smith", "given": "A."}] and item["_et_al"] == ["author"]
    assert "and others" in bibtex.write([item])


def test_ris_and_endnote_read_a_trailing_et_al_as_a_truncated_list():
    from_ris = ris.read(_ris("AU  - Smith, A.", "AU  - et al."))[0]
    from_xml = endnote_xml.read(_endnote(
        "<contributors><authors><author>Smith, A.</author><author>others</author></authors>"
        "</contributors>"))[0]
    for item in (from_ris, from_xml):
        assert item["author"] == [{"family": "Smith", "given": "A."}] and item["_et_al"] == ["author"]


def test_a_braced_others_in_bibtex_is_no_person():
    item = bibtex.read("@article{a, author = {Smith, A. and {Others}}, title = {T}}")[0]
    assert item["author"] == [{"family": "Smith", "given": "A."}] and item["_et_al"] == ["author"]
    assert "AU  - Others" not in ris.write([item])


# Values that say nothing are not stored ------------------------------------------------------

def test_a_bibtex_field_that_decodes_to_nothing_is_no_value():
    item = bibtex.read("@article{a, title = {{}}, journal = {J}, pages = {{}}, year = {{}}}")[0]
    assert "title" not in item and "page" not in item and "issued" not in item


def test_a_name_the_decoder_cannot_read_stays_visible():
    item = bibtex.read(r"@article{a, author = {\Thanh}, title = {T}}")[0]
    assert item["author"] == [{"family": r"\Thanh"}]  # kept as written, and reported:
    assert item["_notes"] == [r"author: \Thanh kept as written (not LaTeX we can read)"]


def test_a_bibtex_entry_with_an_empty_key_gets_a_readable_one():
    item = bibtex.read("@article{, author = {Lee, A.}, title = {T}, year = {2020}}", strict=False)[0]
    assert item["id"] == "lee2020"


def test_a_control_space_inside_a_name_is_no_problem_to_report():
    # bibtexparser's name parts end at the space of `L.\ Thiele`; the whole list decodes cleanly
    item = bibtex.read("@article{t, author = {Christina A. L.\\ Thiele}, title = {T}}")[0]
    assert item["author"] == [{"family": "Thiele", "given": "Christina A. L."}]
    assert "_notes" not in item
