"""Pacing requests by what the server advertises: a rate (requests per interval) and a
concurrency (requests in flight), both adapted from response headers, slowed down by 429s.

One `Limiter` per pool (Crossref single-record requests, Crossref list queries, doi.org).
It is thread-safe: any number of worker threads call `acquire()` / `release()`.

Pacing is by evenly spaced start slots (`interval / limit` apart), taken when a thread is
actually let go, plus a check on the arrival window (see `Limiter`): no window of `interval`
seconds, even a sliding one measured by the server, ever holds more than `limit` arrivals,
however late individual requests reach it; bursts are never used.
"""

from __future__ import annotations

import re
import threading
from collections import deque
import time
from dataclasses import dataclass
from typing import Callable, Mapping

SAFETY = 1.0            # start slots exactly interval/limit apart (no bursts) …
WINDOW_MARGIN = 1.01    # … and the arrival-window check keeps 1 % of an interval to spare
MIN_FACTOR = 1 / 16     # a run of 429s never slows us below 1/16 of the advertised rate
RECOVER_AFTER = 20      # successful responses before a 429 penalty is eased again


@dataclass(frozen=True)
class Advertised:
    limit: float | None = None        # requests per interval
    interval: float | None = None     # seconds
    concurrency: int | None = None
    pool: str | None = None


def _first(value: str | None) -> str | None:
    """Headers may arrive duplicated ("50, 50", "1s, 1s"): take the smallest sensible part."""
    if value is None:
        return None
    parts = [p.strip() for p in str(value).split(",") if p.strip()]
    return parts[0] if parts else None


