"""Maintaining conditions from the command line: new, remove, move, copy, rename-key, edit,
each with --dry-run; every test runs the real CLI on real files in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import tree_digest

SEED = "recurrent-miscarriage"


def run(references: Path, *args: str, env: dict | None = None, input: str | None = None):
    return subprocess.run([sys.executable, "-m", "evidencebib", *args,
                           "--references", str(references)],
                          capture_output=True, text=True, input=input, timeout=120,
                          env=dict(os.environ, **(env or {})))


def one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def keys_of(bib: Path) -> list[str]:
    import re

    return re.findall(r"^@\w+\{([^,]+),", bib.read_text(encoding="utf-8"), flags=re.M)


# -- new ------------------------------------------------------------------------------------

def test_new_writes_a_commented_toml_and_an_empty_bib(tmp_path):
    refs = tmp_path / "references"
    result = run(refs, "new", "kawasaki-disease", "--title", "Kawasaki disease",
                 "--status", "Condition for which Ig use is supported.",
                 "--level", "Clear evidence of benefit (Category 1)")
    assert result.returncode == 0, result.stderr
    toml = (refs / "kawasaki-disease.toml").read_text(encoding="utf-8")
    assert toml.count("\n# ") >= 5  # every field says what it holds
    assert 'title = "Kawasaki disease"' in toml
    assert (refs / "kawasaki-disease.bib").read_bytes() == b""
    listed = run(refs, "conditions", "--format", "csv").stdout.splitlines()
    assert listed[1] == ("kawasaki-disease,Kawasaki disease,0,0,"
                         "Clear evidence of benefit (Category 1)")


def test_new_with_dry_run_prints_the_files_and_writes_nothing(tmp_path):
    refs = tmp_path / "references"
    refs.mkdir()
    result = run(refs, "new", "kawasaki-disease", "--title", "Kawasaki disease", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "+++ b/kawasaki-disease.toml" in result.stdout
    assert '+title = "Kawasaki disease"' in result.stdout
    assert list(refs.iterdir()) == []


def test_new_refuses_an_existing_condition_and_a_bad_slug(references):
    before = tree_digest(references)
    one_line_error(run(references, "new", SEED, "--title", "Again"), "already exists")
    one_line_error(run(references, "new", "Bad Slug", "--title", "x"), "not a condition name")
    assert tree_digest(references) == before


@pytest.mark.parametrize("command", [
    ["import", "{file}", "--into", "kawasaki-disease"],
    ["add", "kawasaki-disease", "10.1111/aji.13737", "--offline"],
    ["find-doi", "kawasaki-disease", "--offline"],
])
def test_adding_to_an_unknown_condition_says_how_to_create_it(references, tmp_path, command):
    ris = tmp_path / "one.ris"
    ris.write_text("TY  - JOUR\nTI  - A title\nAU  - Smith, J\nPY  - 2020\nER  - \n")
    before = tree_digest(references)
    result = run(references, *[part.format(file=ris) for part in command],
                 env={"EVIDENCEBIB_CACHE_DIR": str(tmp_path / "cache")})
    one_line_error(result, "unknown condition 'kawasaki-disease'",
                   'evidencebib new kawasaki-disease --title')
    assert tree_digest(references) == before


KAWASAKI_RIS = ("TY  - JOUR\nTI  - Intravenous immunoglobulin for Kawasaki disease\n"
                "AU  - Oates-Whitehead, R. M.\nPY  - 2003\nT2  - Cochrane database of "
                "systematic reviews\nIS  - 4\nSP  - CD004000\nDO  - 10.1002/14651858.CD004000\n"
                "ER  - \n")


def test_new_then_import_then_check_fix_then_page_and_site_work_end_to_end(tmp_path):
    refs = tmp_path / "references"
    for slug, title in (("kawasaki-disease", "Kawasaki disease"),
                        ("toxic-shock", "Toxic shock syndrome")):
        assert run(refs, "new", slug, "--title", title,
                   "--level", "Clear evidence of benefit (Category 1)").returncode == 0
    full, partial = tmp_path / "full.ris", tmp_path / "partial.ris"
    full.write_text(KAWASAKI_RIS)
    # the same work (same DOI, other spelling) cited by a second condition, without its issue
    partial.write_text(KAWASAKI_RIS.replace("IS  - 4\n", "").replace(
        "DO  - 10.1002/", "DO  - https://doi.org/10.1002/"))
    assert run(refs, "import", str(full), "--into", "kawasaki-disease").returncode == 0
    assert run(refs, "import", str(partial), "--into", "toxic-shock").returncode == 0
    assert run(refs, "check").returncode == 1  # the two copies disagree
    fixed = run(refs, "check", "--fix", "--rule", "most-complete")
    assert fixed.returncode == 0, fixed.stderr
    assert run(refs, "check").returncode == 0
    expected = ("<b>Level of Evidence</b>\tClear evidence of benefit (Category 1)\n\n"
                "## Bibliography\n\nOates-Whitehead RM (2003) 'Intravenous immunoglobulin for "
                "Kawasaki disease', *Cochrane database of systematic reviews*, Issue 4, CD004000, "
                "<https://doi.org/10.1002/14651858.CD004000>.\n\nGenerated on: 2 December 2026")
    for slug, title in (("kawasaki-disease", "Kawasaki disease"),
                        ("toxic-shock", "Toxic shock syndrome")):
        page = run(refs, "page", slug, "--generated-on", "2026-12-02")
        assert page.returncode == 0, page.stderr
        assert page.stdout.startswith(f"\n\n# {title}\n\n<b>Specific Conditions</b>\t")
        assert page.stdout.endswith(expected), page.stdout
    site = tmp_path / "site"
    built = run(refs, "site", "-o", str(site), "--styles", "ig-criteria")
    assert built.returncode == 0, built.stderr
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Kawasaki disease" in index and "Toxic shock syndrome" in index
    for slug in ("kawasaki-disease", "toxic-shock"):
        pages = [path.read_text(encoding="utf-8") for path in (site / slug).rglob("*.html")]
        assert any("Intravenous immunoglobulin for Kawasaki disease" in text
                   and "10.1002/14651858.CD004000" in text for text in pages), slug


# -- remove -----------------------------------------------------------------------------------

def test_remove_drops_the_entries_and_keeps_every_other_byte(references):
    bib = references / f"{SEED}.bib"
    before = bib.read_text(encoding="utf-8")
    result = run(references, "remove", SEED, "empson2005", "wang2016")
    assert result.returncode == 0, result.stderr
    after = bib.read_text(encoding="utf-8")
    assert keys_of(bib) == ["banjar2023", "wong2014", "yamada2022"]
    start, end = before.index("@article{empson2005"), before.index("@article{wong2014")
    assert after == before[:start] + before[end:]


def test_remove_of_an_unknown_key_changes_nothing(references):
    before = tree_digest(references)
    one_line_error(run(references, "remove", SEED, "empson2005", "nokey"), "'nokey'")
    assert tree_digest(references) == before


def test_remove_dry_run_prints_a_diff_and_writes_nothing(references):
    before = tree_digest(references)
    result = run(references, "remove", SEED, "banjar2023", "--dry-run")
    assert result.returncode == 0
    assert f"--- a/{SEED}.bib" in result.stdout and "-@article{banjar2023," in result.stdout
    assert tree_digest(references) == before


# -- move, copy -------------------------------------------------------------------------------

def _second_condition(references: Path) -> None:
    assert run(references, "new", "target", "--title", "Target").returncode == 0


def test_move_takes_the_entry_text_byte_for_byte(references):
    _second_condition(references)
    source = references / f"{SEED}.bib"
    text = source.read_text(encoding="utf-8")
    entry = text[text.index("@article{wong2014"):text.index("@article{yamada2022")].rstrip("\n")
    result = run(references, "move", "wong2014", "--from", SEED, "--to", "target")
    assert result.returncode == 0, result.stderr
    assert (references / "target.bib").read_text(encoding="utf-8") == entry + "\n"
    assert "wong2014" not in keys_of(source)


def test_copy_keeps_the_source_and_refuses_a_work_already_there(references):
    _second_condition(references)
    assert run(references, "copy", "wong2014", "banjar2023", "--from", SEED, "--to",
               "target").returncode == 0
    assert "wong2014" in keys_of(references / f"{SEED}.bib")
    assert keys_of(references / "target.bib") == ["wong2014", "banjar2023"]
    before = tree_digest(references)
    one_line_error(run(references, "copy", "wong2014", "--from", SEED, "--to", "target"),
                   "already holds this work")
    assert tree_digest(references) == before


def test_move_dry_run_shows_both_files_and_writes_nothing(references):
    _second_condition(references)
    before = tree_digest(references)
    result = run(references, "move", "wong2014", "--from", SEED, "--to", "target", "-n")
    assert result.returncode == 0
    assert "+++ b/target.bib" in result.stdout and f"+++ b/{SEED}.bib" in result.stdout
    assert tree_digest(references) == before


# -- rename-key -------------------------------------------------------------------------------

def test_rename_key_changes_the_key_and_its_citations_in_the_page_text(references):
    toml = references / f"{SEED}.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "improves live birth rates.", "improves live birth rates [@wong2014; @wong2014a]."),
        encoding="utf-8")
    result = run(references, "rename-key", SEED, "wong2014", "wong2014cochrane")
    assert result.returncode == 0, result.stderr
    assert "wong2014cochrane" in keys_of(references / f"{SEED}.bib")
    text = toml.read_text(encoding="utf-8")
    assert "[@wong2014cochrane; @wong2014a]." in text  # another key sharing the prefix stays
    assert text.startswith("# Condition page of evidencebib")  # the comment stays


def test_rename_key_refuses_a_key_in_use(references):
    before = tree_digest(references)
    one_line_error(run(references, "rename-key", SEED, "wong2014", "banjar2023"),
                   "already used")
    assert tree_digest(references) == before


# -- edit -------------------------------------------------------------------------------------

EDITOR = textwrap.dedent('''\
    import sys, pathlib
    path = pathlib.Path(sys.argv[-1])
    counter = pathlib.Path(sys.argv[-2])
    calls = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(calls + 1))
    steps = sys.argv[1:-2]
    step = steps[min(calls, len(steps) - 1)]
    text = path.read_text()
    if step == "break":
        text = text.replace("year = {2014},", "year = {2014},\\n  year = {2015},")
    elif step == "fix":
        text = text.replace("\\n  year = {2015},", "").replace("miscarriage}", "miscarriage (fixed)}")
    elif step == "retitle":
        text = text.replace("Immunotherapy for recurrent miscarriage", "Immunotherapy for "
                            "recurrent miscarriage (review)")
    path.write_text(text)
''')


def editor(tmp_path: Path, *steps: str) -> dict:
    script = tmp_path / "editor.py"
    script.write_text(EDITOR)
    return {"EDITOR": f"{sys.executable} {script} {' '.join(steps)} {tmp_path / 'calls'}",
            "VISUAL": ""}


def test_edit_changes_only_that_entry(references, tmp_path):
    bib = references / f"{SEED}.bib"
    before = bib.read_text(encoding="utf-8")
    result = run(references, "edit", SEED, "wong2014", env=editor(tmp_path, "retitle"))
    assert result.returncode == 0, result.stderr
    after = bib.read_text(encoding="utf-8")
    assert after == before.replace("Immunotherapy for recurrent miscarriage",
                                   "Immunotherapy for recurrent miscarriage (review)")


def test_an_invalid_edit_is_shown_and_can_be_abandoned(references, tmp_path):
    before = tree_digest(references)
    result = run(references, "edit", SEED, "wong2014", env=editor(tmp_path, "break"), input="n\n")
    assert result.returncode == 1
    assert "appears twice" in result.stderr and "abandoned" in result.stdout
    assert tree_digest(references) == before


def test_an_invalid_edit_can_be_edited_again(references, tmp_path):
    result = run(references, "edit", SEED, "wong2014",
                 env=editor(tmp_path, "break", "fix"), input="y\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "calls").read_text() == "2"  # the second round saw the first's text
    bib = (references / f"{SEED}.bib").read_text(encoding="utf-8")
    assert "recurrent miscarriage (fixed)}" in bib and "year = {2015}" not in bib


def test_edit_reaches_every_copy_of_the_work_in_other_conditions(references, tmp_path):
    _second_condition(references)
    # the copy spells the DOI differently and keeps its own key
    (references / "target.bib").write_text(
        "@article{wongcochrane,\n  author = {Wong, L. F. and Porter, T. F. and Scott, J. R.},\n"
        "  title = {Immunotherapy for recurrent miscarriage},\n  journal = {Cochrane database "
        "of systematic reviews},\n  year = {2014},\n  number = {10},\n  pages = {CD000112},\n"
        "  doi = {https://doi.org/10.1002/14651858.CD000112.PUB3},\n}\n", encoding="utf-8")
    result = run(references, "edit", SEED, "wong2014", env=editor(tmp_path, "retitle"))
    assert result.returncode == 0, result.stderr
    copy = (references / "target.bib").read_text(encoding="utf-8")
    assert "title = {Immunotherapy for recurrent miscarriage (review)}" in copy
    assert "@article{wongcochrane," in copy
    assert "also changed the copy in 'target'" in result.stdout


def test_edit_dry_run_prints_the_diff(references, tmp_path):
    before = tree_digest(references)
    result = run(references, "edit", SEED, "wong2014", "--dry-run",
                 env=editor(tmp_path, "retitle"))
    assert result.returncode == 0, result.stderr
    assert "+  title = {Immunotherapy for recurrent miscarriage (review)}," in result.stdout
    assert tree_digest(references) == before


def test_a_moved_entry_that_uses_a_string_macro_keeps_its_meaning(references):
    _second_condition(references)
    (references / "macros.bib").write_text(
        "@string{cdsr = {Cochrane database of systematic reviews}}\n\n"
        "@article{wong2014,\n  author = {Wong, L. F.},\n  title = {Immunotherapy},\n"
        "  journal = cdsr,\n  year = 2014,\n}\n", encoding="utf-8")
    result = run(references, "move", "wong2014", "--from", "macros", "--to", "target")
    assert result.returncode == 0, result.stderr
    moved = (references / "target.bib").read_text(encoding="utf-8")
    assert "journal = {Cochrane database of systematic reviews}" in moved
    assert (references / "macros.bib").read_text(encoding="utf-8") == \
        "@string{cdsr = {Cochrane database of systematic reviews}}\n"


def test_removing_the_last_entries_leaves_no_trailing_blank_lines(references):
    bib = references / f"{SEED}.bib"
    assert run(references, "remove", SEED, "yamada2022").returncode == 0
    text = bib.read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert run(references, "remove", SEED, "banjar2023", "empson2005", "wang2016",
               "wong2014").returncode == 0
    assert bib.read_text(encoding="utf-8").strip() == ""
