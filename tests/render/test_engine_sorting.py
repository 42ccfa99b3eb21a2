"""Sorting the cites of a cluster and the entries of a bibliography (CSL 1.0.2 §Sorting), as
citeproc-js sorts them; every expected text is citeproc-js's (processCitationCluster for
citations, makeBibliography for entries) on the same style and items."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.render.engine import Cluster, Engine, EngineOptions

CITATION = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="{style_class}" version="1.0">
  <info><title>Sorted</title><id>sorted</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation {attributes}>
    <sort><key variable="issued"/></sort>
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=" "><names variable="author"><name form="short"/></names>
        <date variable="issued"><date-part name="year"/></date></group>
    </layout>
  </citation>
</style>
"""


def style(tmp_path: Path, attributes: str, style_class: str = "in-text") -> Engine:
    path = tmp_path / "sorted.csl"
    path.write_text(CITATION.format(attributes=attributes, style_class=style_class), encoding="utf-8")
    return Engine(path, options=EngineOptions(workers=1))


def book(key: str, family: str, year: int) -> dict:
    return {"id": key, "type": "book", "title": f"Book {key}", "author": [{"family": family, "given": "J"}],
            "issued": {"date-parts": [[year]]}}


ITEMS = [book("1", "Smith", 2010), book("2", "Jones", 2005), book("3", "Smith", 2003),
         book("4", "Adams", 2004), book("5", "Jones", 2001)]


def cite_all(engine: Engine) -> str:
    return engine.citations([Cluster([item["id"] for item in ITEMS])], "text", ITEMS)[0]


@pytest.mark.parametrize("attributes,expected", [
    ('collapse="year"', "(Jones 2001, 2005; Smith 2003, 2010; Adams 2004)"),
    ('cite-group-delimiter=", "', "(Jones 2001, Jones 2005; Smith 2003, Smith 2010; Adams 2004)"),
])
def test_with_cite_grouping_a_sorted_cluster_keeps_each_authors_cites_together(tmp_path, attributes,
                                                                               expected):
    """citeproc-js's grouped sort (processCitationCluster; citation-style-language/schema#40): the
    cites sorted, then each author's moved next to that author's first."""
    assert cite_all(style(tmp_path, attributes)) == expected


def test_without_cite_grouping_the_sort_alone_decides(tmp_path):
    assert cite_all(style(tmp_path, "")) == "(Jones 2001; Smith 2003; Adams 2004; Jones 2005; Smith 2010)"


def test_a_note_style_that_collapses_is_not_grouped_by_author(tmp_path):
    assert cite_all(style(tmp_path, 'collapse="year"', "note")) == \
        "(Jones 2001; Smith 2003; Adams 2004; Jones 2005; Smith 2010)"


BY_VOLUME = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>By volume</title><id>by-volume</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><sort><key variable="volume"/><key variable="title" sort="descending"/></sort>
    <layout><text variable="title"/></layout></bibliography>
</style>
"""


def test_a_number_variable_sorts_by_its_first_number(tmp_path):
    """citeproc-js (node_key.js, CSL.Util.padding): a number variable's key is the first integer
    in it ("9a", "9-12" and "9" tie, "Vol. 3" is 3), a value without digits sorts as text after
    the numbers, and an item without the variable goes last; ties go to the next key."""
    path = tmp_path / "by-volume.csl"
    path.write_text(BY_VOLUME, encoding="utf-8")
    volumes = {"A": "10", "B": "9", "C": "9a", "D": "II", "E": None, "F": "9-12", "G": "Vol. 3"}
    items = [{"id": title, "type": "book", "title": title, **({"volume": volume} if volume else {})}
             for title, volume in volumes.items()]
    entries = Engine(path, options=EngineOptions(workers=1)).bibliography(items, "text")
    assert [entry.text for entry in entries] == ["G", "F", "C", "B", "A", "D", "E"]


SORT_MACRO = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Sort macro</title><id>sort-macro</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <macro name="anon">
    <choose><if variable="author" match="none"><text term="anonymous" form="short"/></if></choose>
  </macro>
  <macro name="contributors">
    <names variable="author"><name/></names>
    <text macro="anon"/>
  </macro>
  <macro name="year">
    <choose>
      <if variable="issued"><date variable="issued"><date-part name="year"/></date></if>
      <else><text term="no date" form="short"/></else>
    </choose>
  </macro>
  <macro name="year-or-status">
    <choose>
      <if variable="issued"><date variable="issued"><date-part name="year"/></date></if>
      <else><text variable="status"/></else>
    </choose>
  </macro>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><sort><key macro="{key}" sort="{direction}"/></sort>
    <layout><text variable="title"/></layout></bibliography>
</style>
"""


