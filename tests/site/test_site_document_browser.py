"""The site of a whole generated criteria document, read in headless Chromium (issue 16, item 4).

The document (tests/support/site_document.py) has 54 conditions and 1,147 references: one
condition of 212, one of 34 without any DOI, one with two blocks that do not parse, two without
a category, works cited by several conditions (word for word and with disagreements), and a
verify report with every status. The site is built with four styles and served by
`evidencebib serve`. Screenshots at 1366 and 390 CSS pixels go to tests/artifacts/document-*.png
for review by eye.
"""

from __future__ import annotations

import json
import re
import unicodedata
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser import (ARTIFACTS, chromium, console_errors, emulate_print, print_to_pdf,
                     reset_viewport, run_axe, screenshot, set_viewport,
                     skip_or_fail_without_browser, wait)

import browser as browser_support

# the fixtures of tests/support/browser.py, found by pytest under these names (they use `site`)
browser = browser_support.browser
server = browser_support.server

skip_or_fail_without_browser(axe=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

STYLES = ["ig-criteria", "apa", "vancouver", "ama"]
TITLE = "Criteria for the clinical use of immunoglobulin: evidence"
BASE_URL = "https://criteria.example.org/ig/"

pytestmark = pytest.mark.slow


# -- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def document(tmp_path_factory):
    from site_document import write_document

    return write_document(tmp_path_factory.mktemp("document") / "references")


@pytest.fixture(scope="module")
def site(document, tmp_path_factory) -> Path:
    from evidencebib.site import build_site
    from evidencebib.store import References

    out = tmp_path_factory.mktemp("document-site") / "site"
    build_site(References(document.references), out, verify_report=document.report,
               styles=STYLES, title=TITLE, base_url=BASE_URL)
    return out


@pytest.fixture(autouse=True)
def plain_screen(browser):
    yield
    emulate_print(browser, False)
    reset_viewport(browser)


def row(driver, slug: str):
    return driver.find_element(By.CSS_SELECTOR, f"#conditions-table tbody tr[data-slug='{slug}']")


def visible_slugs(driver) -> list[str]:
    return driver.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('#conditions-table tbody tr'),"
        " function (r) { return r.offsetParent !== null; }).map(function (r) {"
        " return r.getAttribute('data-slug'); });")


def meta_value(driver, term: str) -> str:
    for dt in driver.find_elements(By.CSS_SELECTOR, "dl.meta dt"):
        if dt.text == term:
            return dt.find_element(By.XPATH, "following-sibling::dd[1]").text
    raise AssertionError(f"no {term!r} row")


def open_index(driver, server: str, query: str = "") -> None:
    driver.get(server + ("index.html" + query if query else ""))
    wait(driver, lambda d: d.find_element(By.ID, "index-controls").is_displayed())


def search(driver, text: str) -> list[str]:
    box = driver.find_element(By.ID, "condition-search")
    box.clear()
    box.send_keys(text)
    return visible_slugs(driver)


def shown_style(driver) -> str:
    blocks = [b for b in driver.find_elements(By.CSS_SELECTOR, ".bib[data-style]") if b.is_displayed()]
    assert len(blocks) == 1
    return blocks[0].get_attribute("data-style")


# -- verification tells the truth ---------------------------------------------------------------

def test_a_condition_without_dois_says_none_could_be_checked(browser, server, document) -> None:
    open_index(browser, server)
    cell = row(browser, document.no_doi).find_element(By.CSS_SELECTOR, "td.verification").text
    assert "No problems" not in cell
    assert "Not checked" in cell and "34 without a DOI" in cell
    browser.get(f"{server}{document.no_doi}/index.html")
    verification = meta_value(browser, "Verification")
    assert "0 of 34 checked" in verification and "34 without a DOI" in verification
    assert "No problems" not in verification


def test_unparsed_blocks_are_counted_as_not_checked(browser, server, document) -> None:
    browser.get(f"{server}{document.unparsed}/index.html")
    references = meta_value(browser, "References")
    assert f"{document.counts[document.unparsed]}" in references
    assert "2 entries could not be read" in references
    assert "2 could not be read" in meta_value(browser, "Verification")


def test_verification_says_when_it_ran(browser, server, document) -> None:
    browser.get(f"{server}{document.big}/index.html")
    verification = meta_value(browser, "Verification")
    assert "30 November 2026" in verification
    stamp = browser.find_element(By.CSS_SELECTOR, "dl.meta time").get_attribute("datetime")
    assert stamp == document.generated
    open_index(browser, server)
    assert "30 November 2026" in browser.find_element(By.CSS_SELECTOR, "p.lead").text


