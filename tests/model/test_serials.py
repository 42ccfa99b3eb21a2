"""ISBN or ISSN: one classifier for every reader that meets both in one field."""

from __future__ import annotations

import pytest

from evidencebib.formats import endnote_xml, ris
from evidencebib.model.serials import add_serials, classify, kept_serials


@pytest.mark.parametrize("value, periodical, kind", [
    ("0028-0836", False, "ISSN"), ("1476-4687", True, "ISSN"), ("0000000X", False, "ISSN"),
    ("978-3-16-148410-0", True, "ISBN"), ("0-306-40615-2", True, "ISBN"), ("030640615X", True, "ISBN"),
    # 13 digits that do not begin 978/979 are no ISBN-13 (ISO 2108): the record type decides
    ("1234567890123", True, "ISSN"), ("1234567890123", False, "ISBN"),
    ("not a number", True, "ISSN"), ("not a number", False, "ISBN"),
])
def test_a_value_is_classified_by_its_form_then_by_the_record_type(value, periodical, kind):
    assert classify(value, periodical=periodical) == kind


def test_several_values_in_one_field_are_each_classified():
    item: dict = {}
    add_serials(item, "0028-0836; 1476-4687\n978-3-16-148410-0", periodical=True)
    assert item == {"ISSN": "0028-0836, 1476-4687", "ISBN": "978-3-16-148410-0"}


def test_ris_and_endnote_xml_read_the_same_serial_the_same_way():
    # before there was one model, EndNote took any 13 digits for an ISBN, RIS did not
    value = "1234567890123"
    from_ris = ris.read(f"TY  - JOUR\r\nTI  - T\r\nSN  - {value}\r\nER  - \r\n")[0]
    from_xml = endnote_xml.read(
        '<xml><records><record><ref-type name="Journal Article">17</ref-type>'
        f'<titles><title>T</title></titles><isbn>{value}</isbn></record></records></xml>')[0]
    assert from_ris.get("ISSN") == from_xml.get("ISSN") == value
    assert "ISBN" not in from_ris and "ISBN" not in from_xml


def test_a_value_that_reads_back_as_its_own_kind_is_kept():
    item = {"ISBN": "978-0-306-40615-7", "ISSN": "1234-5678"}
    assert kept_serials(item, periodical=True) == {"ISBN", "ISSN"}


def test_an_isbn_that_is_no_isbn_is_not_kept_in_a_periodical():
    # Mendeley's `isbn = {0021889813000}` on an @article: SN reads it back as an ISSN
    assert kept_serials({"ISBN": "0021889813000"}, periodical=True) == set()


def test_an_issn_with_pubmeds_label_is_not_kept():
    assert kept_serials({"ISSN": "0163-1829 (Print)"}, periodical=True) == set()


def test_an_issn_shared_with_a_junk_isbn_is_not_kept():
    item = {"ISSN": "1234-5678", "ISBN": "10.1039/C3NR01684F"}
    assert kept_serials(item, periodical=True) == set()
