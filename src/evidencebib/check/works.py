"""What `check` compares: one reference of one condition (a `Copy`) and its comparison keys.

A `Fingerprint` is computed once per copy and holds every value the matcher and the
disagreement finder look at, already normalised, so that comparing two copies never
re-parses an item:

* `doi`: the DOI's comparison key (`evidencebib.doi.key`: prefixes, URL form and percent
  encoding removed, case-folded; DOIs are case-insensitive, DOI Handbook §2.4);
* `isbns`: ISBN-13s (an ISBN-10 is converted, ISO 2108) with a valid check digit;
* `title`: lower-case words (`fold`: markup, LaTeX commands, accents and punctuation removed,
  letters of every script kept), as Zotero's duplicate finder normalises titles
  (`normalizeString` in chrome/content/zotero/xpcom/duplicates.js: diacritics removed, ASCII
  punctuation to spaces, lower case); `numbers`: the numerals and number words in the title
  (`part 2`, `II`, `fourth`), which must agree for two titles to be the same; `notice`: the
  title announces a correction, erratum, retraction or expression of concern;
* `creators`: (family name, first initial) per author (editors when there is no author), the
  pair Zotero compares;
* `year`, `container`, `publisher`, `volume`, `issue`, `first_page`, `edition`, `genre`
  (`PhD thesis`), `url`, `kind` (the CSL type's family: `article-journal` and `article` are
  one kind).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from evidencebib import doi as doi_names
from evidencebib.model import ET_AL, LINE, Item, issued_year
from evidencebib.model.pages import split_pages
from evidencebib.verify import strip_notice_prefix

# CSL types that describe the same kind of work (JabRef refuses to match different entry
# types; these CSL types are one BibTeX `@article`).
_KINDS = {"article": "article-journal", "article-magazine": "article-journal",
          "article-newspaper": "article-journal", "review": "article-journal"}
_ROMAN = re.compile(r"^(?=[ivxlc]{1,6}$)c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ISBN_CHARS = re.compile(r"[^0-9Xx]")
_INITIAL = re.compile(r"[^\W\d_]")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve first second third fourth "
    "fifth sixth seventh eighth ninth tenth eleventh twelfth".split())
_TAGS = re.compile(r"<[^>]+>")
_LATEX_COMMAND = re.compile(r"\\[a-zA-Z]+\s*")
_NOT_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# letters NFKD does not decompose (as `model.ascii_fold` spells them)
_LETTERS = str.maketrans({"ø": "o", "ß": "ss", "æ": "ae", "ł": "l", "đ": "d", "œ": "oe",
                          "ı": "i", "þ": "th", "ð": "d"})


@dataclass(frozen=True)
class Copy:
    """One reference as stored in one condition: where it is and what it says."""

    condition: str
    key: str
    line: int | None
    item: Item = field(compare=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.condition}:{self.key}"

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "key": self.key, "line": self.line}


def copy_of(condition: str, item: Item) -> Copy:
    return Copy(condition, str(item.get("id", "")), item.get(LINE), item)


@dataclass(frozen=True)
class Fingerprint:
    doi: str
    isbns: frozenset[str]
    title: str
    numbers: tuple[str, ...]
    notice: bool
    creators: tuple[tuple[str, str], ...]
    year: int | None
    kind: str
    container: str
    publisher: str
    volume: str
    issue: str
    first_page: str
    edition: str
    genre: str
    url: str
    truncated: bool


def fingerprint(item: Item) -> Fingerprint:
    raw_title = str(item.get("title") or "")
    title = fold(raw_title)
    return Fingerprint(
        doi=doi_key(item.get("DOI")),
        isbns=isbn13s(item.get("ISBN")),
        title=title,
        numbers=title_numbers(title),
        notice=bool(raw_title) and strip_notice_prefix(raw_title) != raw_title,
        creators=creator_keys(item),
        year=issued_year(item),
        kind=_KINDS.get(str(item.get("type", "")), str(item.get("type", ""))),
        container=fold(item.get("container-title")),
        publisher=fold(item.get("publisher")),
        volume=serial_number(item.get("volume")),
        issue=serial_number(item.get("issue")),
        first_page=first_page(item.get("page")),
        edition=fold(item.get("edition")),
        genre=fold(item.get("genre")),
        url=_url_key(item.get("URL")),
        truncated="author" in (item.get(ET_AL) or ()),
    )


def fold(text: Any) -> str:
    """Lower-case words separated by single spaces: markup and LaTeX commands removed, accents
    removed (NFKD), punctuation as spaces; letters of every script kept.

    Unlike `verify.norm_text`, which keeps ASCII only, a Cyrillic or Chinese title keeps its
    words: folded to ASCII, two different Russian titles sharing one Latin word became equal.
    """
    return _fold(str(text)) if text else ""


@functools.lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    text = _LATEX_COMMAND.sub("", _TAGS.sub("", text)).replace("&", " and ").casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LETTERS)))
    return _NOT_WORD.sub(" ", text).strip()


def doi_key(value: Any) -> str:
    """The DOI's comparison key, or "" when there is none."""
    if not value:
        return ""
    return doi_names.key(str(value))


