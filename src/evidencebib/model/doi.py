"""DOI names: recognise the ways people write them, compare them, and put them in URLs safely.

This is the one DOI normaliser of the program: every reader stores `normalize(value)` in an
item's `DOI`, the network clients validate with `parse`/`is_valid`, storage compares with
`key`. (`evidencebib.doi` is the same API under its old import path.)

* `normalize(text)` accepts `10.x/y`, `doi:10.x/y`, `DOI: 10.x/y`, `info:doi/10.x/y`,
  `https://doi.org/10.x/y`, `http://dx.doi.org/10.x/y`, other resolvers' URLs
  (`http://doi.acm.org/10.x/y`, `doi.wiley.com`, `dx.crossref.org`) and percent-encoded forms
  (`10.1000%2Fabc`, `https://doi.org/10.1175/1520-0493(1987)115%3C1606%3AGARSPP%3E2.0.CO%3B2`)
  and returns the DOI **as spelled** (case is kept: DOIs are case-insensitive, but the stored
  spelling is the editor's).
* `key(doi)` is the comparison key (case-folded); `same(a, b)` compares two spellings.
* `is_valid(doi)` checks the syntax (`10.` + registrant code + `/` + a non-empty suffix of
  printable characters, no whitespace or control characters); `is_short(doi)` recognises a
  shortDOI (`10/fqd6hj`, an alias handle doi.org resolves; `https://doi.org/10/fqd6hj`
  normalises to it).
* `path_segment(doi)` percent-encodes a DOI for use after a fixed path prefix. Whatever the
  DOI contains, the result can never change the scheme, host, port or the path prefix of the
  URL it is appended to: everything outside a small safe set is percent-encoded (`%`, `?`,
  `#`, `;`, `<`, `>`, spaces, backslashes, non-ASCII …), `/` is kept (Crossref and doi.org
  accept it and it keeps URLs readable) except in a DOI with a `.` or `..` segment, whose
  slashes are all encoded so that no client or server can collapse them; and
  `encode_slashes=True` encodes every `/` (used when the DOI's last segment would collide
  with a sub-resource such as `/agency`). An empty DOI, `.` or `..` raises InvalidDOI: they
  would name the prefix itself or its parent.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

__all__ = [
    "InvalidDOI", "normalize", "parse", "is_valid", "is_short", "key", "same", "path_segment",
    "find_in_text", "is_doi_url", "without_trailing_punctuation",
]


class InvalidDOI(ValueError):
    """The text is not a DOI."""


# Prefixes people paste in front of a DOI (case-insensitive), longest first.
_PREFIXES = re.compile(
    r"""^(?:
        (?:https?://)?(?:dx\.|www\.)?doi\.org/ |
        # other resolvers and publishers' DOI hosts (doi.acm.org, doi.wiley.com,
        # doi.ieeecomputersociety.org, dx.crossref.org …), JabRef and EndNote data
        (?:https?://)?(?:dx\.)?(?:doi\.(?:[a-z0-9-]+\.)+[a-z]{2,}|crossref\.org)/(?=10[./]) |
        (?:https?://)?hdl\.handle\.net/ |
        info:doi/ |
        urn:doi: |
        doi\s*:\s* |
        doi\s+
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# 10.<registrant>[.<sub>...]/<suffix>; the suffix is any printable, non-space characters.
# Lone surrogates (JSON's "\ud800" lets them in) are not characters: not valid, not encodable.
_SYNTAX = re.compile("^10\\.\\d{4,9}(?:\\.\\d+)*/[^\\s\\x00-\\x1f\\x7f\\ud800-\\udfff]+$")
# A shortDOI (shortdoi.org): an alias handle `10/<letters and digits>` that doi.org resolves
# to the DOI it stands for (`10/fqd6hj`).
_SHORT = re.compile(r"^10/[a-z0-9]{2,12}$", re.IGNORECASE)
_PERCENT_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*%2F", re.IGNORECASE)
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_IN_TEXT = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[^\s\"<>]+[^\s\"<>.,;:)\]}]")


def normalize(text: str) -> str:
    """The DOI inside `text`, spelled as given, without prefixes, URL encoding or spaces.

    Does not check the syntax; use `parse` for that. Never lower-cases.
    """
    doi = (text or "").strip().strip("\u200b\ufeff")
    wrapped = _URL_MACRO.fullmatch(doi)  # `\url{https://doi.org/10.1/x}` in a BibTeX doi field
    if wrapped:
        doi = wrapped.group(1).strip()
    was_url = False
    # Strip repeated prefixes (`doi: https://doi.org/10...` happens in the wild).
    for _ in range(3):
        match = _PREFIXES.match(doi)
        if not match:
            break
        was_url = was_url or "/" in match.group(0)
        doi = doi[match.end():].strip()
    if was_url:
        # In a resolver URL a literal '?' or '#' starts the query or fragment, which is not
        # part of the DOI (inside a DOI they are percent-encoded as %3F and %23).
        doi = re.split(r"[?#]", doi, maxsplit=1)[0]
    elif _PUBLISHER_URL.match(doi):
        # a publisher's page of the article in the DOI field (`https://dl.acm.org/doi/10.1145/…`,
        # Wiley's `/doi/abs/10.1002/…`, Springer's `/article/10.1007/…`, PLOS's `?id=10.1371/…`):
        # the DOI in its path or query (redteam6 G15: printed as `https://doi.org/https://…`)
        found = _DOI_IN_URL.search(doi)
        if found:
            doi, was_url = _PAGE_SUFFIX.sub("", found.group(1)), True
    # Percent-encoded DOI: from a URL, or an encoded slash right after the prefix.
    if _ESCAPE.search(doi) and (was_url or _PERCENT_DOI.match(doi)):
        doi = unquote(doi)
    return doi.strip()


_URL_MACRO = re.compile(r"\\url\{(.*)\}", re.DOTALL)
_PUBLISHER_URL = re.compile(r"^https?://", re.IGNORECASE)
# a DOI in a URL's path (`/10.1145/3292500.3330701`) or query (`?id=10.1371/…`, `doi=`), to
# the end of the path
_DOI_IN_URL = re.compile(r"(?:/|[?&](?:id|doi)=)(10\.\d{4,9}(?:\.\d+)*(?:/|%2F)[^?#&\s]+)",
                         re.IGNORECASE)
# what a publisher's page address adds after the DOI (Frontiers' `/full`, Wiley's `/epdf`)
_PAGE_SUFFIX = re.compile(r"/(?:full|abstract|pdf|epdf|html|fulltext|meta)/?$", re.IGNORECASE)


def is_valid(doi: str) -> bool:
    return bool(doi) and bool(_SYNTAX.match(doi))


def is_short(doi: str) -> bool:
    """A shortDOI (`10/fqd6hj`): valid as a name doi.org resolves, but not DOI syntax;
    `verify` expands it through doi.org (net.Client.short_doi_target) when online."""
    return bool(doi) and bool(_SHORT.match(doi))


def parse(text: str) -> str:
    """`normalize(text)`, raising InvalidDOI when the result is not DOI syntax."""
    doi = normalize(text)
    if not is_valid(doi):
        raise InvalidDOI(f"not a DOI: {text!r}")
    return doi


def without_trailing_punctuation(doi: str) -> str:
    """`doi` without the sentence punctuation (`.`, `,`, `;`, `:`) a DOI copied from a
    reference list brings with it (`10.1000/xyz123.`). Such characters are DOI syntax, so
    only a look-up can tell (`verify` asks for the bare DOI when the given one is unknown)."""
    return doi.rstrip(".,;:")


def key(doi: str) -> str:
    """Comparison key: DOIs are case-insensitive (ASCII and Unicode alike)."""
    return normalize(doi).casefold()


def same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return key(a) == key(b)


# Characters left as they are in a path segment. Everything else is percent-encoded,
# including ';' (Jetty, which serves Crossref, strips ';params' from path segments),
# '+', '&', '=', ',' and '@' (harmless in a path, but some proxies rewrite them).
_SAFE = "-._~()!*:'"


def path_segment(doi: str, *, encode_slashes: bool = False) -> str:
    """`doi` percent-encoded for appending after a fixed path prefix ending in '/'.

    A DOI with a `.` or `..` segment has *all* its slashes encoded (`%2F`), as the DOI
    Handbook recommends: encoding the dots alone is not enough, because requests un-escapes
    `%2E` back to `.` (it is an unreserved character) and the server would then collapse
    `/../`, escaping the path prefix. `%2F` is reserved and reaches the server intact.
    """
    if doi.strip(".") == "":
        # "", "." and ".." are not DOIs, and appended to a prefix they would name the prefix
        # itself or its parent: no encoding keeps them inside it (requests decodes %2E).
        raise InvalidDOI(f"not a DOI: {doi!r}")
    parts = doi.split("/")
    if encode_slashes or any(part and part.strip(".") == "" for part in parts):
        return _quote_part(doi)
    return "/".join(_quote_part(part) for part in parts)


def _quote_part(part: str) -> str:
    try:
        return quote(part, safe=_SAFE, encoding="utf-8", errors="strict")
    except UnicodeEncodeError:
        raise InvalidDOI(f"not a DOI (contains a lone surrogate): {part!r}") from None


def find_in_text(text: str) -> str | None:
    """The first DOI-looking string inside free text (used for notes, URLs, reference strings)."""
    match = _IN_TEXT.search(text or "")
    return match.group(0) if match else None


_DOI_ORG_URL = re.compile(r"^https?://(dx\.)?doi\.org/", re.IGNORECASE)


def is_doi_url(url: str, doi: str | None) -> bool:
    """True when `url` is only the doi.org (dx.doi.org) address of `doi`: exporters leave it
    out and importers drop it (EndNote, Mendeley, Scopus write the DOI's URL as the URL)."""
    if not doi or not _DOI_ORG_URL.match(str(url).strip()):
        return False
    return same(normalize(str(url)), doi)


def of_url(url: str) -> str | None:
    """The DOI a doi.org (dx.doi.org) link names, or None: `https://doi.org/10.1/x` -> `10.1/x`
    (a URL field holding the DOI's link, as Google Scholar and some publishers export it)."""
    url = str(url or "").strip()
    if not _DOI_ORG_URL.match(url):
        return None
    found = normalize(url)
    return found if is_valid(found) else None
