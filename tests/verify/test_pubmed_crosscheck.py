"""verify asks PubMed too, for entries with a PMID: what PubMed knows (retractions, concerns,
errata, with the notice's PMID and date) is reported even when Crossref calls the DOI fine;
a PMID that names another work is a mismatch; PubMed down is unreachable, never ok."""

from __future__ import annotations

import json

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from eutils_emulator import FIXTURES, EutilsEmulator
from evidencebib.formats import pubmed
from evidencebib.verify import Entry, Verifier

WAKEFIELD = pubmed.parse_efetch((FIXTURES / "retracted-wakefield-1998.xml").read_bytes())[0]
CONCERNED = pubmed.parse_efetch((FIXTURES / "corrected-and-concern.xml").read_bytes())[0]
MISMATCH = FIXTURES / "mismatch"


def crossref_work(record: pubmed.PubmedRecord) -> dict:
    """Crossref's record of the same article, with no update notice deposited."""
    item = record.item
    return make_work(record.ids["doi"], title=item["title"], family=item["author"][0]["family"],
                     year=item["issued"]["date-parts"][0][0], journal=item["container-title"])


@pytest.fixture
def services():
    with CrossrefEmulator(rate=100, concurrency=8) as crossref, EutilsEmulator() as eutils:
        for record in (WAKEFIELD, CONCERNED):
            crossref.add_work(crossref_work(record))
        crossref.add_work(json.loads((MISMATCH / "crossref-work.json").read_text()))
        eutils.add_efetch_file("retracted-wakefield-1998.xml")
        eutils.add_efetch_file("corrected-and-concern.xml")
        eutils.add_efetch_xml((MISMATCH / "efetch.xml").read_bytes())
        yield crossref, eutils


def client_for(services, **overrides):
    crossref, eutils = services
    return fast_client(crossref, eutils_url=eutils.eutils_url, idconv_url=eutils.idconv_url,
                       **overrides)


def entry_of(record: pubmed.PubmedRecord, **fields) -> dict:
    item = {k: v for k, v in record.item.items() if not k.startswith("_")}
    item.update(id="cited", DOI=record.ids["doi"], PMID=record.pmid)
    item.update(fields)
    return item


def verify(services, *items, pubmed_by_doi=False, **overrides):
    with client_for(services, **overrides) as client:
        return Verifier(client, pubmed_by_doi=pubmed_by_doi).verify(
            [Entry("cond", item) for item in items])


def test_a_retraction_only_pubmed_knows_is_retracted_with_source_pubmed(services):
    (result,) = verify(services, entry_of(WAKEFIELD))
    assert result.status == "retracted"
    assert result.source == "pubmed"
    assert result.details.startswith("source: PubMed;")
    assert "retraction in PMID 20137807, 2010 Feb 6" in result.details
    assert {"type": "retraction", "PMID": "20137807", "date": "2010 Feb 6",
            "source": "pubmed"} in result.notices


def test_the_same_entry_without_its_pmid_is_ok_by_crossref_alone(services):
    item = entry_of(WAKEFIELD)
    del item["PMID"]
    (result,) = verify(services, item)
    assert result.status == "ok" and services[1].requests == 0


def test_with_pubmed_by_doi_an_entry_without_a_pmid_is_checked_through_its_doi(services):
    item = entry_of(WAKEFIELD)
    del item["PMID"]
    (result,) = verify(services, item, pubmed_by_doi=True)
    assert result.status == "retracted" and result.source == "pubmed"
    assert result.details.startswith("PMID 9500320 found by DOI; source: PubMed;")


def test_with_pubmed_by_doi_a_doi_pubmed_does_not_file_keeps_crossrefs_answer(services):
    crossref, eutils = services
    crossref.add_work(make_work("10.5555/not-in-pubmed", title="A trial outside PubMed"))
    item = {"id": "x", "DOI": "10.5555/not-in-pubmed", "title": "A trial outside PubMed"}
    (result,) = verify(services, item, pubmed_by_doi=True)
    assert result.status == "ok" and result.source == "crossref"


