"""The loopback E-utilities emulator answers as NCBI does (tests/support/eutils_emulator.py).

The E-utilities client will be tested against it; these tests pin the emulator's own
behaviour: NCBI's answer shapes (read back by formats/pubmed.py), the rate limits it enforces
(3/s without an API key, 10/s with one, 429 without Retry-After), GET and POST, the ID
converter's 200-id limit, and the faults it can inject.
"""

from __future__ import annotations

import json
import time

import pytest
import requests

from eutils_emulator import EutilsEmulator
from evidencebib.errors import ParseError
from evidencebib.formats import pubmed

POLITE = {"tool": "evidencebib", "email": "tests@example.org"}


@pytest.fixture
def emu():
    with EutilsEmulator(enforce=False) as emulator:
        emulator.add_efetch_file("retracted-wakefield-1998.xml")
        emulator.add_efetch_file("corrected-and-concern.xml")
        emulator.add_efetch_file("biopython-pubmed7.xml")
        yield emulator


def get(emu, endpoint, **params):
    return requests.get(f"{emu.eutils_url}/{endpoint}", params={**POLITE, **params}, timeout=5)


# -- answer shapes --------------------------------------------------------------------------------

def test_efetch_returns_the_articles_asked_for_in_order_and_leaves_out_unknown_ids(emu):
    answer = get(emu, "efetch.fcgi", db="pubmed", id="99000001,1,9500320", retmode="xml")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/xml")
    found = pubmed.parse_efetch(answer.content)
    assert [r.pmid for r in found] == ["99000001", "9500320"]
    assert found[1].retracted and found[1].related("RetractionIn")[0].pmid == "20137807"


def test_efetch_without_ids_is_ncbis_error_document(emu):
    answer = get(emu, "efetch.fcgi", db="pubmed", id="")
    assert answer.status_code == 400
    with pytest.raises(ParseError) as error:
        pubmed.parse_efetch(answer.content)
    assert "Empty id list" in str(error.value)


def test_esummary_json_reads_back_with_an_error_entry_for_unknown_uids(emu):
    answer = get(emu, "esummary.fcgi", db="pubmed", id="9500320,99999999", retmode="json",
                 version="2.0").json()
    assert answer["header"]["type"] == "esummary" and answer["result"]["uids"] == ["9500320",
                                                                                  "99999999"]
    assert answer["result"]["99999999"] == {"uid": "99999999",
                                            "error": "cannot get document summary"}
    records, missing = pubmed.parse_esummary(answer)
    assert missing == ["99999999"] and records[0].retracted
    assert records[0].item["DOI"] == "10.1016/s0140-6736(97)11096-0"


def test_canned_esummary_answers_are_served_as_recorded(emu):
    from conftest import FIXTURES

    canned = json.loads((FIXTURES / "pubmed" / "esummary-retracted.json").read_text())
    emu.add_summaries(canned)
    answer = get(emu, "esummary.fcgi", db="pubmed", id="9500320", retmode="json").json()
    assert answer["result"]["9500320"] == canned["result"]["9500320"]


def test_esearch_finds_a_pmid_by_doi_pmcid_and_title_words(emu):
    by_doi = get(emu, "esearch.fcgi", db="pubmed", retmode="json",
                 term='"10.1117/1.JMI.5.2.026002"[DOI]').json()["esearchresult"]
    assert by_doi["idlist"] == ["29963580"] and by_doi["count"] == "1"
    by_pmc = get(emu, "esearch.fcgi", db="pubmed", retmode="json", term="PMC9900001[pmc]")
    assert by_pmc.json()["esearchresult"]["idlist"] == ["99000001"]
    words = get(emu, "esearch.fcgi", db="pubmed", retmode="json",
                term="pulmonary imaging biomarker").json()["esearchresult"]
    assert words["idlist"] == ["29963580"]
    none = get(emu, "esearch.fcgi", db="pubmed", retmode="json", term='"10.9/none"[DOI]')
    assert none.json()["esearchresult"]["idlist"] == []
    xml = get(emu, "esearch.fcgi", db="pubmed", term='"10.5555/evb.2023.0017"[DOI]')
    assert "<Id>99000001</Id>" in xml.text and "<Count>1</Count>" in xml.text


