"""Rate and concurrency limits: header parsing, the limiter, and the client on the emulator."""

import threading
import time

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.net.ratelimit import Advertised, Limiter, parse_headers, parse_retry_after


@pytest.mark.parametrize("headers, expected", [
    ({"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s", "X-Concurrency-Limit": "5",
      "X-Api-Pool": "polite"}, Advertised(50, 1, 5, "polite")),
    ({"x-rate-limit-limit": "50, 50", "x-rate-limit-interval": "1s, 1s",
      "x-concurrency-limit": "5, 5"}, Advertised(50, 1, 5, None)),
    ({"x-rate-limit-limit": "10, 5", "x-rate-limit-interval": "1s, 2s"}, Advertised(5, 2, None)),
    ({"x-rate-limit-limit": "garbage", "x-rate-limit-interval": "500ms"},
     Advertised(None, 0.5, None)),
    ({}, Advertised()),
])
def test_parse_headers(headers, expected):
    assert parse_headers(headers) == expected


@pytest.mark.parametrize("value, expected", [
    ("5", 5.0), ("5, 5", 5.0), ("0", 0.0), (None, None), ("soon", None), ("99999", 600.0),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_retry_after_http_date():
    from email.utils import formatdate
    value = formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after(value) <= 31


def test_limiter_spaces_starts_and_caps_concurrency():
    limiter = Limiter(20, 1.0, 2)
    starts, active, peak = [], [0], [0]
    lock = threading.Lock()

    def work():
        limiter.acquire()
        with lock:
            starts.append(time.monotonic())
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.03)
        with lock:
            active[0] -= 1
        limiter.release(Advertised(20, 1.0, 2), status=200)

    threads = [threading.Thread(target=work) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]  # neighbours
    assert min(gaps) >= 0.05 * 0.95
    assert peak[0] <= 2


def test_limiter_adapts_to_headers_and_429():
    limiter = Limiter(5, 1.0, 1)
    limiter.acquire()
    limiter.release(Advertised(50, 1.0, 5, "polite"), status=200)
    assert (limiter.limit, limiter.concurrency, limiter.pool) == (50, 5, "polite")
    limiter.acquire()
    limiter.release(None, status=429, retry_after=0.2)
    snap = limiter.snapshot()
    assert snap["factor"] == 0.5 and snap["throttled"] == 1
    started = time.monotonic()
    limiter.acquire()
    assert time.monotonic() - started >= 0.18          # Retry-After held
    limiter.release(None, status=200)
    for _ in range(40):
        limiter.acquire()
        limiter.release(None, status=200)
    assert limiter.snapshot()["factor"] == 1.0         # recovered after successes


def test_client_never_exceeds_advertised_rate_and_concurrency():
    with CrossrefEmulator(rate=20, interval=1.0, concurrency=3, latency=0.05) as emu:
        dois = [f"10.5555/rate.{i}" for i in range(50)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, batch=False)
        started = time.monotonic()
        client.map(client.work, dois)
        elapsed = time.monotonic() - started
        assert emu.rejected == 0 and client.stats.throttled == 0
        assert emu.single.max_in_flight <= 3
        assert emu.single.max_window <= 20
        assert emu.single.requests == 50
        assert elapsed >= (50 - 20) / 20                # paced, not bursted
        assert elapsed < 50 / 20 * 1.4                  # … but not much slower than allowed


def test_client_adapts_down_when_server_advertises_less():
    with CrossrefEmulator(rate=4, interval=1.0, concurrency=1) as emu:
        dois = [f"10.5555/slow.{i}" for i in range(8)]
        emu.add_works(make_work(d) for d in dois)
        client = fast_client(emu, batch=False)          # starts at polite 10/s, 3
        client.map(client.work, dois)
        assert emu.single.max_in_flight <= 3
        # after the first answer taught it 4/s, 1: at most one 429 burst, then none
        assert emu.rejected <= 3
        assert client.limiters["single"].concurrency == 1


def test_429_storm_slows_down_without_crashing():
    with CrossrefEmulator(rate=25, interval=0.25, concurrency=10) as emu:
        dois = [f"10.5555/storm.{i}" for i in range(10)]
        emu.add_works(make_work(d) for d in dois)
        for d in dois[:5]:
            emu.faults[d] = ["429:0.05", "429"]
        client = fast_client(emu, batch=False, max_tries=5)
        results = client.map(client.work, dois)
        assert all(r["DOI"] in dois for r in results)
        assert client.stats.throttled == 10
