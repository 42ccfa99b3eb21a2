"""Check every entry's DOI against Crossref (or doi.org for DataCite/mEDRA DOIs).

One status per entry:

=======================  =====================================================================
ok                       the DOI resolves to the work the entry describes
mismatch                 the DOI resolves to a different work (`fields` names what differs)
not-found                no such DOI: Crossref's own 404 *and* doi.org's "DOI does not exist"
invalid                  the DOI field is not DOI syntax (or doi.org calls it invalid)
retracted                Crossref records a retraction (publisher or Retraction Watch), or the
                         DOI *is* a retraction notice
withdrawn                the work was withdrawn
expression-of-concern    an expression of concern was published about the work
corrected                a correction/erratum/corrigendum exists (informational)
no-doi                   the entry has no DOI (informational; see `find-doi`)
unreachable              the service could not be asked, or did not answer as itself (network,
                         a deadline, a proxy's 404 page, Crossref and doi.org disagreeing,
                         an agency's record that cannot be had, offline cache miss, the run
                         stopped or out of time); never means the DOI is broken
=======================  =====================================================================

Entries with a PMID (`pmid` in BibTeX; with `pubmed_by_doi`, also the PMID PubMed files under
the entry's DOI) are also checked against PubMed (net/eutils.py):
PubMed's publication type "Retracted Publication" and its comments/corrections links
(`RetractionIn`, `PartialRetractionIn`, `ExpressionOfConcernIn`, `ErratumIn`), named with the
notice's PMID and date; a PMID whose record is another work than the entry (or than its DOI)
is a `mismatch`; PubMed not answering is `unreachable`, never `ok`. The two sources are
combined by `combine`: the graver status wins (`SEVERITY`), and the details say which source
said what (`retracted`, "source: PubMed; …" when only PubMed knows).

`corrected` and `no-doi` do not fail a run unless `strict`; everything else except `ok` does.
A `mismatch` wins over retraction statuses: when a DOI points at some other work, that
other work's retraction says nothing about the cited one.

Comparison is tolerant: titles after removing markup, case, accents, punctuation, a leading
"The", "&"/"and", with truncated titles and subtitles accepted; years within ±1 of any
date the record carries (online-first vs print); first author's family name (particles,
hyphens and spaces ignored); journals by full name, the record's short title, or as an
abbreviation of the full name (`J Clin Pathol` ~ `Journal of Clinical Pathology`).
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable, Sequence, TypedDict

from evidencebib import doi as doimod
from evidencebib.display import one_line
from evidencebib.errors import NetworkError
from evidencebib.formats import crossref as cr
from evidencebib.model import Item, ascii_fold, issued_year

OK = "ok"
MISMATCH = "mismatch"
NOT_FOUND = "not-found"
INVALID = "invalid"
RETRACTED = "retracted"
WITHDRAWN = "withdrawn"
CONCERN = "expression-of-concern"
CORRECTED = "corrected"
NO_DOI = "no-doi"
UNREACHABLE = "unreachable"
STATUSES = (OK, MISMATCH, NOT_FOUND, INVALID, RETRACTED, WITHDRAWN, CONCERN, CORRECTED, NO_DOI,
            UNREACHABLE)
INFORMATIONAL = {OK, CORRECTED, NO_DOI}


@dataclass
class Result:
    condition: str
    key: str
    line: int | None
    doi: str | None
    status: str
    details: str = ""
    fields: list[str] = field(default_factory=list)
    source: str | None = None            # "crossref", "datacite", … where the answer came from
    notices: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    def is_problem(self, strict: bool = False) -> bool:
        return self.status != OK if strict else self.status not in INFORMATIONAL


# -- normalisation ------------------------------------------------------------------------

_TAGS = re.compile(r"<[^>]+>")
_NOTICE_PREFIX = re.compile(
    r"^\s*(?:retracted|withdrawn|retraction(?:\s+notice)?(?:\s+(?:to|of|for))?|"
    r"notice\s+of\s+retraction|expression\s+of\s+concern(?:\s+(?:to|for|regarding))?|"
    r"erratum(?:\s+(?:to|for))?|correction(?:\s+(?:to|for))?|corrigendum(?:\s+(?:to|for))?)"
    r"\s*[:\-–—.]\s*", re.IGNORECASE)


def norm_text(text: Any) -> str:
    """Lower-case ASCII words separated by single spaces (markup, braces, accents removed)."""
    if not text:
        return ""
    text = _TAGS.sub("", str(text))
    text = text.replace("&amp;", "&").replace("&", " and ")
    text = re.sub(r"\\[a-zA-Z]+\s*", "", text)            # stray LaTeX commands
    text = ascii_fold(text).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return text


def strip_notice_prefix(title: str) -> str:
    return _NOTICE_PREFIX.sub("", title or "", count=1)


def title_similar(local: str, remote: str, *, threshold: float = 0.85) -> bool:
    a, b = norm_text(local), norm_text(strip_notice_prefix(remote))
    if not a or not b:
        return True
    if a == b or a == norm_text(remote):
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 20 and long_.startswith(short):          # truncated / subtitle dropped
        return True
    main = norm_text(re.split(r"[:?.]\s", strip_notice_prefix(remote), maxsplit=1)[0])
    if main and (a == main or (len(main) >= 20 and a.startswith(main))):
        return True
    return title_ratio(a, b) >= threshold


def title_ratio(a: str, b: str) -> float:
    a, b = norm_text(a), norm_text(b)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _family(name: dict) -> str:
    if not isinstance(name, dict):
        return ""
    if name.get("literal"):
        return name["literal"]
    return " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)


def _first_name_of(item: Item) -> str:
    for variable in ("author", "editor"):
        names = item.get(variable) or []
        if names:
            return _family(names[0])
    return ""


def family_similar(local: str, remote: str) -> bool:
    a = norm_text(local).replace(" ", "")
    b = norm_text(remote).replace(" ", "")
    if not a or not b:
        return True
    if a == b or a.endswith(b) or b.endswith(a) or a.startswith(b) or b.startswith(a):
        return min(len(a), len(b)) >= 3 or a == b
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


_STOP = {"of", "and", "the", "de", "la", "le", "for", "in", "on", "des", "der", "und", "a", "an"}


def journal_similar(local: str, remote: str, remote_short: str = "") -> bool:
    a, b = norm_text(local), norm_text(remote)
    if not a or not b:
        return True
    candidates = [b] + ([norm_text(remote_short)] if remote_short else [])
    for c in candidates:
        if not c:
            continue
        if a == c or a.replace(" ", "") == c.replace(" ", ""):
            return True
        if _abbreviates(a, c) or _abbreviates(c, a):
            return True
    return title_ratio(a, b) >= 0.9


def _abbreviates(short: str, full: str) -> bool:
    """Each word of `short` is a prefix of the corresponding significant word of `full`."""
    s = [w for w in short.split() if w not in _STOP]
    f = [w for w in full.split() if w not in _STOP]
    if not s or len(s) != len(f):
        return False
    return all(fw.startswith(sw) for sw, fw in zip(s, f, strict=True))


def compare(local: Item, remote: Item, remote_years: Iterable[int] = (),
            remote_short_journal: str = "") -> list[str]:
    """Fields in which `remote` clearly describes a different work than `local`."""
    differ = []
    if local.get("title") and remote.get("title") and \
            not title_similar(local["title"], remote["title"]):
        differ.append("title")
    year = issued_year(local)
    years = set(remote_years) or {y for y in (issued_year(remote),) if y is not None}
    if year and years and not any(abs(year - y) <= 1 for y in years):
        differ.append("year")
    a, b = _first_name_of(local), _first_name_of(remote)
    if a and b and not family_similar(a, b):
        # an author list in another order: accept when the first local author is among the
        # record's first three
        others = [_family(n) for n in (remote.get("author") or [])[:3]]
        if not any(family_similar(a, o) for o in others):
            differ.append("author")
    if local.get("container-title") and remote.get("container-title") and \
            not journal_similar(local["container-title"], remote["container-title"],
                                remote.get("container-title-short") or remote_short_journal):
        if not (local.get("container-title-short") and journal_similar(
                local["container-title-short"], remote["container-title"],
                remote.get("container-title-short", ""))):
            differ.append("journal")
    return differ


def describe_differences(local: Item, remote: Item, fields: Sequence[str]) -> str:
    parts = []
    for name in fields:
        if name == "title":
            parts.append(f"title: {_short(remote.get('title'))!r}")
        elif name == "year":
            parts.append(f"year: ours {issued_year(local)}, record {issued_year(remote)}")
        elif name == "author":
            parts.append(f"first author: ours {_first_name_of(local)!r}, "
                         f"record {_first_name_of(remote)!r}")
        elif name == "journal":
            parts.append(f"journal: ours {local.get('container-title')!r}, "
                         f"record {remote.get('container-title')!r}")
    return "; ".join(parts)


def _short(text: Any, n: int = 80) -> str:
    text = _TAGS.sub("", str(text or ""))
    return text if len(text) <= n else text[: n - 1] + "…"


# -- update (Crossmark / Retraction Watch) statuses ---------------------------------------

_RANK = [(cr.RETRACTION_TYPES, RETRACTED), (cr.WITHDRAWAL_TYPES, WITHDRAWN),
         (cr.CONCERN_TYPES, CONCERN), (cr.CORRECTION_TYPES, CORRECTED)]


def _update_status(entries: list[dict]) -> tuple[str | None, list[dict]]:
    for types, status in _RANK:
        hits = [e for e in entries if e.get("type") in types]
        if hits:
            return status, hits
    return None, []


def _describe_update(entry: dict, as_notice: bool = False) -> str:
    date = cr._year_parts(entry.get("updated")) or []
    when = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(date))
    bits = [f"{entry.get('label') or entry.get('type')}"]
    bits.append(("for " if as_notice else "notice ") + str(entry.get("DOI", "?")))
    if when:
        bits.append(when)
    source = entry.get("source")
    if source == "retraction-watch":
        record = entry.get("record-id")
        bits.append("Retraction Watch" + (f" record {record}" if record else ""))
    elif source:
        bits.append(f"source {source}")
    return ", ".join(bits)


def status_from_work(local: Item, message: dict) -> tuple[str, str, list[str], list[dict]]:
    """(status, details, differing fields, notices) for an entry whose DOI Crossref knows."""
    remote = cr.work_to_item(message)
    fields = compare(local, remote, cr.work_years(message))
    updated_by = cr.updates(message, "updated-by")
    update_to = cr.updates(message, "update-to")
    notices = updated_by + update_to

    # The DOI is itself a notice (retraction notice, EoC, correction …).
    notice_status, notice_hits = _update_status(update_to)
    if notice_status:
        local_title = local.get("title") or ""
        describes_notice = not fields
        describes_original = local_title and title_similar(local_title, remote.get("title", ""))
        if describes_notice or describes_original:
            kind = {RETRACTED: "a retraction notice", WITHDRAWN: "a withdrawal notice",
                    CONCERN: "an expression of concern", CORRECTED: "a correction notice"}
            details = f"this DOI is {kind[notice_status]} (" + "; ".join(
                _describe_update(e, as_notice=True) for e in notice_hits) + ")"
            return notice_status, details, [], notices

    if fields:
        details = describe_differences(local, remote, fields)
        if updated_by:
            status, hits = _update_status(updated_by)
            if status and status != CORRECTED:
                details += f" (note: the record at this DOI is {status})"
        return MISMATCH, details, fields, notices

    status, hits = _update_status(updated_by)
    if status:
        return status, "; ".join(_describe_update(e) for e in hits), [], notices
    title = (cr._first_text(message.get("title")) or "").strip().upper()
    if title.startswith("RETRACTED"):
        return RETRACTED, "the record's title says RETRACTED (no update notice recorded)", [], []
    if title.startswith("WITHDRAWN"):
        return WITHDRAWN, "the record's title says WITHDRAWN (no update notice recorded)", [], []
    return OK, "", [], []


# -- running ------------------------------------------------------------------------------

class _Where(TypedDict):
    """The fields of a `Result` that say which entry it is about."""
    condition: str
    key: str
    line: int | None
    doi: str | None


class _FromPubMed(_Where):
    """A `Result`'s location, for a result PubMed gave."""
    source: str


