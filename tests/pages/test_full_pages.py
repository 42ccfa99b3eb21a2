"""Full condition pages: any ordered set of labelled rows (lists, nested lists, paragraphs,
empty rows, unknown labels) is held in the condition's .toml and printed back exactly."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import FIXTURES, SEED_PAGE

PAGES = FIXTURES / "pages"
FULL_LABELS = ["Specific Conditions", "Indication for Ig Use", "Level of Evidence",
               "Description and Diagnostic Criteria", "Justification for Evidence Category",
               "Diagnosis Requirements", "Qualifying Criteria for Ig Therapy",
               "Exclusion Criteria", "Review Criteria for Assessing the Effectiveness of Ig Use",
               "Dose"]
GENERATED = {"full-rows": "2026-12-02", "unusual-order": "2026-02-01",
             "two-rows-nested": "2025-11-12", "shapes": "2026-02-01"}


def cli(references: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "evidencebib", *args, "--references",
                             str(references)], capture_output=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr.decode()
    return result


def import_and_print(references: Path, name: str) -> bytes:
    cli(references, "import-page", str(PAGES / f"{name}.txt"), "--slug", name)
    return cli(references, "page", name, "--generated-on", GENERATED[name]).stdout


def rows_of(references: Path, name: str) -> list[dict]:
    return tomllib.loads((references / f"{name}.toml").read_text(encoding="utf-8"))["rows"]


@pytest.mark.parametrize("name", ["full-rows", "unusual-order", "two-rows-nested"])
def test_import_page_then_page_gives_the_page_back_byte_for_byte(tmp_path, name):
    assert import_and_print(tmp_path / "refs", name) == (PAGES / f"{name}.txt").read_bytes()


def test_every_row_of_a_long_page_is_kept_in_page_order(tmp_path):
    import_and_print(tmp_path / "refs", "full-rows")
    assert [row["label"] for row in rows_of(tmp_path / "refs", "full-rows")] == FULL_LABELS


def test_a_row_of_several_lines_keeps_its_lines(tmp_path):
    import_and_print(tmp_path / "refs", "full-rows")
    rows = {row["label"]: row["text"] for row in rows_of(tmp_path / "refs", "full-rows")}
    assert rows["Justification for Evidence Category"] == (
        "Several randomised controlled trials show benefit.\n"
        "A second paragraph of the same row, on its own line.")
    assert rows["Diagnosis Requirements"].startswith("A diagnosis must be made by a neurologist.\n<ul")
    assert rows["Exclusion Criteria"] == ""


def test_unknown_labels_and_unusual_order_are_kept(tmp_path):
    import_and_print(tmp_path / "refs", "unusual-order")
    assert [row["label"] for row in rows_of(tmp_path / "refs", "unusual-order")] == [
        "Level of Evidence", "Note for Prescribers", "Dose", "Specific Conditions"]


def test_the_seed_stays_the_short_form_without_rows(tmp_path):
    refs = tmp_path / "refs"
    cli(refs, "import-page", str(SEED_PAGE))
    data = tomllib.loads((refs / "recurrent-miscarriage.toml").read_text(encoding="utf-8"))
    assert "rows" not in data and data["specific_conditions"]


def test_conditions_reads_the_level_from_the_rows(tmp_path):
    import_and_print(tmp_path / "refs", "full-rows")
    listed = cli(tmp_path / "refs", "conditions", "--format", "csv").stdout.decode()
    assert listed.splitlines()[1].endswith(",Clear evidence of benefit (Category 1)")


def test_a_hand_edited_row_is_printed_and_the_editors_comments_stay(tmp_path):
    refs = tmp_path / "refs"
    import_and_print(refs, "full-rows")
    toml = refs / "full-rows.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'label = "Dose"', '# checked by the dosing group, 2026\nlabel = "Dose"').replace(
        'label = "Exclusion Criteria"\ntext = ""',
        'label = "Exclusion Criteria"\ntext = "Patients with a known IgA deficiency \\\\ see @smith2019."')
    toml.write_text(text, encoding="utf-8")
    page = cli(refs, "page", "full-rows", "--generated-on", "2026-12-02").stdout.decode()
    assert "<b>Exclusion Criteria</b>\tPatients with a known IgA deficiency \\ see @smith2019.\n" in page
    # a command that changes the page text (rename-key rewrites citations in rows) keeps the
    # comment and every row it does not change
    cli(refs, "rename-key", "full-rows", "smith2019", "smith2019trial")
    after = toml.read_text(encoding="utf-8")
    assert "# checked by the dosing group, 2026\n" in after
    assert after == text.replace("@smith2019.", "@smith2019trial.")


def test_a_status_added_to_a_page_with_rows_stays_a_top_level_field(tmp_path):
    from evidencebib.store import References

    refs = References(tmp_path / "refs")
    import_and_print(tmp_path / "refs", "unusual-order")
    toml = tmp_path / "refs" / "unusual-order.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('status = ""\n', ""), encoding="utf-8")
    condition = refs.load("unusual-order")
    condition.meta.status = "Condition for which Ig use is supported."
    condition.save()
    assert refs.load("unusual-order").meta == condition.meta
    assert len(rows_of(tmp_path / "refs", "unusual-order")) == 4


@pytest.mark.parametrize("toml, message", [
    ('title = "T"\n[[rows]]\ntext = "x"\n', "'label' must be a non-empty string"),
    ('title = "T"\n[[rows]]\nlabel = "Dose"\nbody = "x"\n', "unknown field(s) body"),
    ('title = "T"\nrows = ["Dose"]\n', "'rows' must be tables"),
])
def test_a_malformed_row_in_the_toml_is_one_line_naming_the_file(tmp_path, toml, message):
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "broken.toml").write_text(toml, encoding="utf-8")
    result = cli(refs, "page", "broken", check=False)
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "broken.toml" in lines[0] and message in lines[0]


def test_import_page_dry_run_prints_both_files_and_writes_nothing(tmp_path):
    refs = tmp_path / "refs"
    refs.mkdir()
    result = cli(refs, "import-page", str(PAGES / "full-rows.txt"), "--slug", "full-rows", "-n")
    out = result.stdout.decode()
    assert "+++ b/full-rows.bib" in out and "+++ b/full-rows.toml" in out
    assert '+label = "Indication for Ig Use"' in out
    assert [p for p in refs.iterdir() if not p.name.endswith(".lock")] == []


def test_import_page_replace_dry_run_shows_only_what_changes(tmp_path):
    refs = tmp_path / "refs"
    cli(refs, "import-page", str(PAGES / "unusual-order.txt"), "--slug", "odd")
    changed = tmp_path / "changed.txt"
    changed.write_text((PAGES / "unusual-order.txt").read_text(encoding="utf-8").replace(
        "<b>Dose</b>\t\n", "<b>Dose</b>\t0.4 g/kg\n"), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in refs.iterdir()}
    out = cli(refs, "import-page", str(changed), "--slug", "odd", "--replace", "-n").stdout.decode()
    assert "odd.bib" not in out  # the bibliography is the same
    assert '-text = ""' in out and '+text = "0.4 g/kg"' in out
    assert {p.name: p.read_bytes() for p in refs.iterdir()} == before
