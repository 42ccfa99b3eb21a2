"""Page ranges compared, not shown: `model.pages.comparable_page` (check's disagreements and
enrich's proposals use it)."""

from evidencebib.model.pages import comparable_page


def test_any_dash_and_an_abbreviated_end_are_the_same_pages():
    assert comparable_page("720--36") == comparable_page("720–736") == "720-736"


def test_article_numbers_and_letters_compare_in_lower_case():
    assert comparable_page("E13737") == comparable_page("e13737")


def test_different_pages_stay_different():
    assert comparable_page("101-109") != comparable_page("101-110")
