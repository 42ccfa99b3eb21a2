"""Every request ends within its total deadline, headers included, whatever the server does;
and a whole run ends within its time limit (`Client(max_time=…)`, `--max-time`).

The read timeout of requests/urllib3 bounds each wait for the *next* bytes only (requests
says so: "timeout is not a time limit on the entire response download", requests#4276), so a
server that sends one byte every now and then defeats it. These servers do exactly that, on a
real socket: the status line byte by byte, the header lines byte by byte, or a body with its
Content-Length one byte at a time.
"""

from __future__ import annotations

import threading
import time

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.errors import NetworkError
from evidencebib.verify import Entry, Verifier

DOI = "10.5555/slow"
ITEM = {"id": "k", "type": "article-journal", "DOI": DOI, "title": "A trial",
        "author": [{"family": "Smith"}], "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Tests"}
SLACK = 0.75          # thread start, connect, the emulator noticing; far below any drip


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=500, interval=1, concurrency=16) as emulator:
        emulator.add_work(make_work(DOI))
        yield emulator


def within(seconds: float, call):
    """What `call()` returned or raised, asserting that it finished within `seconds`
    (run in a thread, so that a hang is a failure here rather than a stuck test run)."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            box["error"] = error

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds:.1f} s"
    box["elapsed"] = time.monotonic() - started
    return box


@pytest.mark.parametrize("fault", ["drip:0.1", "slow-status:0.3", "slow-headers:0.05"],
                         ids=["body-with-content-length", "status-line", "header-lines"])
def test_a_slowly_sent_answer_ends_at_the_request_deadline(emu, fault):
    emu.always[DOI] = fault
    client = fast_client(emu, max_tries=1, timeout=1.0)
    box = within(1.0 + SLACK, lambda: client.work(DOI))
    assert isinstance(box.get("error"), NetworkError), box
    assert "1 s" in str(box["error"]), box["error"]


@pytest.mark.parametrize("fault", ["drip:0.1", "slow-status:0.3", "slow-headers:0.05"],
                         ids=["body-with-content-length", "status-line", "header-lines"])
def test_each_try_has_its_own_deadline_and_the_tries_are_bounded(emu, fault):
    emu.always[DOI] = fault
    client = fast_client(emu, max_tries=3, timeout=0.5, backoff=0.05)
    box = within(3 * 0.5 + 0.05 + 0.1 + SLACK, lambda: client.work(DOI))
    assert isinstance(box.get("error"), NetworkError), box
    assert emu.requests_for("slow") == 3


def test_an_answer_that_arrives_in_time_is_not_cut(emu):
    emu.always[DOI] = "drip:0.001"             # ~300 bytes in well under the deadline
    client = fast_client(emu, max_tries=1, timeout=5.0)
    box = within(5.0 + SLACK, lambda: client.work(DOI))
    assert box.get("value", {}).get("DOI") == DOI, box


def test_the_connection_pool_still_works_after_a_deadline_cut_a_request(emu):
    other = "10.5555/fine"
    emu.add_work(make_work(other))
    emu.faults[DOI] = ["slow-headers:0.2"]
    client = fast_client(emu, max_tries=2, timeout=0.5, backoff=0.01)
    for _ in range(3):
        assert client.work(other)["DOI"] == other
    assert client.work(DOI)["DOI"] == DOI        # the second try is answered at once
    for _ in range(3):
        assert client.work(other)["DOI"] == other


def test_verify_reports_a_slow_server_as_unreachable_with_the_cause(emu):
    emu.always[DOI] = "slow-headers:0.1"
    client = fast_client(emu, max_tries=2, timeout=0.5, backoff=0.05)
    box = within(2 * 0.5 + 0.1 + SLACK, lambda: Verifier(client).verify_item(dict(ITEM)))
    result = box["value"]
    assert result.status == "unreachable"
    assert "0.5 s" in result.details and "\n" not in result.details


def test_a_run_ends_within_its_time_limit_and_says_so(emu):
    dois = [f"10.5555/slow.{i}" for i in range(12)]
    emu.add_works(make_work(d) for d in dois)
    for d in dois:
        emu.always[d] = "slow-headers:0.2"
    emu.always["list"] = "slow-headers:0.2"
    client = fast_client(emu, max_tries=5, timeout=1.0, backoff=0.05, max_time=2.0)
    entries = [Entry("c", dict(ITEM, id=f"k{i}", DOI=d)) for i, d in enumerate(dois)]
    box = within(2.0 + SLACK, lambda: Verifier(client).verify(entries))
    results = box["value"]
    assert {r.status for r in results} == {"unreachable"}
    assert any("time limit" in r.details for r in results)
    assert any("time limit" in w and "2 s" in w for w in client.warnings), client.warnings


def test_no_thread_of_ours_outlives_a_closed_client(emu):
    """render/parallel.py forks only a single-threaded process: the deadline watchdog runs
    while exchanges are under way and is gone once the client is closed."""
    with fast_client(emu, timeout=0.5) as client:
        emu.faults[DOI] = ["slow-headers:0.2"]      # one try cut at its deadline, then answered
        assert client.work(DOI)["DOI"] == DOI
        assert client.stats.deadline_cuts == 1
    assert [t.name for t in threading.enumerate() if t.name.startswith("evidencebib")] == []
