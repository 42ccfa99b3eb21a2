"""A hostile or broken network: `verify` never crashes, never calls a network failure a broken
DOI, caps what it reads, retries within bounds, and an interrupted run resumes from the cache.

What tests/net/test_net_client.py and tests/verify/test_verify.py and
tests/cli/test_verify_cli.py already cover is not repeated here (single
503/500/502/429/reset/timeout/truncated/html faults retried, foreign redirects refused, the byte
cap with a Content-Length, a killed run's cache). This file adds: 429 storms, every fault kind
*for good* as `verify` sees it, bodies that trickle or stall mid-way (the read timeout never
fires), endless bodies without a Content-Length, JSON of the wrong shape, wrong content types,
redirect loops and scheme changes, DataCite/doi.org faults, and `evidencebib verify` interrupted
with SIGINT or SIGKILL in a subprocess, then run again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work, sample_messages
from evidencebib.errors import NetworkError
from evidencebib.verify import Entry, Verifier

PONE = "10.1371/journal.pone.0033693"
ITEM = {"id": "k", "_line": 3, "type": "article-journal", "DOI": "10.5555/hostile",
        "title": "A trial", "author": [{"family": "Smith", "given": "A"}],
        "issued": {"date-parts": [[2020]]}, "container-title": "Journal of Tests"}
BROKEN = {"not-found", "invalid", "mismatch", "retracted", "withdrawn", "expression-of-concern"}


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=500, interval=1, concurrency=16) as emulator:
        emulator.add_works(sample_messages())
        emulator.add_work(make_work("10.5555/hostile"))
        yield emulator


def verify_one(emu, item=ITEM, **client_options):
    options = dict(max_tries=3, timeout=1.0)
    options.update(client_options)
    return Verifier(fast_client(emu, **options)).verify_item(dict(item), "cond")


# -- every fault, for good: `unreachable`, never a broken DOI, bounded tries ---------------

PERSISTENT_FAULTS = [
    "500", "502", "503", "504", "429", "429:0.01", "reset", "timeout:1.5", "truncated", "html",
    "big:3000000", "trickle:0.05", "stall-body:2", "endless:40", "redirect-foreign",
    "redirect-loop", "redirect-scheme:ftp://", "json:[]", 'json:"x"', "json:null",
    'json:{"status": "ok"}', 'json:{"message": []}', 'json:{"message": "x"}',
    'json:{"message": {"title": ["no DOI"]}}', "ctype:text/html", "ctype:application/xml",
]


@pytest.mark.parametrize("fault", PERSISTENT_FAULTS)
def test_a_fault_for_good_is_unreachable_never_a_broken_doi(emu, fault):
    emu.always["10.5555/hostile"] = fault
    started = time.monotonic()
    result = verify_one(emu, max_bytes=1_000_000)
    elapsed = time.monotonic() - started
    assert result.status not in BROKEN, (fault, result)
    if fault.startswith("ctype:"):
        # the right JSON under a wrong label: reading it is fine, and so is refusing it
        assert result.status in ("ok", "unreachable"), result
    else:
        assert result.status == "unreachable", (fault, result)
        assert result.details and "\n" not in result.details
    # bounded: at most max_tries requests for the work, and no endless wait
    assert emu.requests_for("hostile") <= 3 * 11  # tries x (1 + redirects followed)
    assert elapsed < 20, f"{fault}: {elapsed:.1f} s"


def test_a_429_storm_is_bounded_slows_down_and_reports_unreachable(emu):
    emu.always["10.5555/hostile"] = "429:0.05"
    client = fast_client(emu, max_tries=4)
    result = Verifier(client).verify_item(dict(ITEM))
    assert result.status == "unreachable" and "429" in result.details
    assert emu.requests_for("hostile") == 4
    assert client.stats.throttled == 4
    assert client.limiters["single"].snapshot()["factor"] < 1


def test_a_429_storm_across_many_dois_ends_in_bounded_time(emu):
    dois = [f"10.5555/storm.{i}" for i in range(30)]
    emu.add_works(make_work(d) for d in dois)
    for d in dois:                       # each 429 holds every request for Retry-After
        emu.always[d] = "429:0.05"
    emu.always["list"] = "429:0.05"
    client = fast_client(emu, max_tries=2, abort_min=10)
    started = time.monotonic()
    results = Verifier(client).verify([Entry("c", dict(ITEM, id=f"k{i}", DOI=d))
                                       for i, d in enumerate(dois)])
    assert time.monotonic() - started < 60
    assert len(results) == 30 and {r.status for r in results} == {"unreachable"}
    # the run stops asking once most answers fail, instead of hammering the server
    assert emu.crossref_requests < 30 * 2 + 5


def test_endless_body_is_cut_at_the_cap_without_reading_it_all(emu):
    emu.always["10.5555/hostile"] = "endless:200"          # 200 MiB, no Content-Length
    client = fast_client(emu, max_tries=1, max_bytes=1_000_000)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="byte limit"):
        client.work("10.5555/hostile")
    assert time.monotonic() - started < 10


def test_a_trickling_body_is_stopped_by_the_total_deadline(emu):
    """Each byte arrives well within any read timeout, so only the total deadline can stop it."""
    emu.always["10.5555/hostile"] = "trickle:0.05"
    client = fast_client(emu, max_tries=1, timeout=1.0)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="no complete answer within 1 s"):
        client.work("10.5555/hostile")
    assert time.monotonic() - started < 5


def test_a_body_stalled_past_the_read_timeout_is_retried(emu):
    emu.faults["10.5555/hostile"] = ["stall-body:1.5"]
    client = fast_client(emu, timeout=0.5)
    assert client.work("10.5555/hostile")["DOI"] == "10.5555/hostile"
    assert client.stats.retries == 1


def test_wrong_shapes_of_json_are_never_not_found(emu):
    for body in ("[]", "null", '{"message": 5}', '{"message": {"DOI": 5}}', "1e999",
                 '{"message": {"DOI": "10.5555/hostile", "title": 5, "author": "x", '
                 '"issued": {"date-parts": "2020"}, "container-title": {"a": 1}, '
                 '"updated-by": 7, "update-to": [1, "x", null]}}'):
        emu.always["10.5555/hostile"] = f"json:{body}"
        result = verify_one(emu)
        assert result.status not in ("not-found", "invalid"), (body, result)


def test_batch_lookup_faults_fall_back_to_single_lookups(emu):
    dois = [f"10.5555/batch.{i}" for i in range(8)]
    emu.add_works(make_work(d) for d in dois)
    for fault in ("503", "html", "json:[]", "reset", "truncated"):
        emu.always["list"] = fault
        results = Verifier(fast_client(emu, max_tries=2)).verify(
            [Entry("c", dict(ITEM, id=f"k{i}", DOI=d)) for i, d in enumerate(dois)])
        assert {r.status for r in results} == {"ok"}, (fault, results)


@pytest.mark.parametrize("fault", ["503", "reset", "html", "timeout:1.5", "redirect-foreign",
                                   'json:{"x": 1}'])
def test_doi_org_faults_after_a_crossref_404_are_unreachable(emu, fault):
    emu.always["ra:10.9999/elsewhere"] = fault
    result = verify_one(emu, dict(ITEM, DOI="10.9999/elsewhere"))
    assert result.status not in BROKEN - {"mismatch"}, (fault, result)
    assert result.status == "unreachable" or fault.startswith("json"), (fault, result)


@pytest.mark.parametrize("fault", ["503", "reset", "html", "truncated", "redirect-foreign"])
def test_content_negotiation_faults_for_datacite_dois_are_unreachable(emu, fault):
    emu.add_datacite("10.5061/dryad.hostile", {"type": "dataset", "title": "A trial",
                                               "author": [{"family": "Smith"}],
                                               "issued": {"date-parts": [[2020]]}})
    emu.always["cn:10.5061/dryad.hostile"] = fault
    result = verify_one(emu, dict(ITEM, DOI="10.5061/dryad.hostile"))
    assert result.status == "unreachable", (fault, result)


def test_a_doi_never_leaves_the_configured_service(emu):
    """Whatever the DOI, every request went to the emulator's /works/ (or /ra/, …) path."""
    hostile = ["10.5555/../../../admin", "10.5555/..%2F..%2Fadmin", "10.5555/@evil.example",
               "10.5555/x?rows=1000#frag", "10.5555/%00", "10.5555/x\\..\\..\\y",
               "10.5555/http://evil.example/", "10.5555/x/../../../v1/members"]
    client = fast_client(emu, max_tries=1)
    for name in hostile:
        Verifier(client).verify_item(dict(ITEM, DOI=name))
    for entry in emu.log:
        raw = entry["raw"].split("?", 1)[0]          # as sent: %2F is not a separator
        assert raw.startswith(("/works/", "/v1/works/", "/ra/", "/api/handles/", "/10.")), entry
        segments = raw.split("/")
        assert "." not in segments and ".." not in segments, entry
        assert "?" not in entry["raw"].split("?", 1)[-1] or "mailto" in entry["raw"], entry
        assert "#" not in entry["raw"], entry


