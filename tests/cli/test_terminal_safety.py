"""What a person reads carries no live control character; what a program reads is exact.

Text for a person (render, cite, page, tables, messages, warnings, errors) must not clear the
screen (`ESC[2J`), retitle the window (`ESC]0;…BEL`), plant a link whose text lies (OSC 8),
act through a C1 control (U+009B is CSI on its own) or reorder the line (bidi overrides),
on a terminal or through a pipe. Exports and JSON reports keep the data exactly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidencebib.cli import main
from conditions import new_condition

CLEAR = "\x1b[2J"
TITLE_CODE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
CSI_C1 = "\x9b31m"
OVERRIDE = "\u202e"
BEL = "\x07"

# what a terminal acts on: C0 but tab and line feed, DEL, C1, bidi embeddings/overrides/isolates
LIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

HOSTILE_BIB = (
    "@article{evil2020,\n"
    f"  author = {{Ev{CLEAR}il, Anne{CSI_C1} and Bo{OVERRIDE}b, Carl}},\n"
    f"  title = {{A trial {LINK} of {TITLE_CODE}immunoglobulin{BEL}}},\n"
    f"  journal = {{Journal \x1bP+q\x1b\\\\ of Tests\x85}},\n"
    "  year = {2020},\n  volume = {1},\n  pages = {1--9},\n"
    "  doi = {10.1000/evil.1},\n}\n\n"
    "@article{ok2021,\n  author = {Smith, Jo},\n  title = {A plain title},\n"
    "  journal = {Plain Journal},\n  year = {2021},\n}\n"
)

HOSTILE_TOML = (
    'title = "Hostile \\u001b]0;retitled\\u0007 condition \\u001b[2J"\n'
    'status = "Condition for which Ig is not supported."\n'
    'level_of_evidence = "Evidence of no probable benefit (Category 2b)"\n'
    'specific_conditions = ["One \\u009b2J"]\n'
    'statement = ["A statement."]\n'
)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "hostile.bib").write_text(HOSTILE_BIB, encoding="utf-8")
    (refs / "hostile.toml").write_text(HOSTILE_TOML, encoding="utf-8")
    return refs


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def assert_nothing_live(text: str) -> None:
    found = LIVE.findall(text)
    assert not found, f"live control characters {found!r} in {text!r}"


# -- the rule itself ---------------------------------------------------------------------------

def test_visible_shows_every_control_as_its_escape_and_keeps_layout():
    from evidencebib.display import visible

    assert visible(f"a{CLEAR}b\tc\nd{CSI_C1}{OVERRIDE}\r\ne\rf") == \
        "a\\x1b[2Jb\tc\nd\\x9b31m\\u202e\r\ne\\rf"


def test_one_line_also_shows_tabs_and_line_breaks():
    from evidencebib.display import one_line

    assert one_line("key\nwith\r\nbreaks\tand\u2028more") == "key\\nwith\\r\\nbreaks\\tand\\u2028more"


def test_text_without_controls_is_untouched():
    from evidencebib.display import one_line, visible

    text = "Müller–Lüdenscheidt, 王小明, e\u0301, «quotes» and \\x1b written out"
    assert visible(text) == text and one_line(text) == text


# -- text for a person --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["markdown", "text", "html", "rtf"])
def test_render_shows_controls_from_titles_authors_and_journals(hostile, fmt):
    result = invoke("render", "hostile", "--format", fmt, "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    assert "pwned" in result.stdout and "immunoglobulin" in result.stdout  # shown, not acted on


def test_page_shows_controls_from_the_condition_and_its_bibliography(hostile):
    result = invoke("page", "hostile", "--generated-on", "2025-01-01", "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    assert "Hostile \\x1b]0;retitled\\x07 condition" in result.stdout


def test_cite_shows_controls_from_author_names(hostile):
    result = invoke("cite", "hostile", "evil2020", "--style", "apa", "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    assert "\\x1b[2J" in result.stdout


def test_conditions_table_shows_controls_and_keeps_brackets_and_colons(hostile):
    (hostile / "draft.toml").write_text(
        'title = "[Draft] Ig in :smile: use"\nlevel_of_evidence = "[bold]x"\n', encoding="utf-8")
    result = invoke("conditions", "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    assert "[Draft] Ig in :smile: use" in result.stdout   # not rich markup, not an emoji
    assert "[bold]x" in result.stdout
    assert "Hostile \\x1b]0;retitled\\x07 condition" in result.stdout


def test_verify_table_keeps_one_row_per_entry_whatever_the_key_holds(tmp_path):
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "c.toml").write_text('title = "C"\n', encoding="utf-8")
    (refs / "c.bib").write_text("@article{ke\x1b]0;x\x07y\x9b,\n  title = {T\x1b[2J},\n  year = {2020},\n}\n"
                                "@article{second,\n  title = {U},\n  year = {2021},\n}\n",
                                encoding="utf-8")
    for fmt in ("table", "markdown"):
        result = invoke("verify", "--offline", "--format", fmt, "--references", str(refs),
                        "--cache-dir", str(tmp_path / "cache"))
        assert_nothing_live(result.stdout)
        rows = [line for line in result.stdout.splitlines() if "no-doi" in line and "DOI" in line]
        assert len(rows) == 2, result.stdout
        assert "ke\\x1b]0;x\\x07y\\x9b" in result.stdout


def test_a_table_cell_never_spans_two_lines():
    from evidencebib.verify import Result, to_markdown, to_table

    results = [Result(condition="c", key="a\nb\rc", line=1, doi=None, status="no-doi",
                      details="first\nsecond\u2028third")]
    for formatter in (to_table, to_markdown):
        text = formatter(results)
        assert_nothing_live(text)
        assert sum("a\\nb\\rc" in line for line in text.splitlines()) == 1
        assert "first\\nsecond\\u2028third" in text


def test_errors_naming_user_data_are_one_visible_line(hostile):
    result = invoke("cite", "hostile", "no\x1b]0;such\x07key", "--references", str(hostile))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert_nothing_live(result.stderr)


def test_usage_errors_from_click_show_controls_in_file_names(tmp_path):
    result = invoke("import", str(tmp_path / "no\x1b[2Jfile\x9b.ris"), "--into", "x",
                    "--references", str(tmp_path))
    assert result.exit_code == 2
    assert_nothing_live(result.stderr)


def test_logged_warnings_are_one_visible_line(tmp_path):
    data = tmp_path / "in.json"
    data.write_text(json.dumps([{"id": "a", "type": "book", "title": "T",
                                 "li\x1b]0;x\x07cence\nnext": "v"}]), encoding="utf-8")
    new_condition(tmp_path / "refs", "x")
    result = invoke("import", str(data), "--into", "x", "--references", str(tmp_path / "refs"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "not a CSL variable" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("evidencebib: warning: ")
    assert_nothing_live(result.stderr)


# -- data stays exact --------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["ris", "bibtex", "biblatex"])
def test_exports_to_a_pipe_keep_the_data_exact(hostile, fmt):
    result = invoke("export", "hostile", "--to", fmt, "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert TITLE_CODE in result.stdout and CSI_C1 in result.stdout


def test_export_to_a_file_keeps_the_data_exact(hostile, tmp_path):
    out = tmp_path / "out.ris"
    result = invoke("export", "hostile", "--to", "ris", "-o", str(out), "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert TITLE_CODE in out.read_text(encoding="utf-8")


def test_csl_json_export_escapes_what_json_allows_raw_and_decodes_to_the_same_data(hostile, tmp_path):
    result = invoke("export", "hostile", "--to", "csl-json", "--references", str(hostile))
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    titles = [item["title"] for item in json.loads(result.stdout)]
    assert any(TITLE_CODE in title for title in titles)
    assert any(CSI_C1 in item.get("container-title", "") + "".join(
        a.get("given", "") for a in item.get("author", [])) for item in json.loads(result.stdout))
    out = tmp_path / "out.json"
    assert invoke("export", "hostile", "--to", "csl-json", "-o", str(out),
                  "--references", str(hostile)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(result.stdout)


# -- odd terminals ---------------------------------------------------------------------------------

def _run(args: list[str], **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCEBIB_DEBUG"}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-m", "evidencebib", *args], capture_output=True,
                          env=env, timeout=120)


def test_an_ascii_only_stream_gets_escapes_not_a_crash(hostile):
    result = _run(["render", "hostile", "--references", str(hostile)], PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert max(result.stdout) < 0x80


def on_terminal(args: list[str], *, columns: int = 0, **env_overrides: str) -> tuple[int, str]:
    """Run evidencebib with stdin, stdout and stderr on a pseudo-terminal `columns` wide (0:
    the size a fresh pty reports); what the terminal received, and the exit status."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    env = {k: v for k, v in os.environ.items()
           if k not in ("EVIDENCEBIB_DEBUG", "COLUMNS", "LINES")}
    env.update(env_overrides)
    master, slave = pty.openpty()
    chunks = []
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        process = subprocess.Popen([sys.executable, "-m", "evidencebib", *args], stdin=slave,
                                   stdout=slave, stderr=slave, env=env)
        os.close(slave)
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(master)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_data_shown_on_a_terminal_is_made_visible(hostile):
    status, shown = on_terminal(["export", "hostile", "--to", "ris", "--references", str(hostile)],
                                columns=100)
    assert status == 0, shown
    assert "\\x1b]0;pwned\\x07" in shown
    assert_nothing_live(re.sub(r"\r+\n", "\n", shown))  # the terminal turns \n into \r\n


