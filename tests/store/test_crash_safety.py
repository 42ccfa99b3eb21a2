"""A writer killed at any instant leaves the old or the new file, never a broken one."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

import pytest

import storestress
from evidencebib import api
from evidencebib.formats import bibtex
from evidencebib.store import BibFile, References
from evidencebib.store.atomic import TEMP_PREFIX

KILLS = 200
ENTRIES = 2000


def large_condition(directory: Path) -> Path:
    rng = random.Random(7)
    items = [{"id": f"author{i}", "type": "article-journal",
              "author": [{"family": f"Author{i}", "given": "A. B."} for _ in range(rng.randint(1, 8))],
              "title": f"Trial number {i} of intravenous immunoglobulin " * rng.randint(1, 3),
              "container-title": "Journal of Clinical Immunology", "volume": str(i % 90),
              "issue": str(i % 12), "page": f"{i}-{i + 9}", "DOI": f"10.1000/trial.{i}",
              "issued": {"date-parts": [[1990 + i % 35]]}} for i in range(ENTRIES)]
    path = directory / "big.bib"
    path.write_text(bibtex.write(items), encoding="utf-8")
    return path


def _edited(bib: BibFile, key: str, note: str | None) -> None:
    item = bib.item(key)
    item.pop("note", None)
    if note:
        item["note"] = note
    bib.update_item(key, item)


def _writer(bib: BibFile, ready) -> None:  # runs in a forked child until it is killed
    ready.send(True)
    while True:
        _edited(bib, "author0", "reviewed")
        bib.save()
        _edited(bib, "author0", None)
        bib.save()


def test_sigkill_during_saves_never_leaves_a_broken_file(tmp_path):
    path = large_condition(tmp_path)
    original = path.read_bytes()
    bib = BibFile.load(path)
    _edited(bib, "author0", "reviewed")
    with_note = bib.text().encode("utf-8")
    _edited(bib, "author0", None)
    without_note = bib.text().encode("utf-8")
    valid = {original, with_note, without_note}
    # Each version the file may hold is parsed once, completely; a writer starts from the
    # parsed version that is on disk (forked children inherit it, so they start at once).
    parsed = {}
    for version in valid:
        parsed[version] = BibFile(version.decode("utf-8"), path)
        assert not parsed[version].problems and len(parsed[version].entries) == ENTRIES

    context = multiprocessing.get_context("fork")
    rng = random.Random(2026)
    mid_write = kills = 0
    longest = 0.03
    # On a loaded machine a run of KILLS can miss every write (the child is still editing
    # when the kill comes); it goes on (up to 3 x KILLS) until one kill has landed inside a
    # write, waiting twice as long after each 50 kills that missed every write.
    while kills < KILLS or (mid_write == 0 and kills < 3 * KILLS):
        if kills and kills % 50 == 0 and mid_write == 0:
            longest *= 2
        kills += 1
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_writer, args=(parsed[path.read_bytes()], send))
        child.start()
        assert receive.poll(30), "writer did not start"
        receive.recv()
        time.sleep(rng.uniform(0, longest))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        if list(tmp_path.glob(TEMP_PREFIX + "*")):
            mid_write += 1
        assert path.read_bytes() in valid
    print(f"\ncrash safety: {kills} SIGKILLs, {mid_write} landed while a temp file existed; "
          "file always old or new and parseable")
    assert mid_write > 0, "no kill landed during a write; the test proved nothing"
    # The next run sweeps what the killed writers left behind.
    with References(tmp_path).lock("big"):
        pass
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))


def _adder(references: str, who: str, count: int) -> None:
    refs = References(references)
    for i in range(count):
        api.add_items(refs, "shared", [{"type": "article-journal", "title": f"{who} {i}",
                                         "author": [{"family": who, "given": "A."}],
                                         "issued": {"date-parts": [[2020]]},
                                         "DOI": f"10.1000/{who}.{i}"}])


def test_two_processes_adding_to_one_condition_lose_nothing(tmp_path):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_adder, args=(str(tmp_path), who, 15)) for who in ("alpha", "beta")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    bib = BibFile.load(tmp_path / "shared.bib")
    titles = sorted(item["title"] for item in bib.items())
    assert len(titles) == 30
    assert titles == sorted([f"alpha {i}" for i in range(15)] + [f"beta {i}" for i in range(15)])
    assert not bib.problems


@pytest.mark.slow
def test_sigkill_while_two_conditions_are_saved_at_once_loses_no_acknowledged_entry(tmp_path):
    result = storestress.sigkill(tmp_path, conditions=2, rounds=20, entries=1500, max_delay=1.0)
    print(f"\n{result}")
    assert result.kills_mid_save > 0, "no kill landed during a save; the test proved nothing"
    assert result.acknowledged > 0, "no import finished; the test proved nothing"
    assert result.errors == []
    assert result.ok, str(result)
