"""429 storms and absurd rate-limit headers: the client backs off once for everyone (the
pool's limiter, not each request), gives up after a bounded wait, never waits beyond what
the run allows, clamps what a server advertises to sane bounds, and says how long it waited
(issue 12, holes 3 and 9).
"""

from __future__ import annotations

import re
import time

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.errors import NetworkError
from evidencebib.verify import Entry, Verifier

ITEM = {"id": "k", "type": "article-journal", "title": "A trial",
        "author": [{"family": "Smith"}], "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Tests"}
STORM = [f"10.5555/storm.{i:02d}" for i in range(25)]


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=500, interval=1, concurrency=16) as emulator:
        emulator.add_works(make_work(d) for d in STORM)
        yield emulator


def storm(emu, fault: str) -> None:
    for doi in STORM:
        emu.always[doi] = fault
    emu.always["list"] = fault


def entries():
    return [Entry("c", dict(ITEM, id=f"k{i}", DOI=d)) for i, d in enumerate(STORM)]


def test_one_doi_answered_429_for_good_waits_retry_after_twice_then_gives_up(emu):
    emu.always[STORM[0]] = "429:1"
    client = fast_client(emu, max_tries=5)
    started = time.monotonic()
    result = Verifier(client).verify_item(dict(ITEM, DOI=STORM[0]))
    elapsed = time.monotonic() - started
    assert result.status == "unreachable" and "429" in result.details
    assert 2.0 <= elapsed < 3.0, elapsed
    assert emu.requests_for("storm.00") == 3


def test_a_429_storm_with_retry_after_backs_off_once_for_everyone(emu):
    storm(emu, "429:1")
    client = fast_client(emu, max_tries=5)
    started = time.monotonic()
    results = Verifier(client).verify(entries())
    elapsed = time.monotonic() - started
    assert {r.status for r in results} == {"unreachable"}
    # list queries (a look-ahead): 2 tries, 1 wait; single records: the first refusal of
    # each wave holds everyone for Retry-After, the third in a row ends the run's asking
    assert elapsed < 1 + 2 + 2.0, elapsed
    assert emu.crossref_requests <= 2 + 3 + 2, emu.crossref_requests


def test_the_wait_is_reported_per_pool_and_never_more_than_the_run_took(emu):
    """The list-query and single-record pools back off at the same time: their holds are
    named apart, not added up into a wait longer than the run."""
    storm(emu, "429:1")
    client = fast_client(emu, max_tries=5)
    started = time.monotonic()
    Verifier(client).verify(entries())
    elapsed = time.monotonic() - started
    line = next(line for line in client.report() if "429" in line)
    waits = [float(s) for s in re.findall(r"([\d.]+) s \((?:single|array)\)", line)]
    assert len(waits) == 2 and all(0 < w <= elapsed + 0.1 for w in waits), (line, elapsed)


def test_a_429_storm_without_retry_after_backs_off_exponentially_and_gives_up(emu):
    storm(emu, "429")
    client = fast_client(emu, max_tries=5, backoff=0.2)
    started = time.monotonic()
    results = Verifier(client).verify(entries())
    elapsed = time.monotonic() - started
    assert {r.status for r in results} == {"unreachable"}
    # list queries: one backoff of 0.2 s; single records: 0.2, 0.4, 0.8, 1.6 s, after which
    # five refusals in a row over 3 s end the asking
    assert elapsed < 0.2 + (0.2 + 0.4 + 0.8 + 1.6) + 1.5, elapsed
    assert emu.crossref_requests <= 2 + 3 + 4, emu.crossref_requests


def test_the_time_spent_waiting_for_429s_is_reported(emu):
    emu.faults[STORM[0]] = ["429:0.5"]
    client = fast_client(emu)
    assert client.work(STORM[0])["DOI"] == STORM[0]
    assert client.stats.throttle_wait == pytest.approx(0.5, abs=0.1)
    assert any("429" in w and "waited 0.5 s" in w for w in client.report()), client.report()


def test_a_429_then_answers_keeps_going(emu):
    """A single 429 among answers is one pause for everyone, not the end of the run."""
    emu.faults[STORM[3]] = ["429:0.3"]
    client = fast_client(emu, batch=False)
    results = Verifier(client).verify(entries())
    assert {r.status for r in results} == {"ok"}
    assert client.stats.throttled == 1


def test_retry_after_longer_than_the_run_allows_is_not_waited_for(emu):
    emu.always[STORM[0]] = "429:100000"
    client = fast_client(emu, max_time=30)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="Retry-After"):
        client.work(STORM[0])
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("advertise", [
    {"X-Rate-Limit-Limit": "1", "X-Rate-Limit-Interval": "100000h"},
    {"X-Rate-Limit-Limit": "0.000001", "X-Rate-Limit-Interval": "1s"},
    {"X-Rate-Limit-Limit": "1", "X-Rate-Limit-Interval": "99999999999999999999s"},
    {"X-Rate-Limit-Limit": "100000000", "X-Rate-Limit-Interval": "0.000001s",
     "X-Concurrency-Limit": "100000"},
], ids=["100000h", "tiny-limit", "huge-interval", "huge-rate"])
def test_absurd_advertised_limits_are_clamped_and_reported(advertise):
    with CrossrefEmulator(rate=500, concurrency=16, enforce=False, advertise=advertise) as emu:
        dois = [f"10.5555/clamp.{i}" for i in range(4)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, batch=False, max_time=30)
        started = time.monotonic()
        for doi in dois:
            assert client.work(doi)["DOI"] == doi
        # at the slowest pace accepted (1 request a second) four requests take 3 s
        assert time.monotonic() - started < 4.5
        snapshot = client.limiters["single"].snapshot()
        assert 1.0 <= snapshot["limit"] / snapshot["interval"] <= 1000
        assert 1 <= snapshot["concurrency"] <= 64
        assert any("advertised" in w and "using" in w for w in client.warnings), client.warnings
