"""Citation keys for new entries: readable, unique in their file, never running out."""

from __future__ import annotations

from evidencebib import model
from evidencebib.model import citation_key
from evidencebib.store import BibFile

BANJAR = {"type": "article-journal", "author": [{"family": "Banjar", "given": "S."}],
          "issued": {"date-parts": [[2023]]}, "title": "One"}


def test_the_first_key_is_family_name_and_year():
    assert citation_key(BANJAR) == "banjar2023"


def test_clashes_get_letters_then_pairs_of_letters_in_jabref_order():
    made: list[str] = []
    for _ in range(1 + 26 + 676):
        made.append(citation_key(BANJAR, made))
    assert made[:3] == ["banjar2023", "banjar2023a", "banjar2023b"]
    assert made[26:28] == ["banjar2023z", "banjar2023aa"]
    assert made[-1] == "banjar2023zz"


def test_suffixes_never_run_out_after_703_keys_with_one_stem():
    keys = model.CitationKeys(["banjar2023"])
    made = {keys.new(BANJAR) for _ in range(5000)}
    assert len(made) == 5000 and "banjar2023" not in made
    assert "banjar2023aaa" in made and "banjar2023zz" in made


def test_citation_key_with_a_plain_list_goes_past_zz():
    names: list[str] = []
    for _ in range(703):
        names.append(citation_key(BANJAR, names))
    assert citation_key(BANJAR, names) == "banjar2023aaa"


def test_keys_compare_without_case_and_skip_keys_added_by_hand():
    keys = model.CitationKeys(["Banjar2023", "BANJAR2023A"])
    assert keys.new(BANJAR) == "banjar2023b"
    keys.add("banjar2023c")
    assert keys.new(BANJAR) == "banjar2023d"
    assert "BANJAR2023D" in keys


def test_a_file_with_704_entries_by_one_author_in_one_year_takes_more(tmp_path):
    bib = BibFile("", tmp_path / "a.bib")
    added = [bib.add_item(dict(BANJAR, title=f"Trial {i}")) for i in range(710)]
    assert len(set(added)) == 710
    reloaded = BibFile(bib.text(), tmp_path / "a.bib")
    assert not reloaded.problems and len(reloaded.entries) == 710
