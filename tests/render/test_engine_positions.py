"""Positions of cites over a document's clusters (CSL 1.0.2 §"Position", as citeproc-js decides
them), stated positions, and the capital of a term that opens a note ("Ibid.").

Each expectation here was checked against citeproc-js on the same style and clusters."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.render import Cite, Cluster
from evidencebib.render.citations import as_cite
from evidencebib.render.engine import Engine

ITEMS = [
    {"id": "doe", "type": "book", "title": "His Book", "author": [{"family": "Doe", "given": "John"}]},
    {"id": "roe", "type": "book", "title": "Her Book", "author": [{"family": "Roe", "given": "Jane"}]},
]


def style(tmp_path: Path, klass: str = "note") -> Path:
    path = tmp_path / f"{klass}.csl"
    path.write_text(f"""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="{klass}">
<info><id>p</id><title>p</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout delimiter="; ">
  <choose>
    <if position="ibid-with-locator">
      <group delimiter=", "><text term="ibid"/><text variable="locator"/></group></if>
    <else-if position="ibid"><text term="ibid"/></else-if>
    <else-if position="subsequent"><group delimiter=", "><names variable="author"><name form="short"/></names>
      <text variable="first-reference-note-number" prefix="n. "/></group></else-if>
    <else><group delimiter=", "><names variable="author"/><text variable="title"/>
      <text variable="locator"/></group></else>
  </choose>
</layout></citation></style>""", encoding="utf-8")
    return path


def render(path: Path, clusters) -> list[str]:
    return Engine(path).citations(clusters, "text", ITEMS)


def test_a_note_after_a_note_of_two_citations_is_not_ibid(tmp_path):
    """The previous note held two cites (two citations in note 1): the next one is subsequent."""
    clusters = [Cluster(["doe"], note_number=1), Cluster(["roe"], note_number=1),
                Cluster(["roe"], note_number=2), Cluster(["roe"], note_number=3)]
    assert render(style(tmp_path), clusters) == ["John Doe, His Book", "Jane Roe, Her Book", "Roe, n. 1",
                                                 "Ibid."]


def test_notes_that_are_not_consecutive_are_not_ibid(tmp_path):
    clusters = [Cluster(["doe"], note_number=1), Cluster(["doe"], note_number=3)]
    assert render(style(tmp_path), clusters) == ["John Doe, His Book", "Doe, n. 1"]


def test_in_text_citations_of_a_note_style_follow_each_other(tmp_path):
    """A citation in the text (note number 0) of a note style is ibid after the text citation
    before it ending with the same item, whatever footnote came between."""
    clusters = [Cluster(["roe", "doe"], note_number=0), Cluster(["roe"], note_number=1),
                Cluster(["doe"], note_number=0)]
    # the footnote is the first of the notes: a first cite there
    assert render(style(tmp_path), clusters) == ["Jane Roe, Her Book; John Doe, His Book",
                                                 "Jane Roe, Her Book", "Ibid."]


def test_a_new_locator_after_none_is_ibid_with_locator_and_none_after_one_is_subsequent(tmp_path):
    clusters = [Cluster(["doe"], note_number=1), Cluster([Cite("doe", locator="4")], note_number=2),
                Cluster(["doe"], note_number=3)]
    assert render(style(tmp_path), clusters) == ["John Doe, His Book", "Ibid., 4", "Doe, n. 1"]


def test_positions_follow_the_citations_sort_order(tmp_path):
    """citeproc-js decides positions on a citation's cites as its cs:sort orders them."""
    path = style(tmp_path)
    text = path.read_text(encoding="utf-8").replace(
        "<citation>", '<citation><sort><key variable="title"/></sort>')
    path.write_text(text, encoding="utf-8")
    clusters = [Cluster(["doe", "roe"]), Cluster(["doe"])]
    # sorted by title: "Her Book" (roe) then "His Book" (doe), which the next citation follows
    assert render(path, clusters) == ["Jane Roe, Her Book; John Doe, His Book", "Ibid."]


def test_a_stated_position_is_taken_as_stated(tmp_path):
    assert render(style(tmp_path), [Cluster([Cite("doe", locator="23", position="ibid")])]) == ["Ibid."]
    assert render(style(tmp_path), [Cluster([Cite("doe", position="subsequent")])]) == ["Doe"]


def test_csl_json_positions_in_citeproc_js_numbers_or_names():
    assert as_cite({"id": "doe", "position": 2}).position == "ibid"
    assert as_cite({"id": "doe", "position": 3}).position == "ibid-with-locator"
    assert as_cite({"id": "doe", "position": "subsequent", "near-note": True}) == \
        Cite("doe", position="subsequent", near_note=True)
    with pytest.raises(ValueError, match="unknown cite position"):
        Cite("doe", position="later")  # type: ignore[arg-type]


