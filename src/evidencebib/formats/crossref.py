"""Crossref work records (the JSON `message` of `/works/{doi}`) → our CSL-JSON items.

Pure functions, no I/O. Policies:

* **Titles**: HTML/JATS markup removed except inline italics, which are kept as `<i>…</i>`
  (`<em>`, `<jats:italic>` too); `<sub>`/`<sup>`/small caps/other tags are stripped with
  their text kept; entities decoded; runs of whitespace and newlines collapsed (and no
  space left inside the italics or before punctuation). A subtitle is appended after ": "
  unless the title already contains it.
* **Year**: `published-print` when it has a year, else `issued`, else `published-online`,
  `published`, `posted`, `created`. (BMJ and others put the online-first date in
  `issued`; clinical references cite the print issue.) `[[null]]` is treated as absent.
* **Pages**: `page`; when it is missing, `article-number` goes into `page` (and always into
  `number` when present).
* **Journal**: `container-title` may hold an abbreviation and the full title; the longest
  entry that is not a short title is taken, and `container-title-short` comes from
  `short-container-title` (or the abbreviation).
* **Names**: `{"family","given"}`; organisations (`name` only) → `{"literal"}`;
  family-only authors kept; known particles (`van der`, `de`; `model.names.KNOWN_PARTICLES`)
  go to `non-dropping-particle`; `suffix` kept.
* **DOI**: `model.doi.normalize` (the one DOI normaliser).
"""

from __future__ import annotations

import html
import re
from typing import Any, Iterable

from evidencebib.model import Item, doi
from evidencebib.model.names import split_known_particle

TYPE_MAP = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "book-part": "chapter",
    "reference-entry": "entry",
    "posted-content": "manuscript",
    "report": "report",
    "report-component": "report",
    "report-series": "report",
    "dissertation": "thesis",
    "dataset": "dataset",
    "database": "dataset",
    "monograph": "book",
    "book": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "book-track": "book",
    "standard": "standard",
    "peer-review": "review",
    "component": "article",
    "journal": "periodical",
    "journal-issue": "periodical",
    "journal-volume": "periodical",
    "proceedings": "book",
    "proceedings-series": "book",
    "grant": "document",
    "other": "document",
}

_ITALIC_TAGS = {"i", "em", "italic"}
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w.:-]*)[^>]*?(/?)\s*>", re.S)
_BLOCK = {"p", "sec", "title", "br", "div", "li", "label", "caption"}


def _list(value: Any) -> list:
    """A JSON array as a list; one string or object counts as a one-element array; anything
    else (a number, true, null) as empty. Servers are not trusted to send the documented type."""
    if isinstance(value, list):
        return value
    if isinstance(value, (str, dict)):
        return [value]
    return []


def _str(value: Any) -> str:
    """A JSON string, or a number written as text; anything else is ''."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def clean_markup(text: str | None, keep_italics: bool = True) -> str:
    """Crossref title text → plain text with `<i>…</i>` kept (if asked), whitespace tidy."""
    if not isinstance(text, str) or not text:
        return ""
    out: list[str] = []
    pos = 0
    depth = 0
    for match in _TAG.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower().split(":")[-1]
        if name in _ITALIC_TAGS and keep_italics:
            if closing and depth > 0:
                depth -= 1
                out.append("\x01/i\x02")
            elif not closing and not match.group(3):
                depth += 1
                out.append("\x01i\x02")
        elif name in _BLOCK:
            out.append(" ")
    out.append(text[pos:])
    out.extend("\x01/i\x02" for _ in range(depth))
    result = html.unescape("".join(out))
    # A '<' left after unescaping is text (e.g. "p &lt; 0.05"): keep it as is.
    result = re.sub(r"\s+", " ", result)
    # No space just inside the italics; no space before closing punctuation.
    result = re.sub(r"\x01i\x02\s+", " \x01i\x02", result)
    result = re.sub(r"\s+\x01/i\x02", "\x01/i\x02 ", result)
    result = re.sub(r"\x01i\x02\x01/i\x02", "", result)
    result = re.sub(r"\s+", " ", result)
    # Crossref's "KRAS\n / NRAS" puts blanks around slashes that were not in the title.
    result = re.sub(r"(\x02|\w)\s*/\s*(?=\x01|\w)", r"\1/", result)
    result = re.sub(r"\s+([,.;:?!)\]])", r"\1", result)
    result = re.sub(r"([(\[])\s+", r"\1", result)
    result = result.replace("\x01", "<").replace("\x02", ">").strip()
    return result


def strip_markup(text: str | None) -> str:
    return clean_markup(text, keep_italics=False)


def _first_text(values: Any) -> str:
    if isinstance(values, str):
        return values
    for value in _list(values):
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _year_parts(date: Any) -> list[int] | None:
    """A Crossref date object's first date-parts, as ints, or None ([[null]], missing)."""
    if not isinstance(date, dict):
        return None
    parts = date.get("date-parts") or []
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    out: list[int] = []
    for value in parts[0][:3]:
        if isinstance(value, bool):
            break
        try:
            out.append(int(value))
        except (TypeError, ValueError, OverflowError):   # null, "x", Infinity, NaN
            break
    return out if out and 0 < out[0] < 3000 else None


