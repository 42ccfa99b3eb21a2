"""The citation-label variable (CSL 1.0.2 Appendix IV: "may be assigned by the CSL processor
based on item metadata"): an item's own label is printed, an item without one gets the label
citeproc-js makes (its trigraph), both take the year suffix that disambiguates them, and a
`cs:key variable="citation-label"` sorts by it. Every expected text is citeproc-js's output
for the same style and items."""

from __future__ import annotations

from pathlib import Path

from evidencebib.render.engine import Cluster, Engine, EngineOptions

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Labels</title><id>labels</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation disambiguate-add-year-suffix="true">
    <sort><key variable="citation-label"/></sort>
    <layout delimiter="; "><text variable="citation-label"/></layout>
  </citation>
  <bibliography>
    <sort><key variable="citation-label"/></sort>
    <layout><text variable="citation-label" prefix="[" suffix="] "/><text variable="title"/></layout>
  </bibliography>
</style>
"""


def engine(tmp_path: Path) -> Engine:
    path = tmp_path / "labels.csl"
    path.write_text(STYLE, encoding="utf-8")
    return Engine(path, options=EngineOptions(workers=1))


def book(key: str, title: str, year: int | None, *families: str, **extra) -> dict:
    item = {"id": key, "type": "book", "title": title, **extra}
    if families:
        item["author"] = [{"family": family, "given": "A"} for family in families]
    if year is not None:
        item["issued"] = {"date-parts": [[year]]}
    return item


def cite_all(engine: Engine, items: list[dict]) -> str:
    return engine.citations([Cluster([item["id"] for item in items])], "text", items)[0]


def test_an_item_without_a_label_gets_the_trigraph_of_its_authors(tmp_path):
    """4 letters of one name, 2 + 2 of two, 2 + 1 + 1 of three, 1 of each of the first four;
    lower-case particles and characters outside the Latin, Greek, Cyrillic … scripts left out."""
    items = [book("one", "A", 1965, "Doe"), book("two", "B", 1978, "Roe", "Noakes"),
             book("three", "C", 1979, "Roe", "noakes", "Smith"),
             book("five", "D", 1905, "van der Berg", "O'Brien", "Émile", "Østergaard", "Li")]
    assert cite_all(engine(tmp_path), items) == "BOÉØ05; Doe65; RoNo78; RoNS79"


def test_without_names_the_label_comes_from_the_title_and_without_a_date_the_year_is_00(tmp_path):
    items = [book("title", "The Art of War on Things", 2001),
             {"id": "who", "type": "book", "title": "Z",
              "editor": [{"literal": "The World Health Organization"}]},
             book("cjk", "Xy", 2010, "李")]
    assert cite_all(engine(tmp_path), items) == "Thea01; Worl00; Xy10"


def test_the_items_own_label_is_printed_with_the_year_suffix_that_tells_it_apart(tmp_path):
    items = [book("a", "A", 1900, "Asthma", **{"citation-label": "SpiffLabel1900"}),
             book("b", "B", 2000, "Asthma", **{"citation-label": "SpiffLabel1900"}),
             book("c", "C", 2000, "Bronchitis")]
    assert cite_all(engine(tmp_path), items) == "Bron00; SpiffLabel1900a; SpiffLabel1900b"


def test_items_sort_by_their_citation_label(tmp_path):
    items = [book("roe", "Book A", 1978, "Roe", "Noakes"), book("doe", "Book A", 1965, "Doe"),
             book("roe2", "Book A", 1978, "Roe", "Noakes")]
    entries = engine(tmp_path).bibliography(items, "text")
    assert [entry.text for entry in entries] == ["[Doe65] Book A", "[RoNo78a] Book A", "[RoNo78b] Book A"]
