"""PMID and PMCID survive every format we read and write (issue 17, item 2, format side).

Field names follow what other tools write: BibTeX/BibLaTeX `pmid`/`pmcid` (Better BibTeX,
JabRef), CSL-JSON `PMID`/`PMCID` (the CSL 1.0.2 variables), RIS `AN` (accession number:
EndNote's PubMed import puts the PMID there) and `C2` (EndNote's "PMCID" field of a journal
article, Custom 2), EndNote XML `accession-num` and `custom2`, MEDLINE `PMID`/`PMC`.
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
    ("ris", ["AN  - 9500320", "C2  - PMC1234567"]),
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
