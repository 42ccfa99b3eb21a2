"""How long `evidencebib site` takes for the shipped references/ (target: under 2 s).

    python benchmarks/site_build.py [--references DIR] [--verify-report FILE] [--runs 3]

Each run is a fresh Python process (`python -m evidencebib.cli.site site -o TMP`), so the time
includes interpreter start-up, imports, style loading and writing every file: what a user
waits for. The in-process build time reported by the command is printed too.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--references", default=str(ROOT / "references"))
    parser.add_argument("--verify-report", default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    walls, builds = [], []
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            command = [sys.executable, "-m", "evidencebib.cli.site", "site", "-o",
                       str(Path(tmp) / "site"), "--references", args.references]
            if args.verify_report:
                command += ["--verify-report", args.verify_report]
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
            wall = time.perf_counter() - started
            if done.returncode != 0:
                print(done.stdout + done.stderr, file=sys.stderr)
                return done.returncode
            match = re.search(r"in ([\d.]+) s", done.stdout)
            build = float(match.group(1)) if match else float("nan")
            walls.append(wall)
            builds.append(build)
            print(f"run {run}: {wall:.2f} s wall (process), {build:.2f} s build  "
                  f"[{done.stdout.strip()}]")
    best, median = min(walls), statistics.median(walls)
    verdict = "OK" if median < TARGET_SECONDS else "SLOW"
    print(f"site build: median {median:.2f} s, best {best:.2f} s wall per build "
          f"(target < {TARGET_SECONDS:.0f} s): {verdict}")
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
