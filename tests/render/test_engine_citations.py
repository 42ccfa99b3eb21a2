"""Citations: `Engine.citations(clusters, fmt, items)` (CSL 1.0.2 §Citation, §Position, §Locators)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.errors import UsageError
from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine

ITEMS = [
    {"id": "banjar2023", "type": "article-journal", "title": "IVIg", "container-title": "AJRI",
     "author": [{"family": "Banjar", "given": "S."}, {"family": "Kadour", "given": "E."},
                {"family": "Khoudja", "given": "R."}], "issued": {"date-parts": [[2023]]}},
    {"id": "wang2016", "type": "article-journal", "title": "Meta", "container-title": "RBMO",
     "author": [{"family": "Wang", "given": "S. W."}], "issued": {"date-parts": [[2016]]}},
    {"id": "wang2016b", "type": "article-journal", "title": "Other", "container-title": "RBMO",
     "author": [{"family": "Wang", "given": "S. W."}], "issued": {"date-parts": [[2016]]}},
]
NOTE_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="note">
<info><id>n</id><title>n</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout delimiter="; ">
  <choose>
    <if position="ibid-with-locator"><group delimiter=", "><text term="ibid"/><text variable="locator"/>
      </group></if>
    <else-if position="ibid"><text term="ibid"/></else-if>
    <else-if position="subsequent"><group delimiter=", "><names variable="author"><name form="short"/></names>
      <text value="note"/><text variable="first-reference-note-number"/></group></else-if>
    <else><group delimiter=", "><names variable="author"/><text variable="title"/>
      <group delimiter=" "><label variable="locator" form="short"/><text variable="locator"/></group></group>
    </else>
  </choose>
</layout></citation></style>"""


def note_style(tmp_path: Path) -> Path:
    path = tmp_path / "note.csl"
    path.write_text(NOTE_STYLE, encoding="utf-8")
    return path


def test_house_style_cluster_of_two_cites():
    assert Engine("ig-criteria").citations([Cluster(["banjar2023", "wang2016"])], "text", ITEMS[:2]) == \
        ["(Banjar et al 2023; Wang 2016)"]


def test_year_suffixes_appear_in_citations_too():
    assert Engine("apa").citations([Cluster(["wang2016", "wang2016b"])], "text", ITEMS) == \
        ["(Wang, 2016a, 2016b)"]  # collapse="year": the names once


def test_locator_with_its_label_and_a_prefix_and_suffix():
    cite = Cite("banjar2023", locator="33", label="page", prefix="see ", suffix=", for IVIg")
    assert Engine("apa").citations([Cluster([cite])], "text", ITEMS) == \
        ["(see Banjar et al., 2023, p. 33, for IVIg)"]


def test_suppress_author_leaves_the_year():
    assert Engine("apa").citations([Cluster([Cite("wang2016", suppress_author=True)])], "text",
                                   ITEMS[:2]) == ["(2016)"]


def test_author_only_leaves_the_names():
    assert Engine("apa").citations([Cluster([Cite("wang2016", author_only=True)])], "text",
                                   ITEMS[:2]) == ["(Wang)"]


def test_numbers_follow_the_order_of_first_citation_or_of_the_items():
    engine = Engine("vancouver")  # its citations sort their cites by number
    clusters = [Cluster(["wang2016"]), Cluster(["wang2016", "banjar2023"])]
    assert engine.citations(clusters, "text", ITEMS[:2]) == ["(1)", "(1,2)"]
    assert engine.citations(clusters, "text", ITEMS[:2], register="items") == ["(2)", "(1,2)"]


def test_ibid_and_subsequent_positions(tmp_path):
    """CSL 1.0.2 §Position: a cite right after a citation of several cites is not ibid; after a
    citation of the one item it is; with a new locator it is ibid-with-locator."""
    clusters = [Cluster(["banjar2023", "wang2016"], note_number=1), Cluster(["wang2016"], note_number=2),
                Cluster(["wang2016"], note_number=3), Cluster([Cite("wang2016", locator="4")], note_number=4),
                Cluster(["banjar2023"], note_number=5)]
    assert Engine(note_style(tmp_path)).citations(clusters, "text", ITEMS) == [
        "S. Banjar, E. Kadour, R. Khoudja, IVIg; S. W. Wang, Meta", "Wang, note, 1", "Ibid.", "Ibid., 4",
        "Banjar, Kadour, Khoudja, note, 1"]


def test_first_cite_with_a_locator_prints_its_label(tmp_path):
    clusters = [Cluster([Cite("wang2016", locator="12-14", label="chapter")], note_number=1)]
    assert Engine(note_style(tmp_path)).citations(clusters, "text", ITEMS) == \
        ["S. W. Wang, Meta, chaps. 12–14"]


def test_locale_override_changes_terms_and_quotes():
    engine = Engine("harvard", locale="de-DE")
    assert engine.citations([Cluster(["banjar2023"])], "text", ITEMS) == \
        ["(Banjar, Kadour und Khoudja, 2023)"]
    assert engine.bibliography(ITEMS[:1], "text")[0].text.startswith(
        "Banjar, S., Kadour, E. und Khoudja, R. (2023) „IVIg“")


def test_an_unknown_locale_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown locale 'xx-YY'"):
        Engine("apa", locale="xx-YY")


def test_a_cite_of_an_unknown_item_names_it():
    with pytest.raises(UsageError, match="'nope'"):
        Engine("apa").citations([Cluster(["nope"])], "text", ITEMS)


def test_clusters_accept_csl_json_citation_items():
    cluster = Cluster([{"id": "banjar2023", "locator": "3", "label": "page", "suppress-author": True}])
    assert Engine("apa").citations([cluster], "text", ITEMS) == ["(2023, p. 3)"]


def test_markup_in_a_cites_prefix_and_suffix_is_formatting(tmp_path):
    """As citeproc-js reads a word processor's affixes (item data's markup: `<i>`, `<b>`, `<sc>`);
    a lone "<" stays text."""
    path = tmp_path / "affixes.csl"
    path.write_text("""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>a</id><title>a</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">
<names variable="author"><name form="short"/></names><date variable="issued"><date-part name="year"/></date>
</group></layout></citation><bibliography><layout><text variable="title"/></layout></bibliography></style>""",
                    encoding="utf-8")
    cluster = Cluster([Cite("wang2016", prefix="<i>see</i> ", suffix=", <b>esp.</b> ch. 2"),
                       Cite("banjar2023", prefix="<sc>cf.</sc> ", suffix=" 3 < 4")])
    assert Engine(path).citations([cluster], "html", ITEMS) == [
        '(<i>see</i> Wang 2016, <b>esp.</b> ch. 2; <span style="font-variant:small-caps;">cf.</span> '
        'Banjar, Kadour, Khoudja 2023 3 &lt; 4)']
