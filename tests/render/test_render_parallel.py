"""render/parallel.py: a large bibliography may be sorted and formatted on several processes,
and the text is the same as formatting it in one."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from itemgen import generate_items  # noqa: E402

from evidencebib.render import parallel  # noqa: E402
from evidencebib.render.cache import RenderCache  # noqa: E402
from evidencebib.render.engine import render_bibliography  # noqa: E402

ITEMS = generate_items(300, seed=20261123)


def _serial(style: str, fmt: str = "text") -> list[str]:
    return render_bibliography(ITEMS, style, fmt, cache=False)


@pytest.fixture
def two_workers(monkeypatch):
    """Two processes for anything of 20 entries or more."""
    if not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "2")
    assert threading.active_count() == 1, "another thread runs in the test process: nothing would fork"
    return parallel.STATS


@pytest.fixture
def one_worker(monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "1")


def _runs(what: str) -> int:
    return parallel.STATS.get(what, 0)


@pytest.mark.parametrize("style, spread", [
    ("ig-criteria", ["entries", "sort keys", "disambiguation"]),
    ("apa", ["entries", "sort keys", "disambiguation"]),
    ("harvard", ["entries", "sort keys", "disambiguation"]),
    ("vancouver", ["entries"]),  # citation order: nothing to sort, no disambiguation
])
def test_two_workers_give_the_text_of_one(style, spread, one_worker, monkeypatch):
    serial = _serial(style)
    before = {what: _runs(what) for what in spread}
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "2")
    assert threading.active_count() == 1
    assert _serial(style) == serial
    assert {what: _runs(what) - before[what] for what in spread} == {what: 1 for what in spread}


def test_html_from_two_workers_is_the_html_of_one(one_worker, monkeypatch):
    serial = _serial("ig-criteria", "html")
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "2")
    assert _serial("ig-criteria", "html") == serial


def test_a_style_that_substitutes_repeated_authors_is_formatted_in_one_process(one_worker, monkeypatch):
    style = "american-anthropological-association"  # subsequent-author-substitute
    serial = _serial(style)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "2")
    entries_before, sort_before = _runs("entries"), _runs("sort keys")
    assert _serial(style) == serial
    # the sort keys are computed apart; the entries (each depends on the one before) are not
    assert _runs("sort keys") == sort_before + 1
    assert _runs("entries") == entries_before


def test_the_render_cache_fills_from_two_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "1")
    serial = _serial("vancouver")
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "2")
    store = RenderCache(tmp_path)
    runs_before = _runs("entries")
    assert render_bibliography(ITEMS, "vancouver", "text", cache=store) == serial
    assert _runs("entries") == runs_before + 1
    assert render_bibliography(ITEMS, "vancouver", "text", cache=store) == serial  # from the cache


def test_format_all_keeps_the_order_of_the_items(two_workers):
    items = list(range(101))
    assert parallel.format_all(lambda n: f"<{n}>", items, workers=3) == [f"<{n}>" for n in items]


def test_an_error_in_a_worker_is_raised_in_the_parent(two_workers):
    def fails_on_90(n: int) -> str:
        if n == 90:
            raise KeyError("ninety")
        return str(n)

    with pytest.raises(parallel.WorkerError, match="KeyError.*ninety"):
        parallel.format_all(fails_on_90, list(range(100)), workers=2)


def test_the_slice_of_a_worker_that_dies_is_formatted_in_the_parent(two_workers):
    import os

    parent = os.getpid()

    def dies_in_a_worker(n: int) -> str:
        if os.getpid() != parent:
            os._exit(9)  # as if killed (out of memory, SIGKILL)
        return str(n)

    losses = parallel.STATS.get("worker_losses", 0)
    assert parallel.format_all(dies_in_a_worker, list(range(100)), workers=3) == [str(n) for n in range(100)]
    assert parallel.STATS["worker_losses"] > losses


def test_nothing_is_forked_while_another_thread_runs(two_workers):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.plan(10_000) == 1
    finally:
        stop.set()
        thread.join()
    assert parallel.plan(10_000) == 2


def test_one_worker_means_no_fork(monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "1")
    assert parallel.plan(100_000) == 1


def test_small_bibliographies_stay_in_one_process(monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_RENDER_WORKERS", "8")
    assert parallel.plan(parallel.MIN_PER_WORKER * 2 - 1) == 1
    assert parallel.plan(parallel.MIN_PER_WORKER * 3) == 3