DATE_PREFERENCE = ("published-print", "issued", "published-online", "published", "posted",
                   "created")


def work_date(message: dict) -> list[int] | None:
    if not isinstance(message, dict):
        return None
    for name in DATE_PREFERENCE:
        parts = _year_parts(message.get(name))
        if parts:
            return parts
    return None


def work_years(message: dict) -> set[int]:
    """Every year the record carries (print, online, issued …), for tolerant comparisons."""
    years: set[int] = set()
    if not isinstance(message, dict):
        return years
    for name in DATE_PREFERENCE:
        parts = _year_parts(message.get(name))
        if parts:
            years.add(parts[0])
    return years


def convert_name(person: Any) -> dict | None:
    if not isinstance(person, dict):
        return None
    family = strip_markup(person.get("family") or "")
    given = strip_markup(person.get("given") or "")
    if not family:
        literal = strip_markup(person.get("name") or person.get("literal") or "")
        if literal:
            return {"literal": literal}
        if given:
            return {"literal": given}
        return None
    name: dict[str, str] = {}
    particle, family = split_known_particle(family)
    if particle:
        name["non-dropping-particle"] = particle
    name["family"] = family
    if given:
        name["given"] = given
    suffix = _str(person.get("suffix")).strip()
    if suffix:
        name["suffix"] = suffix
    return name


def convert_names(people: Iterable[Any] | None) -> list[dict]:
    out = []
    for person in _list(people):
        name = convert_name(person)
        if name:
            out.append(name)
    return out


def _journal(message: dict) -> tuple[str, str]:
    titles = [clean_markup(t, keep_italics=False) for t in _list(message.get("container-title"))
              if isinstance(t, str) and t.strip()]
    shorts = [clean_markup(t, keep_italics=False)
              for t in _list(message.get("short-container-title"))
              if isinstance(t, str) and t.strip()]
    titles = [t for t in titles if t]
    shorts = [t for t in shorts if t]
    if not titles:
        return "", shorts[0] if shorts else ""

    def looks_abbreviated(title: str) -> bool:
        return title in shorts or bool(re.search(r"\b[A-Z][a-z]{0,4}\.", title))

    full = [t for t in titles if not looks_abbreviated(t)] or titles
    # book chapters: container-title may be [book, series]; keep the first full title
    main = full[0] if message.get("type") in ("book-chapter", "book-section", "book-part") \
        else max(full, key=len)
    short = shorts[0] if shorts else next((t for t in titles if t != main and
                                           looks_abbreviated(t)), "")
    return main, short


