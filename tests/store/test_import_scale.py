"""Import does work in proportion to the entries it adds, not to their square.

Time is not measured here (benchmarks/import_scale.py does that, against a peer): the test
counts the Python function calls an import makes, which does not drift with the machine. A
linear import of three times as many entries makes about three times as many calls; the
quadratic one it replaces (a DOI scan of the whole file and a join of its whole text per added
entry) made about nine times as many.
"""

from __future__ import annotations

import sys

import pytest

from itemgen import generate_items

from evidencebib import api
from evidencebib.store import BibFile, References


def _calls_to_import(tmp_path, count: int, name: str) -> int:
    items = generate_items(count, seed=count)
    for number, item in enumerate(items):  # every item new and with a DOI: the worst case
        item["DOI"] = f"10.1000/scale.{number}"
    refs = References(tmp_path / name)
    calls = 0

    def count_calls(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count_calls)
    try:
        result = api.import_items(refs, "scale", items)
    finally:
        sys.setprofile(None)
    assert len(result.added) == count
    assert len(BibFile.load(refs.path_of("scale")).entries) == count
    return calls


@pytest.mark.slow
def test_importing_three_times_as_many_entries_takes_about_three_times_the_work(tmp_path):
    small = _calls_to_import(tmp_path, 500, "small")
    large = _calls_to_import(tmp_path, 1500, "large")
    ratio = large / small
    print(f"\nimport work: 500 entries {small:,} calls, 1500 entries {large:,} calls, x{ratio:.2f}")
    assert ratio < 4.0, f"1500 entries cost {ratio:.1f}x the calls of 500 (linear is about 3)"


def test_adding_to_a_large_condition_does_not_rescan_it_per_entry(tmp_path):
    refs = References(tmp_path)
    first = generate_items(2000, seed=1)
    for number, item in enumerate(first):
        item["DOI"] = f"10.1000/first.{number}"
    api.import_items(refs, "big", first)
    resolved = 0
    import evidencebib.formats.bibtex as bibtex

    original = bibtex.resolve

    def counting_resolve(raw, strings):
        nonlocal resolved
        resolved += 1
        return original(raw, strings)

    more = [dict(item, DOI=f"10.1000/more.{number}", title=f"More {number}")
            for number, item in enumerate(generate_items(200, seed=2))]
    bibtex.resolve = counting_resolve
    try:
        result = api.import_items(refs, "big", more)
    finally:
        bibtex.resolve = original
    assert len(result.added) == 200
    # one look at each existing DOI field (an index), not one per existing entry per new entry
    assert resolved < 2000 * 2, f"{resolved} field resolutions to add 200 entries to 2000"
