"""Which copies are one work: the rules of `evidencebib.check.dedupe`, one per test."""

from __future__ import annotations

import copy

from evidencebib.check.dedupe import (all_pair_matches, compare, find_matches, groups,
                                      same_title)
from evidencebib.check.works import fingerprint, fold, isbn13s

ARTICLE = {
    "id": "banjar2023", "type": "article-journal",
    "author": [{"family": "Banjar", "given": "S."}, {"family": "Kadour", "given": "E."},
               {"family": "Khoudja", "given": "R."}],
    "title": "Intravenous immunoglobulin use in patients with unexplained recurrent pregnancy loss",
    "container-title": "American Journal of Reproductive Immunology",
    "issued": {"date-parts": [[2023]]}, "volume": "90", "issue": "2", "page": "e13737",
    "DOI": "10.1111/aji.13737",
}


def variant(**changes):
    item = copy.deepcopy(ARTICLE)
    for name, value in changes.items():
        if value is None:
            item.pop(name, None)
        else:
            item[name] = value
    return item


def same(a, b) -> bool:
    return compare(fingerprint(a), fingerprint(b)) is not None


def test_the_same_doi_in_any_spelling_is_one_work():
    for spelling in ("https://doi.org/10.1111/AJI.13737", "doi:10.1111/aji.13737",
                     "http://dx.doi.org/10.1111%2Faji.13737"):
        found = compare(fingerprint(ARTICLE), fingerprint(variant(DOI=spelling)))
        assert found is not None and found[1] == "doi", spelling


def test_two_different_dois_are_two_works_whatever_the_fields_say():
    assert not same(ARTICLE, variant(DOI="10.1111/aji.99999"))


def test_one_doi_on_two_unrelated_titles_is_not_one_work():
    # real files: a DOI pasted onto the wrong entry, chapters carrying their book's DOI
    assert not same(ARTICLE, variant(title="Electric materialities and interactive technology"))


def test_one_doi_with_a_subtitle_added_is_one_work():
    assert same(ARTICLE, variant(title=ARTICLE["title"] + ": a cohort study"))


def test_without_doi_a_small_title_typo_is_one_work():
    typo = ARTICLE["title"].replace("immunoglobulin", "immunoglobluin")
    assert same(variant(DOI=None), variant(DOI=None, title=typo))


def test_without_doi_a_replaced_word_makes_another_title():
    assert not same_title(fold("Brönsholm By. Karlebo Sogn, Lynge Kronborg Herred, "
                               "Frederiksborg Amt. Matrikelkort"),
                          fold("Jellerödgaard. Karlebo Sogn, Lynge Kronborg Herred, "
                               "Frederiksborg Amt. Matrikelkort"))


def test_without_doi_a_dropped_subtitle_is_one_work():
    assert same(variant(DOI=None, title=ARTICLE["title"] + ": a systematic review"),
                variant(DOI=None))


def test_without_doi_a_year_one_apart_is_one_work_and_two_apart_is_not():
    assert same(variant(DOI=None), variant(DOI=None, issued={"date-parts": [[2024]]}))
    assert not same(variant(DOI=None), variant(DOI=None, issued={"date-parts": [[2025]]}))


def test_without_doi_a_typo_in_the_first_authors_name_is_one_work():
    authors = copy.deepcopy(ARTICLE["author"])
    authors[0]["family"] = "Khoudjja"
    first = copy.deepcopy(ARTICLE["author"])
    first[0]["family"] = "Khoudja"
    assert same(variant(DOI=None, author=first), variant(DOI=None, author=authors))


def test_without_doi_another_first_author_is_another_work():
    authors = [{"family": "Martinez", "given": "A."}]
    assert not same(variant(DOI=None, author=[ARTICLE["author"][0]]),
                    variant(DOI=None, author=authors))


def test_without_doi_authors_in_another_order_are_one_work():
    assert same(variant(DOI=None), variant(DOI=None, author=list(reversed(ARTICLE["author"]))))


def test_one_shared_name_out_of_two_is_two_author_lists():
    one = variant(DOI=None, author=[{"family": "Doe", "given": "J."},
                                    {"family": "Roe", "given": "A."}])
    two = variant(DOI=None, author=[{"family": "Doe", "given": "J."},
                                    {"family": "Poe", "given": "E."}], **{"container-title": None})
    assert not same(one, two)


def test_without_doi_part_1_and_part_2_are_two_works():
    assert not same(variant(DOI=None, title="Outcomes of IVIg in CIDP, part 1"),
                    variant(DOI=None, title="Outcomes of IVIg in CIDP, part 2"))


def test_number_words_tell_reports_apart():
    assert not same(variant(DOI=None, title="Cuprous oxide photovoltaic cells (fourth quarterly report)"),
                    variant(DOI=None, title="Cuprous oxide photovoltaic cells (fifth quarterly report)"))


