"""The registry of overrides (render/overrides): every entry is written against the installed
citeproc-py, names what it replaces and the rule it implements, and is still needed: its tests
fail with it switched off (the engine then does what citeproc-py does)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from evidencebib.render.overrides import AREAS, Behaviours, REGISTRY, load, resolve, source_fingerprint

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
ENTRIES = sorted(load().values(), key=lambda entry: entry.name)


def test_every_area_module_is_real_and_holds_overrides():
    assert {entry.area for entry in ENTRIES} == set(AREAS)


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_fingerprint_matches_the_installed_citeproc_py(entry):
    """When this fails, citeproc-py changed under the override: read the new upstream code,
    check the override (and its upstream side) still fits, then update the fingerprint."""
    assert source_fingerprint(entry.replaces) == entry.fingerprint, entry.replaces


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_entry_names_a_citeproc_attribute_a_rule_tests_and_an_upstream_behaviour(entry):
    assert entry.replaces.startswith("citeproc.") and resolve(entry.replaces) is not None
    assert entry.rule and entry.tests and entry.upstream is not None
    for test in entry.tests:
        path, _, name = test.partition("::")
        name = name.split("[")[0]
        assert re.search(rf"^def {re.escape(name)}\(", (REPO / path).read_text(encoding="utf-8"), re.M), test


def test_behaviours_switch_one_override_at_a_time():
    default = Behaviours()
    for entry in ENTRIES:
        switched = Behaviours(frozenset({entry.name}))
        assert getattr(switched, entry.attribute) is entry.upstream
        others = [other for other in ENTRIES if other is not entry]
        assert all(getattr(switched, other.attribute) is getattr(default, other.attribute)
                   for other in others)


def test_unknown_override_names_are_refused():
    from evidencebib.errors import UsageError
    from evidencebib.render import EngineOptions
    from evidencebib.render.engine import Engine

    with pytest.raises(UsageError, match="unknown override"):
        Engine("apa", options=EngineOptions(disabled={"names.nonsense"}))


def test_the_registry_is_listed_by_its_module():
    done = subprocess.run([sys.executable, "-m", "evidencebib.render.overrides"], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.startswith(f"{len(REGISTRY)} overrides of citeproc-py behaviour")
    for entry in ENTRIES:
        assert entry.name in done.stdout and entry.replaces in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.name for entry in ENTRIES])
def test_override_is_still_needed(entry, tmp_path):
    """Its tests, run with the override switched off, all fail."""
    env = dict(os.environ, EB_TEST_DISABLE_OVERRIDES=entry.name, EVIDENCEBIB_CACHE_DIR=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(TESTS / "support"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "disable_overrides_plugin", "-p",
                           "no:cacheprovider", "-o", "addopts=", *entry.tests], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    assert " passed" not in summary and " failed" in summary, f"{entry.name}: {summary}"