@dataclass
class Entry:
    condition: str
    item: Item


# -- PubMed ------------------------------------------------------------------------------------

# Gravest first: the status of a combined result is the graver of the two sources'.
SEVERITY = (MISMATCH, NOT_FOUND, INVALID, RETRACTED, WITHDRAWN, CONCERN, UNREACHABLE, CORRECTED,
            OK, NO_DOI)
_PUBMED_LINKS = (("RetractionIn", RETRACTED, "retraction"),
                 ("PartialRetractionIn", RETRACTED, "partial retraction"),
                 ("ExpressionOfConcernIn", CONCERN, "expression of concern"),
                 ("ErratumIn", CORRECTED, "erratum"),
                 ("CorrectedandRepublishedIn", CORRECTED, "corrected and republished"))


def _notice_date(record: Any) -> str:
    from evidencebib.formats.pubmed import format_pubmed_date

    return format_pubmed_date(record.item.get("issued")) if record is not None else ""


def status_from_pubmed(local: Item, record: Any, notices: dict[str, Any]
                       ) -> tuple[str, str, list[str], list[dict]]:
    """(status, details, differing fields, notices) for an entry's PMID that PubMed knows;
    `notices` holds the records of the notices' PMIDs (for their dates), where had."""
    from evidencebib import doi as doi_names

    remote = record.item
    fields = compare(local, remote)
    ours = doi_names.normalize(str(local.get("DOI") or ""))
    theirs = record.ids.get("doi") or remote.get("DOI") or ""
    if ours and theirs and doi_names.key(ours) != doi_names.key(doi_names.normalize(theirs)):
        return MISMATCH, (f"PMID {record.pmid} is another work at PubMed (DOI {theirs}, "
                          f"{_short(remote.get('title'), 60)!r}); the entry's DOI is {ours}"), \
            ["DOI"] + fields, []
    if fields:
        return MISMATCH, (f"PMID {record.pmid}: " + describe_differences(local, remote, fields)
                          + " (PubMed record)"), fields, []
    found: list[dict] = []
    status = None
    for kind, link_status, label in _PUBMED_LINKS:
        for relation in record.related(kind):
            date = _notice_date(notices.get(relation.pmid or ""))
            found.append({"type": label, "PMID": relation.pmid, "date": date,
                          "source": "pubmed"})
            if status is None or SEVERITY.index(link_status) < SEVERITY.index(status):
                status = link_status
    from evidencebib.formats.pubmed import RETRACTED as RETRACTED_TYPE, RETRACTION_NOTICE

    if RETRACTED_TYPE in record.publication_types and status != RETRACTED:
        status = RETRACTED
        found.insert(0, {"type": "retraction", "PMID": None, "date": "", "source": "pubmed"})
    if status is None and RETRACTION_NOTICE in record.publication_types:
        return RETRACTED, f"PMID {record.pmid} is a retraction notice (source: PubMed)", [], []
    if status is None:
        return OK, f"PMID {record.pmid} matches PubMed's record", [], []
    described = [", ".join(bit for bit in (n["type"] + (f" in PMID {n['PMID']}" if n["PMID"]
                                                        else " (publication type)"),
                                           n["date"]) if bit)
                 for n in found]
    return status, "source: PubMed; " + "; ".join(described), [], found