def test_retraction_concern_and_correction_notices_are_links(browser, server, document) -> None:
    browser.get(f"{server}{document.big}/index.html")
    for (_slug, key), label in ((document.retracted, "Retraction"),
                                (document.concern, "Expression of Concern"),
                                (document.corrected, "Erratum")):
        entry = browser.find_element(By.CSS_SELECTOR, f"li.entry[data-key='{key}']")
        notice = entry.find_element(By.CSS_SELECTOR, "a.notice")
        assert notice.get_attribute("href").startswith("https://doi.org/10.5555/")
        assert label in notice.text
    entry = browser.find_element(By.CSS_SELECTOR, f"li.entry[data-key='{document.retracted[1]}']")
    assert (entry.find_element(By.CSS_SELECTOR, "a.notice").get_attribute("href")
            == "https://doi.org/" + document.retraction_notice)
    assert "5 March 2024" in entry.text


def test_reader_facing_text_has_no_command_line_hints(site: Path) -> None:
    from lxml import html

    for path in site.rglob("*.html"):
        page = html.fromstring(path.read_bytes())
        text = page.text_content() + " ".join(page.xpath("//@title | //@aria-label"))
        for hint in ("`", "evidencebib find-doi", "evidencebib verify", "evidencebib enrich",
                     "--verify-report", "try `"):
            assert hint not in text, (path, hint)


# -- anchors, URL state --------------------------------------------------------------------------

@pytest.mark.parametrize("style", STYLES)
def test_ref_anchor_works_in_every_style(browser, server, document, style) -> None:
    slug = document.big
    key = _key_at(document, slug, 150)
    page = "index.html" if style == "ig-criteria" else f"{style}.html"
    browser.get(f"{server}{slug}/{page}#ref-{key}")
    assert shown_style(browser) == style
    target = browser.find_element(By.ID, f"ref-{key}")
    assert target.get_attribute("data-key") == key
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert -2 <= top < 200, top    # scrolled to it
    assert browser.execute_script("return document.querySelector(':target') === arguments[0]", target)


def _key_at(document, slug: str, position: int) -> str:
    from evidencebib.store import References

    return References(document.references).load(slug).bib.keys()[position]


def test_choosing_a_style_changes_the_url_and_back_returns(browser, server, document) -> None:
    slug = document.big
    key = _key_at(document, slug, 40)
    browser.get(f"{server}{slug}/index.html#ref-{key}")
    Select(browser.find_element(By.ID, "style-select")).select_by_value("apa")
    wait(browser, lambda d: d.current_url.endswith(f"/{slug}/apa.html#ref-{key}"))
    assert shown_style(browser) == "apa"
    assert Select(browser.find_element(By.ID, "style-select")).first_selected_option.get_attribute(
        "value") == "apa"
    browser.back()
    wait(browser, lambda d: d.current_url.endswith(f"/{slug}/index.html#ref-{key}"))
    assert shown_style(browser) == "ig-criteria"
    assert Select(browser.find_element(By.ID, "style-select")).first_selected_option.get_attribute(
        "value") == "ig-criteria"
    # an old link with ?style= lands on the style's own page
    browser.get(f"{server}{slug}/index.html?style=vancouver")
    wait(browser, lambda d: d.current_url.endswith(f"/{slug}/vancouver.html"))
    assert shown_style(browser) == "vancouver"


def test_search_is_in_the_url_and_kept_on_back(browser, server, document) -> None:
    open_index(browser, server)
    shown = search(browser, "myasthenia")
    assert shown == ["myasthenia-gravis"]
    assert urllib.parse.urlparse(browser.current_url).query == "q=myasthenia"
    browser.find_element(By.LINK_TEXT, "Myasthenia gravis").click()
    wait(browser, lambda d: "/myasthenia-gravis/" in d.current_url)
    browser.back()
    wait(browser, lambda d: d.find_element(By.ID, "condition-search").get_attribute("value") == "myasthenia")
    assert visible_slugs(browser) == ["myasthenia-gravis"]
    # shareable: the URL alone gives the same view
    open_index(browser, server, "?q=kawasaki")
    assert browser.find_element(By.ID, "condition-search").get_attribute("value") == "kawasaki"
    assert visible_slugs(browser) == ["kawasaki-disease"]


