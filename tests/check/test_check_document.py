"""`check` on a generated document of 52 conditions and ~1,100 references (tests/support/docgen):
every planted duplicate and disagreement is found, nothing else is.

The generator is for volume; which entries are distinct works in real files is decided on the
shared corpus (test_check_corpus.py).
"""

from __future__ import annotations

import pytest
from docgen import generate_document

from evidencebib.check import Library, report_of
from evidencebib.store import References

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    path = tmp_path_factory.mktemp("document") / "references"
    truth = generate_document(path)
    library = Library.load(References(path))
    return truth, library, report_of(library)


def predicted_pairs(library):
    pairs = set()
    for members in library.works:
        names = [library.copies[i].where for i in members]
        pairs |= {frozenset((a, b)) for i, a in enumerate(names) for b in names[i + 1:]}
    return pairs


def test_the_document_is_big_enough(document):
    truth, library, report = document
    assert len(truth.conditions) >= 50 and len(library.copies) >= 1000
    assert report.conditions == len(truth.conditions)


def test_every_planted_duplicate_is_found_within_and_across_conditions(document):
    truth, library, _report = document
    found = predicted_pairs(library)
    missed = [p for p in truth.planted if frozenset((p["a"], p["b"])) not in found]
    assert not missed
    assert {p["scope"] for p in truth.planted} == {"within", "across"}
    assert len({p["variant"] for p in truth.planted}) == 7


def test_duplicates_have_precision_and_recall_1_on_every_pair_of_copies(document):
    truth, library, _report = document
    found, true = predicted_pairs(library), truth.same_work_pairs()
    assert found - true == set(), "false duplicates"
    assert true - found == set(), "missed duplicates"


def test_lookalikes_are_never_joined(document):
    truth, library, _report = document
    found = predicted_pairs(library)
    assert not [pair for pair in truth.lookalikes if frozenset(pair) in found]


def test_a_duplicate_inside_a_condition_is_a_failing_finding_with_score_and_fields(document):
    truth, _library, report = document
    within = {frozenset((p["a"], p["b"])) for p in truth.planted if p["scope"] == "within"}
    reported = set()
    for finding in report.findings:
        if finding.kind == "duplicate":
            for match in finding.data["matches"]:
                reported.add(frozenset(f"{m['condition']}:{m['key']}"
                                       for m in (match["a"], match["b"])))
                assert match["basis"] in ("doi", "fields") and 0.75 <= match["score"] <= 1
    assert within <= reported
    assert "duplicate" in {f.kind for f in report.failing()}


def reported_disagreements(truth, report):
    found = set()
    for finding in report.findings:
        if finding.kind == "disagreement":
            works = {truth.work_of[c.where] for c in finding.copies}
            assert len(works) == 1
            found.add((works.pop(), finding.data["field"]))
    return found


def test_every_planted_disagreement_is_found_field_by_field_and_nothing_else(document):
    truth, _library, report = document
    found = reported_disagreements(truth, report)
    assert truth.disagreements - found == set(), "missed"
    assert found - truth.disagreements == set(), "reported but not planted"
    assert {field for _work, field in truth.disagreements} >= {
        "title", "author", "year", "container-title", "page", "DOI"}


def test_differences_of_spelling_only_are_not_disagreements(document):
    truth, _library, report = document
    assert truth.spelling_only
    assert not truth.spelling_only & reported_disagreements(truth, report)


def test_planted_key_clashes_and_no_other_are_reported(document):
    truth, _library, report = document
    clashes = [sorted(c.where for c in f.copies) for f in report.findings if f.kind == "key-clash"]
    assert sorted(clashes) == sorted(sorted(c) for c in truth.key_clashes)


def test_unparsed_blocks_are_reported_with_their_file_and_line(document):
    truth, _library, report = document
    unparsed = [f for f in report.findings if f.kind == "unparsed"]
    assert [f"{f.data['condition']}:{f.data['line']}" for f in unparsed] == truth.unparsed
    assert all(f.data["file"].endswith(".bib") for f in unparsed)


def test_entries_without_a_journal_are_missing_fields(document):
    truth, _library, report = document
    missing = {f.copies[0].where for f in report.findings
               if f.kind == "missing-field" and "container-title" in f.data["fields"]}
    assert missing == set(truth.missing_fields)


def test_journal_articles_without_doi_and_truncated_lists_are_warnings(document):
    _truth, library, report = document
    no_doi = {f.copies[0].where for f in report.findings if f.kind == "no-doi"}
    assert no_doi == {c.where for c in library.copies if not c.item.get("DOI")}
    truncated = {f.copies[0].where for f in report.findings if f.kind == "truncated-authors"}
    assert truncated == {c.where for c in library.copies if c.item.get("_et_al")}
    assert not {"no-doi", "truncated-authors"} & {f.kind for f in report.failing()}


@pytest.mark.parametrize("seed", [20261201, 3])
def test_every_planted_variant_changes_the_copy_it_plants(tmp_path, seed):
    """A planted difference that is not one (a typo swapping the two n of Zimmermann, seed 3)
    would count as a disagreement `check` cannot find."""
    truth = generate_document(tmp_path / "references", seed=seed)
    refs = References(tmp_path / "references")
    fields = {}   # as written in the .bib (the reader normalises a DOI's spelling)
    for slug in refs.slugs():
        bib = refs.load(slug).bib
        fields |= {f"{slug}:{key}": dict(entry.fields) for key, entry in bib.entries.items()}
    same = [p for p in truth.planted if fields[p["a"]] == fields[p["b"]]]
    assert same == []