def combine(crossref: Result, pubmed: Result) -> Result:
    """One result from the DOI's (Crossref/doi.org) and the PMID's (PubMed): the graver status,
    with what the other source said in the details; `source` is the one that decided."""
    if crossref.status == NO_DOI:
        return pubmed
    first, second = sorted((crossref, pubmed), key=lambda r: SEVERITY.index(r.status))
    label = {id(crossref): "Crossref", id(pubmed): "PubMed"}
    details = first.details
    if second.status == first.status and first.status != OK:
        details += f"; {label[id(second)]} agrees"
    elif second.status not in (OK,):
        details += f"; {label[id(second)]}: {second.status}" + (
            f" ({second.details})" if second.details else "")
    return Result(condition=crossref.condition, key=crossref.key, line=crossref.line,
                  doi=crossref.doi, status=first.status, details=details.strip("; "),
                  fields=list(dict.fromkeys(first.fields + second.fields)),
                  source=first.source, notices=crossref.notices + pubmed.notices)


class Verifier:
    """Verify items with a `evidencebib.net.Client` (concurrently, paced by the client)."""

    def __init__(self, client: Any, *, pubmed_by_doi: bool = False) -> None:
        self.client = client
        self.pubmed_by_doi = pubmed_by_doi
        self._notices: dict[str, Any] = {}
        self._by_doi: dict[str, str | None | NetworkError] = {}   # DOI key -> PMID

    def verify_item(self, item: Item, condition: str = "") -> Result:
        """The DOI's result (Crossref/doi.org), combined with PubMed's when there is a PMID
        (with `pubmed_by_doi`, also the PMID PubMed files under the entry's DOI)."""
        result = self._verify_doi(item, condition)
        pmid = str(item.get("PMID") or "").strip()
        if not pmid and self.pubmed_by_doi and result.status not in (NO_DOI, INVALID):
            found = self._pmid_by_doi(doimod.normalize(str(item.get("DOI"))))
            if isinstance(found, NetworkError):
                return combine(result, Result(result.condition, result.key, result.line,
                                              result.doi, UNREACHABLE, source="pubmed",
                                              details=f"PubMed (by DOI): {found}"))
            if found is None:
                return result
            found_result = self._verify_pmid(item, found, result)
            found_result.details = f"PMID {found} found by DOI; " + found_result.details
            return combine(result, found_result)
        if not pmid:
            return result
        return combine(result, self._verify_pmid(item, pmid, result))

    def _pmid_by_doi(self, name: str) -> str | None | NetworkError:
        """The PMID PubMed files under a DOI (None: none, or not one), asked once per run."""
        from evidencebib.doi import key as doi_key

        k = doi_key(name)
        if k not in self._by_doi:
            try:
                self._by_doi[k] = self.client.pubmed.pmid_for_doi(name)
            except NetworkError as error:
                self._by_doi[k] = error
        return self._by_doi[k]

    def _find_pmids(self, entries: Sequence[Entry]) -> list[str]:
        """PMIDs for the entries' DOIs that have none: PMC's ID converter 200 at a time, then
        ESearch for the rest (paced); returns the PMIDs found."""
        from evidencebib.doi import key as doi_key

        names: dict[str, str] = {}
        for e in entries:
            raw = str(e.item.get("DOI") or "")
            if raw and not e.item.get("PMID") and doimod.is_valid(doimod.normalize(raw)):
                names.setdefault(doi_key(doimod.normalize(raw)), doimod.normalize(raw))
        try:
            converted = self.client.pubmed.convert(list(names.values()))
        except NetworkError:
            converted = {}
        rest = []
        for k, name in names.items():
            pmid = (converted.get(name) or {}).get("pmid")
            if pmid:
                self._by_doi[k] = pmid
            else:
                rest.append(name)
        self.client.map(self._pmid_by_doi, rest)
        return [p for p in self._by_doi.values() if isinstance(p, str)]

    def _verify_pmid(self, item: Item, pmid: str, by_doi: Result) -> Result:
        from evidencebib.net.eutils import is_pmid
        from evidencebib.net.errors import OfflineMiss, RunAborted

        base = _FromPubMed(condition=by_doi.condition, key=by_doi.key, line=by_doi.line,
                           doi=by_doi.doi, source="pubmed")
        if not is_pmid(pmid):
            return Result(**base, status=INVALID, details=f"not a PMID: {pmid!r}")
        try:
            record = self.client.pubmed.record(pmid)
            if record is None:
                return Result(**base, status=NOT_FOUND,
                              details=f"PubMed has no record for PMID {pmid}")
            status, details, fields, notices = status_from_pubmed(item, record, self._notices)
            return Result(**base, status=status, details=details, fields=fields,
                          notices=notices)
        except OfflineMiss:
            return Result(**base, status=UNREACHABLE,
                          details=f"PubMed (PMID {pmid}): offline: not in the cache")
        except RunAborted as error:
            return Result(**base, status=UNREACHABLE,
                          details=f"PubMed (PMID {pmid}) not checked: {error}")
        except NetworkError as error:
            return Result(**base, status=UNREACHABLE, details=f"PubMed (PMID {pmid}): {error}")

    def _prefetch_pubmed(self, entries: Sequence[Entry]) -> None:
        """Every entry's PubMed record, then the records of the notices they link to (for
        the notices' dates), in POSTed batches; failures are left to the single look-ups."""
        from evidencebib.net.eutils import is_pmid

        pubmed = self.client.pubmed
        pmids = [p for p in (str(e.item.get("PMID") or "").strip() for e in entries)
                 if is_pmid(p)]
        if self.pubmed_by_doi:
            pmids += self._find_pmids(entries)
        if not pmids:
            return
        try:
            pubmed.prefetch(pmids)
            linked: list[str] = []
            for pmid in dict.fromkeys(pmids):
                record = pubmed.record(pmid)
                for kind, _status, _label in _PUBMED_LINKS:
                    linked += [r.pmid for r in (record.related(kind) if record else [])
                               if r.pmid]
            if linked:
                self._notices.update(pubmed.records(linked))
        except NetworkError:
            pass

    def _verify_doi(self, item: Item, condition: str = "") -> Result:
        key = str(item.get("id", ""))
        line = item.get("_line")
        raw = item.get("DOI")
        base = _Where(condition=condition, key=key, line=line, doi=raw or None)
        if not raw or not str(raw).strip():
            from evidencebib.model.doi import of_url

            linked = of_url(str(item.get("URL") or ""))
            hint = (f"its URL is the DOI link of {linked}: store that as its doi" if linked
                    else "try `evidencebib find-doi`")
            return Result(**base, status=NO_DOI, details=f"no DOI ({hint})")
        name = doimod.normalize(str(raw))
        if not doimod.is_valid(name) and not doimod.is_short(name):
            return Result(**base, status=INVALID, details=f"not DOI syntax: {raw!r}")
        from evidencebib.net.client import OfflineMiss, RunAborted
        try:
            if doimod.is_short(name):
                target = self.client.short_doi_target(name)
                if target is None:
                    return Result(**base, status=NOT_FOUND,
                                  details=f"shortDOI {name} is not registered at doi.org")
                result = self.verify_item(dict(item, DOI=target), condition)
                result.doi = raw
                result.details = (f"shortDOI {name} stands for {target}; store the full DOI. "
                                  + result.details).strip()
                return result
            message = self.client.work(name)
            if message is not None:
                status, details, fields, notices = status_from_work(item, message)
                return Result(**base, status=status, details=details, fields=fields,
                              source="crossref", notices=notices)
            return self._not_in_crossref(item, name, base)
        except OfflineMiss:
            return Result(**base, status=UNREACHABLE, details="offline: not in the cache")
        except RunAborted as error:
            return Result(**base, status=UNREACHABLE, details=f"not checked: {error}")
        except doimod.InvalidDOI as error:
            return Result(**base, status=INVALID, details=str(error))
        except NetworkError as error:
            return Result(**base, status=UNREACHABLE, details=str(error))

    def _not_in_crossref(self, item: Item, name: str, base: _Where) -> Result:
        from evidencebib.lookup import crossref_disagrees

        agency = self.client.registration_agency(name)
        if agency is None:
            details = "not registered (Crossref 404; doi.org: DOI does not exist)"
            return Result(**base, status=NOT_FOUND,
                          details=details + self._without_trailing_punctuation(name))
        if agency.lower() == "crossref":
            # Crossref's records are the ones with retractions: never fall back to a copy
            return Result(**base, status=UNREACHABLE, details=crossref_disagrees(name))
        try:
            csl = self.client.csl(name)
        except NetworkError as error:
            return Result(**base, status=UNREACHABLE, source=agency.lower(),
                          details=f"registered with {agency}, but its record could not be "
                                  f"had: {error}")
        remote = cr.csl_to_item(csl)
        source = agency.lower()
        if not remote.get("title") and not remote.get("author"):
            return Result(**base, status=OK, source=source,
                          details=f"registered with {agency}; no metadata to compare")
        fields = compare(item, remote)
        if fields:
            return Result(**base, status=MISMATCH, fields=fields, source=source,
                          details=describe_differences(item, remote, fields) +
                          f" ({agency} record)")
        return Result(**base, status=OK, source=source,
                      details=f"registered with {agency} (retractions not checked)")

    def _without_trailing_punctuation(self, name: str) -> str:
        """`; 10.1000/xyz123 (without the trailing '.') is registered: …` when the unknown
        DOI ends in sentence punctuation copied with it from a reference list and the DOI
        without it is registered (Crossref's DOI guidance: a trailing `.`, `,` or `;` is
        almost always not part of the DOI); else "". One more look-up, only for a DOI that
        ends so and was not found."""
        from evidencebib.model.doi import without_trailing_punctuation

        bare = without_trailing_punctuation(name)
        if bare == name:
            return ""
        try:
            found = self.client.work(bare) is not None or \
                self.client.registration_agency(bare) is not None
        except NetworkError:
            return ""
        if not found:
            return ""
        return (f"; {bare} (without the trailing {name[len(bare):]!r}) is registered: "
                "correct the DOI")

    def verify(self, entries: Sequence[Entry],
               progress: Callable[[Result], None] | None = None) -> list[Result]:
        dois = [str(e.item.get("DOI")) for e in entries if e.item.get("DOI")]
        try:
            self.client.prefetch_works(dois)
        except NetworkError:
            pass                                   # single lookups will report per entry
        self._prefetch_pubmed(entries)
        lock = threading.Lock()

        def one(entry: Entry) -> Result:
            return self.verify_item(entry.item, entry.condition)

        def report(_entry: Entry, result: Result) -> None:
            if progress:
                with lock:
                    progress(result)

        return self.client.map(one, list(entries), progress=report)


