"""The HTTP transport every network client of evidencebib shares (Crossref, doi.org, and
any later service such as NCBI's E-utilities): one `requests.Session`, an adapter and rate
limiters per origin, total deadlines, one backoff per service, bounded retries, a byte cap,
a time limit for the whole run, the on-disk cache and typed errors. A service is a thin class
that registers its origin (`add_origin`) and says which answers are final (`cacheable`).

Policies (see the README section "Checking every DOI against Crossref"):

* Deadlines: every HTTP exchange — connect, status line, headers, body — ends within
  `timeout` seconds, or within what is left of the run's `max_time` if that is less
  (net/deadline.py says how); a cut exchange is a failed try ("no complete answer within
  N s"). The connect timeout is `connect_timeout`. At most `max_bytes` are read.
* Retries: 429, 5xx, timeouts, cuts, connection errors and 200 answers whose body is not the
  JSON asked for are tried again, up to `max_tries` tries. The wait between tries is not the
  request's own: a failure backs off its whole pool (`Circuit` in net/ratelimit.py: one
  hold of `Retry-After`, or `backoff` doubling per strike, for every request; a service that
  keeps failing is given up for the run), so a storm of 429s costs a few seconds, not
  minutes. urllib3's `Retry` is not used for this, because it sleeps in each request's own
  thread and honours `Retry-After` per request.
* After `max_tries`, or when a service was given up, `NetworkError` (net/errors.py) — never a
  "not found": whether an answer says "unknown" is for the service class to decide, and only
  answers it calls final are cached (`cacheable`); a cache entry it would not call final (an
  older version's, a damaged one) is discarded.
* Redirects are followed by hand (at most 5): to the same origin, http→https on the same
  host, or from an origin to one it hands over to (`allow_handover`: doi.org to the Crossref
  API and to DataCite's and mEDRA's content-negotiation hosts). Anything else is refused.
* Run abort: after at least `abort_min` requests, if `abort_ratio` (10 %) or more of them
  failed after all retries, the run stops asking (Crossref's api_tips). A run also stops at
  `max_time` seconds; both are reported (`report()`), and what was not asked raises
  `RunAborted` / `RunOutOfTime`.
* Cache hits do not count against any limiter. `offline=True` answers from the cache only
  (any age) and raises `OfflineMiss` otherwise.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence, TypeVar, overload
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from evidencebib.errors import NetworkError, UsageError
from evidencebib.net.cache import ResponseCache
from evidencebib.net.deadline import Deadline, DeadlineAdapter, quiesce
from evidencebib.net.errors import OfflineMiss, RunAborted, RunOutOfTime
from evidencebib.net.ratelimit import (BACKOFF, Advertised, Circuit, Limiter, parse_headers,
                                       parse_retry_after)

log = logging.getLogger("evidencebib.net")

JSON = "application/json"
DEFAULT_TIMEOUT = 30.0          # seconds per HTTP exchange, headers and body included
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_MAX_TIME = 3600.0       # seconds for a whole run (a 10,000-DOI verify takes minutes)
DEFAULT_MAX_TRIES = 5
DEFAULT_BACKOFF = BACKOFF       # first backoff without Retry-After; read when a transport is made
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
# Parameters that say who asks, not what is asked (Crossref's `mailto`; E-utilities' `tool`,
# `email`, `api_key`): left out of cache keys, so a changed address or key does not empty
# the cache and a key, a secret, is never written to disk.
CALLER_PARAMS = frozenset({"mailto", "email", "tool", "api_key"})

T = TypeVar("T")
R = TypeVar("R")
_UNPARSED = object()
_NOT_JSON = object()


@dataclass
class Answer:
    status: int
    url: str
    content_type: str
    body: bytes
    from_cache: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    _data: Any = field(default=_UNPARSED, repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def parses(self) -> bool:
        """Whether the body is JSON (parsed once: `json()` then returns the same data)."""
        if self._data is _UNPARSED:
            try:
                self._data = json.loads(self.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                self._data = _NOT_JSON
        return self._data is not _NOT_JSON

    def json(self) -> Any:
        if not self.parses():
            from evidencebib.net.errors import BadAnswer

            raise BadAnswer(f"{self.url} answered HTTP {self.status} with something that is "
                            f"not JSON ({snippet(self.body)!r})")
        return self._data


@dataclass
class Stats:
    requests: int = 0            # HTTP requests sent (every try and redirect hop)
    cache_hits: int = 0
    retries: int = 0
    throttled: int = 0           # 429 answers seen
    deadline_cuts: int = 0       # exchanges cut at their deadline
    failures: int = 0            # logical requests that failed after all retries
    completed: int = 0           # logical requests that got a final answer
    throttle_wait: float = 0.0   # seconds every request was held by backoffs, in all
    by_kind: dict[str, int] = field(default_factory=dict)


class _Failure(Exception):
    """A try failed in a way worth another try (the limiter has been told)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def snippet(body: bytes, n: int = 60) -> str:
    return body[:n].decode("utf-8", errors="replace").replace("\n", " ").strip()


