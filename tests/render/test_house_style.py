"""The house style styles/ig-criteria.csl (Immunoglobulin Criteria, Style Manual author-date)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from evidencebib.render import render_bibliography, resolve_style

ROOT = Path(__file__).resolve().parents[2]
STYLE = ROOT / "styles" / "ig-criteria.csl"
CSL = "{http://purl.org/net/xbiblio/csl}"


def seed_items():
    return json.loads((ROOT / "tests" / "fixtures" / "seed-items.json").read_text(encoding="utf-8"))


def published_bibliography() -> list[str]:
    text = (ROOT / "tests" / "fixtures" / "recurrent-miscarriage.txt").read_text(encoding="utf-8")
    section = text.split("## Bibliography", 1)[1]
    lines = [line for line in section.strip().split("\n\n") if line.strip()]
    return [line for line in lines if not line.startswith("Generated on:")]


def article(**fields):
    item = {"type": "article-journal", "title": "Title", "container-title": "Journal",
            "issued": {"date-parts": [[2020]]}}
    item.update(fields)
    return item


def authors(count):
    return [{"family": f"Name{chr(65 + i)}", "given": "A. B."} for i in range(count)]


def one(item, fmt="text"):
    [entry] = render_bibliography([item], "ig-criteria", fmt)
    return entry


def test_seed_items_render_exactly_as_the_published_page_in_markdown():
    assert render_bibliography(seed_items(), "ig-criteria", "markdown") == published_bibliography()


def test_house_style_is_the_default_style():
    assert render_bibliography(seed_items()) == published_bibliography()


def test_house_style_validates_against_citeproc_schema_without_warnings():
    from citeproc import CitationStylesStyle

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CitationStylesStyle(str(STYLE), validate=True)


def test_house_style_declares_csl_1_0_and_no_doctype():
    from lxml import etree

    tree = etree.parse(str(STYLE), etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    assert tree.getroot().get("version") == "1.0"
    assert tree.docinfo.doctype == ""


@pytest.mark.parametrize("term", ["and", "et-al", "issue", "no date", "page-range-delimiter", "editor",
                                  "in", "accessed", "edition", "month-01", "ordinal"])
def test_every_term_the_style_uses_is_defined_in_its_own_locale(term):
    from lxml import etree

    root = etree.parse(str(STYLE)).getroot()
    terms = {t.get("name"): t for t in root.iter(f"{CSL}term")}
    assert term in terms


def test_et_al_term_has_no_full_stop():
    from lxml import etree

    root = etree.parse(str(STYLE)).getroot()
    [term] = [t for t in root.iter(f"{CSL}term") if t.get("name") == "et-al"]
    assert term.text == "et al"


def test_title_quotes_use_affixes_not_quotes_attribute():
    assert 'quotes="true"' not in STYLE.read_text(encoding="utf-8")


def test_resolve_style_finds_house_style_by_name():
    assert resolve_style("ig-criteria").resolve() == STYLE.resolve()


def test_one_author_is_family_name_and_initials_without_full_stops():
    assert one(article(author=[{"family": "Smith", "given": "John Paul"}])).startswith("Smith JP (2020) ")


def test_family_name_only_author_prints_the_family_name():
    assert one(article(author=[{"family": "Plato"}])).startswith("Plato (2020) ")


def test_non_dropping_particle_stays_before_family_name():
    name = {"family": "Berg", "given": "J.", "non-dropping-particle": "van der"}
    assert one(article(author=[name])).startswith("van der Berg J (2020) ")


def test_hyphenated_family_name_is_kept_and_hyphenated_given_name_initialised():
    name = {"family": "Lloyd-Jones", "given": "Jean-Pierre"}
    assert one(article(author=[name])).startswith("Lloyd-Jones J-P (2020) ")


def test_two_authors_are_joined_with_and():
    assert one(article(author=authors(2))).startswith("NameA AB and NameB AB (2020)")


def test_four_authors_are_listed_in_full_without_serial_comma():
    assert one(article(author=authors(4))).startswith("NameA AB, NameB AB, NameC AB and NameD AB (2020)")


def test_five_or_more_authors_show_first_three_and_et_al():
    assert one(article(author=authors(5))).startswith("NameA AB, NameB AB, NameC AB et al (2020)")


def test_thirteen_authors_show_first_three_and_et_al():
    assert one(article(author=authors(13))).startswith("NameA AB, NameB AB, NameC AB et al (2020)")


def test_organisation_author_is_printed_as_written():
    item = article(author=[{"literal": "World Health Organization"}])
    assert one(item).startswith("World Health Organization (2020) 'Title'")


def test_volume_issue_and_pages_print_as_volume_issue_colon_pages():
    assert one(article(volume="33", issue="6", page="720-736")).endswith(", Journal, 33(6):720-736.")


def test_page_range_keeps_ascii_hyphen_even_when_written_with_en_dash():
    assert one(article(volume="33", issue="6", page="720–736")).endswith("33(6):720-736.")


def test_article_number_without_issue_prints_volume_colon_number():
    assert one(article(volume="50", page="101527")).endswith(", Journal, 50:101527.")


def test_supplement_issue_prints_inside_parentheses():
    assert one(article(volume="3", issue="Suppl 1", page="S1-S9")).endswith(", Journal, 3(Suppl 1):S1-S9.")


def test_cochrane_review_without_volume_prints_issue_word_and_review_number():
    item = article(issue="2", page="CD002859")
    assert one(item).endswith(", Journal, Issue 2, CD002859.")


def test_missing_doi_ends_after_the_locators():
    assert one(article(author=authors(1), volume="1", page="5")) == "NameA AB (2020) 'Title', Journal, 1:5."


def test_doi_prints_as_https_doi_org_url():
    assert one(article(DOI="10.1/x")).endswith(", Journal, https://doi.org/10.1/x.")


def test_doi_given_as_url_is_not_prefixed_twice():
    assert one(article(DOI="https://doi.org/10.1/x")).endswith(", https://doi.org/10.1/x.")


def test_missing_date_prints_n_d():
    item = article(author=authors(1))
    del item["issued"]
    assert one(item).startswith("NameA AB (n.d.) 'Title'")


def test_bibliography_is_sorted_by_author_then_year():
    items = [article(author=[{"family": "Beta", "given": "A"}], issued={"date-parts": [[2001]]}),
             article(author=[{"family": "Alpha", "given": "A"}], issued={"date-parts": [[2010]]}),
             article(author=[{"family": "Alpha", "given": "A"}], issued={"date-parts": [[2005]]})]
    entries = render_bibliography(items, "ig-criteria", "text")
    assert [entry[:13] for entry in entries] == ["Alpha A (2005", "Alpha A (2010", "Beta A (2001)"]


def test_book_has_italic_title_edition_publisher_and_place():
    item = {"type": "book", "author": [{"family": "Bryson", "given": "Bill"}], "title": "A short history",
            "edition": "2", "publisher": "Doubleday", "publisher-place": "London",
            "issued": {"date-parts": [[2003]]}}
    assert one(item, "markdown") == "Bryson B (2003) *A short history*, 2nd edn, Doubleday, London."


def test_chapter_has_quoted_title_in_editors_and_italic_book():
    item = {"type": "chapter", "author": [{"family": "Sorenson", "given": "T."}],
            "editor": [{"family": "Perks", "given": "R."}, {"family": "Thomson", "given": "A."}],
            "title": "Ethics in oral history", "container-title": "The oral history reader",
            "publisher": "Routledge", "publisher-place": "London", "issued": {"date-parts": [[2008]]}}
    assert one(item, "markdown") == ("Sorenson T (2008) 'Ethics in oral history', in Perks R and Thomson A "
                                     "(eds) *The oral history reader*, Routledge, London.")


def test_report_by_organisation_has_italic_title_and_publisher_place():
    item = {"type": "report", "author": [{"literal": "Australian Institute of Health and Welfare"}],
            "title": "Australia's health 2020", "publisher": "AIHW", "publisher-place": "Canberra",
            "issued": {"date-parts": [[2020]]}}
    assert one(item, "markdown") == ("Australian Institute of Health and Welfare (2020) *Australia's health "
                                     "2020*, AIHW, Canberra.")


def test_web_page_prints_accessed_date_and_url():
    item = {"type": "webpage", "author": [{"literal": "Bureau of Meteorology"}], "title": "Climate maps",
            "container-title": "Climate data online", "URL": "https://example.org/maps",
            "accessed": {"date-parts": [[2020, 1, 16]]}, "issued": {"date-parts": [[2020]]}}
    assert one(item, "markdown") == ("Bureau of Meteorology (2020) 'Climate maps', *Climate data online*, "
                                     "accessed 16 January 2020, <https://example.org/maps>.")


def test_thesis_has_italic_title_genre_and_university():
    item = {"type": "thesis", "author": [{"family": "Hamilton", "given": "R."}], "title": "A thesis",
            "genre": "PhD thesis", "publisher": "University of Melbourne", "issued": {"date-parts": [[2015]]}}
    assert one(item, "markdown") == "Hamilton R (2015) *A thesis*, PhD thesis, University of Melbourne."


def test_conference_paper_has_quoted_title_and_italic_proceedings():
    item = {"type": "paper-conference", "author": [{"family": "Lee", "given": "K."}], "title": "A paper",
            "container-title": "Proceedings of X", "publisher": "IEEE", "publisher-place": "Sydney",
            "page": "1-9", "issued": {"date-parts": [[2019]]}}
    assert one(item, "markdown") == "Lee K (2019) 'A paper', in *Proceedings of X*, IEEE, Sydney, pp 1-9."


def test_edited_book_puts_editors_with_eds_in_author_position():
    item = {"type": "book", "editor": authors(2), "title": "Edited", "publisher": "P",
            "issued": {"date-parts": [[2001]]}}
    assert one(item) == "NameA AB and NameB AB (eds) (2001) Edited, P."


def test_item_without_author_starts_with_its_title_once():
    item = {"type": "book", "title": "Anonymous work", "publisher": "P", "issued": {"date-parts": [[1999]]}}
    assert one(item, "markdown") == "*Anonymous work* (1999), P."


def test_same_author_entries_dated_as_the_same_year_range_get_the_year_suffix_after_the_range():
    """CSL 1.0.2 §Disambiguation: the year-suffix is appended to the first year rendered through
    cs:date; for a year range (BibTeX `date = {2014/2015}`) citeproc-js 2.4.63 appends it after the
    range, as it prints apa and chicago-author-date ("2014–2015a"). citeproc-js prints no suffix
    with this style only because its first cite's ambiguity key picks up the bibliography's
    "accessed " date prefix ("Smith 2014–accessed 2015", a leak of its date-range queue), so the
    two cites never compare equal; without that prefix it prints "Smith J (2014–2015a)" too."""
    items = [{"id": key, "type": "article-journal", "title": title, "container-title": "J Immunol",
              "author": [{"family": "Smith", "given": "John"}], "issued": {"date-parts": [[2014], [2015]]}}
             for key, title in (("a", "First"), ("b", "Second"))]
    assert render_bibliography(items, "ig-criteria", "text") == [
        "Smith J (2014–2015a) 'First', J Immunol.", "Smith J (2014–2015b) 'Second', J Immunol."]


def test_a_range_within_one_year_gets_its_year_suffix_on_the_shared_year():
    # citeproc-js 2.4.63 (ig-criteria): "Hopper E (2019a) 'D', J.", "Hopper E (2019b) 'C', J."
    def hopper(title, issued):
        return {"type": "article-journal", "author": [{"family": "Hopper", "given": "E."}], "title": title,
                "container-title": "J", "issued": {"date-parts": issued}}
    assert render_bibliography([hopper("C", [[2019, 6], [2019, 8]]), hopper("D", [[2019]])], "ig-criteria",
                               "text") == ["Hopper E (2019a) 'D', J.", "Hopper E (2019b) 'C', J."]
