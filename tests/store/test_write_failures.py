"""A write that fails for real (the file-size limit, as a full disk would) is one line, and
the file it was to replace keeps its old bytes."""

from __future__ import annotations

import json
import resource
import subprocess
import sys

from evidencebib.store.atomic import TEMP_PREFIX
from conditions import new_condition

LIMIT = 64 * 1024


def _limited(args: list[str]) -> subprocess.CompletedProcess:
    def limit_file_size():  # in the child: writes past LIMIT bytes fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    return subprocess.run([sys.executable, "-m", "evidencebib", *args], capture_output=True,
                          text=True, timeout=120, preexec_fn=limit_file_size)


def _articles(count: int, tag: str) -> str:
    return json.dumps([{"type": "article-journal", "title": f"{tag} trial {i} " * 4,
                        "author": [{"family": f"Author{i}", "given": "A."}],
                        "issued": {"date-parts": [[2000 + i % 20]]}, "DOI": f"10.1000/{tag}.{i}"}
                       for i in range(count)])


def test_import_past_the_file_size_limit_fails_in_one_line_and_keeps_the_file(tmp_path):
    refs = tmp_path / "references"
    (tmp_path / "first.json").write_text(_articles(40, "first"), encoding="utf-8")
    new_condition(refs, "rm")
    first = subprocess.run([sys.executable, "-m", "evidencebib", "import", str(tmp_path / "first.json"),
                            "--into", "rm", "--references", str(refs)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = (refs / "rm.bib").read_bytes()
    assert len(before) < LIMIT
    (tmp_path / "more.json").write_text(_articles(400, "more"), encoding="utf-8")
    result = _limited(["import", str(tmp_path / "more.json"), "--into", "rm", "--references", str(refs)])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"evidencebib: error: {refs / 'rm.bib'}: cannot write the file (the file-size limit was "
        "reached); it was left as it was"]
    assert (refs / "rm.bib").read_bytes() == before
    assert not list(refs.glob(TEMP_PREFIX + "*"))


def test_export_past_the_file_size_limit_fails_in_one_line_and_keeps_the_old_output(tmp_path):
    refs = tmp_path / "references"
    (tmp_path / "many.json").write_text(_articles(400, "many"), encoding="utf-8")
    new_condition(refs, "rm")
    subprocess.run([sys.executable, "-m", "evidencebib", "import", str(tmp_path / "many.json"),
                    "--into", "rm", "--references", str(refs)], check=True, capture_output=True)
    out = tmp_path / "out.ris"
    out.write_bytes(b"the previous export\n")
    result = _limited(["export", "--to", "ris", "-o", str(out), "--references", str(refs)])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (f"evidencebib: error: {out}: cannot write the output file: "
                                     "the file-size limit was reached")
    assert out.read_bytes() == b"the previous export\n"
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))