def isbn13s(value: Any) -> frozenset[str]:
    """Every valid ISBN in the field, as ISBN-13 digits (`0-306-40615-2` -> 9780306406157).

    Written here rather than taken from isbnlib: importing isbnlib loads its web-service
    clients (urllib, http.client; 0.57 s), and the conversion is ISO 2108's check-digit
    arithmetic, a few lines.
    """
    if not value:
        return frozenset()
    found = set()
    for part in re.split(r"[,;\s]+(?=\d)", str(value)):
        digits = _ISBN_CHARS.sub("", part).upper()
        if len(digits) == 10 and digits[:9].isdigit() and _isbn10_ok(digits):
            core = "978" + digits[:9]
            found.add(core + _isbn13_check(core))
        elif len(digits) == 13 and digits.isdigit() and _isbn13_check(digits[:12]) == digits[12]:
            found.add(digits)
    return frozenset(found)


def _isbn10_ok(digits: str) -> bool:
    values = [10 if c == "X" else int(c) for c in digits]
    return "X" not in digits[:9] and sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return str((10 - total % 10) % 10)


def title_numbers(title: str) -> tuple[str, ...]:
    """The numerals and number words of a folded title, in order (`part 2`, `phase iii`,
    `fourth quarterly report`): two titles that differ in them name different works however
    similar the rest is."""
    return tuple(word for word in title.split()
                 if word.isdigit() or word in _NUMBER_WORDS or _ROMAN.match(word))


def creator_keys(item: Item) -> tuple[tuple[str, str], ...]:
    """(family name, first initial) of each author, or of each editor when there is none.

    The family name is folded to lower-case ASCII letters with its particle and without
    spaces (`van der Berg` -> `vanderberg`), an organisation's whole name likewise."""
    names = item.get("author") or item.get("editor") or ()
    keys = []
    for name in names:
        if not isinstance(name, dict):
            continue
        if name.get("literal"):
            keys.append((fold(name["literal"]).replace(" ", ""), ""))
            continue
        family = " ".join(str(p) for p in (name.get("non-dropping-particle"), name.get("family"))
                          if p)
        given = _INITIAL.search(fold(name.get("given")))
        keys.append((fold(family).replace(" ", ""), given.group(0) if given else ""))
    return tuple(key for key in keys if key[0])


def serial_number(value: Any) -> str:
    """A volume or issue as its first number when it has one (EndNote exports write an issue
    `1 January`), else folded ("" when none)."""
    text = fold(value)
    number = re.search(r"\d+", text)
    return number.group(0).lstrip("0") or "0" if number else text


def _url_key(url: Any) -> str:
    """A URL without scheme, `www.` and trailing slash, lower case ("" when none)."""
    if not url:
        return ""
    text = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", str(url).strip(), flags=re.IGNORECASE)
    return text.rstrip("/").lower()


def first_page(page: Any) -> str:
    """The first page of a range, normalised (`e13737`, `720`), or ""."""
    if not page:
        return ""
    start, _end = split_pages(str(page))
    return fold(start).replace(" ", "")
