"""Style resolution (names, aliases, paths) and safe loading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidencebib.errors import StyleError, UsageError
from evidencebib.render import STYLE_ALIASES, list_styles, render_bibliography, resolve_style
from evidencebib.render import styles as style_module

ROOT = Path(__file__).resolve().parents[2]
ITEM = {"type": "article-journal", "title": "T", "container-title": "J", "issued": {"date-parts": [[2020]]},
        "author": [{"family": "Smith", "given": "A."}]}


@pytest.mark.parametrize("alias,target", [
    ("vancouver", "nlm-citation-sequence"), ("apa", "apa"), ("ama", "american-medical-association"),
    ("harvard", "harvard-cite-them-right"), ("chicago", "chicago-author-date"), ("ieee", "ieee"),
    ("nature", "nature"), ("lancet", "the-lancet"), ("bmj", "bmj"), ("nlm", "nlm-citation-sequence"),
    ("elsevier-harvard", "elsevier-harvard"),
])
def test_short_alias_resolves_to_the_shipped_style(alias, target):
    assert resolve_style(alias).stem == target


def test_every_alias_is_listed_in_style_aliases():
    assert {"vancouver", "apa", "ama", "harvard", "chicago", "ieee", "nature", "lancet", "bmj", "nlm",
            "elsevier-harvard"} <= set(STYLE_ALIASES)


def test_dependent_style_resolves_to_its_independent_parent():
    assert resolve_style("vancouver-nlm").stem == "nlm-citation-sequence"


def test_style_names_are_case_insensitive():
    assert resolve_style("APA").stem == "apa"


def test_path_to_csl_file_is_accepted(tmp_path):
    target = tmp_path / "mine.csl"
    target.write_bytes((ROOT / "styles" / "ig-criteria.csl").read_bytes())
    assert resolve_style(target) == target
    assert resolve_style(str(target)) == target


def test_unknown_style_name_raises_one_line_error_with_close_matches():
    with pytest.raises(StyleError) as caught:
        resolve_style("vancover")
    message = str(caught.value)
    assert "\n" not in message and "unknown style 'vancover'" in message and "did you mean" in message


@pytest.mark.parametrize("name", ["../../etc/passwd", "../styles/ig-criteria", "/etc/passwd", "..",
                                  "apa/../../x", "a b"])
def test_style_name_cannot_escape_the_style_folders(name):
    with pytest.raises(StyleError):
        resolve_style(name)


def test_missing_csl_file_is_a_style_error(tmp_path):
    with pytest.raises(StyleError, match="does not exist"):
        resolve_style(tmp_path / "absent.csl")


def test_style_with_doctype_is_refused(tmp_path):
    evil = tmp_path / "evil.csl"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                    '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
                    '<info><title>&xxe;</title></info></style>', encoding="utf-8")
    with pytest.raises(StyleError, match="DOCTYPE"):
        render_bibliography([ITEM], evil)


def test_style_over_the_size_cap_is_refused(tmp_path):
    big = tmp_path / "big.csl"
    big.write_bytes(b"<style>" + b" " * (style_module.MAX_STYLE_BYTES + 10) + b"</style>")
    with pytest.raises(StyleError, match="too large"):
        render_bibliography([ITEM], big)


def test_non_csl_xml_is_refused(tmp_path):
    other = tmp_path / "other.csl"
    other.write_text("<html/>", encoding="utf-8")
    with pytest.raises(StyleError, match="not a CSL style"):
        render_bibliography([ITEM], other)


def test_malformed_xml_is_a_style_error(tmp_path):
    broken = tmp_path / "broken.csl"
    broken.write_text("<style", encoding="utf-8")
    with pytest.raises(StyleError, match="not well-formed"):
        render_bibliography([ITEM], broken)


def test_style_without_bibliography_raises_clear_error():
    with pytest.raises(StyleError, match="style agora has no bibliography section"):
        render_bibliography([ITEM], "agora")


def test_a_failure_while_rendering_becomes_a_style_error_naming_the_style(tmp_path, monkeypatch):
    from evidencebib.render import elements

    def boom(self, ctx):
        raise RuntimeError("internal")

    monkeypatch.setattr(elements.GroupElement, "evaluate", boom)
    with pytest.raises(StyleError, match="style apa failed to render"):
        render_bibliography([ITEM], "apa", cache=False)


def test_unknown_format_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown output format"):
        render_bibliography([ITEM], "apa", "docx")


def test_list_styles_starts_with_house_style_and_aliases():
    rows = list_styles()
    assert rows[0][0] == "ig-criteria" and "Immunoglobulin Criteria" in rows[0][1]
    names = [name for name, _ in rows]
    assert "vancouver" in names and "apa" in names and len(names) > 2000


def test_list_styles_filters_by_name_or_title():
    rows = list_styles("lancet")
    assert ("lancet" in [name for name, _ in rows]) and all(
        "lancet" in (name + title).lower() for name, title in rows)


def test_parsed_style_is_cached_between_renders(monkeypatch):
    from evidencebib.render import engine

    render_bibliography([ITEM], "ieee", "text")
    before = engine._load_style.cache_info().hits
    render_bibliography([ITEM], "ieee", "html")
    assert engine._load_style.cache_info().hits == before + 1


def test_a_loaded_style_is_shared_by_threads_and_never_changes():
    """The compiled style holds no render state (it lives in each render's context), so one
    object serves every thread."""
    import threading

    from evidencebib.render import engine

    path = resolve_style("ieee")
    here = engine.load_style(path)
    other = []
    thread = threading.Thread(target=lambda: other.append(engine.load_style(path)))
    thread.start()
    thread.join()
    assert other[0] is here


def test_concurrent_renders_in_different_formats_do_not_mix_markup():
    from concurrent.futures import ThreadPoolExecutor

    items = json.loads((ROOT / "tests" / "fixtures" / "seed-items.json").read_text(encoding="utf-8"))
    expected = {fmt: render_bibliography(items, "apa", fmt) for fmt in ("text", "html", "markdown")}
    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [(fmt, pool.submit(render_bibliography, items, "apa", fmt))
                for fmt in ("text", "html", "markdown") * 6]
        for fmt, job in jobs:
            assert job.result() == expected[fmt]