def short(error: BaseException) -> str:
    text = str(error)
    return (text[:160] + "…") if len(text) > 160 else text or type(error).__name__


def origin_of(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def check_base(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http(s) URL, got {url!r}")
    if parts.query or parts.fragment:
        raise UsageError(f"{option} must not have a query or fragment: {url!r}")
    return url.rstrip("/")


@overload
def check_seconds(value: Any, option: str, *, allow_none: Literal[False] = False) -> float: ...


@overload
def check_seconds(value: Any, option: str, *, allow_none: bool) -> float | None: ...


def check_seconds(value: Any, option: str, *, allow_none: bool = False) -> float | None:
    """A positive, finite number of seconds (or None when allowed), else a UsageError."""
    if value is None and allow_none:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (0 < seconds < math.inf):
        raise UsageError(f"{option} must be a positive number of seconds, got {value!r}")
    return seconds


class Origin:
    """One service's base URL and its pools: a `Limiter` each, with its own `Circuit` (a
    service whose list queries fail may still answer single records)."""

    def __init__(self, name: str, base_url: str, limiters: dict[str, Limiter],
                 default_pool: str) -> None:
        self.name = name
        self.base_url = base_url
        self.key = origin_of(base_url)
        self.limiters = limiters
        self.default_pool = default_pool
        self.handovers: set[tuple[str, str, int | None]] = set()
        self.handover_hosts: set[str] = set()     # any https:443 URL on these hosts
        self.redirect_params: dict[str, str] = {}  # added to a redirect that lands here
        self.inspect: Callable[[Mapping[str, str]], None] | None = None

    def limiter(self, pool: str | None) -> Limiter:
        return self.limiters.get(pool or self.default_pool) or self.limiters[self.default_pool]


class Transport:
    """Thread-safe; one per run (`close()` when done)."""

    def __init__(self, *, user_agent: str, cache: ResponseCache, offline: bool = False,
                 timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 max_time: float | None = DEFAULT_MAX_TIME, max_tries: int = DEFAULT_MAX_TRIES,
                 backoff: float | None = None, max_bytes: int = MAX_BYTES, max_workers: int = 16,
                 abort_ratio: float = 0.10, abort_min: int = 20,
                 session: requests.Session | None = None) -> None:
        self.timeout = check_seconds(timeout, "--timeout")
        self.connect_timeout = min(check_seconds(connect_timeout, "connect timeout"),
                                   self.timeout)
        self.max_time = check_seconds(max_time, "--max-time", allow_none=True)
        self.max_tries = max(1, int(max_tries))
        self.backoff = DEFAULT_BACKOFF if backoff is None else float(backoff)
        self.max_bytes = max_bytes
        self.max_workers = max(1, max_workers)
        self.abort_ratio = abort_ratio
        self.abort_min = abort_min
        self.cache = cache
        self.offline = offline
        self.started = time.monotonic()
        self.run_deadline = None if self.max_time is None else self.started + self.max_time
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent,
                                     "Accept-Encoding": "gzip, deflate"})
        fallback = DeadlineAdapter(pool_connections=4, pool_maxsize=self.max_workers,
                                   max_retries=0)
        self.session.mount("http://", fallback)
        self.session.mount("https://", fallback)
        self.origins: list[Origin] = []
        self.other = self.add_origin("a content-negotiation host", "https://content-negotiation",
                                     {"other": (3, 1.0, 1)}, mount=False)
        self.stats = Stats()
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._aborted = False
        self._out_of_time = False

    # -- services ----------------------------------------------------------------------------
    def add_origin(self, name: str, base_url: str,
                   pools: Mapping[str, tuple[float, float, int]], *,
                   mount: bool = True) -> Origin:
        """Register a service at `base_url` with its pools (name → limit, interval seconds,
        concurrency; the first is the default). It gets its own connection adapter."""
        limiters = {pool: Limiter(limit, interval, concurrency,
                                  name=f"{name} ({pool})" if len(pools) > 1 else name,
                                  circuit=Circuit(name, backoff=self.backoff), warn=self.warn)
                    for pool, (limit, interval, concurrency) in pools.items()}
        origin = Origin(name, base_url, limiters, next(iter(pools)))
        if mount:
            self.session.mount(base_url + "/", DeadlineAdapter(
                pool_connections=2, pool_maxsize=self.max_workers, max_retries=0))
        self.origins.append(origin)
        return origin

    def allow_handover(self, source: Origin, target: Origin | None = None, *,
                       hosts: Iterable[str] = ()) -> None:
        """`source` may redirect to `target` (any scheme on its host and port) and to https
        URLs on `hosts` (content negotiation hands a DOI over to its registration agency)."""
        if target is not None:
            source.handovers.add(target.key)
        source.handover_hosts.update(h.lower() for h in hosts)

    def _origin_for(self, url: str) -> Origin:
        key = origin_of(url)
        for origin in self.origins:
            if origin is not self.other and origin.key[1:] == key[1:]:
                return origin
        return self.other

    def display(self, url: str) -> str:
        for origin in self.origins:
            if origin is not self.other:
                url = url.replace(origin.base_url, origin.name)
        return url

    def warn(self, message: str) -> None:
        with self._lock:
            if message not in self.warnings:
                self.warnings.append(message)
                log.warning(message)

    def close(self) -> None:
        self.session.close()
        quiesce()                   # no thread of ours outlives the run (forks stay safe)

    # -- the run -----------------------------------------------------------------------------
    def remaining(self) -> float | None:
        """Seconds left of the run's time limit (None: no limit)."""
        if self.run_deadline is None:
            return None
        return self.run_deadline - time.monotonic()

    def _ran_out(self) -> RunOutOfTime:
        with self._lock:
            first, self._out_of_time = not self._out_of_time, True
        if first:
            self.warn(f"stopped at the run's time limit of {self.max_time:g} s (--max-time); "
                      f"what was not asked by then is reported unreachable")
        return RunOutOfTime(f"not asked: the run's time limit of {self.max_time:g} s was "
                            f"reached (--max-time)")

    def report(self) -> list[str]:
        """What a person should hear at the end of a run: warnings, waits, stops."""
        lines = list(self.warnings)
        if self.cache.write_error:
            lines.append(self.cache.write_error)
        for origin in self.origins:
            circuits = [limiter.circuit for limiter in origin.limiters.values()]
            throttled = sum(limiter.throttled for limiter in origin.limiters.values())
            # pools back off side by side: their holds are named apart, never added up
            held = [(pool, limiter.circuit.waited) for pool, limiter in origin.limiters.items()
                    if limiter.circuit.waited]
            if throttled or held:
                waited = (f"waited {held[0][1]:.1f} s in all" if len(held) == 1 else
                          "held " + ", ".join(f"{w:.1f} s ({pool})" for pool, w in held))
                lines.append(f"{origin.name}: {throttled} × 429 Too Many Requests, "
                             f"{sum(c.holds for c in circuits)} backoff(s); {waited} "
                             f"for it to ease")
            for circuit in circuits:
                if circuit.stopped and circuit.stopped not in lines:
                    lines.append(circuit.stopped)
        return lines

    @property
    def throttle_wait(self) -> float:
        """Seconds of backoff holds, summed over the pools (which may hold at once)."""
        return sum(limiter.circuit.waited for origin in self.origins
                   for limiter in origin.limiters.values())

    # -- requests ----------------------------------------------------------------------------
    @staticmethod
    def cache_key(url: str, accept: str = JSON, params: Mapping[str, Any] | None = None,
                  method: str = "GET", data: Mapping[str, Any] | None = None) -> str:
        """`GET <accept> <url>?<sorted query>` (and the sorted form, for a POST), without
        the `CALLER_PARAMS`."""
        def asked(values: Mapping[str, Any] | None) -> str:
            kept = {k: v for k, v in (values or {}).items() if k not in CALLER_PARAMS}
            return urlencode(sorted(kept.items()))

        query, form = asked(params), asked(data)
        key = f"{method} {accept} {url}" + (f"?{query}" if query else "")
        return key + (f" {form}" if form else "")

    def request(self, url: str, *, params: Mapping[str, Any] | None = None,
                accept: str = JSON, pool: str | None = None, expect_json: bool = False,
                cacheable: Callable[[Answer], bool] | None = None, use_cache: bool = True,
                method: str = "GET", data: Mapping[str, Any] | None = None,
                tries: int | None = None) -> Answer:
        """The final answer for a request (any status but 429 and 5xx), from the cache or
        the network; raises NetworkError when it cannot get one. `cacheable` says which
        answers are final enough to cache (default: a 200, with a JSON body if
        `expect_json`); a cached entry it refuses is discarded. `tries` lowers `max_tries`
        for a request whose failure is harmless (a look-ahead)."""
        if cacheable is None:
            def cacheable(answer: Answer) -> bool:
                return answer.status == 200 and (not expect_json or answer.parses())
        key = self.cache_key(url, accept, params, method, data)
        if use_cache:
            hit = self.cache.get(key, any_age=self.offline)
            if hit is not None:
                answer = Answer(hit.status, url, hit.content_type, hit.body, from_cache=True)
                if cacheable(answer):
                    with self._lock:
                        self.stats.cache_hits += 1
                    return answer
                self.cache.discard(key)
        if self.offline:
            raise OfflineMiss(f"offline: no cached answer for {self.display(url)}")
        if self._aborted:
            raise RunAborted("stopped asking after too many failed requests")

        last = "no try"
        tries = self.max_tries if tries is None else max(1, min(tries, self.max_tries))
        for attempt in range(tries):
            if attempt:
                with self._lock:
                    self.stats.retries += 1
            try:
                answer = self._follow(url, params, accept, pool, expect_json, method, data)
            except _Failure as failure:
                last = failure.reason
                continue
            except RunAborted:
                raise
            except NetworkError:
                self._record(failed=True)
                raise
            self._record(failed=False)
            if use_cache and cacheable(answer):
                self.cache.put(key, answer.status, answer.content_type, answer.body)
            return answer
        self._record(failed=True)
        raise NetworkError(f"{self.display(url)}: {last} (gave up after {tries} "
                           f"tr{'y' if tries == 1 else 'ies'})")

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            if failed:
                self.stats.failures += 1
            else:
                self.stats.completed += 1
            total = self.stats.failures + self.stats.completed
            stop = total >= self.abort_min and self.stats.failures >= self.abort_ratio * total
            first = stop and not self._aborted
            self._aborted = self._aborted or stop
        if first:
            self.warn(f"stopped asking: {self.stats.failures} of {total} requests failed "
                      f"(≥{self.abort_ratio:.0%}); try again later")

    def _redirect_allowed(self, current: str, target: str) -> bool:
        cur, tgt = origin_of(current), origin_of(target)
        if tgt[0] not in ("http", "https"):
            return False
        if tgt == cur:
            return True
        if tgt[1] == cur[1] and cur[0] == "http" and tgt[0] == "https":
            return True                                     # upgrade on the same host
        source = self._origin_for(current)
        for key in source.handovers:
            if tgt == key or (tgt[0] == "https" and tgt[1:] == key[1:]):
                return True
        return tgt[0] == "https" and tgt[2] == 443 and tgt[1] in source.handover_hosts

    def _follow(self, url: str, params: Mapping[str, Any] | None, accept: str,
                pool: str | None, expect_json: bool, method: str,
                data: Mapping[str, Any] | None) -> Answer:
        """One try, following allowed redirects; raises _Failure or NetworkError."""
        current, current_params = url, dict(params or {})
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._send(current, current_params, accept, pool, expect_json, method, data)
            if answer.status not in REDIRECTS:
                return answer
            location = answer.headers.get("Location")
            if not location:
                raise NetworkError(f"{self.display(current)} redirected without a Location")
            target = urljoin(current if not current_params else
                             f"{current}?{urlencode(current_params)}", location)
            if not self._redirect_allowed(current, target):
                raise NetworkError(f"{self.display(current)} redirected to "
                                   f"{urlsplit(target).netloc or target!r}, which is not a "
                                   f"configured service; refused")
            current, current_params, pool = target, {}, None
            if answer.status in (301, 302, 303):
                method, data = "GET", None
            landing = self._origin_for(target)
            query = urlsplit(target).query or ""
            current_params = {k: v for k, v in landing.redirect_params.items()
                              if f"{k}=" not in query}
        raise NetworkError(f"{self.display(url)}: too many redirects")

    def _send(self, url: str, params: Mapping[str, Any], accept: str, pool: str | None,
              expect_json: bool, method: str, data: Mapping[str, Any] | None) -> Answer:
        """One HTTP exchange within its deadline; tells the limiter how it went."""
        origin = self._origin_for(url)
        limiter = origin.limiter(pool)
        if self.run_deadline is not None and time.monotonic() >= self.run_deadline:
            raise self._ran_out()
        try:
            ticket = limiter.acquire(deadline=self.run_deadline)
        except RunOutOfTime:
            raise self._ran_out() from None
        status: int | None = None
        advertised: Advertised | None = None
        retry_after: float | None = None
        failure: str | None = None
        try:
            with self._lock:
                self.stats.requests += 1
                self.stats.by_kind[limiter.name] = self.stats.by_kind.get(limiter.name, 0) + 1
            left = self.remaining()
            by_run = left is not None and left < self.timeout
            seconds = max(0.001, left) if by_run and left is not None else self.timeout
            deadline = Deadline(seconds)
            try:
                with deadline.active():
                    response = self._get(url, params, accept, method, data, deadline)
                    with response:
                        status = response.status_code
                        advertised = parse_headers(response.headers)
                        if status == 429:
                            retry_after = parse_retry_after(response.headers.get("Retry-After"))
                        body = self._read(response, url, deadline)
                        headers = dict(response.headers)
                    if deadline.fired:
                        raise self._cut(deadline)           # the cut read as an end of file
            except _Failure as cut:
                status = None
                if by_run and deadline.fired:
                    raise self._ran_out() from None
                failure = cut.reason
                raise
            answer = Answer(status, url, headers.get("Content-Type", ""), body, headers=headers)
            if status == 429:
                failure = "HTTP 429 Too Many Requests" + (
                    f" (Retry-After {retry_after:g} s)" if retry_after is not None else "")
            elif status >= 500:
                failure = f"HTTP {status}"
            elif expect_json and status == 200 and not answer.parses():
                failure = (f"HTTP 200 with a body that is not JSON "
                           f"({headers.get('Content-Type') or 'no content type'}: "
                           f"{snippet(body)!r})")
            if failure:
                raise _Failure(failure)
            if origin.inspect is not None and advertised.pool:
                origin.inspect(headers)
            return answer
        finally:
            limiter.release(advertised, status=status, retry_after=retry_after, ticket=ticket,
                            failure=failure)
            if status == 429:
                with self._lock:
                    self.stats.throttled += 1
            self.stats.throttle_wait = self.throttle_wait

    def _cut(self, deadline: Deadline) -> _Failure:
        with self._lock:
            self.stats.deadline_cuts += 1
        return _Failure(f"no complete answer within {deadline.seconds:g} s")

    def _get(self, url: str, params: Mapping[str, Any], accept: str, method: str,
             data: Mapping[str, Any] | None, deadline: Deadline) -> Any:
        try:
            return self.session.request(method, url, params=params or None, data=data,
                                        headers={"Accept": accept},
                                        # the deadline cuts first: a read timeout
                                        # past it only guards against a watchdog gone
                                        timeout=(self.connect_timeout, deadline.seconds + 1.0),
                                        stream=True, allow_redirects=False)
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as error:
            if deadline.fired:
                raise self._cut(deadline) from None
            if isinstance(error, requests.exceptions.Timeout):
                raise _Failure(f"timed out ({type(error).__name__})") from None
            raise _Failure(f"connection failed ({short(error)})") from None
        except requests.exceptions.RequestException as error:
            raise NetworkError(f"{self.display(url)}: {short(error)}") from None

    def _read(self, response: Any, url: str, deadline: Deadline) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise NetworkError(f"{self.display(url)}: response of {declared} bytes is larger "
                               f"than the {self.max_bytes} byte limit")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise NetworkError(f"{self.display(url)}: response larger than the "
                                       f"{self.max_bytes} byte limit")
                chunks.append(chunk)
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as error:
            if deadline.fired:
                raise self._cut(deadline) from None
            if isinstance(error, requests.exceptions.Timeout):
                raise _Failure("timed out while reading the response") from None
            raise _Failure(f"response cut short ({short(error)})") from None
        return b"".join(chunks)

    # -- concurrency -------------------------------------------------------------------------
    def map(self, fn: Callable[[T], R], items: Sequence[T],
            progress: Callable[[T, R | BaseException], None] | None = None) -> list[R]:
        """Run `fn` over `items` in a thread pool (the limiters do the pacing); results in
        order. An exception from `fn` propagates after the pool is shut down."""
        if not items:
            return []
        if len(items) == 1 or self.max_workers == 1:
            results = []
            for item in items:
                result = fn(item)
                if progress:
                    progress(item, result)
                results.append(result)
            return results
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(items)),
                                thread_name_prefix="evidencebib-net") as pool:
            futures = [pool.submit(fn, item) for item in items]
            results = []
            try:
                for item, future in zip(items, futures, strict=True):
                    result = future.result()
                    if progress:
                        progress(item, result)
                    results.append(result)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
            return results
