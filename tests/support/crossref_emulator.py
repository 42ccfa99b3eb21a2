"""A small Crossref + doi.org emulator on loopback, for tests and the benchmark.

Two real HTTP servers (werkzeug, threaded) on 127.0.0.1: one plays api.crossref.org, the
other doi.org. They advertise rate/concurrency limits in headers, *enforce* them (HTML
429 when exceeded, like Crossref), count in-flight requests and requests per sliding window,
and can inject faults per DOI (5xx, 429 with/without Retry-After, connection resets,
timeouts, truncated JSON, HTML bodies, redirects to a foreign host, 404 labelled JSON; and,
for the hostile-network tests: bodies that trickle in or stream without end, JSON of the wrong
shape, wrong content types, redirect loops, and faults on list queries via the key "list").

The slow faults a deadline must stop (tests/net/test_deadlines.py) write the HTTP answer on
the raw socket themselves, so that the status line and header lines can arrive byte by byte:
`drip:S` (a body with a Content-Length, one byte every S seconds), `slow-status:S` and
`slow-headers:S`. `html404` is a proxy's HTML 404 page; `advertise={...}` replaces the
X-Rate-Limit-* / X-Concurrency-Limit headers with any values (absurd ones included) while the
emulator keeps enforcing its own limits.

    with CrossrefEmulator(rate=50, concurrency=5) as emu:
        emu.add_work(message)                   # a Crossref work `message`
        emu.add_datacite(doi, csl)              # a DataCite DOI (doi.org/ra + CN)
        emu.faults["10.1/x"] = ["503", "reset"] # consumed one per request for that DOI
        client = Client(crossref_url=emu.crossref_url, doi_url=emu.doi_url, ...)
"""

from __future__ import annotations

import collections
import json
import logging
import re
import socket
import struct
import threading
import time
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import parse_qs, quote, unquote

from werkzeug.serving import make_server

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"
HTML_429 = (b"<html><head><title>429 Too Many Requests</title></head><body>"
            b"<h1>429 Too Many Requests</h1> You have sent too many requests in a given "
            b"amount of time.</body></html>")

logging.getLogger("werkzeug").setLevel(logging.CRITICAL)


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def sample_messages() -> list[dict]:
    """The recorded Crossref works (shared samples)."""
    return [load_fixture(p.name)["message"] for p in sorted(FIXTURES.glob("works_*.json"))]


def synthetic_messages() -> dict[str, dict]:
    """Realistic hand-made works: retraction, withdrawal, EoC, notice … (see the file)."""
    return load_fixture("synthetic_works.json")["works"]


# The five entries of references/recurrent-miscarriage.bib, as Crossref has them (make_work's
# keywords), for the tests that run the commands on the shipped references.
SHIPPED = {
    "10.1111/aji.13737": dict(title="Intravenous immunoglobulin use in patients with "
                              "unexplained recurrent pregnancy loss", family="Banjar", year=2023,
                              journal="American Journal of Reproductive Immunology"),
    "10.1002/14651858.cd002859.pub2": dict(
        title="Prevention of recurrent miscarriage for women with antiphospholipid antibody or "
              "lupus anticoagulant", family="Empson", year=2005,
        journal="Cochrane Database of Systematic Reviews"),
    "10.1016/j.rbmo.2016.08.025": dict(
        title="The effect of intravenous immunoglobulin passive immunotherapy on unexplained "
              "recurrent spontaneous abortion: a meta-analysis", family="Wang", year=2016,
        journal="Reproductive BioMedicine Online"),
    "10.1002/14651858.cd000112.pub3": dict(title="Immunotherapy for recurrent miscarriage",
                                           family="Wong", year=2014,
                                           journal="Cochrane Database of Systematic Reviews"),
    "10.1016/j.eclinm.2022.101527": dict(
        title="Intravenous immunoglobulin treatment in women with four or more recurrent "
              "pregnancy losses: A double-blind, randomised, placebo-controlled trial",
        family="Yamada", year=2022, journal="eClinicalMedicine"),
}


