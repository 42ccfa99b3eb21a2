"""Writers on several conditions of one folder at once: nothing lost, nothing broken, no
errors (the harness is tests/support/storestress.py; the long runs whose figures are in
benchmarks/README.md use it from the command line)."""

from __future__ import annotations

import pytest

import storestress


@pytest.mark.slow
@pytest.mark.parametrize("conditions", [2, 4])
def test_writers_on_several_conditions_of_one_folder_lose_nothing(tmp_path, conditions):
    result = storestress.concurrent(tmp_path, conditions, writers_per_condition=2, rounds=5,
                                    entries=1500)
    print(f"\n{result}")
    assert result.errors == []
    assert result.ok, str(result)
    assert result.entries_found == result.entries_expected == conditions * (1500 + 2 * 5 * 5)