@pytest.mark.parametrize("columns_variable", [None, "0", "5", "-3", "wide"])
def test_conditions_on_a_terminal_with_no_width_still_lists_every_condition(hostile,
                                                                            columns_variable):
    env = {} if columns_variable is None else {"COLUMNS": columns_variable}
    status, shown = on_terminal(["conditions", "--references", str(hostile)], columns=0, **env)
    assert status == 0, shown
    assert "hostile" in shown and "Category 2b" in shown and "level" in shown


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_conditions_on_a_terminal_that_cannot_show_the_text_gets_escapes(references, encoding):
    status, shown = on_terminal(["conditions", "--references", str(references)], columns=80,
                                PYTHONIOENCODING=encoding)
    assert status == 0, shown
    assert "Traceback" not in shown and "internal error" not in shown
    assert "\\u2026" in shown  # the ellipsis of the title cut to 80 columns


def test_conditions_on_a_terminal_folds_to_its_width_and_shows_no_data_controls(hostile):
    status, shown = on_terminal(["conditions", "--references", str(hostile)], columns=60)
    assert status == 0, shown
    assert all(len(line) <= 60 for line in re.sub(r"\x1b\[[0-9;]*m", "", shown).splitlines())
    assert "\x07" not in shown and "\x9b" not in shown and "\x1b]" not in shown


