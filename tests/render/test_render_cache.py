"""The content-addressed render cache (render/cache.py): no formatting on a warm re-run, only
changed entries re-formatted, bibliography context (numbers, year suffixes) respected,
atomic/bounded storage, and transparent bypasses."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from itemgen import generate_items  # noqa: E402

from evidencebib.render import engine  # noqa: E402
from evidencebib.render.cache import RenderCache, default_directory  # noqa: E402
from evidencebib.render.engine import render_bibliography  # noqa: E402

ITEMS = generate_items(40, seed=7)
STYLES = ["ig-criteria", "apa", "vancouver", "harvard", "ieee"]


def formatted(call):
    before = engine.STATS["entries_formatted"]
    result = call()
    return result, engine.STATS["entries_formatted"] - before


@pytest.mark.parametrize("style", STYLES)
def test_warm_rerun_does_no_formatting(style, tmp_path):
    store = RenderCache(tmp_path)
    first, count = formatted(lambda: render_bibliography(ITEMS, style, "markdown", cache=store))
    assert count == len(ITEMS)
    second, count = formatted(lambda: render_bibliography(ITEMS, style, "markdown", cache=store))
    assert count == 0 and second == first
    # other formats are finished from the same records
    html, count = formatted(lambda: render_bibliography(ITEMS, style, "html", cache=store))
    assert count == 0 and html == render_bibliography(ITEMS, style, "html", cache=False)


def test_finished_records_are_kept_per_output_format(tmp_path):
    store = RenderCache(tmp_path)
    for fmt in ("markdown", "html", "text", "rtf"):
        render_bibliography(ITEMS, "apa", fmt, cache=store)
    for fmt in ("text", "rtf", "html", "markdown"):
        warm, count = formatted(lambda fmt=fmt: render_bibliography(ITEMS, "apa", fmt, cache=store))
        assert count == 0
        assert warm == render_bibliography(ITEMS, "apa", fmt, cache=False), fmt


def test_a_damaged_finished_record_is_rebuilt_from_the_marked_ones(tmp_path):
    from evidencebib.render import cache as render_cache
    from evidencebib.render.engine import prepare_item, resolve_style

    store = RenderCache(tmp_path)
    first = render_bibliography(ITEMS, "vancouver", "markdown", cache=store)
    style_digest = render_cache.style_info(resolve_style("vancouver"))[0]
    digests = [render_cache.item_digest(*prepare_item(item)) for item in ITEMS]
    key = render_cache.finished_key(render_cache.bibliography_key(style_digest, digests), "markdown")
    store._path(key).write_text('{"entries": ["forged"], "order": [0, 1]}', encoding="utf-8")
    again, count = formatted(lambda: render_bibliography(ITEMS, "vancouver", "markdown", cache=store))
    assert again == first and count == 0


@pytest.mark.parametrize("style", STYLES)
def test_changing_one_entry_reformats_only_that_entry(style, tmp_path):
    store = RenderCache(tmp_path)
    render_bibliography(ITEMS, style, "text", cache=store)
    changed = copy.deepcopy(ITEMS)
    changed[5]["title"] = "A completely different title"
    result, count = formatted(lambda: render_bibliography(changed, style, "text", cache=store))
    assert count == 1
    assert result == render_bibliography(changed, style, "text", cache=False)


def test_numeric_style_renumbers_when_an_entry_is_inserted(tmp_path):
    store = RenderCache(tmp_path)
    render_bibliography(ITEMS, "vancouver", "text", cache=store)
    inserted = ITEMS[:3] + [dict(ITEMS[10], title="Inserted", id="new")] + ITEMS[3:]
    result = render_bibliography(inserted, "vancouver", "text", cache=store)
    assert result == render_bibliography(inserted, "vancouver", "text", cache=False)
    assert result[4].startswith("5.")


def test_year_suffixes_follow_the_bibliography(tmp_path):
    author = [{"family": "Banjar", "given": "S."}]
    base = {"type": "article-journal", "author": author, "container-title": "Blood",
            "issued": {"date-parts": [[2020]]}}
    one = [dict(base, id="a", title="Alpha"), dict(base, id="b", title="Beta")]
    two = one + [dict(base, id="c", title="Aardvark")]
    store = RenderCache(tmp_path)
    for items in (one, two, one[:1], two):
        assert render_bibliography(items, "apa", "text", cache=store) == \
            render_bibliography(items, "apa", "text", cache=False)


def test_cache_can_be_disabled(tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCEBIB_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("EVIDENCEBIB_NO_RENDER_CACHE", "1")
    render_bibliography(ITEMS[:3], "apa", "text")
    assert not (tmp_path / "render").exists()
    monkeypatch.delenv("EVIDENCEBIB_NO_RENDER_CACHE")
    render_bibliography(ITEMS[:3], "apa", "text", cache=False)
    assert not (tmp_path / "render").exists()
    render_bibliography(ITEMS[:3], "apa", "text")
    assert (tmp_path / "render").is_dir()
    assert default_directory() == tmp_path / "render"


def test_default_directory_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("EVIDENCEBIB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_directory() == tmp_path / "evidencebib" / "render"


def test_the_locale_override_is_part_of_the_key(tmp_path):
    from evidencebib.render.engine import render_entries

    store = RenderCache(tmp_path)
    english = render_entries(ITEMS[:5], "apa", "text", cache=store)
    german = render_entries(ITEMS[:5], "apa", "text", cache=store, locale="de-DE")
    assert german != english
    assert german == render_entries(ITEMS[:5], "apa", "text", cache=False, locale="de-DE")


def test_style_content_is_part_of_the_key(tmp_path):
    from evidencebib.render.styles import resolve_style

    source = resolve_style("vancouver").read_text(encoding="utf-8")
    style = tmp_path / "mine.csl"
    style.write_text(source, encoding="utf-8")
    store = RenderCache(tmp_path / "c")
    first = render_bibliography(ITEMS[:2], style, "text", cache=store)
    cut = source.rfind("<layout")
    style.write_text(source[:cut] + source[cut:].replace("<layout", '<layout prefix="&gt;&gt; "', 1),
                     encoding="utf-8")
    os.utime(style, ns=(1, 1))
    second = render_bibliography(ITEMS[:2], style, "text", cache=store)
    assert second == render_bibliography(ITEMS[:2], style, "text", cache=False)
    assert second != first and second[0].startswith(">> ")


def test_damaged_records_are_misses(tmp_path):
    store = RenderCache(tmp_path)
    expected = render_bibliography(ITEMS[:5], "apa", "text", cache=store)
    for path in tmp_path.rglob("*.json"):
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert render_bibliography(ITEMS[:5], "apa", "text", cache=store) == expected
    # a record under another key's name is not accepted either
    store.put("ab" * 32, {"t": "x"})
    store._path("cd" * 32).parent.mkdir(parents=True, exist_ok=True)
    os.replace(store._path("ab" * 32), store._path("cd" * 32))
    assert store.get("cd" * 32) is None


def test_writes_are_atomic_and_leave_no_temporary_files(tmp_path):
    store = RenderCache(tmp_path)
    render_bibliography(ITEMS, "ieee", "text", cache=store)
    names = [p.name for p in tmp_path.rglob("*") if p.is_file()]
    assert names and not [n for n in names if n.startswith(".tmp-")]
    for path in tmp_path.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_size_is_bounded(tmp_path):
    store = RenderCache(tmp_path, limit=20_000)
    for index in range(300):
        store.put(f"{index:064x}", {"t": "x" * 200})
    store.prune()
    assert store.size() <= 20_000


def test_two_processes_share_the_cache_safely(tmp_path):
    script = (
        "import sys; sys.path.insert(0, %r)\n"
        "from itemgen import generate_items\n"
        "from evidencebib.render.engine import render_bibliography\n"
        "print(render_bibliography(generate_items(30, seed=3), 'apa', 'text')[0])\n"
    ) % str(Path(__file__).resolve().parents[1] / "support")
    env = dict(os.environ, EVIDENCEBIB_CACHE_DIR=str(tmp_path))
    env.pop("EVIDENCEBIB_NO_RENDER_CACHE", None)
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [proc.communicate(timeout=120)[0] for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert outputs[0] == outputs[1]
    expected = render_bibliography(generate_items(30, seed=3), "apa", "text", cache=False)[0]
    assert outputs[0].rstrip("\n") == expected


# Prepared items: the same items rendered in several styles are prepared and hashed once.

@pytest.mark.parametrize("style", ["ig-criteria", "apa", "vancouver"])
def test_prepared_items_render_as_the_items_do(style, tmp_path):
    from evidencebib.render import prepare_items

    prepared = prepare_items(ITEMS)
    for fmt in ("markdown", "html"):
        assert render_bibliography(prepared, style, fmt, cache=False) == \
            render_bibliography(ITEMS, style, fmt, cache=False)
    store = RenderCache(tmp_path)
    cold = render_bibliography(prepared, style, "text", cache=store)
    warm, count = formatted(lambda: render_bibliography(ITEMS, style, "text", cache=store))
    assert count == 0 and warm == cold  # the same cache records: the same digests


def test_prepared_items_are_a_snapshot_of_the_items():
    from evidencebib.render import prepare_items

    items = copy.deepcopy(ITEMS[:5])
    prepared = prepare_items(items)
    before = render_bibliography(prepared, "apa", "text", cache=False)
    items[0]["title"] = "Changed after preparing"
    items[1]["author"][0]["family"] = "Changed"
    assert render_bibliography(prepared, "apa", "text", cache=False) == before
    assert render_bibliography(items, "apa", "text", cache=False) != before


def test_prepare_items_passes_prepared_items_through():
    from evidencebib.render import prepare_items

    prepared = prepare_items(ITEMS)
    assert prepare_items(prepared) is prepared and len(prepared) == len(ITEMS)



def test_the_model_normalisers_are_part_of_the_code_fingerprint():
    """The engine reads names and dates through evidencebib.model (render/intake.py): a change
    there changes what is printed, so texts cached before it must not be served after it."""
    from evidencebib.render import cache as render_cache

    names = {path.relative_to(path.parents[1]).as_posix() for path in render_cache.fingerprinted_sources()}
    assert {"model/names.py", "model/dates.py", "render/intake.py"} <= names
