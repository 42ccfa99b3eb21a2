"""Pacing requests by what the server advertises: a rate (requests per interval) and a
concurrency (requests in flight), both adapted from response headers, slowed down by 429s,
and one backoff for everyone when the service refuses or fails.

One `Limiter` per pool (Crossref single-record requests, Crossref list queries, doi.org).
It is thread-safe: any number of worker threads call `acquire()` / `release()`.

Pacing is by evenly spaced start slots (`interval / limit` apart), taken when a thread is
actually let go, plus a check on the arrival window (see `Limiter`): no window of `interval`
seconds, even a sliding one measured by the server, ever holds more than `limit` arrivals,
however late individual requests reach it; bursts are never used.

What a server advertises is clamped to sane bounds (`RATE_BOUNDS`, `INTERVAL_BOUNDS`,
`CONCURRENCY_BOUNDS`; Crossref documents intervals of seconds and rates of a few to 50 a
second), and a clamp is reported once: `X-Rate-Limit-Interval: 100000h` must not stop a run.

Backoff (`Circuit`, one per pool): a 429, a 5xx, a timeout, a reset connection or a body
that is not the answer is a *strike*. The first strike of an incident holds every request of
the pool for `Retry-After`, or `backoff × 2^(strikes-1)` without one; requests that were
already in flight when it came are the same incident and add nothing
(Crossref's api_tips: back off exponentially; a sleep in each request, as urllib3's `Retry`
does, multiplies the wait by the number of requests waiting). While strikes stand, one request
at a time probes the service; an answer clears them. After `TRIP_STRIKES` strikes in a row
spanning at least `TRIP_SECONDS` (or `MAX_STRIKES` whatever their span), or a Retry-After
longer than `MAX_PAUSE`, the pool is given up for the run (`ServiceStopped`). A caller whose
deadline comes before its next slot is told at once (`RunOutOfTime`) instead of waiting. The
time held is counted (`Circuit.waited`) so that a run can say how long it waited.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable, Mapping

from evidencebib.net.errors import RunOutOfTime, ServiceStopped

SAFETY = 1.0            # start slots exactly interval/limit apart (no bursts) …
WINDOW_MARGIN = 1.01    # … and the arrival-window check keeps 1 % of an interval to spare
MIN_FACTOR = 1 / 16     # a run of 429s never slows us below 1/16 of the advertised rate
RECOVER_AFTER = 20      # successful responses before a 429 penalty is eased again
RATE_BOUNDS = (1.0, 1000.0)         # requests per second accepted from X-Rate-Limit-*
INTERVAL_BOUNDS = (0.001, 10.0)     # seconds accepted from X-Rate-Limit-Interval
CONCURRENCY_BOUNDS = (1, 64)        # accepted from X-Concurrency-Limit
BACKOFF = 1.0           # first hold without Retry-After (seconds), doubling per strike …
BACKOFF_MAX = 60.0      # … up to this
MAX_PAUSE = 120.0       # a Retry-After longer than this gives the service up for the run
TRIP_STRIKES = 3        # strikes in a row that give a service up …
TRIP_SECONDS = 2.0      # … once they span at least this long (a quick burst is no outage)
MAX_STRIKES = 10        # … and this many whatever their span
POLL = 0.25             # longest sleep of a waiting thread before it looks again


@dataclass(frozen=True)
class Advertised:
    limit: float | None = None        # requests per interval
    interval: float | None = None     # seconds
    concurrency: int | None = None
    pool: str | None = None
    raw: str = field(default="", compare=False)   # the headers as sent, for messages


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

    names = ("x-rate-limit-limit", "x-rate-limit-interval", "x-concurrency-limit")
    raw = {name: get(name) for name in names}
    limits = [n for n in _numbers(raw[names[0]]) if 0 < n < math.inf]
    intervals = [n for n in _numbers(raw[names[1]]) if 0 < n < math.inf]
    concurrency = [int(n) for n in _numbers(raw[names[2]]) if 1 <= n < math.inf]
    pool = _first(get("x-api-pool"))
    return Advertised(
        limit=min(limits) if limits else None,
        interval=max(intervals) if intervals else None,
        concurrency=min(concurrency) if concurrency else None,
        pool=pool,
        raw=", ".join(f"{name.title()}: {value}" for name, value in raw.items()
                      if value is not None),
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
    """One request start: when it was let through, when it finished (None: in flight), and
    the backoff epoch it started in (a failure of an older epoch is the same incident)."""

    __slots__ = ("start", "end", "epoch")

    def __init__(self, start: float, epoch: int = 0) -> None:
        self.start = start
        self.end: float | None = None
        self.epoch = epoch


class Circuit:
    """The backoff state of one pool (see the module text); a pool of its own, so that a
    service whose list queries fail still answers single records.

    Its lock is a leaf: it is taken while a `Limiter`'s condition is held, never the reverse.
    """

    def __init__(self, name: str = "", *, backoff: float = BACKOFF,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name or "the service"
        self.backoff = backoff
        self._clock = clock
        self._lock = threading.Lock()
        self.epoch = 0
        self.strikes = 0
        self.streak_started = 0.0
        self.hold_until = 0.0
        self.stopped: str | None = None     # why the service was given up, once it was
        self.waited = 0.0                   # seconds every request was held, in all
        self.holds = 0
        self.last_failure = ""

    def strike(self, epoch: int, reason: str, retry_after: float | None = None) -> None:
        """A request of `epoch` failed (`reason`); back off once for everyone."""
        with self._lock:
            self.last_failure = reason
            if self.stopped or epoch < self.epoch:
                return                              # the incident already being backed off
            now = self._clock()
            self.epoch += 1
            if not self.strikes:
                self.streak_started = now
            self.strikes += 1
            if retry_after is not None and retry_after > MAX_PAUSE:
                self.stopped = (f"{self.name} asked to wait {retry_after:g} s (Retry-After), "
                                f"longer than the {MAX_PAUSE:g} s evidencebib waits; "
                                f"try again later")
                return
            spanned = now - self.streak_started
            if self.strikes >= MAX_STRIKES or (self.strikes >= TRIP_STRIKES and
                                               spanned >= TRIP_SECONDS):
                self.stopped = (f"stopped asking {self.name}: {self.strikes} failures in a row "
                                f"over {spanned:.1f} s despite backing off (last: {reason}); "
                                f"try again later")
                return
            pause = retry_after if retry_after is not None else \
                min(BACKOFF_MAX, self.backoff * 2 ** (self.strikes - 1))
            until = now + pause
            if until > self.hold_until:
                self.waited += until - max(now, self.hold_until)
                self.hold_until = until
                self.holds += 1

    def clear(self) -> None:
        """An answer came: the service is up again."""
        with self._lock:
            self.strikes = 0

    def state(self) -> tuple[str | None, float, int, int]:
        with self._lock:
            return self.stopped, self.hold_until, self.strikes, self.epoch


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
                 max_limit: float | None = None, max_concurrency: int | None = None,
                 circuit: Circuit | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.name = name
        self.limit = float(limit)
        self.interval = float(interval)
        self.concurrency = int(concurrency)
        self.max_limit = max_limit              # optional user cap on top of the headers
        self.max_concurrency = max_concurrency
        self.pool: str | None = None
        self.circuit = circuit or Circuit(name, clock=clock)
        self._warn = warn
        self._warned: set[str] = set()
        self._factor = 1.0                      # < 1 after 429s
        self._successes = 0
        self._next_slot = 0.0
        self._in_flight = 0
        self._recent: deque[_Start] = deque()   # the last starts, oldest first
        self._local = threading.local()
        self._clock = clock
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

    def _allowed_concurrency(self, strikes: int) -> int:
        if strikes:
            return 1                            # one probe at a time while backing off
        allowed = self.concurrency
        if self.max_concurrency is not None:
            allowed = min(allowed, self.max_concurrency)
        if self._factor < 1.0:
            allowed = max(1, min(allowed, int(allowed * self._factor) or 1))
        return max(1, allowed)

    def _earliest(self, now: float, hold_until: float) -> float:
        """Earliest start allowed by spacing, holds and the arrival window (lock held)."""
        earliest = max(self._next_slot, hold_until)
        count = self._window_count()
        while len(self._recent) > count:
            self._recent.popleft()
        if len(self._recent) >= count:
            oldest = self._recent[0]
            # still in flight: wait for its end (release() wakes us), at most one interval
            arrived_by = oldest.end if oldest.end is not None else oldest.start + self.interval
            earliest = max(earliest, arrived_by + self.interval * WINDOW_MARGIN)
        return earliest

    def acquire(self, deadline: float | None = None) -> _Start:
        """Block until this thread may start a request; it must call `release()` after.

        `deadline` (a `clock()` time) bounds the wait: when the next slot comes later, or the
        service was given up, this raises at once instead of waiting (RunOutOfTime,
        ServiceStopped)."""
        if not self._turn.acquire(timeout=-1 if deadline is None
                                  else max(0.0, deadline - self._clock())):
            raise RunOutOfTime("the run's time limit was reached while waiting for a turn")
        try:
            with self._cond:
                while True:
                    stopped, hold_until, strikes, epoch = self.circuit.state()
                    if stopped:
                        raise ServiceStopped(stopped)
                    now = self._clock()
                    if self._in_flight >= self._allowed_concurrency(strikes):
                        wait = POLL
                    else:
                        earliest = self._earliest(now, hold_until)
                        if earliest <= now:
                            break
                        if deadline is not None and earliest > deadline:
                            held = hold_until > now
                            raise RunOutOfTime(
                                f"the next request to {self.circuit.name} may start in "
                                f"{earliest - now:.1f} s ({'backing off' if held else 'rate limit'}"
                                f"), after the run's time limit")
                        wait = min(earliest - now, POLL)
                    if deadline is not None and now >= deadline:
                        raise RunOutOfTime("the run's time limit was reached while waiting "
                                           "for a turn")
                    self._cond.wait(timeout=wait)
                ticket = _Start(now, epoch)
                self._recent.append(ticket)
                self._next_slot = now + self.spacing()
                self._in_flight += 1
                self.started += 1
                self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        finally:
            self._turn.release()
        self._local.ticket = ticket
        return ticket

    def release(self, advertised: Advertised | None = None, *, status: int | None = None,
                retry_after: float | None = None, ticket: _Start | None = None,
                failure: str | None = None) -> None:
        """The request finished (whatever happened); learn from its headers and status.

        `failure` says why an attempt failed without an answer (timeout, reset, a body that
        is not the answer); a 429 or a 5xx status is a failure too. Failures back off the
        whole pool (`Circuit.strike`); an answer clears the strikes."""
        if ticket is None:
            ticket = getattr(self._local, "ticket", None)
        self._local.ticket = None
        if failure is None and status is not None and (status == 429 or status >= 500):
            failure = "HTTP 429 Too Many Requests" if status == 429 else f"HTTP {status}"
        with self._cond:
            if ticket is not None and ticket.end is None:
                ticket.end = self._clock()
            self._in_flight = max(0, self._in_flight - 1)
            if advertised is not None:
                self._learn(advertised)
            if status == 429:
                self.throttled += 1
                self._successes = 0
                self._factor = max(MIN_FACTOR, self._factor / 2)
            elif failure is None and status is not None:
                self._successes += 1
                if self._factor < 1.0 and self._successes >= RECOVER_AFTER:
                    self._factor = min(1.0, self._factor * 1.5)
                    self._successes = 0
            if failure is not None:
                self.circuit.strike(ticket.epoch if ticket is not None else self.circuit.epoch,
                                    failure, retry_after)
            elif status is not None:
                self.circuit.clear()
            self._cond.notify_all()

    def _learn(self, adv: Advertised) -> None:
        if adv.limit and adv.interval:
            limit, interval = self._clamp_rate(adv.limit, adv.interval, adv.raw)
            old = self.limit / self.interval
            self.limit, self.interval = limit, interval
            if self.limit / self.interval < old:
                # slower than we were pacing: re-space the next slot from now
                self._next_slot = max(self._next_slot, self._clock() + self.spacing())
        elif adv.limit:
            self.limit, self.interval = self._clamp_rate(adv.limit, self.interval, adv.raw)
        if adv.concurrency:
            low, high = CONCURRENCY_BOUNDS
            concurrency = min(high, max(low, adv.concurrency))
            if concurrency != adv.concurrency:
                self._note(f"{self.circuit.name} advertised {adv.raw}; using a concurrency "
                           f"of {concurrency} (evidencebib accepts {low} to {high})")
            self.concurrency = concurrency
        if adv.pool:
            self.pool = adv.pool

    def _clamp_rate(self, limit: float, interval: float, raw: str) -> tuple[float, float]:
        low, high = INTERVAL_BOUNDS
        clamped_interval = min(high, max(low, interval))
        rate = limit / interval
        slowest, fastest = RATE_BOUNDS
        clamped_rate = min(fastest, max(slowest, rate))
        clamped_limit = clamped_rate * clamped_interval
        if clamped_interval != interval or clamped_rate != rate:
            self._note(f"{self.circuit.name} advertised {raw or 'its rate limit'}; using "
                       f"{clamped_limit:g} per {clamped_interval:g} s (evidencebib accepts "
                       f"{slowest:g} to {fastest:g} requests a second)")
        return clamped_limit, clamped_interval

    def _note(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        if self._warn is not None:
            self._warn(message)

    def snapshot(self) -> dict:
        with self._cond:
            return {"name": self.name, "limit": self.limit, "interval": self.interval,
                    "concurrency": self.concurrency, "factor": self._factor, "pool": self.pool,
                    "started": self.started, "throttled": self.throttled,
                    "peak_in_flight": self.peak_in_flight}
