"""Names: the text form of RIS/EndNote, particles, registry names, truncated lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from evidencebib.model.names import (
    format_name, is_others, normalize_name, parse_name, parse_particles, split_known_particle,
    strip_others,
)


@pytest.mark.parametrize("text, name", [
    ("Smith, John", {"family": "Smith", "given": "John"}),
    ("van der Berg, Jan", {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}),
    ("Beethoven, Ludwig van", {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}),
    ("King, Martin Luther, Jr.", {"family": "King", "given": "Martin Luther", "suffix": "Jr."}),
    ("World Health Organization", {"literal": "World Health Organization"}),
    ("  Smith,   John  ", {"family": "Smith", "given": "John"}),
])
def test_text_form_family_comma_given_and_no_comma_is_an_organisation(text, name):
    assert parse_name(text) == name


_word = st.text(alphabet="ABCDEFGHIJKLMNOPabcdefgh", min_size=1, max_size=8).filter(
    lambda w: w[0].isupper())


@settings(max_examples=200, deadline=None)
@given(family=_word, given=st.lists(_word, min_size=1, max_size=2).map(" ".join),
       particle=st.sampled_from(["", "van", "de la"]))
def test_format_name_is_the_inverse_of_parse_name(family, given, particle):
    name = {"family": family, "given": given}
    if particle:
        name["non-dropping-particle"] = particle
    assert parse_name(format_name(name)) == name


def test_registry_names_split_known_particles_only():
    assert split_known_particle("van der Berg") == ("van der", "Berg")
    # Crossref deposits are sometimes all lower case: an unknown word is no particle
    assert split_known_particle("zhang wei") == ("", "zhang wei")


@pytest.mark.parametrize("name", [{"literal": "others"}, {"family": "others"}, {"family": "et al."},
                                  {"literal": "Et al"}])
def test_others_and_et_al_stand_for_a_truncated_list(name):
    assert is_others(name)
    assert strip_others([{"family": "Smith"}, name]) == ([{"family": "Smith"}], True)


@pytest.mark.parametrize("written", ["Others.", "etal", "al.", "u.a.", "u. a.", "et alii"])
def test_other_spellings_of_and_others_truncate_the_list(written):
    assert strip_others([{"family": "Smith"}, {"family": written}]) == ([{"family": "Smith"}], True)


def test_a_complete_list_is_left_alone():
    names = [{"family": "Smith"}, {"family": "Others", "given": "Ann"}]
    assert strip_others(names) == (names, False)


def test_normalize_name_keeps_the_schema_parts_as_strings():
    assert normalize_name({"family": 3, "given": "", "comma-suffix": True, "x": "y"}) == \
        {"family": "3", "comma-suffix": True}
    with pytest.raises(TypeError):
        normalize_name({"given": ""})


# Issue 15, item 10: garbled names from real exports.

def test_et_al_written_inside_the_last_name_truncates_the_list():
    # BibTeX reads `Born, L. et al.` as family `Born`, given `L. et al.`
    assert strip_others([{"family": "Born", "given": "L. et al."}]) == \
        ([{"family": "Born", "given": "L."}], True)


def test_a_name_that_is_only_et_al_after_a_comma_is_dropped_from_the_list():
    assert strip_others([{"family": "Smith"}, {"literal": "et al."}]) == ([{"family": "Smith"}], True)


def test_a_family_name_ending_in_letters_al_is_not_et_al():
    names = [{"family": "Metal", "given": "Ann"}, {"family": "Al", "given": "Et"}]
    assert strip_others(names) == (names, False)


def test_a_null_placeholder_of_a_javascript_exporter_is_no_name_part():
    from evidencebib.model.names import without_placeholders

    assert without_placeholders({"family": "Hoven", "non-dropping-particle": "van den",
                                 "given": "null"}) == {"family": "Hoven",
                                                       "non-dropping-particle": "van den"}


def test_a_placeholder_family_name_in_ris_text_form_is_no_name_part():
    from evidencebib.model.names import parse_name

    assert parse_name("NULL, John") == {"given": "John"}
    assert parse_name("Doe, NULL") == {"family": "Doe"}


def test_a_person_called_null_keeps_the_name():
    from evidencebib.model.names import without_placeholders

    assert without_placeholders({"family": "Null", "given": "Ann"}) == {"family": "Null", "given": "Ann"}


# particles read out of CSL-JSON name parts, as citeproc-js reads them (parse_particles) -------

@pytest.mark.parametrize("name, parsed", [
    ({"family": "van der Berg", "given": "Jan"},
     {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}),
    ({"family": "al-One", "given": "Alan"},
     {"family": "One", "given": "Alan", "non-dropping-particle": "al-"}),
    ({"family": "d'Aubignac", "given": "François"},
     {"family": "Aubignac", "given": "François", "non-dropping-particle": "d'"}),
    ({"family": "Beethoven", "given": "Ludwig van"},
     {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}),
    ({"family": "Fontaine", "given": "Jean de la"},
     {"family": "Fontaine", "given": "Jean", "dropping-particle": "de la"}),
    ({"family": "Doe", "given": "John, III"}, {"family": "Doe", "given": "John", "suffix": "III"}),
    ({"family": "Doe", "given": "John,! Jr."},
     {"family": "Doe", "given": "John", "suffix": "Jr.", "comma-suffix": True}),
])
def test_particles_and_suffix_are_read_out_of_family_and_given(name, parsed):
    assert parse_particles(name) == parsed


@pytest.mark.parametrize("name", [
    {"family": "Hédelin-Smith", "given": "Anne"},         # capitalised: no particle
    {"family": "van der Berg"},                             # no given name: citeproc-js leaves it
    {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},   # explicit particle
    {"family": "van der Berg", "given": "Jan", "parse-names": False},
    {"literal": "van der Berg Foundation"},
    {"family": "Smith", "given": "J. R. R."},
])
def test_names_without_particles_to_parse_are_left_as_given(name):
    assert parse_particles(name) == name


def test_a_family_in_double_quotes_loses_the_quotes_and_is_not_parsed():
    quoted = {"family": '"van der Berg"', "given": "Jan"}
    assert parse_particles(quoted) == {"family": "van der Berg", "given": "Jan"}


@pytest.mark.parametrize("split", [
    {"family": "al.", "given": "et"},                      # `and et al.` as BibTeX splits it
    {"family": "al.", "non-dropping-particle": "et"},
    {"family": "al", "given": "et"},                       # `and et al`
    {"family": "Al.", "given": "Et"},                      # `and Et Al.`
])
def test_et_al_split_into_name_parts_after_another_name_truncates_the_list(split):
    assert strip_others([{"family": "Born", "given": "L."}, split]) == \
        ([{"family": "Born", "given": "L."}], True)


def test_et_al_split_into_parts_as_the_only_name_is_a_person():
    assert strip_others([{"family": "al.", "given": "et"}]) == ([{"family": "al.", "given": "et"}], False)


def test_et_al_read_as_the_given_name_of_last_jr_first_makes_the_jr_part_the_given_name():
    # `Born, L., et al.`: BibTeX's `Last, Jr, First` gives suffix `L.` and given `et al.`
    assert strip_others([{"family": "Born", "given": "et al.", "suffix": "L."}]) == \
        ([{"family": "Born", "given": "L."}], True)


@pytest.mark.parametrize("name, problem", [
    ({"literal": ","}, "an empty name"),
    ({"family": "Smith", "given": "J.", "suffix": "J.; Doe"}, "names separated by ';'"),
    ({"family": "Born L", "given": "et al.", "suffix": "Smith J"}, "names separated by commas?"),
])
def test_a_name_that_is_no_single_person_says_why(name, problem):
    from evidencebib.model.names import list_problem
    assert problem in (list_problem(name) or "")


@pytest.mark.parametrize("name", [
    {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
    {"family": "Doe", "given": "John", "suffix": "III"},
    {"family": "Smith", "given": "Ann"},
    {"literal": "World Health Organization"},
])
def test_a_person_with_a_generational_suffix_or_an_organisation_has_no_problem(name):
    from evidencebib.model.names import list_problem
    assert list_problem(name) is None


def test_et_al_read_as_the_suffix_of_the_last_name_truncates_the_list():
    # RIS `AU  - Doe, J, et al.` (Family, Given, Suffix)
    assert strip_others([{"family": "Smith", "given": "J"}, parse_name("Doe, J, et al.")]) == \
        ([{"family": "Smith", "given": "J"}, {"family": "Doe", "given": "J"}], True)


def test_an_organisation_with_a_comma_cannot_be_told_from_a_person():
    from evidencebib.model.names import format_name, organisation_with_comma, parse_name

    name = {"literal": "Miljø- og Teknikudvalget, Fredensborg Kommune"}
    assert organisation_with_comma(name) and "literal" not in parse_name(format_name(name))
    assert not organisation_with_comma({"literal": "World Health Organization"})


def test_a_trailing_comma_after_several_words_is_endnotes_corporate_author():
    from evidencebib.model.names import format_name, parse_name

    assert parse_name("U.S. Department of Agriculture,") == {
        "literal": "U.S. Department of Agriculture"}
    assert format_name({"literal": "World Health Organization"}) == "World Health Organization,"


def test_a_trailing_comma_after_a_particle_led_family_name_is_a_person():
    from evidencebib.model.names import format_name, parse_name

    # Citavi's `van den Hoven,`: a person whose given name is missing
    assert parse_name("van den Hoven,") == {"family": "Hoven", "non-dropping-particle": "van den"}
    assert parse_name(format_name({"literal": "de Nederlandsche Bank"})) == {
        "literal": "de Nederlandsche Bank"}
