"""RIS round trips of values the RIS form could confuse (issue 15: "round trips through all
five formats: every difference is either none or a warning the command printed").

Each rule is one behaviour of the writer and reader together: the value comes back as it was,
or `api.export_warnings` names it.
"""

from __future__ import annotations

import pytest

from evidencebib import api
from evidencebib.formats import ris
from evidencebib.model import NOTES

BASE = {"id": "a", "type": "article-journal", "title": "T", "container-title": "J"}


def trip(item):
    return ris.read(ris.write([item]))[0]


def test_a_note_that_is_only_a_pmid_line_comes_back_as_the_note_not_as_the_pmid():
    back = trip(dict(BASE, note="PMID: 23439512"))
    assert back.get("note") == "PMID: 23439512"
    assert "PMID" not in back


def test_a_pmid_line_among_note_lines_stays_in_the_note():
    back = trip(dict(BASE, note="Erratum in: J 2014\nPMCID: PMC1234567"))
    assert back.get("note") == "Erratum in: J 2014\nPMCID: PMC1234567"
    assert "PMCID" not in back


def test_a_note_repeating_the_items_own_pmid_is_written_as_plain_text():
    text = ris.write([dict(BASE, PMID="23439512", note="PMID: 23439512")])
    assert "N1  - PMID: 23439512\r\n" in text
    back = ris.read(text)[0]
    assert (back["PMID"], back["note"]) == ("23439512", "PMID: 23439512")


def test_a_number_of_pages_that_is_a_range_is_named_by_the_export():
    # RIS has one SP for a thesis's number of pages; a lone SP range reads back as its pages
    thesis = {"id": "w", "type": "thesis", "title": "By synopsis", "number-of-pages": "1–6"}
    assert "number-of-pages ×1" in " ".join(api.export_warnings([thesis], "ris"))


def test_a_number_of_pages_of_a_thesis_comes_back():
    thesis = {"id": "w", "type": "thesis", "title": "By synopsis", "number-of-pages": "250"}
    assert trip(thesis)["number-of-pages"] == "250"
    assert "number-of-pages" not in " ".join(api.export_warnings([thesis], "ris"))


def test_a_thin_space_in_a_page_number_comes_back_as_a_thin_space():
    back = trip(dict(BASE, page="c\u20093"))
    assert back["page"] == "c\u20093"


def test_a_line_break_in_a_one_line_field_is_written_as_a_space():
    text = ris.write([dict(BASE, title="Two\n   lines")])
    assert "TI  - Two lines\r\n" in text


BRACED = {"family": "van Gogh", "given": "Vincent"}  # BibTeX `{van Gogh}, Vincent`
PARTICLE = {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}


def test_a_braced_family_with_a_particle_like_word_comes_back_whole():
    back = trip(dict(BASE, author=[BRACED, PARTICLE]))
    assert back["author"] == [BRACED, PARTICLE]


def test_a_braced_family_is_written_for_other_programs_as_family_then_given():
    text = ris.write([dict(BASE, author=[BRACED])])
    assert "AU  - van Gogh, Vincent\r\n" in text
    assert "annote" not in ris.read(text)[0]  # the carrying line is no note of the user's


def test_a_carried_name_is_not_given_to_a_name_edited_since():
    text = ris.write([dict(BASE, author=[BRACED])]).replace("AU  - van Gogh, Vincent",
                                                            "AU  - van Rijn, Rembrandt")
    back = ris.read(text)[0]
    assert back["author"] == [
        {"family": "Rijn", "given": "Rembrandt", "non-dropping-particle": "van"}]
    assert "annote" not in back


def test_a_season_in_the_other_info_part_beside_month_and_day_is_the_csl_season():
    text = "TY  - JOUR\r\nTI  - T\r\nPY  - 2019/06/15/Summer\r\nER  - \r\n"
    assert ris.read(text)[0]["issued"] == {"date-parts": [[2019, 6, 15]], "season": 2}


def test_a_season_in_the_other_info_part_of_y1_beside_a_month_is_the_csl_season():
    text = "TY  - JOUR\r\nTI  - T\r\nY1  - 2018/11//Fall\r\nER  - \r\n"
    assert ris.read(text)[0]["issued"] == {"date-parts": [[2018, 11]], "season": 3}


def test_a_season_beside_a_month_comes_back():
    issued = {"date-parts": [[2019, 6, 15]], "season": 2}
    text = ris.write([dict(BASE, issued=issued)])
    assert "DA  - 2019/06/15/Summer\r\n" in text
    assert ris.read(text)[0]["issued"] == issued


# -- dates written day/month/year (redteam6 G7) ---------------------------------------------------

def _record(date_line: str) -> str:
    return f"TY  - JOUR\nAU  - A, B\nTI  - T\nJO  - J\n{date_line}\nER  - \n"


@pytest.mark.parametrize("line,parts", [
    ("PY  - 15/06/2019", [2019, 6, 15]),
    ("DA  - 06/15/2019", [2019, 6, 15]),
    ("PY  - 2019/06/15/", [2019, 6, 15]),
])
def test_a_date_written_day_month_year_or_month_day_year_is_read_as_that_date(line, parts):
    item = ris.read(_record(line))[0]
    assert item["issued"]["date-parts"] == [parts]
    assert not item.get(NOTES)


def test_an_ambiguous_day_month_date_keeps_only_its_year_and_says_so():
    item = ris.read(_record("DA  - 05/06/2019"))[0]
    assert item["issued"]["date-parts"] == [[2019]]
    assert any("05/06/2019" in note and "only the year" in note for note in item[NOTES])


def test_a_season_beside_a_month_is_named_by_the_bibtex_export_that_cannot_hold_it():
    item = ris.read(_record("PY  - 2019/06/15/Summer"))[0]
    assert item["issued"] == {"date-parts": [[2019, 6, 15]], "season": 2}
    for fmt in ("bibtex", "biblatex"):
        assert any("season beside a month" in w and item["id"] in w
                   for w in api.export_warnings([item], fmt)), fmt
    assert not any("season" in w for w in api.export_warnings([item], "csl-json"))


def test_a_null_family_name_from_mendeley_is_noted():
    text = "TY  - JOUR\nAU  - Smith, null\nAU  - null, John\nTI  - T\nER  - \n"
    item = ris.read(text)[0]
    assert item["author"] == [{"family": "Smith"}, {"given": "John"}]
    assert any("'null' stands for a missing family name" in note for note in item[NOTES])