def test_with_pubmed_by_doi_pubmed_down_is_unreachable(services):
    services[1].faults["esearch"] = ["503"] * 40
    services[1].faults["idconv"] = ["503"] * 40
    item = entry_of(WAKEFIELD)
    del item["PMID"]
    (result,) = verify(services, item, pubmed_by_doi=True, max_tries=2)
    assert result.status == "unreachable" and "PubMed (by DOI)" in result.details


def test_an_expression_of_concern_and_an_erratum_in_pubmed_are_reported(services):
    (result,) = verify(services, entry_of(CONCERNED))
    assert result.status == "expression-of-concern"
    assert "expression of concern in PMID 99000002, 2024 Mar" in result.details
    assert "erratum in PMID 99000003, 2023 May-Jun" in result.details


def test_a_pmid_naming_another_work_than_the_doi_is_a_mismatch(services):
    from evidencebib.formats.bibtex import read

    (item,) = read((MISMATCH / "entry.bib").read_text())
    (result,) = verify(services, item)
    assert result.status == "mismatch"
    assert "DOI" in result.fields
    assert "10.5555/evb.mismatch-a" in result.details


def test_pubmed_down_is_unreachable_even_when_crossref_is_fine(services):
    services[1].faults["efetch"] = ["503"] * 40
    (result,) = verify(services, entry_of(WAKEFIELD), max_tries=2)
    assert result.status == "unreachable"
    assert "PubMed" in result.details


def test_pubmed_answering_an_html_page_is_unreachable_not_ok(services):
    services[1].faults["efetch"] = ["html"] * 40
    (result,) = verify(services, entry_of(WAKEFIELD))
    assert result.status == "unreachable"


def test_a_pmid_pubmed_does_not_know_is_not_found(services):
    (result,) = verify(services, entry_of(WAKEFIELD, PMID="99999998"))
    assert result.status == "not-found" and "PMID 99999998" in result.details


def test_a_pmid_that_is_not_pmid_syntax_is_invalid(services):
    (result,) = verify(services, entry_of(WAKEFIELD, PMID="95OO320"))
    assert result.status == "invalid" and services[1].requests == 0


def test_an_entry_with_only_a_pmid_is_checked_by_pubmed(services):
    item = entry_of(CONCERNED)
    del item["DOI"]
    (result,) = verify(services, item)
    assert result.status == "expression-of-concern" and result.source == "pubmed"


def test_many_entries_ask_pubmed_in_batches(services):
    crossref, eutils = services
    items = []
    for n in range(60):
        pmid = str(99400000 + n)
        eutils.add_article(pmid, title=f"Trial number {n} of immunoglobulin")
        items.append({"id": f"k{n}", "PMID": pmid, "title": f"Trial number {n} of immunoglobulin"})
    results = verify(services, *items)
    assert {r.status for r in results} == {"ok"}
    assert eutils.requests_for("efetch") == 1


def test_verify_command_reports_pubmeds_retraction(services, tmp_path):
    from network_cli import run

    crossref, eutils = services
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "cidp.bib").write_text(
        "@article{wakefield1998,\n  author = {Wakefield, A J},\n"
        f"  title = {{{WAKEFIELD.item['title']}}},\n  journal = {{Lancet}},\n"
        f"  year = {{1998}},\n  doi = {{{WAKEFIELD.ids['doi']}}},\n  pmid = {{9500320}},\n}}\n")
    ran = run(crossref, refs, "verify", env={"EVIDENCEBIB_EUTILS_URL": eutils.eutils_url})
    assert ran.exit_code == 1, ran
    assert "retracted" in ran.stdout and "source: PubMed" in ran.stdout
    assert all(e["tool"] == "evidencebib" and e["email"] == "cli@example.org"
               for e in eutils.log)
