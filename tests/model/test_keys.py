"""Citation keys: readable, unique case-insensitively, and what BibTeX and biber accept."""

from __future__ import annotations

from evidencebib.model.keys import citation_key, is_valid_key, unique_keys, with_ids


def test_key_is_first_family_name_and_year():
    item = {"author": [{"family": "Østergaard-Nielsen", "given": "A."}], "issued": {"date-parts": [[2021]]}}
    assert citation_key(item) == "ostergaardnielsen2021"


def test_clashes_get_letter_suffixes_compared_case_insensitively():
    item = {"author": [{"family": "Banjar"}], "issued": {"date-parts": [[2023]]}}
    assert citation_key(item, ["Banjar2023"]) == "banjar2023a"
    assert citation_key(item, ["banjar2023", "banjar2023a"]) == "banjar2023b"


def test_items_without_creator_or_year_still_get_a_key():
    assert citation_key({"title": "Guidelines"}) == "guidelinesnd"
    assert citation_key({}) == "anonnd"


def test_valid_keys_exclude_what_breaks_bibtex_or_biber():
    assert is_valid_key("smith2020") and is_valid_key("Smith:2020-a")
    assert not any(is_valid_key(k) for k in ("", "a b", "a,b", "a{b", "a%b", "a#b", "a\\b"))


def test_readers_ids_come_first_and_missing_ones_are_made_unique():
    items = with_ids([{"type": "book", "author": [{"family": "Lee"}]},
                      {"type": "book", "id": "lee"}, {"type": "book", "author": [{"family": "Lee"}]}])
    assert [list(item)[0] for item in items] == ["id", "id", "id"]
    assert [item["id"] for item in items] == ["leend", "lee", "leenda"]


def test_writers_replace_unusable_or_repeated_ids():
    pairs = unique_keys([{"id": "a b", "title": "X"}, {"id": "k"}, {"id": "K"}])
    assert [key for key, _ in pairs] == ["xnd", "k", "anonnd"]
