"""A loopback emulator of NCBI's E-utilities and PMC ID converter, for tests and benchmarks.

One real HTTP server (werkzeug, threaded) on 127.0.0.1 that answers the way NCBI does:

* `/entrez/eutils/esearch.fcgi` — JSON (`retmode=json`) or XML; terms `"10.x/y"[DOI]`,
  `123[pmid]`/`[uid]`, `PMC123[pmc]`, else words matched against titles (or canned
  `search_results`);
* `/entrez/eutils/esummary.fcgi` — ESummary 2.0 JSON (`retmode=json&version=2.0`): a DocSum per
  uid in `result`, `{"uid", "error": "cannot get document summary"}` for unknown ones;
* `/entrez/eutils/efetch.fcgi` — `PubmedArticleSet` XML with the stored articles in the order
  asked (unknown ids are left out, as NCBI does);
* `/entrez/eutils/ecitmatch.cgi` — `bdata` lines `journal|year|volume|first_page|author|key|`
  answered with the PMID, `NOT_FOUND` or `AMBIGUOUS` appended;
* `/pmc/utils/idconv/v1.0/` (and `/tools/idconv/api/v1/articles/`) — JSON or XML records for
  PMC articles only, `status: error` records for ids PMC does not hold, a 400 above 200 ids.

Every endpoint accepts GET and POST (form-encoded; NCBI asks for POST with long id lists).
Requests are counted per second per API key (per client address without one): above 3/s
without a key or 10/s with one the answer is HTTP 429 with NCBI's JSON body
(`{"error":"API rate limit exceeded","api-key":…,"count":…,"limit":…}`), `X-RateLimit-Limit`
and `X-RateLimit-Remaining` headers, and no `Retry-After` (NCBI sends none). A request that is
refused still counts towards its second, as at NCBI.

Faults are injected per endpoint (`"efetch"`, `"esummary"`, `"esearch"`, `"idconv"`,
`"ecitmatch"`) or per id (`"id:9500320"`), consumed one per request: `"500"`/`"502"`/`"503"`
(NCBI's HTML error page), `"429"`, `"html"` (a 200 HTML page, as NCBI's front end gives during
maintenance), `"trickle:0.2"` (the real body, one byte every 0.2 s), `"stall:3"` (half the
body, then silence), `"reset"`, `"timeout:2"`, `"truncated"`, `"json:<text>"`.

    with EutilsEmulator() as emu:
        emu.add_efetch_file("retracted-wakefield-1998.xml")
        emu.faults["efetch"] = ["503"]
        base = emu.eutils_url       # …/entrez/eutils
        idconv = emu.idconv_url     # …/pmc/utils/idconv/v1.0/
"""

from __future__ import annotations

import collections
import json
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from lxml import etree
from werkzeug.wrappers import Request, Response

from crossref_emulator import LoopbackServer, _reset, _Stream

from evidencebib.formats import pubmed

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
LIMIT_WITHOUT_KEY = 3
LIMIT_WITH_KEY = 10
HTML_ERROR = (b"<!DOCTYPE html><html><head><title>Service unavailable</title></head><body>"
              b"<h1>NCBI</h1><p>The server is temporarily unable to service your request. "
              b"Please try again later.</p></body></html>")
MAX_IDCONV_IDS = 200


class _Window:
    """Arrivals of one API key (or address) in the last `interval` seconds."""

    def __init__(self) -> None:
        self.arrivals: collections.deque[float] = collections.deque()
        self.max_window = 0


