"""EndNote XML's remote database is where the record came from, CSL `source`, not an archive
(redteam5 F38; the RIS `DB`/`DP` rule of issue 15 item 6)."""

from __future__ import annotations

from evidencebib.formats import endnote_xml

RECORD = """<?xml version="1.0" encoding="UTF-8"?>
<xml><records><record>
<ref-type name="Journal Article">17</ref-type>
<titles><title>T</title></titles>
{extra}
</record></records></xml>
"""


def _read(extra: str) -> dict:
    return endnote_xml.read(RECORD.format(extra=extra))[0]


def test_remote_database_name_is_the_source_not_an_archive():
    item = _read("<remote-database-name>PubMed</remote-database-name>"
                 "<remote-database-provider>NLM</remote-database-provider>")
    assert item["source"] == "PubMed" and "archive" not in item


def test_remote_database_provider_alone_is_the_source():
    item = _read("<remote-database-provider>Ovid Technologies</remote-database-provider>")
    assert item["source"] == "Ovid Technologies" and "archive" not in item


def test_remote_database_name_and_provider_are_written_back():
    item = _read("<remote-database-name>PubMed</remote-database-name>"
                 "<remote-database-provider>NLM</remote-database-provider>")
    text = endnote_xml.write([item])
    assert "<remote-database-name>PubMed</remote-database-name>" in text
    assert "<remote-database-provider>NLM</remote-database-provider>" in text
