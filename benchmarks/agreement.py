"""Prints how far evidencebib's rendering (citeproc-py + render/fixes.py) agrees with citeproc-js.

    .venv/bin/python benchmarks/agreement.py                 # all styles, 520 generated items
    .venv/bin/python benchmarks/agreement.py --items 2000 apa vancouver
    .venv/bin/python benchmarks/agreement.py --differences   # also list each difference
    .venv/bin/python benchmarks/agreement.py --write-known   # rewrite the allow-list (see below)

The same code path as tests/render/test_citeproc_agreement.py (its `measure`), without assertions.
Writes the table to benchmarks/results/agreement.md as well (unless --no-write).
--write-known rewrites tests/citeproc_js/known_differences.json from the differences measured
now: reasons of entries still present are kept, new entries get an empty reason, which the test
refuses until someone writes one.
Needs citeproc-js: scripts/setup-citeproc-js.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS / "render"))
sys.path.insert(0, str(TESTS / "support"))

import test_citeproc_agreement as agreement  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("styles", nargs="*", default=agreement.STYLES)
    parser.add_argument("--items", type=int, default=agreement.GENERATED, help="generated items (default %(default)s)")
    parser.add_argument("--differences", action="store_true", help="print every difference")
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/results/agreement.md")
    parser.add_argument("--write-known", action="store_true", help="rewrite tests/citeproc_js/known_differences.json")
    args = parser.parse_args(argv)
    reason = agreement.node_status()
    if reason:
        print(f"cannot compare: {reason}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = agreement.measure(args.styles, args.items)
    elapsed = time.perf_counter() - started
    text = agreement.table(results, args.items)
    print(text)
    for result in results:
        print(f"{result.style}: {result.seconds:.1f} s")
    print(f"total: {elapsed:.1f} s")
    if args.differences:
        for result in results:
            for d in result.differences:
                print(f"\n{d.style}/{d.format}/{d.id}\n  evidencebib: {d.evidencebib}\n  citeproc-js: {d.citeproc_js}")
            if not result.order_identical:
                print(f"\n{result.style}: order differs, first positions {result.order_sample}")
    if not args.no_write and args.styles == agreement.STYLES and args.items == agreement.GENERATED:
        agreement.write_markdown(results, text)
    if args.write_known:
        write_known(results)
    return 0


def write_known(results) -> None:
    import json

    path = agreement.KNOWN_DIFFERENCES
    document = json.loads(path.read_text(encoding="utf-8"))
    old = {(e["style"], e["format"], e["id"]): e for e in document.get("differences", [])}
    measured = {result.style for result in results}
    entries = [e for e in document.get("differences", []) if e["style"] not in measured]
    for result in results:
        for d in result.differences:
            reason = old.get(d.key(), {}).get("reason", "")
            entries.append({"style": d.style, "format": d.format, "id": d.id, "reason": reason,
                            "evidencebib": d.evidencebib, "citeproc_js": d.citeproc_js})
    document["differences"] = entries
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    missing = sum(1 for e in entries if not e["reason"])
    print(f"wrote {path} ({len(entries)} differences, {missing} without a reason)")


if __name__ == "__main__":
    sys.exit(main())
