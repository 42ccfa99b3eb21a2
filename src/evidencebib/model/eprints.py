"""Eprint identifiers (biblatex's `eprint`, `eprinttype`, `eprintclass`) as CSL variables.

biblatex (manual §3.14.7 "Electronic Publishing Information") stores an identifier of an
online archive in `eprint`, the archive in `eprinttype` and, for arXiv, the subject class in
`eprintclass`; arXiv's own BibTeX (and Google Scholar's, Semantic Scholar's, Better BibTeX's
BibTeX) spells the last two `archivePrefix` and `primaryClass`, which biber's default source
map renames to `eprinttype` and `eprintclass` (the manual's "aliases"). biblatex's standard
styles know `arxiv`, `hdl`, `jstor`, `pubmed` and `googlebooks` (biblatex.def's
`eprint:<type>` field formats, each linked to the archive's page for the identifier:
arxiv.org/abs/…, hdl.handle.net/…, www.jstor.org/stable/…, books.google.com/books?id=…).

CSL 1.0.2 has no eprint variable, so the identifier is said with the variables a CSL style
prints (each filled only when the entry has no value of its own):

* every kind with a landing page: `URL`, the page biblatex links the identifier to;
* arXiv, on an item that is the preprint itself (a @misc, @online, @unpublished, or one
  whose type is already CSL `article`, the preprint type): `number` "arXiv:<id>" and
  `publisher` "arXiv", as Zotero stores an arXiv preprint (item type Preprint: Repository
  "arXiv" -> CSL `publisher`, Archive ID "arXiv:<id>" -> CSL `number`; the CSL mapping agreed
  in zotero/zotero-bits#88). A journal article with an arXiv copy keeps its journal: only
  the URL is added;
* `eprinttype = {doi}`: `DOI`;
* an eprint that is a web address (`eprint = {https://onlinelibrary.wiley.com/doi/pdf/…}`,
  what Wiley's, OUP's and ACS's "download citation" BibTeX writes: the full text's link, no
  archive's identifier): `URL`, the link itself (biblatex prints it as written; no archive
  page is made of it). Its `eprint` field stays as written, so a BibTeX export writes it back
  as it was, and an item with a URL of its own keeps that one (the eprint is then carried as
  a BibTeX field: RIS/EndNote research notes, CSL-JSON `custom`).

PubMed ids (`pubmed`, `pmc`) are not handled here: formats/bibtex.py reads them into `PMID`
and `PMCID`. The eprint fields themselves are kept as written (formats/bibtex.py keeps them
among the entry's fields CSL has no variable for) so that a BibTeX or BibLaTeX export writes
them back exactly, and the variables derived here are left out of that export (`derived`),
since the reader derives them again.
"""

from __future__ import annotations

import re
from typing import Mapping

from evidencebib.model import doi

# BibTeX spellings biber's default source map renames (biblatex manual §3.14.7)
ALIASES = {"archiveprefix": "eprinttype", "primaryclass": "eprintclass"}
# kinds formats/bibtex.py reads into PMID/PMCID
PUBMED_KINDS = frozenset({"pubmed", "pmid", "pmc", "pmcid"})
# biblatex.def's eprint:<type> links (https where the archive serves it)
LANDING_PAGES = {"arxiv": "https://arxiv.org/abs/{}", "hdl": "https://hdl.handle.net/{}",
                 "jstor": "https://www.jstor.org/stable/{}",
                 "googlebooks": "https://books.google.com/books?id={}"}
# CSL types of an item that is the preprint itself (BibTeX @misc, @online, @unpublished)
PREPRINT_TYPES = frozenset({"article", "document", "webpage", "manuscript", "post"})
_ARXIV_PREFIX = re.compile(r"\s*arxiv\s*:\s*", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"https?://[^\s/]+\.[^\s]*", re.IGNORECASE)


def is_link(identifier: str) -> bool:
    """Whether an eprint is a web address (a full-text link), not an archive's identifier."""
    return _WEB_ADDRESS.fullmatch(identifier.strip()) is not None


def kind(fields: Mapping[str, str]) -> str:
    """The archive an entry's eprint is in (lower case): `eprinttype`, else its alias
    `archiveprefix`, else `arxiv` for an identifier written `arXiv:…`; '' when unknown."""
    for field in ("eprinttype", "archiveprefix"):
        value = str(fields.get(field) or "").strip().strip("{}").strip().lower()
        if value:
            return value
    if _ARXIV_PREFIX.match(str(fields.get("eprint") or "")):
        return "arxiv"
    return ""


def variables(fields: Mapping[str, str], csl_type: str) -> dict[str, str]:
    """The CSL variables that say the eprint of an entry (BibTeX field -> verbatim value,
    lower-case names) of CSL type `csl_type`; {} when it has none or it is a PubMed id."""
    identifier = str(fields.get("eprint") or "").strip()
    archive = kind(fields)
    if identifier and archive not in PUBMED_KINDS and archive != "doi" and is_link(identifier):
        return {"URL": identifier}  # a full-text link (publishers' "download citation")
    if not identifier or not archive or archive in PUBMED_KINDS:
        return {}
    if archive == "doi":
        normalized = doi.normalize(identifier)
        return {"DOI": normalized} if normalized else {}
    if archive == "arxiv":
        identifier = _ARXIV_PREFIX.sub("", identifier, count=1).strip()
        if not identifier:
            return {}
    out: dict[str, str] = {}
    if archive == "arxiv" and csl_type in PREPRINT_TYPES:
        out["number"] = f"arXiv:{identifier}"
        out["publisher"] = "arXiv"
    if archive in LANDING_PAGES and not re.search(r"\s", identifier):
        out["URL"] = LANDING_PAGES[archive].format(identifier)
    return out


def derived(item: Mapping[str, object], fields: Mapping[str, str]) -> set[str]:
    """The variables of `item` whose value is the one `variables` derives from its eprint
    `fields`: a BibTeX writer leaves them out (the reader derives them again)."""
    return {name for name, value in variables(fields, str(item.get("type") or "document")).items()
            if item.get(name) == value}
