"""The official CSL test suite (../shared/csl-test-suite/humans, 612 fixtures) as a regression net.

Every fixture is run in its MODE through the engine the instruments measure
(tests/support/engine_adapter.py, `OURS`) by suite_driver.py, which drives it the way
citeproc-js's own test runner does, and compared with RESULT after collapsing whitespace.

- A fixture on the measured engine's expected list (expected_pass.<adapter>.txt, e.g.
  expected_pass.NewEngine.txt) must pass: one that fails is a regression and fails the run
  (one test per listed fixture).
- Every other fixture is run too; those that pass are named in a `NewlyPassing` warning in the
  summary, so the list can be tightened: `scripts/refresh-conformance` (or
  benchmarks/csl_suite.py --no-js --write-expected) rewrites it from a run.
- locale_failures.json lists the fixtures no processor can pass with the 2026 locale files,
  each verified here against citeproc-js with the older terms put back.
- The instruments are checked against citeproc-js itself (slow tests): citeproc-js must fail
  exactly the listed fixtures, both through tests/citeproc_js/suite.js (its runner's driving)
  and through suite_driver.py with the citeproc-js adapter (so the driver is faithful).

Figures per fixture group and mode, ours beside citeproc-js: benchmarks/csl_suite.py.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest

import suite_driver  # noqa: F401  (puts tests/support on sys.path)
import citeproc_js_runner
import csl_fixtures
import engine_adapter

HERE = Path(__file__).resolve().parent
EXPECTED_PASS = engine_adapter.expected_file(HERE, "expected_pass", ".txt")
LOCALE_FAILURES = HERE / "locale_failures.json"
CITEPROC_JS_FAILURES = HERE / "citeproc_js_failures.json"
CS = "{http://purl.org/net/xbiblio/csl}"


def read_name_list(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def listed(path: Path) -> dict[str, dict]:
    return {entry["name"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["fixtures"]}


def suite_names() -> list[str]:
    if not csl_fixtures.SUITE.is_dir():
        return []
    return sorted(path.stem for path in csl_fixtures.SUITE.glob("*.txt"))


def require_suite() -> tuple[csl_fixtures.Fixture, ...]:
    if not csl_fixtures.SUITE.is_dir():
        message = f"the CSL test suite ({csl_fixtures.SUITE}) is not present"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}")
        pytest.skip(message)
    return csl_fixtures.load_suite()


def require_citeproc_js() -> None:
    citeproc_js_runner.require()


@functools.lru_cache(maxsize=1)
def our_rows() -> dict[str, suite_driver.Row]:
    return {row.name: row for row in suite_driver.measure(csl_fixtures.load_suite(), engine_adapter.ours())}


def test_the_shared_suite_is_there_and_parses() -> None:
    fixtures = require_suite()
    assert len(fixtures) == 612
    assert {fixture.mode for fixture in fixtures} == {"bibliography", "citation"}


def test_the_measured_engine_has_an_expected_list() -> None:
    assert EXPECTED_PASS.is_file(), (f"no {EXPECTED_PASS.name} for the engine measured "
                                     f"({engine_adapter.OURS.__name__}): "
                                     f"run {engine_adapter.REFRESH_COMMAND} and commit what it writes")


def test_expected_pass_list_names_real_fixtures_and_no_locale_failure() -> None:
    names = set(suite_names()) or pytest.skip("the CSL test suite is not present")
    expected = read_name_list(EXPECTED_PASS)
    assert len(expected) == len(set(expected)), f"a fixture is listed twice in {EXPECTED_PASS.name}"
    assert not set(expected) - names, f"not fixtures of the suite: {sorted(set(expected) - names)}"
    assert not set(expected) & set(listed(LOCALE_FAILURES)), "a locale failure cannot be expected to pass"
    assert not set(listed(CITEPROC_JS_FAILURES)) & set(listed(LOCALE_FAILURES))


def expected_names() -> list[str]:
    return read_name_list(EXPECTED_PASS) if suite_names() and EXPECTED_PASS.is_file() else []


class NewlyPassing(UserWarning):
    """Fixtures not on the expected list that pass now: add them (tighten the list)."""


@pytest.mark.parametrize("name", expected_names())
def test_expected_fixture_still_passes(name: str) -> None:
    """A fixture of the expected list that fails is a regression."""
    require_suite()
    row = our_rows()[name]
    assert row.error is None, f"{name}: {row.error}"
    fixture = next(f for f in csl_fixtures.load_suite() if f.name == name)
    assert suite_driver.canonical_html(row.output or "") == suite_driver.canonical_html(fixture.result)


def test_fixtures_off_the_list_that_pass_are_reported() -> None:
    """Fixtures off the list are run too; those that pass are named in a NewlyPassing warning
    (the run does not fail: the list is tightened by scripts/refresh-conformance). A locale
    failure that passes would mean the engine does not print the locale's terms: that fails."""
    require_suite()
    expected = set(read_name_list(EXPECTED_PASS))
    passing = sorted(name for name, row in our_rows().items() if row.strict and name not in expected)
    assert not set(passing) & set(listed(LOCALE_FAILURES))
    if passing:
        import warnings

        warnings.warn(NewlyPassing(f"{len(passing)} fixtures not on {EXPECTED_PASS.name} pass now "
                                   f"({engine_adapter.REFRESH_COMMAND} adds them): "
                                   + ", ".join(passing)), stacklevel=1)


