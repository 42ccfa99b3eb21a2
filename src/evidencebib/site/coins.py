"""COinS: one OpenURL ContextObject per reference, in `<span class="Z3988" title="…">`.

What Zotero's connector (its "COinS" translator) and other reference managers pick up from
a page that lists many references: each span's title is a ContextObject in KEV form
(ANSI/NISO Z39.88-2004, OpenURL 1.0), with the metadata format named by `rft_val_fmt`:

- journal articles: `info:ofi/fmt:kev:mtx:journal`, genre `article` (atitle, jtitle, stitle,
  volume, issue, spage/epage or pages, issn);
- books, chapters, conference papers and reports: `info:ofi/fmt:kev:mtx:book` with genre
  `book`, `bookitem`, `proceeding` or `report` (btitle, atitle, pub, place, isbn, edition);
- theses: `info:ofi/fmt:kev:mtx:dissertation` (title, inst, degree);
- anything else: Dublin Core, `info:ofi/fmt:kev:mtx:dc` (title, creator, type, identifier).

Authors go in `rft.au` (one per name, "Family, Given"), the first also in `rft.aulast` /
`rft.aufirst` (or `rft.aucorp` for an organisation), the date in `rft.date` (YYYY[-MM[-DD]]),
the DOI and PMID as `rft_id` URIs (`info:doi/…`, `info:pmid/…`). Zotero imports a span
without a lookup when it has a title and at least one creator.

Written here rather than taken from a library: the key/value pairs are a table of the
ContextObject formats above, and urllib does the percent-encoding; the PyPI packages that
write COinS are unmaintained (bib2coins, 2012) or only parse them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from evidencebib.model import Item
from evidencebib.model.pages import split_pages

JOURNAL_TYPES = {"article-journal", "article", "article-magazine", "article-newspaper", "review",
                 "review-book"}
BOOK_GENRES = {"book": "book", "chapter": "bookitem", "paper-conference": "proceeding",
               "report": "report", "entry-encyclopedia": "bookitem", "entry-dictionary": "bookitem"}
FORMAT = "info:ofi/fmt:kev:mtx:"


def _date(item: Item) -> str:
    issued = item.get("issued") or {}
    parts = (issued.get("date-parts") or [[]])[0]
    if parts and str(parts[0]).strip():
        return "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[:3])
                        if str(p).strip().isdigit())
    return str(issued.get("raw") or issued.get("literal") or "")


def _name(name: dict[str, Any]) -> str:
    if name.get("literal"):
        return str(name["literal"])
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
    return f"{family}, {given}" if given else family


def _creators(item: Item, pairs: list[tuple[str, str]], dublin_core: bool) -> None:
    names = [n for n in (item.get("author") or item.get("editor") or []) if isinstance(n, dict)]
    if not names:
        return
    if dublin_core:
        pairs.extend(("rft.creator", _name(n)) for n in names)
        return
    first = names[0]
    if first.get("literal"):
        pairs.append(("rft.aucorp", str(first["literal"])))
    else:
        family = " ".join(p for p in (first.get("non-dropping-particle"), first.get("family")) if p)
        if family:
            pairs.append(("rft.aulast", family))
        if first.get("given"):
            pairs.append(("rft.aufirst", str(first["given"])))
    pairs.extend(("rft.au", _name(n)) for n in names)


def _pages(item: Item, pairs: list[tuple[str, str]]) -> None:
    page = str(item.get("page") or "")
    if not page:
        return
    pairs.append(("rft.pages", page))
    first, last = split_pages(page)
    if first:
        pairs.append(("rft.spage", first))
    if last:
        pairs.append(("rft.epage", last))


def context_object(item: Item, referrer: str = "info:sid/evidencebib") -> str:
    """The KEV ContextObject of one item (the `title` of its Z3988 span)."""
    kind = str(item.get("type") or "")
    title = str(item.get("title") or "")
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004"), ("rfr_id", referrer)]

    def add(key: str, variable: str) -> None:
        value = item.get(variable)
        if value not in (None, ""):
            pairs.append((key, str(value)))

    dublin_core = False
    if kind in JOURNAL_TYPES:
        pairs += [("rft_val_fmt", FORMAT + "journal"), ("rft.genre", "article"),
                  ("rft.atitle", title)]
        add("rft.jtitle", "container-title")
        add("rft.stitle", "container-title-short")
        add("rft.volume", "volume")
        add("rft.issue", "issue")
        _pages(item, pairs)
        add("rft.issn", "ISSN")
    elif kind in BOOK_GENRES:
        pairs += [("rft_val_fmt", FORMAT + "book"), ("rft.genre", BOOK_GENRES[kind])]
        if kind in ("book", "report"):
            pairs.append(("rft.btitle", title))
        else:
            pairs.append(("rft.atitle", title))
            add("rft.btitle", "container-title")
            _pages(item, pairs)
        add("rft.pub", "publisher")
        add("rft.place", "publisher-place")
        add("rft.edition", "edition")
        add("rft.series", "collection-title")
        add("rft.isbn", "ISBN")
    elif kind == "thesis":
        pairs += [("rft_val_fmt", FORMAT + "dissertation"), ("rft.title", title)]
        add("rft.inst", "publisher")
        add("rft.degree", "genre")
    else:
        dublin_core = True
        pairs += [("rft_val_fmt", FORMAT + "dc"), ("rft.title", title)]
        if kind:
            pairs.append(("rft.type", kind))
        add("rft.publisher", "publisher")
        add("rft.identifier", "URL")
    _creators(item, pairs, dublin_core)
    date = _date(item)
    if date:
        pairs.append(("rft.date", date))
    if item.get("DOI"):
        pairs.append(("rft_id", f"info:doi/{item['DOI']}"))
    if item.get("PMID"):
        pairs.append(("rft_id", f"info:pmid/{item['PMID']}"))
    if item.get("URL") and not dublin_core:
        pairs.append(("rft_id", str(item["URL"])))
    return urlencode([(k, v) for k, v in pairs if v], quote_via=quote)
