"""Every command that talks to the network (`verify`, `add`, `enrich`, `find-doi`,
`import --from doi-list`) takes `--timeout SECONDS` and `--max-time SECONDS`, ends within
`--timeout` × tries plus backoff however slowly the server answers, and says `unreachable`
with the cause.

The servers here send their status line one byte every 0.2 s, so no answer ever completes
within the 0.5 s deadline; the backoff base is made small (it is a module default, read at
run time) so that the bound is a few seconds.
"""

from __future__ import annotations

import pytest

from conditions import new_condition
from conftest import tree_digest
from crossref_emulator import SHIPPED, CrossrefEmulator, make_work
from network_cli import run

SLOW = "slow-status:0.2"
TIMEOUT = 0.5
TRIES = 5
BACKOFF = 0.05
# tries × timeout + the backoffs between them (doubling from BACKOFF) + start-up and slack …
BOUND = TRIES * TIMEOUT + sum(BACKOFF * 2 ** i for i in range(TRIES - 1)) + 2.0
# … and for verify, which first looks ahead with list queries (2 tries, one backoff)
VERIFY_BOUND = BOUND + 2 * TIMEOUT + BACKOFF


@pytest.fixture
def emu(monkeypatch):
    from evidencebib.net import transport

    monkeypatch.setattr(transport, "DEFAULT_BACKOFF", BACKOFF)
    with CrossrefEmulator(rate=100, interval=0.5, concurrency=8) as emulator:
        for doi, meta in SHIPPED.items():
            emulator.add_work(make_work(doi, **meta))
            emulator.always[doi] = SLOW
        emulator.add_work(make_work("10.5555/new"))
        emulator.always["10.5555/new"] = SLOW
        emulator.always["list"] = SLOW
        yield emulator


def test_verify_ends_within_the_bound_and_says_unreachable_with_the_cause(emu, references):
    ran = run(emu, references, "verify", "--timeout", str(TIMEOUT))
    assert ran.elapsed < VERIFY_BOUND, ran
    assert ran.exit_code == 1, ran
    rows = [line for line in ran.stdout.splitlines() if line.startswith("unreachable")]
    assert len(rows) == len(SHIPPED), ran
    assert all("0.5 s" in row or "stopped asking" in row for row in rows), ran
    assert "0.5 s" in ran.stdout


def test_add_ends_within_the_bound_says_unreachable_and_writes_nothing(emu, references):
    digest = tree_digest(references)
    ran = run(emu, references, "add", "recurrent-miscarriage", "10.5555/new",
              "--timeout", str(TIMEOUT))
    assert ran.elapsed < BOUND, ran
    assert ran.exit_code == 2, ran
    assert "unreachable" in ran.stderr and "0.5 s" in ran.stderr, ran
    assert tree_digest(references) == digest


def test_import_of_a_doi_list_ends_within_the_bound_and_writes_nothing(emu, references,
                                                                       tmp_path):
    listing = tmp_path / "dois.txt"
    listing.write_text("10.5555/new\n", encoding="utf-8")
    new_condition(references, "new-condition")
    digest = tree_digest(references)
    ran = run(emu, references, "import", str(listing), "--into", "new-condition",
              "--from", "doi-list", "--timeout", str(TIMEOUT))
    assert ran.elapsed < BOUND, ran
    assert ran.exit_code == 2, ran
    assert "unreachable" in ran.stderr and "0.5 s" in ran.stderr, ran
    assert tree_digest(references) == digest


def test_enrich_ends_within_the_bound_and_names_each_entry_it_could_not_check(emu,
                                                                             references):
    digest = tree_digest(references)
    ran = run(emu, references, "enrich", "recurrent-miscarriage", "--apply",
              "--timeout", str(TIMEOUT))
    assert ran.elapsed < BOUND, ran
    assert ran.exit_code == 1, ran
    unreachable = [line for line in ran.stderr.splitlines() if "unreachable" in line]
    assert len(unreachable) == len(SHIPPED), ran
    assert tree_digest(references) == digest


def test_find_doi_ends_within_the_bound_and_says_unreachable(emu, references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text() + "\n@article{nodoi2020,\n  author = {Smith, Anne},\n"
                   "  title = {A trial of something},\n  year = {2020},\n}\n")
    digest = tree_digest(references)
    ran = run(emu, references, "find-doi", "recurrent-miscarriage", "--apply",
              "--timeout", str(TIMEOUT))
    assert ran.elapsed < BOUND, ran
    assert ran.exit_code == 1, ran
    assert "@nodoi2020: unreachable" in ran.stderr and "0.5 s" in ran.stderr, ran
    assert tree_digest(references) == digest


def test_max_time_bounds_the_whole_run_and_is_reported(emu, references):
    ran = run(emu, references, "verify", "--timeout", "0.5", "--max-time", "1")
    assert ran.elapsed < 1 + 2.0, ran
    assert ran.exit_code == 1, ran
    assert "time limit of 1 s (--max-time)" in ran.stderr, ran


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(emu, references, value):
    ran = run(emu, references, "verify", "--timeout", value)
    assert ran.exit_code == 2 and "--timeout" in ran.stderr, ran
    assert emu.log == []