def make_work(doi: str, *, title: str = "A trial", family: str = "Smith", year: int = 2020,
              journal: str = "Journal of Tests", **extra: Any) -> dict:
    """A plausible Crossref work message (for bulk tests and the benchmark)."""
    message = {
        "DOI": doi, "type": "journal-article", "title": [title],
        "author": [{"given": "Anne", "family": family, "sequence": "first", "affiliation": []},
                   {"given": "Bo", "family": "Jones", "sequence": "additional",
                    "affiliation": []}],
        "container-title": [journal], "short-container-title": [],
        "issued": {"date-parts": [[year, 3, 1]]}, "published-print": {"date-parts": [[year]]},
        "volume": "12", "issue": "3", "page": "100-110", "ISSN": ["1234-5678"],
        "publisher": "Test Publisher", "URL": f"https://doi.org/{doi}", "relation": {},
    }
    message.update(extra)
    return message


class _Pool:
    """Limits and counters of one Crossref pool (single records / list queries)."""

    def __init__(self, name: str, rate: float, interval: float, concurrency: int) -> None:
        self.name, self.rate, self.interval, self.concurrency = name, rate, interval, concurrency
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: collections.deque[float] = collections.deque()
        self.max_window = 0
        self.requests = 0
        self.rejected = 0

    def enter(self, enforce: bool) -> bool:
        """Count an arrival; False if it breaks the advertised limits (→ 429)."""
        now = time.monotonic()
        with self.lock:
            self.requests += 1
            while self.arrivals and self.arrivals[0] <= now - self.interval:
                self.arrivals.popleft()
            self.arrivals.append(now)
            self.max_window = max(self.max_window, len(self.arrivals))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            over = len(self.arrivals) > self.rate or self.in_flight > self.concurrency
            if over and enforce:
                self.rejected += 1
                return False
            return True

    def leave(self) -> None:
        with self.lock:
            self.in_flight -= 1


