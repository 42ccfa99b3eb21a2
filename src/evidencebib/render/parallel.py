"""Formatting the entries of one large bibliography on several cores.

citeproc-py formats one entry at a time in pure Python, so a 10,000-entry library keeps one
core busy for seconds while the others idle. Once a bibliography is registered and sorted
(citation numbers and year suffixes are assigned by then), each entry depends only on its
item and that shared state, so the sorted items can be cut into contiguous slices and each
slice formatted in a forked child that inherits the bibliography as it stands: nothing is
pickled on the way in, and only the finished strings come back. The parent formats the first
slice itself.

The engine calls it through the `speed.workers` override (render/overrides/speed.py), for
entries, sort keys and the first cites that disambiguation starts from. Only used where it is safe
and worth it:
- on Linux, where `fork` is the platform's own start method (macOS and Windows spawn);
- when this process runs no other thread (forking a threaded process can copy a held lock);
- for styles without `subsequent-author-substitute` (an entry there depends on the one
  before it, which a slice boundary would cut);
- with at least `MIN_PER_WORKER` entries per worker.

`EngineOptions(workers=N)` (from `EVIDENCEBIB_RENDER_WORKERS`, render/options.py) sets the
number of processes (1 turns this off); the default is the number of CPUs this process may use.
Output is identical to formatting in one process (tests/render/test_render_parallel.py).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Callable, Sequence

MIN_PER_WORKER = 400

# how many times work was spread over processes, by kind of work (tests check the path ran)
STATS: dict[str, int] = {"parallel_runs": 0}

# set in the parent just before forking; the children read it (copy-on-write)
_JOB: tuple[Callable[[Any], str | None], Sequence[Any]] | None = None


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def configured_workers() -> int:
    """Processes wanted: the settings' workers (EVIDENCEBIB_RENDER_WORKERS), else the usable CPUs."""
    from evidencebib.render.options import settings

    workers = settings().workers
    return workers if workers is not None else available_cpus()


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def plan(count: int, workers: int | None = None, cap: int | None = None) -> int:
    """How many processes to use for `count` entries (1 = format here): `workers` exactly (up to
    `count`), else up to `cap` (default: `configured_workers()`) with at least MIN_PER_WORKER
    entries each."""
    if workers is None:
        wanted = cap if cap is not None else configured_workers()
        wanted = min(wanted, count // MIN_PER_WORKER)
    else:
        wanted = min(max(1, workers), count)
    if wanted < 2 or not can_fork():
        return 1
    return wanted


def _slices(count: int, parts: int) -> list[tuple[int, int]]:
    bounds = [count * index // parts for index in range(parts + 1)]
    return [(bounds[index], bounds[index + 1]) for index in range(parts)]


def _format_slice(bounds: tuple[int, int]) -> tuple[str, Any]:
    assert _JOB is not None
    format_one, items = _JOB
    start, stop = bounds
    try:
        return "ok", [format_one(item) for item in items[start:stop]]
    except BaseException as error:  # reported to the parent, which raises it there
        return "error", f"{type(error).__name__}: {error}"


class WorkerError(RuntimeError):
    """A child failed to format its slice (the message names the original exception)."""


def format_all(format_one: Callable[[Any], Any], items: Sequence[Any],
               workers: int | None = None, what: str = "items", cap: int | None = None) -> list[Any]:
    """`[format_one(item) for item in items]`, on several processes when `plan()` says so.

    A slice whose worker died (killed, out of memory) is formatted here instead; an exception
    raised by `format_one` in a worker is raised here as WorkerError.
    """
    processes = plan(len(items), workers, cap)
    if processes == 1:
        return [format_one(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    import multiprocessing

    global _JOB
    STATS["parallel_runs"] += 1
    STATS[what] = STATS.get(what, 0) + 1
    slices = _slices(len(items), processes)
    _JOB = (format_one, items)
    try:
        # fork: the children inherit _JOB; the executor forks all of them before it starts
        # its own thread
        with ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_format_slice, bounds) for bounds in slices[1:]]
            out = [format_one(item) for item in items[slices[0][0]:slices[0][1]]]
            for bounds, future in zip(slices[1:], futures, strict=True):  # one future per slice
                try:
                    status, value = future.result()
                except BrokenProcessPool:
                    STATS["worker_losses"] = STATS.get("worker_losses", 0) + 1
                    status, value = "ok", [format_one(item) for item in items[bounds[0]:bounds[1]]]
                if status != "ok":
                    raise WorkerError(value)
                out.extend(value)
    finally:
        _JOB = None
    return out
