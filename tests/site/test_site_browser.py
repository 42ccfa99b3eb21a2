"""The built site in a real browser: headless Debian Chromium driven by Selenium.

The site is built from a copy of the shipped references/ plus two made-up conditions (so that
sorting and searching have something to do) and the fixture verify report (one entry
retracted), then served by `evidencebib serve --port 0` on 127.0.0.1. Screenshots of the index
and of a condition page are saved to tests/artifacts/ for review.

Needs /usr/bin/chromium, /usr/bin/chromedriver and the selenium package
(`scripts/setup-browser-tests` installs them). Without them the tests skip with the reason,
unless CI is set: then they fail.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest
from browser import (ARTIFACTS, REPO, TESTS, chromium, console_errors, emulate_print, run_axe,
                     screenshot, skip_or_fail_without_browser, wait)

import browser as browser_support

# the fixtures of tests/support/browser.py, found by pytest under these names (they use `site`)
browser = browser_support.browser
server = browser_support.server

skip_or_fail_without_browser(axe=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

REPORT = TESTS / "fixtures" / "site" / "verify-report.json"
SLUG = "recurrent-miscarriage"
SHIPPED_TITLE = "Recurrent miscarriage / recurrent fetal loss (with or without antiphospholipid syndrome)"

EXTRA_CONDITIONS = {
    "kawasaki-disease": ("Kawasaki disease", "Established therapeutic role (Category 1)"),
    "stiff-person-syndrome": ("Stiff person syndrome",
                              "Emerging therapeutic role (Category 2a)"),
}


# -- fixtures -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from evidencebib.site import build_site
    from evidencebib.store import References

    base = tmp_path_factory.mktemp("browser")
    refs = base / "references"
    shutil.copytree(REPO / "references", refs, ignore=shutil.ignore_patterns(".*.lock"))
    bib = (refs / f"{SLUG}.bib").read_text(encoding="utf-8")
    for slug, (title, level) in EXTRA_CONDITIONS.items():
        (refs / f"{slug}.toml").write_text(
            f'title = "{title}"\nstatus = "Condition for which Ig is reimbursed."\n'
            f'level_of_evidence = "{level}"\nspecific_conditions = ["{title}"]\n'
            f'statement = ["A made-up statement about {title.lower()} for the browser test."]\n',
            encoding="utf-8")
        first_entry = bib.split("\n\n")[0] + "\n"
        (refs / f"{slug}.bib").write_text(first_entry, encoding="utf-8")
    out = base / "site"
    build_site(References(refs), out, verify_report=REPORT)
    return out


def visible_rows(driver) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#conditions-table tbody tr")
    return [row.find_element(By.TAG_NAME, "th").text for row in rows if row.is_displayed()]


def shown_bibliography(driver):
    blocks = [b for b in driver.find_elements(By.CSS_SELECTOR, ".bib[data-style]") if b.is_displayed()]
    assert len(blocks) == 1, [b.get_attribute("data-style") for b in blocks]
    return blocks[0]


def choose_style(driver, style: str) -> None:
    """Pick a style in the menu: its own page loads (the style is in the URL)."""
    Select(driver.find_element(By.ID, "style-select")).select_by_value(style)
    page = "index.html" if style == "ig-criteria" else f"{style}.html"
    wait(driver, lambda d: d.current_url.split("#")[0].endswith(f"/{page}"))
    wait(driver, lambda d: shown_bibliography(d).get_attribute("data-style") == style)


def no_console_errors(driver) -> None:
    assert console_errors(driver) == []


# -- the index ------------------------------------------------------------------------------------

def test_index_lists_conditions_and_sorts(browser, server) -> None:
    browser.get(server)
    wait(browser, lambda d: d.find_element(By.ID, "index-controls").is_displayed())
    rows = visible_rows(browser)
    assert SHIPPED_TITLE in rows
    assert rows == sorted(rows, key=str.lower)  # by title at first
    assert len(rows) == 3
    shipped_row = browser.find_element(By.CSS_SELECTOR, "#conditions-table tbody tr[data-category='0002b']")
    assert "5" in shipped_row.text and "Category 2b" in shipped_row.text
    assert "Retracted" not in shipped_row.text and "1 retracted" in shipped_row.text

    category = browser.find_element(By.CSS_SELECTOR, "button[data-sort-button='category']")
    category.click()
    assert visible_rows(browser) == ["Kawasaki disease", "Stiff person syndrome", SHIPPED_TITLE]
    header = browser.find_element(By.CSS_SELECTOR, "th[data-sort='category']")
    assert header.get_attribute("aria-sort") == "ascending"
    category.send_keys(Keys.ENTER)  # keyboard works too
    assert visible_rows(browser) == [SHIPPED_TITLE, "Stiff person syndrome", "Kawasaki disease"]
    assert header.get_attribute("aria-sort") == "descending"
    browser.find_element(By.CSS_SELECTOR, "button[data-sort-button='title']").click()
    assert visible_rows(browser) == ["Kawasaki disease", SHIPPED_TITLE, "Stiff person syndrome"]
    screenshot(browser, ARTIFACTS / "site-index.png", 1366)
    no_console_errors(browser)


def test_search_box_filters_the_index(browser, server) -> None:
    browser.get(server)
    box = wait(browser, lambda d: d.find_element(By.ID, "condition-search"))
    box.send_keys("miscarriage")
    assert visible_rows(browser) == [SHIPPED_TITLE]
    assert "Showing 1 of 3" in browser.find_element(By.ID, "search-status").text
    box.clear()
    box.send_keys("category 2a")
    assert visible_rows(browser) == ["Stiff person syndrome"]
    box.clear()
    box.send_keys("no such condition")
    assert visible_rows(browser) == []
    assert browser.find_element(By.ID, "no-results").is_displayed()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    assert len(visible_rows(browser)) == 3
    assert not browser.find_element(By.ID, "no-results").is_displayed()


# -- a condition page -----------------------------------------------------------------------------

def test_click_opens_condition_and_style_menu_loads_the_style_page(browser, server) -> None:
    browser.get(server)
    browser.find_element(By.LINK_TEXT, SHIPPED_TITLE).click()
    wait(browser, lambda d: d.current_url.endswith(f"/{SLUG}/index.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == SHIPPED_TITLE
    switcher = wait(browser, lambda d: d.find_element(By.ID, "style-switcher"))
    assert switcher.is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, ".style-links").is_displayed()
    select = Select(browser.find_element(By.ID, "style-select"))
    assert select.first_selected_option.get_attribute("value") == "ig-criteria"
    house = shown_bibliography(browser)
    assert house.get_attribute("data-style") == "ig-criteria"
    assert "Banjar S, Kadour E" in house.text
    screenshot(browser, ARTIFACTS / "site-condition.png", 1366)

    choose_style(browser, "vancouver")
    shown = shown_bibliography(browser)
    assert "1. Banjar S" in shown.text and "Banjar S, Kadour E, Khoudja R (2023)" not in shown.text
    assert "Vancouver" in browser.find_element(By.CSS_SELECTOR, ".shown-style").text
    screenshot(browser, ARTIFACTS / "site-condition-vancouver.png", 1366)
    choose_style(browser, "apa")
    assert "Banjar, S." in shown_bibliography(browser).text

    # the choice is in the URL (a reload keeps it) and remembered: the index links to it
    browser.refresh()
    assert wait(browser, lambda d: shown_bibliography(d).get_attribute("data-style") == "apa")
    browser.get(server)
    browser.find_element(By.LINK_TEXT, SHIPPED_TITLE).click()
    wait(browser, lambda d: d.current_url.endswith(f"/{SLUG}/apa.html"))
    # keyboard: focus the menu and move with the keys
    browser.find_element(By.ID, "style-select").send_keys(Keys.HOME)
    wait(browser, lambda d: d.current_url.endswith(f"/{SLUG}/index.html"))
    assert shown_bibliography(browser).get_attribute("data-style") == "ig-criteria"
    no_console_errors(browser)


def test_retracted_reference_shows_its_badge(browser, server) -> None:
    browser.get(f"{server}{SLUG}/index.html")
    block = wait(browser, lambda d: shown_bibliography(d))
    entry = block.find_element(By.CSS_SELECTOR, "li[data-key='wang2016']")
    badge = entry.find_element(By.CSS_SELECTOR, ".badge[data-status='retracted']")
    assert badge.is_displayed() and badge.text.endswith("Retracted")
    assert "Wang SW" in entry.text
    colour = badge.value_of_css_property("color")
    background = badge.value_of_css_property("background-color")
    assert colour != background
    choose_style(browser, "vancouver")
    entry = shown_bibliography(browser).find_element(By.CSS_SELECTOR, "li[data-key='wang2016']")
    assert entry.find_element(By.CSS_SELECTOR, ".badge[data-status='retracted']").is_displayed()
    assert "Wang SW" in entry.text
    choose_style(browser, "ig-criteria")


def test_download_link_returns_a_file_our_importer_reads(browser, server) -> None:
    from evidencebib.formats import bibtex

    browser.get(f"{server}{SLUG}/index.html")
    link = wait(browser, lambda d: d.find_element(
        By.XPATH, "//section[@class='downloads']//a[text()='BibTeX']"))
    url = link.get_attribute("href")
    assert url.startswith(server) and url.endswith(f"{SLUG}.bib")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode("utf-8")
    items = bibtex.read(text, source=url)
    assert [item["id"] for item in items] == ["banjar2023", "empson2005", "wang2016", "wong2014",
                                              "yamada2022"]
    assert all(SLUG in item.get("keyword", "") for item in items)


def test_print_shows_the_style_of_the_page_and_names_it(browser, server) -> None:
    browser.get(f"{server}{SLUG}/vancouver.html")
    wait(browser, lambda d: shown_bibliography(d).get_attribute("data-style") == "vancouver")
    emulate_print(browser)
    try:
        assert not browser.find_element(By.ID, "style-nav").is_displayed()
        assert shown_bibliography(browser).get_attribute("data-style") == "vancouver"
        assert "Vancouver" in browser.find_element(By.CSS_SELECTOR, ".shown-style").text
    finally:
        emulate_print(browser, False)


def test_axe_finds_no_wcag_21_aa_violation(browser, server) -> None:
    for url in ("", f"{SLUG}/index.html", f"{SLUG}/apa.html"):
        browser.get(server + url)
        assert run_axe(browser) == [], url


def test_site_works_from_disk(browser, site) -> None:
    browser.get((site / "index.html").as_uri())
    wait(browser, lambda d: d.find_element(By.ID, "index-controls").is_displayed())
    browser.find_element(By.LINK_TEXT, "Kawasaki disease").click()
    wait(browser, lambda d: d.current_url.endswith("/kawasaki-disease/index.html"))
    assert browser.find_element(By.ID, "style-switcher").is_displayed()
    no_console_errors(browser)


def test_without_javascript_everything_is_still_there(server) -> None:
    with chromium(javascript=False) as driver:
        driver.get(server)
        assert len(visible_rows(driver)) == 3
        assert not driver.find_element(By.ID, "index-controls").is_displayed()
        driver.get(f"{server}{SLUG}/index.html")
        assert not driver.find_element(By.ID, "style-switcher").is_displayed()
        shown = shown_bibliography(driver)
        assert shown.get_attribute("data-style") == "ig-criteria"
        assert "Banjar S, Kadour E" in shown.text
        # every other style is a link to its own page
        link = driver.find_element(By.CSS_SELECTOR, ".style-links a[data-style='apa']")
        assert link.is_displayed()
        link.click()
        wait(driver, lambda d: d.current_url.endswith(f"/{SLUG}/apa.html"))
        assert "Banjar, S." in shown_bibliography(driver).text
