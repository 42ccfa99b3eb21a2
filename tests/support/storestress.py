"""Storage under stress: concurrent writers on several conditions of one folder, and writers
killed with SIGKILL in the middle of their saves. Used by tests/store/test_concurrency.py (a
few rounds in CI) and run by hand for the long figures:

    .venv/bin/python tests/support/storestress.py concurrent --conditions 2 4 --rounds 100 \
        --entries 20000
    .venv/bin/python tests/support/storestress.py sigkill --conditions 2 --rounds 100 \
        --entries 1000 --max-delay 2

Every writer goes through the public path (`api.import_items`: the condition lock, a load,
the additions, an atomic save) with items from tests/support/itemgen.py, each carrying a DOI
unique to its writer and round, so that the folder can be checked afterwards entry by entry:

- concurrent: every writer's every batch is present exactly once, every file parses with no
  problem, no writer saw an error, and no temporary file is left;
- sigkill: after each kill every file parses, holds every original entry and every entry
  whose import returned before the kill (an acknowledged write), and nothing twice.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from itemgen import generate_items  # noqa: E402

from evidencebib import api  # noqa: E402
from evidencebib.doi import key as doi_key  # noqa: E402
from evidencebib.formats import bibtex  # noqa: E402
from evidencebib.store import BibFile, References  # noqa: E402
from evidencebib.store.atomic import TEMP_PREFIX  # noqa: E402

_FORK = multiprocessing.get_context("fork")


def slugs(count: int) -> list[str]:
    return [f"condition-{number}" for number in range(count)]


def batch(tag: str, size: int, seed: int) -> list[dict]:
    """`size` varied items whose DOIs say who wrote them (10.5555/<tag>.<n>)."""
    items = generate_items(size, seed=seed)
    for number, item in enumerate(items):
        item["DOI"] = f"10.5555/{tag}.{number}"
        item.pop("id", None)
    return items


def prepare(folder: Path, count: int, entries: int) -> dict[str, set[str]]:
    """`count` conditions of `entries` entries each; returns each condition's DOI keys."""
    refs = References(folder)
    expected = {}
    for number, slug in enumerate(slugs(count)):
        items = batch(f"{slug}.base", entries, seed=number + 1)
        api.import_items(refs, slug, items)
        expected[slug] = {doi_key(item["DOI"]) for item in items}
    return expected


def dois_on_disk(folder: Path, slug: str) -> tuple[list[str], int]:
    """(DOI keys in file order, number of problems) of one condition as it is on disk."""
    bib = BibFile.load(folder / f"{slug}.bib")
    dois = [doi_key(bibtex.resolve(record.fields.get("doi", ""), {})) for record in bib.entries.values()]
    return dois, len(bib.problems)


@dataclass
class Outcome:
    """What a stress run found; `ok` is what the tests assert."""

    conditions: int
    rounds: int
    entries_per_condition: int
    entries_lost: int = 0
    duplicates: int = 0
    problems: int = 0
    errors: list[str] = field(default_factory=list)
    temp_files_left: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.entries_lost or self.duplicates or self.problems or self.errors
                    or self.temp_files_left)

    def _damage(self) -> str:
        return (f"{self.entries_lost} entries lost, {self.duplicates} duplicated, {self.problems} "
                f"parse problems, {len(self.errors)} errors, {self.temp_files_left} temp files left")

    def count(self, folder: Path, slug: str, expected: set[str]) -> set[str]:
        """Add one condition's damage against the DOI keys it must hold; its keys on disk."""
        found, problems = dois_on_disk(folder, slug)
        self.problems += problems
        self.entries_lost += len(expected - set(found))
        self.duplicates += len(found) - len(set(found))
        return set(found)


# -- concurrent writers ------------------------------------------------------------------

@dataclass
class ConcurrentResult(Outcome):
    writers_per_condition: int = 0
    batches_written: int = 0
    entries_expected: int = 0
    entries_found: int = 0

    def __str__(self) -> str:
        return (f"concurrent: {self.conditions} conditions x {self.writers_per_condition} writers, "
                f"{self.rounds} rounds each ({self.batches_written} imports, files of "
                f"{self.entries_per_condition}+ entries) in {self.seconds:.1f} s: "
                f"{self.entries_expected} entries expected, {self.entries_found} found, "
                + self._damage())


def _concurrent_writer(folder: str, slug: str, writer: int, rounds: int, size: int, report) -> None:
    refs = References(folder)
    errors = []
    for number in range(rounds):
        try:
            api.import_items(refs, slug, batch(f"{slug}.w{writer}.r{number}", size, seed=number))
        except BaseException:  # counted, and the writer goes on: one error must not hide others
            errors.append(traceback.format_exc(limit=3).strip().splitlines()[-1])
    report.send(errors)