def test_an_erratum_is_not_the_article_it_corrects():
    assert not same(variant(DOI=None), variant(DOI=None, title="Erratum: " + ARTICLE["title"]))


def test_the_same_column_in_another_issue_is_another_work():
    # TUGboat prints "Blue Sky Research" on cover 3 of every issue
    column = variant(DOI=None, title="Blue Sky Research", author=None, page="Cover 3")
    assert not same(column, dict(column, issue="3"))
    assert not same(column, dict(column, volume="91"))


def test_different_first_pages_are_different_works():
    assert not same(variant(DOI=None), variant(DOI=None, page="e13738"))


def test_an_issue_written_with_its_month_is_the_same_issue():
    assert same(variant(DOI=None), variant(DOI=None, issue="2 February"))


def test_different_kinds_of_work_are_not_matched_on_fields():
    assert not same(variant(DOI=None), variant(DOI=None, type="book"))


def test_a_diploma_and_a_doctoral_thesis_are_two_works():
    thesis = {"type": "thesis", "title": "Lorem ipsum", "author": [{"family": "Adams", "given": "A."}],
              "issued": {"date-parts": [[2020]]}, "publisher": "The University"}
    assert not same(dict(thesis, genre="Diploma thesis"), dict(thesis, genre="Doctoral thesis"))


def test_the_same_app_in_two_stores_is_two_items():
    app = {"type": "software", "title": "Epocrates Medical References",
           "author": [{"literal": "Epocrates"}], "issued": {"date-parts": [[2019]]}}
    assert not same(dict(app, URL="https://itunes.apple.com/us/app/epocrates/id281935788"),
                    dict(app, URL="https://play.google.com/store/apps/details?id=com.epocrates"))


def test_titles_in_other_scripts_keep_their_words():
    one = {"type": "article-journal", "title": "ДОЛГОНОСИКООБРАЗНЫЕ ЖУКИ (COLEOPTERA, "
           "CURCULIONOIDEA) ПРИБРЕЖНЫХ БИОТОПОВ", "issued": {"date-parts": [[2012]]}}
    two = dict(one, title="ДОЛГОНОСИКООБРАЗНЫЕ ЖУКИ (COLEOPTERA, CURCULIONOIDEA) ОСТРОВА ДИКОГО")
    assert fold(one["title"]).startswith("долгоносикообразные жуки")
    assert not same(one, two)


def test_books_sharing_an_isbn_are_one_work_in_either_form():
    book = {"type": "book", "title": "Clinical immunology", "ISBN": "0-306-40615-2",
            "issued": {"date-parts": [[2001]]}, "author": [{"family": "Rich", "given": "R."}]}
    assert isbn13s("0-306-40615-2") == {"9780306406157"}
    found = compare(fingerprint(book), fingerprint(dict(book, ISBN="978-0-306-40615-7",
                                                        title="Clinical Immunology!")))
    assert found is not None and found[1] == "isbn"


def test_volumes_of_a_set_sharing_its_isbn_are_two_works():
    book = {"type": "book", "ISBN": "978-87-7124-123-4", "issued": {"date-parts": [[2012]]},
            "author": [{"family": "Petersen", "given": "J."}]}
    assert not same(dict(book, title="Dansk velfærdshistorie bind 3"),
                    dict(book, title="Dansk velfærdshistorie bind 4"))


def test_a_match_lists_its_score_and_the_fields_that_agree_and_differ():
    found = compare(fingerprint(variant(DOI=None)),
                    fingerprint(variant(DOI=None, **{"container-title": "Am J Obstet Gynecol"})))
    assert found is not None
    score, basis, outcome = found
    assert basis == "fields" and 0.75 <= score < 1
    assert outcome["container-title"] == "different" and outcome["title"] == "equal"


def test_blocks_find_what_comparing_every_pair_finds(tmp_path):
    from docgen import generate_document

    from evidencebib.check.library import Library
    from evidencebib.store import References

    generate_document(tmp_path / "refs", conditions=12, per_condition=20, seed=3)
    library = Library.load(References(tmp_path / "refs"))
    every_pair = all_pair_matches(library.fingerprints)
    assert find_matches(library.fingerprints) == every_pair
    assert groups(len(library.fingerprints), every_pair) == library.works


def test_a_copy_is_never_its_own_duplicate():
    # a title of three words makes one block key; once, not twice
    short = variant(DOI=None, title="Immunotherapy for miscarriage")
    assert find_matches([fingerprint(short)]) == []
    assert [(m.a, m.b) for m in find_matches([fingerprint(short), fingerprint(short)])] == [(0, 1)]
