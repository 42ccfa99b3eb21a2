"""Bibliography rendering throughput: evidencebib's engine vs citeproc-js, pandoc and plain citeproc-py.

    python benchmarks/render_throughput.py [--sizes 1000 10000] [--styles ig-criteria apa vancouver]
                                           [--repeat 3] [--rounds 3] [--no-js] [--no-pandoc]
                                           [--no-baseline] [--json FILE]

For each size and style, the same generated journal articles (benchmarks/datagen.py) are
rendered as plain-text bibliographies by
- evidencebib `render_entries(items, style, "text", cache=False)` (no render cache: this
  measures formatting) with the engine's default options: on Linux, the worker processes of
  render/parallel.py (as many as CPUs, from 400 entries per worker);
- the same in one process (`EngineOptions(workers=1)`: "1 proc");
- plain citeproc-py 0.11.1, unchanged, on the same CSL-JSON ("citeproc-py", 1k only unless
  --baseline-all): register + sort + bibliography, its text not compared (it has none of our
  corrections);
- citeproc-js (npm `citeproc`, benchmarks/node/bench.js): `updateItems` + `makeBibliography`
  on a fresh engine; engine construction is reported separately and excluded, as are the
  style load on our side (cached per process) and JSON transport;
- pandoc (`pandoc --citeproc -t plain`, the binary of pypandoc-binary), a whole process on a
  CSL-JSON file of the same items: "pd s" is its wall time, "pd net/s" the rate after taking
  off the time of the same command on two items, "ours/pd" = pd s / ours s. Its text is not
  compared: pandoc uses its own locale files (typographic apostrophes and quotes).
Each figure is the best of --rounds rounds of --repeat runs; a round runs ours, ours in one
process and citeproc-js one after the other, so that all three see the same machine. Texts
are compared entry by entry (same order, same strings).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import articles  # noqa: E402

NODE_RUNNER = Path(__file__).resolve().parent / "node" / "bench.js"


def locales_for(style_root) -> tuple[dict[str, str], list[str]]:
    """The locale files citeproc-py loads for this style, for citeproc-js (same terms)."""
    import citeproc

    wanted = style_root.get("default-locale") or "en-US"
    order = [wanted] if wanted in citeproc.LANGUAGE_NAMES else []
    primary = citeproc.PRIMARY_DIALECTS.get(wanted.split("-")[0])
    if primary:
        order.append(primary)
    order.append("en-US")
    order = list(dict.fromkeys(order))
    return ({lang: (Path(citeproc.LOCALES_PATH) / f"locales-{lang}.xml").read_text(encoding="utf-8")
             for lang in order}, order)


def run_ours(items, style: str, repeat: int, workers: int | None = None) -> tuple[float, list[str]]:
    from evidencebib.render.engine import EngineOptions, render_entries

    options = EngineOptions(workers=workers)
    render_entries(items[:2], style, "text", cache=False, options=options)  # style load, imports
    best, out = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        out = [text for _, text in render_entries(items, style, "text", cache=False, options=options)]
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, out


def run_citeproc_py(items, style: str, repeat: int) -> float:
    """Plain citeproc-py 0.11.1 on the same items: what the engine replaced."""
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    from evidencebib.model import public_item
    from evidencebib.render.styles import resolve_style

    path = str(resolve_style(style))
    data = [public_item(item) for item in items]
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style_obj = CitationStylesStyle(path, validate=False)
        for _ in range(repeat):
            started = time.perf_counter()
            source = CiteProcJSON([dict(item) for item in data])
            bibliography = CitationStylesBibliography(style_obj, source, formatter.plain)
            bibliography.register(Citation([CitationItem(str(item["id"]).lower()) for item in data]))
            bibliography.sort()
            bibliography.bibliography()
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
    return best


def run_js(items, style: str, repeat: int) -> dict:
    from evidencebib.render.engine import load_style
    from evidencebib.render.styles import read_style_bytes, resolve_style

    path = resolve_style(style)
    style_obj = load_style(path)
    locales, fallback = locales_for(style_obj.root)
    from evidencebib.model import public_item

    request = {"style": read_style_bytes(path).decode("utf-8"), "locales": locales,
               "fallback": fallback, "items": [public_item(item) for item in items], "repeat": repeat}
    proc = subprocess.run(["node", str(NODE_RUNNER)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=3600)
    if proc.returncode:
        raise RuntimeError(proc.stderr.strip()[-2000:])
    return json.loads(proc.stdout)


def pandoc_path() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


def run_pandoc(items, style: str, repeat: int) -> dict:
    """pandoc --citeproc (Haskell citeproc) on the same CSL-JSON items and style, as a user
    runs it: a whole process, timed from outside. The time of the same command on two items
    (start-up, style and locale parsing) is reported so that it can be taken off."""
    from evidencebib.model import public_item
    from evidencebib.render.styles import resolve_style

    pandoc = pandoc_path()
    style_path = str(resolve_style(style))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "doc.md").write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")

        def timed(subset) -> tuple[float, str]:
            (folder / "items.json").write_text(json.dumps([public_item(i) for i in subset]),
                                               encoding="utf-8")
            command = [pandoc, "doc.md", "--citeproc", "--bibliography", "items.json",
                       "--csl", style_path, "-t", "plain", "--wrap=none"]
            best, out = None, ""
            for _ in range(repeat):
                started = time.perf_counter()
                proc = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                                      timeout=3600)
                elapsed = time.perf_counter() - started
                if proc.returncode:
                    raise RuntimeError(proc.stderr.strip()[-2000:])
                best = elapsed if best is None else min(best, elapsed)
                out = proc.stdout
            return best, out

        fixed_s, _ = timed(items[:2])
        total_s, out = timed(items)
    entries = [entry for entry in out.split("\n\n") if entry.strip()]
    return {"total_s": total_s, "fixed_s": fixed_s, "net_s": max(total_s - fixed_s, 1e-9),
            "entries": [" ".join(entry.split()) for entry in entries]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--styles", nargs="+", default=["ig-criteria", "apa", "vancouver"])
    parser.add_argument("--repeat", type=int, default=3, help="runs per round (1 at 10,000+)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds alternating ours, ours in one process and citeproc-js")
    parser.add_argument("--no-js", action="store_true")
    parser.add_argument("--no-pandoc", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--baseline-all", action="store_true", help="also time the baseline at every size")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()
    from evidencebib.render import parallel

    have_node = shutil.which("node") is not None and not args.no_js
    have_pandoc = pandoc_path() is not None and not args.no_pandoc
    rows = []
    print(f"{'size':>6} {'style':<12} {'ours s':>8} {'ours/s':>8} {'1 proc/s':>8} {'cp-py/s':>8} {'js s':>8} "
          f"{'js/s':>8} {'js ctor':>8} {'ours/js':>8} {'1proc/js':>8} {'ours/py':>8} {'pd s':>7} "
          f"{'pd net/s':>8} {'ours/pd':>8}  identical (js)")
    for size in args.sizes:
        items = articles(size)
        for style in args.styles:
            # Rounds alternate the processors, so that each sees the machine as the others
            # did (on a shared machine speed drifts by 2x within minutes); best of all rounds.
            repeat = args.repeat if size <= 1000 else 1
            ours_s = single_s = None
            js_runs: list[dict] = []
            for _ in range(args.rounds):
                elapsed, ours = run_ours(items, style, repeat)
                ours_s = elapsed if ours_s is None else min(ours_s, elapsed)
                elapsed, single = run_ours(items, style, repeat, workers=1)
                single_s = elapsed if single_s is None else min(single_s, elapsed)
                assert single == ours, f"worker processes changed the output ({style}, {size})"
                if have_node:
                    js_runs.append(run_js(items, style, repeat))
            base_s = None
            if not args.no_baseline and (size <= 1000 or args.baseline_all):
                base_s = run_citeproc_py(items, style, 1)
            js = None
            if js_runs:
                js = dict(js_runs[-1])
                js["render_s"] = [s for run in js_runs for s in run["render_s"]]
            row = {"size": size, "style": style, "ours_s": ours_s, "ours_rate": size / ours_s,
                   "one_process_s": single_s, "one_process_rate": size / single_s,
                   "workers": parallel.plan(size),
                   "baseline_s": base_s, "baseline_rate": size / base_s if base_s else None}
            if js:
                js_s = min(js["render_s"])
                identical = sum(a == b for a, b in zip(ours, js["entries"]))
                row.update({"js_s": js_s, "js_rate": size / js_s, "js_construct_s": js["construct_s"],
                            "ratio": js_s / ours_s, "one_process_ratio": js_s / single_s,
                            "identical": identical,
                            "same_multiset": sorted(ours) == sorted(js["entries"]),
                            "js_version": js["version"]})
            pandoc = run_pandoc(items, style, repeat) if have_pandoc else None
            if pandoc:
                row.update({"pandoc_s": pandoc["total_s"], "pandoc_fixed_s": pandoc["fixed_s"],
                            "pandoc_net_rate": size / pandoc["net_s"],
                            "pandoc_ratio": pandoc["total_s"] / ours_s,
                            "pandoc_entries": len(pandoc["entries"])})
            rows.append(row)
            fmt = lambda v, f: (f.format(v) if v is not None else "-")  # noqa: E731
            print(f"{size:>6} {style:<12} {ours_s:>8.2f} {size / ours_s:>8.0f} {size / single_s:>8.0f} "
                  f"{fmt(row['baseline_rate'], '{:>8.0f}'):>8} {fmt(row.get('js_s'), '{:>8.2f}'):>8} "
                  f"{fmt(row.get('js_rate'), '{:>8.0f}'):>8} {fmt(row.get('js_construct_s'), '{:>8.2f}'):>8} "
                  f"{fmt(row.get('ratio'), '{:>8.2f}'):>8} {fmt(row.get('one_process_ratio'), '{:>8.2f}'):>8} "
                  f"{fmt(base_s / ours_s if base_s else None, '{:>8.2f}'):>8} "
                  f"{fmt(row.get('pandoc_s'), '{:>7.2f}'):>7} {fmt(row.get('pandoc_net_rate'), '{:>8.0f}'):>8} "
                  f"{fmt(row.get('pandoc_ratio'), '{:>8.2f}'):>8}  "
                  f"{row.get('identical', '-')}/{size}"
                  + ("" if row.get("same_multiset", True) else " (entries differ)"), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
