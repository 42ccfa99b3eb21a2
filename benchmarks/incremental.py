"""Incremental builds: re-rendering every condition in 5 styles through the render cache.

    python benchmarks/incremental.py [--conditions 100] [--refs 10]
                                     [--styles ig-criteria apa vancouver harvard ieee]

Writes N conditions of M journal articles each as .bib files (benchmarks/datagen.py) into a
temporary folder with a fresh cache folder (EVIDENCEBIB_CACHE_DIR), then, in this process:
1. cold: load every .bib and render it in every style in markdown (fills the cache);
2. warm: the same again with nothing changed (target: < 0.5 s, 0 entries formatted), each
   condition's items prepared once for its 5 styles as the site builder does
   (`render.prepare_items`), and again with the raw items passed to every style;
3. one entry of one condition changed: the same again (target: only that entry formatted,
   once per style);
4. warm in a new process (`evidencebib render` code path via api.render, all conditions,
   one style at a time) for the end-to-end figure including interpreter start-up and imports.
Output text is checked against an uncached render of the same items.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from datagen import bib_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conditions", type=int, default=100)
    parser.add_argument("--refs", type=int, default=10)
    parser.add_argument("--styles", nargs="+", default=["ig-criteria", "apa", "vancouver", "harvard", "ieee"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["EVIDENCEBIB_CACHE_DIR"] = str(tmp / "cache")
        os.environ.pop("EVIDENCEBIB_NO_RENDER_CACHE", None)
        os.environ.pop("EVIDENCEBIB_NO_SPEEDUPS", None)
        refs = tmp / "references"
        refs.mkdir()
        for number in range(args.conditions):
            slug = f"condition-{number:03d}"
            (refs / f"{slug}.bib").write_text(bib_text(args.refs, seed=1000 + number), encoding="utf-8")
            (refs / f"{slug}.toml").write_text(f'title = "Condition {number}"\n', encoding="utf-8")

        from evidencebib.render import engine
        from evidencebib.render.engine import render_bibliography
        from evidencebib.store.bibfile import BibFile

        paths = sorted(refs.glob("*.bib"))

        from evidencebib.render import prepare_items

        def build(prepare: bool = True) -> tuple[float, float, dict, dict]:
            """Load every condition and render it in every style; with `prepare`, as the site
            does: its items prepared once for all the styles (render.prepare_items)."""
            before = dict(engine.STATS)
            started = time.perf_counter()
            loaded = [BibFile.load(path).items() for path in paths]
            loaded_at = time.perf_counter()
            out = {}
            for index, items in enumerate(loaded):
                if prepare:
                    items = prepare_items(items)
                for style in args.styles:
                    out[index, style] = render_bibliography(items, style, "markdown")
            ended = time.perf_counter()
            delta = {key: engine.STATS[key] - before[key] for key in before}
            return ended - started, ended - loaded_at, delta, out

        cold, cold_render, cold_stats, first = build()
        warm, warm_render, warm_stats, second = build()
        assert first == second
        unprepared, unprepared_render, unprepared_stats, again = build(prepare=False)
        assert first == again
        # change one entry of one condition
        target = paths[len(paths) // 2]
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace("volume = \"", "volume = \"9", 1), encoding="utf-8")
        changed, changed_render, changed_stats, third = build()
        differing = sum(first[key] != third[key] for key in first)
        # correctness against the uncached path
        check_items = BibFile.load(target).items()
        for style in args.styles:
            assert third[paths.index(target), style] == render_bibliography(check_items, style, "markdown",
                                                                            cache=False)
        n = args.conditions * len(args.styles)
        print(f"{args.conditions} conditions x {args.refs} references x {len(args.styles)} styles "
              f"({n} bibliographies, {n * args.refs} entries)")
        print(f"  cold   : {cold:6.2f} s (render {cold_render:.2f} s), entries formatted "
              f"{cold_stats['entries_formatted']}, bibliographies sorted {cold_stats['bibliographies_sorted']}")
        print(f"  warm   : {warm:6.3f} s (load {warm - warm_render:.3f} s + render {warm_render:.3f} s), "
              f"entries formatted {warm_stats['entries_formatted']}, sorted "
              f"{warm_stats['bibliographies_sorted']}, cache hits {warm_stats['bibliography_hits']}  "
              f"[target < 0.5 s: {'MET' if warm < 0.5 else 'NOT MET'}]")
        print(f"  warm, items passed to each style unprepared: {unprepared:6.3f} s (render "
              f"{unprepared_render:.3f} s), entries formatted {unprepared_stats['entries_formatted']}")
        print(f"  1 entry changed: {changed:6.3f} s, entries formatted {changed_stats['entries_formatted']} "
              f"(expected {len(args.styles)}: one per style), bibliographies re-sorted "
              f"{changed_stats['bibliographies_sorted']}, bibliographies whose text changed {differing}")
        env = dict(os.environ, EVIDENCEBIB_REFERENCES=str(refs), PYTHONPATH=str(ROOT / "src"))
        started = time.perf_counter()
        for style in args.styles:
            subprocess.run([sys.executable, "-m", "evidencebib", "render", "--style", style],
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"  warm, CLI (`evidencebib render --style S`, 1 process per style, incl. start-up): "
              f"{time.perf_counter() - started:.2f} s for {len(args.styles)} processes")
        from evidencebib.render.cache import default_cache

        print(f"  cache folder: {default_cache().size() / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
