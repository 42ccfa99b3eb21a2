"""The CSL-suite instruments themselves: fixture parsing, comparison, the runner's bookkeeping.

Each rule here is citeproc-test-runner's (lib/fixture-parser.js, lib/sys.js) or the suite
README's; the slow tests of test_csl_suite.py check the whole driver against citeproc-js.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import suite_driver
import csl_fixtures
import engine_adapter

MINIMAL = """>>===== MODE =====>>
citation
<<===== MODE =====<<

comment text between sections is ignored

>>===== RESULT =====>>
{result}
<<===== RESULT =====<<

>>===== CSL =====>>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><id/><title/><updated>2009-08-10T04:49:00+09:00</updated></info>
  <citation><layout delimiter="; "><text variable="title"/></layout></citation>
  <bibliography><sort><key variable="title"/></sort><layout><text variable="title"/></layout></bibliography>
</style>
<<===== CSL =====<<

>>===== INPUT =====>>
[{{"id": "ITEM-1", "type": "book", "title": "Zebra"}},
 {{"id": "ITEM-2", "type": "book", "title": "Aardvark"}}]
<<===== INPUT =====<<
"""


def test_sections_are_read_between_their_markers_whatever_the_number_of_equals_signs() -> None:
    text = MINIMAL.format(result="Zebra").replace(">>===== MODE =====>>", ">>== MODE ==>>") \
        .replace("<<===== MODE =====<<", "<<== MODE ==<<")
    fixture = csl_fixtures.parse_text(text, "x")
    assert fixture.mode == "citation"
    assert fixture.result == "Zebra"
    assert fixture.items[0]["title"] == "Zebra"


def test_a_byte_order_mark_before_the_first_marker_is_allowed() -> None:
    fixture = csl_fixtures.parse_text("\ufeff" + MINIMAL.format(result="Zebra"), "x")
    assert fixture.mode == "citation"


def test_an_empty_result_is_the_empty_string() -> None:
    text = MINIMAL.format(result="").replace(">>===== RESULT =====>>\n\n", ">>===== RESULT =====>>\n")
    assert ">>===== RESULT =====>>\n<<===== RESULT =====<<" in text
    assert csl_fixtures.parse_text(text, "x").result == ""


def test_a_multi_line_result_keeps_its_newlines() -> None:
    assert csl_fixtures.parse_text(MINIMAL.format(result="a\nb"), "x").result == "a\nb"


def test_a_section_left_open_names_the_file_and_line() -> None:
    text = MINIMAL.format(result="Zebra").replace("<<===== INPUT =====<<", "")
    with pytest.raises(csl_fixtures.FixtureError, match=r"broken: section INPUT opened at line \d+"):
        csl_fixtures.parse_text(text, "broken")


def test_a_json_section_that_is_not_json_is_an_error_naming_the_section() -> None:
    text = MINIMAL.format(result="Zebra").replace('[{"id": "ITEM-1"', '[{id: "ITEM-1"')
    with pytest.raises(csl_fixtures.FixtureError, match="section INPUT is not JSON"):
        csl_fixtures.parse_text(text, "broken")


def test_submodes_are_split_off_the_mode() -> None:
    text = MINIMAL.format(result="x").replace("citation\n", "bibliography-nosort\n", 1)
    fixture = csl_fixtures.parse_text(text, "x")
    assert fixture.mode == "bibliography"
    assert fixture.submodes == {"nosort"}


def test_the_group_is_the_name_up_to_the_first_underscore() -> None:
    assert csl_fixtures.parse_text(MINIMAL.format(result="x"), "name_EtAl_Two").group == "name"


# comparison ---------------------------------------------------------------------------------------

def test_whitespace_runs_are_collapsed_and_the_ends_trimmed() -> None:
    assert suite_driver.compare('<div class="csl-bib-body">\n  <div class="csl-entry">A</div>\n</div>',
                                '<div class="csl-bib-body"> <div class="csl-entry">A</div> </div>') \
        == (True, True)


def test_a_no_break_space_is_text_not_layout() -> None:
    assert suite_driver.compare("A\u00a0B", "A B") == (False, False)


def test_numeric_and_named_character_references_are_the_same_character() -> None:
    assert suite_driver.compare("Smith &#38; Jones", "Smith &amp; Jones") == (True, True)
    assert suite_driver.compare("a &#60;b&#62;", "a &lt;b&gt;") == (True, True)


def test_markup_only_differences_pass_only_the_forgiving_comparison() -> None:
    assert suite_driver.compare("<i>Title</i> 2000", "Title 2000") == (False, True)
    assert suite_driver.compare('<div class="csl-left-margin">1.</div>'
                                '<div class="csl-right-inline">Doe</div>', "1. Doe") == (False, True)


def test_an_escaped_tag_is_not_markup() -> None:
    assert suite_driver.compare("<i>x</i>", "&lt;i&gt;x&lt;/i&gt;") == (False, False)


def test_a_failed_run_never_passes() -> None:
    assert suite_driver.compare("", None) == (False, False)


def test_a_loose_document_line_accepts_either_marker_and_no_other_line_does() -> None:
    expected = ">>[0] A\n>>[1] B"
    assert suite_driver.compare(expected, "..[0] A\n>>[1] B", frozenset({0})) == (True, True)
    assert not suite_driver.compare(expected, "..[0] A\n>>[1] B")[0]
    assert not suite_driver.compare(expected, ">>[0] A\n..[1] B", frozenset({0}))[0]


# the runner's bookkeeping ----------------------------------------------------------------------

def test_the_document_after_a_call_is_pre_then_the_citation_then_post_with_their_note_numbers() -> None:
    one = {"citationID": "C1", "citationItems": [{"id": "A"}], "properties": {"noteIndex": 1}}
    two = {"citationID": "C2", "citationItems": [{"id": "B", "locator": 12}], "properties": {"noteIndex": 1}}
    states = suite_driver.document_states([[one, [], []], [two, [], [["C1", 2]]]])
    assert [[(c.id, c.note_number) for c in state] for state in states] == \
        [[("C1", 1)], [("C2", 1), ("C1", 2)]]
    assert states[1][0].cites[0].locator == "12"


def test_a_redefined_citation_replaces_the_earlier_one_in_later_documents() -> None:
    first = {"citationID": "C1", "citationItems": [{"id": "A"}], "properties": {"noteIndex": 1}}
    again = {"citationID": "C1", "citationItems": [{"id": "B"}], "properties": {"noteIndex": 1}}
    states = suite_driver.document_states([[first, [], []], [again, [], []]])
    assert [one.id for one in states[1][0].cites] == ["B"]


def test_ids_are_strings_and_a_repeated_id_keeps_its_last_item_in_its_first_place() -> None:
    items = suite_driver.registry([{"id": 1, "title": "a"}, {"id": "2"}, {"id": 1, "title": "b"},
                                   {"title": "c"}])
    assert list(items) == ["1", "2", "undefined"]
    assert items["1"]["title"] == "b"


@pytest.mark.parametrize("section, kept", [
    ({"select": [{"field": "type", "value": "book"}, {"field": "categories", "value": "x"}]}, ["A"]),
    ({"include": [{"field": "type", "value": "article"}, {"field": "categories", "value": "x"}]}, ["A", "B"]),
    ({"exclude": [{"field": "type", "value": "book"}]}, ["B", "C"]),
    ({"include": [{"field": "categories", "value": "x"}], "quash": [{"field": "issued", "value": ""}]},
     ["A"]),
])
def test_bibsection_rules_follow_the_suite_readme(section: dict, kept: list[str]) -> None:
    items = [{"id": "A", "type": "book", "categories": ["x"], "issued": {"date-parts": [[2000]]}},
             {"id": "B", "type": "article", "categories": ["x"]},
             {"id": "C", "type": "report", "categories": []}]
    assert [item["id"] for item in items if suite_driver.bibsection_keeps(item, section)] == kept


class _Recorder:
    """An adapter that records what the driver asks, answering from canned text."""

    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def bibliography(self, style: Path, items, fmt: str = "html"):
        self.calls.append(("bibliography", [item["id"] for item in items]))
        ordered = sorted(items, key=lambda item: item["title"])
        return [engine_adapter.BibEntry(item["id"], f'<div class="csl-entry">{item["title"]}</div>')
                for item in ordered]

    def citations(self, style: Path, items, clusters, fmt: str = "html", document: bool = False):
        self.calls.append(("citations", [item["id"] for item in items],
                           [[one.id for one in cluster.cites] for cluster in clusters], document))
        return ["; ".join(one.id for one in cluster.cites) for cluster in clusters]


def test_without_citation_items_one_cluster_cites_every_item_in_bibliography_order(tmp_path: Path) -> None:
    recorder = _Recorder()
    fixture = csl_fixtures.parse_text(MINIMAL.format(result="ITEM-2; ITEM-1"), "x")
    outcome = suite_driver.run_fixture(fixture, recorder, tmp_path)
    assert outcome.output == "ITEM-2; ITEM-1"
    assert recorder.calls[-1] == ("citations", ["ITEM-1", "ITEM-2"], [["ITEM-2", "ITEM-1"]], False)


def test_citation_items_are_rendered_one_cluster_at_a_time_against_all_items(tmp_path: Path) -> None:
    text = MINIMAL.format(result="x") + """
