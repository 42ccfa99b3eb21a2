"""Literal dates (kept as written by the BibTeX reader: `urldate = {29 November 2011}`, no
ISO date) through the formats without a literal date of their own (issue 15: "round trips
through all five formats: every difference is either none or a warning the command
printed"): RIS keeps them literal (`DA  - ///text`), the EndNote XML export names those its
reader would parse as another date (its Date is free text)."""

from __future__ import annotations

from evidencebib import api
from evidencebib.formats import biblatex, endnote_xml, ris

PAGE = {"id": "a", "type": "webpage", "title": "T"}


def test_a_literal_date_of_numbers_comes_back_literal_from_ris():
    back = ris.read(ris.write([dict(PAGE, issued={"literal": "3.6.2019"})]))[0]
    assert back["issued"] == {"literal": "3.6.2019"}


def test_a_literal_date_in_words_comes_back_literal_from_ris():
    back = ris.read(ris.write([dict(PAGE, accessed={"literal": "29 November 2011"})]))[0]
    assert back["accessed"] == {"literal": "29 November 2011"}


def test_a_ris_season_as_other_info_beside_a_year_is_still_read():
    back = ris.read("TY  - ELEC\nTI  - T\nPY  - 2019///Spring\nER  - \n")[0]
    assert back["issued"] == {"date-parts": [[2019]], "season": 1}


def test_a_literal_date_endnote_would_read_as_another_date_is_named_by_the_export():
    item = dict(PAGE, accessed={"literal": "12/06/2019"})
    assert "accessed ×1" in " ".join(api.export_warnings([item], "endnote-xml"))


def test_a_literal_date_of_words_is_not_named_by_the_endnote_export():
    item = dict(PAGE, issued={"literal": "in press"})
    assert endnote_xml.read(endnote_xml.write([item]))[0]["issued"] == {"literal": "in press"}
    assert "issued" not in " ".join(api.export_warnings([item], "endnote-xml"))


def test_a_literal_date_biblatex_writes_as_a_pubstate_of_another_case_is_named_by_the_export():
    item = dict(PAGE, type="book", issued={"literal": "Forthcoming"})
    assert "issued ×1" in " ".join(api.export_warnings([item], "biblatex"))


def test_a_literal_date_biblatex_reads_back_from_its_pubstate_is_not_named():
    item = dict(PAGE, type="book", issued={"literal": "in press"})
    assert biblatex.read(biblatex.write([item]))[0]["issued"] == {"literal": "in press"}
    assert "issued" not in " ".join(api.export_warnings([item], "biblatex"))
