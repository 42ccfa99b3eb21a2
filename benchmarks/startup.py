"""Start-up time of the command line (hyperfine-style repeated runs) and what it imports.

    python benchmarks/startup.py [--runs 20]

Runs `evidencebib --help` and `evidencebib conditions` (on the shipped references/) --runs
times each in fresh interpreters (after 2 warm-up runs), prints mean ± sd, min and max wall
time, and lists which heavy libraries (citeproc, lxml, requests, rich, bibtexparser,
pylatexenc) each command imported, from `python -X importtime`. Target: < 0.25 s. Measured
twice: with our modules' bytecode cached (what `pip install .` leaves) and without (an
editable checkout under PYTHONDONTWRITEBYTECODE=1).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("citeproc", "lxml", "requests", "requests_cache", "rich", "bibtexparser", "pylatexenc", "urllib3")
COMMANDS = {"--help": ["--help"], "conditions": ["conditions", "--references", str(ROOT / "references")]}


def imported(args: list[str], env: dict) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "evidencebib", *args], env=env,
                          capture_output=True, text=True, check=True)
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        top = name.strip().split(".")[0]
        if top in HEAVY and name.strip() == top:
            found[top] = int(cumulative) / 1000
    return found


def measure(label: str, command: list[str], env: dict, runs: int) -> None:
    times = []
    for run in range(runs + 2):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "evidencebib", *command], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        if run >= 2:
            times.append(time.perf_counter() - started)
    mean = statistics.mean(times)
    sd = statistics.stdev(times) if len(times) > 1 else 0.0
    heavy = imported(command, env)
    print(f"  evidencebib {label:<11} mean {mean * 1000:6.0f} ms ± {sd * 1000:4.0f}  min "
          f"{min(times) * 1000:5.0f}  max {max(times) * 1000:5.0f}  ({runs} runs)  "
          f"[target < 250 ms: {'MET' if mean < 0.25 else 'NOT MET'}]")
    print("      heavy imports: " + (", ".join(f"{k} {v:.0f} ms" for k, v in heavy.items()) or "none"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    base = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as prefix:
        # `pip install .` compiles every module to bytecode; an editable checkout under
        # PYTHONDONTWRITEBYTECODE=1 (as this sandbox sets) compiles our sources on every start
        compiled = {key: value for key, value in base.items() if key != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = prefix  # keeps src/ free of __pycache__
        uncompiled = dict(base, PYTHONDONTWRITEBYTECODE="1")
        for title, env in (("with bytecode (as installed by `pip install .`)", compiled),
                           ("without bytecode (sources compiled at every start)", uncompiled)):
            print(title)
            for label, command in COMMANDS.items():
                measure(label, command, env, args.runs)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"(bare interpreter start: {(time.perf_counter() - started) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
