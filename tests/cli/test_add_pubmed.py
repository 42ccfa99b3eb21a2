"""`add` by PMID, PMCID and PubMed/PMC URL, mixed with DOIs: one parser per kind of
identifier, PubMed's record stored with its `pmid`/`pmcid`, nothing written on failure."""

from __future__ import annotations

import pytest

from conftest import tree_digest
from crossref_emulator import SHIPPED, CrossrefEmulator, make_work
from eutils_emulator import EutilsEmulator
from evidencebib import identifiers
from evidencebib.errors import UsageError
from network_cli import run_with_pubmed

CONDITION = "recurrent-miscarriage"


@pytest.mark.parametrize("text, kind, value", [
    ("31234567", "pmid", "31234567"),
    ("pmid:31234567", "pmid", "31234567"),
    ("PMID: 31234567", "pmid", "31234567"),
    ("PMC6543210", "pmcid", "PMC6543210"),
    ("pmcid:pmc6543210", "pmcid", "PMC6543210"),
    ("https://pubmed.ncbi.nlm.nih.gov/31234567/", "pmid", "31234567"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/31234567", "pmid", "31234567"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC6543210/", "pmcid", "PMC6543210"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6543210", "pmcid", "PMC6543210"),
    ("https://doi.org/10.1000/xyz", "doi", "10.1000/xyz"),
    ("10.1000/XYZ", "doi", "10.1000/XYZ"),
])
def test_each_kind_of_identifier_is_recognised(text, kind, value):
    found = identifiers.parse(text)
    assert (found.kind, found.value) == (kind, value)


@pytest.mark.parametrize("text", ["0123", "pmid:12ab", "1234567890", "PMCX1", "hello"])
def test_what_is_no_identifier_is_refused_by_name(text):
    with pytest.raises(UsageError, match="not a"):
        identifiers.parse(text)


@pytest.fixture
def services():
    with CrossrefEmulator(rate=100, concurrency=8) as crossref, EutilsEmulator() as eutils:
        for doi, meta in SHIPPED.items():
            crossref.add_work(make_work(doi, **meta))
        crossref.add_work(make_work("10.5555/by-doi", title="A trial found by its DOI"))
        eutils.add_efetch_file("retracted-wakefield-1998.xml")
        eutils.add_article("99500001", title="Immunoglobulin in recurrent miscarriage",
                           doi="10.5555/evb.pm1", pmcid="PMC9500001", family="Okafor")
        yield crossref, eutils


def run(services, references, *args):
    return run_with_pubmed(*services, references, *args)


def test_add_takes_pmids_pmcids_urls_and_dois_mixed(services, references):
    ran = run(services, references, "add", CONDITION, "pmid:9500320", "10.5555/by-doi",
              "https://pmc.ncbi.nlm.nih.gov/articles/PMC9500001/")
    assert ran.exit_code == 0, ran
    text = (references / f"{CONDITION}.bib").read_text()
    assert "pmid = {9500320}" in text and "Ileal-lymphoid-nodular hyperplasia" in text
    assert "A trial found by its DOI" in text
    assert "pmcid = {PMC9500001}" in text and "pmid = {99500001}" in text
    assert ran.stdout.count("added ") == 3


def test_adding_a_retracted_article_by_pmid_warns(services, references):
    ran = run(services, references, "add", CONDITION, "9500320")
    assert ran.exit_code == 0, ran
    assert "PubMed marks it retracted" in ran.stderr


def test_a_pmid_already_in_the_condition_is_skipped(services, references):
    run(services, references, "add", CONDITION, "9500320")
    digest = tree_digest(references)
    again = run(services, references, "add", CONDITION,
                "https://pubmed.ncbi.nlm.nih.gov/9500320/")
    assert "already in" in again.stdout and tree_digest(references) == digest


def test_an_unknown_pmid_writes_nothing(services, references):
    digest = tree_digest(references)
    ran = run(services, references, "add", CONDITION, "10.5555/by-doi", "99999997")
    assert ran.exit_code == 2 and "PubMed has no record for PMID 99999997" in ran.stderr
    assert tree_digest(references) == digest


def test_pubmed_down_writes_nothing_and_says_unreachable(services, references):
    services[1].faults["efetch"] = ["503"] * 40
    digest = tree_digest(references)
    ran = run(services, references, "add", CONDITION, "9500320", "--timeout", "2")
    assert ran.exit_code == 2 and "unreachable" in ran.stderr
    assert tree_digest(references) == digest


def test_the_configured_ncbi_api_key_reaches_pubmed(services, references, tmp_path):
    (references.parent / "evidencebib.toml").write_text('ncbi_api_key = "configkey0123abc"\n',
                                                         encoding="utf-8")
    crossref, eutils = services
    ran = run_with_pubmed(crossref, eutils, references, "add", CONDITION, "9500320")
    assert ran.exit_code == 0, ran
    assert eutils.log and all(entry["api_key"] == "configkey0123abc" for entry in eutils.log)


def _bad_key_error(services, references, *args, env=None):
    from network_cli import run as run_cli

    crossref, eutils = services
    digest = tree_digest(references)
    ran = run_cli(crossref, references, "add", CONDITION, "9500320", *args,
                  env={"EVIDENCEBIB_EUTILS_URL": eutils.eutils_url, **(env or {})})
    assert ran.exit_code == 2 and "Traceback" not in ran.stderr, ran
    assert tree_digest(references) == digest and not eutils.log
    [line] = ran.stderr.strip().splitlines()
    return line.removeprefix("evidencebib: error: ")


def test_a_malformed_ncbi_api_key_in_a_config_file_is_reported_with_the_file(services, references):
    """The error names where the key came from: the file and its setting, not an option the
    user never gave."""
    config = references.parent / "evidencebib.toml"
    config.write_text('ncbi_api_key = "not a key!"\n', encoding="utf-8")
    line = _bad_key_error(services, references)
    assert line.startswith(f"{config}: ncbi_api_key must be letters and digits"), line
    assert "--ncbi-api-key" not in line


def test_a_malformed_ncbi_api_key_in_the_environment_is_reported_with_the_variable(services, references):
    line = _bad_key_error(services, references, env={"EVIDENCEBIB_NCBI_API_KEY": "not a key!"})
    assert line.startswith("$EVIDENCEBIB_NCBI_API_KEY must be letters and digits"), line


def test_a_malformed_ncbi_api_key_option_is_reported_with_the_option(services, references):
    line = _bad_key_error(services, references, "--ncbi-api-key", "not a key!")
    assert line.startswith("--ncbi-api-key must be letters and digits"), line


def test_a_malformed_mailto_in_a_config_file_is_reported_with_the_file(services, references):
    config = references.parent / "evidencebib.toml"
    config.write_text('mailto = "editor at example.org"\n', encoding="utf-8")
    line = _bad_key_error(services, references, env={"EVIDENCEBIB_MAILTO": ""})
    assert line.startswith(f"{config}: mailto must be an e-mail address"), line


def test_add_by_pmid_with_dry_run_prints_the_diff_and_writes_nothing(services, references):
    digest = tree_digest(references)
    ran = run(services, references, "add", CONDITION, "9500320", "--dry-run")
    assert ran.exit_code == 0, ran
    assert "+  pmid = {9500320}" in ran.stdout
    assert tree_digest(references) == digest