def sorted_titles(tmp_path: Path, key: str, direction: str, items: list[dict]) -> list[str]:
    path = tmp_path / "sort-macro.csl"
    path.write_text(SORT_MACRO.format(key=key, direction=direction), encoding="utf-8")
    engine = Engine(path, options=EngineOptions(workers=1))
    return [entry.text for entry in engine.bibliography(items, "text")]


def test_a_term_in_a_sort_macro_without_a_date_is_part_of_the_key(tmp_path):
    """citeproc-js (CSL.expandMacro, CSL.Output.Queue.append): only a macro that holds a cs:date
    drops its terms from a sort key; here "anon." sorts before "Zeller"."""
    items = [{"id": "Z", "type": "book", "title": "Z", "author": [{"family": "Zeller", "given": "A"}]},
             {"id": "N", "type": "book", "title": "N"}]
    assert sorted_titles(tmp_path, "contributors", "ascending", items) == ["N", "Z"]


def test_a_term_in_a_sort_macro_holding_a_date_is_not_part_of_the_key(tmp_path):
    """citeproc-js: in a sort key, a macro that holds a cs:date gives its dates only: the
    undated item's "n.d." is an empty key, last even in descending order."""
    items = [{"id": "N", "type": "book", "title": "N"},
             {"id": "D", "type": "book", "title": "D", "issued": {"date-parts": [[2001]]}}]
    assert sorted_titles(tmp_path, "year", "descending", items) == ["D", "N"]


def test_text_in_a_sort_macro_holding_a_date_is_not_part_of_the_key(tmp_path):
    """citeproc-js: the macro's text variables are dropped from the key as its terms are; an
    item "in press" has an empty key, last in descending order."""
    items = [{"id": "P", "type": "book", "title": "P", "status": "in press"},
             {"id": "D", "type": "book", "title": "D", "issued": {"date-parts": [[2001]]}}]
    assert sorted_titles(tmp_path, "year-or-status", "descending", items) == ["D", "P"]


# a date in a sort macro (citeproc-js src/util_date.js dateAsSortKey) ------------------------------

def _hopper(key: str, title: str, issued: dict) -> dict:
    return {"id": key, "type": "article-journal", "author": [{"family": "Hopper", "given": "E."}],
            "title": title, "container-title": "J", "issued": issued}


def test_a_date_range_sorts_by_its_start_before_a_later_single_year_in_apa():
    # citeproc-js 2.4.63 and pandoc (apa.csl): "(2014–2015). Range." before "(2019). Plain."
    items = [_hopper("s2", "Plain", {"date-parts": [[2019]]}),
             _hopper("s1", "Range", {"date-parts": [[2014], [2015]]})]
    entries = [entry.text for entry in Engine("apa").bibliography(items, "text")]
    assert entries == ["Hopper, E. (2014–2015). Range. J.", "Hopper, E. (2019). Plain. J."]


MACRO_SORT = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Macro sorted</title><id>macro-sorted</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <macro name="date"><date variable="issued" form="numeric"/></macro>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><sort><key macro="date"/></sort><layout><text variable="title"/></layout></bibliography>
</style>"""


def test_a_year_sorts_before_a_later_year_with_month_in_a_macro_date_key(tmp_path):
    path = tmp_path / "macro.csl"
    path.write_text(MACRO_SORT, encoding="utf-8")
    items = [_hopper("b", "May 2018", {"date-parts": [[2018, 5]]}),
             _hopper("a", "2019", {"date-parts": [[2019]]}), _hopper("c", "2017", {"date-parts": [[2017]]})]
    entries = Engine(path).bibliography(items, "text")
    assert [entry.text for entry in entries] == ["2017", "May 2018", "2019"]
