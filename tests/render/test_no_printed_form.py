"""An item the style prints nothing for (CSL 1.0.2 is silent), as citeproc-js handles it: the
first cite of a cluster prints "[CSL STYLE ERROR: reference with no printed form.]" (a later one
is left out), and in a numbered style (its citations print citation-number) the entry keeps its
number with that text, so the numbers of the entries still match the citations. Elsewhere an
entry that prints nothing has no entry. Expected texts: citeproc-js on the same style and items."""

from __future__ import annotations

from pathlib import Path

from evidencebib.render.engine import Cluster, Engine, EngineOptions

NO_FORM = "[CSL STYLE ERROR: reference with no printed form.]"
AUTHOR_TITLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Titles</title><id>titles</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="(" suffix=")" delimiter="; "><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title"/></layout></bibliography>
</style>
"""
# personal communications cited by name, left out of the numbered bibliography
NUMBERED = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Numbered</title><id>numbered</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]" delimiter=",">
    <choose><if type="personal_communication"><text variable="title"/></if>
      <else><text variable="citation-number"/></else></choose></layout></citation>
  <bibliography><layout><choose><if match="none" type="personal_communication">
    <text variable="citation-number" suffix=". "/><text variable="title"/></if></choose></layout>
  </bibliography>
</style>
"""
ITEMS = [{"id": "1", "type": "book", "title": "A"}, {"id": "2", "type": "personal_communication"},
         {"id": "3", "type": "book", "title": "C"}]


def engine(tmp_path: Path, text: str) -> Engine:
    path = tmp_path / "style.csl"
    path.write_text(text, encoding="utf-8")
    return Engine(path, options=EngineOptions(workers=1))


def test_the_first_cite_that_prints_nothing_prints_the_no_printed_form_text(tmp_path):
    clusters = [Cluster(["2"]), Cluster(["2", "1"]), Cluster(["1", "2", "3"])]
    assert engine(tmp_path, AUTHOR_TITLE).citations(clusters, "text", ITEMS) == \
        [f"({NO_FORM})", f"({NO_FORM}; A)", "(A; C)"]


def test_a_numbered_bibliography_keeps_the_number_of_an_entry_that_prints_nothing(tmp_path):
    entries = engine(tmp_path, NUMBERED).bibliography(ITEMS, "text")
    assert [entry.text for entry in entries] == ["1. A", f"2. {NO_FORM}", "3. C"]


def test_an_entry_that_prints_nothing_in_a_style_without_numbers_has_no_entry(tmp_path):
    entries = engine(tmp_path, AUTHOR_TITLE).bibliography(ITEMS, "text")
    assert [entry.text for entry in entries] == ["A", "C"]
