"""Condition pages: the published layout is reproduced exactly from data, and read back."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, SEED_PAGE
from evidencebib import api
from evidencebib.errors import ParseError
from evidencebib.formats.ig_page import parse_author, parse_reference, read_page, slug_from_title
from evidencebib.store import References

SHAPES_PAGE = FIXTURES / "pages" / "shapes.txt"


def test_page_command_prints_the_seed_page_byte_for_byte(references):
    result = subprocess.run(
        [sys.executable, "-m", "evidencebib", "page", "recurrent-miscarriage",
         "--generated-on", "2025-11-12", "--references", str(references)],
        capture_output=True, check=True)
    assert result.stdout == SEED_PAGE.read_bytes()


def test_importing_the_seed_then_printing_it_gives_the_seed_back(tmp_path):
    refs = References(tmp_path / "refs")
    result = api.import_page(refs, SEED_PAGE)
    assert result.slug == "recurrent-miscarriage"
    page = api.page(refs, result.slug, generated_on=dt.date(2025, 11, 12))
    assert page.encode("utf-8") == SEED_PAGE.read_bytes()


def test_the_shipped_seed_condition_is_what_the_importer_writes(tmp_path, references):
    refs = References(tmp_path / "refs")
    api.import_page(refs, SEED_PAGE)
    for suffix in (".bib", ".toml"):
        name = "recurrent-miscarriage" + suffix
        assert (tmp_path / "refs" / name).read_bytes() == (references / name).read_bytes()


def test_a_page_of_varied_reference_shapes_round_trips(tmp_path):
    refs = References(tmp_path / "refs")
    result = api.import_page(refs, SHAPES_PAGE, slug="shapes")
    page = api.page(refs, result.slug, generated_on=dt.date(2026, 2, 1))
    assert page == SHAPES_PAGE.read_text(encoding="utf-8")


def test_several_specific_conditions_and_statement_paragraphs_are_kept():
    parsed = read_page(SHAPES_PAGE.read_text(encoding="utf-8"))
    assert parsed.condition.specific_conditions == [
        "Adult form", "Paediatric form & related <rare> variants"]
    assert len(parsed.condition.statement) == 2
    assert parsed.condition.level_of_evidence == "Insufficient data (Category 4a)"
    assert parsed.generated_on == dt.date(2026, 2, 1)


def test_seed_references_become_structured_entries():
    parsed = read_page(SEED_PAGE.read_text(encoding="utf-8"))
    expected = json.loads((FIXTURES / "seed-items.json").read_text(encoding="utf-8"))
    assert parsed.items == expected


def test_et_al_becomes_a_truncated_author_list():
    item = parse_reference("Banjar S, Kadour E, Khoudja R et al (2023) 'T', *J*, 90(2):e13737.")
    assert [a["family"] for a in item["author"]] == ["Banjar", "Kadour", "Khoudja"]
    assert item["_et_al"] == ["author"]


def test_cochrane_issue_and_review_number_have_no_volume():
    item = parse_reference("Wong LF (2014) 'T', *Cochrane database of systematic reviews*, "
                           "Issue 10, CD000112, <https://doi.org/10.1002/14651858.CD000112.pub3>.")
    assert (item.get("volume"), item["issue"], item["page"]) == (None, "10", "CD000112")
    assert item["DOI"] == "10.1002/14651858.CD000112.pub3"


def test_article_number_without_issue():
    item = parse_reference("Yamada H (2022) 'T', *EClinicalMedicine*, 50:101527.")
    assert (item["volume"], item.get("issue"), item["page"]) == ("50", None, "101527")


def test_supplement_issue():
    item = parse_reference("Roe T (2010) 'T', *J*, 30(Suppl 1):S1-S9.")
    assert (item["volume"], item["issue"], item["page"]) == ("30", "Suppl 1", "S1-S9")


def test_doi_letter_case_is_kept_and_percent_encoding_is_decoded():
    item = parse_reference("Doe J (1987) 'T', *J*, 1:2, "
                           "<https://doi.org/10.1175/1520-0493(1987)115%3C1606:GARSPP%3E2.0.CO;2>.")
    assert item["DOI"] == "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2"


@pytest.mark.parametrize("text, name", [
    ("Empson MB", {"family": "Empson", "given": "M. B."}),
    ("Anonymous", {"family": "Anonymous"}),
    ("van der Berg J", {"family": "Berg", "given": "J.", "non-dropping-particle": "van der"}),
    ("Smith-Jones AB", {"family": "Smith-Jones", "given": "A. B."}),
    ("O'Neil C-D", {"family": "O'Neil", "given": "C.-D."}),
    ("World Health Organization", {"literal": "World Health Organization"}),
])
def test_author_names_are_split_into_family_and_initials(text, name):
    assert parse_author(text) == name


def test_slug_is_derived_from_the_title():
    assert slug_from_title("Recurrent miscarriage / recurrent fetal loss (with or without "
                           "antiphospholipid syndrome)") == "recurrent-miscarriage"
    assert slug_from_title("Guillain–Barré syndrome (GBS)") == "guillain-barre-syndrome"


def test_an_unreadable_reference_line_fails_with_its_line_number(tmp_path):
    page = SEED_PAGE.read_text(encoding="utf-8").replace(
        "Wong LF, Porter TF", "Wong LF; Porter TF", 1).replace("(2014)", "2014", 1)
    path = tmp_path / "bad.txt"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        api.import_page(References(tmp_path / "refs"), path)
    assert caught.value.location.line == 20
    assert not (tmp_path / "refs").exists()


def test_an_unreadable_line_can_be_kept_as_an_unparsed_entry(tmp_path):
    page = SEED_PAGE.read_text(encoding="utf-8").replace("(2014)", "2014", 1)
    path = tmp_path / "bad.txt"
    path.write_text(page, encoding="utf-8")
    result = api.import_page(References(tmp_path / "refs"), path, keep_unparsed=True)
    assert result.unparsed_lines == [20]
    assert len(result.keys) == 5
    text = (tmp_path / "refs" / "recurrent-miscarriage.bib").read_text(encoding="utf-8")
    assert "Wong LF, Porter TF and Scott JR 2014" in text
    assert "evidencebib-unparsed" in text


def test_import_refuses_to_overwrite_an_existing_condition(references):
    from evidencebib.errors import UsageError

    with pytest.raises(UsageError, match="already exists"):
        api.import_page(References(references), SEED_PAGE)


# -- a new condition's page, before anyone has written its specific conditions -------------------

NEW_PAGE_ROWS = ("\n\n# Kawasaki disease\n\n<b>Specific Conditions</b>\t\n"
                 "<b>Level of Evidence</b>\tClear evidence of benefit (Category 1)\n\n## Bibliography")


def test_a_condition_without_specific_conditions_prints_an_empty_row(tmp_path):
    """The page layout prints a row with nothing in it as its label and tab alone (an empty
    row of a published page, tests/fixtures/pages/full-rows.txt "Exclusion Criteria"), not an
    empty list `<ul …></ul>`."""
    from evidencebib import maintain

    refs = References(tmp_path / "refs")
    maintain.new_condition(refs, "kawasaki-disease", title="Kawasaki disease",
                           level_of_evidence="Clear evidence of benefit (Category 1)")
    page = api.page(refs, "kawasaki-disease", generated_on=dt.date(2026, 12, 2))
    assert page.startswith(NEW_PAGE_ROWS) and "<ul" not in page


def test_the_page_of_a_condition_without_specific_conditions_reads_back_in_the_short_form():
    page = NEW_PAGE_ROWS + "\n\nGenerated on: 2 December 2026"
    condition = read_page(page).condition
    assert condition.specific_conditions == [] and condition.rows == []
    assert condition.level_of_evidence == "Clear evidence of benefit (Category 1)"
