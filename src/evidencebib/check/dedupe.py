"""Which copies are the same work: identifiers first, then a weighted comparison of fields.

The rules are those of the two reference managers our users know, combined:

* **Identifiers decide when both copies have one.** The same DOI (any spelling) is the same
  work and two different DOIs are two works (JabRef `DuplicateCheck.isDuplicate`; Zotero
  `Zotero.Duplicates._findDuplicates`, which also refuses a title match between items whose
  DOIs differ). Two books with ISBNs are the same work when they share one (Zotero matches
  books by ISBN; chapters share their book's ISBN, so they are not matched by it). Unlike
  JabRef and Zotero, an identifier is not trusted against the titles: when the titles are
  not compatible (`compatible_titles`: one missing, similar, one contained in the other, and
  the same numerals), the copies are different works carrying one identifier. Real files do
  this: a DOI pasted onto the wrong record, the chapters of a book carrying the book's DOI,
  the volumes of a set sharing the set's ISBN (all in the shared corpus); `check` reports a
  DOI on different works as a `doi-clash`.
* **Otherwise fields are scored as JabRef does** (`DuplicateCheck.compareFieldSet`): each field
  the entry type requires (BibTeX's standard types, as JabRef's `BibEntryTypesManager` lists
  them) is EQUAL or not; the score is the weight of the EQUAL fields over the weight of the
  fields present in either copy, with JabRef's weights: title 3, authors 2.5, journal 2, any
  other field 1. A score of at least 0.75 is a duplicate (`DUPLICATE_THRESHOLD`); within 0.05
  of it, volume, issue and pages are weighed in as JabRef weighs the optional fields
  (`compareOptionalFields`, required fields counting 3 times).
* **Vetoes before scoring** (JabRef's and Zotero's, and some of ours): different kinds of work
  (JabRef `haveDifferentEntryType`), different editions (`haveDifferentEditions`) or genres
  (a Diploma and a Doctoral thesis; ours), different URLs for works a URL identifies (web
  pages, software: the same app in two stores; ours), years more
  than one apart (Zotero: online-first and print years differ by one), the same title but
  different first pages (JabRef `haveDifferentChaptersOrPagesOfTheSameBook`), volumes or
  issues (ours, for serial columns such as TUGboat's "Blue Sky Research" advertisement in
  every issue), no title (Zotero matches on titles), titles whose numerals or number words
  differ (`Part 1`/`Part 2`, `fourth`/`fifth quarterly report`; ours), and a correction,
  erratum or retraction notice against anything but another notice (ours: the notice is not
  the work it corrects).
* **EQUAL**, field by field: titles after Zotero's normalisation are equal, or within
  rapidfuzz's normalised Indel similarity of 0.9 (small typos), or one is the other with a
  subtitle dropped (the shorter at least 25 characters); authors when the first authors'
  family names are equal or (five letters or more) 0.8 similar, with compatible initials, or
  when any author of one
  is an author of the other with the same initial (Zotero's creator rule); journals as
  `verify.journal_similar` (full names, abbreviations); years within one.

Finding the candidates is blocking, not all pairs: copies are compared only when they share
a key — the DOI, three of the title's five rarest words, or the first author's family name —
and, inside a block, only pairs whose years are within one (or unknown) and that do not both
carry a DOI are compared: the pairs `compare` could join, so that the work is proportional to
them rather than to the square of the block. `tests/check/test_dedupe.py` checks that the blocks
find exactly the duplicates that comparing all pairs finds, and `benchmarks/check_speed.py`
measures both.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from itertools import chain, combinations
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from rapidfuzz import fuzz

from evidencebib.check.works import Fingerprint
from evidencebib.verify import journal_similar

THRESHOLD = 0.75          # JabRef DuplicateCheck.DUPLICATE_THRESHOLD
DOUBT_RANGE = 0.05        # JabRef DuplicateCheck.DOUBT_RANGE
REQUIRED_WEIGHT = 3.0     # JabRef DuplicateCheck.REQUIRED_WEIGHT
WEIGHTS = {"title": 3.0, "author": 2.5, "container-title": 2.0}   # JabRef FIELD_WEIGHTS
TITLE_SIMILARITY = 90.0   # rapidfuzz fuzz.ratio, 0-100
FAMILY_SIMILARITY = 80.0
MIN_PREFIX_TITLE = 25     # a title with its subtitle dropped must keep this many characters

# BibTeX's required fields per type (btxdoc; JabRef's BibEntryTypesManager), as CSL variables
REQUIRED = {
    "article-journal": ("title", "author", "container-title", "year"),
    "book": ("title", "author", "publisher", "year"),
    "chapter": ("title", "author", "container-title", "publisher", "year"),
    "paper-conference": ("title", "author", "container-title", "year"),
    "report": ("title", "author", "publisher", "year"),
    "thesis": ("title", "author", "publisher", "year"),
}
DEFAULT_REQUIRED = ("title", "author", "year")
OPTIONAL = ("volume", "issue", "page")

RARE_WORDS = 5            # title words per copy that make its blocks
MAX_BLOCK = 1000          # a larger block (other than a DOI's) is not a candidate set
_URL_KINDS = frozenset({"webpage", "post", "post-weblog", "software"})
WORD_TYPO = 75.0          # a word of one title that is a typo of a word of the other
EQUAL, DIFFERENT, EMPTY_IN_ONE, EMPTY_IN_BOTH = "equal", "different", "empty-in-one", "empty"


@dataclass(frozen=True)
class Match:
    """Copies `a` and `b` (indices) are one work: how sure, on what, and field by field."""

    a: int
    b: int
    score: float
    basis: str                      # "doi", "isbn" or "fields"
    agree: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()    # present in both, not EQUAL
    missing: tuple[str, ...] = ()   # present in one copy only


def compare(one: Fingerprint, two: Fingerprint) -> tuple[float, str, dict[str, str]] | None:
    """(score, basis, outcome per field) when `one` and `two` are the same work, else None."""
    if one.doi and two.doi and one.doi != two.doi:
        return None
    if one.doi and two.doi:
        if one.doi == two.doi and compatible_titles(one, two):
            return 1.0, "doi", {"DOI": EQUAL}
        return None
    if one.kind == two.kind == "book" and one.isbns and two.isbns:
        if one.isbns & two.isbns and compatible_titles(one, two) \
                and not _differ(one.first_page, two.first_page):   # parts of one volume
            return 1.0, "isbn", {"ISBN": EQUAL}
        return None
    if one.kind != two.kind or _differ(one.edition, two.edition) \
            or _differ(one.genre, two.genre):
        return None
    if one.kind in _URL_KINDS and _differ(one.url, two.url):
        return None
    if one.year is not None and two.year is not None and abs(one.year - two.year) > 1:
        return None
    if not one.title or not two.title or one.numbers != two.numbers or one.notice != two.notice:
        return None
    if _differ(one.first_page, two.first_page) or _differ(one.volume, two.volume) \
            or _differ(one.issue, two.issue):
        return None
    if not same_title(one.title, two.title):
        return None
    outcome = {"title": EQUAL, "author": _creators(one, two)}
    outcome["year"] = _present(one.year, two.year) or EQUAL
    outcome["container-title"] = _present(one.container, two.container) or (
        EQUAL if _same_container(one.container, two.container) else DIFFERENT)
    outcome["publisher"] = _present(one.publisher, two.publisher) or (
        EQUAL if _similar_text(one.publisher, two.publisher) else DIFFERENT)
    required = REQUIRED.get(one.kind, DEFAULT_REQUIRED)
    score, weight = _weigh(required, outcome)
    if abs(score - THRESHOLD) <= DOUBT_RANGE:
        for name, a, b in (("volume", one.volume, two.volume), ("issue", one.issue, two.issue),
                           ("page", one.first_page, two.first_page)):
            outcome[name] = _present(a, b) or (EQUAL if a == b else DIFFERENT)
        optional, optional_weight = _weigh(OPTIONAL, outcome)
        score = ((REQUIRED_WEIGHT * score * weight + optional * optional_weight)
                 / (REQUIRED_WEIGHT * weight + optional_weight))
    if score < THRESHOLD:
        return None
    shown = set(required) | set(OPTIONAL)
    return round(score, 3), "fields", {k: v for k, v in outcome.items() if k in shown}


def compatible_titles(one: Fingerprint, two: Fingerprint) -> bool:
    """Titles that can name the work one identifier names: either missing, the same numerals
    and notice status, and similar (`same_title`, or 0.8 similar, or the words of one among
    the other's: a subtitle, a series title added)."""
    if not one.title or not two.title:
        return True
    if one.numbers != two.numbers or one.notice != two.notice:
        return False
    return (same_title(one.title, two.title) or bool(fuzz.ratio(one.title, two.title,
                                                                score_cutoff=80.0))
            or bool(fuzz.token_set_ratio(one.title, two.title, score_cutoff=TITLE_SIMILARITY)))


def same_title(a: str, b: str) -> bool:
    """Two normalised titles name the same work (see the module docstring)."""
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= MIN_PREFIX_TITLE and long_.startswith(short + " "):
        return True
    return bool(fuzz.ratio(a, b, score_cutoff=TITLE_SIMILARITY)) and _only_typos(a, b)


def _only_typos(a: str, b: str) -> bool:
    """Every word only one title has is a typo of a word only the other has (short words —
    articles, prepositions — may be missing)."""
    only_a, only_b = Counter(a.split()), Counter(b.split())
    only_a, only_b = only_a - only_b, only_b - only_a
    rest = list(only_b.elements())
    for word in only_a.elements():
        partner = next((w for w in rest if fuzz.ratio(word, w, score_cutoff=WORD_TYPO)), None)
        if partner is not None:
            rest.remove(partner)
        elif len(word) > 3:
            return False
    return all(len(word) <= 3 for word in rest)


def _creators(one: Fingerprint, two: Fingerprint) -> str:
    a, b = one.creators, two.creators
    empty = _present(a, b)
    if empty:
        return empty
    (family_a, initial_a), (family_b, initial_b) = a[0], b[0]
    shared = sum(1 for family, _i in a if any(same_family(family, f) for f, _j in b))
    most = shared * 2 > min(len(a), len(b))
    if same_family(family_a, family_b) and (not initial_a or not initial_b
                                            or initial_a == initial_b):
        return EQUAL if most or min(len(a), len(b)) == 1 else DIFFERENT
    return EQUAL if most and min(len(a), len(b)) > 1 else DIFFERENT


def same_family(a: str, b: str) -> bool:
    """Folded family names: equal, or a small typo in a name of five letters or more."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or not (a.isalpha() and b.isalpha()):
        return False
    return bool(fuzz.ratio(a, b, score_cutoff=FAMILY_SIMILARITY))


def _same_container(a: str, b: str) -> bool:
    """Journals as `verify.journal_similar` compares them (abbreviations); names outside ASCII,
    which it cannot read, by similarity."""
    if a == b:
        return True
    if a.isascii() and b.isascii():
        return journal_similar(a, b)
    return bool(fuzz.ratio(a, b, score_cutoff=TITLE_SIMILARITY))


def _present(a: object, b: object) -> str | None:
    """EMPTY_IN_BOTH / EMPTY_IN_ONE, or None when both have a value."""
    if not a and not b:
        return EMPTY_IN_BOTH
    if not a or not b:
        return EMPTY_IN_ONE
    return None


def _differ(a: str, b: str) -> bool:
    return bool(a and b and a != b)


def _similar_text(a: str, b: str) -> bool:
    return a == b or a in b or b in a or bool(fuzz.ratio(a, b, score_cutoff=FAMILY_SIMILARITY))


def _weigh(fields: Sequence[str], outcome: dict[str, str]) -> tuple[float, float]:
    """JabRef's compareFieldSet: (weight EQUAL / weight present, weight present)."""
    total = equal = 0.0
    for name in fields:
        result = outcome.get(name, EMPTY_IN_BOTH)
        if result == EMPTY_IN_BOTH:
            continue
        weight = WEIGHTS.get(name, 1.0)
        total += weight
        if result == EQUAL:
            equal += weight
    return (equal / total, total) if total else (0.5, 0.0)


def _match(i: int, j: int, found: tuple[float, str, dict[str, str]]) -> Match:
    score, basis, outcome = found
    return Match(i, j, score, basis,
                 tuple(k for k, v in outcome.items() if v == EQUAL),
                 tuple(k for k, v in outcome.items() if v == DIFFERENT),
                 tuple(k for k, v in outcome.items() if v == EMPTY_IN_ONE))


# -- candidates -------------------------------------------------------------------------------

def block_keys(fp: Fingerprint, rarity: dict[str, int]) -> list[tuple]:
    """The blocks a copy belongs to; two copies are compared only when they share one.

    Title blocks are the triples of the title's five rarest words (`rarity`: in how many titles
    of the document a word appears), so that a common word ("immunoglobulin", "trial") or a
    stock subtitle never makes a block of thousands; a typo in one word, or a dropped subtitle
    with up to two rare words, still leaves three of the rare words in common."""
    keys: list[tuple] = []
    if fp.doi:
        keys.append(("doi", fp.doi))
    words = sorted(set(fp.title.split()), key=lambda w: (rarity.get(w, 0), w))[:RARE_WORDS]
    if len(words) < 3:
        keys.append(("words", *sorted(words)))
    keys.extend(("words", *sorted(triple)) for triple in combinations(words, 3))
    if fp.creators:
        keys.append(("author", fp.creators[0][0]))
    return keys


def candidates(members: Sequence[int], fps: Sequence[Fingerprint]) -> Iterator[tuple[int, int]]:
    """The pairs of a block that `compare` could join: years within one of each other (or
    unknown), and not both with a DOI (two DOIs decide alone, in the DOI's own block)."""
    dated = sorted((year, m) for m in members if (year := fps[m].year) is not None)
    years = [year for year, _m in dated]
    for x, (year, i) in enumerate(dated):
        for _year, j in dated[x + 1:bisect_right(years, year + 1)]:
            if not (fps[i].doi and fps[j].doi):
                yield (i, j) if i < j else (j, i)
    undated = [m for m in members if fps[m].year is None]
    for x, i in enumerate(undated):
        for j in chain(undated[x + 1:], (m for _y, m in dated)):
            if not (fps[i].doi and fps[j].doi):
                yield (i, j) if i < j else (j, i)


def find_matches(fps: Sequence[Fingerprint]) -> list[Match]:
    """Every matching pair among the copies that share a block, in index order.

    A block of more than `MAX_BLOCK` copies other than a DOI's says nothing (an author with
    thousands of entries, a stock title); it is skipped, the copies' other blocks still bring
    real duplicates together (tests/check/test_dedupe.py compares with all pairs)."""
    rarity: Counter[str] = Counter()
    for fp in fps:
        rarity.update(set(fp.title.split()))
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for index, fp in enumerate(fps):
        for key in block_keys(fp, rarity):
            blocks[key].append(index)
    count = len(fps)
    seen: set[int] = set()
    matches = []
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key[0] == "doi":
            pairs: Iterable[tuple[int, int]] = combinations(members, 2)
        elif len(members) > MAX_BLOCK:
            continue
        else:
            pairs = candidates(members, fps)
        for i, j in pairs:
            pair = i * count + j
            if pair in seen:
                continue
            seen.add(pair)
            found = compare(fps[i], fps[j])
            if found:
                matches.append(_match(i, j, found))
    matches.sort(key=lambda m: (m.a, m.b))
    return matches


def all_pair_matches(fps: Sequence[Fingerprint]) -> list[Match]:
    """The same comparison on every pair (quadratic): the baseline blocking is checked against."""
    matches = []
    for i in range(len(fps)):
        for j in range(i + 1, len(fps)):
            found = compare(fps[i], fps[j])
            if found:
                matches.append(_match(i, j, found))
    return matches


def groups(count: int, matches: Iterable[Match]) -> list[list[int]]:
    """Copies joined by matches into works (union-find, as Zotero's DisjointSetForest);
    only works of two copies or more, each sorted, in order of their first copy."""
    parent = list(range(count))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for match in matches:
        ra, rb = root(match.a), root(match.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(count):
        members[root(index)].append(index)
    return sorted((m for m in members.values() if len(m) > 1), key=lambda m: m[0])