class LoopbackServer:
    """A real, threaded HTTP server on 127.0.0.1 for one WSGI app, stopped on exit (no
    thread outlives it: render/parallel.py forks only single-threaded processes)."""

    def __init__(self, app) -> None:
        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def __enter__(self) -> "LoopbackServer":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class CrossrefEmulator:
    def __init__(self, *, rate: float = 50, interval: float = 1.0, concurrency: int = 5,
                 array_rate: float | None = None, array_concurrency: int | None = None,
                 pool: str = "polite", enforce: bool = True, latency: float = 0.0,
                 duplicate_headers: bool = False, retry_after: str | None = None,
                 advertise: dict[str, str] | None = None) -> None:
        self.single = _Pool("single", rate, interval, concurrency)
        self.array = _Pool("array", array_rate or rate, interval,
                           array_concurrency or concurrency)
        self.pool_name = pool
        self.enforce = enforce
        self.latency = latency
        self.duplicate_headers = duplicate_headers
        self.retry_after_on_limit = retry_after
        self.advertise = dict(advertise or {})
        self.works: dict[str, dict] = {}
        self.aliases: dict[str, str] = {}
        self.agencies: dict[str, str] = {}
        self.short_dois: dict[str, str] = {}
        self.csl: dict[str, dict] = {}
        self.faults: dict[str, list[str]] = collections.defaultdict(list)
        self.always: dict[str, str] = {}
        self.search_results: dict[str, list[dict]] = {}
        self.log: list[dict] = []
        self._log_lock = threading.Lock()
        self._crossref = LoopbackServer(self._crossref_app)
        self._doi = LoopbackServer(self._doi_app)
        self.crossref_url = self._crossref.url
        self.doi_url = self._doi.url

    # -- set-up ---------------------------------------------------------------------------
    def add_work(self, message: dict, *, agency: str = "Crossref") -> None:
        self.works[message["DOI"].lower()] = message
        self.agencies[message["DOI"].lower()] = agency

    def add_works(self, messages: Iterable[dict]) -> None:
        for message in messages:
            self.add_work(message)

    def add_alias(self, alias: str, prime: str) -> None:
        self.aliases[alias.lower()] = prime
        self.agencies[alias.lower()] = "Crossref"

    def add_short_doi(self, short: str, doi: str) -> None:
        """A shortDOI (`10/abc`): doi.org's handle record for it is an HS_ALIAS of `doi`."""
        self.short_dois[short.lower()] = doi

    def add_datacite(self, doi: str, csl: dict | None, agency: str = "DataCite") -> None:
        """A non-Crossref DOI; `csl=None`: registered, but content negotiation answers 404."""
        self.agencies[doi.lower()] = agency
        if csl is not None:
            self.csl[doi.lower()] = csl

    def start(self) -> "CrossrefEmulator":
        self._crossref.start()
        self._doi.start()
        return self

    def stop(self) -> None:
        self._crossref.stop()
        self._doi.stop()

    def __enter__(self) -> "CrossrefEmulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- statistics ---------------------------------------------------------------------------
    @property
    def crossref_requests(self) -> int:
        return self.single.requests + self.array.requests

    @property
    def rejected(self) -> int:
        return self.single.rejected + self.array.rejected

    def requests_for(self, path_contains: str) -> int:
        with self._log_lock:
            return sum(1 for e in self.log if path_contains in e["path"])

    def reset_counters(self) -> None:
        for pool in (self.single, self.array):
            pool.requests = pool.rejected = pool.max_in_flight = pool.max_window = 0
        with self._log_lock:
            self.log.clear()

    # -- helpers --------------------------------------------------------------------------
    def _headers(self, pool: _Pool) -> list[tuple[str, str]]:
        rate = f"{pool.rate:g}"
        interval = f"{pool.interval:g}s"
        conc = str(pool.concurrency)
        if self.duplicate_headers:
            rate, interval, conc = f"{rate}, {rate}", f"{interval}, {interval}", f"{conc}, {conc}"
        name = f"{self.pool_name}-{'array' if pool is self.array else 'single'}"
        headers = {"X-Rate-Limit-Limit": rate, "X-Rate-Limit-Interval": interval,
                   "X-Concurrency-Limit": conc, "X-Api-Pool": name}
        headers.update(self.advertise)
        return list(headers.items())

    def _record(self, environ: dict, server: str) -> dict:
        entry = {"server": server, "path": _path(environ),
                 "raw": environ.get("REQUEST_URI") or environ.get("RAW_URI") or "",
                 "query": parse_qs(environ.get("QUERY_STRING", "")),
                 "accept": environ.get("HTTP_ACCEPT", ""),
                 "user_agent": environ.get("HTTP_USER_AGENT", ""),
                 "plus_token": environ.get("HTTP_CROSSREF_PLUS_API_TOKEN", ""),
                 "time": time.monotonic()}
        with self._log_lock:
            self.log.append(entry)
        return entry

    def _fault(self, key: str) -> str | None:
        if key in self.always:
            return self.always[key]
        queue = self.faults.get(key)
        if queue:
            return queue.pop(0)
        return None

    # -- Crossref ------------------------------------------------------------------------------
    def _crossref_app(self, environ, start_response):
        entry = self._record(environ, "crossref")
        path = entry["path"]
        is_list = path.rstrip("/") in ("/works", "/v1/works")
        pool = self.array if is_list else self.single
        admitted = pool.enter(self.enforce)
        try:
            if not admitted:
                headers = [("Content-Type", "text/html")]
                if self.retry_after_on_limit:
                    headers.append(("Retry-After", self.retry_after_on_limit))
                start_response("429 Too Many Requests", headers)
                return [HTML_429]
            if self.latency:
                time.sleep(self.latency)
            status, headers, body = self._crossref_answer(environ, entry, path, is_list)
            if status == "RESET":
                _reset(environ)
                return []
            if isinstance(body, _Raw):
                body.send(environ, headers + self._headers(pool))
                return []
            start_response(status, headers + self._headers(pool))
            if isinstance(body, _Stream):
                return body
            return [body]
        finally:
            pool.leave()

    def _crossref_answer(self, environ, entry, path, is_list):
        if is_list:
            fault = self._fault("list")
            if fault:
                answer = self._apply_fault(fault, "list")
                if answer is not None:
                    return answer
            query = entry["query"]
            if "filter" in query:
                return self._filter(query["filter"][0], query)
            if "query.bibliographic" in query:
                return self._search(query["query.bibliographic"][0],
                                    int(query.get("rows", ["20"])[0]))
            return _json(400, {"status": "failed", "message-type": "validation-failure",
                               "message": [{"type": "parameter-not-allowed"}]})
        # route on the raw path (an encoded %2F inside the DOI is not a path separator)
        raw_path = (entry["raw"] or path).split("?", 1)[0]
        match = re.match(r"^(?:/v1)?/works/(.+?)(/agency|/transform)?$", raw_path)
        if not match:
            return _text(404, "Resource not found.")
        doi, sub = unquote(match.group(1)), match.group(2)
        key = doi.lower()
        fault = self._fault(key)
        if fault:
            answer = self._apply_fault(fault, key)
            if answer is not None:
                return answer
        if key in self.aliases:
            prime = self.aliases[key]
            return ("301 Moved Permanently",
                    [("Location", f"/works/{quote(prime, safe='')}" + (sub or "")),
                     ("Content-Type", "text/plain")], b"")
        work = self.works.get(key)
        if work is None:
            return _text(404, "Resource not found.")
        if sub == "/agency":
            return _json(200, {"status": "ok", "message-type": "work-agency",
                               "message": {"DOI": work["DOI"],
                                           "agency": {"id": "crossref", "label": "Crossref"}}})
        if sub == "/transform":
            return _json(200, _work_to_csl(work), "application/vnd.citationstyles.csl+json")
        return _json(200, {"status": "ok", "message-type": "work", "message-version": "1.0.0",
                           "message": work})

    def _apply_fault(self, fault: str, key: str):
        name, _, arg = fault.partition(":")
        if name.isdigit():
            code = int(name)
            body = HTML_429 if code == 429 else b"<html><body>Server error</body></html>"
            headers = [("Content-Type", "text/html")]
            if code == 429 and arg:
                headers.append(("Retry-After", arg))
            return (f"{code} Error", headers, body)
        if name == "reset":
            return ("RESET", [], b"")
        if name == "timeout":
            time.sleep(float(arg or 2))
            return None
        if name == "truncated":
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", "application/json")], body[: len(body) // 2])
        if name == "html":
            return ("200 OK", [("Content-Type", "text/html")],
                    b"<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>")
        if name == "redirect-foreign":
            return ("302 Found", [("Location", "http://127.0.0.1:1/steal")], b"")
        if name == "404json":
            return ("404 Not Found", [("Content-Type", "application/json;charset=utf-8")],
                    b"Resource not found.")
        if name == "big":
            return ("200 OK", [("Content-Type", "application/json")],
                    b'{"pad": "' + b"x" * int(arg or 2_000_000) + b'"}')
        # -- hostile-network faults (tests/net/test_hostile_network.py) --------------------------
        if name == "trickle":        # a valid answer, one byte every `arg` seconds (no length)
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", "application/json")],
                    _Stream([body[i:i + 1] for i in range(len(body))], float(arg or 0.2)))
        if name == "stall-body":     # half the body, then silence for `arg` seconds
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", "application/json"),
                               ("Content-Length", str(len(body)))],
                    _Stream([body[: len(body) // 2], body[len(body) // 2:]], float(arg or 3)))
        if name == "endless":        # chunks of 64 KiB without a Content-Length, `arg` MiB
            megabytes = float(arg or 64)
            count = int(megabytes * 16)
            return ("200 OK", [("Content-Type", "application/json")],
                    _Stream([b'{"pad": "'] + [b"x" * 65536] * count, 0.0))
        if name == "json":           # a 200 whose JSON is `arg` (any shape)
            return ("200 OK", [("Content-Type", "application/json")], arg.encode())
        if name == "ctype":          # the real answer under another content type
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", arg or "text/plain")], body)
        if name == "redirect-loop":  # a redirect to the same path, for ever
            return ("302 Found", [("Location", f"/works/{quote(key, safe='')}")], b"")
        # -- faults that only a total deadline stops (tests/net/test_deadlines.py) -----------
        if name == "drip":           # a valid answer with its Content-Length, a byte at a time
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", "application/json")],
                    _Raw(body, float(arg or 1), slow="body"))
        if name in ("slow-status", "slow-headers"):
            body = json.dumps({"status": "ok", "message-type": "work",
                               "message": self.works.get(key, {"DOI": key})}).encode()
            return ("200 OK", [("Content-Type", "application/json")],
                    _Raw(body, float(arg or 1), slow=name[5:]))
        if name == "html404":        # a proxy's (or a web server's) own 404 page
            return ("404 Not Found", [("Content-Type", "text/html")],
                    b"<html><head><title>404 Not Found</title></head><body><center><h1>404 "
                    b"Not Found</h1></center><hr><center>nginx</center></body></html>")
        if name == "redirect-scheme":  # the same host and port, another scheme
            return ("302 Found", [("Location", self.crossref_url.replace("http://", arg or "ftp://")
                                   + f"/works/{quote(key, safe='')}")], b"")
        raise ValueError(f"unknown fault {fault}")

    def _filter(self, text: str, query) -> tuple:
        dois = [part[4:] for part in text.split(",") if part.startswith("doi:")]
        if any(not p.startswith(("doi:",)) for p in text.split(",")):
            return _json(400, {"status": "failed", "message-type": "validation-failure",
                               "message": [{"type": "filter-not-available",
                                            "value": text}]})
        items = [self.works[d.lower()] for d in dois if d.lower() in self.works]
        return _json(200, {"status": "ok", "message-type": "work-list",
                           "message": {"items": items, "total-results": len(items),
                                       "items-per-page": len(items)}})

    def _search(self, text: str, rows: int) -> tuple:
        for needle, results in self.search_results.items():
            if needle.lower() in text.lower():
                items = results[:rows]
                break
        else:
            words = set(re.findall(r"\w{3,}", text.lower()))
            scored = []
            for work in self.works.values():
                hay = " ".join([" ".join(work.get("title") or []),
                                " ".join(a.get("family", "") for a in work.get("author") or []),
                                " ".join(work.get("container-title") or [])]).lower()
                score = sum(1 for w in words if w in hay) * 10.0
                if score:
                    scored.append({**work, "score": score})
            scored.sort(key=lambda w: -w["score"])
            items = scored[:rows]
        return _json(200, {"status": "ok", "message-type": "work-list",
                           "message": {"items": items, "total-results": len(items)}})

    # -- doi.org ---------------------------------------------------------------------------
    def _doi_app(self, environ, start_response):
        entry = self._record(environ, "doi")
        path = entry["path"]
        status, headers, body = self._doi_answer(environ, entry, path)
        if status == "RESET":
            _reset(environ)
            return []
        if isinstance(body, _Raw):
            body.send(environ, headers)
            return []
        start_response(status, headers)
        if isinstance(body, _Stream):
            return body
        return [body]

    def _doi_answer(self, environ, entry, path):
        if path.startswith("/ra/"):
            doi = path[4:]
            if not re.match(r"^10\.\d{4,9}/\S+$", doi):
                return _json(200, [{"DOI": doi, "status": "Invalid DOI"}])
            fault = self._fault("ra:" + doi.lower())
            if fault:
                answer = self._apply_fault(fault, doi.lower())
                if answer is not None:
                    return answer
            agency = self.agencies.get(doi.lower())
            if agency:
                return _json(200, [{"DOI": doi, "RA": agency}])
            return _json(200, [{"DOI": doi, "status": "DOI does not exist"}])
        if path.startswith("/api/handles/"):
            doi = path[len("/api/handles/"):]
            fault = self._fault("handle:" + doi.lower())
            if fault:
                answer = self._apply_fault(fault, doi.lower())
                if answer is not None:
                    return answer
            if doi.lower() in self.short_dois:  # the shape of doi.org's record of a shortDOI
                return _json(200, {"responseCode": 1, "handle": doi, "values": [
                    {"index": 1, "type": "HS_ALIAS", "data": {
                        "format": "string", "value": self.short_dois[doi.lower()]}}]})
            if doi.lower() in self.agencies:
                return _json(200, {"responseCode": 1, "handle": doi, "values": [
                    {"index": 1, "type": "URL", "data": {"format": "string",
                                                         "value": "https://example.org/x"}}]})
            return _json(404, {"responseCode": 100, "handle": doi})
        doi = path.lstrip("/")
        key = doi.lower()
        fault = self._fault("cn:" + key)
        if fault:
            answer = self._apply_fault(fault, key)
            if answer is not None:
                return answer
        agency = self.agencies.get(key)
        accept = entry["accept"]
        if agency is None:
            return ("404 Not Found", [("Content-Type", "text/html")],
                    b"<html><body>DOI Not Found</body></html>")
        if "citationstyles" not in accept:
            return ("302 Found", [("Location", "https://example.org/landing")], b"")
        if agency == "Crossref":
            return ("302 Found", [("Location", f"{self.crossref_url}/v1/works/"
                                               f"{quote(doi, safe='')}/transform")], b"")
        if key not in self.csl:
            return ("404 Not Found", [("Content-Type", "text/html")], b"<html>No metadata</html>")
        return _json(200, self.csl[key], "application/vnd.citationstyles.csl+json")


class _Stream:
    """A response body sent chunk by chunk with a pause before each chunk after the first."""

    def __init__(self, chunks: list[bytes], pause: float) -> None:
        self.chunks, self.pause = chunks, pause

    def __iter__(self):
        for index, chunk in enumerate(self.chunks):
            if index and self.pause:
                time.sleep(self.pause)
            yield chunk


class _Raw:
    """An answer written on the raw socket, with `pause` seconds between the bytes of its
    slow part: the status line ("status"), the header lines ("headers") or the body ("body",
    sent with its Content-Length). It stops when the client goes away."""

    def __init__(self, body: bytes, pause: float, slow: str) -> None:
        self.body, self.pause, self.slow = body, pause, slow

    def send(self, environ, headers: list[tuple[str, str]]) -> None:
        sock = environ.get("werkzeug.socket")
        if sock is None:
            raise RuntimeError("the slow faults need werkzeug's raw socket")
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers + [
            ("Content-Length", str(len(self.body))), ("Connection", "close")])
        parts = {"status": b"HTTP/1.1 200 OK\r\n", "headers": lines.encode("latin-1") + b"\r\n",
                 "body": self.body}
        try:
            for name in ("status", "headers", "body"):
                data = parts[name]
                if name != self.slow:
                    sock.sendall(data)
                    continue
                for i in range(len(data)):
                    sock.sendall(data[i:i + 1])
                    time.sleep(self.pause)
        except OSError:
            pass                               # the client gave up: what a deadline is for
        finally:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _path(environ) -> str:
    raw = environ.get("PATH_INFO", "")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def _reset(environ) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def _json(code: int, data: Any, content_type: str = "application/json") -> tuple:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(code, "Status")
    return (f"{code} {reason}", [("Content-Type", content_type)],
            json.dumps(data).encode("utf-8"))


def _text(code: int, text: str) -> tuple:
    return (f"{code} Not Found" if code == 404 else f"{code} Status",
            [("Content-Type", "text/plain")], text.encode("utf-8"))


def _work_to_csl(work: dict) -> dict:
    return {"type": "article-journal", "DOI": work["DOI"], "title": (work.get("title") or [""])[0],
            "author": [{"family": a.get("family"), "given": a.get("given")}
                       for a in work.get("author") or []],
            "container-title": (work.get("container-title") or [""])[0],
            "issued": work.get("issued")}


def shipped_emulator(**options: Any) -> "CrossrefEmulator":
    """An emulator (not started) that knows the works of the shipped references/."""
    options = {"rate": 100, "interval": 0.5, "concurrency": 8, **options}
    emulator = CrossrefEmulator(**options)
    for doi, meta in SHIPPED.items():
        emulator.add_work(make_work(doi, **meta))
    return emulator


def fast_client(emu: "CrossrefEmulator", **overrides: Any):
    """A Client wired to the emulator with test-sized timeouts and backoff (no disk cache)."""
    from evidencebib.net.client import Client

    options: dict[str, Any] = dict(crossref_url=emu.crossref_url, doi_url=emu.doi_url,
                                   mailto="tests@example.org", cache_dir=None,
                                   timeout=1.0, max_tries=4, backoff=0.01)
    options.update(overrides)
    return Client(**options)