def _numbers(value: str | None) -> list[float]:
    out = []
    for part in str(value or "").split(","):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", part)
        if not match:
            continue
        number = float(match.group(1))
        unit = match.group(2) or "s"
        number *= {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[unit]
        out.append(number)
    return out


def parse_headers(headers: Mapping[str, str]) -> Advertised:
    """Read X-Rate-Limit-Limit / -Interval, X-Concurrency-Limit and X-Api-Pool defensively.

    Duplicated values take the most conservative one (smallest limit and concurrency,
    largest interval); garbage is ignored.
    """
    def get(name: str) -> str | None:
        for k, v in headers.items():
            if k.lower() == name:
                return v
        return None

    limits = [n for n in _numbers(get("x-rate-limit-limit")) if n > 0]
    intervals = [n for n in _numbers(get("x-rate-limit-interval")) if n > 0]
    concurrency = [int(n) for n in _numbers(get("x-concurrency-limit")) if n >= 1]
    pool = _first(get("x-api-pool"))
    return Advertised(
        limit=min(limits) if limits else None,
        interval=max(intervals) if intervals else None,
        concurrency=min(concurrency) if concurrency else None,
        pool=pool,
    )


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), capped at 10 min."""
    if not value:
        return None
    numbers = _numbers(value)
    if numbers and all(p.strip().replace(".", "", 1).isdigit() for p in value.split(",")):
        seconds = max(numbers)          # "5" or a duplicated "5, 5"
    else:
        from email.utils import parsedate_to_datetime
        try:
            seconds = parsedate_to_datetime(value.strip()).timestamp() - now()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, 600.0))


class _Start:
    """One request start: when it was let through, and when it was finished (None: in flight)."""

    __slots__ = ("start", "end")

    def __init__(self, start: float) -> None:
        self.start = start
        self.end: float | None = None


class Limiter:
    """Start slots spaced by interval/limit, at most `concurrency` in flight, and never more
    than `limit` requests that the server can have seen arrive in one `interval`.

    Why the window check on top of the spacing: a start slot is when `acquire()` lets a
    thread go, not when the server sees the request. A thread that is late between the two
    (scheduling, the GIL, a slow connect) makes its request arrive close to later ones, and a
    server counting a sliding window then sees `limit + 1` arrivals (this is where the one 429
    at 10,000 DOIs came from). The server sees request i at some moment between its start and
    the end of its response, so `acquire()` also waits until the request `limit` starts back
    has *finished* at least `interval` ago (a request still in flight after one interval is
    taken to have arrived by then). That holds however late the arrivals are, and it costs
    one response time per window rather than a fixed margin on every slot.
    """

    def __init__(self, limit: float, interval: float = 1.0, concurrency: int = 1, *,
                 name: str = "", clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 max_limit: float | None = None, max_concurrency: int | None = None) -> None:
        self.name = name
        self.limit = float(limit)
        self.interval = float(interval)
        self.concurrency = int(concurrency)
        self.max_limit = max_limit              # optional user cap on top of the headers
        self.max_concurrency = max_concurrency
        self.pool: str | None = None
        self._factor = 1.0                      # < 1 after 429s
        self._successes = 0
        self._next_slot = 0.0
        self._hold_until = 0.0
        self._in_flight = 0
        self._recent: deque[_Start] = deque()   # the last starts, oldest first
        self._local = threading.local()
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._turn = threading.Lock()           # one thread at a time waits for the next slot
        # statistics
        self.started = 0
        self.throttled = 0
        self.peak_in_flight = 0

    # -- pacing ---------------------------------------------------------------------------
    def _rate(self) -> float:
        limit = self.limit if self.max_limit is None else min(self.limit, self.max_limit)
        return max(limit * self._factor, 1e-6)

    def spacing(self) -> float:
        return self.interval / self._rate() * SAFETY

    def _window_count(self) -> int:
        """Starts allowed in any window of `interval` (whole requests, at least one)."""
        return max(1, int(self._rate() + 1e-9))

    def _allowed_concurrency(self) -> int:
        allowed = self.concurrency
        if self.max_concurrency is not None:
            allowed = min(allowed, self.max_concurrency)
        if self._factor < 1.0:
            allowed = max(1, min(allowed, int(allowed * self._factor) or 1))
        return max(1, allowed)

    def _earliest(self, now: float) -> float:
        """Earliest start allowed by spacing, holds and the arrival window (lock held)."""
        earliest = max(self._next_slot, self._hold_until)
        count = self._window_count()
        while len(self._recent) > count:
            self._recent.popleft()
        if len(self._recent) >= count:
            oldest = self._recent[0]
            # still in flight: wait for its end (release() wakes us), at most one interval
            arrived_by = oldest.end if oldest.end is not None else oldest.start + self.interval
            earliest = max(earliest, arrived_by + self.interval * WINDOW_MARGIN)
        return earliest

    def acquire(self) -> _Start:
        """Block until this thread may start a request; it must call `release()` after."""
        with self._turn:
            with self._cond:
                while True:
                    now = self._clock()
                    if self._in_flight >= self._allowed_concurrency():
                        self._cond.wait(timeout=0.5)
                        continue
                    earliest = self._earliest(now)
                    if earliest <= now:
                        break
                    self._cond.wait(timeout=min(earliest - now, 0.5))
                ticket = _Start(now)
                self._recent.append(ticket)
                self._next_slot = now + self.spacing()
                self._in_flight += 1
                self.started += 1
                self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        self._local.ticket = ticket
        return ticket

    def release(self, advertised: Advertised | None = None, *, status: int | None = None,
                retry_after: float | None = None, ticket: _Start | None = None) -> None:
        """The request finished (whatever happened); learn from its headers and status."""
        if ticket is None:
            ticket = getattr(self._local, "ticket", None)
        self._local.ticket = None
        with self._cond:
            if ticket is not None and ticket.end is None:
                ticket.end = self._clock()
            self._in_flight = max(0, self._in_flight - 1)
            if advertised is not None:
                self._learn(advertised)
            if status == 429:
                self._throttle(retry_after)
            elif status is not None and status < 500:
                self._successes += 1
                if self._factor < 1.0 and self._successes >= RECOVER_AFTER:
                    self._factor = min(1.0, self._factor * 1.5)
                    self._successes = 0
            self._cond.notify_all()

    def _learn(self, adv: Advertised) -> None:
        if adv.limit and adv.interval:
            old = self.limit / self.interval
            self.limit, self.interval = adv.limit, adv.interval
            if self.limit / self.interval < old:
                # slower than we were pacing: re-space the next slot from now
                self._next_slot = max(self._next_slot, self._clock() + self.spacing())
        elif adv.limit:
            self.limit = adv.limit
        if adv.concurrency:
            self.concurrency = adv.concurrency
        if adv.pool:
            self.pool = adv.pool

    def _throttle(self, retry_after: float | None) -> None:
        self.throttled += 1
        self._successes = 0
        self._factor = max(MIN_FACTOR, self._factor / 2)
        pause = retry_after if retry_after is not None else self.interval * 2
        self._hold_until = max(self._hold_until, self._clock() + pause)
        self._next_slot = max(self._next_slot, self._hold_until)

    def snapshot(self) -> dict:
        with self._cond:
            return {"name": self.name, "limit": self.limit, "interval": self.interval,
                    "concurrency": self.concurrency, "factor": self._factor, "pool": self.pool,
                    "started": self.started, "throttled": self.throttled,
                    "peak_in_flight": self.peak_in_flight}
