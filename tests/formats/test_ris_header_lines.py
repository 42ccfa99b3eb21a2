"""A RIS file may start with a header before the first `TY  - ` (JSTOR's and ScienceDirect's
"Export a RIS file": `Provider:`, `Database:`, `Content:`): it is skipped with a warning, as
Zotero, JabRef and EndNote skip it (redteam5 F44)."""

from __future__ import annotations

import logging

import pytest

from evidencebib.errors import ParseError
from evidencebib.formats import detect, ris

# the shape of JSTOR's export (citation-bot's tests, "ActualJstorRis"), CRLF as downloaded
JSTOR = ("Provider: JSTOR http://www.jstor.org\r\n"
         "Database: JSTOR\r\n"
         'Content: text/plain; charset="UTF-8"\r\n'
         "\r\n\r\n"
         "TY  - JOUR\r\n"
         "TI  - Bronze Age Class A Cauldrons: Typology, Origins and Chronology\r\n"
         "AU  - Gerloff, Sabine\r\n"
         "PY  - 1986\r\n"
         "SP  - 84\r\n"
         "EP  - 115\r\n"
         "ER  - \r\n\r\n")


def test_a_jstor_header_is_detected_as_ris():
    assert detect.detect(JSTOR) == "ris"
    assert detect.detect(JSTOR.replace("\r\n", "\n")) == "ris"


def test_the_header_lines_before_the_first_record_are_skipped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.ris"):
        [item] = ris.read(JSTOR, source="jstor.ris")
    assert item["title"].startswith("Bronze Age") and item["page"] == "84-115"
    assert "jstor.ris: 3 lines before the first record (line 6) skipped" in caplog.text


def test_a_tagged_line_before_the_first_record_is_still_an_error():
    with pytest.raises(ParseError, match="expected a record starting with 'TY  - '"):
        ris.read("Provider: JSTOR\r\nAU  - Smith, J\r\nTY  - JOUR\r\nER  - \r\n")
