"""find-pmid and enrich --pubmed: PMIDs found by DOI (PMC's ID converter, then ESearch) or by
ECitMatch, proposed only when the record describes the entry; written only with --apply."""

from __future__ import annotations

import pytest

from conftest import tree_digest
from crossref_emulator import SHIPPED, CrossrefEmulator, fast_client, make_work
from eutils_emulator import EutilsEmulator
from evidencebib.find_pmid import decisions
from network_cli import run_with_pubmed

CONDITION = "recurrent-miscarriage"
TRIAL = dict(title="Intravenous immunoglobulin for unexplained recurrent miscarriage",
             family="Okafor", year=2020, journal="J Reprod Immunol", volume="41",
             first_page="211")


@pytest.fixture
def services():
    with CrossrefEmulator(rate=100, concurrency=8) as crossref, EutilsEmulator() as eutils:
        for doi, meta in SHIPPED.items():
            crossref.add_work(make_work(doi, **meta))
        eutils.add_article("99600001", doi="10.5555/in-pmc", pmcid="PMC9600001", **TRIAL)
        eutils.add_article("99600002", doi="10.5555/not-in-pmc",
                           **dict(TRIAL, title="Progesterone in threatened miscarriage"))
        eutils.add_article("99600003", **dict(TRIAL, title="Heparin and aspirin for "
                                              "antiphospholipid syndrome", volume="42"))
        eutils.add_article("99600004", doi="10.5555/other-work",
                           **dict(TRIAL, title="Seasonal pruritus in working dogs"))
        yield crossref, eutils


def item(key, **fields):
    base = {"id": key, "title": TRIAL["title"], "author": [{"family": "Okafor", "given": "A"}],
            "issued": {"date-parts": [[2020]]}, "container-title": "J Reprod Immunol"}
    base.update(fields)
    return base


def decide(services, *items):
    crossref, eutils = services
    with fast_client(crossref, eutils_url=eutils.eutils_url,
                     idconv_url=eutils.idconv_url) as client:
        return decisions(client, items)


def test_a_pmc_article_is_found_through_the_id_converter(services):
    found = decide(services, item("a", DOI="10.5555/in-pmc"))
    assert (found["a"].pmid, found["a"].pmcid) == ("99600001", "PMC9600001")
    assert services[1].requests_for("esearch") == 0


def test_an_article_outside_pmc_is_found_by_esearch_on_its_doi(services):
    found = decide(services, item("b", DOI="10.5555/not-in-pmc",
                                  title="Progesterone in threatened miscarriage"))
    assert found["b"].pmid == "99600002" and "search by DOI" in found["b"].reason


def test_an_entry_without_a_doi_is_found_by_citation_match(services):
    found = decide(services, item("c", title="Heparin and aspirin for antiphospholipid "
                                  "syndrome", volume="42", page="211-219"))
    assert found["c"].pmid == "99600003" and found["c"].reason == "ECitMatch"


def test_a_pmid_whose_record_is_another_work_is_not_proposed(services):
    found = decide(services, item("d", DOI="10.5555/other-work"))
    assert found["d"].pmid is None and "differs" in found["d"].reason


def test_an_ambiguous_citation_match_proposes_nothing(services):
    services[1].add_article("99600005", **dict(TRIAL, title="Heparin and aspirin for "
                                               "antiphospholipid syndrome", volume="42"))
    found = decide(services, item("e", volume="42", page="211"))
    assert found["e"].pmid is None


def test_entries_with_a_pmid_are_left_alone(services):
    assert decide(services, item("f", PMID="99600001")) == {}


def test_pubmed_down_is_unreachable_not_no_match(services):
    services[1].faults["esearch"] = ["503"] * 40
    services[1].faults["idconv"] = ["503"] * 40
    crossref, eutils = services
    unreachable: list[str] = []
    with fast_client(crossref, eutils_url=eutils.eutils_url, idconv_url=eutils.idconv_url,
                     max_tries=2) as client:
        found = decisions(client, [item("g", DOI="10.5555/not-in-pmc")], unreachable=unreachable)
    assert unreachable == ["g"] and found["g"].pmid is None


def run(services, references, *args):
    return run_with_pubmed(*services, references, *args)


def test_find_pmid_writes_only_with_apply(services, references):
    bib = references / f"{CONDITION}.bib"
    bib.write_text(bib.read_text() + "\n@article{okafor2020,\n  author = {Okafor, A},\n"
                   f"  title = {{{TRIAL['title']}}},\n  journal = {{J Reprod Immunol}},\n"
                   "  year = {2020},\n  doi = {10.5555/in-pmc},\n}\n")
    digest = tree_digest(references)
    shown = run(services, references, "find-pmid", CONDITION)
    assert "@okafor2020: PMID 99600001" in shown.stdout, shown
    assert tree_digest(references) == digest
    applied = run(services, references, "find-pmid", CONDITION, "--apply")
    assert applied.exit_code == 0, applied
    text = bib.read_text()
    assert "pmid = {99600001}" in text and "pmcid = {PMC9600001}" in text


def test_enrich_with_pubmed_proposes_pmid_and_missing_fields(services, references):
    bib = references / f"{CONDITION}.bib"
    bib.write_text(bib.read_text() + "\n@article{okafor2020,\n  author = {Okafor, A},\n"
                   f"  title = {{{TRIAL['title']}}},\n  journal = {{J Reprod Immunol}},\n"
                   "  year = {2020},\n  pmid = {99600001},\n}\n")
    shown = run(services, references, "enrich", CONDITION, "--pubmed")
    assert "+ PMCID: 'PMC9600001' (PubMed)" in shown.stdout, shown
    assert "+ volume: '41' (PubMed)" in shown.stdout
    run(services, references, "enrich", CONDITION, "--pubmed", "--apply")
    assert "volume = {41}" in bib.read_text()


def test_a_short_doi_is_expanded_through_doi_org_and_searched_as_its_doi(services):
    services[0].add_short_doi("10/abcd1", "10.5555/in-pmc")
    found = decide(services, item("s", DOI="10/abcd1"))
    assert (found["s"].pmid, found["s"].pmcid) == ("99600001", "PMC9600001")


def test_a_doi_that_cannot_be_searched_is_named_not_called_missing(services):
    found = decide(services, item("t", DOI="not a doi"))
    assert found["t"].pmid is None
    assert found["t"].reason.startswith("its DOI was not searched (not DOI syntax: 'not a doi')")
