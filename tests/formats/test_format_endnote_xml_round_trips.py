"""EndNote XML round trips of values the EndNote XML form could confuse (issue 15: "round
trips through all five formats: every difference is either none or a warning the command
printed"). Each rule: the value comes back as it was, or `api.export_warnings` names it."""

from __future__ import annotations

from evidencebib import api
from evidencebib.formats import endnote_xml

BASE = {"id": "a", "type": "book", "title": "T", "author": [{"family": "Cassell", "given": "J."}]}


def trip(item):
    return endnote_xml.read(endnote_xml.write([item]))[0]


def test_a_pmid_field_holding_no_pmid_is_not_written_as_an_accession_number():
    item = dict(BASE, PMID="Cambridge University Press")
    text = endnote_xml.write([item])
    assert "Cambridge University Press" not in text
    assert "archive_location" not in trip(item)


def test_a_pmid_field_holding_no_pmid_is_named_by_the_export():
    warnings = " ".join(api.export_warnings([dict(BASE, PMID="Cambridge University Press")],
                                            "endnote-xml"))
    assert "PMID ×1" in warnings


def test_a_pmid_is_still_written_as_the_accession_number():
    assert trip(dict(BASE, PMID="9500320"))["PMID"] == "9500320"


def test_a_thin_space_in_a_page_number_comes_back_as_a_thin_space():
    back = trip(dict(BASE, type="article-journal", page="c\u20093"))
    assert back["page"] == "c\u20093"


def test_a_wrapped_title_is_read_as_one_line():
    text = endnote_xml.write([dict(BASE, title="X")]).replace(
        "<title>X</title>", "<title>Two\n      lines</title>")
    assert endnote_xml.read(text)[0]["title"] == "Two lines"


def test_a_control_character_xml_cannot_hold_is_named_by_the_export():
    item = dict(BASE, abstract="from 300\x01C to 900\x01C")
    assert "abstract ×1" in " ".join(api.export_warnings([item], "endnote-xml"))
    assert trip(item)["abstract"] == "from 300C to 900C"  # the rest of the text is kept


def test_a_braced_family_with_a_particle_like_word_comes_back_whole():
    braced = {"family": "van Gogh", "given": "Vincent"}  # BibTeX `{van Gogh}, Vincent`
    particle = {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}
    back = trip(dict(BASE, author=[braced, particle]))
    assert back["author"] == [braced, particle]
    assert "annote" not in back


def test_a_corporate_author_with_an_inner_comma_and_endnotes_trailing_comma_is_one_organisation():
    text = endnote_xml.write([dict(BASE, author=[{"family": "X", "given": "Y"}])]).replace(
        "X, Y", "Department of Health, Social Services and Public Safety,")
    assert endnote_xml.read(text)[0]["author"] == [
        {"literal": "Department of Health, Social Services and Public Safety"}]


def test_an_organisation_with_a_comma_comes_back_as_one_organisation():
    organisation = {"literal": "Miljø- og Teknikudvalget, Fredensborg Kommune"}
    item = dict(BASE, author=[organisation])
    assert trip(item)["author"] == [organisation]
    assert "author" not in " ".join(api.export_warnings([item], "endnote-xml"))


def test_a_person_is_still_read_as_last_and_first_names():
    text = endnote_xml.write([dict(BASE, author=[{"family": "Smith", "given": "John"}])])
    assert endnote_xml.read(text)[0]["author"] == [{"family": "Smith", "given": "John"}]


def _dated(text):
    return ("<xml><records><record><ref-type name=\"Journal Article\">17</ref-type>"
            "<titles><title>T</title></titles><dates><year>2019</year><pub-dates>"
            f"<date>{text}</date></pub-dates></dates></record></records></xml>")


def test_an_ambiguous_day_month_date_keeps_only_the_year(caplog):
    item = endnote_xml.read(_dated("12/06/2019"), source="t23.xml")[0]
    assert item["issued"] == {"date-parts": [[2019]]}
    assert "12/06/2019" in caplog.text and "t23.xml" in caplog.text


def test_an_ambiguous_day_month_date_is_kept_as_written():
    item = endnote_xml.read(_dated("12/06/2019"))[0]
    assert "12/06/2019" in endnote_xml.write([item])


def test_a_day_month_date_with_a_day_above_twelve_is_read_whole():
    assert endnote_xml.read(_dated("25/06/2019"))[0]["issued"] == {"date-parts": [[2019, 6, 25]]}


def test_an_ambiguous_day_month_date_without_a_year_field_gives_its_year():
    text = _dated("12/06/2019").replace("<year>2019</year>", "")
    assert endnote_xml.read(text)[0]["issued"] == {"date-parts": [[2019]]}


ARTICLE = dict(BASE, type="article-journal", **{"container-title": "J"})


def test_a_small_edition_number_of_an_article_comes_back_as_the_edition():
    back = trip(dict(ARTICLE, edition="2"))
    assert back.get("edition") == "2"
    assert "available-date" not in back


def test_an_edition_of_an_article_that_reads_as_an_epub_date_is_named_by_the_export():
    warnings = " ".join(api.export_warnings([dict(ARTICLE, edition="Fall 2015")], "endnote-xml"))
    assert "edition ×1" in warnings


def test_an_epub_date_in_the_edition_of_an_article_is_still_its_available_date():
    assert trip(dict(ARTICLE, **{"available-date": {"date-parts": [[2023, 8, 1]]}}))[
        "available-date"]["date-parts"] == [[2023, 8, 1]]
