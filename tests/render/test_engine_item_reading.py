"""How the engine reads an item against a style: the item's type and the style's spellings of a
variable (CSL 1.0.2 Appendix III and IV; citeproc-js and jgm/citeproc agree on each expected
string, checked with tests/support/citeproc_js_runner.py)."""

from __future__ import annotations

from pathlib import Path

from evidencebib.render import render_bibliography

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography>{sort}<layout>{layout}</layout></bibliography></style>"""


def style(tmp_path: Path, layout: str, sort: str = "") -> Path:
    path = tmp_path / "t.csl"
    path.write_text(STYLE.format(layout=layout, sort=sort), encoding="utf-8")
    return path


def entries(items, path):
    return render_bibliography(items, path, "text", cache=False)


TYPE_LAYOUT = ('<choose><if type="article-journal"><text value="journal article: "/></if>'
               '<else-if type="book"><text value="book: "/></else-if>'
               '<else><text value="other: "/></else></choose><text variable="title"/>')


def test_an_item_without_a_type_matches_no_type_condition(tmp_path):
    """CSL-JSON requires a type; an item without one is read as having none (citeproc-js leaves
    `Item.type` undefined, jgm/citeproc reads an empty type), so no `type` test holds."""
    items = [{"id": "a", "title": "Untyped"}, {"id": "b", "type": "book", "title": "Typed"}]
    assert entries(items, style(tmp_path, TYPE_LAYOUT)) == ["other: Untyped", "book: Typed"]
