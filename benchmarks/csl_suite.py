"""Pass rates on the official CSL test suite, ours beside citeproc-js, per mode and fixture group.

    .venv/bin/python benchmarks/csl_suite.py                  # print and write benchmarks/results/csl_suite.*
    .venv/bin/python benchmarks/csl_suite.py --failures       # also list every fixture we fail, with its reason
    .venv/bin/python benchmarks/csl_suite.py --write-expected # rewrite the measured engine's expected list
    .venv/bin/python benchmarks/csl_suite.py --no-js          # ours only (no node needed)

Exits 1 when a fixture of the measured engine's expected list
(tests/render/csl_suite/expected_pass.<adapter>.txt) fails, unless --write-expected rewrites it.

Coverage: the 612 fixtures of ../shared/csl-test-suite/humans (of the suite's 845, commit
13724f99a9b2); every fixture in its MODE, through tests/render/csl_suite/suite_driver.py and
the engine tests/support/engine_adapter.py measures (`OURS`). citeproc-js (the npm release
`.ci/run` installs) runs the same fixtures as citeproc-test-runner drives them
(tests/citeproc_js/suite.js). Both processors read the locale files citeproc-py ships.
"strict" compares after collapsing whitespace (character references canonical: `&#38;` =
`&amp;`); "forgiving" also forgives markup-only differences (tags removed, text compared).
"single-cluster" is the citation fixtures with no CITATIONS and at most one CITATION-ITEMS
cluster (the issue's citation figure).
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "render" / "csl_suite"))
sys.path.insert(0, str(REPO / "tests" / "support"))

import suite_driver  # noqa: E402
import citeproc_js_runner  # noqa: E402
import csl_fixtures  # noqa: E402
import engine_adapter  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
EXPECTED_PASS = engine_adapter.expected_file(REPO / "tests" / "render" / "csl_suite", "expected_pass", ".txt")
EXPECTED_HEADER = (
    f"# Fixtures of ../shared/csl-test-suite/humans that {engine_adapter.OURS.__name__} (tests/support/engine_adapter.py)\n"
    "# passes: test_csl_suite.py fails when one of them stops passing. Rewritten by scripts/refresh-conformance\n"
    "# (benchmarks/csl_suite.py --no-js --write-expected).\n")


def citeproc_js_verdicts(fixtures) -> dict[str, bool]:
    answers = citeproc_js_runner.run_jobs(citeproc_js_runner.fixture_jobs(fixtures))
    return {fixture.name: "error" not in answer and suite_driver.compare(fixture.result, answer["result"])[0]
            for fixture, answer in zip(fixtures, answers)}


def _rate(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100 * passed / total:.1f}%)" if total else "–"


def table(rows, js: dict[str, bool] | None) -> list[str]:
    """Markdown lines: per mode, then per group."""
    def line(label, subset):
        strict = sum(row.strict for row in subset)
        forgiving = sum(row.forgiving for row in subset)
        cells = [label, str(len(subset)), _rate(strict, len(subset)), _rate(forgiving, len(subset))]
        if js is not None:
            cells.append(_rate(sum(js[row.name] for row in subset), len(subset)))
        return "| " + " | ".join(cells) + " |"

    header = "| fixtures | n | ours strict | ours forgiving markup |" + (" citeproc-js |" if js is not None else "")
    rule = "|---|---|---|---|" + ("---|" if js is not None else "")
    out = ["**Per mode**", "", header, rule,
           line("all", rows),
           line("bibliography", [r for r in rows if r.mode == "bibliography"]),
           line("citation", [r for r in rows if r.mode == "citation"]),
           line("citation, single-cluster", [r for r in rows if r.single_cluster]),
           line("citation, several clusters or CITATIONS", [r for r in rows if r.mode == "citation" and not r.single_cluster]),
           "", "**Per fixture group** (file name up to the first `_`)", "", header, rule]
    groups = collections.defaultdict(list)
    for row in rows:
        groups[row.group].append(row)
    for group in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        out.append(line(f"`{group}_*`", groups[group]))
    return out


def failure_summary(rows) -> list[str]:
    causes = collections.Counter()
    for row in rows:
        if row.strict:
            continue
        if row.error and row.error.startswith("unsupported:"):
            causes[row.error] += 1
        elif row.error:
            causes["the processor raised an error"] += 1
        elif row.forgiving:
            causes["output differs in markup only"] += 1
        else:
            causes["output differs"] += 1
    return ["**Our failures by kind**", ""] + [f"- {count}: {cause}" for cause, count in causes.most_common()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every fixture we fail")
    parser.add_argument("--no-js", action="store_true", help="do not run citeproc-js")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/csl_suite.*")
    parser.add_argument("--write-expected", action="store_true",
                        help=f"rewrite {EXPECTED_PASS.name} from this run")
    args = parser.parse_args(argv)
    if not csl_fixtures.SUITE.is_dir():
        print(f"the CSL test suite is not at {csl_fixtures.SUITE}", file=sys.stderr)
        return 2
    fixtures = csl_fixtures.load_suite()
    adapter = engine_adapter.ours()
    started = time.perf_counter()
    rows = suite_driver.measure(fixtures, adapter)
    ours_s = time.perf_counter() - started
    js = None
    js_s = 0.0
    if not args.no_js:
        reason = citeproc_js_runner.status()
        if reason:
            print(f"citeproc-js not run: {reason}", file=sys.stderr)
        else:
            started = time.perf_counter()
            js = citeproc_js_verdicts(fixtures)
            js_s = time.perf_counter() - started
    stamp = datetime.date.today().isoformat()
    lines = [f"# CSL test suite, {stamp}", "",
             f"Engine measured: `{engine_adapter.OURS.__name__}` (tests/support/engine_adapter.py); "
             f"citeproc-js {citeproc_js_runner.version() if js is not None else '(not run)'}. "
             f"{len(fixtures)} shared fixtures (of 845; suite commit 13724f99a9b2); locales: citeproc-py's bundled files. "
             f"Run time: ours {ours_s:.0f} s, citeproc-js {js_s:.0f} s (shared 2-core machine).", ""]
    lines += table(rows, js) + [""] + failure_summary(rows)
    if args.failures:
        lines += ["", "**Fixtures we fail**", ""]
        lines += [f"- `{row.name}` ({row.mode}){' — ' + row.error if row.error else ''}"
                  f"{' — markup only' if row.forgiving and not row.strict else ''}" for row in rows if not row.strict]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "csl_suite.md").write_text(text, encoding="utf-8")
        verdicts = {row.name: {"mode": row.mode, "group": row.group, "single_cluster": row.single_cluster,
                               "ours_strict": row.strict, "ours_forgiving": row.forgiving, "ours_error": row.error,
                               **({"citeproc_js": js[row.name]} if js is not None else {})} for row in rows}
        (RESULTS / "csl_suite.json").write_text(json.dumps(verdicts, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if args.write_expected:
        passing = [row.name for row in rows if row.strict]
        EXPECTED_PASS.write_text(EXPECTED_HEADER + "".join(name + "\n" for name in passing), encoding="utf-8")
        print(f"wrote {len(passing)} names to {EXPECTED_PASS.relative_to(REPO)}")
        return 0
    if EXPECTED_PASS.is_file():
        expected = [line.strip() for line in EXPECTED_PASS.read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
        verdict = {row.name: row.strict for row in rows}
        lost = [name for name in expected if not verdict.get(name)]
        gained = [row.name for row in rows if row.strict and row.name not in set(expected)]
        if gained:
            print(f"{len(gained)} fixtures pass that {EXPECTED_PASS.name} does not list (refresh it): " + ", ".join(gained))
        if lost:
            print(f"{len(lost)} fixtures of {EXPECTED_PASS.name} fail: " + ", ".join(lost), file=sys.stderr)
            return 1
    else:
        print(f"no {EXPECTED_PASS.name}: nothing to check against", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