# -- an interrupted run resumes from the cache ---------------------------------------------

RESUME_DOIS = [f"10.5555/resume.{i:02d}" for i in range(24)]


def _write_condition(references: Path) -> None:
    from evidencebib.store import References

    refs = References(references)
    condition = refs.load_or_create("resume-test")
    for i, doi in enumerate(RESUME_DOIS):
        condition.bib.add_item({"type": "article-journal", "title": "A trial", "DOI": doi,
                                "author": [{"family": "Smith", "given": "Anne"}],
                                "issued": {"date-parts": [[2020]]},
                                "container-title": "Journal of Tests"}, key=f"smith2020r{i:02d}")
    condition.save()


def _verify_process(emu, references: Path, cache: Path) -> subprocess.Popen:
    env = dict(os.environ, EVIDENCEBIB_CROSSREF_URL=emu.crossref_url,
               EVIDENCEBIB_DOI_URL=emu.doi_url, EVIDENCEBIB_MAILTO="resume@example.org",
               EVIDENCEBIB_CACHE_DIR=str(cache), EVIDENCEBIB_REFERENCES=str(references),
               PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "evidencebib", "verify", "resume-test",
                             "--format", "json"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)


def _requested(emu) -> list[str]:
    out = []
    for entry in emu.log:
        if entry["server"] == "crossref" and "/works/10.5555/resume." in entry["path"]:
            out.append(entry["path"].rsplit("/", 1)[-1])
    return out


