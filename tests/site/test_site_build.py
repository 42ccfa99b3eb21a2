"""`evidencebib site`: the static website built from references/ (no browser needed here).

What is checked: the files of the build, the index (title, level, count), the condition page
(all metadata, every style's bibliography, DOI links, downloads our importers read back), HTML
escaping of hostile titles, well-formedness (HTML parser and XML parser), verify badges from a
fixture report, nothing fetched from elsewhere, and the `site`/`serve` commands.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from evidencebib import api
from evidencebib.cli.site import register
from evidencebib.render.formats import doi_url
from evidencebib.site import DEFAULT_STYLES, build_site, export_filenames
from evidencebib.site import builder as site_builder
from evidencebib.site import report as site_report
from evidencebib.site.templates import category_sort_key, evidence_category
from evidencebib.store import References

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
SLUG = "recurrent-miscarriage"
REPORT = TESTS / "fixtures" / "site" / "verify-report.json"
XHTML = "{http://www.w3.org/1999/xhtml}"


# -- helpers ---------------------------------------------------------------------------------

def cli() -> click.Group:
    @click.group()
    def group() -> None:
        pass

    register(group)
    return group


def doc(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def items_of(references: Path, slug: str = SLUG):
    return api.load_items(References(references).load(slug))


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory) -> Path:
    """The site of the shipped references/, built once for the read-only tests."""
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(References(REPO / "references"), out)
    return out


@pytest.fixture(scope="module")
def checked_site(tmp_path_factory) -> Path:
    """The shipped site with the fixture verify report (one entry retracted)."""
    out = tmp_path_factory.mktemp("checked") / "site"
    build_site(References(REPO / "references"), out, verify_report=REPORT)
    return out


def hostile_references(tmp_path: Path) -> Path:
    refs = tmp_path / "hostile-refs"
    refs.mkdir()
    (refs / "xss-test.toml").write_text(
        'title = "Evil <script>alert(1)</script> & co"\n'
        'status = "Status with <b>markup</b>"\n'
        'level_of_evidence = "Insufficient data (Category 4a) <img src=x onerror=alert(2)>"\n'
        'specific_conditions = ["<script>alert(3)</script>"]\n'
        'statement = ["A statement with <script>alert(4)</script> and \\"quotes\\" & ampersands."]\n',
        encoding="utf-8")
    (refs / "xss-test.bib").write_text(
        "@article{evil2020,\n"
        "  author = {Doe, Jane},\n"
        "  title = {Title with <script>alert(1)</script> inside},\n"
        "  journal = {Journal of \"Quotes\" <i>Tags</i>},\n"
        "  year = {2020},\n"
        "  doi = {10.1000/a<b>\"c#d?e},\n"
        "}\n", encoding="utf-8")
    return refs


# -- the build ---------------------------------------------------------------------------------

def test_build_writes_index_pages_assets_and_exports(shipped_site: Path) -> None:
    assert (shipped_site / "index.html").is_file()
    assert (shipped_site / "_assets" / "site.css").is_file()
    assert (shipped_site / "_assets" / "site.js").is_file()
    assert (shipped_site / site_builder.MARKER).is_file()
    page_dir = shipped_site / SLUG
    assert (page_dir / "index.html").is_file()
    for name, filename in export_filenames(SLUG).items():
        assert (page_dir / filename).is_file(), name
        assert (page_dir / filename).stat().st_size > 100, name
    # one folder per condition, nothing else
    folders = {p.name for p in shipped_site.iterdir() if p.is_dir()}
    assert folders == {"_assets", *References(REPO / "references").slugs()}


def test_index_lists_every_condition_with_title_level_and_count(shipped_site: Path) -> None:
    page = doc(shipped_site / "index.html")
    rows = page.xpath('//table[@id="conditions-table"]/tbody/tr')
    summaries = api.conditions(References(REPO / "references"))
    assert len(rows) == len(summaries)
    for summary in summaries:
        row = next(r for r in rows if text_of(r.xpath("./th")[0]) == summary.title)
        cells = [text_of(c) for c in row.xpath("./td")]
        assert cells[0] == evidence_category(summary.level_of_evidence) == "2b"
        assert cells[1] == summary.level_of_evidence
        assert cells[2] == str(summary.references) == "5"
        assert row.xpath("./th/a/@href") == [f"{summary.slug}/index.html"]
        assert row.get("data-category") == "0002b"
    assert page.xpath('//input[@type="search"]/@id') == ["condition-search"]
    assert page.xpath('//label[@for="condition-search"]')
    # the search box is for JavaScript only; without it the table is simply all there
    assert page.xpath('//div[@id="index-controls"]/@hidden')


def test_condition_page_shows_all_metadata(shipped_site: Path) -> None:
    meta = References(REPO / "references").load(SLUG).meta
    page = doc(shipped_site / SLUG / "index.html")
    assert text_of(page.xpath("//h1")[0]) == meta.title
    assert page.xpath("//title")[0].text.startswith(meta.title)
    terms = {text_of(dt): dt.getnext() for dt in page.xpath('//dl[@class="meta"]/dt')}
    assert text_of(terms["Status"]) == meta.status
    assert text_of(terms["Level of evidence"]) == meta.level_of_evidence
    assert [text_of(li) for li in terms["Specific conditions"].xpath(".//li")] == meta.specific_conditions
    assert text_of(terms["References"]) == "5"
    paragraphs = [text_of(p) for p in page.xpath('//section[@class="statement"]/p')]
    assert paragraphs == meta.statement
    assert page.xpath("//html/@lang") == ["en"]
    assert page.xpath("//main") and page.xpath("//header") and page.xpath("//footer")
    assert page.xpath('//nav[@aria-label="Breadcrumb"]/a/@href') == ["../index.html"]


def style_page(site: Path, style: str, slug: str = SLUG) -> Path:
    return site / slug / ("index.html" if style == "ig-criteria" else f"{style}.html")


def test_each_style_has_a_page_of_its_own(shipped_site: Path) -> None:
    refs = References(REPO / "references")
    for style in DEFAULT_STYLES:
        page = doc(style_page(shipped_site, style))
        blocks = page.xpath('//div[@class="bib"]')
        assert [b.get("data-style") for b in blocks] == [style]   # one bibliography per page
        assert blocks[0].get("hidden") is None
        # every style is a plain link on every page (no JavaScript needed), this one marked
        links = page.xpath('//nav[@id="style-nav"]//a')
        assert [a.get("data-style") for a in links] == list(DEFAULT_STYLES)
        assert [a.get("data-style") for a in links if a.get("aria-current") == "page"] == [style]
        for link in links:
            assert (shipped_site / SLUG / link.get("href")).is_file()
        assert page.xpath('//select[@id="style-select"]/option/@value') == list(DEFAULT_STYLES)
        assert page.xpath('//label[@for="style-select"]')
        assert site_builder.style_label(style) in text_of(page.xpath('//p[@class="shown-style"]')[0])
        entries = blocks[0].xpath('.//li/div[@class="csl-entry"]')
        expected = api.bibliography(refs, SLUG, style=style, fmt="html")
        assert len(entries) == len(expected) == 5, style
        for element, rendered in zip(entries, expected, strict=True):
            got = lxml_html.tostring(element, encoding="unicode")
            # the site sets the number of a numbered style apart from its text with a space
            assert rendered.replace("</div><div", "</div> <div") in got, (style, rendered)
        # #ref-KEY is the same reference on every style's page
        assert sorted(page.xpath('//li[@class="entry"]/@id')) == [
            "ref-banjar2023", "ref-empson2005", "ref-wang2016", "ref-wong2014", "ref-yamada2022"]
    house = text_of(doc(style_page(shipped_site, "ig-criteria")).xpath('//div[@class="bib"]')[0])
    assert "Banjar S, Kadour E" in house
    # numbered styles: the number and the entry in citeproc-js's two display divs, a space
    # between them (read, copied or spoken: "1. Banjar")
    vancouver = doc(style_page(shipped_site, "vancouver")).xpath('//div[@class="bib"]')[0]
    assert text_of(vancouver.xpath('.//div[@class="csl-left-margin"]')[0]) == "1."
    assert text_of(vancouver.xpath('.//div[@class="csl-right-inline"]')[0]).startswith("Banjar S")
    assert "Banjar, S." in text_of(doc(style_page(shipped_site, "apa")).xpath('//div[@class="bib"]')[0])


def test_every_doi_is_a_doi_org_link_in_every_style(shipped_site: Path) -> None:
    items = items_of(REPO / "references")
    for style in DEFAULT_STYLES:
        block = doc(style_page(shipped_site, style)).xpath('//div[@class="bib"]')[0]
        hrefs = set(block.xpath(".//a/@href"))
        for item in items:
            assert doi_url(item["DOI"]) in hrefs, (style, item["DOI"])


def test_download_links_point_at_files_our_importers_read_back(shipped_site: Path) -> None:
    page = doc(shipped_site / SLUG / "index.html")
    links = {text_of(a): a for a in page.xpath('//section[@class="downloads"]//a')}
    assert set(links) == {"RIS", "BibTeX", "BibLaTeX", "CSL-JSON", "EndNote XML"}
    shipped = items_of(REPO / "references")
    dois = sorted(item["DOI"].lower() for item in shipped)
    readers = {"BibTeX": "bibtex", "BibLaTeX": "bibtex", "RIS": "ris", "CSL-JSON": "csl_json",
               "EndNote XML": "endnote_xml"}
    for label, anchor in links.items():
        target = shipped_site / SLUG / anchor.get("href")
        assert target.is_file(), label
        assert anchor.get("download") == target.name
        module = importlib.import_module(f"evidencebib.formats.{readers[label]}")
        if not hasattr(module, "read"):
            pytest.skip(f"evidencebib.formats.{readers[label]} has no read() yet")
        items = module.read(target.read_text(encoding="utf-8"), source=str(target))
        assert sorted(i["DOI"].lower() for i in items) == dois, label
        for item in items:
            assert SLUG in re.split(r"\s*[,;]\s*", item.get("keyword", "")), (label, item)
        # a BibTeX export braces what BibTeX styles must not re-case, which reads back as
        # case protection (README, Known limitations): compared without the nocase spans
        titles = {re.sub(r'</?span[^>]*>', "", i["title"]) for i in items}
        assert titles == {i["title"] for i in shipped}, label


@pytest.mark.parametrize("module", ["ris", "csl_json", "endnote_xml"])
def test_optional_importers_read_their_export(shipped_site: Path, module: str) -> None:
    try:
        reader = importlib.import_module(f"evidencebib.formats.{module}").read
    except (ImportError, AttributeError):
        pytest.skip(f"evidencebib.formats.{module}.read is not there (written by another change)")
    suffix = {"ris": ".ris", "csl_json": ".csl.json", "endnote_xml": ".endnote.xml"}[module]
    items = reader((shipped_site / SLUG / (SLUG + suffix)).read_text(encoding="utf-8"))
    assert len(items) == 5
    assert items[0]["author"][0]["family"] == "Banjar"


def test_missing_exporter_is_a_visible_note_not_a_crash(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "evidencebib.formats.endnote_xml", None)  # import fails
    result = build_site(References(REPO / "references"), tmp_path / "site")
    assert any("EndNote XML" in note for note in result.notes)
    page = doc(tmp_path / "site" / SLUG / "index.html")
    unavailable = [text_of(li) for li in page.xpath('//li[@class="unavailable"]')]
    assert unavailable == ["EndNote XML (not available in this build)"]
    assert not (tmp_path / "site" / SLUG / f"{SLUG}.endnote.xml").exists()
    assert (tmp_path / "site" / SLUG / f"{SLUG}.ris").is_file()


# -- escaping and well-formedness --------------------------------------------------------------

def test_hostile_titles_come_out_as_text(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(References(hostile_references(tmp_path)), out)
    for path in (out / "index.html", out / "xss-test" / "index.html"):
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img" not in raw and "<b>markup" not in raw
        page = doc(path)
        # the only scripts are our own file, with no inline code
        assert [s.get("src") for s in page.xpath("//script")] == [
            "_assets/site.js" if path.parent == out else "../_assets/site.js"]
        assert all(not (s.text or "").strip() for s in page.xpath("//script"))
        assert not page.xpath("//img") and not page.xpath("//*[@onerror]")
        assert "Evil <script>alert(1)</script> & co" in page.text_content()
    page = doc(out / "xss-test" / "index.html")
    assert text_of(page.xpath("//h1")[0]) == "Evil <script>alert(1)</script> & co"
    entry = text_of(page.xpath('//div[@data-style="ig-criteria"]//li')[0])
    assert "Title with <script>alert(1)</script> inside" in entry
    statement = text_of(page.xpath('//section[@class="statement"]/p')[0])
    assert statement == 'A statement with <script>alert(4)</script> and "quotes" & ampersands.'
    # the DOI's odd characters are percent-encoded in the link
    hrefs = page.xpath('//div[@data-style="ig-criteria"]//div[@class="csl-entry"]//a/@href')
    assert hrefs == [doi_url('10.1000/a<b>"c#d?e')]
    assert "%3C" in hrefs[0] and "%23" in hrefs[0] and "%3F" in hrefs[0]
    index = doc(out / "index.html")
    assert text_of(index.xpath("//tbody/tr/th")[0]) == "Evil <script>alert(1)</script> & co"


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.mark.parametrize("site_fixture", ["shipped_site", "checked_site"])
def test_every_page_is_well_formed_html_and_xml(site_fixture: str, request, tmp_path: Path) -> None:
    site = request.getfixturevalue(site_fixture)
    hostile = tmp_path / "hostile-site"
    build_site(References(hostile_references(tmp_path)), hostile)
    pages = _pages(site) + _pages(hostile)
    assert len(pages) >= 4
    strict_xml = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for path in pages:
        data = path.read_bytes()
        assert data.startswith(b"<!DOCTYPE html>\n"), path
        parsed = lxml_html.fromstring(data)
        assert parsed.tag == "html"
        root = etree.fromstring(data, strict_xml)  # raises on any well-formedness error
        assert root.tag == XHTML + "html"
        assert root.get("lang") == "en"
        ids = root.xpath("//@id")
        assert len(ids) == len(set(ids)), f"duplicate ids in {path}"
        # every form control has a label
        for control in root.iter(XHTML + "input", XHTML + "select"):
            assert root.xpath(f'//x:label[@for="{control.get("id")}"]',
                              namespaces={"x": XHTML[1:-1]}), path


def test_nothing_is_fetched_from_elsewhere(checked_site: Path) -> None:
    for path in _pages(checked_site):
        page = doc(path)
        for element in page.iter():
            if not isinstance(element.tag, str):
                continue
            for name in ("src", "href", "srcset", "poster", "data", "action"):
                value = element.get(name)
                if value is None:
                    continue
                if element.tag == "a" and name == "href" and value.startswith("https://doi.org/"):
                    continue  # links a reader may follow; nothing loads them on view
                if element.tag == "link" and element.get("rel") == "canonical":
                    continue  # names the page's public address; never loaded
                assert "://" not in value and not value.startswith("//"), (path, element.tag, value)
        assert not page.xpath("//iframe | //object | //embed | //img | "
                              "//link[@rel!='stylesheet' and @rel!='icon' and @rel!='canonical']")
        assert page.xpath("//link[@rel='icon']/@href")[0].endswith("_assets/favicon.svg")
        assert not page.xpath("//*[@style[contains(., 'url(')]]")
    css = (checked_site / "_assets" / "site.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    js = (checked_site / "_assets" / "site.js").read_text(encoding="utf-8")
    for word in ("http:", "https:", "fetch(", "XMLHttpRequest", "import(", "eval(", "innerHTML"):
        assert word not in js, word


def test_print_stylesheet_hides_controls_and_keeps_the_filter(shipped_site: Path) -> None:
    css = (shipped_site / "_assets" / "site.css").read_text(encoding="utf-8")
    start = css.index("@media print")
    block = css[start:]
    assert ".style-nav" in block and ".index-controls" in block and ".ref-tools" in block
    assert "tbody tr { display" not in block    # rows the search hid stay hidden on paper


# -- verify badges -----------------------------------------------------------------------------

def test_verify_report_badges_on_every_entry(checked_site: Path) -> None:
    report = json.loads(REPORT.read_text(encoding="utf-8"))["results"]
    expected = {r["key"]: r["status"] for r in report}
    page = doc(checked_site / SLUG / "index.html")
    for style in DEFAULT_STYLES:
        block = doc(style_page(checked_site, style)).xpath('//div[@class="bib"]')[0]
        entries = block.xpath("./ol/li")
        assert len(entries) == 5
        for li in entries:
            key = li.get("data-key")
            badge = li.xpath('.//span[contains(concat(" ", @class, " "), " badge ")]')[0]
            assert badge.get("data-status") == expected[key]
        # the badge sits on the right entry whatever the style's order
        wang = next(li for li in entries if li.get("data-key") == "wang2016")
        assert "Wang" in text_of(wang.xpath('./div[@class="csl-entry"]')[0])
        assert "Retracted" in text_of(wang.xpath('./p[@class="check"]')[0])
        assert "entry-severe" in wang.get("class")
    retracted = page.xpath('//div[@data-style="ig-criteria"]//li[@data-key="wang2016"]')[0]
    badge_text = text_of(retracted.xpath('.//span[@data-status="retracted"]')[0])
    # text, not colour alone: a screen reader hears the status
    assert badge_text == "Verification status: \u2716Retracted"
    assert "Retraction notice" in text_of(retracted)
    # the notice's DOI, named in the report's details, is a link to it
    assert retracted.xpath('.//a[@class="notice"]/@href') == [doi_url("10.1016/j.rbmo.2099.01.001")]
    ok = page.xpath('//div[@data-style="ig-criteria"]//li[@data-key="banjar2023"]//span[@data-status]')
    assert text_of(ok[0]).endswith("OK")
    terms = {text_of(dt): dt.getnext() for dt in page.xpath('//dl[@class="meta"]/dt')}
    # the unreachable one was not checked: not a problem with the reference, not "checked"
    verification = text_of(terms["Verification"])
    assert "2 problems" in verification and "4 of 5 checked" in verification
    assert "1 not reached (service unavailable)" in verification


def test_index_counts_problems_per_condition(checked_site: Path) -> None:
    page = doc(checked_site / "index.html")
    heads = [text_of(th) for th in page.xpath("//thead//th")]
    assert heads[-1] == "Verification"
    row = page.xpath("//tbody/tr")[0]
    cell = text_of(row.xpath("./td")[-1])
    assert cell.startswith("!2 problems")
    assert "1 retracted" in cell and "1 not found" in cell and "4 of 5 checked" in cell
    assert "1 not reached" in cell   # unreachable: could not be checked, not a problem
    assert "corrected" not in cell  # informational, not a problem
    assert row.get("data-problems") == "2"
    assert "4 of 5 entries checked, 2 with problems" in text_of(page.xpath('//p[@class="lead"]')[0])


def test_report_as_bare_list_and_lookup_by_doi(tmp_path: Path) -> None:
    report = [{"condition": SLUG, "key": "renamed-key", "status": "retracted",
               "doi": "https://doi.org/10.1016/J.RBMO.2016.08.025"}]
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    build_site(References(REPO / "references"), tmp_path / "site", verify_report=path)
    page = doc(tmp_path / "site" / SLUG / "index.html")
    li = page.xpath('//div[@data-style="ig-criteria"]//li[@data-key="wang2016"]')[0]
    assert li.xpath('.//span[@data-status="retracted"]')
    others = page.xpath('//div[@data-style="ig-criteria"]//li[@data-key="banjar2023"]')[0]
    assert "not checked" in text_of(others)


@pytest.mark.parametrize("content, message", [
    ("{not json", "not JSON"),
    ('{"summary": {}}', "without a 'results' list"),
    ('[{"condition": "x", "status": "ok"}]', "lacks key"),
])
def test_bad_report_is_one_line_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli(), ["site", "-o", str(tmp_path / "site"), "--references",
                                        str(REPO / "references"), "--verify-report", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_report_made_by_verify_module_is_understood() -> None:
    verify = pytest.importorskip("evidencebib.verify")
    results = [verify.Result(condition=SLUG, key="wang2016", line=3, doi="10.1/x",
                             status="retracted", details="notice")]
    parsed = site_report.parse_report(json.loads(verify.to_json(results)))
    assert parsed.lookup(SLUG, "wang2016").status == "retracted"


# -- the commands ---------------------------------------------------------------------------------

def test_site_command_builds_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["site", "-o", str(out), "--references",
                                        str(REPO / "references"), "--styles", "apa,vancouver"])
    assert result.exit_code == 0, result.output
    assert "1 condition(s), 5 reference(s)" in result.output
    page = doc(out / SLUG / "index.html")
    assert page.xpath('//nav[@id="style-nav"]//a/@data-style') == ["ig-criteria", "apa", "vancouver"]
    assert doc(out / SLUG / "apa.html").xpath('//div[@class="bib"]/@data-style') == ["apa"]
    assert not (out / SLUG / "ama.html").exists()


def test_site_command_rejects_unknown_style_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["site", "-o", str(out), "--references",
                                        str(REPO / "references"), "--styles", "no-such-style-xyz"])
    assert result.exit_code == 2
    assert "no-such-style-xyz" in result.output
    assert not out.exists()


def test_site_command_takes_a_locale_instead_of_each_styles(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["site", "-o", str(out), "--references",
                                        str(REPO / "references"), "--styles", "harvard",
                                        "--locale", "de-DE"])
    assert result.exit_code == 0, result.output
    text = (out / SLUG / "harvard.html").read_text(encoding="utf-8")
    assert "Empson, M.B. <i>u.\u00a0a.</i> (2005)" in text and "Verfügbar unter" in text
    assert doc(out / SLUG / "harvard.html").xpath('//div[@id="bibliography"]/@lang') == ["de-DE"]


def test_a_condition_whose_page_text_cannot_be_read_is_named_and_the_rest_built(references: Path,
                                                                               tmp_path: Path) -> None:
    (references / "broken.toml").write_text('title = "Unclosed\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["site", "-o", str(out), "--references", str(references),
                                        "--styles", "apa", "--strict"])
    assert result.exit_code == 1, result.output
    assert "broken.toml, line 1: not valid TOML" in result.output
    assert (out / SLUG / "apa.html").is_file() and not (out / "broken").exists()
    assert "broken" not in (out / "index.html").read_text(encoding="utf-8")


def test_site_command_rejects_an_unknown_locale_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli(), ["site", "-o", str(out), "--references",
                                        str(REPO / "references"), "--styles", "apa", "--locale", "xx-XX"])
    assert result.exit_code == 2 and "unknown locale 'xx-XX'" in result.output
    assert not out.exists()


def test_rebuild_replaces_the_site_but_never_a_foreign_directory(references: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copy(references / f"{SLUG}.toml", references / "second-one.toml")
    build_site(References(references), out)
    assert (out / "second-one" / "index.html").is_file()
    (references / "second-one.toml").unlink()
    build_site(References(references), out)
    assert not (out / "second-one").exists()  # no stale pages
    assert not list(tmp_path.glob(".out.*"))   # no temporary directories left behind

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(cli(), ["site", "-o", str(foreign), "--references", str(references)])
    assert result.exit_code == 2
    assert "not empty" in result.output
    assert (foreign / "thesis.tex").read_text(encoding="utf-8") == "keep me"


def test_index_sorts_and_categorises() -> None:
    assert evidence_category("Evidence of no probable benefit – more research needed (Category 2b)") == "2b"
    assert evidence_category("Established therapeutic role (Category 1)") == "1"
    assert evidence_category("no category here") == ""
    keys = [category_sort_key(c) for c in ("10", "2b", "", "2a", "1")]
    assert sorted(keys) == [category_sort_key(c) for c in ("1", "2a", "2b", "10", "")]


def test_each_badge_sits_on_the_entry_of_its_own_reference(tmp_path: Path) -> None:
    """Entries are placed by the renderer's own order (render_entries), whatever the style."""
    from evidencebib.render import render_entries

    items = list(reversed(items_of(REPO / "references")))
    for style in ("apa", "vancouver", "ig-criteria"):
        for index, entry in render_entries(items, style, "html"):
            assert items[index]["author"][0]["family"] in entry