def test_id_converter_answers_pmc_articles_only(emu):
    answer = requests.get(emu.idconv_url, params={**POLITE, "ids": "PMC6022861,9500320",
                                                  "format": "json"}, timeout=5).json()
    assert answer["status"] == "ok"
    assert answer["records"][0] == {"pmcid": "PMC6022861", "pmid": "29963580",
                                    "doi": "10.1117/1.JMI.5.2.026002"}
    assert answer["records"][1]["status"] == "error" and answer["records"][1]["requested-id"] \
        == "9500320"
    xml = requests.get(emu.idconv_url, params={"ids": "29963580"}, timeout=5)
    assert 'pmcid="PMC6022861"' in xml.text


def test_id_converter_refuses_more_than_200_ids(emu):
    ids = ",".join(str(n) for n in range(1, 202))
    assert requests.post(emu.idconv_url, data={"ids": ids, "format": "json"}, timeout=5) \
        .status_code == 400
    ids = ",".join(str(n) for n in range(1, 201))
    answer = requests.post(emu.idconv_url, data={"ids": ids, "format": "json"}, timeout=5)
    assert answer.status_code == 200 and len(answer.json()["records"]) == 200


def test_ecitmatch_appends_the_pmid_not_found_or_ambiguous(emu):
    emu.add_article("99000020", journal="Lancet", year=1998, volume="351", first_page="637")
    bdata = ("j med imaging (bellingham)|2018|5|026002|guo f|k1|\r"
             "lancet|1998|351|637|wakefield aj|k2|\r"
             "nature|1999|1|1|nobody|k3|")
    lines = get(emu, "ecitmatch.cgi", db="pubmed", retmode="xml", bdata=bdata).text.splitlines()
    assert lines == ["j med imaging (bellingham)|2018|5|026002|guo f|k1|29963580",
                     "lancet|1998|351|637|wakefield aj|k2|AMBIGUOUS",
                     "nature|1999|1|1|nobody|k3|NOT_FOUND"]


def test_get_and_post_give_the_same_answer_and_are_logged_with_tool_and_email(emu):
    ids = ",".join(["9500320", "20137807"] * 150)      # a long list: NCBI asks for POST
    by_get = get(emu, "esummary.fcgi", db="pubmed", id="9500320,20137807", retmode="json")
    by_post = requests.post(f"{emu.eutils_url}/esummary.fcgi", timeout=5,
                            data={**POLITE, "db": "pubmed", "id": ids, "retmode": "json"})
    assert by_post.status_code == 200
    assert by_post.json()["result"]["9500320"] == by_get.json()["result"]["9500320"]
    assert [e["method"] for e in emu.log] == ["GET", "POST"]
    assert all(e["tool"] == "evidencebib" and e["email"] == "tests@example.org" for e in emu.log)


# -- rate limits ---------------------------------------------------------------------------------

def burst(url, count, **params):
    return [requests.get(url, params=params, timeout=5) for _ in range(count)]


@pytest.mark.slow
def test_more_than_3_requests_a_second_without_a_key_get_ncbis_429():
    with EutilsEmulator() as emu:
        answers = burst(f"{emu.eutils_url}/esearch.fcgi", 4, term="x", retmode="json")
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        refused = answers[-1]
        assert refused.json() == {"error": "API rate limit exceeded", "api-key": "127.0.0.1",
                                  "count": "4", "limit": "3"}
        assert "Retry-After" not in refused.headers
        assert refused.headers["X-RateLimit-Limit"] == "3"
        assert emu.rejected == 1 and emu.max_per_second() == 4
        time.sleep(1.05)
        assert burst(f"{emu.eutils_url}/esearch.fcgi", 1, term="x")[0].status_code == 200


