"""Page ranges (CSL `page`): how readers split and join them.

Exporters write ranges with every kind of dash: BibTeX `12--34`, en dashes (`243–245`) from
Zotero and Crossref, RIS `SP`/`EP` pairs, EndNote `SP  - 549-565` with no `EP`. An item keeps
the text; a range is joined with a hyphen where a reader builds it from parts, which is
what CSL processors split on for `page-range-format` (CSL 1.0.2, Appendix V).
"""

from __future__ import annotations

import re
from typing import Any

# Whitespace that is layout, not text: line breaks, tabs, runs of spaces (what a pretty-printed
# export or a wrapped line puts between words; str.split's whitespace without the spaces a
# writer types on purpose: no-break, thin, hair, figure, ideographic …)
_LAYOUT_SPACE = re.compile("[ \t\n\r\v\f\x1c-\x1f\x85\u2028\u2029]+")


def one_line(text: Any) -> str:
    """`text` as a one-line field of RIS or EndNote XML holds it: layout whitespace collapsed
    to one space and trimmed, typographic spaces kept as they are (TUGboat's page `c\u20093`
    with its thin space, U+2009; a no-break space in `p.\u00a012`): they are characters of
    the value, which both formats carry (UTF-8), not a line's layout."""
    return _LAYOUT_SPACE.sub(" ", str(text)).strip(" ")


# one separator: `--`, a hyphen or any Unicode dash, with optional spaces around it
_DASH = re.compile(r"\s*(?:--|[-\u2010\u2011\u2012\u2013\u2014\u2212])\s*")


def split_pages(page: Any) -> tuple[str, str | None]:
    """`e1-e12` -> ('e1', 'e12'); splits once on `-`, `--`, en/em dash; no dash -> (page, None)."""
    text = str(page).strip()
    match = _DASH.search(text)
    if not match or match.start() == 0:
        return text, None
    return text[:match.start()], text[match.end():]


def join_pages(start: str | None, end: str | None) -> str | None:
    """`start-end` (one page when both are the same), or whichever is given, or None."""
    start = (start or "").strip()
    end = (end or "").strip()
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end or None


def canonical_page(page: Any) -> str:
    """The page string as our importers produce it (ranges joined with a hyphen)."""
    start, end = split_pages(page)
    return join_pages(start, end) or ""


def comparable_page(page: Any) -> str:
    """The pages as compared, not as shown: any dash as `-`, an abbreviated end expanded
    (`720-36` -> `720-736`, as CSL's `page-range-format="expanded"` writes it), lower case.
    Two ranges with the same comparable form are the same pages spelt two ways."""
    value = canonical_page(page)
    match = re.fullmatch(r"(\D*)(\d+)-(\D*)(\d+)", value)
    if match and len(match.group(4)) < len(match.group(2)):
        start = match.group(2)
        end = start[: len(start) - len(match.group(4))] + match.group(4)
        value = f"{match.group(1)}{start}-{match.group(3)}{end}"
    return value.lower()

