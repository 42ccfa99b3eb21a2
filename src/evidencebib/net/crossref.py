"""Crossref's REST API (`/works/{doi}`, batch look-ups, `/agency`, bibliographic search) over
the shared transport.

What counts as Crossref saying "no such DOI": its own 404, whose body is the plain text
`Resource not found.` (recorded 2026; some are labelled `application/json` with the same
text, sckott/habanero#97). Any other 404 — a proxy's HTML page, a web server's — is a
`BadAnswer`: the service was not reached. Only Crossref's own answers are cached.

Pools (shared-notes §1.3): single records and list queries are paced separately, starting at
the documented values for the pool we are in (polite 10/s with 3 at once, list queries 3/s;
public 5/s with 1, list 1/s) and adapting to `X-Rate-Limit-*` / `X-Concurrency-Limit`.
`X-Api-Pool` is checked: a mailto that did not get us into the polite pool is reported.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from evidencebib.model import doi as doimod
from evidencebib.errors import NetworkError
from evidencebib.net.errors import BadAnswer
from evidencebib.net.transport import JSON, Answer, Transport, snippet

DEFAULT_URL = "https://api.crossref.org"
NOT_FOUND_BODY = b"Resource not found."
# Fields asked for in batch lookups (list queries accept `select`, singletons do not).
SELECT = ("DOI,type,title,subtitle,short-title,author,editor,issued,published-print,"
          "published-online,published,posted,container-title,short-container-title,volume,"
          "issue,page,article-number,ISSN,issn-type,ISBN,publisher,update-to,updated-by,"
          "relation,URL,clinical-trial-number,update-policy")
# DOIs per batch lookup (at most MAX_BATCH_ROWS). Each list query costs one slot of the
# (slow) list pool, so fuller batches finish sooner: 100 halves the list queries of 50 (see
# benchmarks/README.md). Whatever the size, the encoded query string is kept under
# MAX_BATCH_QUERY characters (request lines over 8 KB are refused by common servers and
# proxies), so long DOIs make smaller batches.
BATCH_SIZE = 100
MAX_BATCH_ROWS = 200
MAX_BATCH_QUERY = 4000
# A batch that fails is asked for singly afterwards, so it is tried only this often.
PREFETCH_TRIES = 2
# A DOI segment that would read as a sub-resource of /works/{doi}.
_SUBRESOURCES = {"agency", "transform", "quality"}


def is_not_found(answer: Answer) -> bool:
    """Crossref's own "no such DOI": a 404 whose body is `Resource not found.`."""
    return answer.status == 404 and answer.body.strip() == NOT_FOUND_BODY


def _final(answer: Answer) -> bool:
    return (answer.status == 200 and answer.parses()) or is_not_found(answer)


def message(answer: Answer, expected_type: str) -> Any:
    data = answer.json()
    if not isinstance(data, dict) or "message" not in data:
        raise BadAnswer(f"{answer.url}: answer has no 'message' (expected {expected_type})")
    return data["message"]


def not_an_answer(answer: Answer, what: str) -> BadAnswer:
    kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
    hint = " (a proxy, or a wrong --crossref-url?)" if answer.status == 404 else ""
    return BadAnswer(f"Crossref answered HTTP {answer.status} for {what} with a {kind} page, "
                     f"not a Crossref answer{hint}: {snippet(answer.body)!r}")


