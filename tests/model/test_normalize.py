"""The item normaliser: what a CSL-JSON object from anywhere becomes inside the program."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from evidencebib.model.normalize import normalize_item
from evidencebib.model.vocabulary import ITEM_KEYS, ITEM_TYPES


def test_legacy_and_data_schema_spellings_become_csl_1_0_2_variables():
    item = normalize_item({"type": "book", "shortTitle": "S", "journalAbbreviation": "J",
                           "event": "Congress", "supplement": "2", "part": 3, "printing": "4"})
    assert item == {"type": "book", "title-short": "S", "container-title-short": "J",
                    "event-title": "Congress", "supplement-number": "2", "part-number": 3,
                    "printing-number": "4"}


def test_the_first_spelling_of_a_variable_wins():
    item = normalize_item({"type": "book", "title-short": "First", "shortTitle": "Second"})
    assert item["title-short"] == "First"


def test_citation_key_becomes_the_id_and_id_comes_first():
    item = normalize_item({"type": "book", "title": "T", "citation-key": "smith2020", "id": 7})
    assert list(item) == ["id", "type", "title"] and item["id"] == "smith2020"


def test_a_trailing_others_is_no_person_but_a_truncated_list():
    item = normalize_item({"type": "book", "author": [{"family": "Smith", "given": "A."},
                                                       {"literal": "others"}],
                           "editor": [{"family": "Roe"}, {"family": "et al."}]})
    assert item["author"] == [{"family": "Smith", "given": "A."}]
    assert item["editor"] == [{"family": "Roe"}]
    assert item["_et_al"] == ["author", "editor"]


def test_a_person_named_others_with_a_given_name_is_a_person():
    item = normalize_item({"type": "book", "author": [{"family": "Others", "given": "Ann"}]})
    assert item["author"] == [{"family": "Others", "given": "Ann"}] and "_et_al" not in item


def test_names_keep_schema_parts_only_and_text_names_are_split():
    item = normalize_item({"type": "book", "author": ["van der Berg, Jan", {"family": "X", "x": 1}]})
    assert item["author"] == [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
                              {"family": "X"}]


def test_dois_lose_resolver_urls_and_prefixes():
    for written in ("https://doi.org/10.1000/ABC", "doi:10.1000/ABC", "http://dx.doi.org/10.1000/ABC",
                    "10.1000%2FABC"):
        assert normalize_item({"type": "book", "DOI": written})["DOI"] == "10.1000/ABC"


def test_dates_become_integer_date_parts_without_raw():
    item = normalize_item({"type": "book", "issued": {"raw": "2017-22"},
                           "accessed": {"date-parts": [["2020", "1", "15"]]}})
    assert item["issued"] == {"date-parts": [[2017]], "season": 2}
    assert item["accessed"] == {"date-parts": [[2020, 1, 15]]}


def test_keys_that_are_no_variable_are_kept_under_custom_and_reported():
    notes: list[str] = []
    item = normalize_item({"type": "book", "file": "x.pdf", "custom": {"a": 1}}, warn=notes.append)
    assert item["custom"] == {"a": 1, "file": "x.pdf"}
    assert notes == ["'file' is not a CSL variable; kept under 'custom'"]


def test_an_unknown_type_is_a_document_that_remembers_its_type():
    notes: list[str] = []
    item = normalize_item({"type": "journalArticle"}, warn=notes.append)
    assert item == {"type": "document", "custom": {"original-type": "journalArticle"}}
    assert len(notes) == 1


def test_variables_the_data_schema_lacks_are_taken_back_from_custom():
    item = normalize_item({"type": "book", "custom": {"license": "CC-BY", "other": 1}})
    assert item == {"type": "book", "license": "CC-BY", "custom": {"other": 1}}


def test_empty_values_are_dropped_and_text_variables_are_strings():
    item = normalize_item({"type": "book", "title": "", "note": None, "author": [], "volume": 3,
                           "publisher": 7, "genre": True})
    assert item == {"type": "book", "volume": 3, "publisher": "7", "genre": "True"}


@pytest.mark.parametrize("raw, message", [
    ({"title": "no type"}, "no 'type'"),
    ({"type": "book", "author": "Smith"}, "list of names"),
    ({"type": "book", "title": {"a": 1}}, "must be text"),
    ({"type": "book", "author": [3]}, "a name must be an object"),
    ({"type": "book", "issued": {"date-parts": [["x"]]}}, "non-number"),
])
def test_values_of_the_wrong_shape_are_type_errors(raw, message):
    with pytest.raises(TypeError, match=message):
        normalize_item(raw)


_text = st.text(max_size=12)
_name = st.one_of(st.fixed_dictionaries({}, optional={"family": _text, "given": _text, "literal": _text,
                                                      "suffix": _text}),
                  st.text(max_size=20))
_date = st.one_of(st.fixed_dictionaries({}, optional={
    "date-parts": st.lists(st.lists(st.integers(-3000, 3000), min_size=1, max_size=3),
                           min_size=1, max_size=2),
    "season": st.integers(1, 4), "circa": st.booleans(), "literal": _text, "raw": _text}), _text)
RAW = st.fixed_dictionaries({"type": st.sampled_from(sorted(ITEM_TYPES) + ["journalArticle"])}, optional={
    "id": _text, "citation-key": _text, "title": _text, "shortTitle": _text, "title-short": _text,
    "supplement": st.one_of(_text, st.integers()), "DOI": _text, "author": st.lists(_name, max_size=3),
    "editor-translator": st.lists(_name, max_size=2), "issued": _date, "file": _text,
    "custom": st.dictionaries(st.sampled_from(["license", "x"]), _text, max_size=2),
    "volume": st.one_of(_text, st.integers()), "_et_al": st.just(["author"])})


@settings(max_examples=300, deadline=None)
@given(RAW)
def test_normalising_a_normalised_item_changes_nothing(raw):
    try:
        item = normalize_item(raw)
    except TypeError:
        return  # e.g. an empty name object: rejected, not normalised
    assert normalize_item(item) == item
    assert {key for key in item if not key.startswith("_")} <= ITEM_KEYS


@pytest.mark.parametrize("value", ["0", 0, {"date-parts": [[0]]}])
def test_a_year_zero_alone_is_no_date_whatever_its_spelling(value):
    from evidencebib.model.dates import normalize_date

    assert normalize_date(value) is None