>>===== CITATION-ITEMS =====>>
[[{"id": "ITEM-1"}], [{"id": "ITEM-2", "locator": "3"}]]
<<===== CITATION-ITEMS =====<<
"""
    recorder = _Recorder()
    outcome = suite_driver.run_fixture(csl_fixtures.parse_text(text, "x"), recorder, tmp_path)
    assert outcome.output == "ITEM-1\nITEM-2"
    assert [call for call in recorder.calls if call[0] == "citations"] == [
        ("citations", ["ITEM-1", "ITEM-2"], [["ITEM-1"]], False),
        ("citations", ["ITEM-1", "ITEM-2"], [["ITEM-2"]], False)]


def test_bibliography_mode_wraps_the_entries_as_citeproc_js_does(tmp_path: Path) -> None:
    text = MINIMAL.format(result="x").replace("citation\n", "bibliography\n", 1)
    outcome = suite_driver.run_fixture(csl_fixtures.parse_text(text, "x"), _Recorder(), tmp_path)
    assert outcome.output == ('<div class="csl-bib-body">\n  <div class="csl-entry">Aardvark</div>\n'
                              '  <div class="csl-entry">Zebra</div>\n</div>')


def test_a_section_the_driver_cannot_honour_is_a_failure_with_its_reason(tmp_path: Path) -> None:
    text = MINIMAL.format(result="x") + \
        '>>===== OPTIONS =====>>\n{"variableWrapper": true}\n<<===== OPTIONS =====<<\n'
    outcome = suite_driver.run_fixture(csl_fixtures.parse_text(text, "x"), _Recorder(), tmp_path)
    assert outcome.output is None and outcome.error == "unsupported: the driver does not support OPTIONS"


# our engine behind the adapter ---------------------------------------------------------------------

def test_the_instruments_measure_our_engine_and_its_expected_files() -> None:
    assert engine_adapter.OURS is engine_adapter.NewEngine
    assert engine_adapter.expected_file(Path("x"), "expected_pass", ".txt") == \
        Path("x/expected_pass.NewEngine.txt")


def test_new_engine_entries_get_citeproc_js_entry_wrapper_and_no_links(tmp_path: Path) -> None:
    adapter = engine_adapter.NewEngine()
    style = tmp_path / "s.csl"
    style.write_text(csl_fixtures.parse_text(MINIMAL.format(result="x"), "x").csl, encoding="utf-8")
    items = [{"id": "k", "type": "book", "title": "A & B", "URL": "http://e.org/a"}]
    entries = adapter.bibliography(style, items)
    assert [entry.id for entry in entries] == ["k"]
    assert entries[0].text.startswith('<div class="csl-entry">A &amp; B') and "<a " not in entries[0].text


def test_new_engine_takes_a_cluster_with_locator_prefix_and_suffix(tmp_path: Path) -> None:
    adapter = engine_adapter.NewEngine()
    style = tmp_path / "s.csl"
    style.write_text(csl_fixtures.parse_text(MINIMAL.format(result="x"), "x").csl.replace(
        '<text variable="title"/>', '<text variable="title"/><text variable="locator" prefix=" "/>'),
        encoding="utf-8")
    cluster = engine_adapter.ClusterSpec((engine_adapter.CiteSpec("k", locator="3", prefix="see ",
                                                                  suffix="!"),))
    assert adapter.citations(style, [{"id": "k", "type": "book", "title": "A"}], [cluster]) == ["see A 3!"]