@pytest.mark.slow
def test_an_api_key_allows_10_a_second_counted_per_key():
    with EutilsEmulator() as emu:
        keyed = burst(f"{emu.eutils_url}/esearch.fcgi", 11, term="x", api_key="KEY1")
        assert [a.status_code for a in keyed].count(200) == 10 and keyed[-1].status_code == 429
        assert keyed[-1].json()["limit"] == "10" and keyed[-1].json()["api-key"] == "KEY1"
        other = burst(f"{emu.eutils_url}/esearch.fcgi", 3, term="x", api_key="KEY2")
        assert all(a.status_code == 200 for a in other)
        anonymous = burst(f"{emu.eutils_url}/esearch.fcgi", 3, term="x")
        assert all(a.status_code == 200 for a in anonymous)
        assert emu.max_per_second("KEY1") == 11 and emu.max_per_second() == 3


@pytest.mark.slow
def test_refused_requests_count_so_a_storm_of_retries_stays_refused():
    with EutilsEmulator(interval=2.0) as emu:
        answers = burst(f"{emu.eutils_url}/esearch.fcgi", 8, term="x")
        assert [a.status_code for a in answers] == [200] * 3 + [429] * 5
        time.sleep(0.3)   # still inside the window that the refused requests filled
        assert burst(f"{emu.eutils_url}/esearch.fcgi", 1, term="x")[0].status_code == 429


def test_unknown_api_keys_are_refused_when_keys_are_configured():
    with EutilsEmulator(api_keys={"GOOD"}) as emu:
        answer = requests.get(f"{emu.eutils_url}/esearch.fcgi", timeout=5,
                              params={"term": "x", "api_key": "BAD"})
        assert answer.status_code == 400 and answer.json()["error"] == "API key invalid"


# -- faults ----------------------------------------------------------------------------------------

def test_injected_server_errors_are_ncbis_html_pages(emu):
    emu.faults["efetch"] = ["503", "html"]
    first = get(emu, "efetch.fcgi", db="pubmed", id="9500320")
    assert first.status_code == 503 and first.headers["Content-Type"] == "text/html"
    second = get(emu, "efetch.fcgi", db="pubmed", id="9500320")
    assert second.status_code == 200 and "<html>" in second.text
    with pytest.raises(ParseError):
        pubmed.parse_efetch(second.content)
    assert pubmed.parse_efetch(get(emu, "efetch.fcgi", db="pubmed", id="9500320").content)


def test_faults_can_target_one_id_and_injected_429_has_no_retry_after(emu):
    emu.faults["id:20137807"] = ["429"]
    assert get(emu, "efetch.fcgi", id="9500320").status_code == 200
    refused = get(emu, "efetch.fcgi", id="20137807")
    assert refused.status_code == 429 and "Retry-After" not in refused.headers


def test_truncated_body_and_connection_reset(emu):
    emu.faults["esummary"] = ["truncated", "reset"]
    with pytest.raises(ValueError):
        get(emu, "esummary.fcgi", id="9500320", retmode="json").json()
    with pytest.raises(requests.ConnectionError):
        get(emu, "esummary.fcgi", id="9500320", retmode="json")


@pytest.mark.slow
def test_a_slow_body_trickles_in():
    with EutilsEmulator(enforce=False) as emu:
        emu.add_article("99000030", title="Short")
        emu.faults["esummary"] = ["trickle:0.002"]
        started = time.monotonic()
        answer = requests.get(f"{emu.eutils_url}/esummary.fcgi", timeout=5,
                              params={"id": "99000030", "retmode": "json"})
        took = time.monotonic() - started
        assert answer.json()["result"]["99000030"]["title"] == "Short"
        assert took >= 0.002 * (len(answer.content) - 1)
