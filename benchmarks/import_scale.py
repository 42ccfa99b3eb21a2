"""Import at library scale: `evidencebib import FILE --into CONDITION`, whole processes.

    python benchmarks/import_scale.py [--sizes 2500 5000 10000 20000]
                                      [--formats bibtex ris csl-json] [--rounds 3]

For each size, `benchmarks/datagen.py` makes that many journal articles (every one with a DOI)
and our writers turn them into a .bib, a RIS and a CSL-JSON file. Each round then runs, one
after the other so that they see the same machine state:

1. `evidencebib import FILE --into new` into a new, empty condition (`evidencebib new`, not timed);
2. the same into a condition that already holds as many other articles (every new DOI is
   checked against the existing entries; the file grows to twice the size);
3. the peer for that format, as a whole process on the same file: bibtexparser 2
   (`parse_string` + `write_string` with its in-place unparse stack) for BibTeX, rispy (`load` + `dumps`) for
   RIS, `json.load` + `json.dump` for CSL-JSON. The peers only read and write records; they
   make no keys, check no DOIs and normalise nothing, so "ours / peer" says how far above a
   bare read-and-write of the same file an import costs, not that they do the same job.

Reported: best and median wall time of the rounds, the least CPU time (user + system) of a
round, entries/s, ours / peer (wall), and the growth factor from the previous size (a linear
import doubles when the size doubles). On a busy machine the processes wait for a core, so
their wall time grows while their CPU time stays near what a quiet machine's wall time is. Every import
is checked: the condition's .bib must parse and hold exactly the expected number of entries.
The target of issue 12 is 20,000 entries in under 10 s on this machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import articles  # noqa: E402

PYTHON = sys.executable
SUFFIX = {"bibtex": "bib", "ris": "ris", "csl-json": "json"}
PEERS = {
    "bibtex": ("bibtexparser 2 parse+write",
               "import sys, bibtexparser\n"
               "from bibtexparser.middlewares import default_unparse_stack\n"
               "library = bibtexparser.parse_string(open(sys.argv[1], encoding='utf-8').read())\n"
               "stack = default_unparse_stack(allow_inplace_modification=True)\n"
               "text = bibtexparser.write_string(library, unparse_stack=stack)\n"
               "open(sys.argv[2], 'w', encoding='utf-8').write(text)\n"),
    "ris": ("rispy load+dumps",
            "import sys, rispy\n"
            "entries = rispy.load(open(sys.argv[1], encoding='utf-8'))\n"
            "open(sys.argv[2], 'w', encoding='utf-8').write(rispy.dumps(entries))\n"),
    "csl-json": ("json load+dump",
                 "import sys, json\n"
                 "data = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                 "json.dump(data, open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)\n"),
}


CPU: dict[str, list[float]] = {}   # the CPU seconds (user + system) of each run, by label


def _run(args: list[str], label: str = "") -> float:
    """Wall seconds of one whole process; its CPU seconds are kept under `label`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(label, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def _entries(bib: Path) -> int:
    from evidencebib.store import BibFile

    loaded = BibFile.load(bib)
    assert not loaded.problems, loaded.problems[:1]
    return len(loaded.entries)


def _new(references: Path, slug: str) -> None:
    subprocess.run([PYTHON, "-m", "evidencebib", "new", slug, "--title", slug,
                    "--references", str(references)], check=True, capture_output=True)


def _import(file: Path, references: Path, into: str, label: str = "") -> float:
    return _run([PYTHON, "-m", "evidencebib", "import", str(file), "--into", into,
                 "--references", str(references)], label)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 5000, 10000, 20000])
    parser.add_argument("--formats", nargs="+", default=["bibtex", "ris", "csl-json"],
                        choices=sorted(SUFFIX))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from evidencebib.formats import registry

    print(f"import: whole `evidencebib import` processes, best and median of {args.rounds} rounds; "
          f"{os.cpu_count()} cores (shared)")
    print(f"{'size':>6} {'format':9} {'new cond.':>10} {'median':>7} {'cpu':>6} {'/s':>7} {'growth':>6} "
          f"{'into n':>8} {'median':>7} {'cpu':>6} {'peer':>7} {'cpu':>6} {'ours/peer':>9}  peer")
    previous: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for size in args.sizes:
            items = articles(size)
            others = [dict(item, DOI=f"10.5555/existing.{number}", title=f"Existing {number}")
                      for number, item in enumerate(articles(size, seed=size + 1))]
            for fmt in args.formats:
                source = tmp / f"in{size}.{SUFFIX[fmt]}"
                source.write_text(registry.get(fmt).write(items), encoding="utf-8")
                seed_refs = tmp / "seed"
                shutil.rmtree(seed_refs, ignore_errors=True)
                seed_file = tmp / f"others{size}.json"
                seed_file.write_text(registry.get("csl-json").write(others), encoding="utf-8")
                _new(seed_refs, "existing")
                _import(seed_file, seed_refs, "existing")
                new_times, into_times, peer_times = [], [], []
                for _ in range(args.rounds):
                    refs = tmp / "refs"
                    shutil.rmtree(refs, ignore_errors=True)
                    _new(refs, "new")  # an empty condition, as `evidencebib new` makes (not timed)
                    new_times.append(_import(source, refs, "new", f"{size}{fmt}new"))
                    assert _entries(refs / "new.bib") == size
                    shutil.rmtree(refs)
                    shutil.copytree(seed_refs, refs)
                    into_times.append(_import(source, refs, "existing", f"{size}{fmt}into"))
                    assert _entries(refs / "existing.bib") == 2 * size
                    peer_times.append(_run([PYTHON, "-c", PEERS[fmt][1], str(source),
                                            str(tmp / "peer.out")], f"{size}{fmt}peer"))
                best, into, peer = min(new_times), min(into_times), min(peer_times)
                growth = f"x{best / previous[fmt]:.2f}" if fmt in previous else "–"
                previous[fmt] = best
                cpu = {kind: min(CPU[f"{size}{fmt}{kind}"]) for kind in ("new", "into", "peer")}
                print(f"{size:>6} {fmt:9} {best:>9.2f}s {statistics.median(new_times):>6.2f}s "
                      f"{cpu['new']:>5.2f}s {size / best:>7,.0f} {growth:>6} {into:>7.2f}s "
                      f"{statistics.median(into_times):>6.2f}s {cpu['into']:>5.2f}s {peer:>6.2f}s "
                      f"{cpu['peer']:>5.2f}s {best / peer:>9.2f}  {PEERS[fmt][0]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
