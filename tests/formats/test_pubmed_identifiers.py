"""PMID and PMCID survive every format we read and write (issue 17, item 2, format side).

Field names follow what other tools write: BibTeX/BibLaTeX `pmid`/`pmcid` (Better BibTeX,
JabRef), CSL-JSON `PMID`/`PMCID` (the CSL 1.0.2 variables), RIS `M2  - PMID: …` and
`M2  - PMCID: …` (Zotero's RIS translator reads M2 into Extra, where Zotero keeps PMIDs), read
back from `AN` and `C2` too (EndNote's accession number and "PMCID" Custom 2), EndNote XML
`accession-num` and `custom2`, MEDLINE `PMID`/`PMC`.
"""

from __future__ import annotations

import pytest

from evidencebib.formats import registry

ITEM = {"id": "wakefield1998", "type": "article-journal",
        "author": [{"family": "Wakefield", "given": "A. J."}],
        "title": "Ileal-lymphoid-nodular hyperplasia", "container-title": "Lancet",
        "issued": {"date-parts": [[1998, 2, 28]]}, "volume": "351", "page": "637-641",
        "DOI": "10.1016/s0140-6736(97)11096-0", "PMID": "9500320", "PMCID": "PMC1234567"}


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris", "endnote-xml", "medline"])
def test_pmid_and_pmcid_round_trip(fmt):
    format_ = registry.get(fmt)
    back = format_.read(format_.write([ITEM]), source=f"x.{fmt}")[0]
    assert back.get("PMID") == "9500320", fmt
    assert back.get("PMCID") == "PMC1234567", fmt


@pytest.mark.parametrize("fmt,needles", [
    ("bibtex", ["pmid = {9500320}", "pmcid = {PMC1234567}"]),
    ("ris", ["M2  - PMID: 9500320", "M2  - PMCID: PMC1234567"]),
    ("endnote-xml", ["<accession-num>", "9500320", "<custom2>", "PMC1234567"]),
    ("medline", ["PMID- 9500320", "PMC - PMC1234567"]),
])
def test_identifiers_are_written_where_other_tools_look(fmt, needles):
    text = registry.get(fmt).write([ITEM])
    for needle in needles:
        assert needle in text, (fmt, needle)


def test_biblatex_carries_the_pmid_as_a_pubmed_eprint_and_no_pmcid():
    # biblatex's data model has `eprinttype = {pubmed}` for PMIDs and no PMCID field (biber
    # --validate-datamodel rejects `pmcid`): README "Known limitations" says so.
    text = registry.get("biblatex").write([ITEM])
    assert "eprint = {9500320}" in text and "eprinttype = {pubmed}" in text
    assert "PMC1234567" not in text
    assert registry.get("biblatex").read(text)[0]["PMID"] == "9500320"


def test_better_bibtex_and_jabref_spellings_are_read():
    bib = registry.get("bibtex")
    item = bib.read("@article{a, title={T}, PMID = {31234567}, PMCID = {PMC6543210}}")[0]
    assert (item["PMID"], item["PMCID"]) == ("31234567", "PMC6543210")


def test_ris_writes_identifiers_only_where_zotero_reads_them():
    # Zotero's RIS.js maps AN to "Loc. in Archive" and has no field for C2 of a journal article
    # (it would become a note), so neither carries the PMID or PMCID for a Zotero user.
    text = registry.get("ris").write([ITEM])
    assert "AN  - " not in text and "C2  - " not in text


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris", "medline"])
def test_pmid_and_pmcid_of_a_book_chapter_round_trip(fmt):
    # EndNote XML has a PMCID field (custom2) for journal articles only: its inventory says so
    chapter = dict(ITEM, id="ch", type="chapter", **{"container-title": "A Book"})
    format_ = registry.get(fmt)
    back = format_.read(format_.write([chapter]), source=f"x.{fmt}")[0]
    assert (back.get("PMID"), back.get("PMCID")) == ("9500320", "PMC1234567"), fmt


@pytest.mark.parametrize("lines", [
    ["AN  - 9500320", "C2  - PMC1234567"],                 # EndNote
    ["M2  - PMID: 9500320", "M2  - PMCID: PMC1234567"],   # what we write, Zotero's Extra lines
    ["N1  - PMID: 9500320", "M2  - PMCID: PMC1234567"],
])
def test_ris_reads_pmid_and_pmcid_as_other_tools_write_them(lines):
    text = "\r\n".join(["TY  - JOUR", "TI  - T", *lines, "ER  - ", ""])
    item = registry.get("ris").read(text)[0]
    assert (item.get("PMID"), item.get("PMCID")) == ("9500320", "PMC1234567")
    assert "PMID" not in str(item.get("note") or "")


def test_ris_m2_text_that_is_not_an_identifier_is_kept():
    text = "\r\n".join(["TY  - JOUR", "TI  - T", "M2  - PMID: not known", "ER  - ", ""])
    item = registry.get("ris").read(text)[0]
    assert "PMID" not in item
    assert "not known" in str(item)