def test_a_percent_sign_in_the_query_does_not_throw(browser, server) -> None:
    console_errors(browser)   # drop earlier entries
    for query in ("?q=%", "?q=%E0%A4%A", "?q=100%25", "?q=%ZZ%"):
        open_index(browser, server, query)
        assert console_errors(browser) == [], query
        assert browser.find_element(By.ID, "search-status").text.startswith("Showing"), query
    open_index(browser, server, "?q=%")
    assert browser.find_element(By.ID, "condition-search").get_attribute("value") == "%"
    assert visible_slugs(browser) == []     # punctuation alone is no word: nothing matches
    assert "No condition matches" in browser.find_element(By.ID, "no-results").text


def test_search_words_mean_all_words_or_a_phrase_not_any_substring(browser, server) -> None:
    open_index(browser, server)
    itp = ["immune-thrombocytopenic-purpura-in-adults", "immune-thrombocytopenic-purpura-in-children"]
    assert sorted(search(browser, "immune thrombocytopenic")) == itp
    assert search(browser, "children thrombocytopenic") == [itp[1]]          # all words, any order
    assert search(browser, '"children thrombocytopenic"') == []              # a phrase, in order
    assert search(browser, '"purpura in children"') == [itp[1]]
    assert search(browser, "mune") == []                                     # not inside a word
    assert "kawasaki-disease" not in search(browser, "aki")
    found = search(browser, "enceph")                                        # a word's start
    assert "autoimmune-encephalitis" in found and "acute-disseminated-encephalomyelitis" in found
    assert search(browser, "guillain barre") == ["guillain-barre-syndrome"]
    assert search(browser, "SJOGREN") == ["sjogren-syndrome"]                # case-insensitive


def test_conditions_without_a_category_sort_last_both_ways(browser, server, document) -> None:
    open_index(browser, server)
    button = browser.find_element(By.CSS_SELECTOR, "button[data-sort-button='category']")
    button.click()
    order = visible_slugs(browser)
    assert sorted(order[-2:]) == sorted(document.uncategorised)
    button.click()  # descending: still last
    order = visible_slugs(browser)
    assert sorted(order[-2:]) == sorted(document.uncategorised)
    assert order[0] != order[-1]


# -- print -----------------------------------------------------------------------------------------

def _pdf_pages(path: Path) -> list[str]:
    """Each page's text, ligatures (the "fi" of "Verification") undone, spaces collapsed."""
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text() or ""))
            for page in PdfReader(str(path)).pages]


def test_printed_index_has_every_column_and_named_headers_on_every_page(browser, server,
                                                                       document) -> None:
    open_index(browser, server)
    pages = [re.sub(r"\s+", " ", text)
             for text in _pdf_pages(print_to_pdf(browser, ARTIFACTS / "document-index.pdf"))]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        if "Condition" not in text and number == len(pages):
            continue  # a last page with the footer only
        for name in ("Condition", "Category", "Level of evidence", "References", "Verification"):
            assert name in text, (number, name)
    whole = re.sub(r"\s+", " ", " ".join(pages))
    # the last column is printed for every row, not clipped off the page
    assert whole.count("checked") >= len(document.slugs)
    assert "34 without a DOI" in whole


def test_a_filtered_index_prints_filtered(browser, server) -> None:
    open_index(browser, server, "?q=pemphigus")
    emulate_print(browser)
    assert sorted(visible_slugs(browser)) == ["pemphigus-foliaceus", "pemphigus-vulgaris"]
    note = browser.find_element(By.ID, "print-filter")
    assert note.is_displayed() and "pemphigus" in note.text and "2 of 54" in note.text
    emulate_print(browser, False)
    text = re.sub(r"\s+", " ", " ".join(
        _pdf_pages(print_to_pdf(browser, ARTIFACTS / "document-index-filtered.pdf"))))
    assert "Pemphigus vulgaris" in text and "Kawasaki" not in text


def test_a_condition_prints_in_the_style_the_reader_chose(browser, server, document) -> None:
    browser.get(f"{server}{document.big}/apa.html")
    emulate_print(browser)
    assert shown_style(browser) == "apa"
    assert "APA" in browser.find_element(By.CSS_SELECTOR, ".shown-style").text
    emulate_print(browser, False)
    text = re.sub(r"\s+", " ", " ".join(
        _pdf_pages(print_to_pdf(browser, ARTIFACTS / "document-condition-apa.pdf"))))
    assert "APA 7th edition" in text


