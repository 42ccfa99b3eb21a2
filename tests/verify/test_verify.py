"""verify: one status per entry, against the loopback emulator, plus the comparison rules."""

import json

import pytest

from crossref_emulator import (CrossrefEmulator, fast_client, load_fixture, sample_messages,
                               synthetic_messages)
from evidencebib.formats.crossref import work_to_item
from evidencebib.verify import (Entry, Verifier, compare, journal_similar, title_similar,
                                to_json, to_markdown, to_table)

SYN = synthetic_messages()
DATACITE = load_fixture("synthetic_works.json")["datacite"]


@pytest.fixture(scope="module")
def emu():
    with CrossrefEmulator(rate=100, interval=0.5, concurrency=8) as emulator:
        emulator.add_works(sample_messages())
        emulator.add_works(SYN.values())
        emulator.add_datacite(DATACITE["doi"], DATACITE["csl"])
        emulator.add_datacite("10.5061/dryad.gone", None, agency="DataCite")
        emulator.add_datacite("10.5061/dryad.empty", {}, agency="DataCite")
        yield emulator


def entry(key, **fields):
    return {"id": key, "_line": 10, **fields}


JCP = dict(title="Construction of a reference material panel for detecting KRAS/NRAS/EGFR/"
                 "BRAF/MET mutations in plasma ctDNA",
           author=[{"family": "Xu", "given": "J."}], issued={"date-parts": [[2020]]},
           **{"container-title": "J Clin Pathol"}, DOI="10.1136/JCLINPATH-2020-206745")

