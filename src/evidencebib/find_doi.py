"""Find the DOI of an entry that has none, by Crossref's `query.bibliographic` search.

A match is proposed only when it is unambiguous:

* the best candidate's Crossref score is more than `RATIO` (1.5) times the runner-up's
  (or it is the only candidate), AND
* its title is similar (normalised similarity ≥ 0.9, or our title is a truncation of it), AND
* the years agree (±1) and the first authors' family names agree, where both are known, AND
* its DOI is one that may be stored (`received.check_doi`: DOI syntax, nothing BibTeX reads
  specially): a search result is data from the network like any other.

Otherwise the candidates are listed with the reasons they were not accepted; what a candidate
shows (DOI, title, names) is cleaned of control characters and escape sequences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from evidencebib import received
from evidencebib.formats import crossref as cr
from evidencebib.model import Item, issued_year
from evidencebib.verify import _first_name_of, family_similar, title_ratio, title_similar

RATIO = 1.5
TITLE_MIN = 0.9


@dataclass
class Candidate:
    doi: str
    score: float
    title: str
    year: int | None
    first_author: str
    journal: str
    similarity: float
    problems: list[str] = field(default_factory=list)


@dataclass
class Decision:
    key: str
    doi: str | None                      # accepted DOI, or None
    reason: str
    candidates: list[Candidate]


def reference_string(item: Item) -> str:
    """A Vancouver-like reference, as Crossref's reference matcher expects."""
    names = []
    for name in (item.get("author") or item.get("editor") or [])[:6]:
        if name.get("literal"):
            names.append(name["literal"])
        else:
            initials = "".join(p[0] for p in str(name.get("given", "")).replace(".", " ").split()
                               if p)
            family = " ".join(x for x in (name.get("non-dropping-particle"), name.get("family"))
                              if x)
            names.append(f"{family} {initials}".strip())
    parts = []
    if names:
        parts.append(", ".join(names) + ("." if not names[-1].endswith(".") else ""))
    if item.get("title"):
        parts.append(cr.strip_markup(str(item["title"])).rstrip(".") + ".")
    journal = item.get("container-title-short") or item.get("container-title")
    tail = ""
    year = issued_year(item)
    if year:
        tail += str(year)
    if item.get("volume"):
        tail += f";{item['volume']}"
        if item.get("issue"):
            tail += f"({item['issue']})"
    if item.get("page"):
        tail += f":{item['page']}"
    if journal:
        parts.append(f"{cr.strip_markup(str(journal))}.")
    if tail:
        parts.append(tail + ".")
    return " ".join(parts)


def _candidate(local: Item, work: dict) -> Candidate:
    remote = cr.work_to_item(work)
    years = cr.work_years(work)
    title = received.clean_text(remote.get("title", ""))
    similarity = title_ratio(local.get("title", ""), title)
    problems = []
    doi = received.check_doi(work.get("DOI"))
    shown = doi or received.clean_text(work.get("DOI", ""))[:80]
    if doi is None:
        problems.append(f"not a DOI: {shown!r}")
    if local.get("title") and not (similarity >= TITLE_MIN or
                                   title_similar(local["title"], title, threshold=TITLE_MIN)):
        problems.append(f"title similarity {similarity:.2f}")
    year = issued_year(local)
    if year and years and not any(abs(year - y) <= 1 for y in years):
        problems.append(f"year {sorted(years)} ≠ {year}")
    a, b = _first_name_of(local), _first_name_of(remote)
    if a and b and not family_similar(a, b):
        problems.append(f"first author {b!r} ≠ {a!r}")
    try:
        score = float(work.get("score") or 0.0)
    except (TypeError, ValueError):
        score = 0.0
    if score != score or score in (float("inf"), float("-inf")):
        score = 0.0
    return Candidate(doi=shown, score=score, title=title, year=issued_year(remote),
                     first_author=received.clean_text(b),
                     journal=received.clean_text(remote.get("container-title", "")),
                     similarity=similarity, problems=problems)


def choose(local: Item, works: Sequence[object]) -> Decision:
    """`works`: Crossref's search answer, checked here (an entry that is not an object with a
    DOI is no candidate)."""
    key = str(local.get("id", ""))
    candidates = [_candidate(local, w) for w in works if isinstance(w, dict) and w.get("DOI")]
    candidates.sort(key=lambda c: -c.score)
    if not candidates:
        return Decision(key, None, "Crossref found no candidate", [])
    if not local.get("title"):
        return Decision(key, None, "the entry has no title to compare", candidates)
    best = candidates[0]
    if best.problems:
        return Decision(key, None, "best candidate does not match: " + "; ".join(best.problems),
                        candidates)
    if len(candidates) > 1:
        runner = candidates[1]
        if not best.score > RATIO * runner.score:
            return Decision(key, None, f"ambiguous: score {best.score:g} vs {runner.score:g} "
                                       f"(needs > {RATIO}×)", candidates)
    return Decision(key, best.doi, f"score {best.score:g}, title similarity "
                                   f"{best.similarity:.2f}", candidates)


def find(client: Any, local: Item, rows: int = 5) -> Decision:
    works = client.search(reference_string(local), rows=rows)
    return choose(local, works)


def decisions(client: Any, items: Iterable[Item],
              notice: Callable[[str], None] = lambda message: None,
              unreachable: list[str] | None = None) -> dict[str, Decision]:
    """A decision for every entry without a DOI; `notice` hears about searches that failed,
    and the keys of those entries are added to `unreachable` when it is given."""
    from evidencebib.errors import NetworkError

    out: dict[str, Decision] = {}
    for item in items:
        if item.get("DOI"):
            continue
        try:
            out[item["id"]] = find(client, item)
        except NetworkError as error:
            notice(f"@{item['id']}: unreachable: not searched ({error})")
            if unreachable is not None:
                unreachable.append(item["id"])
    return out