# the instruments against citeproc-js ------------------------------------------------------------

def _citeproc_js_failures(results: dict[str, bool]) -> set[str]:
    return {name for name, passed in results.items() if not passed}


def _expected_citeproc_js_failures() -> set[str]:
    return set(listed(LOCALE_FAILURES)) | set(listed(CITEPROC_JS_FAILURES))


@pytest.mark.slow
def test_citeproc_js_fails_only_the_listed_fixtures_through_its_runners_driving() -> None:
    """citeproc-js driven as citeproc-test-runner drives it (suite.js) fails exactly the fixtures
    of locale_failures.json and citeproc_js_failures.json (about 98.5% / 99.5% pass)."""
    fixtures = require_suite()
    require_citeproc_js()
    answers = citeproc_js_runner.run_jobs(citeproc_js_runner.fixture_jobs(fixtures))
    # citeproc-js's answers, paired as suite.js gives them (one per job; strict=False as read before)
    results = {fixture.name: "error" not in answer
               and suite_driver.compare(fixture.result, answer["result"])[0]
               for fixture, answer in zip(fixtures, answers, strict=False)}
    assert _citeproc_js_failures(results) == _expected_citeproc_js_failures()
    for mode, floor in (("bibliography", 0.98), ("citation", 0.99)):
        of_mode = [results[f.name] for f in fixtures if f.mode == mode]
        assert sum(of_mode) / len(of_mode) >= floor


@pytest.mark.slow
def test_the_driver_gives_citeproc_js_the_same_verdicts_as_its_runner() -> None:
    """suite_driver.py (what measures our engine) with the citeproc-js adapter fails exactly the
    fixtures citeproc-js fails through its own runner's driving: the driver's registries,
    default cluster order, makeCitationCluster / processCitationCluster semantics and ..[i]/>>[i]
    document lines are faithful."""
    fixtures = require_suite()
    require_citeproc_js()
    adapter = engine_adapter.CiteprocJs()
    try:
        rows = suite_driver.measure(fixtures, adapter)
    finally:
        adapter.close()
    assert {row.name for row in rows if not row.strict} == _expected_citeproc_js_failures()
    assert not [row for row in rows if row.error]


def _locale_with(entry: dict, which: str) -> str:
    """The shipped locale XML of the entry's language, with its terms as `which` says."""
    from lxml import etree

    path = Path(citeproc_js_runner.locales_dir()) / f"locales-{entry['locale']}.xml"
    root = etree.fromstring(path.read_bytes())
    terms = root.find(f"{CS}terms")
    for change in entry["terms"]:
        shipped = etree.fromstring(change["shipped"].replace("<term ", f'<term xmlns="{CS[1:-1]}" ', 1))
        found = [term for term in terms.findall(f"{CS}term")
                 if term.get("name") == shipped.get("name") and term.get("form") == shipped.get("form")]
        assert len(found) == 1, f"{entry['name']}: no single term {change['shipped']} in {path.name}"
        current = found[0]
        assert (current.text or "").strip() == (shipped.text or "").strip() \
            and len(current) == len(shipped), \
            f"{path.name} no longer holds {change['shipped']}: review {entry['name']}"
        if which == "fixture_era":
            namespaced = change["fixture_era"].replace("<term ", f'<term xmlns="{CS[1:-1]}" ', 1)
            replacement = etree.fromstring(namespaced)
            replacement.tail = current.tail
            terms.replace(current, replacement)
    return etree.tostring(root, encoding="unicode")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(listed(LOCALE_FAILURES)))
def test_locale_failure_is_verified_against_citeproc_js(name: str) -> None:
    """With the shipped locale citeproc-js fails the fixture; with only the listed terms put back
    as they were, it passes: the locale change is the whole reason."""
    fixtures = {fixture.name: fixture for fixture in require_suite()}
    require_citeproc_js()
    entry = listed(LOCALE_FAILURES)[name]
    fixture = fixtures[name]
    jobs = []
    for which in ("shipped", "fixture_era"):
        job = citeproc_js_runner.fixture_jobs([fixture])[0]
        job["locales"] = {entry["locale"]: _locale_with(entry, which)}
        jobs.append(job)
    shipped, fixture_era = citeproc_js_runner.run_jobs(jobs)
    assert not suite_driver.compare(fixture.result, shipped.get("result"))[0]
    assert suite_driver.compare(fixture.result, fixture_era.get("result"))[0], fixture_era
