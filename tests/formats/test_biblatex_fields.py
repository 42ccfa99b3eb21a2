"""biblatex fields with no BibTeX counterpart, read into CSL variables and written back
(redteam5 F12, F13, F14, F24, F48): the named `issue` of an article, `maintitle` of a part
of a multi-volume work, `@set`, `pubstate` keys, and `@online`'s `organization`."""

from __future__ import annotations

from evidencebib.formats import biblatex, bibtex
from evidencebib.render import render_bibliography

SPRING = ("@article{b10, author={A, B.}, title={Art}, journaltitle={J Med}, volume={1}, "
          "number={2}, issue={Spring}, date={2020}}")
MAINTITLE = ("@bookinbook{b6, author={Aristotle}, title={Poetics}, booktitle={Complete Works}, "
             "maintitle={Collected}, volume={2}, publisher={PUP}, date={1984}}")


def _item(text: str) -> dict:
    [item] = bibtex.read(text)
    return item


def test_an_articles_named_issue_is_printed_after_its_number_as_pandoc_reads_it():
    assert _item(SPRING)["issue"] == "2, Spring"


def test_an_articles_named_issue_is_printed_by_apa():
    [entry] = render_bibliography([_item(SPRING)], "apa", "text")
    assert "1(2, Spring)" in entry


def test_an_articles_named_issue_is_written_back_to_biblatex_as_number_and_issue():
    entry = biblatex.write([_item(SPRING)])
    assert "number = {2}," in entry and "issue = {Spring}," in entry


def test_an_articles_named_issue_alone_is_written_back_as_issue_not_number():
    entry = bibtex.write([_item(SPRING.replace("number={2}, ", ""))])
    assert "issue = {Spring}," in entry and "number =" not in entry


def test_maintitle_of_a_book_in_a_book_is_the_container_and_booktitle_the_volume_title():
    item = _item(MAINTITLE)
    assert (item["container-title"], item["volume-title"]) == ("Collected", "Complete Works")


def test_maintitle_of_a_book_in_a_book_is_printed_by_apa():
    [entry] = render_bibliography([_item(MAINTITLE)], "apa", "text")
    assert "In Collected: Vol. 2. Complete Works." in entry


def test_maintitle_and_booktitle_are_written_back_to_biblatex():
    entry = biblatex.write([_item(MAINTITLE)])
    assert "maintitle = {Collected}," in entry and "booktitle = {Complete {Works}}," in entry


def test_a_biblatex_set_is_no_reference_of_its_own_and_a_member_says_so():
    items = bibtex.read("@set{b8, entryset={b2,b3}}\n"
                        "@article{b2, author={A, B.}, title={One}, journal={J}, year={2020}}\n"
                        "@article{b3, author={C, D.}, title={Two}, journal={J}, year={2020}}\n")
    assert [item["id"] for item in items] == ["b2", "b3"]
    assert any("'b8'" in note and note.endswith("its members are read as references")
               for note in items[0]["_notes"])


def test_a_pubstate_key_is_read_as_the_phrase_biblatex_prints():
    item = _item("@article{p, author={S, J.}, title={T}, journal={J}, date={2020}, "
                 "pubstate={inpress}}")
    assert item["status"] == "in press"


def test_a_status_phrase_is_written_to_biblatex_as_its_pubstate_key():
    item = {"id": "p", "type": "article-journal", "title": "T", "container-title": "J",
            "issued": {"date-parts": [[2020]]}, "status": "in press"}
    assert "pubstate = {inpress}," in biblatex.write([item])


def test_an_online_entrys_organization_is_written_to_biblatex_as_organization():
    item = _item("@online{b1, title={Page}, organization={World Health Organization}, "
                 "url={https://who.int}, date={2020}}")
    entry = biblatex.write([item])
    assert "organization = {World Health Organization}," in entry and "publisher" not in entry


def test_a_volume_title_of_a_chapter_is_no_field_the_biblatex_export_warns_about():
    from evidencebib import api

    warnings = api.export_warnings([_item(MAINTITLE)], "biblatex")
    assert not any("volume-title" in warning for warning in warnings)


def test_an_export_whose_issue_holds_the_named_issue_does_not_warn_about_custom():
    from evidencebib import api

    [warning] = api.export_warnings([_item(SPRING.replace("date={2020}", "date={2020}, "
                                                          "pubstate={inpress}"))], "ris")
    assert "custom" not in warning


def test_a_biblatex_set_in_a_managed_bib_file_is_no_reference_of_its_own(tmp_path):
    from evidencebib.store.bibfile import BibFile

    path = tmp_path / "refs.bib"
    path.write_text("@set{b8, entryset={b2}}\n"
                    "@article{b2, author={A, B.}, title={One}, journal={J}, year={2020}}\n")
    assert [item["id"] for item in BibFile.load(path).items()] == ["b2"]


def test_an_export_of_stored_items_names_the_bibtex_field_a_variable_was_stored_under():
    from evidencebib import api

    item = _item("@article{p, author={S, J.}, title={T}, journal={J}, date={2020}, "
                 "pubstate={inpress}, addendum={Retracted}}")
    assert api.export_warnings([item], "ris", stored=True) == [
        "2 fields the RIS format cannot hold: pubstate (CSL status) ×1, addendum (CSL references) ×1"]


def test_a_status_spelled_as_a_pubstate_key_comes_back_as_written():
    item = {"id": "p", "type": "report", "title": "T", "issued": {"date-parts": [[2020]]},
            "status": "prepublished"}
    assert _item(biblatex.write([item]))["status"] == "prepublished"


def test_a_capitalised_status_phrase_comes_back_as_written():
    item = {"id": "p", "type": "report", "title": "T", "issued": {"date-parts": [[2020]]},
            "status": "In press"}
    assert _item(biblatex.write([item]))["status"] == "In press"


def test_a_series_number_written_as_number_is_not_named_as_lost():
    from evidencebib import api

    item = {"id": "b9", "type": "book", "title": "T", "publisher": "P",
            "collection-title": "Toronto Medieval Latin Texts", "collection-number": "33"}
    assert "number = {33}" in biblatex.write([item])
    assert not any("collection-number" in w for w in api.export_warnings([item], "biblatex"))
