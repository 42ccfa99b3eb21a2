"""NCBI's E-utilities (ESearch, ESummary, EFetch PubMed XML, ECitMatch) and the PMC ID
converter over the shared transport.

Etiquette (NCBI, "A General Introduction to the E-utilities", usage guidelines; "PMC ID
Converter API"):

* at most 3 requests per second without an API key, 10 with one, one at a time (pool
  `eutils`; the ID converter is paced as one more NCBI service, pool `idconv`, 3/s). NCBI
  answers a burst with 429 and no `Retry-After`: the pool's `Circuit` backs off once for
  every request (net/ratelimit.py);
* `tool=evidencebib` and `email` (the polite-pool address given to Crossref) and `api_key` on
  every request, as parameters or form fields — `CALLER_PARAMS`, never in a cache key;
* id lists of more than `POST_OVER` ids are POSTed (NCBI: "more than about 200 UIDs … use
  HTTP POST"); batches of at most `BATCH` ids; the ID converter takes at most 200 ids.

What counts as PubMed saying "unknown": EFetch leaves out the ids it has no record of (a
`PubmedArticleSet` without them), the ID converter answers a record with `status: error`, and
ESearch an empty `idlist`. Those come back as None / empty. An answer that is not the
service's own — an HTML page, a 200 whose JSON has `error`/`ERROR`, an `<eFetchResult><ERROR>`
— raises `BadAnswer` (the caller reports `unreachable`), and is never cached.

EFetch answers are cached per PMID (a batch is split into one entry per PMID, as a single
`efetch?id=N` would have answered, absent ones as an empty set), so a re-run asks nothing
whatever the batches were.
"""

from __future__ import annotations

import re
import threading
from typing import Iterable, Mapping

from evidencebib.errors import NetworkError, ParseError
from evidencebib.formats import pubmed
from evidencebib.net.errors import BadAnswer
from evidencebib.net.transport import Answer, Transport, snippet

