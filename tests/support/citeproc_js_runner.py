"""Calling citeproc-js (tests/citeproc_js/suite.js) on fixtures and fixture-shaped jobs.

citeproc-js is the npm package `citeproc` pinned in tests/citeproc_js/package-lock.json and
installed by scripts/setup-citeproc-js. It reads the locale files citeproc-py ships
(`citeproc/data/locales/locales-*.xml`), as the CSL test suite's README asks, so that both
processors get the same terms. Jobs are sent in batches, one node process per batch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterable, Sequence

JS_DIR = Path(__file__).resolve().parents[1] / "citeproc_js"
SUITE_JS = JS_DIR / "suite.js"
BATCH = 200
TIMEOUT_S = 900


def status() -> str | None:
    """None when citeproc-js can run, else why not (for a skip message)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (JS_DIR / "node_modules" / "citeproc" / "package.json").is_file():
        return "citeproc-js is not installed (run scripts/setup-citeproc-js)"
    return None


def require() -> None:
    """In a test: skip with the reason when citeproc-js cannot run, fail instead when the
    environment variable CI is set (CI installs it, so its absence is a failure there)."""
    import pytest

    reason = status()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)


def locales_dir() -> str:
    import citeproc

    return str(Path(citeproc.LOCALES_PATH))


def version() -> str:
    package = JS_DIR / "node_modules" / "citeproc" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def run_jobs(jobs: Sequence[dict[str, Any]], batch: int = BATCH) -> list[dict[str, Any]]:
    """One answer per job, in order (see suite.js for the shapes); an answer with "error" is a
    job citeproc-js refused or crashed on. Raises RuntimeError when node itself fails."""
    answers: list[dict[str, Any]] = []
    for start in range(0, len(jobs), batch):
        chunk = list(jobs[start:start + batch])
        request = {"localesDir": locales_dir(), "jobs": chunk}
        proc = subprocess.run(["node", str(SUITE_JS)], input=json.dumps(request), capture_output=True,
                              text=True, timeout=TIMEOUT_S, env=dict(os.environ, NODE_OPTIONS=""))
        try:
            reply = json.loads(proc.stdout)
        except json.JSONDecodeError:
            raise RuntimeError(f"citeproc-js (suite.js) failed: {proc.stderr.strip()[-2000:]}") from None
        if "error" in reply:
            raise RuntimeError(f"citeproc-js (suite.js): {reply['error']}")
        answers.extend(reply["results"])
    return answers


def fixture_jobs(fixtures: Iterable[Any], fmt: str = "html") -> list[dict[str, Any]]:
    return [{"kind": "fixture", "fixture": fixture.request(), "format": fmt} for fixture in fixtures]
