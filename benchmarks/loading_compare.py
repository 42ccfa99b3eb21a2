"""Loading a large .bib with this checkout and with other checkouts, side by side.

    python benchmarks/loading_compare.py --baseline DIR [--baseline DIR …] [--entries 5000] [--rounds 4]

Each DIR holds another checkout's src/ (`git archive <commit> src | tar -x -C DIR`). The file is
benchmarks/datagen.py's (as loading.py's). Every round runs one fresh process per checkout, one
after the other, each loading the file twice after a warm-up load (caches cleared before each
load) and reporting CPU time (`time.process_time`) for the two phases of `BibFile.load(path)
.items()`: splitting (`load`) and building items (`items`: LaTeX decoding, names, CSL items).
Printed: best and median per checkout and phase, and each baseline's ratio to this checkout.
CPU time rather than wall time because the machine is shared: waiting for a core is not
counted, but a loaded machine still slows both sides, which is why they alternate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import bib_text  # noqa: E402

CHILD = """
import json, sys, time
from evidencebib.store.bibfile import BibFile
from evidencebib.formats import bibtex, latex
path, loads = sys.argv[1], int(sys.argv[2])
BibFile.load(path).items()
out = []
for _ in range(loads):
    getattr(latex, "clear_cache", lambda: None)()
    getattr(bibtex, "clear_caches", lambda: None)()
    start = time.process_time()
    loaded = BibFile.load(path)
    split = time.process_time()
    loaded.items()
    out.append((split - start, time.process_time() - split))
print(json.dumps(out))
"""


def run(src: Path, path: Path, loads: int) -> list[tuple[float, float]]:
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(loads)], env=env,
                          capture_output=True, text=True, check=True)
    return [tuple(pair) for pair in json.loads(proc.stdout)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, action="append", required=True)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--loads", type=int, default=2)
    args = parser.parse_args()
    checkouts = {"this checkout": ROOT / "src"} | {str(d): d / "src" for d in args.baseline}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bib"
        path.write_text(bib_text(args.entries), encoding="utf-8")
        for _ in range(args.rounds):
            for name, src in checkouts.items():
                times[name] += run(src, path, args.loads)
    totals = {name: [a + b for a, b in runs] for name, runs in times.items()}
    print(f"{args.entries} entries, {args.rounds} rounds x {args.loads} loads, CPU seconds")
    for name, runs in times.items():
        split = [a for a, _ in runs]
        items = [b for _, b in runs]
        print(f"  {name}: split best {min(split):.2f} median {statistics.median(split):.2f}; "
              f"items best {min(items):.2f} median {statistics.median(items):.2f}; "
              f"whole best {min(totals[name]):.2f} median {statistics.median(totals[name]):.2f}")
    ours = totals["this checkout"]
    for name in checkouts:
        if name != "this checkout":
            print(f"  this checkout / {name}: {min(ours) / min(totals[name]):.2f} (best), "
                  f"{statistics.median(ours) / statistics.median(totals[name]):.2f} (median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
