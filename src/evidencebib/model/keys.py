"""Citation keys: the readable key an item is stored under, and what a usable key is.

Keys are BibTeX entry keys (BibTeX is how items are stored), compared case-insensitively:
citeproc-py lower-cases item ids, and BibTeX/biber treat keys differing only in case as a
clash. The readable key is the first creator's family name and the year (`banjar2023`), with
letter suffixes on a clash (`banjar2023a`, `banjar2023b` …, `banjar2023zz`, `banjar2023aaa` …)
as JabRef and Better BibTeX do.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

from evidencebib.model.item import NOTES, Item, first_family, issued_year

# What BibTeX and biber both accept as a key: no whitespace, none of , { } ( ) " # % ' = \ ~
_KEY = re.compile(r"[^\s,{}()\"#%'=\\~]+")


def ascii_fold(text: str) -> str:
    """Letters without accents, for keys and comparisons (Østergaard -> Ostergaard)."""
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss").replace("æ", "ae") \
        .replace("Æ", "AE").replace("ł", "l").replace("Ł", "L").replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def key_stem(item: Item) -> str:
    """The part of a new key before its suffix: first creator's family name and year."""
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

    Keys compare case-insensitively (see the module docstring). Each stem remembers how far
    its suffixes have been tried, so making n keys costs O(n) however many share one stem.
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
    """A readable, stable key: first author's family name and year (`banjar2023`), with a
    letter suffix when it clashes (case-insensitively) with a key in `taken`. This reads all
    of `taken`; to make many keys, keep one `CitationKeys`."""
    return CitationKeys(taken).new(item)


def is_valid_key(key: str) -> bool:
    """Whether `key` can be written as a citation key that BibTeX and biber both accept."""
    return bool(key) and bool(_KEY.fullmatch(key))


def with_ids(items: Iterable[Item]) -> list[Item]:
    """Items as readers return them: each with an `id` (its own, else a readable key unique
    among the ids before it), and `id` as the first key. The items are changed in place.

    An id an earlier item of the file already has, or has in another case (`Smith2020`,
    `smith2020`: one key to BibTeX, biber and citeproc), is read as `id-2` (`-3` …), as the
    BibTeX reader reads a repeated key, and the item's notes say so (a CSL-JSON or CSL YAML
    file with a repeated id; a .bib whose keys differ in case only)."""
    out: list[Item] = []
    taken = CitationKeys()
    for item in items:
        if not item.get("id"):
            item["id"] = taken.new(item)
        elif item["id"] in taken:
            key = str(item["id"])
            fresh = next(f"{key}-{n}" for n in range(2, len(taken) + 3) if f"{key}-{n}" not in taken)
            item[NOTES] = list(item.get(NOTES) or ()) + [
                f"key: '{key}' is also the key of an earlier entry (keys that differ in case "
                f"only are one key to BibTeX and citeproc); this one is read as '{fresh}'"]
            item["id"] = fresh
        taken.add(item["id"])
        out.append(item if next(iter(item)) == "id" else {"id": item.pop("id"), **item})
    return out


def unique_keys(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    """(key, item) pairs for writing a file: each item's own id when it is a usable key not
    used before (case-insensitively), else a readable key unique in the file."""
    taken = CitationKeys()
    out = []
    for item in items:
        key = str(item.get("id") or "")
        if not is_valid_key(key) or key in taken:
            key = taken.new(dict(item))
        taken.add(key)
        out.append((key, item))
    return out
