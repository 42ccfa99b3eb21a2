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

import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
ARTIFACTS = TESTS / "artifacts"
REPORT = TESTS / "fixtures" / "site" / "verify-report.json"
SLUG = "recurrent-miscarriage"
SHIPPED_TITLE = "Recurrent miscarriage / recurrent fetal loss (with or without antiphospholipid syndrome)"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900"]


def _find(names: list[str]) -> str | None:
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.access(name, os.X_OK) else None)
        if found:
            return found
    return None


def _unavailable() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed"
    if not _find(["/usr/bin/chromium", "chromium", "chromium-browser"]):
        return "Chromium is not installed (/usr/bin/chromium)"
    if not _find(["/usr/bin/chromedriver", "chromedriver"]):
        return "chromedriver is not installed (/usr/bin/chromedriver, Debian chromium-driver)"
    return None


_REASON = _unavailable()
if _REASON:
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {_REASON}; run scripts/setup-browser-tests",
                    pytrace=False)
    pytest.skip(f"browser tests skipped: {_REASON} (run scripts/setup-browser-tests)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

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


@pytest.fixture(scope="module")
def server(site: Path):
    """`evidencebib serve` on a free port; yields the base URL."""
    from evidencebib.cli import main

    command = ([sys.executable, "-m", "evidencebib", "serve"] if "serve" in main.commands
               else [sys.executable, "-m", "evidencebib.cli.site", "serve"])
    process = subprocess.Popen(command + ["-d", str(site), "--port", "0", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=REPO)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not match:
        process.kill()
        pytest.fail(f"serve did not print its URL: {line!r} {process.stderr.read()}")
    yield match.group(0)
    process.terminate()
    process.communicate(timeout=10)


def _driver(javascript: bool = True):
    options = Options()
    options.binary_location = _find(["/usr/bin/chromium", "chromium", "chromium-browser"])
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="evidencebib-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(_find(["/usr/bin/chromedriver", "chromedriver"]))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        message = str(error).splitlines()[0]
        if os.environ.get("CI"):
            pytest.fail(f"Chromium did not start: {message}")
        pytest.skip(f"Chromium did not start: {message}")
    driver.set_page_load_timeout(30)
    return driver, profile


@pytest.fixture(scope="module")
def browser():
    driver, profile = _driver()
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait(driver, condition, timeout: float = 10):
    return WebDriverWait(driver, timeout).until(condition)


def visible_rows(driver) -> list[str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#conditions-table tbody tr")
    return [row.find_element(By.TAG_NAME, "th").text for row in rows if row.is_displayed()]


def shown_bibliography(driver):
    blocks = [b for b in driver.find_elements(By.CSS_SELECTOR, ".bib[data-style]") if b.is_displayed()]
    assert len(blocks) == 1, [b.get_attribute("data-style") for b in blocks]
    return blocks[0]


def full_page_screenshot(driver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(int(height) + 200, 5000)))
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)


def no_console_errors(driver) -> None:
    try:
        logs = driver.get_log("browser")
    except Exception:  # pragma: no cover - some drivers have no log endpoint
        return
    errors = [entry for entry in logs if entry.get("level") == "SEVERE"
              and "favicon.ico" not in entry.get("message", "")]
    assert not errors, errors


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
    full_page_screenshot(browser, ARTIFACTS / "site-index.png")
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

def test_click_opens_condition_and_style_switcher_changes_bibliography(browser, server) -> None:
    browser.get(server)
    browser.find_element(By.LINK_TEXT, SHIPPED_TITLE).click()
    wait(browser, lambda d: d.current_url.endswith(f"/{SLUG}/index.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text == SHIPPED_TITLE
    switcher = wait(browser, lambda d: d.find_element(By.ID, "style-switcher"))
    assert switcher.is_displayed()
    select = Select(browser.find_element(By.ID, "style-select"))
    assert select.first_selected_option.get_attribute("value") == "ig-criteria"
    house = shown_bibliography(browser)
    assert house.get_attribute("data-style") == "ig-criteria"
    assert "Banjar S, Kadour E" in house.text
    full_page_screenshot(browser, ARTIFACTS / "site-condition.png")

    select.select_by_value("vancouver")
    shown = shown_bibliography(browser)
    assert shown.get_attribute("data-style") == "vancouver"
    assert "1. Banjar S" in shown.text and "Banjar S, Kadour E, Khoudja R (2023)" not in shown.text
    select.select_by_value("apa")
    assert "Banjar, S." in shown_bibliography(browser).text
    assert "APA" in browser.find_element(By.ID, "style-status").get_attribute("textContent")
    select.select_by_value("vancouver")
    full_page_screenshot(browser, ARTIFACTS / "site-condition-vancouver.png")
    select.select_by_value("apa")

    # the choice is remembered on the next page load
    browser.refresh()
    assert wait(browser, lambda d: shown_bibliography(d).get_attribute("data-style") == "apa")
    # keyboard: focus the select and move with the arrow keys
    element = browser.find_element(By.ID, "style-select")
    element.send_keys(Keys.HOME)
    assert shown_bibliography(browser).get_attribute("data-style") == "ig-criteria"
    no_console_errors(browser)


def test_retracted_reference_shows_its_badge(browser, server) -> None:
    browser.get(f"{server}{SLUG}/index.html?style=ig-criteria")
    block = wait(browser, lambda d: shown_bibliography(d))
    entry = block.find_element(By.CSS_SELECTOR, "li[data-key='wang2016']")
    badge = entry.find_element(By.CSS_SELECTOR, ".badge[data-status='retracted']")
    assert badge.is_displayed() and badge.text.endswith("Retracted")
    assert "Wang SW" in entry.text
    colour = badge.value_of_css_property("color")
    background = badge.value_of_css_property("background-color")
    assert colour != background
    Select(browser.find_element(By.ID, "style-select")).select_by_value("vancouver")
    entry = shown_bibliography(browser).find_element(By.CSS_SELECTOR, "li[data-key='wang2016']")
    assert entry.find_element(By.CSS_SELECTOR, ".badge[data-status='retracted']").is_displayed()
    assert "Wang SW" in entry.text
    Select(browser.find_element(By.ID, "style-select")).select_by_value("ig-criteria")


def test_download_link_returns_a_file_our_importer_reads(browser, server) -> None:
    from evidencebib.formats import bibtex

    browser.get(f"{server}{SLUG}/index.html")
    link = wait(browser, lambda d: d.find_element(By.LINK_TEXT, "BibTeX"))
    url = link.get_attribute("href")
    assert url.startswith(server) and url.endswith(f"{SLUG}.bib")
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode("utf-8")
    items = bibtex.read(text, source=url)
    assert [item["id"] for item in items] == ["banjar2023", "empson2005", "wang2016", "wong2014",
                                              "yamada2022"]
    assert all(SLUG in item.get("keyword", "") for item in items)


def test_print_media_hides_switcher_and_shows_house_style(browser, server) -> None:
    browser.get(f"{server}{SLUG}/index.html?style=vancouver")
    wait(browser, lambda d: shown_bibliography(d).get_attribute("data-style") == "vancouver")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "style-switcher").is_displayed()
        assert shown_bibliography(browser).get_attribute("data-style") == "ig-criteria"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_site_works_from_disk(browser, site) -> None:
    browser.get((site / "index.html").as_uri())
    wait(browser, lambda d: d.find_element(By.ID, "index-controls").is_displayed())
    browser.find_element(By.LINK_TEXT, "Kawasaki disease").click()
    wait(browser, lambda d: d.current_url.endswith("/kawasaki-disease/index.html"))
    assert browser.find_element(By.ID, "style-switcher").is_displayed()
    no_console_errors(browser)


def test_without_javascript_everything_is_still_there(server) -> None:
    driver, profile = _driver(javascript=False)
    try:
        driver.get(server)
        assert len(visible_rows(driver)) == 3
        assert not driver.find_element(By.ID, "index-controls").is_displayed()
        driver.get(f"{server}{SLUG}/index.html")
        assert not driver.find_element(By.ID, "style-switcher").is_displayed()
        shown = shown_bibliography(driver)
        assert shown.get_attribute("data-style") == "ig-criteria"
        assert "Banjar S, Kadour E" in shown.text
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