def work_to_item(message: dict, key: str | None = None) -> Item:
    """A Crossref work `message` as a CSL item (no private keys except none).

    Whatever the message holds (a server's answer is not trusted to follow the schema), the
    result is an item of strings, names and date-parts; values of the wrong type are ignored.
    """
    if not isinstance(message, dict):
        message = {}
    item: Item = {}
    if key:
        item["id"] = key
    item["type"] = TYPE_MAP.get(str(message.get("type") or ""), "article")
    title = clean_markup(_first_text(message.get("title")))
    subtitle = clean_markup(_first_text(message.get("subtitle")))
    if subtitle and _fold(subtitle) not in _fold(title):
        title = f"{title}: {subtitle}" if title and not title.endswith((":", "?", "!", ".")) \
            else f"{title} {subtitle}".strip()
    if title:
        item["title"] = title
    authors = convert_names(message.get("author"))
    if authors:
        item["author"] = authors
    editors = convert_names(message.get("editor"))
    if editors:
        item["editor"] = editors
    parts = work_date(message)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    journal, short = _journal(message)
    if journal:
        item["container-title"] = journal
    if short and short != journal:
        item["container-title-short"] = short
    for field in ("volume", "issue"):
        value = message.get(field)
        if isinstance(value, (str, int)) and str(value).strip():
            item[field] = str(value).strip()
    page = message.get("page")
    number = message.get("article-number")
    if isinstance(page, str) and page.strip():
        item["page"] = page.strip().replace("--", "-")
    elif isinstance(number, str) and number.strip():
        item["page"] = number.strip()
    if isinstance(number, str) and number.strip():
        item["number"] = number.strip()
    issns = [i for i in _list(message.get("ISSN")) if isinstance(i, str) and i.strip()]
    if issns:
        item["ISSN"] = issns[0] if len(issns) == 1 else ", ".join(dict.fromkeys(issns))
    isbns = [i for i in _list(message.get("ISBN")) if isinstance(i, str) and i.strip()]
    if isbns and item["type"] in ("book", "chapter"):
        item["ISBN"] = isbns[0]
    publisher = message.get("publisher")
    if isinstance(publisher, str) and publisher.strip() and item["type"] != "article-journal":
        item["publisher"] = publisher.strip()
    doi_text = message.get("DOI")
    if isinstance(doi_text, str) and doi_text:
        item["DOI"] = doi.normalize(doi_text)
    return item


def csl_to_item(csl: dict, key: str | None = None) -> Item:
    """CSL-JSON from doi.org content negotiation (DataCite, mEDRA) → a clean item."""
    if not isinstance(csl, dict):
        csl = {}
    item: Item = {}
    if key:
        item["id"] = key
    ctype = str(csl.get("type") or "")
    item["type"] = ctype if ctype and "-" in ctype or ctype in (
        "book", "chapter", "dataset", "report", "thesis", "webpage", "manuscript", "software",
        "article", "document", "entry", "standard", "patent") else \
        TYPE_MAP.get(ctype, "article" if not ctype else ctype.lower())
    if item["type"] == "article-journal" and not csl.get("container-title"):
        item["type"] = "article"
    title = clean_markup(_first_text(csl.get("title")) if not isinstance(csl.get("title"), str)
                         else csl["title"])
    if title:
        item["title"] = title
    for variable in ("author", "editor"):
        names = []
        for person in _list(csl.get(variable)):
            if isinstance(person, dict):
                name = convert_name({"family": person.get("family"), "given": person.get("given"),
                                     "name": person.get("literal") or person.get("name"),
                                     "suffix": person.get("suffix")})
                if name:
                    particle = _str(person.get("non-dropping-particle")).strip()
                    if particle:
                        name["non-dropping-particle"] = particle
                    names.append(name)
        if names:
            item[variable] = names
    for date_field in ("issued", "published-print", "published-online", "published"):
        parts = _year_parts(csl.get(date_field))
        if parts:
            item["issued"] = {"date-parts": [parts]}
            break
    container = csl.get("container-title")
    container = _first_text(container) if not isinstance(container, str) else container
    if container:
        item["container-title"] = strip_markup(container)
    for field in ("volume", "issue", "page", "publisher", "ISSN", "ISBN", "number", "version",
                  "URL"):
        value = csl.get(field)
        if isinstance(value, list):
            value = _first_text(value)
        if isinstance(value, (str, int)) and str(value).strip():
            item[field] = str(value).strip()
    doi_text = csl.get("DOI")
    if isinstance(doi_text, str) and doi_text:
        item["DOI"] = doi.normalize(doi_text)
    return item


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", strip_markup(text).lower())


# -- updates (Crossmark, Retraction Watch) -------------------------------------------------

RETRACTION_TYPES = {"retraction", "partial_retraction", "removal"}
WITHDRAWAL_TYPES = {"withdrawal"}
CONCERN_TYPES = {"expression_of_concern"}
CORRECTION_TYPES = {"correction", "corrigendum", "erratum", "addendum", "clarification"}


def _norm_type(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(value or "").strip().lower())


def updates(message: dict, field: str = "updated-by") -> list[dict]:
    """The `updated-by` (or `update-to`) entries, each with a normalised `type`."""
    out = []
    if not isinstance(message, dict):
        return out
    for entry in _list(message.get(field)):
        if isinstance(entry, dict):
            out.append({**entry, "type": _norm_type(entry.get("type"))})
    return out