# -- phones, weight, no JavaScript -----------------------------------------------------------------

@pytest.mark.parametrize("page", ["index.html", "{big}/index.html", "{big}/vancouver.html",
                                  "{no_doi}/index.html"])
def test_readable_at_390_px_without_sideways_scrolling(browser, server, document, page) -> None:
    browser.get(server + page.format(big=document.big, no_doi=document.no_doi))
    set_viewport(browser, 390, 844, mobile=True)
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, width
    # nor inside the page: no box wider than its frame (a table in a scrolling wrapper)
    wide = browser.execute_script(
        "return Array.prototype.filter.call(document.querySelectorAll('.table-wrap, .bib, dl.meta, "
        "main'), function (e) { return e.scrollWidth > e.clientWidth + 1; }).map(function (e) {"
        " return e.className || e.tagName; });")
    assert wide == [], wide
    if page == "index.html":
        # rows are stacked: the title and the verification are both on screen, one above the other
        first = browser.find_element(By.CSS_SELECTOR, "#conditions-table tbody tr")
        title = first.find_element(By.TAG_NAME, "th").rect
        check = first.find_element(By.CSS_SELECTOR, "td.verification").rect
        assert check["y"] > title["y"] and check["x"] + check["width"] <= 390


def test_screenshots_at_1366_and_390(browser, server, document) -> None:
    shots = []
    for name, url in (("index", "index.html"), ("condition", f"{document.big}/index.html"),
                      ("no-doi", f"{document.no_doi}/index.html"),
                      ("unparsed", f"{document.unparsed}/index.html")):
        browser.get(server + url)
        wait(browser, lambda d: d.execute_script("return document.readyState") == "complete")
        for width in (1366, 390):
            shots.append(screenshot(browser, ARTIFACTS / f"document-{name}-{width}.png", width,
                                    mobile=width < 600, max_height=4000))
    assert all(path.stat().st_size > 10_000 for path in shots)


def test_the_212_reference_page_carries_one_style(site: Path, document) -> None:
    page = site / document.big / "index.html"
    assert document.counts[document.big] >= 212
    size = page.stat().st_size
    assert size < 450_000, size     # was 1.66 MB with 11 styles inlined
    text = page.read_text(encoding="utf-8")
    assert text.count('class="bib"') == 1
    for style in STYLES[1:]:
        assert (site / document.big / f"{style}.html").is_file()


