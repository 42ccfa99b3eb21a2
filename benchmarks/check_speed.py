"""`check` on a whole document: 100 conditions x 200 references (20,000 copies).

    python benchmarks/check_speed.py [--conditions 100] [--per-condition 200] [--rounds 3]
                                     [--naive-sizes 500 1000 2000]

The document is tests/support/docgen.py's (planted duplicates, disagreements, look-alikes, no unparsed block, so that every command can read it;
seed 7). What is measured:

- ours, in process, phase by phase: reading every condition (the store's BibTeX reader),
  fingerprints, candidate blocks + comparisons, findings; then the whole
  `evidencebib check` command as a fresh process (what an editor waits for), best of --rounds;
- the naive peer: the same comparison on every pair (`dedupe.all_pair_matches`), which is
  what blocking replaces, on the first N copies for each --naive-sizes, run alternately with
  blocking on the same copies; both must find the same pairs (checked), and the quadratic
  all-pairs time is extrapolated to the full document from the largest size.

CPU time (user + system) of the two processes is printed beside wall time: on the shared
machine wall time includes waiting for a core.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from docgen import generate_document  # noqa: E402

from evidencebib.check.dedupe import all_pair_matches, find_matches  # noqa: E402
from evidencebib.check.findings import find_all  # noqa: E402
from evidencebib.check.library import Library  # noqa: E402
from evidencebib.check.works import fingerprint  # noqa: E402
from evidencebib.store import References  # noqa: E402


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conditions", type=int, default=100)
    parser.add_argument("--per-condition", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-sizes", type=int, nargs="+", default=[500, 1000, 2000])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "references"
        seconds, _truth = timed(lambda: generate_document(
            path, conditions=args.conditions, per_condition=args.per_condition, seed=7,
            unparsed=0))
        print(f"generated {args.conditions} conditions in {seconds:.1f} s")
        refs = References(path)

        best: dict[str, float] = {}
        for _round in range(args.rounds):
            t_load, by_condition = timed(lambda: {slug: refs.load(slug).bib.items()
                                                  for slug in refs.slugs()})
            items = [item for found in by_condition.values() for item in found]
            t_fp, fps = timed(lambda: [fingerprint(i) for i in items])
            t_match, matches = timed(find_matches, fps)
            library = Library.from_items(by_condition)
            t_find, findings = timed(find_all, library)
            for name, value in (("load", t_load), ("fingerprints", t_fp), ("blocks+compare", t_match),
                                ("findings", t_find)):
                best[name] = min(best.get(name, value), value)
        copies = len(library.copies)
        print(f"{copies} copies, {len(matches)} matching pairs, {len(library.works)} works of 2+, "
              f"{len(findings)} findings")
        for name, value in best.items():
            print(f"  ours {name:<15} {value:7.2f} s  (best of {args.rounds})")
        in_process = sum(best.values())
        print(f"  ours in process  {in_process:7.2f} s  "
              f"(load {best['load'] / in_process:.0%} of it)")

        command = [sys.executable, "-m", "evidencebib", "check", "--references", str(path),
                   "--format", "json", "-o", os.devnull]
        reading = [sys.executable, "-m", "evidencebib", "export", "--to", "csl-json",
                   "--references", str(path), "-o", os.devnull]
        walls, reads, cpu_walls, cpu_reads = [], [], [], []
        for _round in range(args.rounds):   # alternately: the machine's speed drifts
            for argv, out, cpu in ((command, walls, cpu_walls), (reading, reads, cpu_reads)):
                used = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                subprocess.run(argv, check=False, capture_output=True)
                out.append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu.append(after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime)
        print(f"  `evidencebib check` process: best {min(walls):.2f} s, worst {max(walls):.2f} s "
              f"(CPU best {min(cpu_walls):.2f} s); `evidencebib export --to csl-json` of the "
              f"same document (reads every entry once): best {min(reads):.2f} s (CPU "
              f"{min(cpu_reads):.2f} s); check / export = {min(walls) / min(reads):.2f} wall, "
              f"{min(cpu_walls) / min(cpu_reads):.2f} CPU")

        print("\nblocking vs all pairs on the first N copies (alternating, best of rounds)")
        print(f"{'N':>6} {'pairs':>11} {'blocked s':>10} {'all-pairs s':>12} {'ratio':>7} "
              f"{'same pairs':>11}")
        last = None
        for size in args.naive_sizes:
            subset = fps[:size]
            t_blocked = t_naive = float("inf")
            for _round in range(args.rounds):
                tb, blocked = timed(find_matches, subset)
                tn, naive = timed(all_pair_matches, subset)
                t_blocked, t_naive = min(t_blocked, tb), min(t_naive, tn)
            pairs = size * (size - 1) // 2
            print(f"{size:>6} {pairs:>11,} {t_blocked:>10.3f} {t_naive:>12.3f} "
                  f"{t_naive / t_blocked:>7.1f} {str(blocked == naive):>11}")
            last = (size, t_naive)
        size, t_naive = last
        scale = (copies * (copies - 1)) / (size * (size - 1))
        print(f"\nall pairs extrapolated to {copies:,} copies ({copies * (copies - 1) // 2:,} pairs):"
              f" {t_naive * scale:,.0f} s; blocks + comparisons took "
              f"{best['blocks+compare']:.2f} s ({t_naive * scale / best['blocks+compare']:,.0f}x "
              "less)")


if __name__ == "__main__":
    main()