def test_ibid_first_in_a_note_starts_with_a_capital(tmp_path):
    clusters = [Cluster(["doe"], note_number=1), Cluster(["doe"], note_number=2)]
    assert render(style(tmp_path), clusters)[1] == "Ibid."


def test_an_initial_terms_own_text_case_lowercase_wins_but_a_groups_or_macro_calls_does_not(tmp_path):
    """citeproc-js applies the term's own text-case after capitalizing it (CSL.Output.Queue.append:
    "ibid."), while a lowercase group or macro call around it leaves the capital ("Ibid.")."""
    path = tmp_path / "cased.csl"
    path.write_text("""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="note">
<info><id>c</id><title>c</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<macro name="ibid"><text term="ibid"/></macro>
<citation><layout>
  <choose>
    <if position="ibid-with-locator"><text term="ibid" text-case="lowercase"/></if>
    <else-if position="ibid"><group text-case="lowercase"><text term="ibid"/></group></else-if>
    <else-if position="subsequent"><text macro="ibid" text-case="lowercase"/></else-if>
    <else><text variable="title"/></else>
  </choose>
</layout></citation></style>""", encoding="utf-8")
    clusters = [Cluster(["doe"], note_number=1), Cluster([Cite("doe", locator="2")], note_number=2),
                Cluster([Cite("doe", locator="2")], note_number=3), Cluster(["roe"], note_number=4),
                Cluster(["doe"], note_number=5)]
    assert render(path, clusters) == ["His Book", "ibid.", "Ibid.", "Her Book", "Ibid."]


def test_a_term_after_a_word_of_prefix_keeps_its_case(tmp_path):
    """"see ibid." — but after a prefix that is a sentence of its own, "This was said. Ibid."."""
    clusters = [Cluster(["doe"], note_number=1), Cluster([Cite("doe", prefix="see ")], note_number=2),
                Cluster([Cite("doe", prefix="This was said. ")], note_number=3)]
    assert render(style(tmp_path), clusters)[1:] == ["see ibid.", "This was said. Ibid."]


def test_in_text_styles_keep_the_case_of_an_initial_term(tmp_path):
    clusters = [Cluster(["doe"]), Cluster(["doe"])]
    assert render(style(tmp_path, "in-text"), clusters) == ["John Doe, His Book", "ibid."]


def bibliography_style(tmp_path: Path, layout: str, terms: str = "") -> Path:
    path = tmp_path / "bib.csl"
    path.write_text(f"""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>b</id><title>b</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<locale><terms>{terms}</terms></locale>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout>{layout}</layout></bibliography></style>""", encoding="utf-8")
    return path


def test_a_term_after_the_citation_number_of_an_entry_starts_with_a_capital(tmp_path):
    """citeproc-js: the citation number does not count as printed before a term ("[1] (N.d.)")."""
    from evidencebib.render import render_bibliography

    path = bibliography_style(tmp_path, '<text variable="citation-number" prefix="[" suffix="] "/>'
                                        '<text term="no date" form="short" prefix="(" suffix=")"/>')
    item = {"id": "doe", "type": "book", "title": "His Book"}
    assert render_bibliography([item], path, "text", cache=False) == ["[1] (N.d.)"]


def test_the_capital_of_an_initial_term_goes_to_its_first_word_cut_at_full_stops(tmp_path):
    """capitalize-first as citeproc-js cuts words (at punctuation): "o.V." becomes "O.V."."""
    from evidencebib.render import render_bibliography

    path = bibliography_style(tmp_path, '<text term="anonymous" form="short"/>',
                              '<term name="anonymous" form="short">o.V.</term>')
    item = {"id": "doe", "type": "book", "title": "His Book"}
    assert render_bibliography([item], path, "text", cache=False) == ["O.V."]


def test_a_term_after_a_cs_names_that_printed_nothing_keeps_its_case(tmp_path):
    """citeproc-js: an evaluated cs:names counts as printed before a term even when it prints
    nothing ("[1] n.d."), unless a group around it is suppressed ("N.d.")."""
    from evidencebib.render import render_bibliography

    term = '<text term="no date" form="short"/>'
    item = {"id": "doe", "type": "book", "title": "His Book"}
    after_names = bibliography_style(tmp_path, f'<names variable="author"><name/></names>{term}')
    assert render_bibliography([item], after_names, "text", cache=False) == ["n.d."]
    after_group = bibliography_style(tmp_path, '<group><names variable="author"><name/></names>'
                                               f'<text variable="note"/></group>{term}')
    assert render_bibliography([item], after_group, "text", cache=False) == ["N.d."]
