"""RIS round trips of values the RIS form could confuse (issue 15: "round trips through all
five formats: every difference is either none or a warning the command printed").

Each rule is one behaviour of the writer and reader together: the value comes back as it was,
or `api.export_warnings` names it.
"""

from __future__ import annotations

from evidencebib import api
from evidencebib.formats import ris

BASE = {"id": "a", "type": "article-journal", "title": "T", "container-title": "J"}


def trip(item):
    return ris.read(ris.write([item]))[0]


def test_a_note_that_is_only_a_pmid_line_comes_back_as_the_note_not_as_the_pmid():
    back = trip(dict(BASE, note="PMID: 23439512"))
    assert back.get("note") == "PMID: 23439512"
    assert "PMID" not in back


def test_a_pmid_line_among_note_lines_stays_in_the_note():
    back = trip(dict(BASE, note="Erratum in: J 2014\nPMCID: PMC1234567"))
    assert back.get("note") == "Erratum in: J 2014\nPMCID: PMC1234567"
    assert "PMCID" not in back


def test_a_note_repeating_the_items_own_pmid_is_written_as_plain_text():
    text = ris.write([dict(BASE, PMID="23439512", note="PMID: 23439512")])
    assert "N1  - PMID: 23439512\r\n" in text
    back = ris.read(text)[0]
    assert (back["PMID"], back["note"]) == ("23439512", "PMID: 23439512")
