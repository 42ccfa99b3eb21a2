"""Headless Debian Chromium driven by Selenium, for the site's browser tests (tests/site).

    from browser import UNAVAILABLE, start_chromium, serve_site, run_axe, screenshot

Needs /usr/bin/chromium, /usr/bin/chromedriver, the selenium package and, for `run_axe`,
axe-core in tests/axe/node_modules (all installed by scripts/setup-browser-tests). A test
module calls `skip_or_fail_without_browser()` first: without them the tests skip with the
reason, unless CI is set, where they fail.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
ARTIFACTS = TESTS / "artifacts"
AXE = TESTS / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1366,900", "--hide-scrollbars"]
# WCAG 2.1 A and AA, as axe-core tags them
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def find(names: list[str]) -> str | None:
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.access(name, os.X_OK) else None)
        if found:
            return found
    return None


def unavailable() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "the selenium package is not installed"
    if not find(["/usr/bin/chromium", "chromium", "chromium-browser"]):
        return "Chromium is not installed (/usr/bin/chromium)"
    if not find(["/usr/bin/chromedriver", "chromedriver"]):
        return "chromedriver is not installed (/usr/bin/chromedriver, Debian chromium-driver)"
    return None


def skip_or_fail_without_browser(*, axe: bool = False) -> None:
    reason = unavailable()
    if reason is None and axe and not AXE.is_file():
        reason = f"axe-core is not installed ({AXE.relative_to(REPO)})"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run under CI: {reason}; run "
                        "scripts/setup-browser-tests", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason} (run scripts/setup-browser-tests)",
                    allow_module_level=True)


def start_chromium(*, javascript: bool = True):
    """(driver, profile directory); the caller quits the driver and removes the profile."""
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = find(["/usr/bin/chromium", "chromium", "chromium-browser"])
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="evidencebib-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(find(["/usr/bin/chromedriver", "chromedriver"]))
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        message = str(error).splitlines()[0]
        if os.environ.get("CI"):
            pytest.fail(f"Chromium did not start: {message}")
        pytest.skip(f"Chromium did not start: {message}")
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(180)   # axe-core on a 212-reference page, on a busy machine
    return driver, profile


@contextmanager
def chromium(*, javascript: bool = True) -> Iterator:
    driver, profile = start_chromium(javascript=javascript)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def serve_site(site: Path) -> Iterator[str]:
    """`evidencebib serve --port 0` on the built site; yields its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "evidencebib", "serve", "-d", str(site),
                                "--port", "0", "--quiet"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if not match:
            process.kill()
            pytest.fail(f"serve did not print its URL: {line!r} {process.stderr.read()}")
        yield match.group(0)
    finally:
        process.terminate()
        process.communicate(timeout=10)


def wait(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def set_viewport(driver, width: int, height: int = 900, *, mobile: bool = False) -> None:
    """The layout viewport (CSS pixels), as a phone or a desktop window has it."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1,
                            "mobile": mobile})


def reset_viewport(driver) -> None:
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def screenshot(driver, path: Path, width: int, *, mobile: bool = False,
               max_height: int = 6000) -> Path:
    """A full-page PNG at `width` CSS pixels (capped at max_height), for review by eye."""
    set_viewport(driver, width, 900, mobile=mobile)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    height = max(600, min(int(height), max_height))
    set_viewport(driver, width, height, mobile=mobile)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png",
                                                             "captureBeyondViewport": False})
    path.write_bytes(base64.b64decode(data["data"]))
    reset_viewport(driver)
    return path


def print_to_pdf(driver, path: Path, **options) -> Path:
    """The page as Chromium prints it (A4, default margins, print stylesheet)."""
    settings = {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": False, **options}
    data = driver.execute_cdp_cmd("Page.printToPDF", settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(data["data"]))
    return path


def emulate_print(driver, on: bool = True) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print" if on else ""})


def run_axe(driver, tags: list[str] = WCAG_21_AA) -> list[dict]:
    """axe-core's violations on the current page (injected from tests/axe, not a CDN)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(function (r) { done(r.violations.map(function (v) {"
        "  return {id: v.id, impact: v.impact, help: v.help,"
        "          nodes: v.nodes.slice(0, 5).map(function (n) {"
        "            return n.target.join(' ') + ': ' + n.failureSummary; })};"
        "})); }, function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });",
        tags)
    return result


def console_errors(driver) -> list[dict]:
    try:
        logs = driver.get_log("browser")
    except Exception:  # pragma: no cover - some drivers have no log endpoint
        return []
    return [entry for entry in logs if entry.get("level") == "SEVERE"]


# -- fixtures: a test module that defines `site` (the built site) imports these -----------------

@pytest.fixture(scope="module")
def server(site: Path):
    """`evidencebib serve` on a free port; yields the base URL."""
    with serve_site(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as driver:
        yield driver