CASES = {
    "ok_bmj_online_first_abbrev": (entry("xu2020", **JCP), "ok", []),
    "ok_recorded_sample": (work_to_item(sample_messages()[0], key="s0"), "ok", []),
    "ok_truncated_title": (entry("iwasa2020", title="Phase II study of lenvatinib for metastatic "
                                 "colorectal cancer", DOI="https://doi.org/10.1136/esmoopen-2020-000776",
                                 issued={"date-parts": [[2020]]},
                                 author=[{"family": "Iwasa"}]), "ok", []),
    "ok_degraded_ijo": (entry("strav2009", title="Human bladder cancer cells undergo "
                              "cisplatin-induced apoptosis that is associated with p53-dependent "
                              "and p53-independent responses", DOI="doi:10.3892/ijo_00000353",
                              issued={"date-parts": [[2009]]},
                              author=[{"family": "Stravopodis", "given": "D. J."}],
                              **{"container-title": "Int J Oncol"}), "ok", []),
    "mismatch": (entry("wrong", title="Aspirin for the prevention of preeclampsia",
                       DOI="10.1136/jclinpath-2020-206745", issued={"date-parts": [[2017]]},
                       author=[{"family": "Rolnik"}],
                       **{"container-title": "New England Journal of Medicine"}),
                 "mismatch", ["title", "year", "author", "journal"]),
    "mismatch_year_only": (entry("xu1990", **{**JCP, "issued": {"date-parts": [[1990]]}}),
                           "mismatch", ["year"]),
    "not_found": (entry("nf", DOI="10.1371/notarealdoi"), "not-found", []),
    "invalid": (entry("bad", DOI="10.12/x y"), "invalid", []),
    "no_doi": (entry("nodoi", title="Something"), "no-doi", []),
    "retracted_rw": (work_to_item(SYN["retracted_rw"], key="wakefield1998"), "retracted", []),
    "retraction_notice": (work_to_item(SYN["retraction_notice"], key="lancet2010"),
                          "retracted", []),
    "notice_doi_cited_for_original": (
        entry("wakefield", title="Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and "
              "pervasive developmental disorder in children", DOI="10.1016/S0140-6736(10)60175-4",
              issued={"date-parts": [[1998]]}, author=[{"family": "Wakefield"}]), "retracted", []),
    "withdrawn": (work_to_item(SYN["withdrawn"], key="okafor2019"), "withdrawn", []),
    "concern": (work_to_item(SYN["concern"], key="tanaka2021"), "expression-of-concern", []),
    "corrected": (work_to_item(sample_messages()[2], key="sadasivan2012"), "corrected", []),
    "datacite_ok": (entry("dryad", title="Outcomes of pregnancies after recurrent miscarriage in "
                          "a national cohort", DOI=DATACITE["doi"], issued={"date-parts": [[2018]]},
                          author=[{"family": "Lindqvist"}]), "ok", []),
    "datacite_mismatch": (entry("dryad2", title="Completely different data", DOI=DATACITE["doi"],
                                issued={"date-parts": [[2010]]}), "mismatch", ["title", "year"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_status(emu, name):
    item, status, fields = CASES[name]
    result = Verifier(fast_client(emu)).verify_item(item, "recurrent-miscarriage")
    assert result.status == status, result.details
    assert result.fields == fields
    assert result.condition == "recurrent-miscarriage" and result.key == item["id"]


def test_retraction_details_name_source_and_record(emu):
    result = Verifier(fast_client(emu)).verify_item(CASES["retracted_rw"][0])
    assert "10.1016/s0140-6736(10)60175-4" in result.details
    assert "Retraction Watch record 4036" in result.details
    assert result.source == "crossref"
    assert any(n.get("record-id") == "4036" for n in result.notices)


def test_unreachable_is_never_reported_as_broken(emu):
    emu.always["10.1136/esmoopen-2020-000776"] = "503"
    try:
        result = Verifier(fast_client(emu, max_tries=2)).verify_item(CASES["ok_truncated_title"][0])
    finally:
        del emu.always["10.1136/esmoopen-2020-000776"]
    assert result.status == "unreachable"
    assert "503" in result.details


def test_unreachable_doi_org_after_crossref_404(emu):
    emu.always["ra:10.9999/x"] = "reset"
    try:
        result = Verifier(fast_client(emu, max_tries=2)).verify_item(entry("x", DOI="10.9999/x"))
    finally:
        del emu.always["ra:10.9999/x"]
    assert result.status == "unreachable"


def test_registered_but_no_metadata(emu):
    """doi.org says DataCite registered it: a failed content negotiation is not `not-found`."""
    result = Verifier(fast_client(emu)).verify_item(entry("g", DOI="10.5061/dryad.gone"))
    assert result.status == "unreachable" and "DataCite" in result.details
    empty = Verifier(fast_client(emu)).verify_item(entry("e", title="x" * 30,
                                                         DOI="10.5061/dryad.empty"))
    assert empty.status == "ok" and "no metadata to compare" in empty.details


def test_offline_reports_what_it_could_not_check(emu, tmp_path):
    ok_item = CASES["ok_bmj_online_first_abbrev"][0]
    Verifier(fast_client(emu, cache_dir=tmp_path)).verify_item(ok_item)
    offline = Verifier(fast_client(emu, cache_dir=tmp_path, offline=True))
    assert offline.verify_item(ok_item).status == "ok"
    missing = offline.verify_item(CASES["withdrawn"][0])
    assert missing.status == "unreachable" and "offline" in missing.details


def test_whole_run_second_time_makes_no_request(emu, tmp_path):
    entries = [Entry("rm", item) for item, _, _ in CASES.values()]
    first = Verifier(fast_client(emu, cache_dir=tmp_path)).verify(entries)
    statuses = {r.key: r.status for r in first}
    assert statuses["wakefield1998"] == "retracted"
    emu.reset_counters()
    progress = []
    second = Verifier(fast_client(emu, cache_dir=tmp_path)).verify(entries, progress.append)
    assert emu.log == []
    assert {r.key: r.status for r in second} == statuses
    assert len(progress) == len(entries)


def test_output_formats(emu):
    results = Verifier(fast_client(emu)).verify(
        [Entry("rm", CASES["mismatch"][0]), Entry("rm", CASES["ok_recorded_sample"][0])])
    data = json.loads(to_json(results))
    row = data["results"][0]
    assert set(row) >= {"condition", "key", "line", "doi", "status", "details", "fields"}
    assert row["status"] == "mismatch" and row["line"] == 10
    assert data["summary"] == {"mismatch": 1, "ok": 1}
    assert "| rm | wrong | 10 |" in to_markdown(results)
    assert to_table(results).splitlines()[0].startswith("STATUS")


@pytest.mark.parametrize("a, b", [
    ("The effect of <i>aspirin</i> on pre-eclampsia", "Effect of aspirin on pre-eclampsia."),
    ("Prevention of recurrent miscarriage", "Prevention of recurrent miscarriage: a meta-analysis"),
    ("Heparin & aspirin in APS", "Heparin and Aspirin in APS"),
    ("Évaluation des {IVIG}", "Evaluation des IVIG"),
    ("Ileal-lymphoid-nodular hyperplasia", "RETRACTED: Ileal-lymphoid-nodular hyperplasia"),
])
def test_title_tolerance(a, b):
    assert title_similar(a, b)


@pytest.mark.parametrize("a, b", [
    ("J Clin Pathol", "Journal of Clinical Pathology"),
    ("Lancet", "The Lancet"),
    ("PLoS ONE", "PLOS ONE"),
    ("Am J Reprod Immunol", "American Journal of Reproductive Immunology"),
    ("Cochrane Database Syst Rev", "Cochrane Database of Systematic Reviews"),
])
def test_journal_tolerance(a, b):
    assert journal_similar(a, b)


def test_journal_difference_detected():
    assert not journal_similar("Lancet", "New England Journal of Medicine")


def test_compare_year_tolerance_and_particles():
    local = {"title": "T" * 30, "issued": {"date-parts": [[2021]]},
             "author": [{"family": "Berg", "non-dropping-particle": "van den"}]}
    remote = {"title": "T" * 30, "issued": {"date-parts": [[2020]]},
              "author": [{"family": "van den Berg"}]}
    assert compare(local, remote) == []
    assert compare(local, remote, remote_years=[2017]) == ["year"]


# Issue 15, item 7: DOIs written as links and shortDOIs.

def test_a_doi_written_as_another_resolvers_url_is_verified_as_the_doi(emu):
    item = entry("xu2020acm", **{**JCP, "DOI": "http://doi.acm.org/10.1136/JCLINPATH-2020-206745"})
    result = Verifier(fast_client(emu)).verify_item(item)
    assert result.status == "ok", result.details


def test_a_short_doi_is_expanded_through_doi_org_and_verified(emu):
    emu.add_short_doi("10/fqd6hj", "10.1136/JCLINPATH-2020-206745")
    item = entry("xu2020short", **{**JCP, "DOI": "10/fqd6hj"})
    result = Verifier(fast_client(emu)).verify_item(item)
    assert result.status == "ok", result.details
    assert "shortDOI 10/fqd6hj stands for 10.1136/JCLINPATH-2020-206745" in result.details
    assert result.doi == "10/fqd6hj"


def test_a_short_doi_doi_org_does_not_know_is_not_found_not_invalid(emu):
    result = Verifier(fast_client(emu)).verify_item(entry("gone", DOI="10/zzzzzz"))
    assert result.status == "not-found", result.details
