"""Everything taken from the network is checked before it is stored: `find-doi --apply` writes
only a DOI that is DOI syntax, and `add`, `import --from doi-list` and `enrich --apply` store
no control characters or terminal escape sequences, and no value that fails its field's
syntax (an ISSN that is not one, a date that is not a date, a 5,000-character volume).
"""

from __future__ import annotations

import re

import pytest

from conditions import new_condition
from conftest import tree_digest
from crossref_emulator import SHIPPED, make_work, shipped_emulator
from evidencebib.find_doi import choose
from network_cli import run

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_DOI = "not a doi }\n@article{evil,\n  title = {pwned}\x1b[2J"
TITLE = "Methylphenidate exposure induces dopamine neuron loss in mice"
NO_DOI_ENTRY = ("\n@article{nodoi2012,\n  author = {Sadasivan, Shankar},\n"
                f"  title = {{{TITLE}}},\n  journal = {{PLoS One}},\n  year = {{2012}},\n}}\n")


def hostile_work(doi: str, **extra) -> dict:
    return make_work(
        doi, title="Heparin\x1b[2J\x1b]0;pwned\x07 in \u202epregnancy\x9b31m trial", family="Smi\x1b[0mth",
        journal="Journal\x00 of \x85Tests", volume="9" * 5000, ISSN=["evil", "1234-5678"],
        issued={"date-parts": [[99999, 13, 40]]}, **extra)


@pytest.fixture
def emu():
    with shipped_emulator() as emulator:
        yield emulator


@pytest.mark.parametrize("doi", [HOSTILE_DOI, "10.1371/journal.pone.0033693\x1b[2J",
                                 "10.1371/journal.pone}\n@misc{x,", "10.5555/a\\b", "", None, 5])
def test_find_doi_never_accepts_a_candidate_that_is_not_a_doi(doi):
    local = {"id": "x", "title": TITLE, "author": [{"family": "Sadasivan"}],
             "issued": {"date-parts": [[2012]]}}
    work = make_work("10.0/placeholder", title=TITLE, family="Sadasivan", year=2012)
    work["DOI"] = doi
    decision = choose(local, [{**work, "score": 100.0}])
    assert decision.doi is None
    for candidate in decision.candidates:
        assert not CONTROL.search(candidate.doi) and "\n" not in candidate.doi


def test_find_doi_apply_writes_nothing_for_a_hostile_search_result(emu, references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text() + NO_DOI_ENTRY)
    work = make_work("10.0/placeholder", title=TITLE, family="Sadasivan", year=2012,
                     journal="PLoS One")
    emu.search_results["Methylphenidate"] = [{**work, "DOI": HOSTILE_DOI, "score": 120.0}]
    digest = tree_digest(references)
    ran = run(emu, references, "find-doi", "recurrent-miscarriage", "--apply")
    assert "no DOI proposed" in ran.stdout and "not a DOI" in ran.stdout, ran
    assert "\x1b" not in ran.output
    assert tree_digest(references) == digest


def test_find_doi_apply_writes_a_valid_doi(emu, references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text() + NO_DOI_ENTRY)
    work = make_work("10.1371/journal.pone.0033693", title=TITLE, family="Sadasivan",
                     year=2012, journal="PLoS One")
    emu.search_results["Methylphenidate"] = [{**work, "score": 120.0}]
    ran = run(emu, references, "find-doi", "recurrent-miscarriage", "--apply")
    assert "wrote 1 DOI" in ran.stdout, ran
    assert "doi = {10.1371/journal.pone.0033693}" in bib.read_text()


def test_add_stores_no_control_characters_and_no_value_that_fails_its_syntax(emu, references):
    emu.add_work(hostile_work("10.5555/hostile"))
    ran = run(emu, references, "add", "recurrent-miscarriage", "10.5555/hostile")
    assert ran.exit_code == 0, ran
    text = (references / "recurrent-miscarriage.bib").read_text()
    entry = text[text.index("10.5555/hostile") - 600:]
    assert not CONTROL.search(text), CONTROL.findall(text)
    assert "pwned" not in entry and "31m" not in entry and "[2J" not in entry
    assert "Heparin in pregnancy trial" in entry
    assert "Smith" in entry and "Journal of Tests" in entry
    assert "9999999" not in entry and "evil" not in entry and "1234-5678" in entry
    assert "99999" not in entry                          # the converter drops the date itself
    for name in ("volume", "ISSN"):
        assert name in ran.stderr, ran                   # the editor hears what was dropped


def test_import_of_a_doi_list_stores_checked_values(emu, references, tmp_path):
    emu.add_work(hostile_work("10.5555/hostile"))
    listing = tmp_path / "dois.txt"
    listing.write_text("10.5555/hostile\n", encoding="utf-8")
    new_condition(references, "hostile")
    ran = run(emu, references, "import", str(listing), "--into", "hostile", "--from", "doi-list")
    assert ran.exit_code == 0, ran
    text = (references / "hostile.bib").read_text()
    assert not CONTROL.search(text) and "evil" not in text and "pwned" not in text


def test_enrich_apply_writes_only_checked_values(emu, references):
    doi = "10.1111/aji.13737"
    work = make_work(doi, **SHIPPED[doi])
    work["author"] = [{"given": "S.", "family": "Banjar"}, {"given": "E.", "family": "Kadour"},
                      {"given": "R.", "family": "Khoudja"},
                      {"given": "C.\x07", "family": "Dah\x1b[2Jdouh"}]
    work["ISSN"] = ["evil", "1046-7408"]
    work["short-container-title"] = ["Am J\x1b]0;x\x07 Reprod Immunol"]
    emu.add_work(work)
    ran = run(emu, references, "enrich", "recurrent-miscarriage", "--apply")
    assert ran.exit_code == 0, ran
    text = (references / "recurrent-miscarriage.bib").read_text()
    assert not CONTROL.search(text), CONTROL.findall(text)
    assert "Dahdouh, C." in text and "1046-7408" in text and "Am J Reprod Immunol" in text
    assert "evil" not in text and "[2J" not in text


@pytest.mark.parametrize("value, expected", [
    ("plain", "plain"),
    ("a\x1b[31mred\x1b[0m b", "ared b"),
    ("title\x1b]0;window title\x07 end", "title end"),
    ("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\", "link text"),
    ("c1\x9b2Jcsi", "c1csi"),
    ("nul\x00 and\x7f del", "nul and del"),
    ("bidi \u202eevil\u202c", "bidi evil"),
    ("new\nline\ttab", "new line tab"),
])
def test_text_from_a_service_loses_controls_and_escape_sequences(value, expected):
    from evidencebib import received

    assert received.clean_text(value) == expected