def concurrent(folder: Path, conditions: int, writers_per_condition: int, rounds: int,
               entries: int, size: int = 5) -> ConcurrentResult:
    """All writers at once, each importing `rounds` batches of `size` into its condition."""
    expected = prepare(folder, conditions, entries)
    result = ConcurrentResult(conditions, rounds, entries, writers_per_condition=writers_per_condition)
    started = time.perf_counter()
    workers = []
    for slug in slugs(conditions):
        for writer in range(writers_per_condition):
            receive, send = _FORK.Pipe(duplex=False)
            process = _FORK.Process(target=_concurrent_writer,
                                    args=(str(folder), slug, writer, rounds, size, send))
            process.start()
            send.close()
            workers.append((process, receive, slug, writer))
    for process, receive, slug, writer in workers:
        try:
            result.errors.extend(receive.recv())
        except EOFError:
            result.errors.append(f"writer {slug}/{writer} died without a report")
        process.join(60)
        if process.exitcode != 0:
            result.errors.append(f"writer {slug}/{writer} exited with {process.exitcode}")
        for number in range(rounds):
            expected[slug] |= {doi_key(f"10.5555/{slug}.w{writer}.r{number}.{n}") for n in range(size)}
        result.batches_written += rounds
    result.seconds = time.perf_counter() - started
    for slug in slugs(conditions):
        found = result.count(folder, slug, expected[slug])
        result.entries_expected += len(expected[slug])
        result.entries_found += len(found & expected[slug])
    result.temp_files_left = len(list(folder.glob(TEMP_PREFIX + "*")))
    return result


# -- SIGKILL during saves ----------------------------------------------------------------

@dataclass
class KillResult(Outcome):
    kills: int = 0
    kills_mid_save: int = 0
    acknowledged: int = 0

    def __str__(self) -> str:
        return (f"sigkill: {self.rounds} rounds of {self.conditions} conditions written at once "
                f"(files of {self.entries_per_condition}+ entries) in {self.seconds:.1f} s: "
                f"{self.kills} SIGKILLs, {self.kills_mid_save} while a save's temp file existed, "
                f"{self.acknowledged} acknowledged imports, " + self._damage()
                + " (after the next lock)")


def _killable_writer(folder: str, slug: str, round_number: int, acks) -> None:
    refs = References(folder)
    number = 0
    while True:
        tag = f"{slug}.k{round_number}.{number}"
        try:
            api.import_items(refs, slug, batch(tag, 1, seed=number))
        except BaseException:
            acks.send(("error", traceback.format_exc(limit=3).strip().splitlines()[-1]))
            return
        acks.send(("done", doi_key(f"10.5555/{tag}.0")))
        number += 1


def _wait_for_a_save(folder: Path, max_wait: float) -> None:
    """Return as soon as a temporary file exists (some writer is between its first write and
    its rename), or after `max_wait` seconds."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        with os.scandir(folder) as entries:
            if any(entry.name.startswith(TEMP_PREFIX) for entry in entries):
                return
        time.sleep(0.0005)


def sigkill(folder: Path, conditions: int, rounds: int, entries: int, seed: int = 2026,
            max_delay: float = 0.6) -> KillResult:
    """Each round starts one writer per condition and SIGKILLs them, at a random moment or
    as soon as one of them is inside a save, all at once or one after the other; then checks
    every file against what was acknowledged."""
    rng = random.Random(seed)
    expected = prepare(folder, conditions, entries)
    result = KillResult(conditions, rounds, entries)
    started = time.perf_counter()
    for round_number in range(rounds):
        writers = []
        for slug in slugs(conditions):
            receive, send = _FORK.Pipe(duplex=False)
            process = _FORK.Process(target=_killable_writer,
                                    args=(str(folder), slug, round_number, send))
            process.start()
            send.close()  # the child holds it; at its death the pipe reads as ended
            writers.append((process, receive, slug))
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, max_delay))   # any moment of a writer's cycle
        else:
            _wait_for_a_save(folder, max_wait=5 * max_delay)   # a moment inside a save
        # all at once, or one after the other with the others still writing
        gap = 0.0 if rng.random() < 0.5 else max_delay / 4
        for process, _, _ in rng.sample(writers, len(writers)):
            os.kill(process.pid, signal.SIGKILL)
            result.kills += 1
            time.sleep(rng.uniform(0, gap))
        for process, _, _ in writers:
            process.join(30)
        if list(folder.glob(TEMP_PREFIX + "*")):
            result.kills_mid_save += 1
        for _process, receive, slug in writers:
            while True:
                try:
                    kind, value = receive.recv()
                except EOFError:
                    break
                if kind == "done":
                    expected[slug].add(value)
                    result.acknowledged += 1
                else:
                    result.errors.append(value)
        for slug in slugs(conditions):
            # an unacknowledged write that landed must stay from now on, like the others
            expected[slug] |= result.count(folder, slug, expected[slug])
    result.seconds = time.perf_counter() - started
    with References(folder).lock(slugs(conditions)[0]):
        pass  # the next writer's lock sweeps what the killed ones left
    result.temp_files_left = len(list(folder.glob(TEMP_PREFIX + "*")))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["concurrent", "sigkill"])
    parser.add_argument("--conditions", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--writers", type=int, default=2, help="concurrent: writers per condition")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--max-delay", type=float, default=0.6,
                        help="sigkill: the longest a round lets its writers run before a kill")
    args = parser.parse_args()
    import tempfile

    failed = False
    for count in args.conditions:
        with tempfile.TemporaryDirectory() as tmp:
            outcome: Outcome
            if args.mode == "concurrent":
                outcome = concurrent(Path(tmp), count, args.writers, args.rounds, args.entries)
            else:
                outcome = sigkill(Path(tmp), count, args.rounds, args.entries,
                                  max_delay=args.max_delay)
            print(outcome, flush=True)
            for error in outcome.errors[:5]:
                print("   ", error)
            failed = failed or not outcome.ok
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
