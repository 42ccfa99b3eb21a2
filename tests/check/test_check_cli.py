"""`evidencebib check`: the report an editor reads, the JSON a program reads, the exit status CI
reads, and `--fix`, run as a person runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, tree_digest

SCHEMA = json.loads((REPO / "src" / "evidencebib" / "check" / "schema.json").read_text("utf-8"))

SECOND = """% Evidence for ITP, kept by the haematology editors.
@article{banjar2023,
  author = {Banjar, S. and Kadour, E. and Khoudja, R. and others},
  title = {Intravenous Immunoglobulin use in patients with unexplained recurrent pregnancy loss},
  journal = {American Journal of Reproductive Immunology},
  year = {2023},
  volume = {90},
  number = {2},
  pages = {e13737},
  doi = {https://doi.org/10.1111/AJI.13737},
}

@article{wang2016,
  author = {Wang, S. W. and Zhong, S. Y. and Lou, L. J. and others},
  title = {The effect of intravenous immunoglobulin passive immunotherapy on unexplained recurrent spontaneous abortion: a meta-analysis},
  journal = {Reproductive Biomedicine Online},
  year = {2016},
  volume = {33},
  number = {6},
  pages = {720–736},
  doi = {10.1016/J.RBMO.2016.08.025},
}
"""  # noqa: E501 - wang2016 exactly as the shipped references/ write it, on one line
DUPLICATE = """
@article{wong2014b,
  author = {Wong, L. F. and Porter, T. F. and Scott, J. R.},
  title = {Immunotherapy for recurrent miscarriage},
  journal = {Cochrane database of systematic reviews},
  year = {2014},
  number = {10},
  pages = {CD000112},
  doi = {10.1002/14651858.CD000112.pub3},
}
"""


def run(*args: str, references: Path):
    command = [sys.executable, "-m", "evidencebib", *args, "--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def document(references):
    """The shipped condition and a second one citing two of its works (title in other case,
    DOIs and a page dash spelled otherwise)."""
    (references / "itp.bib").write_text(SECOND, encoding="utf-8")
    return references


def test_the_shipped_references_pass(references):
    result = run("check", references=references)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 condition(s), 5 reference(s)" in result.stdout
    assert "0 failing" in result.stdout


def test_strict_fails_on_warnings_such_as_truncated_author_lists(references):
    result = run("check", "--strict", references=references)
    assert result.returncode == 1
    assert "FAIL truncated-authors" in result.stdout and "enrich recurrent-miscarriage" in result.stdout


def test_a_disagreement_fails_and_names_field_values_and_copies(document):
    result = run("check", references=document)
    assert result.returncode == 1
    out = result.stdout
    assert "FAIL disagreement      title:" in out
    assert "itp:banjar2023 (line 2)" in out and "recurrent-miscarriage:banjar2023 (line 1)" in out
    # spelling only: DOI form and case, page-range dash
    assert "DOI:" not in out and "page:" not in out


def test_fail_on_chooses_which_findings_fail(document):
    assert run("check", "--fail-on", "none", references=document).returncode == 0
    assert run("check", "--fail-on", "duplicate", references=document).returncode == 0
    assert run("check", "--fail-on", "disagreement,shared", references=document).returncode == 1


def test_json_report_follows_its_documented_schema(document):
    result = run("check", "--format", "json", references=document)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["schema"] == "evidencebib-check/1" and report["failed"] is True
    assert report["summary"]["disagreement"] == 1 and report["summary"]["shared"] == 2
    disagreement = next(f for f in report["findings"] if f["kind"] == "disagreement")
    assert disagreement["field"] == "title" and len(disagreement["values"]) == 2


def test_output_file_gets_the_report(document, tmp_path):
    target = tmp_path / "check.json"
    result = run("check", "--format", "json", "-o", str(target), references=document)
    assert result.returncode == 1 and result.stdout == ""
    jsonschema.validate(json.loads(target.read_text("utf-8")), SCHEMA)


def test_naming_a_condition_reports_only_what_involves_it(document):
    (document / "other.bib").write_text(DUPLICATE.replace("wong2014b", "lone2014")
                                        .replace("CD000112.pub3", "CD999999.pub1")
                                        .replace("Immunotherapy", "Other") + DUPLICATE
                                        .replace("wong2014b", "lone2014x")
                                        .replace("CD000112.pub3", "CD999999.pub1")
                                        .replace("Immunotherapy", "Other"), encoding="utf-8")
    everything = run("check", references=document).stdout
    assert "other: lone2014, lone2014x are one work" in everything
    only = run("check", "itp", references=document).stdout
    assert "lone2014" not in only and "itp:banjar2023" in only


def test_usage_errors_exit_2_and_change_nothing(document):
    before = tree_digest(document)
    for args in (["--fail-on", "bogus"], ["--dry-run"], ["--prefer", "itp:banjar2023"],
                 ["nosuch"], ["--fix", "--prefer", "itp:nosuch"], ["--fix", "--prefer", "itp"]):
        result = run("check", *args, references=document)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    assert tree_digest(document) == before


def test_fix_dry_run_shows_the_diff_and_writes_nothing(document):
    before = tree_digest(document)
    result = run("check", "--fix", "--dry-run", "--prefer", "recurrent-miscarriage:banjar2023",
                 references=document)
    assert result.returncode == 0, result.stderr
    assert "-  title = {Intravenous Immunoglobulin use" in result.stdout
    assert "+  title = {Intravenous immunoglobulin use" in result.stdout
    assert "would make itp:banjar2023 agree with recurrent-miscarriage:banjar2023" in result.stderr
    assert tree_digest(document) == before


def test_fix_with_prefer_rewrites_only_the_copies_field_and_keeps_comments_and_spellings(document):
    result = run("check", "--fix", "--prefer", "recurrent-miscarriage:banjar2023",
                 references=document)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = SECOND.replace("Intravenous Immunoglobulin use", "Intravenous immunoglobulin use")
    assert (document / "itp.bib").read_text("utf-8") == expected   # DOI, dash, comment as written
    assert run("check", references=document).returncode == 0


def test_fix_merges_an_exact_duplicate_keeping_the_key_the_text_cites(references):
    bib = references / "recurrent-miscarriage.bib"
    original = bib.read_text("utf-8")
    bib.write_text(original + DUPLICATE, encoding="utf-8")
    toml = references / "recurrent-miscarriage.toml"
    toml.write_text(toml.read_text("utf-8").replace("improves live birth rates.\"",
                                                    "improves live birth rates [@wong2014b].\""),
                    encoding="utf-8")
    assert run("check", references=references).returncode == 1
    result = run("check", "--fix", references=references)
    assert "merge wong2014 into recurrent-miscarriage:wong2014b" in result.stderr
    text = bib.read_text("utf-8")
    assert "@article{wong2014," not in text and "@article{wong2014b," in text
    assert text == original.replace(original[original.index("@article{wong2014,"):
                                             original.index("@article{yamada2022,")], "") + DUPLICATE
    assert result.returncode == 0


def test_fix_leaves_duplicates_that_are_not_exact_and_says_why(references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text("utf-8") + DUPLICATE.replace("{10}", "{11}"), encoding="utf-8")
    before = tree_digest(references)
    result = run("check", "--fix", references=references)
    assert "not exact duplicates" in result.stderr
    assert result.returncode == 1
    assert tree_digest(references) == before


def test_fix_rule_most_complete_then_merge_leaves_a_clean_document(references):
    bib = references / "recurrent-miscarriage.bib"
    bib.write_text(bib.read_text("utf-8") + DUPLICATE.replace("  number = {10},\n", ""),
                   encoding="utf-8")
    result = run("check", "--fix", "--rule", "most-complete", references=references)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "@article{wong2014b," not in bib.read_text("utf-8")


@pytest.mark.slow
def test_import_check_fix_page_and_site_work_end_to_end(tmp_path):
    refs = tmp_path / "references"
    shutil.copytree(REPO / "references", refs, ignore=shutil.ignore_patterns(".*.lock"))
    ris = tmp_path / "itp.ris"
    ris.write_text("TY  - JOUR\nAU  - Banjar, S.\nAU  - Kadour, E.\nAU  - Khoudja, R.\n"
                   "TI  - Intravenous immunoglobulin use in patients with unexplained recurrent "
                   "pregnancy loss\nT2  - American Journal of Reproductive Immunology\nPY  - 2023\n"
                   "VL  - 90\nIS  - 2\nSP  - e13737\nER  - \n", encoding="utf-8")
    assert run("new", "itp", "--title", "Immune thrombocytopenia", references=refs).returncode == 0
    assert run("import", str(ris), "--into", "itp", references=refs).returncode == 0
    report = json.loads(run("check", "--format", "json", references=refs).stdout)
    shared = [f for f in report["findings"] if f["kind"] == "shared"]
    assert len(shared) == 1 and shared[0]["matches"][0]["basis"] == "fields"
    assert run("check", references=refs).returncode == 1         # the copy lacks the DOI
    fixed = run("check", "--fix", "--prefer", "recurrent-miscarriage:banjar2023", references=refs)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "10.1111/aji.13737" in (refs / "itp.bib").read_text("utf-8")
    assert run("page", "itp", "--generated-on", "2026-12-01", references=refs).returncode == 0
    site = run("site", "-o", str(tmp_path / "site"), references=refs)
    assert site.returncode == 0, site.stderr


def test_the_command_knows_every_kind_of_finding():
    from evidencebib.check import KINDS as kinds
    from evidencebib.cli.check import KINDS as offered

    assert offered == kinds
