"""The command line as a user runs it: `python -m evidencebib` in a subprocess, so that a test
also runs against another tree's code (tests/tools/run_on_tree.sh) and exit codes, stderr and
tracebacks are the real ones. The render cache is off: each run renders what it reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(*args: str, references: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "evidencebib", *args, "--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "EVIDENCEBIB_NO_RENDER_CACHE": "1"})
