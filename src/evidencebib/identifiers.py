"""What a user may type to name a work for `add`: a DOI, a PMID, a PMCID or a PubMed/PMC URL.

One parser per kind of identifier, tried in order (as manubot's `cite` keeps one handler per
prefix), each returning an `Identifier` or None:

* explicit prefixes: `doi:10.…`, `pmid:31234567`, `pmcid:PMC6543210` (case-insensitive);
* PubMed URLs `https://pubmed.ncbi.nlm.nih.gov/31234567/`, `…ncbi.nlm.nih.gov/pubmed/31234567`,
  PMC URLs `https://pmc.ncbi.nlm.nih.gov/articles/PMC6543210/`, `…/pmc/articles/PMC…`;
* bare `PMC6543210` (PMC's own spelling) and bare digits (a PMID: 1 to 9 digits, no leading 0);
* anything else must be a DOI (`doi.normalize`: `https://doi.org/…`, `doi:` …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from evidencebib import doi as doi_names
from evidencebib.errors import UsageError
from evidencebib.model.pubmed_ids import PMCID_PATTERN, PMID_PATTERN

DOI, PMID, PMCID = "doi", "pmid", "pmcid"
_PMID = PMID_PATTERN
_PMCID = PMCID_PATTERN


@dataclass(frozen=True)
class Identifier:
    kind: str           # doi | pmid | pmcid
    value: str          # the normalised identifier (PMCIDs upper-case)
    given: str          # what the user typed

    def __str__(self) -> str:
        return f"{self.kind.upper()} {self.value}" if self.kind != DOI else self.value


def _prefixed(text: str) -> Identifier | None:
    match = re.fullmatch(r"(pmid|pmcid|pmc)\s*:\s*(\S+)", text, re.IGNORECASE)
    if not match:
        return None
    kind, value = match.group(1).lower(), match.group(2)
    if kind == "pmid":
        if not re.fullmatch(_PMID, value):
            raise UsageError(f"not a PMID: {text!r} (PMIDs are 1 to 9 digits)")
        return Identifier(PMID, value, text)
    value = value.upper() if value.upper().startswith("PMC") else f"PMC{value}"
    if not re.fullmatch(_PMCID, value):
        raise UsageError(f"not a PMCID: {text!r} (PMCIDs are PMC and digits)")
    return Identifier(PMCID, value, text)


_URLS = [(re.compile(r"https?://(?:www\.)?pubmed\.ncbi\.nlm\.nih\.gov/(" + _PMID + r")/?"
                     r"(?:[?#].*)?", re.IGNORECASE), PMID),
         (re.compile(r"https?://(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/(" + _PMID + r")/?"
                     r"(?:[?#].*)?", re.IGNORECASE), PMID),
         (re.compile(r"https?://(?:pmc\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pmc)"
                     r"/articles/(" + _PMCID + r")/?(?:[?#].*)?", re.IGNORECASE), PMCID)]


def _url(text: str) -> Identifier | None:
    for pattern, kind in _URLS:
        match = pattern.fullmatch(text)
        if match:
            return Identifier(kind, match.group(1).upper(), text)
    return None


def _bare(text: str) -> Identifier | None:
    if re.fullmatch(_PMID, text):
        return Identifier(PMID, text, text)
    if re.fullmatch(_PMCID, text, re.IGNORECASE):
        return Identifier(PMCID, text.upper(), text)
    return None


def _doi(text: str) -> Identifier | None:
    name = doi_names.normalize(text)
    return Identifier(DOI, name, text) if doi_names.is_valid(name) else None


PARSERS: tuple[Callable[[str], Identifier | None], ...] = (_prefixed, _url, _bare, _doi)


def parse(text: str) -> Identifier:
    """The identifier `text` names; UsageError when it is none of them."""
    stripped = text.strip()
    for parser in PARSERS:
        found = parser(stripped)
        if found is not None:
            return found
    raise UsageError(f"not a DOI, PMID or PMCID: {text!r}")


def parse_all(texts: Iterable[str]) -> list[Identifier]:
    return [parse(text) for text in texts]
