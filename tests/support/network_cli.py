"""Running the network commands end to end against the loopback emulator.

`run(emu, references, *args)` invokes the real CLI in-process (click's CliRunner) with the
environment a user would set (mirror URLs, mailto, cache and references directories);
`run_process` does the same in a child process, for what only a process can show (resource
limits, signals).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

from click.testing import CliRunner


def environment(emu, references: Path, cache: Path | None = None) -> dict[str, str]:
    return {"EVIDENCEBIB_CROSSREF_URL": emu.crossref_url, "EVIDENCEBIB_DOI_URL": emu.doi_url,
            "EVIDENCEBIB_MAILTO": "cli@example.org",
            "EVIDENCEBIB_CACHE_DIR": str(cache or references.parent / "cache"),
            "EVIDENCEBIB_REFERENCES": str(references)}


class Ran:
    """A finished command: exit code, stdout, stderr, and how long it took."""

    def __init__(self, exit_code: int, stdout: str, stderr: str, elapsed: float) -> None:
        self.exit_code, self.stdout, self.stderr, self.elapsed = exit_code, stdout, stderr, elapsed

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __repr__(self) -> str:
        return (f"Ran(exit {self.exit_code}, {self.elapsed:.2f} s, stdout={self.stdout[-400:]!r}, "
                f"stderr={self.stderr[-400:]!r})")


def run(emu, references: Path, *args: str, cache: Path | None = None,
        env: dict[str, str] | None = None) -> Ran:
    """`env` adds to (or overrides) the environment, e.g. EVIDENCEBIB_EUTILS_URL."""
    from evidencebib.cli import main

    started = time.monotonic()
    result = CliRunner().invoke(main, list(args),
                                env={**environment(emu, references, cache), **(env or {})},
                                catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr, time.monotonic() - started)


def run_process(emu, references: Path, *args: str, cache: Path | None = None,
                preexec: Callable[[], Any] | None = None, timeout: float = 120) -> Ran:
    env = dict(os.environ, **environment(emu, references, cache), PYTHONUNBUFFERED="1")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "evidencebib", *args], env=env,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, preexec_fn=preexec)
    return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def run_with_pubmed(crossref, eutils, references: Path, *args: str) -> Ran:
    """`run` with the E-utilities and PMC ID converter URLs of an `EutilsEmulator` too."""
    return run(crossref, references, *args,
               env={"EVIDENCEBIB_EUTILS_URL": eutils.eutils_url,
                    "EVIDENCEBIB_IDCONV_URL": eutils.idconv_url})
