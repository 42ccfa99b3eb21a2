"""Rendering with evidencebib changes nothing of citeproc-py for anyone else in the process
(issue 13): our element classes reach citeproc-py's styles through our own class lookup only,
nothing is assigned to a citeproc-py module or class, and plain citeproc-py, used after us in the
same process, prints exactly what it prints in a fresh interpreter. And the engine has no state
that two threads could share: rendering two styles at once gives the text of one after the other."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
SCRIPT = TESTS / "support" / "plain_citeproc.py"
sys.path.insert(0, str(TESTS / "support"))

from itemgen import generate_items  # noqa: E402

from evidencebib.render import Cluster, EngineOptions  # noqa: E402
from evidencebib.render.engine import Engine  # noqa: E402

SEED_ITEMS = json.loads((TESTS / "fixtures" / "seed-items.json").read_text(encoding="utf-8"))


def request() -> dict[str, Any]:
    from evidencebib.render.styles import resolve_style

    return {"styles": [str(resolve_style(name))
                       for name in ("apa", "vancouver", "chicago", "ieee", "harvard")],
            "items": SEED_ITEMS, "evidencebib_items": SEED_ITEMS + generate_items(40, seed=3)}


def run(mode: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(SCRIPT), mode], input=json.dumps(request()),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def after():
    return run("after-evidencebib")


@pytest.mark.slow
def test_rendering_with_evidencebib_changes_no_citeproc_module_or_class_attribute(after):
    assert after["changed"] == []


@pytest.mark.slow
def test_citeproc_element_lookup_knows_none_of_our_classes(after):
    assert after["foreign_classes"] == []


@pytest.mark.slow
def test_plain_citeproc_after_evidencebib_renders_as_in_a_fresh_interpreter(after):
    fresh = run("plain")
    assert after["fixtures"] == fresh["fixtures"]
    assert len(fresh["fixtures"]) == 10 and all(value["entries"] for value in fresh["fixtures"].values())


def test_our_element_classes_subclass_citeproc_concrete_classes_only():
    from citeproc import model

    from evidencebib.render.elements import ELEMENT_CLASSES

    for cls in ELEMENT_CLASSES.values():
        assert model.CitationStylesElement not in cls.__bases__, cls
        assert issubclass(cls, model.CitationStylesElement)


@pytest.mark.slow
def test_two_threads_rendering_different_styles_at_once_give_the_text_of_one_after_the_other():
    items = generate_items(150, seed=11)
    clusters = [Cluster([str(item["id"])]) for item in items[:40]]
    jobs = [("apa", "html"), ("vancouver", "text"), ("chicago", "markdown"), ("ig-criteria", "rtf")]

    def work(style: str, fmt: str) -> tuple[list[str], list[str]]:
        engine = Engine(style, options=EngineOptions(workers=1))
        return ([entry.text for entry in engine.bibliography(items, fmt)],
                engine.citations(clusters, fmt, items))

    serial = {job: work(*job) for job in jobs}
    barrier = threading.Barrier(len(jobs))
    results: dict[tuple[str, str], list[Any]] = {job: [] for job in jobs}
    errors: list[BaseException] = []

    def thread_body(job: tuple[str, str]) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                results[job].append(work(*job))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=thread_body, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for job in jobs:
        assert results[job] == [serial[job]] * 3, job
