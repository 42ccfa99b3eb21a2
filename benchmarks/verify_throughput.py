"""Throughput of `verify` against the loopback Crossref emulator enforcing its limits, and
(`--pubmed`) against the loopback E-utilities emulator enforcing NCBI's 3/s and 10/s.

    python benchmarks/verify_throughput.py [--dois 1000] [--rate 50] [--concurrency 5]
                                           [--array-rate 5] [--mode both|batch|single]
                                           [--batch-size 100] [--max-rss-mb 200]
                                           [--no-tracemalloc]

    python benchmarks/verify_throughput.py --pubmed [--pmids 1000] [--pubmed-batch 200]

PubMed: N entries with a PMID and no DOI (1 in 100 retracted, its notice linked), verified
without a key (3/s) and with one (10/s), each with a fresh cache and then again cached. The
request floor is the E-utilities requests made / the rate; pass: wall ≤ 1.15 × request
floor (when the floor is under twice the local work, which the cached run measures: ≤ 1.15 ×
(floor + cached-run wall)), zero 429s, every status as planted, 0 requests on the cached run. `--pubmed-batch 10`
makes 100+ requests of 1,000 PMIDs, which measures the pacing; the default 200 is what
verify does.

At scale: `--dois 10000 --rate 250 --concurrency 10 --no-tracemalloc` (the floor is then 40 s
per mode; the default 50/s gives 200 s).

The emulator advertises `rate`/1s and `concurrency` for single-record requests (and
`array-rate` for list queries) and answers 429 when they are exceeded. For each mode it
verifies N Crossref DOIs with a fresh cache, then again with the same cache, and prints
wall time, two floors and the ratios to them, Crossref request count, 429 count and memory:

* DOI floor = N / rate: the issue's target (one single-record request per DOI at the
  advertised rate). Pass criteria: wall ≤ 1.15 × this, zero 429s, ≤ 1 Crossref request per
  DOI, 0 requests on the cached run.
* request floor = the requests actually made, each pool at its own advertised rate
  (singles / rate + list queries / array-rate; the pools are used one after the other).
  In batch mode this is the honest measure of pacing overhead: 100 list queries at 5/s
  cannot take less than 20 s, however fast the single pool is. Printed, not a pass
  criterion (local work after the prefetch — 10,000 verifications — is in the wall time).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "src"))

from crossref_emulator import CrossrefEmulator, make_work  # noqa: E402
from eutils_emulator import EutilsEmulator  # noqa: E402
from evidencebib.formats.crossref import work_to_item  # noqa: E402
from evidencebib.net.client import Client  # noqa: E402
from evidencebib.verify import Entry, Verifier  # noqa: E402


TRACE = True


BATCH_SIZE: int | None = None


def run(emu: CrossrefEmulator, entries: list[Entry], cache: Path, batch: bool) -> dict:
    emu.reset_counters()
    client = Client(crossref_url=emu.crossref_url, doi_url=emu.doi_url,
                    mailto="bench@example.org", cache_dir=cache, batch=batch,
                    timeout=10, backoff=0.2,
                    **({"batch_size": BATCH_SIZE} if BATCH_SIZE else {}))
    if TRACE:
        tracemalloc.start()
    started = time.perf_counter()
    results = Verifier(client).verify(entries)
    wall = time.perf_counter() - started
    peak = 0
    if TRACE:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    client.close()
    statuses = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return {"wall": wall, "requests": emu.crossref_requests, "single": emu.single.requests,
            "array": emu.array.requests, "429": emu.rejected, "peak_mb": peak / 1e6,
            "statuses": statuses, "max_in_flight": emu.single.max_in_flight,
            "max_window": emu.single.max_window, "array_max_window": emu.array.max_window}


def run_pubmed(emu: EutilsEmulator, entries: list[Entry], cache: Path, key: str | None,
               batch: int) -> dict:
    emu.reset_counters()
    client = Client(eutils_url=emu.eutils_url, idconv_url=emu.idconv_url,
                    mailto="bench@example.org", cache_dir=cache, ncbi_api_key=key, timeout=10,
                    backoff=0.2)
    client.pubmed.batch_size = batch
    started = time.perf_counter()
    results = Verifier(client).verify(entries)
    wall = time.perf_counter() - started
    client.close()
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    return {"wall": wall, "requests": emu.requests, "429": emu.rejected,
            "max_window": emu.max_per_second(key), "statuses": statuses}


def pubmed_main(args) -> int:
    n = args.pmids
    emu = EutilsEmulator()
    entries, planted = [], {"ok": 0, "retracted": 0}
    for i in range(n):
        pmid = str(99700000 + i)
        title = f"Randomised trial number {i} of heparin in pregnancy"
        relations = [("RetractionIn", str(99800000 + i))] if i % 100 == 7 else []
        emu.add_article(pmid, title=title, family=f"Author{i}", year=2000 + i % 25,
                        relations=relations)
        if relations:
            emu.add_article(str(99800000 + i), title=f"Retraction: {title}",
                            publication_types=("Retraction of Publication",))
        planted["retracted" if relations else "ok"] += 1
        entries.append(Entry("bench", {"id": f"k{i}", "PMID": pmid, "title": title,
                                       "author": [{"family": f"Author{i}", "given": "A"}],
                                       "issued": {"date-parts": [[2000 + i % 25]]}}))
    failed = False
    with emu:
        for key, rate in ((None, 3), ("benchkey", 10)):
            with tempfile.TemporaryDirectory() as tmp:
                first = run_pubmed(emu, entries, Path(tmp), key, args.pubmed_batch)
                second = run_pubmed(emu, entries, Path(tmp), key, args.pubmed_batch)
            floor = first["requests"] / rate
            ratio = first["wall"] / floor
            print(f"[pubmed {rate}/s{' (API key)' if key else ''}] {n} PMIDs, batches of "
                  f"{args.pubmed_batch}")
            print(f"  first run : wall {first['wall']:.2f} s, E-utilities requests "
                  f"{first['requests']}, request floor {floor:.2f} s, ratio {ratio:.3f}, "
                  f"429s {first['429']}, max/second {first['max_window']}, statuses "
                  f"{first['statuses']}")
            print(f"  one request per PMID would take {n / rate:.0f} s")
            print(f"  cached run: wall {second['wall']:.2f} s, requests {second['requests']}, "
                  f"statuses {second['statuses']}")
            # With few requests the floor is below the local work (parsing 1,000 records,
            # measured by the cached run): then the bound is floor + that work, and says so.
            bound = floor if floor >= 2 * second["wall"] else floor + second["wall"]
            if bound != floor:
                print(f"  request floor below the local work: bound = floor + cached-run wall "
                      f"= {bound:.2f} s, ratio {first['wall'] / bound:.3f}")
            ok = (first["wall"] <= 1.15 * bound and first["429"] == 0
                  and second["requests"] == 0
                  and first["statuses"] == planted and second["statuses"] == planted)
            print(f"  {'PASS' if ok else 'FAIL'}")
            failed |= not ok
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dois", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--array-rate", type=float, default=5)
    parser.add_argument("--latency", type=float, default=0.02, help="server think time (s)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="DOIs per batch lookup (default: the client's, 100)")
    parser.add_argument("--mode", choices=["both", "batch", "single"], default="both")
    parser.add_argument("--max-rss-mb", type=float, default=200,
                        help="pass only if the process's peak RSS stays below this (MB)")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="skip tracemalloc (it slows 10,000-DOI runs); RSS is still measured")
    parser.add_argument("--pubmed", action="store_true",
                        help="benchmark PubMed (E-utilities emulator) instead of Crossref")
    parser.add_argument("--pmids", type=int, default=1000)
    parser.add_argument("--pubmed-batch", type=int, default=200,
                        help="PMIDs per EFetch request (verify uses 200)")
    args = parser.parse_args()
    if args.pubmed:
        return pubmed_main(args)
    global TRACE, BATCH_SIZE
    TRACE = not args.no_tracemalloc
    BATCH_SIZE = args.batch_size

    dois = [f"10.5555/bench.{i:05d}" for i in range(args.dois)]
    works = [make_work(d, title=f"Randomised trial number {i} of heparin in pregnancy",
                       family=f"Author{i}", year=2000 + i % 25) for i, d in enumerate(dois)]
    entries = [Entry("bench", work_to_item(w, key=f"k{i}")) for i, w in enumerate(works)]
    floor = args.dois / args.rate
    failed = False
    modes = ["batch", "single"] if args.mode == "both" else [args.mode]
    with CrossrefEmulator(rate=args.rate, concurrency=args.concurrency,
                          array_rate=args.array_rate, latency=args.latency) as emu:
        emu.add_works(works)
        for mode in modes:
            with tempfile.TemporaryDirectory() as tmp:
                first = run(emu, entries, Path(tmp), batch=(mode == "batch"))
                second = run(emu, entries, Path(tmp), batch=(mode == "batch"))
            ratio = first["wall"] / floor
            request_floor = first["single"] / args.rate + first["array"] / args.array_rate
            request_ratio = first["wall"] / request_floor if request_floor else float("nan")
            print(f"[{mode}] {args.dois} DOIs, advertised {args.rate:g}/s, concurrency "
                  f"{args.concurrency}, list queries {args.array_rate:g}/s"
                  + (f", batch size {args.batch_size or 50}" if mode == "batch" else ""))
            print(f"  first run : wall {first['wall']:.2f} s, floor {floor:.2f} s, ratio "
                  f"{ratio:.3f}, Crossref requests {first['requests']} (single "
                  f"{first['single']}, list {first['array']}), 429s {first['429']}, "
                  f"peak in flight {first['max_in_flight']}, max/window "
                  f"{first['max_window']}, peak traced memory {first['peak_mb']:.1f} MB, "
                  f"statuses {first['statuses']}")
            print(f"  request floor {request_floor:.2f} s (single {first['single']} at "
                  f"{args.rate:g}/s + list {first['array']} at {args.array_rate:g}/s), ratio "
                  f"{request_ratio:.3f}; list max/window {first['array_max_window']} "
                  f"(advertised {args.array_rate:g})")
            print(f"  requests per DOI {first['requests'] / args.dois:.3f}, 429s {first['429']}")
            print(f"  cached run: wall {second['wall']:.2f} s, requests {second['requests']}, "
                  f"statuses {second['statuses']}")
            ok = (ratio <= 1.15 and first["429"] == 0 and first["requests"] <= args.dois
                  and second["requests"] == 0 and first["statuses"] == {"ok": args.dois})
            print(f"  {'PASS' if ok else 'FAIL'}")
            failed |= not ok
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max RSS {rss:.1f} MB (whole process: emulator + client) "
          f"[target < {args.max_rss_mb:g} MB: {'MET' if rss < args.max_rss_mb else 'NOT MET'}]")
    failed |= rss >= args.max_rss_mb
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
