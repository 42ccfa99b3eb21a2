"""The one place evidencebib talks to the network: Crossref's REST API and doi.org.

`Client` owns a shared `requests.Session`, the base URLs, identification (mailto → polite
pool), per-pool rate/concurrency limiters driven by response headers, retries with
exponential backoff and jitter, redirect policy, a byte cap, and the on-disk cache.

Policies (see the README section "Verifying DOIs"):

* Retries: 429, 5xx, connection errors/resets, timeouts, and 200 answers whose body is
  not the JSON we asked for (truncated, HTML) are retried up to `max_tries` times with
  exponential backoff (`backoff * 2**n`, capped, with jitter); a 429's `Retry-After` is
  honoured and the pool's rate is halved. Then `NetworkError` is raised — never a
  "not found": only a definitive 404 means that.
* Never hangs: connect and read timeouts on every request, plus a total deadline per
  response body, and at most `max_bytes` (10 MB) read from any response.
* Redirects are followed by hand (at most 5). A redirect may go to the same origin, or
  from the configured doi.org to the configured Crossref API (content negotiation of
  Crossref DOIs lands on `/v1/works/{doi}/transform`) or to DataCite's and mEDRA's
  content-negotiation hosts (`CN_HOSTS`, plus any `extra_redirect_hosts`). An
  http→https upgrade on the same host is allowed. Anything else is refused and reported.
* Run abort: after at least `abort_min` network requests, if `abort_ratio` (10 %) or more
  of them failed after all retries, the client stops asking (Crossref's api_tips) and
  every further call raises `RunAborted`. 404s are answers, not failures.
* Cache: 200 and 404 answers, keyed by URL (without mailto) and Accept. Cache hits do not
  count against any limiter. `offline=True` answers from the cache only (any age) and
  raises `OfflineMiss` otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

from evidencebib import __version__
from evidencebib import doi as doimod
from evidencebib.errors import NetworkError, UsageError
from evidencebib.net.cache import DEFAULT_TTL, ResponseCache, default_cache_dir
from evidencebib.net.ratelimit import Advertised, Limiter, parse_headers, parse_retry_after

log = logging.getLogger("evidencebib.net")

DEFAULT_CROSSREF_URL = "https://api.crossref.org"
DEFAULT_DOI_URL = "https://doi.org"
PROJECT_URL = "https://pypi.org/project/evidencebib/"
CSL_JSON = "application/vnd.citationstyles.csl+json"
JSON = "application/json"
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
# Content-negotiation services doi.org may redirect to (DataCite, mEDRA).
CN_HOSTS = ("data.crosscite.org", "api.datacite.org", "data.datacite.org", "www.medra.org",
            "api.medra.org")
# Fields asked for in batch lookups (list queries accept `select`, singletons do not).
SELECT = ("DOI,type,title,subtitle,short-title,author,editor,issued,published-print,"
          "published-online,published,posted,container-title,short-container-title,volume,"
          "issue,page,article-number,ISSN,issn-type,ISBN,publisher,update-to,updated-by,"
          "relation,URL,clinical-trial-number,update-policy")
# DOIs per batch lookup (`Client(batch_size=…)`, at most MAX_BATCH_ROWS). Each list query
# costs one slot of the (slow) list pool, so fuller batches finish sooner: 100 halves the
# list queries of 50 (see benchmarks/README.md). Whatever the size, the encoded query string
# is kept under MAX_BATCH_QUERY characters (request lines over 8 KB are refused by common
# servers and proxies), so long DOIs make smaller batches.
BATCH_SIZE = 100
MAX_BATCH_ROWS = 200
MAX_BATCH_QUERY = 4000
# A DOI segment that would read as a sub-resource of /works/{doi}.
_SUBRESOURCES = {"agency", "transform", "quality"}

T = TypeVar("T")
R = TypeVar("R")


class OfflineMiss(NetworkError):
    """Offline mode and the answer is not in the cache."""


class RunAborted(NetworkError):
    """Too many requests failed; the client stopped asking (Crossref etiquette)."""


class _Retry(Exception):
    """An attempt failed in a way worth retrying."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass
class Answer:
    status: int
    url: str
    content_type: str
    body: bytes
    from_cache: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise NetworkError(f"{self.url} answered HTTP {self.status} with something that is "
                               f"not JSON ({_snippet(self.body)!r})") from error


