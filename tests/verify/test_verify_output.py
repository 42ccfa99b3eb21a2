"""`verify -o FILE`: the path is checked before any request is made (an hour of network work
must not end in "No such file or directory"), and the report is written atomically."""

from __future__ import annotations

import json
import os

import pytest

from crossref_emulator import SHIPPED, shipped_emulator
from network_cli import run


@pytest.fixture
def emu():
    with shipped_emulator() as emulator:
        yield emulator


@pytest.mark.parametrize("target", ["missing-dir/x.json", "a-directory", "a-file/x.json"])
def test_an_unusable_output_path_is_refused_before_any_request(emu, references, tmp_path,
                                                               target):
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "a-file").write_text("x")
    output = tmp_path / target
    ran = run(emu, references, "verify", "--format", "json", "-o", str(output))
    assert ran.exit_code == 2, ran
    assert str(output) in ran.stderr and len(ran.stderr.strip().splitlines()) == 1, ran
    assert "Traceback" not in ran.output
    assert emu.log == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only directory")
def test_a_read_only_directory_is_refused_before_any_request(emu, references, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        ran = run(emu, references, "verify", "-o", str(locked / "x.json"))
    finally:
        locked.chmod(0o700)
    assert ran.exit_code == 2 and "x.json" in ran.stderr, ran
    assert emu.log == []


def test_the_report_replaces_an_existing_file_whole(emu, references, tmp_path):
    output = tmp_path / "report.json"
    output.write_text("an older report\n" * 1000)
    ran = run(emu, references, "verify", "--format", "json", "-o", str(output))
    assert ran.exit_code == 0, ran
    assert json.loads(output.read_text())["summary"] == {"ok": len(SHIPPED)}
    assert ran.stdout == ""
