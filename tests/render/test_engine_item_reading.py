"""How the engine reads an item against a style: the item's type and the style's spellings of a
variable (CSL 1.0.2 Appendix III and IV)."""

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
    `Item.type` undefined, jgm/citeproc reads an empty type), so no `type` test holds (citeproc-js
    prints the same two entries)."""
    items = [{"id": "a", "title": "Untyped"}, {"id": "b", "type": "book", "title": "Typed"}]
    assert entries(items, style(tmp_path, TYPE_LAYOUT)) == ["other: Untyped", "book: Typed"]


EVENT_LAYOUT = ('<choose><if variable="event"><text value="presented at "/><text variable="event"/></if>'
                '<else><text value="no event"/></else></choose>')


def test_a_style_asking_for_event_reads_event_title(tmp_path):
    """csl-variables.rnc (CSL 1.0.2): "event" is an "Alias for 'event-title'. Deprecated." A
    CSL 1.0 style's `variable="event"` (in text and in conditions) finds the event however the
    data spells it: items store `event-title` (model/vocabulary.py reads a legacy `event` as it).
    This is what Zotero users see: Zotero rewrites such a style's `event` to `event-title` before
    citeproc-js gets it (xpcom/style.js `_eventToEventTitle`); citeproc-js 2.4.63 alone and
    jgm/citeproc keep the two names apart (their output for the second item is "no event")."""
    items = [{"id": "a", "type": "paper-conference", "event": "Big Event"},
             {"id": "b", "type": "paper-conference", "event-title": "Other Event"},
             {"id": "c", "type": "paper-conference", "title": "None"}]
    assert entries(items, style(tmp_path, EVENT_LAYOUT)) == [
        "presented at Big Event", "presented at Other Event", "no event"]


def test_a_sort_key_on_event_sorts_by_event_title(tmp_path):
    items = [{"id": "a", "type": "speech", "event-title": "Zeta meeting"},
             {"id": "b", "type": "speech", "event-title": "Alpha meeting"}]
    path = style(tmp_path, '<text variable="event"/>', sort='<sort><key variable="event"/></sort>')
    assert entries(items, path) == ["Alpha meeting", "Zeta meeting"]


def test_a_style_naming_event_title_keeps_event_the_separate_variable(tmp_path):
    """Zotero's rewrite of `event` to `event-title` (xpcom/style.js `_eventToEventTitle`) skips a
    style that names `event-title` in any `variable` attribute: there `variable="event"` is the
    CSL 1.0.1 variable, which an item exported as CSL 1.0.2 (`event-title`) does not have, as in
    citeproc-js (which never maps the two)."""
    layout = ('<choose><if variable="event"><text value="event: "/><text variable="event"/></if>'
              '<else-if variable="event-title"><text value="event-title: "/>'
              '<text variable="event-title"/></else-if></choose>')
    items = [{"id": "b", "type": "paper-conference", "event-title": "Other Event"}]
    assert entries(items, style(tmp_path, layout)) == ["event-title: Other Event"]


def test_an_escaped_character_reference_in_a_style_is_the_character(tmp_path):
    """citeproc-js reads a style with its own parser (CSL.parseXml), which decodes `&amp;` and
    then character references in one pass: `prefix="&amp;#91;"` is "[" there (22 shipped styles
    write `&amp;#160;`, `&amp;#10;` … so), not the five characters `&#91;`."""
    layout = '<text variable="title" prefix="&amp;#91;" suffix="&amp;#x5D;"/>'
    items = [{"id": "a", "type": "book", "title": "Title"}]
    assert entries(items, style(tmp_path, layout)) == ["[Title]"]


def test_the_types_of_one_condition_are_alternatives_under_match_all(tmp_path):
    """citeproc-js composes the words of a `type` attribute as one "any" test (src/attributes.js
    CSL.Attributes["@type"]), whatever `match` says: `<if type="article report">` (match "all")
    holds for a report, as style authors mean it."""
    layout = ('<choose><if type="article report"><text value="article or report"/></if>'
              '<else><text value="other"/></else></choose>')
    items = [{"id": "a", "type": "report", "title": "R"}]
    assert entries(items, style(tmp_path, layout)) == ["article or report"]


def test_a_type_list_is_one_test_among_the_others_of_match_all(tmp_path):
    """The type list is one test: with match "all" a variable test beside it must hold too."""
    layout = ('<choose><if type="article report" variable="publisher"><text value="yes"/></if>'
              '<else><text value="no"/></else></choose>')
    items = [{"id": "a", "type": "report", "title": "R"},
             {"id": "b", "type": "report", "title": "S", "publisher": "P"}]
    assert entries(items, style(tmp_path, layout)) == ["no", "yes"]
