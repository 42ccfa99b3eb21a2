"""The limiter at scale: no 429 when the client obeys the advertised limits, even when
individual requests reach the server late (a thread stalled between its start slot and the
send: scheduling, the GIL, a slow connect), and batch lookups that stay within URL limits.

Scaled-down versions of `benchmarks/verify_throughput.py --dois 10000 --rate 250`, where
one late list query out of 200 used to make the server count 6 arrivals in a 1 s window
advertised as 5/s.
"""

import threading
import time

import requests

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.net.crossref import BATCH_SIZE, MAX_BATCH_QUERY


class StallingSession(requests.Session):
    """Every `every`-th request is held back `stall` seconds before it is sent."""

    def __init__(self, every: int, stall: float) -> None:
        super().__init__()
        self.every, self.stall = every, stall
        self.count = 0
        self._lock = threading.Lock()

    def get(self, *args, **kwargs):
        with self._lock:
            self.count += 1
            late = self.count % self.every == 2
        if late:
            time.sleep(self.stall)
        return super().get(*args, **kwargs)


def test_late_requests_never_break_the_advertised_window_single():
    with CrossrefEmulator(rate=10, interval=1.0, concurrency=10) as emu:
        dois = [f"10.5555/late.{i}" for i in range(40)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, batch=False, max_workers=10,
                             session=StallingSession(every=7, stall=0.25))
        started = time.monotonic()
        client.map(client.work, dois)
        elapsed = time.monotonic() - started
        assert emu.rejected == 0 and client.stats.throttled == 0
        assert emu.single.max_window <= 10
        assert emu.single.requests == 40                # one request per DOI, no retries
        assert elapsed < 40 / 10 * 1.3                   # and not much slower than allowed


def test_late_list_queries_never_break_the_list_pool_window():
    # the benchmark's list pool: 5/s, concurrency 10, big answers
    with CrossrefEmulator(rate=250, interval=1.0, concurrency=10, array_rate=5,
                          latency=0.02) as emu:
        dois = [f"10.5555/batch.{i:04d}" for i in range(1200)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, max_workers=10, session=StallingSession(every=4, stall=0.3))
        started = time.monotonic()
        stored = client.prefetch_works(dois, batch_size=50)
        elapsed = time.monotonic() - started
        assert stored == 1200
        assert emu.rejected == 0 and client.stats.throttled == 0
        assert emu.array.max_window <= 5
        assert emu.array.requests == 24
        assert elapsed < (24 - 1) / 5 * 1.3 + 0.5


def test_start_up_before_headers_are_known_sends_no_burst():
    # a fresh client knows only the documented defaults; the first answers teach the rest
    with CrossrefEmulator(rate=3, interval=1.0, concurrency=1, latency=0.05) as emu:
        dois = [f"10.5555/start.{i}" for i in range(6)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, batch=False, max_workers=8)   # polite start: 10/s, 3
        client.map(client.work, dois)
        assert client.limiters["single"].concurrency == 1
        assert emu.single.max_window <= 10


def test_default_batches_fit_the_url_budget():
    # long DOIs: a batch is cut short rather than sending an over-long URL
    with CrossrefEmulator(rate=250, concurrency=10, array_rate=50) as emu:
        dois = [f"10.5555/{'x' * 120}.{i:04d}" for i in range(300)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu)
        assert client.prefetch_works(dois) == 300
        assert emu.rejected == 0
        queries = [e["raw"] for e in emu.log if e["path"].rstrip("/") == "/works"]
        assert len(queries) > 300 / BATCH_SIZE
        assert max(len(q.split("?", 1)[1]) for q in queries) <= MAX_BATCH_QUERY
        # short DOIs: full batches of BATCH_SIZE
        emu.reset_counters()
        short = [f"10.5555/s.{i:04d}" for i in range(2 * BATCH_SIZE)]
        emu.add_works(make_work(d) for d in short)
        assert client.prefetch_works(short) == 2 * BATCH_SIZE
        assert emu.array.requests == 2
