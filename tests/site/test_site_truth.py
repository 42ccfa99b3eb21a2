"""What the site says about verification, COinS, per-reference files and its options (no browser).

The browser tests (test_site_document_browser.py) show the same on a whole generated document;
these pin each rule on its own, on small inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from evidencebib.cli.site import register
from evidencebib.errors import ParseError, UsageError
from evidencebib.site import build_site
from evidencebib.site import coverage as cov
from evidencebib.site import report as rep
from evidencebib.site.builder import site_options
from evidencebib.site.coins import context_object
from evidencebib.store import References

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SLUG = "recurrent-miscarriage"
REPORT = TESTS / "fixtures" / "site" / "verify-report.json"


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def meta_terms(path: Path) -> dict[str, str]:
    page = lxml_html.fromstring(path.read_bytes())
    return {text_of(dt_): text_of(dt_.getnext()) for dt_ in page.xpath('//dl[@class="meta"]/dt')}


def write_report(path: Path, results: list[dict], generated: str | None = "2026-11-30T09:15:00+00:00"):
    data: dict = {"results": results}
    if generated:
        data["generated"] = generated
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- verification coverage -----------------------------------------------------------------

def _check(status: str, key: str = "k") -> rep.Check:
    return rep.Check("c", key, status)


def test_entries_without_doi_are_not_checked_whatever_the_report_says() -> None:
    items = [{"id": f"k{i}"} for i in range(34)]
    checks = {f"k{i}": _check("no-doi", f"k{i}") for i in range(34)}
    cover = cov.coverage_of(items, 0, checks, True)
    assert (cover.checked, cover.no_doi, cover.problems) == (0, 34, 0)
    cell = lxml_html.fragment_fromstring(cov.cell_html(cover), create_parent="div")
    assert "Not checked" in text_of(cell) and "No problems" not in text_of(cell)
    assert "0 of 34 checked \u00b7 34 without a DOI" in text_of(cell)


def test_all_checked_and_clean_is_no_problems_with_its_count() -> None:
    items = [{"id": "a", "DOI": "10.1/a"}, {"id": "b", "DOI": "10.1/b"}]
    cover = cov.coverage_of(items, 0, {"a": _check("ok", "a"), "b": _check("corrected", "b")}, True)
    assert text_of(lxml_html.fragment_fromstring(cov.cell_html(cover), create_parent="div")) == (
        "\u2713No problems all 2 checked")


def test_partly_checked_names_each_gap() -> None:
    items = [{"id": "a", "DOI": "10.1/a"}, {"id": "b", "DOI": "10.1/b"}, {"id": "c"},
             {"id": "d", "DOI": "10.1/d"}]
    cover = cov.coverage_of(items, 2, {"a": _check("ok", "a"), "b": _check("unreachable", "b")}, True)
    assert (cover.total, cover.checked, cover.unreachable, cover.not_in_report) == (6, 1, 1, 1)
    text = text_of(lxml_html.fragment_fromstring(cov.cell_html(cover), create_parent="div"))
    assert text.startswith("\u2713No problems found 1 of 6 checked")
    for gap in ("1 without a DOI", "2 could not be read", "1 not reached (service unavailable)",
                "1 not in the report"):
        assert gap in text


def test_unreachable_is_not_a_problem_but_retraction_is() -> None:
    assert not rep.is_problem("unreachable") and not rep.is_problem("no-doi")
    assert rep.is_problem("retracted") and rep.is_problem("not-found") and rep.is_problem("mismatch")


@pytest.mark.parametrize("details, shown", [
    ("no DOI (try `evidencebib find-doi`)", "no DOI"),
    ("offline: not in the cache (run `evidencebib verify` online)", "offline: not in the cache"),
    ("title differs; run `evidencebib enrich CONDITION` to fix", "title differs"),
    ("Retraction notice 10.1/x", "Retraction notice 10.1/x"),
])
def test_command_line_advice_is_left_out_of_reader_text(details: str, shown: str) -> None:
    assert rep.reader_text(details) == shown


def test_report_date_is_read_or_taken_from_the_file(tmp_path: Path) -> None:
    dated = rep.load_report(write_report(tmp_path / "a.json", []))
    assert dated.generated == dt.datetime(2026, 11, 30, 9, 15, tzinfo=dt.timezone.utc)
    assert cov.when_html(dated) == ('verified on <time datetime="2026-11-30T09:15:00+00:00">'
                                    "30 November 2026</time>")
    undated = write_report(tmp_path / "b.json", [], generated=None)
    os.utime(undated, (1_700_000_000, 1_700_000_000))
    report = rep.load_report(undated)
    assert report.generated_from_file
    assert cov.when_html(report).startswith("report file dated <time")
    assert "14 November 2023" in cov.when_html(report)
    with pytest.raises(ParseError, match="ISO 8601"):
        rep.load_report(write_report(tmp_path / "c.json", [], generated="yesterday"))


def test_verify_writes_when_it_ran() -> None:
    verify = pytest.importorskip("evidencebib.verify")
    data = json.loads(verify.to_json([], generated=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)))
    assert data["generated"] == "2026-01-02T03:04:05+00:00"
    assert rep.parse_report(data).generated.year == 2026
    assert dt.datetime.fromisoformat(json.loads(verify.to_json([]))["generated"]).tzinfo is not None


def test_notices_become_links_with_their_date(references: Path, tmp_path: Path) -> None:
    report = write_report(tmp_path / "r.json", [
        {"condition": SLUG, "key": "wang2016", "status": "retracted", "doi": "10.1016/j.rbmo.2016.08.025",
         "details": "Retraction notice 10.9999/notice, 2024-03-05",
         "notices": [{"DOI": "10.9999/NOTICE", "type": "retraction", "label": "Retraction",
                      "updated": {"date-parts": [[2024, 3, 5]]}, "source": "retraction-watch"}]}])
    build_site(References(references), tmp_path / "site", verify_report=report, styles="apa")
    for page in ("index.html", "apa.html"):
        doc = lxml_html.fromstring((tmp_path / "site" / SLUG / page).read_bytes())
        entry = doc.xpath('//li[@data-key="wang2016"]')[0]
        links = entry.xpath('.//a[@class="notice"]')
        assert [a.get("href") for a in links] == ["https://doi.org/10.9999/notice"]
        assert text_of(links[0]) == "Retraction notice"
        assert "(5 March 2024, Retraction Watch)" in text_of(entry)


def test_a_bib_with_unreadable_blocks_is_built_and_counted(references: Path, tmp_path: Path) -> None:
    bib = references / f"{SLUG}.bib"
    broken = "\n@article{broken,\n  title = {a},\n  title = {b},\n}\n"
    bib.write_text(bib.read_text(encoding="utf-8") + broken, encoding="utf-8")
    result = build_site(References(references), tmp_path / "site", verify_report=REPORT, styles="apa")
    assert any(f"{SLUG}.bib" in note and "line" in note and "broken" in note for note in result.notes)
    terms = meta_terms(tmp_path / "site" / SLUG / "index.html")
    assert terms["References"] == "5 shown; 1 entry could not be read and is not shown"
    assert "1 could not be read" in terms["Verification"]
    assert result.conditions[0].references == 5


# -- COinS -----------------------------------------------------------------------------------

def kev(item: dict) -> dict[str, list[str]]:
    return parse_qs(context_object(item), strict_parsing=True)


def test_coins_of_a_journal_article() -> None:
    fields = kev({"type": "article-journal", "title": "Ig & pregnancy: a trial", "DOI": "10.1/X Y",
                  "container-title": "Blood", "container-title-short": "Blood", "volume": "3",
                  "issue": "2", "page": "101-9", "ISSN": "0006-4971", "PMID": "123",
                  "issued": {"date-parts": [[2020, 5, 7]]},
                  "author": [{"family": "Berg", "given": "Johan", "non-dropping-particle": "van der"},
                             {"family": "Smith", "given": "J."}]})
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
    assert fields["rft.genre"] == ["article"]
    assert fields["rft.atitle"] == ["Ig & pregnancy: a trial"]
    assert (fields["rft.jtitle"], fields["rft.volume"], fields["rft.issue"]) == (["Blood"], ["3"], ["2"])
    assert (fields["rft.spage"], fields["rft.epage"], fields["rft.pages"]) == (["101"], ["9"], ["101-9"])
    assert fields["rft.date"] == ["2020-05-07"]
    assert fields["rft.aulast"] == ["van der Berg"] and fields["rft.aufirst"] == ["Johan"]
    assert fields["rft.au"] == ["van der Berg, Johan", "Smith, J."]
    assert fields["rft_id"] == ["info:doi/10.1/X Y", "info:pmid/123"]
    assert " " not in context_object({"type": "article-journal", "title": "a b"})  # %20, as Zotero writes


@pytest.mark.parametrize("page, start, end", [("243\u2013245", "243", "245"), ("12--34", "12", "34"),
                                              ("e1 - e12", "e1", "e12"), ("S17", "S17", None)])
def test_coins_start_and_end_pages_split_on_any_dash(page: str, start: str, end: str | None) -> None:
    fields = kev({"type": "article-journal", "title": "t", "page": page})
    assert fields["rft.pages"] == [page]
    assert fields["rft.spage"] == [start]
    assert fields.get("rft.epage") == ([end] if end else None)


def test_coins_of_books_chapters_theses_and_the_rest() -> None:
    book = kev({"type": "book", "title": "Handbook", "publisher": "Wiley", "publisher-place": "Oxford",
                "ISBN": "978-0-00", "author": [{"literal": "World Health Organization"}],
                "issued": {"date-parts": [[2019]]}})
    assert book["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"] and book["rft.genre"] == ["book"]
    assert book["rft.btitle"] == ["Handbook"] and book["rft.pub"] == ["Wiley"]
    assert book["rft.aucorp"] == ["World Health Organization"] and book["rft.date"] == ["2019"]
    chapter = kev({"type": "chapter", "title": "Dosing", "container-title": "Handbook", "page": "5-9"})
    assert chapter["rft.genre"] == ["bookitem"] and chapter["rft.atitle"] == ["Dosing"]
    assert chapter["rft.btitle"] == ["Handbook"]
    assert kev({"type": "paper-conference", "title": "x"})["rft.genre"] == ["proceeding"]
    assert kev({"type": "report", "title": "x"})["rft.genre"] == ["report"]
    thesis = kev({"type": "thesis", "title": "On Ig", "publisher": "Uni", "genre": "PhD"})
    assert thesis["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dissertation"]
    assert thesis["rft.inst"] == ["Uni"] and thesis["rft.degree"] == ["PhD"]
    page = kev({"type": "webpage", "title": "Criteria", "URL": "https://example.org/a?b=c&d",
                "author": [{"family": "Doe", "given": "J"}], "issued": {"raw": "2021-03"}})
    assert page["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"] and page["rft.type"] == ["webpage"]
    assert page["rft.identifier"] == ["https://example.org/a?b=c&d"]
    assert page["rft.creator"] == ["Doe, J"] and page["rft.date"] == ["2021-03"]


def test_every_entry_of_every_style_page_has_its_coins(references: Path, tmp_path: Path) -> None:
    build_site(References(references), tmp_path / "site", styles="apa,vancouver")
    items = {i["id"]: i for i in References(references).load(SLUG).items()}
    for page in ("index.html", "apa.html", "vancouver.html"):
        doc = lxml_html.fromstring((tmp_path / "site" / SLUG / page).read_bytes())
        spans = doc.xpath('//li[@data-key]/span[@class="Z3988"]')
        assert sorted(s.getparent().get("data-key") for s in spans) == sorted(items)
        for span in spans:
            item = items[span.getparent().get("data-key")]
            assert parse_qs(span.get("title"))["rft.atitle"] == [item["title"]]


# -- per-reference files -------------------------------------------------------------------

def test_each_reference_has_its_files_and_copy_texts(references: Path, tmp_path: Path) -> None:
    from evidencebib.formats import bibtex, csl_json, ris

    build_site(References(references), tmp_path / "site", styles="apa")
    folder = tmp_path / "site" / SLUG
    js = (folder / "exports.js").read_text(encoding="utf-8")
    prefix = "window.evidencebibExports = "
    assert js.startswith(prefix) and js.rstrip().endswith(";")
    texts = json.loads(js[len(prefix):].rstrip().rstrip(";"))
    readers = {"ris": (ris.read, ".ris"), "bibtex": (bibtex.read, ".bib"),
               "csl-json": (csl_json.read, ".csl.json")}
    doc = lxml_html.fromstring((folder / "apa.html").read_bytes())
    for key in ("banjar2023", "wang2016"):
        links = {a.get("data-format"): a.get("href")
                 for a in doc.xpath(f'//li[@data-key="{key}"]//p[@class="ref-tools small"]/a')}
        assert set(links) == set(readers)
        for name, (reader, suffix) in readers.items():
            assert links[name] == f"ref/{key}{suffix}"
            text = (folder / links[name]).read_bytes().decode("utf-8")   # RIS lines end in CRLF
            assert texts[key][name] == text
            (item,) = reader(text)
            assert item["DOI"].lower() == References(references).load(SLUG).bib.item(key)["DOI"].lower()
            assert SLUG in item.get("keyword", "")


def test_reference_names_are_unique_and_safe() -> None:
    from evidencebib.site.condition import reference_names

    assert reference_names([{"id": "a:b"}, {"id": "a/b"}, {"id": "A-B"}, {"id": ""}]) == [
        "a-b", "a-b-", "A-B--", "entry"]


# -- title, base URL, favicon --------------------------------------------------------------

def test_title_and_base_url_reach_every_page_and_the_sitemap(references: Path, tmp_path: Path) -> None:
    build_site(References(references), tmp_path / "site", styles="apa", title="Ig Criteria: evidence",
               base_url="https://example.org/ig")
    index = lxml_html.fromstring((tmp_path / "site" / "index.html").read_bytes())
    assert index.xpath("//title")[0].text == "Ig Criteria: evidence"
    assert text_of(index.xpath('//a[@class="site-name"]')[0]) == "Ig Criteria: evidence"
    assert index.xpath('//link[@rel="canonical"]/@href') == ["https://example.org/ig/index.html"]
    apa = lxml_html.fromstring((tmp_path / "site" / SLUG / "apa.html").read_bytes())
    assert apa.xpath('//link[@rel="canonical"]/@href') == [f"https://example.org/ig/{SLUG}/apa.html"]
    assert apa.xpath("//title")[0].text.endswith("(APA 7th edition) \u2013 Ig Criteria: evidence")
    sitemap = etree.fromstring((tmp_path / "site" / "sitemap.xml").read_bytes())
    locations = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations == ["https://example.org/ig/index.html", f"https://example.org/ig/{SLUG}/index.html",
                         f"https://example.org/ig/{SLUG}/apa.html"]
    icon = tmp_path / "site" / "_assets" / "favicon.svg"
    assert etree.fromstring(icon.read_bytes()).tag == "{http://www.w3.org/2000/svg}svg"


def test_without_base_url_there_is_no_canonical_link_and_no_sitemap(references: Path, tmp_path: Path) -> None:
    build_site(References(references), tmp_path / "site", styles="apa")
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert b'rel="canonical"' not in (tmp_path / "site" / "index.html").read_bytes()


@pytest.mark.parametrize("title, base_url, message", [
    ("two\nlines", None, "one line"),
    ("", None, "1 to 200 characters"),
    (None, "ftp://example.org/", "http(s) address"),
    (None, "example.org/ig", "http(s) address"),
    (None, "https://example.org/?page=1", "without query"),
])
def test_bad_title_or_base_url_is_a_usage_error(title, base_url, message) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        site_options(title, base_url)


def test_site_command_takes_title_and_base_url(tmp_path: Path) -> None:
    import click

    @click.group()
    def group() -> None:
        pass

    register(group)
    out = tmp_path / "out"
    args = ["site", "-o", str(out), "--references", str(REPO / "references"), "--styles", "apa"]
    result = CliRunner().invoke(group, args + ["--title", "My site", "--base-url", "https://x.org/a/"])
    assert result.exit_code == 0, result.output
    assert b"<title>My site</title>" in (out / "index.html").read_bytes()
    assert (out / "sitemap.xml").is_file()
    bad = CliRunner().invoke(group, args + ["--base-url", "javascript:alert(1)"])
    assert bad.exit_code == 2 and "base URL" in bad.output and "Traceback" not in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    shutil.rmtree(out)