class EutilsEmulator:
    def __init__(self, *, enforce: bool = True, limit_without_key: int = LIMIT_WITHOUT_KEY,
                 limit_with_key: int = LIMIT_WITH_KEY, interval: float = 1.0,
                 api_keys: Iterable[str] | None = None, latency: float = 0.0) -> None:
        self.enforce = enforce
        self.limit_without_key, self.limit_with_key = limit_without_key, limit_with_key
        self.interval = interval
        self.api_keys = set(api_keys) if api_keys is not None else None
        self.latency = latency
        self.articles: dict[str, bytes] = {}          # pmid -> <PubmedArticle> XML
        self.records: dict[str, pubmed.PubmedRecord] = {}
        self.summaries: dict[str, dict] = {}           # pmid -> canned ESummary DocSum
        self.search_results: dict[str, list[str]] = {}
        self.faults: dict[str, list[str]] = collections.defaultdict(list)
        self.log: list[dict] = []
        self.requests = 0
        self.rejected = 0
        self._windows: dict[str, _Window] = collections.defaultdict(_Window)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._app)
        self.url = self._server.url
        self.eutils_url = self.url + "/entrez/eutils"
        self.idconv_url = self.url + "/pmc/utils/idconv/v1.0/"

    # -- set-up ------------------------------------------------------------------------------
    def add_efetch_xml(self, data: str | bytes) -> list[str]:
        """Store every PubmedArticle of an EFetch answer; returns their PMIDs."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True,
                                                     load_dtd=False))
        pmids = []
        for node in root.findall("PubmedArticle"):
            text = etree.tostring(node, encoding="utf-8")
            record = pubmed.parse_efetch(b"<PubmedArticleSet>" + text + b"</PubmedArticleSet>")[0]
            self.articles[record.pmid] = text
            self.records[record.pmid] = record
            pmids.append(record.pmid)
        return pmids

    def add_efetch_file(self, name: str) -> list[str]:
        return self.add_efetch_xml((FIXTURES / name).read_bytes())

    def add_summaries(self, answer: dict) -> None:
        """Canned ESummary DocSums (an ESummary JSON answer), served instead of derived ones."""
        result = answer["result"]
        for uid in result["uids"]:
            self.summaries[uid] = result[uid]

    def add_article(self, pmid: str, *, title: str = "A trial", doi: str | None = None,
                    pmcid: str | None = None, year: int = 2020, journal: str = "J Test",
                    family: str = "Smith", volume: str = "12", first_page: str = "100",
                    publication_types: Iterable[str] = ("Journal Article",),
                    relations: Iterable[tuple[str, str]] = ()) -> None:
        """A plausible article in EFetch shape (for bulk tests and the benchmark)."""
        ids = f'<ArticleId IdType="pubmed">{pmid}</ArticleId>'
        if doi:
            ids += f'<ArticleId IdType="doi">{_esc(doi)}</ArticleId>'
        if pmcid:
            ids += f'<ArticleId IdType="pmc">{pmcid}</ArticleId>'
        types = "".join(f"<PublicationType>{_esc(t)}</PublicationType>" for t in publication_types)
        links = "".join(f'<CommentsCorrections RefType="{kind}"><RefSource>{journal}. '
                        f"{year}.</RefSource><PMID Version=\"1\">{other}</PMID>"
                        "</CommentsCorrections>" for kind, other in relations)
        xml = (f'<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM">'
               f'<PMID Version="1">{pmid}</PMID><Article PubModel="Print"><Journal>'
               f"<JournalIssue><Volume>{volume}</Volume><PubDate><Year>{year}</Year></PubDate>"
               f"</JournalIssue><Title>{_esc(journal)}</Title><ISOAbbreviation>{_esc(journal)}"
               f"</ISOAbbreviation></Journal><ArticleTitle>{_esc(title)}</ArticleTitle>"
               f"<Pagination><MedlinePgn>{first_page}-9</MedlinePgn></Pagination>"
               f"<AuthorList><Author><LastName>{_esc(family)}</LastName><ForeName>Anne</ForeName>"
               f"<Initials>A</Initials></Author></AuthorList><Language>eng</Language>"
               f"<PublicationTypeList>{types}</PublicationTypeList></Article>"
               f"<CommentsCorrectionsList>{links}</CommentsCorrectionsList></MedlineCitation>"
               f"<PubmedData><ArticleIdList>{ids}</ArticleIdList></PubmedData></PubmedArticle>"
               "</PubmedArticleSet>")
        self.add_efetch_xml(xml)

    def start(self) -> "EutilsEmulator":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "EutilsEmulator":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- statistics ------------------------------------------------------------------------------
    def max_per_second(self, key: str | None = None) -> int:
        """The most arrivals seen in one interval for `key` (None: without an API key)."""
        with self._lock:
            return self._windows[key or "<no key>"].max_window

    def requests_for(self, endpoint: str) -> int:
        with self._lock:
            return sum(1 for entry in self.log if endpoint in entry["path"])

    def reset_counters(self) -> None:
        with self._lock:
            self.log.clear()
            self.requests = self.rejected = 0
            self._windows.clear()

    # -- the server -----------------------------------------------------------------------------
    def _app(self, environ, start_response):
        request = Request(environ)
        params = {**request.args.to_dict(), **request.form.to_dict()}
        key = params.get("api_key") or None
        entry = {"path": request.path, "method": request.method, "params": params,
                 "api_key": key, "tool": params.get("tool"), "email": params.get("email"),
                 "time": time.monotonic(), "status": 0}
        bucket = key or "<no key>"
        limit = self.limit_with_key if key else self.limit_without_key
        now = time.monotonic()
        with self._lock:
            self.requests += 1
            self.log.append(entry)
            window = self._windows[bucket]
            while window.arrivals and window.arrivals[0] <= now - self.interval:
                window.arrivals.popleft()
            window.arrivals.append(now)
            window.max_window = max(window.max_window, len(window.arrivals))
            count = len(window.arrivals)
            over = self.enforce and count > limit
            if over:
                self.rejected += 1
        rate_headers = [("X-RateLimit-Limit", str(limit)),
                        ("X-RateLimit-Remaining", str(max(limit - count, 0)))]
        if over:
            entry["status"] = 429
            body = json.dumps({"error": "API rate limit exceeded",
                               "api-key": key or environ.get("REMOTE_ADDR", "127.0.0.1"),
                               "count": str(count), "limit": str(limit)}).encode()
            return Response(body, 429, [("Content-Type", "application/json")] + rate_headers)(
                environ, start_response)
        if key and self.api_keys is not None and key not in self.api_keys:
            entry["status"] = 400
            return Response(json.dumps({"error": "API key invalid", "api-key": key}).encode(),
                            400, [("Content-Type", "application/json")])(environ, start_response)
        if self.latency:
            time.sleep(self.latency)
        endpoint, answer = self._route(request.path)
        fault = self._fault(endpoint, params)
        if fault:
            result = self._apply_fault(fault, endpoint, answer, params)
            if result == "RESET":
                entry["status"] = -1
                _reset(environ)
                return []
            if result is not None:
                status, headers, body = result
                entry["status"] = status
                response = Response(body, status, headers + rate_headers)
                return response(environ, start_response)
        if answer is None:
            entry["status"] = 404
            return Response(b"<html><body>Not Found</body></html>", 404,
                            [("Content-Type", "text/html")])(environ, start_response)
        status, content_type, body = answer(params)
        entry["status"] = status
        return Response(body, status, [("Content-Type", content_type)] + rate_headers)(
            environ, start_response)

    def _route(self, path: str):
        path = path.rstrip("/")
        routes = {"/entrez/eutils/esearch.fcgi": ("esearch", self._esearch),
                  "/entrez/eutils/esummary.fcgi": ("esummary", self._esummary),
                  "/entrez/eutils/efetch.fcgi": ("efetch", self._efetch),
                  "/entrez/eutils/ecitmatch.cgi": ("ecitmatch", self._ecitmatch),
                  "/pmc/utils/idconv/v1.0": ("idconv", self._idconv),
                  "/tools/idconv/api/v1/articles": ("idconv", self._idconv)}
        return routes.get(path, ("", None))

    def _fault(self, endpoint: str, params: dict) -> str | None:
        ids = _ids(params.get("id", ""))
        for name in [endpoint] + [f"id:{i}" for i in ids]:
            queue = self.faults.get(name)
            if queue:
                with self._lock:
                    if queue:
                        return queue.pop(0)
        return None

    def _apply_fault(self, fault: str, endpoint: str, answer, params: dict):
        name, _, arg = fault.partition(":")
        if name.isdigit():
            code = int(name)
            if code == 429:
                body = json.dumps({"error": "API rate limit exceeded", "api-key": "127.0.0.1",
                                   "count": "4", "limit": "3"}).encode()
                return code, [("Content-Type", "application/json")], body
            return code, [("Content-Type", "text/html")], HTML_ERROR
        if name == "html":
            return 200, [("Content-Type", "text/html")], HTML_ERROR
        if name == "reset":
            return "RESET"
        if name == "timeout":
            time.sleep(float(arg or 2))
            return None
        if name == "json":
            return 200, [("Content-Type", "application/json")], arg.encode()
        if answer is None:
            return None
        status, content_type, body = answer(params)
        if name == "truncated":
            return status, [("Content-Type", content_type)], body[: len(body) // 2]
        if name == "trickle":
            return status, [("Content-Type", content_type)], _Stream(
                [body[i:i + 1] for i in range(len(body))], float(arg or 0.2))
        if name == "stall":
            return status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], \
                _Stream([body[: len(body) // 2], body[len(body) // 2:]], float(arg or 3))
        raise ValueError(f"unknown fault {fault}")

    # -- endpoints -------------------------------------------------------------------------------
    def _esearch(self, params: dict) -> tuple[int, str, bytes]:
        term = params.get("term", "")
        if params.get("db", "pubmed") != "pubmed":
            return _esearch_answer(params, [], term, error=f"Invalid db name specified: {params.get('db')}")
        pmids = self._search(term)
        return _esearch_answer(params, pmids, term)

    def _search(self, term: str) -> list[str]:
        for needle, pmids in self.search_results.items():
            if needle.lower() in term.lower():
                return list(pmids)
        field = re.fullmatch(r'\s*"?(.+?)"?\s*\[(\w+)\]\s*', term)
        if field:
            value, tag = field.group(1).strip(), field.group(2).lower()
            if tag in ("doi", "aid", "lid"):
                return [p for p, r in self.records.items()
                        if (r.ids.get("doi") or "").lower() == value.lower()]
            if tag in ("pmid", "uid"):
                return [value] if value in self.records else []
            if tag in ("pmc", "pmcid"):
                return [p for p, r in self.records.items()
                        if (r.item.get("PMCID") or "").upper() == value.upper()]
        words = set(re.findall(r"\w{3,}", term.lower()))
        scored = []
        for pmid, record in self.records.items():
            title = str(record.item.get("title") or "").lower()
            score = sum(1 for word in words if word in title)
            if words and score == len(words):
                scored.append(pmid)
        return scored

    def _esummary(self, params: dict) -> tuple[int, str, bytes]:
        ids = _ids(params.get("id", ""))
        if not ids:
            return 200, "application/json", json.dumps(
                {"header": {"type": "esummary", "version": "0.3"},
                 "esummaryresult": ["Empty id list - nothing todo"]}).encode()
        result: dict[str, Any] = {"uids": ids}
        for pmid in ids:
            if pmid in self.summaries:
                result[pmid] = self.summaries[pmid]
            elif pmid in self.records:
                result[pmid] = _docsum(self.records[pmid])
            else:
                result[pmid] = {"uid": pmid, "error": "cannot get document summary"}
        return 200, "application/json", json.dumps(
            {"header": {"type": "esummary", "version": "0.3"}, "result": result}).encode()

    def _efetch(self, params: dict) -> tuple[int, str, bytes]:
        ids = _ids(params.get("id", ""))
        if not ids:
            return 400, "text/xml", (b'<?xml version="1.0" encoding="UTF-8" ?>\n<eFetchResult>'
                                     b"<ERROR>Empty id list - nothing todo</ERROR></eFetchResult>")
        body = [b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD '
                b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/'
                b'pubmed_250101.dtd">\n<PubmedArticleSet>\n']
        for pmid in ids:
            if pmid in self.articles:
                body.append(self.articles[pmid] + b"\n")
        body.append(b"</PubmedArticleSet>\n")
        return 200, "text/xml; charset=UTF-8", b"".join(body)

    def _ecitmatch(self, params: dict) -> tuple[int, str, bytes]:
        lines = [line for line in re.split(r"[\r\n]+", params.get("bdata", "")) if line.strip()]
        out = []
        for line in lines:
            fields = line.split("|")
            journal, year, volume, page, author = (fields + [""] * 5)[:5]
            key = fields[5] if len(fields) > 5 else ""
            found = [p for p, r in self.records.items() if _cites(r, journal, year, volume, page)]
            answer = found[0] if len(found) == 1 else ("AMBIGUOUS" if found else "NOT_FOUND")
            out.append(f"{journal}|{year}|{volume}|{page}|{author}|{key}|{answer}")
        return 200, "text/plain; charset=UTF-8", ("\n".join(out) + "\n").encode()

    def _idconv(self, params: dict) -> tuple[int, str, bytes]:
        ids = [i.strip() for i in params.get("ids", "").split(",") if i.strip()]
        fmt = params.get("format", "xml")
        if not ids or len(ids) > MAX_IDCONV_IDS:
            message = "No IDs given" if not ids else \
                f"Too many IDs: at most {MAX_IDCONV_IDS} per request"
            return 400, "application/json", json.dumps(
                {"status": "error", "message": message}).encode()
        records = []
        for ident in ids:
            record = self._pmc_record(ident, params.get("idtype"))
            records.append(record)
        if fmt == "json":
            return 200, "application/json", json.dumps({
                "status": "ok", "responseDate": time.strftime("%Y-%m-%d %H:%M:%S"),
                "request": f"ids={','.join(ids)};format=json", "records": records}).encode()
        rows = "".join("<record " + " ".join(f'{k}="{_esc(str(v))}"' for k, v in r.items())
                       + "/>" for r in records)
        return 200, "text/xml", (f'<?xml version="1.0" encoding="UTF-8"?><pmcids status="ok">'
                                 f"{rows}</pmcids>").encode()

    def _pmc_record(self, ident: str, idtype: str | None) -> dict:
        kind = idtype or ("pmcid" if ident.upper().startswith("PMC") else
                          "doi" if ident.startswith("10.") else "pmid")
        for pmid, record in self.records.items():
            pmcid = record.item.get("PMCID")
            doi = record.ids.get("doi")
            matches = {"pmid": ident == pmid,
                       "pmcid": pmcid and pmcid.upper() == (ident.upper() if ident.upper()
                                                            .startswith("PMC") else f"PMC{ident}"),
                       "doi": doi and doi.lower() == ident.lower()}.get(kind)
            if matches and pmcid:
                out = {"pmcid": pmcid, "pmid": pmid}
                if doi:
                    out["doi"] = doi
                return out
        return {"requested-id": ident, "status": "error", "errmsg": "Identifier not found in PMC"}


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _ids(text: str) -> list[str]:
    return [i.strip() for i in re.split(r"[,\s]+", text or "") if i.strip()]


def _cites(record: pubmed.PubmedRecord, journal: str, year: str, volume: str, page: str) -> bool:
    item = record.item
    names = {str(item.get(k) or "").lower() for k in ("container-title", "container-title-short")}
    issued = (item.get("issued") or {}).get("date-parts") or [[None]]
    first_page = str(item.get("page") or "").split("-")[0]
    return (journal.strip().lower() in names and str(issued[0][0]) == year.strip()
            and str(item.get("volume") or "") == volume.strip() and first_page == page.strip())


def _docsum(record: pubmed.PubmedRecord) -> dict:
    """An ESummary 2.0 DocSum in NCBI's field names, from a stored article."""
    item = record.item
    authors = []
    for name in item.get("author") or []:
        if name.get("literal"):
            authors.append({"name": name["literal"], "authtype": "CollectiveName",
                            "clusterid": ""})
        else:
            initials = "".join(w[0] for w in str(name.get("given") or "").split())
            family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family"))
                              if p)
            authors.append({"name": f"{family} {initials}".strip(), "authtype": "Author",
                            "clusterid": ""})
    articleids = [{"idtype": kind, "idtypen": n, "value": value}
                  for n, (kind, value) in enumerate(record.ids.items(), start=1)]
    references = [{"refsource": r.source, "reftype": pubmed.RELATIONS[r.kind][1],
                   "pmid": int(r.pmid) if r.pmid and r.pmid.isdigit() else 0, "note": ""}
                  for r in record.relations]
    issns = str(item.get("ISSN") or "").split(", ")
    return {"uid": record.pmid, "pubdate": pubmed.format_pubmed_date(item.get("issued")),
            "epubdate": "", "source": item.get("container-title-short")
            or item.get("container-title", ""), "authors": authors,
            "lastauthor": authors[-1]["name"] if authors else "",
            "title": str(item.get("title") or ""),
            "volume": item.get("volume", ""), "issue": item.get("issue", ""),
            "pages": item.get("page", ""), "lang": [pubmed.pubmed_language(item["language"])]
            if item.get("language") else [], "issn": issns[0] if issns else "",
            "essn": issns[1] if len(issns) > 1 else "",
            "pubtype": list(record.publication_types), "recordstatus": record.status,
            "articleids": articleids, "references": references,
            "fulljournalname": item.get("container-title", ""),
            "elocationid": f"doi: {record.ids['doi']}" if record.ids.get("doi") else ""}


def _esearch_answer(params: dict, pmids: list[str], term: str, error: str = ""
                    ) -> tuple[int, str, bytes]:
    start = int(params.get("retstart", "0") or 0)
    count = int(params.get("retmax", "20") or 20)
    page = pmids[start:start + count]
    if params.get("retmode") == "json":
        result: dict[str, Any] = {"count": str(len(pmids)), "retmax": str(len(page)),
                                  "retstart": str(start), "idlist": page, "translationset": [],
                                  "querytranslation": term}
        if error:
            result = {"ERROR": error}
        return 200, "application/json", json.dumps(
            {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}).encode()
    ids = "".join(f"<Id>{p}</Id>" for p in page)
    xml = (f'<?xml version="1.0" encoding="UTF-8" ?>\n<eSearchResult><Count>{len(pmids)}</Count>'
           f"<RetMax>{len(page)}</RetMax><RetStart>{start}</RetStart><IdList>{ids}</IdList>"
           f"<TranslationSet/><QueryTranslation>{_esc(term)}</QueryTranslation>"
           f"{'<ERROR>' + _esc(error) + '</ERROR>' if error else ''}</eSearchResult>")
    return 200, "text/xml", xml.encode()
