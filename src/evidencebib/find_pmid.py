"""Find the PMID of an entry that has none: by its DOI, else by citation matching.

In order, and only unambiguous answers are proposed:

1. the entry's DOI through PMC's ID converter (one request per 200 entries, PMC articles
   only), then ESearch `"<doi>"[DOI]` for the others — accepted when exactly one PMID
   answers;
2. without a DOI (or when PubMed files none under it): NCBI's ECitMatch with journal, year,
   volume, first page and first author (one request for every entry; its `AMBIGUOUS` and
   `NOT_FOUND` propose nothing);
3. every PMID found is fetched and must describe the entry's work (`verify.compare`: title,
   year, first author, journal), and its record's DOI must be the entry's when both have one.

Entries that could not be asked are listed as unreachable; nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from evidencebib import doi as doi_names
from evidencebib import lookup
from evidencebib.errors import NetworkError
from evidencebib.model import Item, issued_year
from evidencebib.verify import _first_name_of, compare


@dataclass
class Decision:
    key: str
    pmid: str | None                     # accepted PMID, or None
    reason: str
    pmcid: str | None = None


def _citation(item: Item) -> tuple[str, str, str, str, str] | None:
    journal = str(item.get("container-title-short") or item.get("container-title") or "")
    year = issued_year(item)
    volume = str(item.get("volume") or "")
    page = str(item.get("page") or "").split("-")[0].split("–")[0].strip()
    if not (journal and year and volume and page):
        return None
    return journal, str(year), volume, page, _first_name_of(item)


def decisions(client: Any, items: Iterable[Item], notice: Callable[[str], None] = lambda m: None,
              unreachable: list[str] | None = None) -> dict[str, Decision]:
    """A decision per entry without a PMID (key → Decision)."""
    pubmed = client.pubmed
    items = [item for item in items if not item.get("PMID")]
    out: dict[str, Decision] = {}
    found: dict[str, tuple[str, str]] = {}           # key -> (pmid, how)

    def fail(item: Item, error: Exception) -> None:
        notice(f"@{item['id']}: unreachable: not searched ({error})")
        if unreachable is not None:
            unreachable.append(item["id"])
        out[item["id"]] = Decision(item["id"], None, f"unreachable ({error})")

    with_doi: dict[str, str] = {}
    unusable: dict[str, str] = {}                    # key -> why its DOI was not searched
    for item in items:
        if not item.get("DOI"):
            continue
        try:
            name, why = lookup.doi_to_ask(client, str(item["DOI"]))
        except NetworkError as error:
            short = doi_names.normalize(str(item["DOI"]))
            unusable[item["id"]] = f"shortDOI {short} not expanded ({error})"
            continue
        if name is None:
            unusable[item["id"]] = str(why)
            continue
        with_doi[item["id"]] = name
    try:
        converted = pubmed.convert(list(with_doi.values())) if with_doi else {}
    except NetworkError as error:
        converted = {}
        notice(f"PMC ID converter not asked ({error}); searching PubMed by DOI instead")
    for item in items:
        key = item["id"]
        if key not in with_doi:
            continue
        pmid = (converted.get(with_doi[key]) or {}).get("pmid")
        if pmid:
            found[key] = (pmid, "PMC ID converter, by DOI")
            continue
        try:
            pmid = pubmed.pmid_for_doi(with_doi[key])
        except NetworkError as error:
            fail(item, error)
            continue
        if pmid:
            found[key] = (pmid, "PubMed search by DOI")

    citations = {item["id"]: c for item in items
                 if item["id"] not in found and item["id"] not in out
                 and (c := _citation(item)) is not None}
    try:
        matched = pubmed.citmatch(citations)
    except NetworkError as error:
        matched = {}
        for item in items:
            if item["id"] in citations:
                fail(item, error)
    for key, pmid in matched.items():
        if pmid:
            found[key] = (pmid, "ECitMatch")

    try:
        records = pubmed.records([pmid for pmid, _how in found.values()])
    except NetworkError as error:
        records = None
        for item in items:
            if item["id"] in found:
                fail(item, error)
    for item in items:
        key = item["id"]
        if key in out:
            continue
        if key not in found or records is None:
            without = f"its DOI was not searched ({unusable[key]})" if key in unusable else "no DOI"
            out[key] = Decision(key, None, "PubMed has no unambiguous match" if key in
                                with_doi or key in citations else
                                f"{without}, and too little for a citation match (journal, "
                                "year, volume, first page)")
            continue
        pmid, how = found[key]
        record = records.get(pmid)
        if record is None:
            out[key] = Decision(key, None, f"PMID {pmid} ({how}) has no PubMed record")
            continue
        theirs = record.ids.get("doi")
        if key in with_doi and theirs and doi_names.key(theirs) != doi_names.key(with_doi[key]):
            out[key] = Decision(key, None, f"PMID {pmid} ({how}) has another DOI ({theirs})")
            continue
        differ = compare(item, record.item)
        if differ:
            out[key] = Decision(key, None, f"PMID {pmid} ({how}) differs in " + ", ".join(differ))
            continue
        out[key] = Decision(key, pmid, how, record.item.get("PMCID"))
    return out
