"""`check`'s precision and recall on generated documents with planted duplicates and
disagreements (tests/support/docgen.py), on seeds the tests do not use.

    python benchmarks/check_accuracy.py [--seeds 1 2 3 4 5] [--conditions 52]

The tests (tests/check/test_check_document.py) run one seed, the generator's default; the
other seeds are held back here to show that the rules generalise beyond the document they
were tuned on. For each seed, counted on pairs of copies (`condition:key`):

- duplicates: every pair of copies of one work (shared works, planted duplicates within and
  across conditions) against the pairs `check` joins; the planted pairs alone are also
  counted (recall), and look-alike pairs of different works joined (false duplicates);
- disagreements: (work, field) reported against (work, field) planted;
- spelling-only differences reported as disagreements (must be 0).

The generator is for volume; false duplicates on real files are measured on the shared corpus
(tests/check/test_check_corpus.py and its reviewed list).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from docgen import generate_document  # noqa: E402

from evidencebib.check import Library, report_of  # noqa: E402
from evidencebib.store import References  # noqa: E402


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--conditions", type=int, default=52)
    args = parser.parse_args()
    print(f"{'seed':>5} {'copies':>6} {'true pairs':>10} {'found':>6} {'precision':>9} "
          f"{'recall':>7} {'planted':>7} {'missed':>6} {'lookalike FP':>12} "
          f"{'disagr.':>7} {'d.prec':>7} {'d.recall':>8} {'spelling FP':>11}")
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            truth = generate_document(Path(tmp) / "references", conditions=args.conditions,
                                      seed=seed)
            library = Library.load(References(Path(tmp) / "references"))
            report = report_of(library)
        found = set()
        for members in library.works:
            names = [library.copies[i].where for i in members]
            found |= {frozenset((a, b)) for i, a in enumerate(names) for b in names[i + 1:]}
        true = truth.same_work_pairs()
        planted = {frozenset((p["a"], p["b"])) for p in truth.planted}
        lookalike_fp = sum(1 for pair in truth.lookalikes if frozenset(pair) in found)
        reported = set()
        for finding in report.findings:
            if finding.kind == "disagreement":
                works = {truth.work_of[c.where] for c in finding.copies}
                reported |= {(work, finding.data["field"]) for work in works}
        print(f"{seed:>5} {len(library.copies):>6} {len(true):>10} {len(found):>6} "
              f"{ratio(len(found & true), len(found)):>9} {ratio(len(found & true), len(true)):>7} "
              f"{len(planted):>7} {len(planted - found):>6} {lookalike_fp:>12} "
              f"{len(truth.disagreements):>7} "
              f"{ratio(len(reported & truth.disagreements), len(reported)):>7} "
              f"{ratio(len(reported & truth.disagreements), len(truth.disagreements)):>8} "
              f"{len(reported & truth.spelling_only):>11}")


if __name__ == "__main__":
    main()
