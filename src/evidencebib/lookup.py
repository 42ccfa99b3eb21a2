"""Turn DOIs into items through a client: Crossref first, then doi.org content negotiation.

This module holds no network code of its own; it asks the `net.Client` it is given, so
commands and the Python API share one way of resolving a DOI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from evidencebib import doi as doi_names
from evidencebib.errors import NetworkError, ParseError, UsageError, decode_utf8, read_user_file
from evidencebib.model import Item


def doi_to_ask(client, raw: str) -> tuple[str | None, str | None]:
    """(DOI, None) for the DOI a service should be asked about, or (None, why not): a shortDOI
    (`10/fqd6hj`) is expanded through doi.org as `verify` does, and text that is no DOI is
    named. A doi.org failure while expanding raises NetworkError (the caller reports the entry
    unreachable)."""
    name = doi_names.normalize(raw)
    if doi_names.is_short(name):
        target = client.short_doi_target(name)
        if target is None:
            return None, f"shortDOI {name} is not registered at doi.org"
        return target, None
    if not doi_names.is_valid(name):
        return None, f"not DOI syntax: {raw!r}"
    return name, None


def resolve(client, doi: str,
            notice: Callable[[str], None] | None = None) -> tuple[Item | None, str]:
    """(item, source) for a DOI; item is None when no agency knows it (source says why).

    Only the services' own "unknown" makes None: Crossref's 404 *and* doi.org's "DOI does not
    exist". A DOI doi.org says Crossref registered, but Crossref does not serve, or whose
    agency's record cannot be had, raises NetworkError (the caller reports it unreachable).
    The item holds only values that passed `received.check_item`; `notice` hears about the
    others."""
    from evidencebib import received
    from evidencebib.formats import crossref

    message = client.work(doi)
    if message is not None:
        item, source = crossref.work_to_item(message), "Crossref"
    else:
        agency = client.registration_agency(doi)
        if agency is None:
            return None, "not registered"
        if agency.lower() == "crossref":
            raise NetworkError(crossref_disagrees(doi))
        try:
            item, source = crossref.csl_to_item(client.csl(doi)), agency
        except NetworkError as error:
            raise NetworkError(f"registered with {agency}, but its record could not be had: "
                               f"{error}") from None
        item.setdefault("DOI", doi)
    item, problems = received.check_item(item, source)
    received.report(problems, doi, notice)
    return item, source


def crossref_disagrees(doi: str) -> str:
    """Why a DOI is not "not found" when Crossref answered 404 but doi.org says Crossref."""
    return (f"Crossref answered 404 for {doi}, but doi.org says Crossref registered it (a "
            f"wrong --crossref-url, or Crossref has not indexed it yet)")


def resolve_identifiers(client, identifiers: Iterable,
                        notice: Callable[[str], None] | None = None) -> list[Item]:
    """Items for DOIs (Crossref, doi.org), PMIDs and PMCIDs (PubMed; a PMCID through PMC's ID
    converter), in the order given; NetworkError naming the first that cannot be had, so that
    nothing is written unless all were resolved."""
    from evidencebib import received
    from evidencebib.identifiers import DOI, PMCID

    identifiers = list(identifiers)
    dois = [i.value for i in identifiers if i.kind == DOI]
    by_doi = dict(zip(dois, resolve_all(client, dois, notice), strict=True)) if dois else {}
    pmcids = [i.value for i in identifiers if i.kind == PMCID]
    try:
        converted = client.pubmed.convert(pmcids) if pmcids else {}
    except NetworkError as error:
        raise NetworkError(f"PMC ID converter unreachable: {error}; nothing was added") from None
    pmid_of = {}
    for ident in identifiers:
        if ident.kind == PMCID:
            pmid = (converted.get(ident.value) or {}).get("pmid")
            if not pmid:
                raise NetworkError(f"{ident.given}: PMC's ID converter knows no PubMed record "
                                   f"for {ident.value}; nothing was added")
            pmid_of[ident] = pmid
        elif ident.kind != DOI:
            pmid_of[ident] = ident.value
    try:
        records = client.pubmed.records(list(pmid_of.values())) if pmid_of else {}
    except NetworkError as error:
        raise NetworkError(f"PubMed unreachable: {error}; nothing was added") from None
    items = []
    for ident in identifiers:
        if ident.kind == DOI:
            items.append(by_doi[ident.value])
            continue
        record = records.get(pmid_of[ident])
        if record is None:
            raise NetworkError(f"{ident.given}: PubMed has no record for PMID "
                               f"{pmid_of[ident]}; nothing was added")
        item = {k: v for k, v in record.item.items() if not k.startswith("_")}
        item, problems = received.check_item(item, "PubMed")
        received.report(problems, str(ident), notice)
        from evidencebib.formats.pubmed import marks

        found = marks(record)
        if found and notice is not None:
            notice(f"{ident}: PubMed marks it {', '.join(found)}; run 'evidencebib verify'")
        items.append(item)
    return items


def parse_dois(texts: Iterable[str]) -> list[str]:
    """Validated DOIs in the spelling given (prefixes and URL encoding removed)."""
    names = []
    for raw in texts:
        name = doi_names.normalize(raw)
        if not doi_names.is_valid(name):
            raise UsageError(f"not a DOI: {raw!r}")
        names.append(name)
    return names


def read_doi_list(path: str | Path) -> list[str]:
    """DOIs from a text file, one per line (blank lines and `#` comments ignored)."""
    path = Path(path)
    lines = decode_utf8(read_user_file(path), path).splitlines()
    names = []
    for number, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip() if not line.lstrip().startswith("10.") else line.strip()
        if not text:
            continue
        name = doi_names.normalize(text)
        if not doi_names.is_valid(name):
            raise ParseError(f"not a DOI: {text!r}", file=path, line=number)
        names.append(name)
    return names


def resolve_all(client, dois: Iterable[str],
                notice: Callable[[str], None] | None = None) -> list[Item]:
    """Items for every DOI, in order; NetworkError naming the first one that cannot be had
    (so that callers write nothing unless all were resolved)."""
    dois = list(dois)
    client.prefetch_works(dois)
    items = []
    for name in dois:
        try:
            item, source = resolve(client, name, notice)
        except NetworkError as error:
            raise NetworkError(f"{name}: unreachable: {error}; nothing was added") from None
        except doi_names.InvalidDOI as error:
            raise NetworkError(f"{name}: {error}; nothing was added") from None
        if item is None:
            raise NetworkError(f"{name}: {source}; nothing was added")
        item["DOI"] = name  # keep the spelling the user gave
        items.append(item)
    return items
