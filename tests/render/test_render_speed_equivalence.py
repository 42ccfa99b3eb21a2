"""render/speed.py and the render cache never change output: the same items in several styles
render byte-identically with and without them (EVIDENCEBIB_NO_SPEEDUPS path)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from itemgen import generate_items  # noqa: E402

from evidencebib.render import speed  # noqa: E402
from evidencebib.render.cache import RenderCache  # noqa: E402
from evidencebib.render.engine import render_bibliography  # noqa: E402

ITEMS = generate_items(520, seed=20251123)
STYLES = ["ig-criteria", "apa", "vancouver", "harvard", "ieee"]
# the other shipped aliases, and a style with subsequent-author-substitute, on fewer items
MORE_STYLES = ["ama", "chicago", "nature", "lancet", "bmj", "elsevier-harvard",
               "american-anthropological-association"]
SOME_ITEMS = ITEMS[:200]


@pytest.fixture(scope="module")
def unoptimised():
    out = {}
    with speed.disabled():
        assert not speed.is_applied()
        for style in STYLES:
            out[style, "text"] = render_bibliography(ITEMS, style, "text", cache=False)
        out["ig-criteria", "html"] = render_bibliography(ITEMS, "ig-criteria", "html", cache=False)
        for style in MORE_STYLES:
            out[style, "markdown"] = render_bibliography(SOME_ITEMS, style, "markdown", cache=False)
    return out


@pytest.mark.parametrize("style", STYLES)
def test_speedups_give_identical_text(style, unoptimised):
    speed.sync()
    assert speed.is_applied()
    assert render_bibliography(ITEMS, style, "text", cache=False) == unoptimised[style, "text"]


def test_speedups_give_identical_html(unoptimised):
    speed.sync()
    assert render_bibliography(ITEMS, "ig-criteria", "html", cache=False) == unoptimised["ig-criteria", "html"]


@pytest.mark.parametrize("style", MORE_STYLES)
def test_speedups_give_identical_markdown_in_more_styles(style, unoptimised):
    speed.sync()
    assert render_bibliography(SOME_ITEMS, style, "markdown", cache=False) == unoptimised[style, "markdown"]


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


def test_remove_restores_citeproc_exactly():
    from citeproc import CitationStylesBibliography, model
    from citeproc.source import CitationItem

    speed.sync()
    speed.remove()
    before = {(owner, name): owner.__dict__.get(name)
              for owner in (model.CitationStylesElement, model.Sort, CitationItem, CitationStylesBibliography)
              for name in ("xpath_search", "get_root", "sort", "number", "reference", "register")}
    speed.apply()
    assert CitationItem.__dict__["number"] is not before[CitationItem, "number"]
    speed.remove()
    after = {key: key[0].__dict__.get(key[1]) for key in before}
    assert after == before
    speed.sync()


def test_environment_switch_turns_speedups_off(monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_NO_SPEEDUPS", "1")
    assert not speed.enabled()
    speed.sync()
    assert not speed.is_applied()
    monkeypatch.delenv("EVIDENCEBIB_NO_SPEEDUPS")
    speed.sync()
    assert speed.is_applied()

