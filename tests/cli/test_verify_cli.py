"""The network commands end to end: references/ on disk, emulator on loopback, CliRunner."""

import json
import re

import pytest
from click.testing import CliRunner

from conftest import tree_digest
from crossref_emulator import (SHIPPED, CrossrefEmulator, make_work, sample_messages,
                               synthetic_messages)
from evidencebib.cli import main
from conditions import new_condition


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=100, interval=0.5, concurrency=8) as emulator:
        for doi, meta in SHIPPED.items():
            emulator.add_work(make_work(doi, **meta))
        emulator.add_works(sample_messages())
        emulator.add_works(synthetic_messages().values())
        yield emulator


def run(emu, references, *args, cache=None):
    env = {"EVIDENCEBIB_CROSSREF_URL": emu.crossref_url, "EVIDENCEBIB_DOI_URL": emu.doi_url,
           "EVIDENCEBIB_MAILTO": "cli@example.org",
           "EVIDENCEBIB_CACHE_DIR": str(cache or references.parent / "cache"),
           "EVIDENCEBIB_REFERENCES": str(references)}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_verify_shipped_references_all_ok(emu, references):
    result = run(emu, references, "verify", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == {"ok": 5}
    first = data["results"][0]
    assert first["condition"] == "recurrent-miscarriage" and first["key"] == "banjar2023"
    assert first["line"] == 1
    # a second run is answered from the cache
    emu.reset_counters()
    assert run(emu, references, "verify").exit_code == 0
    assert emu.log == []


def test_verify_reports_problems_with_exit_1_and_writes_file(emu, references):
    assert run(emu, references, "add", "recurrent-miscarriage",
               "https://doi.org/10.1016/S0140-6736(97)11096-0").exit_code == 0
    report = references.parent / "report.md"
    result = run(emu, references, "verify", "recurrent-miscarriage", "--format", "markdown",
                 "-o", str(report))
    assert result.exit_code == 1
    text = report.read_text()
    assert "**retracted**" in text and "Retraction Watch record 4036" in text


def test_verify_offline_names_unchecked_dois(emu, references, tmp_path):
    result = run(emu, references, "verify", "--offline", cache=tmp_path / "empty")
    assert result.exit_code == 1
    assert "not in the cache" in result.stderr and "10.1111/aji.13737" in result.stderr
    assert emu.log == []


def test_verify_unknown_condition_is_usage_error(emu, references):
    result = run(emu, references, "verify", "no-such-condition")
    assert result.exit_code == 2 and "unknown condition" in result.stderr


def test_add_appends_once_and_reports_duplicates(emu, references):
    bib = references / "recurrent-miscarriage.bib"
    before = bib.read_text()
    result = run(emu, references, "add", "recurrent-miscarriage", "doi:10.1371/journal.pone.0033693",
                 "10.1111/AJI.13737")
    assert result.exit_code == 0, result.output
    assert "already in recurrent-miscarriage as banjar2023" in result.stdout
    after = bib.read_text()
    assert after.startswith(before)
    assert "sadasivan2012" in after and "10.1371/journal.pone.0033693" in after
    again = run(emu, references, "add", "recurrent-miscarriage", "10.1371/JOURNAL.PONE.0033693")
    assert "already in" in again.stdout and bib.read_text() == after


def test_add_writes_nothing_on_failure(emu, references):
    digest = tree_digest(references)
    result = run(emu, references, "add", "recurrent-miscarriage", "10.1371/journal.pone.0033693",
                 "10.9999/does-not-exist")
    assert result.exit_code == 2 and "not registered" in result.stderr
    result = run(emu, references, "add", "recurrent-miscarriage", "not-a-doi")
    assert result.exit_code == 2 and "not a DOI" in result.stderr
    assert tree_digest(references) == digest


def test_enrich_shows_then_applies(emu, references):
    emu.works["10.1111/aji.13737"]["author"].append(
        {"given": "C", "family": "Dahdouh", "sequence": "additional"})
    bib = references / "recurrent-miscarriage.bib"
    digest = tree_digest(references)
    shown = run(emu, references, "enrich", "recurrent-miscarriage")
    assert shown.exit_code == 0, shown.output
    assert "@banjar2023" in shown.stdout and "+ ISSN" in shown.stdout
    assert tree_digest(references) == digest
    applied = run(emu, references, "enrich", "recurrent-miscarriage", "--apply")
    assert applied.exit_code == 0 and "updated" in applied.stdout
    text = bib.read_text()
    assert "1234-5678" in text


def test_find_doi(emu, references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text() + "\n@article{sadasivan2012x,\n  author = {Sadasivan, "
                   "Shankar and others},\n  title = {Methylphenidate exposure induces dopamine "
                   "neuron loss and activation of microglia in the basal ganglia of mice},\n"
                   "  journal = {PLoS One},\n  year = {2012},\n}\n")
    shown = run(emu, references, "find-doi", "recurrent-miscarriage")
    assert shown.exit_code == 0, shown.output
    assert "10.1371/journal.pone.0033693" in shown.stdout
    applied = run(emu, references, "find-doi", "recurrent-miscarriage", "--apply")
    assert "wrote 1 DOI" in applied.stdout
    assert "doi = {10.1371/journal.pone.0033693}" in bib.read_text()


def test_import_from_a_doi_list_resolves_each_doi(emu, references, tmp_path):
    listing = tmp_path / "dois.txt"
    listing.write_text("# trials to add\n10.1371/journal.pone.0033693\n\nhttps://doi.org/10.1111/aji.13737\n",
                       encoding="utf-8")
    new_condition(references, "from-dois")
    result = run(emu, references, "import", str(listing), "--into", "from-dois", "--from", "doi-list")
    assert result.exit_code == 0, result.output
    assert "2 added" in result.stdout
    from evidencebib.store import References

    dois = [i["DOI"] for i in References(references).load("from-dois").bib.items()]
    assert dois == ["10.1371/journal.pone.0033693", "10.1111/aji.13737"]


def test_a_doi_list_with_a_bad_line_names_it_and_writes_nothing(emu, references, tmp_path):
    listing = tmp_path / "dois.txt"
    listing.write_text("10.1371/journal.pone.0033693\nnot a doi\n", encoding="utf-8")
    new_condition(references, "x")
    digest = tree_digest(references)
    result = run(emu, references, "import", str(listing), "--into", "x", "--from", "doi-list")
    assert result.exit_code == 2 and "line 2" in result.stderr
    assert tree_digest(references) == digest


# Issue 15, item 8: an entry that does not parse is never skipped without a word.

def _with_unbalanced_entry(references):
    bib = references / "recurrent-miscarriage.bib"
    with bib.open("a", encoding="utf-8") as handle:
        handle.write("\n@article{broken2020,\n  title = {Unbalanced {brace,\n"
                     "  doi = {10.1111/aji.13737}\n}\n")
    return bib


def test_verify_names_an_unparsed_entry_and_strict_fails_on_it(emu, references):
    _with_unbalanced_entry(references)
    result = run(emu, references, "verify", "--strict")
    assert result.exit_code == 1, result.output
    assert "entry 'broken2020'" in result.stderr and "not verified" in result.stderr
    assert "recurrent-miscarriage.bib, line " in result.stderr


def test_verify_without_strict_reports_the_unparsed_entry(emu, references):
    _with_unbalanced_entry(references)
    result = run(emu, references, "verify")
    assert "entry 'broken2020'" in result.stderr


def test_conditions_counts_every_entry_and_says_which_are_unreadable(emu, references):
    _with_unbalanced_entry(references)
    result = run(emu, references, "conditions")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "recurrent-miscarriage" in line)
    assert re.search(r"\b5\s+1\b", row), row  # refs 5, unparsed 1


def test_find_doi_and_enrich_name_an_unparsed_entry(emu, references):
    _with_unbalanced_entry(references)
    for command, consequence in (("find-doi", "not searched"), ("enrich", "not enriched")):
        result = run(emu, references, command, "recurrent-miscarriage")
        assert "entry 'broken2020'" in result.stderr and consequence in result.stderr
