"""MEDLINE (.nbib) reading speed, side by side with Biopython's `Bio.Medline` parser.

Input: PubMed's own export in the shared corpus (`shared/corpus/ris/asreview-pubmed.ris`, 50
records), repeated to `--records` records. Rounds alternate the two readers so both see the
same machine state; best and median records/s are printed with the ratio of the medians.
`Bio.Medline` only splits tags (a dict of strings per record); ours also builds CSL items
(names, dates, pages, ids) and records publication types and corrections, so the ratio is
what that interpretation costs, not a like-for-like race.

    .venv/bin/python benchmarks/medline_read.py [--records 5000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

from Bio import Medline

from evidencebib.formats import medline

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "ris" / "asreview-pubmed.ris"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("evidencebib.formats.medline").setLevel(logging.ERROR)
    one = CORPUS.read_text(encoding="utf-8-sig").strip("\n") + "\n\n"
    copies = max(1, args.records // 50)
    text = one * copies
    records = 50 * copies
    ours, peer = [], []
    for _ in range(args.rounds):
        start = time.perf_counter()
        read = medline.records(text, source="bench.nbib")
        ours.append(records / (time.perf_counter() - start))
        start = time.perf_counter()
        theirs = list(Medline.parse(text.splitlines(keepends=True)))
        peer.append(records / (time.perf_counter() - start))
        assert len(read) == len(theirs) == records
    print(f"{records} records ({len(text) / 1e6:.1f} MB), {args.rounds} alternating rounds")
    for name, rates in (("evidencebib medline.records", ours), ("Bio.Medline.parse", peer)):
        print(f"  {name:28} best {max(rates):8.0f}/s  median {statistics.median(rates):8.0f}/s")
    print(f"  ratio of medians (ours / Bio.Medline): {statistics.median(ours) / statistics.median(peer):.2f}")


if __name__ == "__main__":
    main()