def _cached(emu, cache: Path) -> set[str]:
    probe = fast_client_offline(emu, cache)
    done = set()
    for doi in RESUME_DOIS:
        try:
            probe.work(doi)
            done.add(doi.rsplit("/", 1)[-1])
        except Exception:  # noqa: BLE001 - OfflineMiss
            pass
    return done


def fast_client_offline(emu, cache: Path):
    return fast_client(emu, mailto="resume@example.org", cache_dir=cache, offline=True)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_verify_resumes_from_the_cache(references, tmp_path, how):
    _write_condition(references)
    cache = tmp_path / "cache"
    # slow enough to interrupt midway (10 a second, 3 at once, 0.1 s each); list queries fail,
    # so each DOI is one request of its own
    with CrossrefEmulator(rate=10, interval=1, concurrency=3, latency=0.1) as emu:
        emu.add_works(make_work(d) for d in RESUME_DOIS)
        emu.always["list"] = "503"
        first = _verify_process(emu, references, cache)
        try:
            deadline = time.monotonic() + 60
            while len(_requested(emu)) < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert first.poll() is None, first.communicate()
            first.send_signal(how)
            _, err = first.communicate(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        assert first.returncode != 0
        if how == signal.SIGINT:
            assert first.returncode == 130 and b"Traceback" not in err, err.decode()
        asked_first = set(_requested(emu))
        done = _cached(emu, cache)
        assert 0 < len(done) < len(RESUME_DOIS), (done, asked_first)
        assert done <= asked_first
        # the second run asks only for what was not done, and reports every entry
        emu.reset_counters()
        second = _verify_process(emu, references, cache)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err.decode()
        report = json.loads(out)
        assert report["summary"] == {"ok": len(RESUME_DOIS)}
        assert [r["key"] for r in report["results"]] == [f"smith2020r{i:02d}"
                                                         for i in range(len(RESUME_DOIS))]
        asked_second = _requested(emu)          # a DOI twice: a retry after a 429
        expected = {d.rsplit("/", 1)[-1] for d in RESUME_DOIS} - done
        assert set(asked_second) == expected
