"""PubMed EFetch XML and ESummary 2.0 JSON -> items (formats/pubmed.py).

Expected values were read by eye from the fixture files (tests/fixtures/pubmed/MANIFEST.md
says which are NCBI's recorded answers and which are hand-written in their shape).
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from evidencebib.errors import ParseError
from evidencebib.formats import pubmed

PUBMED = FIXTURES / "pubmed"


def records(name: str) -> dict[str, pubmed.PubmedRecord]:
    return {r.pmid: r for r in pubmed.parse_efetch((PUBMED / name).read_bytes(), source=name)}


# -- recorded answers -------------------------------------------------------------------------

def test_recorded_article_maps_journal_volume_pages_language_and_ids():
    record = records("biopython-pubmed2.xml")["11748933"]
    item = record.item
    assert item["type"] == "article-journal"
    assert item["title"].startswith("Is cryopreservation a homogeneous process?")
    assert item["container-title"] == "Cryobiology" and "container-title-short" not in item
    assert (item["volume"], item["issue"], item["page"]) == ("42", "4", "244-255")
    assert item["issued"] == {"date-parts": [[2001, 6]]}
    assert item["ISSN"] == "0011-2240" and item["language"] == "en"
    assert item["DOI"] == "10.1006/cryo.2001.2328" and item["PMID"] == "11748933"
    assert record.ids["pii"] == "S0011-2240(01)92328-4"
    assert [a["family"] for a in item["author"]] == ["Taddei", "Barbato", "Abelli", "Canese",
                                                     "Moretti", "Rana", "Fausto", "Mazzini"]
    assert item["author"][0]["given"] == "A R"
    assert record.publication_types == ("Journal Article", "Research Support, Non-U.S. Gov't")


def test_season_in_pubdate_becomes_csl_season():
    item = records("biopython-pubmed1.xml")["12091962"].item
    assert item["issued"] == {"date-parts": [[1990]], "season": 1}
    assert item["page"] == "113-125"      # MedlinePgn 113-25
    assert item["container-title-short"] == "Soc Justice"


def test_collective_name_keeps_its_place_among_persons():
    item = records("biopython-pubmed7.xml")["29963580"].item
    assert item["author"][-1] == {"literal": "Canadian Respiratory Research Network"}
    assert item["author"][0] == {"family": "Guo", "given": "Fumin"}
    assert len(item["author"]) == 9
    assert item["PMCID"] == "PMC6022861" and item["DOI"] == "10.1117/1.JMI.5.2.026002"
    assert item["page"] == "026002"


def test_italics_in_a_recorded_title_are_kept_as_csl_markup():
    item = records("biopython-pubmed6.xml")["30108519"].item
    assert item["title"].startswith('A "<i>Blood Relationship"</i> Between the Overlooked')


def test_ids_inside_the_reference_list_are_not_the_articles_own():
    record = records("corrected-and-concern.xml")["99000001"]
    assert record.item["DOI"] == "10.5555/evb.2023.0017"
    assert "12345678" not in record.ids.values()


# -- recorded-shape cases ------------------------------------------------------------------------

def test_structured_title_keeps_italic_bold_superscript_and_subscript():
    title = records("corrected-and-concern.xml")["99000001"].item["title"]
    assert title == ("Subcutaneous immunoglobulin in <i>CIDP</i>: IgG<sub>1</sub> trough levels, "
                     "<b>relapse</b> and Ca<sup>2+</sup> signalling in a randomised trial.")


def test_medline_date_ranges_and_pages_with_dropped_digits():
    found = records("corrected-and-concern.xml")
    assert found["99000001"].item["issued"] == {"date-parts": [[2023, 1], [2023, 2]]}
    assert found["99000001"].item["page"] == "123-129"
    assert found["99000003"].item["issued"] == {"date-parts": [[2023, 5], [2023, 6]]}
    dated = records("dates-and-groups.xml")
    assert dated["99000004"].item["issued"] == {"date-parts": [[1998, 12], [1999, 1]]}
    assert dated["99000004"].item["page"] == "S12-S19"
    assert dated["99000005"].item["issued"] == {"date-parts": [[2000]], "season": 1}
    assert dated["99000006"].item["issued"] == {"date-parts": [[2001]], "season": 2}


def test_malformed_dates_keep_the_year_and_say_what_was_not_understood():
    dated = records("dates-and-groups.xml")
    assert dated["99000007"].item["issued"] == {"date-parts": [[2019]]}
    assert "2019 Jan 32" in dated["99000007"].problems[0]
    assert dated["99000008"].item["issued"] == {"literal": "Date unknown"}
    assert "no year" in dated["99000008"].problems[0]


def test_names_particles_suffixes_invalid_authors_and_initials_only():
    authors = records("corrected-and-concern.xml")["99000001"].item["author"]
    assert authors[0] == {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}
    assert authors[1] == {"family": "O'Neill", "given": "Siobhán", "suffix": "Jr"}
    assert authors[2] == {"literal": "CIDP Immunoglobulin Trial Group"}
    dated = records("dates-and-groups.xml")
    assert dated["99000005"].item["author"] == [{"family": "Müller", "given": "K"}]  # ValidYN=N left out
    assert dated["99000004"].item["author"] == [
        {"literal": "National Blood Authority Immunoglobulin Working Group"}]


def test_elocation_pii_and_doi_and_first_language():
    record = records("corrected-and-concern.xml")["99000001"]
    assert record.ids["pii"] == "S2999-0001(22)00017-3"
    assert record.item["PMCID"] == "PMC9900001"
    assert records("dates-and-groups.xml")["99000004"].item["language"] == "en"   # eng, then fre
    assert records("dates-and-groups.xml")["99000005"].item["language"] == "de"   # ger


def test_retracted_publication_with_the_notices_pmids():
    found = records("retracted-wakefield-1998.xml")
    article = found["9500320"]
    assert article.retracted and article.partially_retracted
    assert "Retracted Publication" in article.publication_types
    [retraction] = article.related("RetractionIn")
    assert retraction.pmid == "20137807" and retraction.tag == "RIN"
    assert retraction.source.startswith("Lancet. 2010 Feb 6;375(9713):445")
    assert article.related("PartialRetractionIn")[0].pmid == "15016483"
    assert article.item["DOI"] == "10.1016/s0140-6736(97)11096-0"
    notice = found["20137807"]
    assert notice.is_notice and not notice.retracted
    assert notice.related("RetractionOf")[0].pmid == "9500320"
    assert notice.item["author"] == [{"literal": "The Editors of The Lancet"}]


def test_expression_of_concern_and_erratum_links_both_ways():
    found = records("corrected-and-concern.xml")
    article = found["99000001"]
    assert article.concern and article.corrected and not article.retracted
    assert article.related("ExpressionOfConcernIn")[0].pmid == "99000002"
    assert article.related("ErratumIn")[0].pmid == "99000003"
    assert found["99000002"].related("ExpressionOfConcernFor")[0].pmid == "99000001"
    assert found["99000003"].related("ErratumFor")[0].pmid == "99000001"
    assert found["99000002"].is_notice and found["99000003"].is_notice


def test_mismatch_pair_pubmed_record_names_another_doi():
    record = pubmed.parse_efetch((PUBMED / "mismatch" / "efetch.xml").read_bytes())[0]
    assert record.pmid == "99000010" and record.item["DOI"] == "10.5555/evb.mismatch-a"


# -- answers that are not articles ------------------------------------------------------------------

def test_an_empty_article_set_is_no_records():
    assert pubmed.parse_efetch(b"<?xml version='1.0'?><PubmedArticleSet></PubmedArticleSet>") == []


@pytest.mark.parametrize("data,message", [
    (b"<PubmedArticleSet><PubmedArticle>", "not well-formed"),
    (b"<html><body>Service unavailable</body></html>", "not a PubmedArticleSet"),
    (b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
     "Empty id list"),
])
def test_answers_that_are_not_article_sets_are_parse_errors(data, message):
    with pytest.raises(ParseError) as error:
        pubmed.parse_efetch(data, source="efetch")
    assert message in str(error.value) and "efetch" in str(error.value)


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            "<ArticleTitle>&e;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            "</PubmedArticleSet>").encode()
    try:
        found = pubmed.parse_efetch(data)
    except ParseError:
        return
    assert "TOP SECRET" not in json.dumps(found[0].item)


# -- ESummary 2.0 JSON -----------------------------------------------------------------------------

def test_esummary_retracted_record_and_unknown_uid():
    answer = json.loads((PUBMED / "esummary-retracted.json").read_text(encoding="utf-8"))
    found, missing = pubmed.parse_esummary(answer)
    assert missing == ["99999999"]
    article, notice = found
    assert article.pmid == "9500320" and article.retracted and article.partially_retracted
    assert article.related("RetractionIn")[0].pmid == "20137807"
    item = article.item
    assert item["author"][0] == {"family": "Wakefield", "given": "A J"}
    assert item["author"][-1] == {"family": "Walker-Smith", "given": "J A"}
    assert item["issued"] == {"date-parts": [[1998, 2, 28]]}
    assert item["page"] == "637-641" and item["container-title"] == "Lancet (London, England)"
    assert item["container-title-short"] == "Lancet" and item["DOI"] == "10.1016/s0140-6736(97)11096-0"
    assert item["ISSN"] == "0140-6736, 1474-547X" and item["language"] == "en"
    assert notice.item["author"] == [{"literal": "The Editors of The Lancet"}]
    assert notice.related("RetractionOf")[0].pmid == "9500320" and notice.is_notice


def test_esummary_and_efetch_agree_on_the_fields_both_carry():
    answer = json.loads((PUBMED / "esummary-retracted.json").read_text(encoding="utf-8"))
    summary = pubmed.parse_esummary(answer)[0][0].item
    fetched = records("retracted-wakefield-1998.xml")["9500320"].item
    for variable in ("title", "issued", "volume", "issue", "page", "DOI", "PMID",
                     "container-title", "container-title-short", "language"):
        assert summary[variable] == fetched[variable], variable


@pytest.mark.parametrize("answer", [{}, {"result": None}, [], "x"])
def test_esummary_of_the_wrong_shape_is_an_error(answer):
    with pytest.raises(ValueError):
        pubmed.parse_esummary(answer)


def test_esummary_values_of_the_wrong_type_are_ignored():
    record = pubmed.summary_to_record({"uid": "5", "title": 7, "authors": "x", "pages": None,
                                       "articleids": [None, {"idtype": "doi", "value": 3}],
                                       "references": [{"reftype": "Retraction in"}]})
    assert record.item == {"type": "article-journal", "PMID": "5"}
    assert record.related("RetractionIn")[0].pmid is None


# -- the values shared with MEDLINE ------------------------------------------------------------------

@pytest.mark.parametrize("text,date", [
    ("2023 Jan-Feb", {"date-parts": [[2023, 1], [2023, 2]]}),
    ("1998 Dec-1999 Jan", {"date-parts": [[1998, 12], [1999, 1]]}),
    ("2000 Spring", {"date-parts": [[2000]], "season": 1}),
    ("Summer 2001", {"date-parts": [[2001]], "season": 2}),
    ("2001 Dec 1-15", {"date-parts": [[2001, 12, 1], [2001, 12, 15]]}),
    ("1999 Dec 27-2000 Jan 2", {"date-parts": [[1999, 12, 27], [2000, 1, 2]]}),
    ("1976-1977", {"date-parts": [[1976], [1977]]}),
    ("2006 Mar 1", {"date-parts": [[2006, 3, 1]]}),
    ("2009 Fall", {"date-parts": [[2009]], "season": 3}),
])
def test_pubmed_dates(text, date):
    assert pubmed.parse_pubmed_date(text) == (date, None)


@pytest.mark.parametrize("text", ["2023 Jan-Feb", "1998 Dec-1999 Jan", "2000 Spring",
                                  "2001 Dec 1-15", "1976-1977", "2006 Mar 1", "2012 Oct"])
def test_pubmed_dates_are_written_back_as_pubmed_writes_them(text):
    assert pubmed.format_pubmed_date(pubmed.parse_pubmed_date(text)[0]) == text


@pytest.mark.parametrize("text,page", [("123-9", "123-129"), ("244-55", "244-255"),
                                       ("1116-1122", "1116-1122"), ("S12-9", "S12-S19"),
                                       ("e123", "e123"), ("123-9; discussion 130",
                                                          "123-129; discussion 130")])
def test_medline_pages(text, page):
    assert pubmed.expand_pages(text) == page


# -- hostile input ------------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

SEED_XML = (PUBMED / "corrected-and-concern.xml").read_bytes()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_efetch_answers_give_records_or_a_parse_error(data):
    raw = bytearray(SEED_XML)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at:at + data.draw(st.integers(0, 20))] = data.draw(st.binary(max_size=12))
    try:
        found = pubmed.parse_efetch(bytes(raw))
    except ParseError:
        return
    for record in found:
        assert isinstance(record.item, dict) and isinstance(record.pmid, str)


@given(st.text(max_size=40))
def test_any_date_text_is_a_date_or_a_problem(text):
    date, problem = pubmed.parse_pubmed_date(text)
    assert date is None or "date-parts" in date or "literal" in date
    if date and "date-parts" in date:
        pubmed.format_pubmed_date(date)


def test_billion_laughs_is_not_expanded():
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    data = (f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY l0 "lol">{lol}]>'
            "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            "<ArticleTitle>&l9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            "</PubmedArticleSet>").encode()
    try:
        found = pubmed.parse_efetch(data)
    except ParseError:
        return
    assert len(found[0].item.get("title", "")) < 10_000


def test_bookshelf_chapters_are_chapters_with_book_editors_and_publisher():
    data = b"""<PubmedArticleSet><PubmedBookArticle><BookDocument>
      <PMID Version="1">20301300</PMID>
      <ArticleIdList><ArticleId IdType="bookaccession">NBK1116</ArticleId></ArticleIdList>
      <Book><Publisher><PublisherName>University of Washington, Seattle</PublisherName>
        <PublisherLocation>Seattle (WA)</PublisherLocation></Publisher>
        <BookTitle book="gene">GeneReviews<sup>&#xae;</sup></BookTitle>
        <PubDate><Year>1993</Year></PubDate>
        <AuthorList Type="editors"><Author>
          <LastName>Adam</LastName><ForeName>Margaret P</ForeName></Author></AuthorList>
      </Book>
      <ArticleTitle>Primary Immunodeficiency Overview</ArticleTitle>
      <Language>eng</Language>
      <AuthorList Type="authors"><Author>
        <LastName>Smith</LastName><ForeName>Anne</ForeName></Author></AuthorList>
      <PublicationType UI="D016454">Review</PublicationType>
    </BookDocument><PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301300</ArticleId>
    </ArticleIdList></PubmedBookData></PubmedBookArticle></PubmedArticleSet>"""
    [record] = pubmed.parse_efetch(data)
    item = record.item
    assert item["type"] == "chapter" and item["title"] == "Primary Immunodeficiency Overview"
    assert item["container-title"] == "GeneReviews<sup>®</sup>"
    assert item["editor"] == [{"family": "Adam", "given": "Margaret P"}]
    assert item["author"] == [{"family": "Smith", "given": "Anne"}]
    assert (item["publisher"], item["publisher-place"]) == ("University of Washington, Seattle",
                                                           "Seattle (WA)")
    assert item["issued"] == {"date-parts": [[1993]]} and item["PMID"] == "20301300"
    assert record.publication_types == ("Review",)


# -- a saved EFetch answer as an import file -------------------------------------------------------

def test_a_saved_pubmed_xml_file_is_detected_and_imported_with_warnings(tmp_path, caplog):
    import logging

    from evidencebib import api
    from evidencebib.errors import UsageError
    from evidencebib.formats import detect, registry

    path = tmp_path / "pubmed.xml"
    path.write_bytes((PUBMED / "retracted-wakefield-1998.xml").read_bytes())
    assert detect.detect(path.read_text()) == "pubmed-xml"
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.pubmed"):
        items = api.read_file(path)
    assert [i["PMID"] for i in items] == ["9500320", "20137807"]
    assert [i["id"] for i in items] == ["wakefield1998", "theeditorsofthelancet2010"]
    assert items[0]["_line"] == 4
    assert any("line 4, PMID 9500320: PubMed marks it retracted, partly retracted" in r.getMessage()
               for r in caplog.records)
    with pytest.raises(UsageError):
        registry.get("pubmed-xml").write(items)