def test_without_javascript_every_style_is_a_link_and_the_page_is_complete(server, document) -> None:
    with chromium(javascript=False) as driver:
        driver.get(server)
        assert len(visible_slugs(driver)) == len(document.slugs) or len(
            driver.find_elements(By.CSS_SELECTOR, "#conditions-table tbody tr")) == len(document.slugs)
        driver.get(f"{server}{document.big}/index.html")
        wait(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        entries = driver.find_elements(By.CSS_SELECTOR, ".bib li.entry")
        assert len(entries) == document.counts[document.big]
        links = driver.find_elements(By.CSS_SELECTOR, "#style-nav a[data-style]")
        assert [a.get_attribute("data-style") for a in links] == STYLES
        for link in links:
            with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as response:
                assert response.status == 200
        links[1].click()
        wait(driver, lambda d: d.current_url.endswith("/apa.html"))
        assert len(driver.find_elements(By.CSS_SELECTOR, ".bib[data-style='apa'] li.entry")) == len(entries)


# -- favicon, title, base URL, COinS, per-reference exports ----------------------------------------

def test_favicon_site_title_and_base_url(browser, server, site, document) -> None:
    open_index(browser, server)
    icon = browser.find_element(By.CSS_SELECTOR, "link[rel='icon']").get_attribute("href")
    with urllib.request.urlopen(icon, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("image/svg+xml")
        assert b"<svg" in response.read()
    assert browser.find_element(By.CSS_SELECTOR, ".site-name").text == TITLE
    assert browser.title == TITLE
    browser.get(f"{server}{document.big}/apa.html")
    assert browser.title.endswith(TITLE)
    canonical = browser.find_element(By.CSS_SELECTOR, "link[rel='canonical']").get_attribute("href")
    assert canonical == f"{BASE_URL}{document.big}/apa.html"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE_URL}{document.big}/index.html</loc>" in sitemap
    assert sitemap.count("<loc>") == 1 + len(document.slugs) * len(STYLES)
    assert [e for e in console_errors(browser) if "favicon" in e.get("message", "")] == []


def test_every_reference_carries_coins_that_zotero_reads(browser, server, document) -> None:
    from evidencebib.store import References

    items = {item["id"]: item for item in References(document.references).load(document.big).items()}
    for page in ("index.html", "vancouver.html"):
        browser.get(f"{server}{document.big}/{page}")
        wait(browser, lambda d: d.execute_script("return document.readyState") == "complete")
        # the XPath of Zotero's COinS translator
        spans = browser.execute_script(
            "var r = document.evaluate('//x:span[contains(@class, \" Z3988\") or contains(@class, "
            "\"Z3988 \") or @class=\"Z3988\"][@title]', document, function () { return "
            "'http://www.w3.org/1999/xhtml'; }, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);"
            "var out = []; for (var i = 0; i < r.snapshotLength; i++) {"
            " var s = r.snapshotItem(i); out.push([s.closest('li').getAttribute('data-key'), s.title]); }"
            "return out;")
        assert len(spans) == len(items)
    checked = 0
    for key, title in spans:
        fields = urllib.parse.parse_qs(title)
        item = items[key]
        assert fields["ctx_ver"] == ["Z39.88-2004"]
        if item["type"] == "article-journal":
            assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
            assert fields["rft.atitle"] == [item["title"]]
            assert fields["rft.jtitle"] == [item["container-title"]]
            checked += 1
        if item.get("DOI"):
            assert "info:doi/" + item["DOI"] in fields["rft_id"]
        authors = item.get("author") or []
        if authors and authors[0].get("family") and "rft.au" in fields:   # with its particle
            first = authors[0]
            assert fields["rft.aulast"] == [" ".join(
                p for p in (first.get("non-dropping-particle"), first["family"]) if p)]
        if authors:   # Dublin Core (web pages, datasets) names creators instead
            assert len(fields.get("rft.au") or fields["rft.creator"]) == len(authors)
            if authors[0].get("literal") and "rft.au" in fields:
                assert fields["rft.aucorp"] == [authors[0]["literal"]]
    assert checked > 50


def test_each_reference_downloads_and_copies_as_ris_bibtex_and_csl_json(browser, server,
                                                                        document) -> None:
    from evidencebib.formats import bibtex, csl_json, ris

    slug, key = document.big, _key_at(document, document.big, 17)
    browser.get(f"{server}{slug}/ama.html")
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": server.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    entry = browser.find_element(By.CSS_SELECTOR, f"li.entry[data-key='{key}']")
    readers = {"ris": ris.read, "bibtex": bibtex.read, "csl-json": csl_json.read}
    texts = {}
    for name, reader in readers.items():
        link = entry.find_element(By.CSS_SELECTOR, f".ref-tools a[data-format='{name}']")
        with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as response:
            texts[name] = response.read().decode("utf-8")
        items = reader(texts[name])
        assert len(items) == 1 and items[0]["title"]
    assert key in texts["bibtex"]
    for name in readers:
        button = entry.find_element(By.CSS_SELECTOR, f".ref-tools button[data-copy='{name}']")
        button.click()
        wait(browser, lambda d: "copied" in d.find_element(By.ID, "copy-status").get_attribute("textContent"))
        copied = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "navigator.clipboard.readText().then(done, function (e) { done('ERROR ' + e); });")
        assert copied == texts[name], name
        browser.execute_script("document.getElementById('copy-status').textContent = ''")
    entry.find_element(By.CSS_SELECTOR, ".ref-tools button[data-copy='citation']").click()
    wait(browser, lambda d: "copied" in d.find_element(By.ID, "copy-status").get_attribute("textContent"))
    copied = browser.execute_async_script(
        "var done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done);")
    assert copied.strip() == entry.find_element(By.CSS_SELECTOR, ".csl-entry").text.strip()


# -- accessibility ------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1366, 390])
def test_axe_finds_no_wcag_21_aa_violation(browser, server, document, width) -> None:
    for url in ("index.html", f"{document.big}/index.html", f"{document.no_doi}/apa.html",
                f"{document.unparsed}/index.html"):
        browser.get(server + url)
        set_viewport(browser, width, 900, mobile=width < 600)
        violations = run_axe(browser)
        assert violations == [], (url, json.dumps(violations, indent=1))
