"""Decoding the LaTeX of real field values: formats/latex.py vs pylatexenc's LatexNodes2Text.

    python benchmarks/latex_decode.py [--repeat 3] [--baseline DIR]

Input: every field value (title, journal, booktitle, author, editor, abstract, note …) of
every .bib file of the shared corpus (../shared/corpus/bibtex), raw as bibtexparser's
splitter leaves them (@string macros resolved), each value once. Peers, run alternately on
the same values and machine state:
- ours: `latex.decode_report(value, rich)` with its cache cleared before each run (rich
  text for title-like fields, as the reader calls it);
- pylatexenc 2 `LatexNodes2Text().latex_to_text` (what bibtexparser's
  LatexDecodingMiddleware calls), one run (it is slow);
- `--baseline DIR`: the `decode` of another checkout's src/ (e.g. the previous decoder,
  `git archive HEAD src | tar -x -C DIR`), to report the ratio between the two.
Prints values/s and the ratios. The outputs differ by design (pylatexenc reads `%` as a
comment and deletes unknown macros; ours keeps them), so only the time is compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from evidencebib.formats import bibtex, latex  # noqa: E402

CORPUS = ROOT.parent.parent / "shared" / "corpus" / "bibtex"
if not CORPUS.is_dir():
    CORPUS = ROOT.parent / "shared" / "corpus" / "bibtex"


def corpus_values() -> list[tuple[str, str]]:
    """(field, raw value) of every field of every entry of the corpus, each pair once."""
    from bibtexparser.model import Entry

    seen: dict[tuple[str, str], None] = {}
    for path in sorted(CORPUS.glob("*.bib")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        library = bibtex.parse_library(text)
        strings = bibtex.string_definitions(library.blocks)
        for block in library.blocks:
            if isinstance(block, Entry):
                for field in block.fields:
                    name = field.key.lower()
                    if name in ("url", "doi", "file", "eprint"):
                        continue
                    seen[(name, bibtex.resolve(str(field.value), strings))] = None
    return list(seen)


def run_ours(values: list[tuple[str, str]]) -> float:
    latex.clear_cache()
    start = time.perf_counter()
    for field, value in values:
        latex.decode_report(value, field in bibtex.RICH_FIELDS, field in bibtex.MULTILINE_FIELDS)
    return time.perf_counter() - start


def load_baseline(directory: Path):
    spec = importlib.util.spec_from_file_location(
        "baseline_latex", directory / "src" / "evidencebib" / "formats" / "latex.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def run_baseline(module, values: list[tuple[str, str]]) -> float:
    module.decode.cache_clear()
    start = time.perf_counter()
    for _, value in values:
        module.decode(value)
    return time.perf_counter() - start


def run_pylatexenc(values: list[tuple[str, str]]) -> float:
    from pylatexenc.latex2text import LatexNodes2Text

    converter = LatexNodes2Text()
    start = time.perf_counter()
    for _, value in values:
        try:
            converter.latex_to_text(value)
        except Exception:  # noqa: BLE001 - pylatexenc raises on malformed input; time only
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout whose src/ holds the peer decoder")
    parser.add_argument("--no-pylatexenc", action="store_true")
    args = parser.parse_args()
    values = corpus_values()
    print(f"{len(values)} distinct field values from {len(list(CORPUS.glob('*.bib')))} files")
    baseline = load_baseline(args.baseline) if args.baseline else None
    ours, theirs = [], []
    for _ in range(args.repeat):  # alternately, so both see the same machine state
        ours.append(run_ours(values))
        if baseline:
            theirs.append(run_baseline(baseline, values))
    rate = len(values) / min(ours)
    print(f"ours:      {rate:10.0f} values/s (best of {args.repeat}; median "
          f"{len(values) / statistics.median(ours):.0f})")
    if baseline:
        print(f"baseline:  {len(values) / min(theirs):10.0f} values/s; ours / baseline time "
              f"{min(ours) / min(theirs):.2f} (best), {statistics.median(ours) / statistics.median(theirs):.2f} (median)")
    if not args.no_pylatexenc:
        slow = run_pylatexenc(values)
        print(f"pylatexenc: {len(values) / slow:9.0f} values/s; pylatexenc / ours time "
              f"{slow / min(ours):.1f}")


if __name__ == "__main__":
    main()
