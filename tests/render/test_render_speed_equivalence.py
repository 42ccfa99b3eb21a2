"""The optimised path (worker processes, the render cache) never changes output: the same items
in several styles render byte-identically on the unoptimised path (`EngineOptions(optimised=False)`,
which `EVIDENCEBIB_NO_SPEEDUPS=1` selects)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from itemgen import generate_items  # noqa: E402

from evidencebib.render import parallel  # noqa: E402
from evidencebib.render.cache import RenderCache  # noqa: E402
from evidencebib.render.engine import EngineOptions, render_bibliography, render_entries  # noqa: E402
from evidencebib.render.options import from_environment  # noqa: E402

ITEMS = generate_items(520, seed=20251123)
STYLES = ["ig-criteria", "apa", "vancouver", "harvard", "ieee"]
# the other shipped aliases, and a style with subsequent-author-substitute, on fewer items
MORE_STYLES = ["ama", "chicago", "nature", "lancet", "bmj", "elsevier-harvard",
               "american-anthropological-association"]
SOME_ITEMS = ITEMS[:200]
UNOPTIMISED = EngineOptions(optimised=False)


def texts(items, style, fmt, options=None, cache=False):
    return [text for _, text in render_entries(items, style, fmt, cache=cache, options=options)]


@pytest.fixture(scope="module")
def unoptimised():
    out = {}
    for style in STYLES:
        out[style, "text"] = texts(ITEMS, style, "text", UNOPTIMISED)
    out["ig-criteria", "html"] = texts(ITEMS, "ig-criteria", "html", UNOPTIMISED)
    for style in MORE_STYLES:
        out[style, "markdown"] = texts(SOME_ITEMS, style, "markdown", UNOPTIMISED)
    return out


@pytest.fixture
def two_workers(monkeypatch):
    if not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 50)
    return EngineOptions(workers=2)


@pytest.mark.parametrize("style", STYLES)
def test_optimised_path_gives_identical_text(style, unoptimised, two_workers):
    assert texts(ITEMS, style, "text", two_workers) == unoptimised[style, "text"]


def test_optimised_path_gives_identical_html(unoptimised, two_workers):
    assert texts(ITEMS, "ig-criteria", "html", two_workers) == unoptimised["ig-criteria", "html"]


@pytest.mark.parametrize("style", MORE_STYLES)
def test_optimised_path_gives_identical_markdown_in_more_styles(style, unoptimised, two_workers):
    assert texts(SOME_ITEMS, style, "markdown", two_workers) == unoptimised[style, "markdown"]


@pytest.mark.parametrize("style", ["ig-criteria", "vancouver"])
def test_cached_path_cold_and_warm_is_identical(style, unoptimised, tmp_path):
    store = RenderCache(tmp_path)
    assert render_bibliography(ITEMS, style, "text", cache=store) == unoptimised[style, "text"]
    assert render_bibliography(ITEMS, style, "text", cache=store) == unoptimised[style, "text"]
    # entry records only (bibliography record removed): assembled entry by entry
    fresh = RenderCache(tmp_path / "entries")
    half = ITEMS[: len(ITEMS) // 2]
    render_bibliography(half, style, "text", cache=fresh)
    assert render_bibliography(ITEMS, style, "text", cache=fresh) == unoptimised[style, "text"]


def test_environment_switch_selects_the_unoptimised_path(monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_NO_SPEEDUPS", "1")
    assert from_environment().optimised is False
    monkeypatch.delenv("EVIDENCEBIB_NO_SPEEDUPS")
    assert from_environment().optimised is True


def test_unoptimised_path_uses_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("EVIDENCEBIB_NO_RENDER_CACHE", raising=False)
    monkeypatch.setenv("EVIDENCEBIB_NO_SPEEDUPS", "1")
    render_bibliography(ITEMS[:3], "apa", "text")
    assert not (tmp_path / "render").exists()
