"""No command ever ends in a Python traceback: bad input, unwritable outputs, closed pipes and
full disks are one line; a bug is one line naming what was being done, exit status 2, and
EVIDENCEBIB_DEBUG=1 shows its traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from conftest import tree_digest
from evidencebib.cli import main
from conditions import new_condition

NO_DEBUG = {"EVIDENCEBIB_DEBUG": None}  # CliRunner: None removes the variable


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=NO_DEBUG if env is None else env)


def run(*args: str, **popen) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCEBIB_DEBUG"}
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.run([sys.executable, "-m", "evidencebib", *args], env=env, timeout=120,
                          **streams)


def one_error_line(stderr: str | bytes, *fragments: str) -> str:
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# -- the last line of defence ---------------------------------------------------------------------

def _explode(*_args, **_kwargs):
    raise ZeroDivisionError("a bug in the renderer")


def test_a_bug_is_one_line_naming_command_and_condition_with_status_2(references, monkeypatch):
    monkeypatch.setattr("evidencebib.render.render_entries", _explode)  # what api.render calls
    result = invoke("render", "--references", str(references))
    assert result.exit_code == 2
    line = one_error_line(result.stderr, "internal error", "evidencebib render",
                          "rendering condition 'recurrent-miscarriage'",
                          "ZeroDivisionError: a bug in the renderer", "EVIDENCEBIB_DEBUG=1")
    assert line.startswith("evidencebib: ")


def test_a_bug_names_the_file_being_read(tmp_path, monkeypatch):
    source = tmp_path / "in.ris"
    source.write_text("TY  - JOUR\nTI  - T\nER  - \n", encoding="utf-8")
    monkeypatch.setattr("evidencebib.formats.ris.read", _explode)
    new_condition(tmp_path / "refs", "x")
    result = invoke("import", str(source), "--into", "x", "--references", str(tmp_path / "refs"))
    assert result.exit_code == 2
    one_error_line(result.stderr, f"while reading {source}", "ZeroDivisionError")


def test_debug_variable_lets_the_traceback_through(references, monkeypatch):
    monkeypatch.setattr("evidencebib.render.render_entries", _explode)  # what api.render calls
    result = invoke("render", "--references", str(references), env={"EVIDENCEBIB_DEBUG": "1"})
    assert isinstance(result.exception, ZeroDivisionError)


# -- standard output that cannot be written ----------------------------------------------------

def test_a_closed_pipe_ends_quietly(references):
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCEBIB_DEBUG"}
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will read: the first write raises EPIPE
    try:
        result = subprocess.run([sys.executable, "-m", "evidencebib", "render",
                                 "--references", str(references)], stdout=write_end,
                                stderr=subprocess.PIPE, env=env, timeout=120)
    finally:
        os.close(write_end)
    assert result.stderr == b""
    assert result.returncode == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_on_standard_output_is_one_line(references):
    with open("/dev/full", "wb") as full:
        result = run("render", "--references", str(references), stdout=full)
    assert result.returncode == 2
    one_error_line(result.stderr, "cannot write to standard output", "No space left")


def test_a_closed_standard_output_is_one_line(references):
    result = run("conditions", "--references", str(references), stdout=None,
                 preexec_fn=lambda: os.close(1))
    assert result.returncode == 2
    one_error_line(result.stderr, "standard output")


# -- -o FILE ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target, why", [
    ("/proc/version", "cannot write the output file"),
    ("{tmp}", "is a directory"),
    ("{tmp}/no/such/folder/out.ris", "does not exist"),
])
def test_export_to_an_unwritable_target_is_one_line_and_creates_nothing(references, tmp_path,
                                                                       target, why):
    target = target.format(tmp=tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = invoke("export", "--to", "ris", "-o", target, "--references", str(references))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]  # click's usage lines may come first
    assert target in last and why in last, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_export_through_a_symbolic_link_writes_its_target_and_keeps_the_link(references, tmp_path):
    real = tmp_path / "real.ris"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ris"
    link.symlink_to(real)
    result = invoke("export", "--to", "ris", "-o", str(link), "--references", str(references))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("TY  - ")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_export_into_a_named_pipe_writes_through_it(references, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = invoke("export", "--to", "ris", "-o", str(fifo), "--references", str(references))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)       # still a pipe, not replaced by a file
    assert received and received[0].startswith(b"TY  - ")


# -- CSL-JSON input beyond its limits ------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("[" * 10_000 + "]" * 10_000, "nested deeper than"),
    ('[{"id": "a", "type": "book", "volume": ' + "9" * 5000 + "}]", "a number with 5000 digits"),
    ('[{"id": "a", "type": "book", "issued": {"date-parts": [[1e400]]}}]', "1e400"),
])
def test_csl_json_beyond_its_limits_is_one_line_and_imports_nothing(tmp_path, references, body,
                                                                    message):
    source = tmp_path / "hostile.json"
    source.write_text(body, encoding="utf-8")
    before = tree_digest(references)
    result = run("import", str(source), "--into", "recurrent-miscarriage",
                 "--references", str(references))
    assert result.returncode == 2
    one_error_line(result.stderr, str(source), "line 1", message)
    assert tree_digest(references) == before


def test_a_csl_json_report_that_is_valid_json_still_decodes(tmp_path, references):
    source = tmp_path / "fine.json"
    source.write_text(json.dumps([{"id": "a", "type": "book", "title": "[[[ 99999 NaN ]]]",
                                   "volume": 12345678901234567890}]), encoding="utf-8")
    new_condition(references, "fresh")
    result = run("import", str(source), "--into", "fresh", "--references", str(references))
    assert result.returncode == 0, result.stderr


# -- inputs that are not files (red-team pass) -------------------------------------------------

def test_a_device_that_never_ends_is_capped_not_read_into_memory(tmp_path, monkeypatch):
    monkeypatch.setattr("evidencebib.errors.MAX_STREAM_BYTES", 1 << 20)
    new_condition(tmp_path / "refs", "x")
    for args in (["import", "/dev/zero", "--into", "x"], ["import-page", "/dev/zero"]):
        result = invoke(*args, "--references", str(tmp_path / "refs"))
        assert result.exit_code == 2
        one_error_line(result.stderr, "/dev/zero", "more than 1 MiB from a pipe or device")


def test_import_reads_standard_input_for_a_dash(references, tmp_path):
    exported = tmp_path / "x.ris"
    assert invoke("export", "--to", "ris", "-o", str(exported), "--references",
                  str(references)).exit_code == 0
    new_condition(references, "piped")
    with open(exported, "rb") as stdin:
        result = run("import", "-", "--into", "piped", "--references", str(references),
                     stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert b"updated 'piped': 5 added" in result.stdout


def test_a_site_folder_that_cannot_be_made_is_one_line(references):
    result = invoke("site", "-o", "/proc/evidencebib-site", "--references", str(references))
    assert result.exit_code == 2
    one_error_line(result.stderr, "/proc/evidencebib-site", "cannot build the site here")


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"results": [{"line": ' + "9" * 5000 + "}]}"])
def test_a_verify_report_beyond_json_limits_is_one_line(references, tmp_path, body):
    report = tmp_path / "report.json"
    report.write_text(body, encoding="utf-8")
    result = invoke("site", "-o", str(tmp_path / "site"), "--verify-report", str(report),
                    "--references", str(references))
    assert result.exit_code == 2
    one_error_line(result.stderr, str(report), "not a report")
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("name", ["recurrent-miscarriage.bib", "recurrent-miscarriage.toml",
                                  "new-one.bib"])
def test_an_export_never_replaces_a_file_of_the_references_folder(references, name):
    before = tree_digest(references)
    result = invoke("export", "--to", "bibtex", "-o", str(references / name),
                    "--references", str(references))
    assert result.exit_code == 2
    one_error_line(result.stderr, name, "file of the references folder")
    assert tree_digest(references) == before