DEFAULT_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_IDCONV_URL = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles"
TOOL = "evidencebib"
BATCH = 200            # ids per EFetch/ESummary/ID-converter request
POST_OVER = 20         # id lists longer than this are POSTed
XML = "application/xml"
TEXT = "text/plain"
_EMPTY_SET = (b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n</PubmedArticleSet>\n')
_PMID = re.compile(r"[1-9][0-9]{0,8}")
_PMCID = re.compile(r"PMC[0-9]{1,9}", re.IGNORECASE)


def is_pmid(text: str) -> bool:
    return bool(_PMID.fullmatch(text or ""))


def is_pmcid(text: str) -> bool:
    return bool(_PMCID.fullmatch(text or ""))


def _efetch_final(answer: Answer) -> bool:
    if answer.status != 200:
        return False
    head = answer.body[:4096]
    return b"<PubmedArticleSet" in head and b"</PubmedArticleSet>" in answer.body[-64:]


def _json_final(answer: Answer) -> bool:
    if answer.status != 200 or not answer.parses():
        return False
    data = answer.json()
    return isinstance(data, dict) and "error" not in data and "ERROR" not in data


def _not_ncbi(answer: Answer, what: str) -> BadAnswer:
    kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
    return BadAnswer(f"NCBI answered HTTP {answer.status} for {what} with a {kind} page, not "
                     f"an E-utilities answer (a proxy, or a wrong --eutils-url?): "
                     f"{snippet(answer.body)!r}")


def _batches(ids: list[str], size: int = BATCH) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


class Eutils:
    """`records`, `prefetch`, `search`, `convert`, `citmatch`: thread-safe, one per run."""

    def __init__(self, transport: Transport, base_url: str = DEFAULT_URL, *,
                 idconv_url: str = DEFAULT_IDCONV_URL, email: str | None = None,
                 api_key: str | None = None) -> None:
        self.transport = transport
        self.base_url = base_url
        self.idconv_url = idconv_url
        self.email = email
        self.api_key = (api_key or "").strip() or None
        self.batch_size = BATCH          # ids per EFetch request (benchmarks lower it)
        # Records parsed this run (None: PubMed has none), so that a record read in a batch
        # or from the cache is parsed once, however often verify or enrich ask for it.
        self._parsed: dict[str, pubmed.PubmedRecord | None] = {}
        self._lock = threading.Lock()
        rate = 10 if self.api_key else 3
        self.origin = transport.add_origin("NCBI E-utilities", base_url,
                                           {"eutils": (rate, 1.0, 1)})
        self.idconv_origin = transport.add_origin("PMC ID converter", idconv_url,
                                                  {"idconv": (rate, 1.0, 1)})

    # -- requests --------------------------------------------------------------------------
    def caller(self) -> dict[str, str]:
        """tool, email and api_key: who asks (kept out of cache keys by the transport)."""
        out = {"tool": TOOL}
        if self.email:
            out["email"] = self.email
        if self.api_key:
            out["api_key"] = self.api_key
        return out

    def _ask(self, url: str, asked: Mapping[str, str], *, pool: str, accept: str,
             expect_json: bool, cacheable, use_cache: bool = True, post: bool = False
             ) -> Answer:
        asked = dict(asked)
        if post:
            return self.transport.request(url, method="POST", data={**asked, **self.caller()},
                                          accept=accept, pool=pool, expect_json=expect_json,
                                          cacheable=cacheable, use_cache=use_cache)
        return self.transport.request(url, params={**asked, **self.caller()}, accept=accept,
                                      pool=pool, expect_json=expect_json, cacheable=cacheable,
                                      use_cache=use_cache)

    def _efetch_key(self, pmid: str) -> str:
        """The cache key of `efetch?db=pubmed&id=<pmid>&retmode=xml` (what `record` asks)."""
        return self.transport.cache_key(f"{self.base_url}/efetch.fcgi", XML,
                                        {"db": "pubmed", "id": pmid, "retmode": "xml"})

    # -- EFetch --------------------------------------------------------------------------------
    def record(self, pmid: str) -> pubmed.PubmedRecord | None:
        """PubMed's record for `pmid`, or None when PubMed has none (EFetch leaves it out)."""
        with self._lock:
            if pmid in self._parsed:
                return self._parsed[pmid]
        answer = self._ask(f"{self.base_url}/efetch.fcgi",
                           {"db": "pubmed", "id": pmid, "retmode": "xml"}, pool="eutils",
                           accept=XML, expect_json=False, cacheable=_efetch_final)
        records = self._parse_efetch(answer, f"PMID {pmid}")
        found = next((r for r in records if r.pmid == pmid), None)
        with self._lock:
            self._parsed[pmid] = found
        return found

    def _parse_efetch(self, answer: Answer, what: str) -> list[pubmed.PubmedRecord]:
        if not _efetch_final(answer):
            raise _not_ncbi(answer, what)
        try:
            return pubmed.parse_efetch(answer.body, source=f"EFetch answer for {what}")
        except ParseError as error:
            raise BadAnswer(str(error)) from None

    def prefetch(self, pmids: Iterable[str]) -> int:
        """Fill the cache for many PMIDs with POSTed batches of `BATCH`; each PMID gets the
        entry a single `record()` would have made (an empty set when PubMed has none).
        Failures are not fatal: `record()` asks singly. Returns the PMIDs cached."""
        transport = self.transport
        if transport.offline:
            return 0
        wanted = []
        for pmid in dict.fromkeys(str(p) for p in pmids):
            if not is_pmid(pmid) or pmid in self._parsed:
                continue
            hit = transport.cache.get(self._efetch_key(pmid))
            if hit is None:
                wanted.append(pmid)
                continue
            try:
                self.record(pmid)                   # from the cache, parsed once
            except NetworkError:
                wanted.append(pmid)
        if len(wanted) < 2:
            return 0

        def one(batch: list[str]) -> int:
            try:
                answer = self._ask(f"{self.base_url}/efetch.fcgi",
                                   {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"},
                                   pool="eutils", accept=XML, expect_json=False,
                                   cacheable=_efetch_final, use_cache=False,
                                   post=len(batch) > POST_OVER)
                records = self._parse_efetch(answer, f"{len(batch)} PMIDs")
            except NetworkError:
                return 0
            from lxml import etree

            root = etree.fromstring(answer.body, pubmed._parser())
            found = {}
            for node in root.findall("PubmedArticle"):
                pmid = (node.findtext("MedlineCitation/PMID") or "").strip()
                if pmid:
                    found[pmid] = etree.tostring(node, encoding="utf-8")
            for pmid in batch:
                body = (b'<?xml version="1.0" ?>\n<PubmedArticleSet>\n' + found[pmid] +
                        b"\n</PubmedArticleSet>\n") if pmid in found else _EMPTY_SET
                transport.cache.put(self._efetch_key(pmid), 200, XML, body)
            by_pmid = {record.pmid: record for record in records}
            with self._lock:
                for pmid in batch:
                    self._parsed[pmid] = by_pmid.get(pmid)
            return len(batch)

        return sum(transport.map(one, _batches(wanted, self.batch_size)))

    def records(self, pmids: Iterable[str]) -> dict[str, pubmed.PubmedRecord | None]:
        """Records for many PMIDs (batched, then from the cache); None where PubMed has none.
        Raises NetworkError naming the first PMID that could not be had."""
        pmids = [p for p in dict.fromkeys(pmids)]
        self.prefetch(pmids)
        return {pmid: self.record(pmid) for pmid in pmids}

    # -- ESearch -----------------------------------------------------------------------------
    def search(self, term: str, retmax: int = 20) -> list[str]:
        """PMIDs ESearch finds for `term` (best match first), at most `retmax`."""
        answer = self._ask(f"{self.base_url}/esearch.fcgi",
                           {"db": "pubmed", "term": term, "retmode": "json",
                            "retmax": str(retmax)}, pool="eutils", accept="application/json",
                           expect_json=True, cacheable=_esearch_final)
        result = _esearch_result(answer, term)
        return [str(i) for i in result.get("idlist") or [] if is_pmid(str(i))]

    def pmid_for_doi(self, doi: str) -> str | None:
        """The PMID PubMed files under `doi` (`"<doi>"[DOI]`), None when none or ambiguous."""
        found = self.search(f'"{doi}"[DOI]', retmax=2)
        return found[0] if len(found) == 1 else None

    # -- PMC ID converter --------------------------------------------------------------------
    def convert(self, ids: Iterable[str]) -> dict[str, dict | None]:
        """{id asked: {"pmid", "pmcid", "doi"} or None (not a PMC article)}, ≤200 per request.
        Covers articles in PMC only: None says nothing about PubMed."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict | None] = {}
        for batch in _batches(ids):
            answer = self._ask(self.idconv_url + "/", {"ids": ",".join(batch), "format": "json"},
                               pool="idconv", accept="application/json", expect_json=True,
                               cacheable=_idconv_final, post=False)
            if not _idconv_final(answer):
                raise _not_ncbi(answer, "an ID conversion")
            records = answer.json().get("records") or []
            # the service's answer: a shorter list leaves the last ones unanswered, as before
            for asked, record in zip(batch, records, strict=False):
                if not isinstance(record, dict) or record.get("status") == "error":
                    out[asked] = None
                else:
                    out[asked] = {k: str(record[k]) for k in ("pmid", "pmcid", "doi")
                                  if record.get(k)}
        return out

    def pmid_for_pmcid(self, pmcid: str) -> str | None:
        found = self.convert([pmcid.upper()]).get(pmcid.upper())
        return (found or {}).get("pmid")

    # -- ECitMatch ---------------------------------------------------------------------------
    def citmatch(self, citations: Mapping[str, tuple[str, str, str, str, str]]
                 ) -> dict[str, str | None]:
        """{key: PMID or None (NOT_FOUND / AMBIGUOUS)} for (journal, year, volume, first page,
        first author) citations, one request for all of them."""
        if not citations:
            return {}
        lines = ["|".join((*(v.replace("|", " ") for v in fields), key)) + "|"
                 for key, fields in citations.items()]
        answer = self._ask(f"{self.base_url}/ecitmatch.cgi",
                           {"db": "pubmed", "retmode": "xml", "bdata": "\r".join(lines)},
                           pool="eutils", accept=TEXT, expect_json=False,
                           cacheable=lambda a: a.status == 200 and b"<" not in a.body[:200],
                           post=True)
        if answer.status != 200 or b"<html" in answer.body[:500].lower():
            raise _not_ncbi(answer, "a citation match")
        out: dict[str, str | None] = {key: None for key in citations}
        for line in answer.text.splitlines():
            parts = line.split("|")
            if len(parts) >= 7 and parts[5] in out:
                out[parts[5]] = parts[6].strip() if is_pmid(parts[6].strip()) else None
        return out


def _esearch_final(answer: Answer) -> bool:
    if not _json_final(answer):
        return False
    result = answer.json().get("esearchresult")
    return isinstance(result, dict) and "ERROR" not in result and "idlist" in result


def _esearch_result(answer: Answer, term: str) -> dict:
    if answer.status == 200 and answer.parses():
        data = answer.json()
        result = data.get("esearchresult") if isinstance(data, dict) else None
        if isinstance(result, dict) and result.get("ERROR"):
            raise BadAnswer(f"ESearch refused {term!r}: {result['ERROR']}")
        if isinstance(data, dict) and data.get("error"):
            raise BadAnswer(f"ESearch answered an error for {term!r}: {data['error']}")
        if isinstance(result, dict) and "idlist" in result:
            return result
    raise _not_ncbi(answer, f"the search {term!r}")


def _idconv_final(answer: Answer) -> bool:
    if answer.status != 200 or not answer.parses():
        return False
    data = answer.json()
    return isinstance(data, dict) and data.get("status") == "ok" and \
        isinstance(data.get("records"), list)