def test_serve_command_serves_the_site_and_stops_cleanly(shipped_site: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "evidencebib.cli.site", "serve", "-d", str(shipped_site),
         "--port", "0", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line + process.stderr.read()
        base = match.group(0)
        with urllib.request.urlopen(base, timeout=10) as response:
            assert response.status == 200
            assert b"recurrent-miscarriage/index.html" in response.read()
        with urllib.request.urlopen(f"{base}{SLUG}/{SLUG}.bib", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("application/x-bibtex")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out


def test_serve_refuses_a_directory_without_a_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["serve", "-d", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert "index.html missing" in result.output


def pubmed_references(tmp_path: Path) -> Path:
    refs = tmp_path / "pubmed-refs"
    refs.mkdir()
    (refs / "cidp.toml").write_text('title = "CIDP"\n', encoding="utf-8")
    (refs / "cidp.bib").write_text(
        "@article{linked2020,\n  author = {Doe, Jane},\n  title = {Linked},\n"
        "  journal = {J},\n  year = {2020},\n  doi = {10.1000/linked},\n"
        "  pmid = {9500320},\n  pmcid = {PMC1234567},\n}\n\n"
        "@article{bogus2021,\n  author = {Roe, Rick},\n  title = {Bogus},\n  journal = {J},\n"
        "  year = {2021},\n  pmid = {javascript:alert(1)},\n  pmcid = {1234567},\n}\n",
        encoding="utf-8")
    return refs


def entry_hrefs(page, key: str) -> list[str]:
    return page.xpath(f'//div[@data-style="ig-criteria"]//li[@data-key="{key}"]//a/@href')


def test_each_reference_links_its_pmid_to_pubmed_and_its_pmcid_to_pmc(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(References(pubmed_references(tmp_path)), out)
    page = doc(out / "cidp" / "index.html")
    hrefs = entry_hrefs(page, "linked2020")
    assert "https://pubmed.ncbi.nlm.nih.gov/9500320/" in hrefs
    assert "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/" in hrefs
    links = page.xpath('//li[@data-key="linked2020"]//span[@class="entry-links"]')[0]
    assert "PMID 9500320" in text_of(links) and "PMCID PMC1234567" in text_of(links)
    # what the style prints is unchanged: the links sit beside it
    entry = page.xpath('//div[@data-style="ig-criteria"]//li[@data-key="linked2020"]'
                       '/div[@class="csl-entry"]')[0]
    rendered = api.bibliography(References(tmp_path / "pubmed-refs"), "cidp", fmt="html")
    assert any(r in lxml_html.tostring(entry, encoding="unicode") for r in rendered)


def test_a_value_that_is_not_a_pmid_never_becomes_a_link_on_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(References(pubmed_references(tmp_path)), out)
    page = doc(out / "cidp" / "index.html")
    hrefs = entry_hrefs(page, "bogus2021")
    assert not [h for h in hrefs if "pubmed" in h or "pmc." in h or "javascript" in h]
    raw = (out / "cidp" / "index.html").read_text(encoding="utf-8")
    assert 'href="javascript' not in raw
