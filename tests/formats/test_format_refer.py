"""EndNote tagged / Refer (.enw) reader: formats/refer.py.

The fixtures are real files (tests/fixtures/formats/refer/README.md): Zotero's own test inputs
for its "Refer/BibIX" translator (zotero/translators ReferBibIX.js), and publishers' and Google
Scholar's "EndNote" citation downloads. Where a test says "as Zotero expects", the values are
those of that translator's test case (its "items").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencebib import api
from evidencebib.errors import ParseError, UsageError
from evidencebib.formats import csl_json, detect, refer, registry
from evidencebib.model import LINE, NOTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "refer"


def _read(name: str) -> list[dict]:
    path = FIXTURES / name
    return refer.read(path.read_text(encoding="utf-8"), source=str(path))


@pytest.fixture(scope="module")
def zotero() -> list[dict]:
    return _read("zotero-referbibix.enw")


@pytest.fixture(scope="module")
def publishers() -> list[dict]:
    return _read("publishers.enw")


def _extras(item: dict, tag: str) -> list[str]:
    return [value for name, value in item.get(refer.EXTRA, ()) if name == tag]


# -- Zotero's test cases ---------------------------------------------------------------------

def test_wanfang_journal_article_reads_as_zotero_expects(zotero):
    item = zotero[0]
    assert item["type"] == "article-journal"
    assert item["author"] == [{"family": "余敏"}, {"family": "朱江"}, {"family": "丁照蕾"}]
    assert item["title"] == "参考文献管理工具研究"
    assert item["issued"] == {"date-parts": [[2009]]}
    assert (item["volume"], item["issue"], item["page"]) == ("29", "2", "94-98,93")
    assert item["language"] == "chi"
    assert item["URL"] == "http://d.wanfangdata.com.cn/Periodical_xdqb200902027.aspx"
    assert item["abstract"].startswith("介绍了参考文献管理的基本方法")
    assert item["keyword"] == "参考文献管理 文献管理软件 学术书签网站 Zotero"


def test_percent_r_holding_a_doi_is_the_doi(zotero):
    # EndNote's "Electronic Resource Number"; Zotero's translator reads %R as a report type
    # and so drops this DOI
    assert zotero[0]["DOI"] == "10.3969/j.issn.1008-0821.2009.02.027"


def test_norwegian_library_book_reads_as_zotero_expects(zotero):
    item = zotero[1]
    assert item["type"] == "book"
    assert item["author"] == [{"family": "Calvino", "given": "Italo"}]
    assert item["translator"] == [{"family": "Aardal", "given": "Jorunn"}]
    assert item["editor"] == [{"family": "Stender Clausen", "given": "Jørgen"}]
    assert item["issued"] == {"date-parts": [[1982]]}
    assert item["ISBN"] == "8203107354"
    assert item["language"] == "Flerspråklig, Norsk (Bokmål), Italiensk, Dansk"
    assert (item["publisher-place"], item["publisher"]) == ("Oslo", "Aschehoug")
    assert item["URL"] == "https://urn.nb.no/URN:NBN:no-nb_digibok_2016062048105"
    assert item["note"] == "Elektronisk reproduksjon [Norge] Nasjonalbiblioteket Digital 2016-11-03"
    assert sorted(item["keyword"].split(", ")) == ["Idealbyer", "Italiensk litteratur",
                                                  "kjernelitteratur"]


def test_a_record_without_a_type_line_is_a_book_as_in_zotero(zotero):
    item = zotero[2]
    assert item["type"] == "book"
    assert item["title"] == "Corn"
    assert item["publisher"] == "Uniontown, Ala. : Canebrake Agricultural Experiment Station"


def test_of_several_type_lines_the_last_counts_and_the_others_are_kept(zotero):
    item = zotero[3]
    assert item["type"] == "song"  # Zotero: audioRecording
    assert _extras(item, "%0") == ["Serial"]


def test_tags_without_a_variable_are_kept_on_the_item(zotero):
    item = zotero[0]
    assert _extras(item, "%H") == ["Yu Min", "Zhu Jiang", "Ding Zhaolei"]
    assert len(_extras(item, "%+")) == 3


def test_a_second_journal_line_is_kept_not_dropped(zotero):
    assert zotero[0]["container-title"] == "现代情报"
    assert _extras(zotero[0], "%J") == ["JOURNAL OF MODERN INFORMATION"]


def test_a_percent_r_that_is_no_doi_is_kept_and_noted(zotero):
    item = zotero[1]
    assert "DOI" not in item
    assert _extras(item, "%R") == ["oai:nb.bibsys.no:998320569524702202",
                                   "URN:NBN:no-nb_digibok_2016062048105"]
    assert any("is no DOI" in note for note in item[NOTES])


def test_each_record_knows_the_line_it_starts_on(zotero):
    text = (FIXTURES / "zotero-referbibix.enw").read_text(encoding="utf-8").splitlines()
    for item in zotero:
        assert text[item[LINE] - 1].startswith("%")
        assert item[LINE] == 1 or not text[item[LINE] - 2].strip() \
            or text[item[LINE] - 2].startswith("#")


# -- publishers' and Google Scholar's downloads --------------------------------------------

def test_bibutils_proceedings_editors_and_title_are_the_containers(publishers):
    item = publishers[0]  # ACL Anthology: %0 Conference Proceedings, %Y editors, %S title
    assert item["type"] == "paper-conference"
    assert [name["family"] for name in item["editor"]] == ["Bouamor", "Pino", "Bali"]
    assert "translator" not in item
    assert item["container-title"] == \
        "Findings of the Association for Computational Linguistics: EMNLP 2023"


def test_percent_8_completes_the_year_of_percent_d(publishers):
    assert publishers[0]["issued"] == {"date-parts": [[2023, 12]]}  # %D 2023, %8 December
    assert publishers[1]["issued"] == {"date-parts": [[2000, 12, 1]]}  # %8 2000-12-01


def test_the_label_is_the_citation_key(publishers):
    assert publishers[0]["id"] == "zhang-etal-2023-huatuogpt"


def test_a_url_that_only_repeats_the_doi_is_not_the_url(publishers):
    assert publishers[0]["URL"] == "https://aclanthology.org/2023.findings-emnlp.725/"
    assert not _extras(publishers[0], "%U")
    assert "URL" not in publishers[1]  # http://dx.doi.org/10.1007/s004490000209
    assert publishers[1]["DOI"] == "10.1007/s004490000209"


def test_a_name_without_a_comma_is_given_name_then_family_name(publishers):
    assert publishers[2]["author"][1] == {"family": "Jo", "given": "Hye-Young"}


def test_percent_at_is_an_issn_or_isbn_by_its_form(publishers):
    assert publishers[2]["ISBN"] == "9781450380966"
    assert publishers[3]["ISSN"] == "1094-4087"
    assert publishers[1]["ISSN"] == "0178-515X"


def test_google_scholar_record_reads_whole(publishers):
    item = publishers[3]
    assert item["type"] == "article-journal"
    assert item["author"][0] == {"family": "Vo", "given": "Nghia T"}
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == \
        ("Optics express", "26", "22", "28396-28412")
    assert item["publisher"] == "Optical Society of America"


def test_endnote_manual_examples_read_with_their_types():
    book, article, thesis = _read("endnote-manual.enw")
    assert (book["type"], article["type"], thesis["type"]) == ("book", "article-journal", "thesis")
    assert book["author"] == [{"family": "Chaucer", "given": "Geoffrey"}]
    assert article["container-title"] == "Language"  # %B: the journal of an article
    assert thesis["genre"] == "Dissertation"


# -- the structure of the file ----------------------------------------------------------------

def test_a_line_without_a_tag_continues_the_value_before_it():
    item, = refer.read("%0 Journal Article\n%T A title\n%X First line\nsecond line\n")
    assert item["abstract"] == "First line\nsecond line"


def test_keyword_lines_under_one_tag_are_separate_keywords():
    item, = refer.read("%0 Book\n%T T\n%K one\ntwo\n%K three\n")
    assert item["keyword"] == "one, two, three"


def test_a_type_line_after_other_tags_starts_a_new_record():
    items = refer.read("%0 Book\n%T One\n%0 Book\n%T Two\n")
    assert [item["title"] for item in items] == ["One", "Two"]


def test_crlf_line_ends_and_a_byte_order_mark_are_read():
    item, = refer.read("\ufeff%0 Book\r\n%T One\r\n%A Doe, Jane\r\n\r\n")
    assert item["title"] == "One" and item["author"] == [{"family": "Doe", "given": "Jane"}]


def test_an_untagged_line_after_a_blank_line_is_a_parse_error_naming_the_line():
    with pytest.raises(ParseError) as error:
        refer.read("%0 Book\n%T One\n\nnot a tag\n", source="x.enw")
    assert error.value.location.line == 4 and "x.enw" in str(error.value)


def test_a_file_without_tagged_lines_is_a_parse_error():
    with pytest.raises(ParseError, match="no EndNote tagged"):
        refer.read("just text\n", source="x.enw")


def test_an_unknown_type_is_a_document_with_a_note():
    item, = refer.read("%0 Papyrus\n%T T\n")
    assert item["type"] == "document"
    assert _extras(item, "%0") == ["Papyrus"]
    assert "Papyrus" in item[NOTES][0]


def test_a_name_ending_in_its_only_comma_is_an_organisation():
    item, = refer.read("%0 Report\n%A World Health Organization,\n%T T\n")
    assert item["author"] == [{"literal": "World Health Organization"}]


def test_all_digit_accession_number_is_the_pmid_and_percent_2_the_pmcid_of_an_article():
    item, = refer.read("%0 Journal Article\n%T T\n%M 31415926\n%2 PMC1234567\n")
    assert (item["PMID"], item["PMCID"]) == ("31415926", "PMC1234567")


# -- registry, detection, the rest of the program ---------------------------------------------

@pytest.mark.parametrize("name", ["zotero-referbibix.enw", "publishers.enw", "endnote-manual.enw"])
def test_fixtures_are_detected_as_enw_by_content(name):
    assert detect.detect((FIXTURES / name).read_text(encoding="utf-8")) == "enw"


def test_a_bibtex_file_with_percent_comments_is_still_bibtex():
    assert detect.detect("% Encoding: UTF-8\n%% made by JabRef\n@article{a, title={T}}\n") == "bibtex"


@pytest.mark.parametrize("name", ["enw", "refer", ".enw", ".refer", "endnote-tagged"])
def test_the_registry_knows_the_format_by_name_alias_and_extension(name):
    assert registry.get(name).name == "enw"


def test_the_file_name_suggests_the_format():
    assert registry.for_path("citations.ENW").name == "enw"


def test_writing_enw_is_refused_with_the_formats_to_use():
    with pytest.raises(UsageError, match="ris"):
        registry.get("enw").write([])


def test_read_file_detects_an_enw_file_without_being_told():
    items = api.read_file(FIXTURES / "publishers.enw")
    assert len(items) == 4


def test_tags_a_condition_cannot_store_are_named_by_the_bibtex_warning(zotero):
    warnings = " ".join(api.export_warnings(zotero, "bibtex"))
    assert "Refer %+ ×3" in warnings and "Refer %H ×3" in warnings


def test_kept_tags_come_back_through_csl_json(zotero):
    back = csl_json.read(csl_json.write(zotero))
    assert [item.get(refer.EXTRA) for item in back] == [item.get(refer.EXTRA) for item in zotero]


def test_records_are_csl_json_the_schema_accepts(publishers):
    written = json.loads(csl_json.write(publishers))
    assert [entry["type"] for entry in written] == ["paper-conference", "article-journal",
                                                    "paper-conference", "article-journal"]


def _tag_lines() -> list[tuple[str, str, int]]:
    """(fixture, record text, index of one tagged line) for every tagged line of the fixtures."""
    cases = []
    for path in sorted(FIXTURES.glob("*.enw")):
        text = path.read_text(encoding="utf-8")
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        for record in (chunk.strip("\n") for chunk in body.split("\n\n")):
            lines = record.splitlines()
            cases += [(path.name, record, index) for index, line in enumerate(lines)
                      if line.startswith("%")]
    return cases


TAG_LINES = _tag_lines()


@pytest.mark.parametrize("name,record,index", TAG_LINES,
                         ids=[f"{c[0]}:{c[1].splitlines()[c[2]][:2]}:{n}"
                              for n, c in enumerate(TAG_LINES)])
def test_no_tag_line_is_dropped_silently(name, record, index):
    """Taking any one tagged line out changes the item read (each is mapped or kept), except
    what another line of the record already says: a URL that only repeats the DOI (left out
    by design), `%0 Book` (a record without `%0` is a book, as in Zotero) and a `%D` year that
    the `%8` date holds."""
    lines = record.splitlines()
    full, = refer.read(record)
    without = refer.read("\n".join(lines[:index] + lines[index + 1:]) or "%T x")
    tag, _, value = lines[index].partition(" ")
    if tag == "%U" and "doi.org/" in value and full.get("DOI", "").lower() in value.lower():
        return
    if tag == "%0" and value == "Book" or tag == "%D" and any(
            line.startswith("%8 ") and value in line for line in lines):
        assert without == [full]
        return
    assert without != [full], f"{name}: {lines[index]!r} made no difference"
