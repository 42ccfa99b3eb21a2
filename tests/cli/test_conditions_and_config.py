"""`conditions` at 80 columns and as data, `config` and its precedence, shell completion,
and `--references` on every command; each runs the real CLI on real files."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_PAGE

LONG = ("Chronic inflammatory demyelinating polyneuropathy including IgA and IgG paraproteinaemic "
        "demyelinating neuropathy (a very long title)")


def run(*args: str, env: dict | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "evidencebib", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd, env=dict(os.environ, **(env or {})))


@pytest.fixture
def document(references):
    """The seed, a condition with a long title, and one with unparsed blocks."""
    assert run("new", "cidp", "--title", LONG, "--level",
               "Clear evidence of benefit (Category 1)", "--references", str(references)).returncode == 0
    bib = "@article{ok2020,\n  title = {Fine},\n  year = {2020},\n}\n\n@article{broken,\n  title = {open\n"
    (references / "broken.bib").write_text(bib, encoding="utf-8")
    return references


def test_conditions_fits_80_columns_and_cuts_long_titles(document):
    result = run("conditions", "--references", str(document), env={"COLUMNS": ""})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    cidp = next(line for line in lines if line.startswith("cidp "))
    assert "Chronic inflammatory" in cidp and "…" in cidp and "Category 1" in cidp


def test_conditions_counts_unparsed_blocks_apart_from_references(document):
    result = run("conditions", "--format", "json", "--references", str(document))
    rows = {row["slug"]: row for row in json.loads(result.stdout)}
    assert (rows["broken"]["references"], rows["broken"]["unparsed"]) == (1, 1)
    assert (rows["recurrent-miscarriage"]["references"], rows["recurrent-miscarriage"]["unparsed"]) == (5, 0)


def test_entries_kept_verbatim_by_import_page_count_as_unparsed(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(SEED_PAGE.read_text(encoding="utf-8").replace(
        "## Bibliography\n\n", "## Bibliography\n\nA line that is no reference at all\n\n"),
        encoding="utf-8")
    refs = tmp_path / "refs"
    assert run("import-page", str(page), "--keep-unparsed", "--references", str(refs)).returncode == 0
    rows = json.loads(run("conditions", "--format", "json", "--references", str(refs)).stdout)
    assert (rows[0]["references"], rows[0]["unparsed"]) == (5, 1)


def test_conditions_as_csv_and_json_keep_every_field_whole(document):
    table = list(csv.DictReader(io.StringIO(run("conditions", "--format", "csv", "--references",
                                                str(document)).stdout)))
    cidp = next(row for row in table if row["slug"] == "cidp")
    assert cidp["title"] == LONG and cidp["level_of_evidence"] == "Clear evidence of benefit (Category 1)"
    data = json.loads(run("conditions", "-f", "json", "--references", str(document)).stdout)
    assert next(row for row in data if row["slug"] == "cidp")["title"] == LONG


def test_a_narrow_table_of_wide_characters_still_fits():
    from evidencebib.cli.core import _cell_width, _fitted_table

    rows = [["slug-a", "王小明 " * 20, "12", "0", "Category 2b"], ["b", "e\u0301" * 90, "1", "3", "x" * 70]]
    for width in (50, 60, 80, 120):
        text = _fitted_table(["slug", "title", "refs", "unparsed", "level"], rows, width)
        assert all(_cell_width(line) <= width for line in text.splitlines()), (width, text)


# -- config -----------------------------------------------------------------------------------

def test_config_shows_defaults_and_their_source(references, tmp_path):
    result = run("config", "--references", str(references),
                 env={"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "EVIDENCEBIB_MAILTO": ""})
    assert result.returncode == 0, result.stderr
    assert "style                ig-criteria  [default]" in result.stdout
    assert "mailto               (not set)  [default]" in result.stdout


def test_command_line_beats_environment_beats_project_file_beats_user_file(references, tmp_path):
    xdg = tmp_path / "xdg"
    (xdg / "evidencebib").mkdir(parents=True)
    (xdg / "evidencebib" / "evidencebib.toml").write_text(
        'mailto = "user@example.org"\nstyle = "apa"\nlocale = "en-GB"\n'
        'ncbi_api_key = "0123456789abcdef0123"\n', encoding="utf-8")
    (references.parent / "evidencebib.toml").write_text('style = "vancouver"\n', encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(xdg), "EVIDENCEBIB_LOCALE": "de-DE", "EVIDENCEBIB_MAILTO": ""}
    data = json.loads(run("config", "--format", "json", "--references", str(references),
                          env=env).stdout)["settings"]
    assert data["mailto"] == {"value": "user@example.org", "environment": "EVIDENCEBIB_MAILTO",
                              "source": str(xdg / "evidencebib" / "evidencebib.toml")}
    assert (data["style"]["value"], data["style"]["source"]) == (
        "vancouver", str(references.parent / "evidencebib.toml"))
    assert (data["locale"]["value"], data["locale"]["source"]) == ("de-DE", "$EVIDENCEBIB_LOCALE")
    assert "0123456789abcdef0123" not in json.dumps(data)  # secrets are never shown whole


def test_the_configured_style_is_the_default_and_the_command_line_wins(references, tmp_path):
    (references.parent / "evidencebib.toml").write_text('style = "vancouver"\n', encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    configured = run("render", "--references", str(references), "-f", "text", env=env)
    house = run("render", "--references", str(references), "-f", "text", "--style",
                "ig-criteria", env=env)
    assert configured.returncode == 0 and house.returncode == 0, configured.stderr
    assert "1. Banjar S" in configured.stdout or "Banjar S, Kadour E" in configured.stdout
    assert configured.stdout != house.stdout
    assert "Banjar S, Kadour E, Khoudja R et al (2023)" in house.stdout


def test_the_configured_mailto_reaches_crossref(references, tmp_path):
    from crossref_emulator import CrossrefEmulator, make_work

    (references.parent / "evidencebib.toml").write_text(
        'mailto = "editor@example.org"\ncrossref_plus_token = "secret-plus-token"\n', encoding="utf-8")
    with CrossrefEmulator() as emu:
        emu.add_work(make_work("10.1000/new.1", title="A new trial", family="Smith", year=2024,
                               journal="Journal of Things"))
        result = run("add", "recurrent-miscarriage", "10.1000/new.1", "--references",
                     str(references), env={"EVIDENCEBIB_CROSSREF_URL": emu.crossref_url,
                                           "EVIDENCEBIB_DOI_URL": emu.doi_url,
                                           "EVIDENCEBIB_MAILTO": "",
                                           "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
                                           "EVIDENCEBIB_CACHE_DIR": str(tmp_path / "cache")})
        log = [entry for entry in emu.log if entry["server"] == "crossref"]
    assert result.returncode == 0, result.stderr
    assert log and all(entry["query"].get("mailto") == ["editor@example.org"] for entry in log)
    assert all("mailto:editor@example.org" in entry["user_agent"] for entry in log)
    assert all(entry["plus_token"] == "Bearer secret-plus-token" for entry in log)
    assert all(entry["plus_token"] == "" for entry in emu.log if entry["server"] == "doi")


def test_a_config_file_with_an_unknown_setting_is_one_line_naming_it(references, tmp_path):
    (references.parent / "evidencebib.toml").write_text('e_mail = "x@example.org"\n', encoding="utf-8")
    result = run("config", "--references", str(references), env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "evidencebib.toml" in lines[0] and "e_mail" in lines[0]


# -- completion, --references everywhere, one-line usage errors ---------------------------------

def complete(words: str, references: Path) -> list[str]:
    env = {"_EVIDENCEBIB_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split(" ")) - 1), "EVIDENCEBIB_REFERENCES": str(references)}
    script = Path(sys.executable).parent / "evidencebib"  # the installed command, as a shell runs it
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, **env))
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line]


def test_completion_offers_condition_slugs_keys_and_styles(document):
    assert complete("evidencebib render r", document) == ["recurrent-miscarriage"]
    assert complete("evidencebib remove recurrent-miscarriage w", document) == ["wang2016", "wong2014"]
    assert "vancouver" in complete("evidencebib render --style vanc", document)


def test_every_command_takes_references(references):
    from evidencebib.cli import main

    main._load_all()
    for name, command in main.commands.items():
        assert "references_dir" in [p.name for p in command.params], name
    assert run("styles", "vancouver", "--references", str(references)).returncode == 0


@pytest.mark.parametrize("args", [["remove"], ["move", "k"], ["new", "x"], ["conditions", "--format", "xml"],
                                  ["nonsense"]])
def test_usage_errors_are_one_line(args):
    result = run(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("evidencebib"), result.stderr
