"""Reading what a user types to cite: pandoc's citation syntax and `key:LOCATOR`
(render/citation_syntax.py; pandoc's manual, "Citation syntax")."""

from __future__ import annotations

import pytest

from evidencebib.errors import UsageError
from evidencebib.render.citation_syntax import parse_arguments, parse_key, parse_locator, parse_pandoc
from evidencebib.render.citations import Cite

KEYS = ["banjar2023", "wang2016", "smith:2019"]


@pytest.mark.parametrize("text, expected", [
    ("p. 33", ("page", "33", "")),
    ("p.33", ("page", "33", "")),
    ("pp. 33-35, 38 and passim", ("page", "33-35, 38", " and passim")),
    ("33", ("page", "33", "")),
    ("chap. 3", ("chapter", "3", "")),
    ("Chapter 3", ("chapter", "3", "")),
    ("§ 12", ("section", "12", "")),
    ("fig. 2a", ("figure", "2a", "")),
    ("pp. iv-xii, 3", ("page", "iv-xii, 3", "")),
    ("p. {iv, 33}", ("page", "iv, 33", "")),
])
def test_a_locator_is_a_locale_term_and_its_value_or_a_bare_number_is_a_page(text, expected):
    assert parse_locator(text) == expected


def test_words_after_a_term_without_a_number_are_no_locator():
    assert parse_locator("note the date") == (None, None, "note the date")
    assert parse_locator("and passim") == (None, None, "and passim")


def test_the_locale_asked_for_adds_its_terms():
    assert parse_locator("S. 33", "de-DE") == ("page", "33", "")


def test_a_pandoc_cluster_has_prefix_locator_suffix_and_suppressed_authors():
    cluster = parse_pandoc("[see @banjar2023, pp. 33-35, and passim; -@wang2016]")
    assert cluster.cites == (
        Cite("banjar2023", locator="33-35", label="page", prefix="see ", suffix=", and passim"),
        Cite("wang2016", suppress_author=True))


def test_a_pandoc_cite_without_a_locator_keeps_its_comma_text_as_suffix():
    (cite,) = parse_pandoc("[@banjar2023, and nowhere else]").cites
    assert (cite.locator, cite.suffix) == (None, ", and nowhere else")


def test_a_braced_pandoc_key_may_hold_any_character():
    (cite,) = parse_pandoc("[@{smith:2019}, p. 3]").cites
    assert (cite.id, cite.locator) == ("smith:2019", "3")


def test_a_command_line_key_takes_a_locator_after_a_colon():
    assert parse_key("banjar2023:p.33", KEYS) == Cite("banjar2023", locator="33", label="page")
    assert parse_key("banjar2023:chap. 3", KEYS) == Cite("banjar2023", locator="3", label="chapter")
    assert parse_key("smith:2019", KEYS) == Cite("smith:2019")
    assert parse_key("smith:2019:33", KEYS) == Cite("smith:2019", locator="33", label="page")


def test_a_locator_that_cannot_be_read_is_a_usage_error_naming_it():
    with pytest.raises(UsageError, match="nonsense"):
        parse_key("banjar2023:nonsense", KEYS)


def test_prefix_goes_before_the_first_cite_and_suffix_after_the_last():
    (cluster,) = parse_arguments(["banjar2023:p.33", "wang2016"], KEYS, prefix="see", suffix="for a review")
    assert cluster.cites[0].prefix == "see " and cluster.cites[0].suffix is None
    assert cluster.cites[1].suffix == " for a review"


def test_every_bracketed_argument_is_a_cluster_of_its_own():
    clusters = parse_arguments(["[@banjar2023, p. 3]", "[@banjar2023]"], KEYS)
    assert [len(cluster.cites) for cluster in clusters] == [1, 1]


def test_keys_and_bracketed_citations_are_not_mixed():
    with pytest.raises(UsageError, match="not both"):
        parse_arguments(["[@banjar2023]", "wang2016"], KEYS)


def test_pandocs_in_text_form_without_brackets_is_refused_saying_what_to_write():
    with pytest.raises(UsageError, match=r"'\[@banjar2023\]'"):
        parse_key("@banjar2023", KEYS)


def test_a_comma_with_nothing_after_it_is_no_suffix():
    (cite,) = parse_pandoc("[@banjar2023, ]").cites
    assert (cite.locator, cite.suffix) == (None, None)