class Crossref:
    """`work`, `prefetch_works`, `agency`, `search`: thread-safe, one per run."""

    def __init__(self, transport: Transport, base_url: str = DEFAULT_URL,
                 mailto: str | None = None, batch: bool = True,
                 batch_size: int = BATCH_SIZE) -> None:
        self.transport = transport
        self.base_url = base_url
        self.mailto = mailto
        self.batch = batch
        self.batch_size = max(2, min(int(batch_size), MAX_BATCH_ROWS))
        polite = mailto is not None
        self.origin = transport.add_origin("Crossref", base_url, {
            "single": (10 if polite else 5, 1.0, 3 if polite else 1),
            "array": (3 if polite else 1, 1.0, 1),
        })
        if mailto:
            self.origin.redirect_params = {"mailto": mailto}
        self.origin.inspect = self._check_pool

    # -- URLs --------------------------------------------------------------------------------
    def works_url(self, doi: str, suffix: str = "") -> str:
        """`{crossref}/works/{doi}{suffix}`; DOIs are sent lower-cased (case-insensitive,
        and one spelling shares one cache entry)."""
        name = doi.lower()
        last = name.rsplit("/", 1)[-1]
        encoded = doimod.path_segment(name, encode_slashes=last in _SUBRESOURCES)
        return f"{self.base_url}/works/{encoded}{suffix}"

    def params(self, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        out = dict(params or {})
        if self.mailto:
            out["mailto"] = self.mailto
        return out

    # -- endpoints ---------------------------------------------------------------------------
    def work(self, doi: str) -> dict | None:
        """The Crossref work `message` for `doi`, or None when Crossref itself says it has no
        such DOI (its own 404)."""
        answer = self.transport.request(self.works_url(doi), params=self.params(),
                                        pool="single", expect_json=True, cacheable=_final)
        if is_not_found(answer):
            return None
        if answer.status != 200:
            raise not_an_answer(answer, doi)
        work = message(answer, "work")
        if not isinstance(work, dict) or not work.get("DOI"):
            raise BadAnswer(f"Crossref answered nonsense for {doi} (no work record)")
        return work

    def prefetch_works(self, dois: Iterable[str], batch_size: int | None = None) -> int:
        """Fill the cache for many DOIs with few list queries (`filter=doi:a,doi:b…`).

        DOIs with a comma or whitespace are left out (a comma splits the filter; Crossref
        answers 400). DOIs a batch does not return (404s, aliases, non-Crossref DOIs) are
        left for `work()`. Failures here are not fatal: `work()` will ask singly.
        Returns the number of works cached.
        """
        transport = self.transport
        if transport.offline or not self.batch:
            return 0
        wanted: dict[str, str] = {}
        for raw in dois:
            name = doimod.normalize(raw)
            if not doimod.is_valid(name) or "," in name or any(c.isspace() for c in name) \
                    or not name.isascii():
                continue
            k = name.lower()
            if k in wanted or transport.cache.get(transport.cache_key(self.works_url(k))) \
                    is not None:
                continue
            wanted[k] = name
        keys = list(wanted)
        batch_size = max(1, min(int(batch_size or self.batch_size), MAX_BATCH_ROWS))
        if len(keys) < 2:
            return 0
        base = len(urlencode(self.params({"filter": "", "rows": batch_size, "select": SELECT})))
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
            params = self.params({"filter": ",".join(f"doi:{d}" for d in chunk),
                                  "rows": len(chunk), "select": SELECT})
            try:
                answer = transport.request(f"{self.base_url}/works", params=params,
                                           pool="array", expect_json=True, use_cache=False,
                                           tries=PREFETCH_TRIES)
                if answer.status != 200:
                    return 0
                items = (message(answer, "work-list") or {}).get("items") or []
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
                    transport.cache.put(transport.cache_key(self.works_url(k)), 200, JSON, body)
                    stored += 1
            return stored

        return sum(transport.map(one, chunks))

    def agency(self, doi: str) -> str | None:
        """Registration agency id from Crossref `/works/{doi}/agency` (None: Crossref's 404)."""
        answer = self.transport.request(self.works_url(doi, "/agency"), params=self.params(),
                                        pool="single", expect_json=True, cacheable=_final)
        if is_not_found(answer):
            return None
        if answer.status != 200:
            raise not_an_answer(answer, f"the agency of {doi}")
        found = message(answer, "work-agency") or {}
        agency = (found.get("agency") or {}) if isinstance(found, dict) else {}
        return agency.get("id") or agency.get("label")

    def search(self, bibliographic: str, rows: int = 5) -> list[dict]:
        """`/works?query.bibliographic=…` items (best first, each with its `score`)."""
        params = self.params({"query.bibliographic": bibliographic[:1000], "rows": rows})
        answer = self.transport.request(f"{self.base_url}/works", params=params, pool="array",
                                        expect_json=True)
        if answer.status != 200:
            raise not_an_answer(answer, "a search")
        found = message(answer, "work-list") or {}
        items = found.get("items") if isinstance(found, dict) else None
        return [i for i in items or [] if isinstance(i, dict)]

    # -- etiquette ---------------------------------------------------------------------------
    def _check_pool(self, headers: Mapping[str, str]) -> None:
        pool = next((v for k, v in headers.items() if k.lower() == "x-api-pool"), "")
        pool = pool.split(",")[0].strip()
        if not self.mailto or not pool:
            return
        name = pool.lower()
        if "polite" in name or "plus" in name:
            return
        self.transport.warn(f"Crossref answered from the {pool!r} pool although --mailto was "
                            f"given; the address may not have been recognised")
