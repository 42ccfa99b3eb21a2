"""The pivot model: a reference is a CSL-JSON item (a plain dict) inside the program.

Every importer produces items, every exporter and renderer consumes them; BibTeX is only how
items are stored. Two things CSL-JSON cannot say are carried in private keys that start with
an underscore and are removed by `public_item` before an item leaves the program:

- `_et_al`: the name variables (e.g. ["author"]) whose list was truncated at the source
  ("et al" on a published page, BibTeX's `and others`). Renderers print the style's et-al
  term after the listed names; they never invent a person called "others".
- `_line`: the line of the storage file where the entry starts, for error messages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

Item = dict[str, Any]

ET_AL = "_et_al"
LINE = "_line"

NAME_VARIABLES = (
    "author", "editor", "translator", "container-author", "collection-editor",
    "composer", "director", "interviewer", "recipient", "reviewed-author",
    "editorial-director", "illustrator", "original-author",
)
DATE_VARIABLES = ("issued", "accessed", "original-date", "event-date", "submitted", "available-date")


@dataclass
class Condition:
    """A condition page's text, everything except its bibliography."""

    slug: str
    title: str
    status: str = ""
    specific_conditions: list[str] = field(default_factory=list)
    level_of_evidence: str = ""
    statement: list[str] = field(default_factory=list)


def public_item(item: Item) -> Item:
    """The item without private keys, as CSL-JSON consumers expect it."""
    return {k: v for k, v in item.items() if not k.startswith("_")}


def is_truncated(item: Item, variable: str = "author") -> bool:
    return variable in item.get(ET_AL, ())


def issued_year(item: Item) -> int | None:
    """The first year of `issued`, if the item has one as date-parts."""
    issued = item.get("issued") or {}
    parts = issued.get("date-parts") or []
    try:
        year = parts[0][0]
        return int(year)
    except (IndexError, TypeError, ValueError):
        pass
    raw = issued.get("raw") or issued.get("literal") or ""
    match = re.search(r"\b(\d{4})\b", str(raw))
    return int(match.group(1)) if match else None


def first_family(item: Item) -> str:
    """The family name (or literal name) of the first author, editor or other creator."""
    for variable in NAME_VARIABLES:
        for name in item.get(variable) or ():
            return name.get("family") or name.get("literal") or ""
    return ""


def ascii_fold(text: str) -> str:
    """Letters without accents, for keys and comparisons (Østergaard -> Ostergaard)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("æ", "ae") \
        .replace("Æ", "AE").replace("ł", "l").replace("Ł", "L").replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def key_stem(item: Item) -> str:
    """The part of a new key before its suffix: first author's family name and year."""
    family = first_family(item) or (item.get("title") or "anon")
    words = re.findall(r"[a-z0-9]+", ascii_fold(family).lower())
    stem = "".join(words)[:24] or "anon"
    year = issued_year(item)
    return f"{stem}{year if year else 'nd'}"


def key_suffix(index: int) -> str:
    """The index-th clash suffix: a … z, aa … zz, aaa … (bijective base 26, never runs out).

    This is the order JabRef's and Better BibTeX's key generators use (`2023a` … `2023z`,
    `2023aa` …); it has no last member, so a file can hold any number of keys with one stem.
    """
    letters = []
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters.append(chr(ord("a") + rest))
    return "".join(reversed(letters))


class CitationKeys:
    """The keys taken in one file, and new readable keys that clash with none of them.

    Keys compare case-insensitively (citeproc-py lower-cases item ids, and BibTeX treats
    `Smith2020` and `smith2020` as the same entry). Each stem remembers how far its suffixes
    have been tried, so making n keys costs O(n) however many share one stem.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken: set[str] = {key.lower() for key in taken}
        self._next_suffix: dict[str, int] = {}

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._taken

    def __len__(self) -> int:
        return len(self._taken)

    def add(self, key: str) -> None:
        self._taken.add(key.lower())

    def discard(self, key: str) -> None:
        self._taken.discard(key.lower())

    def new(self, item: Item) -> str:
        """A key for `item` (`banjar2023`, then `banjar2023a` …), recorded as taken."""
        base = key_stem(item)
        if base not in self._taken:
            self._taken.add(base)
            return base
        index = self._next_suffix.get(base, 0)
        while True:
            candidate = base + key_suffix(index)
            index += 1
            if candidate not in self._taken:
                break
        self._next_suffix[base] = index
        self._taken.add(candidate)
        return candidate


def citation_key(item: Item, taken: Iterable[str] = ()) -> str:
    """A readable, stable key: first author's family name and year (`banjar2023`).

    Clashes get a letter suffix (`banjar2023a`, `banjar2023b` …) the way JabRef and Better
    BibTeX disambiguate; keys are compared case-insensitively because citeproc-py lower-cases
    item ids. This reads all of `taken`; to make many keys, keep one `CitationKeys`.
    """
    return CitationKeys(taken).new(item)
