"""No false duplicate on the shared corpus's distinct works.

Every file of `shared/corpus/` (BibTeX, RIS, CSL-JSON, EndNote XML; 21,700 entries) is read
as one condition, and `check` looks for works across all of them. Which entries are distinct
works is decided by review, not by the matcher: every pair `check` joins was read by eye and
is listed with its verdict and reason in `tests/fixtures/check/corpus-duplicates.json`:

* `same-work`: one publication entered twice (same DOI or ISBN with compatible titles, or the
  same paper twice in a real bibliography: identical journal, volume, pages; an erratum with
  a mangled accent; two versions of one manuscript);
* `same-record`: one record in several files of one project (asreview's baseline records
  exported by four reference managers, citation-js's .bib and its expected CSL-JSON, fixtures
  copied between parsers' test suites) or one made-up record varied on purpose by a parser's
  test file (biber's date formats, BibTeX's xampl.bib minimal/full entries).

Every other pair of entries is taken as two distinct works: a pair that `check` joins and
the list does not have is a false duplicate until someone reviews it and adds it with a reason.
The review found real false duplicates that shaped the rules (two map sheets whose titles
differ in one word, one DOI pasted onto two papers, the volumes of a set sharing an ISBN,
TUGboat's "Blue Sky Research" advertisement in every issue, two Russian titles folded to the
same Latin words); each has its own test in test_dedupe.py.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, SHARED, corpus_dir
from evidencebib import api
from evidencebib.check import Library
from evidencebib.check.findings import find_all
from evidencebib.errors import ParseError
from evidencebib.store import BibFile

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
REVIEWED = json.loads((FIXTURES / "check" / "corpus-duplicates.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def corpus():
    corpus_dir("bibtex")
    items = {}
    for path in sorted((SHARED / "corpus").rglob("*")):
        if path.suffix not in (".bib", ".ris", ".json", ".xml") or "schema" in path.parts:
            continue
        try:
            items[path.name] = (BibFile.load(path).items() if path.suffix == ".bib"
                                else api.read_file(path))
        except ParseError:
            continue   # rispy-wos.ris: Web of Science plain text, deliberately not RIS
    return Library.from_items(items)


def found_pairs(library):
    return {frozenset((library.copies[m.a].where, library.copies[m.b].where)): m
            for m in library.matches}


def test_the_whole_corpus_is_read(corpus):
    assert len(corpus.copies) > 21000


def test_every_pair_joined_on_the_corpus_was_reviewed_as_one_work(corpus):
    reviewed = {frozenset((p["a"], p["b"])) for p in REVIEWED["pairs"]}
    unreviewed = sorted(sorted(p) for p in set(found_pairs(corpus)) - reviewed)
    assert unreviewed == [], "false duplicates (or pairs to review and list)"


def test_every_reviewed_real_duplicate_is_still_found(corpus):
    found = found_pairs(corpus)
    lost = [p for p in REVIEWED["pairs"] if frozenset((p["a"], p["b"])) not in found]
    assert lost == []


def test_the_known_misses_are_still_missed_and_each_says_why(corpus):
    """A known miss that check starts joining moves to `pairs` (so the list stays true)."""
    found = found_pairs(corpus)
    assert all(p["why"] for p in REVIEWED["known_misses"])
    assert [p for p in REVIEWED["known_misses"] if frozenset((p["a"], p["b"])) in found] == []


def test_the_review_names_a_verdict_and_a_reason_for_every_pair():
    assert {p["verdict"] for p in REVIEWED["pairs"]} == {"same-work", "same-record"}
    assert all(p["why"] for p in REVIEWED["pairs"])


def test_the_same_records_exported_by_four_reference_managers_match_without_their_dois():
    names = ("endnote", "mendeley", "refworks", "zotero")
    items = {}
    for name in names:
        records = api.read_file(corpus_dir("ris") / f"asreview-{name}.ris")
        items[name] = [{k: v for k, v in r.items() if k not in ("DOI", "URL")} for r in records]
    library = Library.from_items(items)
    assert [len(members) for members in library.works] == [4] * 10   # 60 pairs, all by fields
    assert {m.basis for m in library.matches} == {"fields"}


def test_one_doi_on_different_works_is_a_doi_clash(corpus):
    clashes = [f for f in find_all(corpus) if f.kind == "doi-clash"]
    titles = {t for f in clashes for t in f.data["titles"]}
    assert "Electric Materialities and Interactive Technology" in titles
    assert all(len(f.copies) >= 2 for f in clashes)