# -- output -------------------------------------------------------------------------------

def summary(results: Sequence[Result]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts


def to_json(results: Sequence[Result], generated: "datetime.datetime | None" = None) -> str:
    """The JSON report; `generated` (now, in UTC, by default) tells its readers, the site
    among them, when the verification ran."""
    when = generated or datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return json.dumps({"generated": when.isoformat(), "results": [r.to_json() for r in results],
                       "summary": summary(results)}, indent=2, ensure_ascii=False) + "\n"


def to_markdown(results: Sequence[Result]) -> str:
    lines = ["| condition | key | line | DOI | status | details |",
             "|---|---|---|---|---|---|"]
    for r in results:
        cells = [r.condition, r.key, str(r.line or ""), r.doi or "", f"**{r.status}**"
                 if r.status not in INFORMATIONAL else r.status, r.details]
        lines.append("| " + " | ".join(one_line(c).replace("|", "\\|") for c in cells) + " |")
    counts = summary(results)
    lines.append("")
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"


def to_table(results: Sequence[Result]) -> str:
    rows: list[tuple[str, ...]] = [("STATUS", "CONDITION", "KEY", "LINE", "DOI", "DETAILS")]
    for r in results:  # one line per entry, whatever its key or Crossref's labels hold
        rows.append(tuple(one_line(cell) for cell in (r.status, r.condition, r.key,
                                                      str(r.line or ""), r.doi or "", r.details)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    out = []
    for row in rows:
        out.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) +
                   "  " + row[5])
    counts = summary(results)
    out.append("")
    out.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no entries")
    return "\n".join(line.rstrip() for line in out) + "\n"


FORMATTERS = {"table": to_table, "json": to_json, "markdown": to_markdown}
