"""The E-utilities client (net/eutils.py) against the loopback E-utilities emulator: NCBI's
etiquette (tool, email, key; 3/s or 10/s; POST and batches of 200), what counts as "PubMed
has no such record", and answers that are not PubMed's."""

from __future__ import annotations

import pytest

from eutils_emulator import EutilsEmulator
from evidencebib.errors import NetworkError
from evidencebib.net.client import Client
from evidencebib.net.errors import BadAnswer


def eutils_client(emu: EutilsEmulator, **overrides):
    options = dict(eutils_url=emu.eutils_url, idconv_url=emu.idconv_url,
                   mailto="tests@example.org", cache_dir=None, timeout=2.0, max_tries=4,
                   backoff=0.01)
    options.update(overrides)
    return Client(**options)


@pytest.fixture
def emu():
    with EutilsEmulator() as emulator:
        emulator.add_efetch_file("retracted-wakefield-1998.xml")
        emulator.add_efetch_file("corrected-and-concern.xml")
        yield emulator


def test_every_request_names_the_tool_and_the_polite_pool_address(emu):
    with eutils_client(emu) as client:
        client.pubmed.record("9500320")
        client.pubmed.search('"10.5555/none"[DOI]')
    assert emu.log and all(e["tool"] == "evidencebib" and e["email"] == "tests@example.org"
                           for e in emu.log)
    assert all(e["api_key"] is None for e in emu.log)


def test_the_api_key_is_sent_but_never_written_to_the_cache(emu, tmp_path):
    with eutils_client(emu, ncbi_api_key="abc123def456", cache_dir=tmp_path) as client:
        client.pubmed.record("9500320")
    assert [e["api_key"] for e in emu.log] == ["abc123def456"]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"abc123def456" not in path.read_bytes()


def test_a_retracted_record_carries_its_retraction_notice(emu):
    with eutils_client(emu) as client:
        record = client.pubmed.record("9500320")
    assert record is not None and record.retracted
    assert record.related("RetractionIn")[0].pmid == "20137807"


def test_a_pmid_pubmed_leaves_out_of_its_answer_is_unknown(emu):
    with eutils_client(emu) as client:
        assert client.pubmed.record("99999999") is None


@pytest.mark.parametrize("fault", ["html", "json:{\"error\":\"API key invalid\"}", "404"])
def test_an_answer_that_is_not_pubmeds_is_never_unknown(emu, fault):
    emu.faults["efetch"] = [fault] * 5
    with eutils_client(emu) as client:
        with pytest.raises(BadAnswer):
            client.pubmed.record("99999999")


def test_a_429_storm_backs_off_and_the_record_arrives(emu):
    emu.faults["efetch"] = ["429", "429"]
    with eutils_client(emu) as client:
        assert client.pubmed.record("9500320").pmid == "9500320"
        assert client.stats.throttled == 2
        assert any("NCBI E-utilities: 2 × 429" in line for line in client.report())


def test_pubmed_down_is_a_network_error_not_unknown(emu):
    emu.faults["efetch"] = ["503"] * 10
    with eutils_client(emu, max_tries=2) as client:
        with pytest.raises(NetworkError):
            client.pubmed.record("9500320")


def test_without_a_key_pubmed_is_asked_at_most_three_times_a_second(emu):
    with eutils_client(emu) as client:
        for n in range(8):
            client.pubmed.record(str(9500320 + n))
    assert emu.rejected == 0 and emu.max_per_second() <= 3


def test_long_id_lists_are_posted_in_batches_of_200_and_cached_per_pmid(emu):
    pmids = [str(99100000 + n) for n in range(450)]
    for pmid in pmids[:300]:
        emu.add_article(pmid, title=f"Trial {pmid}")
    with eutils_client(emu, ncbi_api_key="k10") as client:
        assert client.pubmed.prefetch(pmids) == 450
        fetches = [e for e in emu.log if e["path"].endswith("efetch.fcgi")]
        assert [len(e["params"]["id"].split(",")) for e in fetches] == [200, 200, 50]
        assert {e["method"] for e in fetches} == {"POST"}
        emu.reset_counters()
        found = client.pubmed.records(pmids)
    assert emu.requests == 0
    assert found["99100000"].item["title"] == "Trial 99100000"
    assert found["99100449"] is None


def test_a_doi_is_found_by_esearch(emu):
    with eutils_client(emu) as client:
        assert client.pubmed.pmid_for_doi("10.1016/S0140-6736(97)11096-0") == "9500320"
        assert client.pubmed.pmid_for_doi("10.5555/no-such-work") is None


def test_an_esearch_error_is_a_bad_answer(emu):
    emu.faults["esearch"] = ['json:{"esearchresult": {"ERROR": "Invalid query"}}'] * 5
    with eutils_client(emu) as client:
        with pytest.raises(BadAnswer):
            client.pubmed.search("x")


def test_pmcids_are_converted_at_most_200_per_request(emu):
    for n in range(250):
        emu.add_article(str(99200000 + n), pmcid=f"PMC{9200000 + n}")
    asked = [f"PMC{9200000 + n}" for n in range(250)] + ["PMC1"]
    with eutils_client(emu, ncbi_api_key="k10") as client:
        found = client.pubmed.convert(asked)
    assert found["PMC9200007"]["pmid"] == "99200007"
    assert found["PMC1"] is None
    sizes = [len(e["params"]["ids"].split(",")) for e in emu.log if "idconv" in e["path"]]
    assert sizes == [200, 51]


def test_citations_are_matched_in_one_request(emu):
    emu.add_article("99300001", journal="J Test", year=2020, volume="12", first_page="100")
    with eutils_client(emu) as client:
        found = client.pubmed.citmatch({"a": ("J Test", "2020", "12", "100", "Smith A"),
                                        "b": ("J Test", "1999", "1", "1", "Nobody")})
    assert found == {"a": "99300001", "b": None}
    assert emu.requests_for("ecitmatch") == 1
