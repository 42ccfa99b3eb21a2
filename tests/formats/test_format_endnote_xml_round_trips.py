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
