"""PMIDs and PMCIDs: what counts as one, and the address it links to.

A PMID is 1 to 9 digits with no leading zero (NLM's PubMed identifier); a PMCID is `PMC` and
digits, upper-case as PMC writes it. Anything else is kept as the user wrote it but is never
made into a link. Addresses are NCBI's current ones: `https://pubmed.ncbi.nlm.nih.gov/<pmid>/`
and `https://pmc.ncbi.nlm.nih.gov/articles/<pmcid>/`.
"""

from __future__ import annotations

import re
from typing import Any

PMID_PATTERN = r"[1-9][0-9]{0,8}"
PMCID_PATTERN = r"PMC[0-9]{1,9}"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
PMC_ARTICLES = "https://pmc.ncbi.nlm.nih.gov/articles/"


def pmid(value: Any) -> str | None:
    """The PMID `value` holds (surrounding spaces dropped), or None when it is not one."""
    text = str(value or "").strip()
    return text if re.fullmatch(PMID_PATTERN, text) else None


def pmcid(value: Any) -> str | None:
    """The PMCID `value` holds, upper-cased (`pmc123` -> `PMC123`), or None."""
    text = str(value or "").strip().upper()
    return text if re.fullmatch(PMCID_PATTERN, text) else None


def pubmed_url(value: Any) -> str | None:
    """The PubMed page of a PMID, or None when `value` is not a PMID."""
    number = pmid(value)
    return f"{PUBMED}{number}/" if number else None


def pmc_url(value: Any) -> str | None:
    """The PMC page of a PMCID, or None when `value` is not a PMCID."""
    number = pmcid(value)
    return f"{PMC_ARTICLES}{number}/" if number else None