# -- what Crossref says ------------------------------------------------------------------------------

def test_enrich_shows_one_line_per_proposed_change_whatever_crossref_sends(references, tmp_path):
    from crossref_emulator import CrossrefEmulator, make_work

    forged = "1234-5678\n  + DOI: 10.666/forged\x1b]0;x\x07"
    with CrossrefEmulator() as emu:
        emu.add_work(make_work("10.1111/aji.13737", title="Intravenous immunoglobulin use in "
                               "patients with unexplained recurrent pregnancy loss",
                               family="Banjar", year=2023,
                               journal="American Journal of Reproductive Immunology",
                               ISSN=[forged]))
        env = {"EVIDENCEBIB_CROSSREF_URL": emu.crossref_url, "EVIDENCEBIB_DOI_URL": emu.doi_url,
               "EVIDENCEBIB_MAILTO": "cli@example.org",
               "EVIDENCEBIB_CACHE_DIR": str(tmp_path / "cache")}
        result = invoke("enrich", "recurrent-miscarriage", "--references", str(references),
                        env=env)
    assert result.exit_code == 0, result.output
    assert_nothing_live(result.stdout)
    lines = result.stdout.splitlines()
    assert not any(line.strip().startswith("+ DOI") for line in lines), result.stdout
    # what is proposed was checked first (received.py): only the valid ISSN is left of it
    assert "+ ISSN: '1234-5678'" in [line.strip() for line in lines], result.stdout
    assert "forged" not in result.stdout