@dataclass
class Stats:
    requests: int = 0            # HTTP requests sent (every attempt and redirect hop)
    cache_hits: int = 0
    retries: int = 0
    throttled: int = 0           # 429 answers seen
    failures: int = 0            # logical requests that failed after all retries
    completed: int = 0           # logical requests that got a definitive answer
    by_kind: dict[str, int] = field(default_factory=dict)


def _snippet(body: bytes, n: int = 60) -> str:
    return body[:n].decode("utf-8", errors="replace").replace("\n", " ").strip()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def _check_base(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http(s) URL, got {url!r}")
    if parts.query or parts.fragment:
        raise UsageError(f"{option} must not have a query or fragment: {url!r}")
    return url.rstrip("/")


class Client:
    """Crossref + doi.org client. Thread-safe; use one per run, `close()` when done."""

    def __init__(self, *, crossref_url: str | None = None, doi_url: str | None = None,
                 mailto: str | None = None, cache_dir: str | os.PathLike | None | bool = True,
                 offline: bool = False, cache_ttl: float = DEFAULT_TTL,
                 timeout: tuple[float, float] = (5.0, 30.0), total_timeout: float = 90.0,
                 max_tries: int = 5, backoff: float = 1.0, backoff_max: float = 60.0,
                 max_bytes: int = MAX_BYTES, max_workers: int = 16,
                 extra_redirect_hosts: Iterable[str] = (), abort_ratio: float = 0.10,
                 abort_min: int = 20, batch: bool = True, batch_size: int = BATCH_SIZE,
                 session: Any | None = None, sleep: Callable[[float], None] = time.sleep) -> None:
        import requests
        from requests.adapters import HTTPAdapter

        self.crossref_url = _check_base(crossref_url or DEFAULT_CROSSREF_URL, "--crossref-url")
        self.doi_url = _check_base(doi_url or DEFAULT_DOI_URL, "--doi-url")
        self.mailto = (mailto or "").strip() or None
        if self.mailto and ("@" not in self.mailto or any(c.isspace() for c in self.mailto)):
            raise UsageError(f"--mailto must be an e-mail address, got {mailto!r}")
        self.offline = offline
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.max_tries = max(1, int(max_tries))
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.max_bytes = max_bytes
        self.max_workers = max(1, max_workers)
        self.abort_ratio = abort_ratio
        self.abort_min = abort_min
        self.batch = batch
        self.batch_size = max(2, min(int(batch_size), MAX_BATCH_ROWS))
        self._sleep = sleep
        self.user_agent = (f"evidencebib/{__version__} ({PROJECT_URL}; mailto:{self.mailto})"
                           if self.mailto else f"evidencebib/{__version__} ({PROJECT_URL})")

        if cache_dir is True:
            cache_dir = default_cache_dir()
        elif cache_dir is False:
            cache_dir = None
        try:
            self.cache = ResponseCache(cache_dir, ttl=cache_ttl)
        except OSError as error:
            raise UsageError(f"cannot use cache directory {cache_dir}: {error}") from error

        self.session = session or requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=self.max_workers, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": self.user_agent,
                                     "Accept-Encoding": "gzip, deflate"})

        polite = self.mailto is not None
        # Start at the documented values for our pool; response headers adapt them.
        self.limiters = {
            "single": Limiter(10 if polite else 5, 1.0, 3 if polite else 1, name="crossref"),
            "array": Limiter(3 if polite else 1, 1.0, 1, name="crossref-list"),
            "doi": Limiter(5, 1.0, 2, name="doi.org"),
            "other": Limiter(3, 1.0, 1, name="content-negotiation"),
        }
        self._crossref_origin = _origin(self.crossref_url)
        self._doi_origin = _origin(self.doi_url)
        self._cn_hosts = {h.lower() for h in (*CN_HOSTS, *extra_redirect_hosts)}
        self.stats = Stats()
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._aborted = False

    # -- construction from options/environment -------------------------------------------
    @classmethod
    def from_options(cls, *, crossref_url: str | None = None, doi_url: str | None = None,
                     mailto: str | None = None, cache_dir: str | os.PathLike | None = None,
                     offline: bool = False, **kwargs: Any) -> "Client":
        """Options given on the command line win over EVIDENCEBIB_* environment variables."""
        env = os.environ
        return cls(
            crossref_url=crossref_url or env.get("EVIDENCEBIB_CROSSREF_URL") or None,
            doi_url=doi_url or env.get("EVIDENCEBIB_DOI_URL") or None,
            mailto=mailto or env.get("EVIDENCEBIB_MAILTO") or None,
            cache_dir=cache_dir if cache_dir is not None else True,
            offline=offline, **kwargs)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- URLs --------------------------------------------------------------------------------
    def works_url(self, doi: str, suffix: str = "") -> str:
        """`{crossref}/works/{doi}{suffix}`; DOIs are sent lower-cased (case-insensitive,
        and one spelling shares one cache entry)."""
        name = doi.lower()
        last = name.rsplit("/", 1)[-1]
        encoded = doimod.path_segment(name, encode_slashes=last in _SUBRESOURCES)
        return f"{self.crossref_url}/works/{encoded}{suffix}"

    def doi_org_url(self, path: str, doi: str) -> str:
        return f"{self.doi_url}/{path}{doimod.path_segment(doi)}"

    def _params(self, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        out = dict(params or {})
        if self.mailto:
            out["mailto"] = self.mailto
        return out

    # -- Crossref ----------------------------------------------------------------------------
    def work(self, doi: str) -> dict | None:
        """The Crossref work `message` for `doi`, or None when Crossref answers 404."""
        answer = self.request(self.works_url(doi), params=self._params(), kind="single",
                              expect_json=True)
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise NetworkError(f"Crossref answered HTTP {answer.status} for {doi}: "
                               f"{_snippet(answer.body)!r}")
        message = _message(answer, "work")
        if not isinstance(message, dict) or not message.get("DOI"):
            raise NetworkError(f"Crossref answered nonsense for {doi} (no work record)")
        return message

    def prefetch_works(self, dois: Iterable[str], batch_size: int | None = None) -> int:
        """Fill the cache for many DOIs with few list queries (`filter=doi:a,doi:b…`).

        DOIs with a comma or whitespace are left out (a comma splits the filter; Crossref
        answers 400). DOIs a batch does not return (404s, aliases, non-Crossref DOIs) are
        left for `work()`. Failures here are not fatal: `work()` will ask singly.
        Returns the number of works cached.
        """
        if self.offline or not self.batch:
            return 0
        wanted: dict[str, str] = {}
        for raw in dois:
            name = doimod.normalize(raw)
            if not doimod.is_valid(name) or "," in name or any(c.isspace() for c in name) \
                    or not name.isascii():
                continue
            k = name.lower()
            if k in wanted or self.cache.get(self._key(self.works_url(k), JSON)) is not None:
                continue
            wanted[k] = name
        keys = list(wanted)
        batch_size = max(1, min(int(batch_size or self.batch_size), MAX_BATCH_ROWS))
        if len(keys) < 2:
            return 0
        base = len(urlencode(self._params({"filter": "", "rows": batch_size, "select": SELECT})))
        chunks: list[list[str]] = []
        chunk: list[str] = []
        size = base
        for k in keys:
            cost = len(urlencode({"": f"doi:{k}"})) - 1 + (3 if chunk else 0)   # + "%2C"
            if chunk and (len(chunk) >= batch_size or size + cost > MAX_BATCH_QUERY):
                chunks.append(chunk)
                chunk, size = [], base
                cost -= 3
            chunk.append(k)
            size += cost
        if chunk:
            chunks.append(chunk)

        def one(chunk: list[str]) -> int:
            params = self._params({"filter": ",".join(f"doi:{d}" for d in chunk),
                                   "rows": len(chunk), "select": SELECT})
            try:
                answer = self.request(f"{self.crossref_url}/works", params=params, kind="array",
                                      expect_json=True, use_cache=False)
            except RunAborted:
                raise
            except NetworkError as error:
                log.info("batch lookup failed, falling back to single lookups: %s", error)
                return 0
            if answer.status != 200:
                return 0
            try:
                items = (_message(answer, "work-list") or {}).get("items") or []
            except (NetworkError, AttributeError):
                return 0
            stored = 0
            for work in items:
                if not isinstance(work, dict) or not isinstance(work.get("DOI"), str):
                    continue
                k = work["DOI"].lower()
                if k in wanted:
                    body = json.dumps({"status": "ok", "message-type": "work",
                                       "message": work}).encode("utf-8")
                    self.cache.put(self._key(self.works_url(k), JSON), 200, JSON, body)
                    stored += 1
            return stored

        return sum(self.map(one, chunks))

    def agency(self, doi: str) -> str | None:
        """Registration agency id from Crossref `/works/{doi}/agency` (None on 404)."""
        answer = self.request(self.works_url(doi, "/agency"), params=self._params(),
                              kind="single", expect_json=True)
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise NetworkError(f"Crossref answered HTTP {answer.status} for agency of {doi}")
        message = _message(answer, "work-agency") or {}
        agency = (message.get("agency") or {}) if isinstance(message, dict) else {}
        return agency.get("id") or agency.get("label")

    def search(self, bibliographic: str, rows: int = 5) -> list[dict]:
        """`/works?query.bibliographic=…` items (best first, each with its `score`)."""
        params = self._params({"query.bibliographic": bibliographic[:1000], "rows": rows})
        answer = self.request(f"{self.crossref_url}/works", params=params, kind="array",
                              expect_json=True)
        if answer.status != 200:
            raise NetworkError(f"Crossref search answered HTTP {answer.status}: "
                               f"{_snippet(answer.body)!r}")
        message = _message(answer, "work-list") or {}
        items = message.get("items") if isinstance(message, dict) else None
        return [i for i in items or [] if isinstance(i, dict)]

    # -- doi.org -----------------------------------------------------------------------------
    def registration_agency(self, doi: str) -> str | None:
        """`doi.org/ra/{doi}`: "Crossref", "DataCite", "mEDRA" …; None if the DOI does not
        exist; raises doimod.InvalidDOI if doi.org says the DOI is invalid."""
        answer = self.request(self.doi_org_url("ra/", doi), kind="doi", expect_json=True)
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise NetworkError(f"doi.org answered HTTP {answer.status} for the agency of {doi}")
        data = answer.json()
        entry = data[0] if isinstance(data, list) and data else data
        if not isinstance(entry, dict):
            raise NetworkError(f"doi.org answered nonsense for the agency of {doi}")
        if entry.get("RA"):
            return str(entry["RA"])
        status = str(entry.get("status", "")).lower()
        if "invalid" in status:
            raise doimod.InvalidDOI(f"doi.org: invalid DOI {doi!r}")
        if "not exist" in status or "not found" in status:
            return None
        raise NetworkError(f"doi.org answered an unknown agency status for {doi}: {status!r}")

    def handle(self, doi: str) -> dict | None:
        """`doi.org/api/handles/{doi}` record (responseCode 1), or None (100: not found)."""
        answer = self.request(self.doi_org_url("api/handles/", doi), kind="doi",
                              expect_json=True)
        if answer.status == 404:
            return None
        data = answer.json()
        code = data.get("responseCode") if isinstance(data, dict) else None
        if code == 1:
            return data
        if code in (100, 200):
            return None
        if code == 102 or answer.status == 400:
            raise doimod.InvalidDOI(f"doi.org: invalid handle {doi!r}")
        raise NetworkError(f"doi.org handle API answered HTTP {answer.status} code {code!r}")

    def short_doi_target(self, short: str) -> str | None:
        """The DOI a shortDOI (`10/fqd6hj`) stands for: the HS_ALIAS value of its handle
        record at doi.org (shortDOIs are alias handles); None when doi.org has no such name."""
        record = self.handle(short)
        for value in (record or {}).get("values") or []:
            if isinstance(value, dict) and value.get("type") == "HS_ALIAS":
                data = value.get("data") or {}
                target = doimod.normalize(str(data.get("value") or "")) if isinstance(data, dict) else ""
                if doimod.is_valid(target):
                    return target
        return None

    def csl(self, doi: str) -> dict | None:
        """CSL-JSON by content negotiation at doi.org (DataCite, mEDRA …); None on 404."""
        answer = self.request(self.doi_org_url("", doi), kind="doi", accept=CSL_JSON,
                              expect_json=True)
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise NetworkError(f"doi.org content negotiation answered HTTP {answer.status} "
                               f"for {doi}")
        data = answer.json()
        if not isinstance(data, dict):
            raise NetworkError(f"doi.org content negotiation answered nonsense for {doi}")
        return data

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
                for item, future in zip(items, futures):
                    result = future.result()
                    if progress:
                        progress(item, result)
                    results.append(result)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
            return results

    # -- the core ----------------------------------------------------------------------------
    @staticmethod
    def _key(url: str, accept: str, params: Mapping[str, Any] | None = None) -> str:
        query = {k: v for k, v in (params or {}).items() if k != "mailto"}
        full = url + ("?" + urlencode(sorted(query.items())) if query else "")
        return f"GET {accept} {full}"

    def request(self, url: str, *, params: Mapping[str, Any] | None = None,
                accept: str = JSON, kind: str = "single", expect_json: bool = False,
                use_cache: bool = True) -> Answer:
        """GET with cache, limiter, retries and redirect policy. Returns the final answer
        (any status other than 429/5xx); raises NetworkError when it cannot get one."""
        key = self._key(url, accept, params)
        if use_cache:
            hit = self.cache.get(key, any_age=self.offline)
            if hit is not None:
                with self._lock:
                    self.stats.cache_hits += 1
                return Answer(hit.status, url, hit.content_type, hit.body, from_cache=True)
        if self.offline:
            raise OfflineMiss(f"offline: no cached answer for {url}")
        self._check_abort()

        last = "no attempt"
        for attempt in range(self.max_tries):
            if attempt:
                with self._lock:
                    self.stats.retries += 1
            retry_after = None
            try:
                answer = self._fetch(url, params, accept, kind)
                if answer.status == 429:
                    raise _Retry("HTTP 429 Too Many Requests",
                                 parse_retry_after(answer.headers.get("Retry-After")))
                if answer.status >= 500:
                    raise _Retry(f"HTTP {answer.status}")
                if expect_json and answer.status == 200:
                    try:
                        json.loads(answer.body.decode("utf-8"))
                    except (UnicodeDecodeError, ValueError):
                        raise _Retry(f"HTTP 200 with a body that is not JSON "
                                     f"({answer.content_type or 'no content type'}: "
                                     f"{_snippet(answer.body)!r})") from None
            except _Retry as retry:
                last = retry.reason
                retry_after = retry.retry_after
                if attempt + 1 < self.max_tries:
                    delay = min(self.backoff_max, self.backoff * (2 ** attempt))
                    delay *= random.uniform(0.5, 1.0)
                    if retry_after is not None:
                        delay = max(delay, retry_after)
                    self._sleep(delay)
                continue
            except NetworkError:
                self._record(failed=True)
                raise
            self._record(failed=False)
            if use_cache and answer.status in (200, 404):
                self.cache.put(key, answer.status, answer.content_type, answer.body)
            return answer
        self._record(failed=True)
        raise NetworkError(f"{self._display(url)}: {last} (gave up after {self.max_tries} tries)")

    def _display(self, url: str) -> str:
        return url.replace(self.crossref_url, "Crossref").replace(self.doi_url, "doi.org")

    def _record(self, *, failed: bool) -> None:
        with self._lock:
            if failed:
                self.stats.failures += 1
            else:
                self.stats.completed += 1
            total = self.stats.failures + self.stats.completed
            if total >= self.abort_min and self.stats.failures >= self.abort_ratio * total:
                if not self._aborted:
                    self.warnings.append(
                        f"stopped asking: {self.stats.failures} of {total} requests failed "
                        f"(≥{self.abort_ratio:.0%}); try again later")
                self._aborted = True

    def _check_abort(self) -> None:
        if self._aborted:
            raise RunAborted("stopped asking after too many failed requests")

    def _limiter_for(self, url: str, kind: str) -> Limiter:
        origin = _origin(url)
        if origin[1:] == self._crossref_origin[1:]:
            return self.limiters["array" if kind == "array" else "single"]
        if origin[1:] == self._doi_origin[1:]:
            return self.limiters["doi"]
        return self.limiters["other"]

    def _redirect_allowed(self, current: str, target: str) -> bool:
        cur, tgt = _origin(current), _origin(target)
        if tgt[0] not in ("http", "https"):
            return False
        if tgt == cur:
            return True
        if tgt[1] == cur[1] and cur[0] == "http" and tgt[0] == "https":
            return True                                     # upgrade on the same host
        if cur[1:] == self._doi_origin[1:]:
            # doi.org content negotiation hands over to the service that registered the DOI
            if tgt == self._crossref_origin or \
                    (tgt[0] == "https" and tgt[1:] == self._crossref_origin[1:]):
                return True
            if tgt[0] == "https" and tgt[2] == 443 and tgt[1] in self._cn_hosts:
                return True
        return False

    def _fetch(self, url: str, params: Mapping[str, Any] | None, accept: str,
               kind: str) -> Answer:
        """One attempt, following allowed redirects; raises _Retry or NetworkError."""
        current, current_params = url, dict(params or {})
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._send(current, current_params, accept, kind)
            if answer.status not in (301, 302, 303, 307, 308):
                return answer
            location = answer.headers.get("Location")
            if not location:
                raise NetworkError(f"{self._display(current)} redirected without a Location")
            target = urljoin(current if not current_params else
                             f"{current}?{urlencode(current_params)}", location)
            if not self._redirect_allowed(current, target):
                raise NetworkError(f"{self._display(current)} redirected to "
                                   f"{urlsplit(target).netloc or target!r}, which is not a "
                                   f"configured service; refused")
            current, current_params = target, {}
            if self.mailto and _origin(target)[1:] == self._crossref_origin[1:] \
                    and "mailto=" not in (urlsplit(target).query or ""):
                current_params = {"mailto": self.mailto}
        raise NetworkError(f"{self._display(url)}: too many redirects")

    def _send(self, url: str, params: Mapping[str, Any], accept: str, kind: str) -> Answer:
        import requests

        limiter = self._limiter_for(url, kind)
        ticket = limiter.acquire()
        status: int | None = None
        advertised: Advertised | None = None
        retry_after: float | None = None
        try:
            with self._lock:
                self.stats.requests += 1
                self.stats.by_kind[limiter.name] = self.stats.by_kind.get(limiter.name, 0) + 1
            started = time.monotonic()
            try:
                response = self.session.get(url, params=params or None,
                                            headers={"Accept": accept}, timeout=self.timeout,
                                            stream=True, allow_redirects=False)
            except requests.exceptions.Timeout as error:
                raise _Retry(f"timed out ({type(error).__name__})") from None
            except (requests.exceptions.ConnectionError,
                    requests.exceptions.ChunkedEncodingError) as error:
                raise _Retry(f"connection failed ({_short(error)})") from None
            except requests.exceptions.RequestException as error:
                raise NetworkError(f"{self._display(url)}: {_short(error)}") from None
            with response:
                status = response.status_code
                advertised = parse_headers(response.headers)
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                body = self._read(response, url, started)
                headers = dict(response.headers)
            if limiter is not self.limiters["other"] and advertised.pool:
                self._check_pool(advertised.pool)
            return Answer(status, url, headers.get("Content-Type", ""), body, headers=headers)
        finally:
            limiter.release(advertised, status=status, retry_after=retry_after, ticket=ticket)
            if status == 429:
                with self._lock:
                    self.stats.throttled += 1

    def _read(self, response: Any, url: str, started: float) -> bytes:
        import requests

        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise NetworkError(f"{self._display(url)}: response of {declared} bytes is larger "
                               f"than the {self.max_bytes} byte limit")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise NetworkError(f"{self._display(url)}: response larger than the "
                                       f"{self.max_bytes} byte limit")
                if time.monotonic() - started > self.total_timeout:
                    raise _Retry(f"response took longer than {self.total_timeout:g} s")
                chunks.append(chunk)
        except requests.exceptions.Timeout:
            raise _Retry("timed out while reading the response") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as error:
            raise _Retry(f"response cut short ({_short(error)})") from None
        return b"".join(chunks)

    def _check_pool(self, pool: str) -> None:
        if not self.mailto:
            return
        name = pool.lower()
        if "polite" in name or "plus" in name:
            return
        with self._lock:
            message = (f"Crossref answered from the {pool!r} pool although --mailto was given; "
                       f"the address may not have been recognised")
            if message not in self.warnings:
                self.warnings.append(message)
                log.warning(message)


def _short(error: BaseException) -> str:
    text = str(error)
    return (text[:160] + "…") if len(text) > 160 else text or type(error).__name__


def _message(answer: Answer, expected_type: str) -> Any:
    data = answer.json()
    if not isinstance(data, dict) or "message" not in data:
        raise NetworkError(f"{answer.url}: answer has no 'message' (expected {expected_type})")
    return data["message"]
