"""CSL 1.0.2 §Reference Grouping, `subsequent-author-substitute`: the names of an entry's first
cs:names that repeat those of the entry before it are replaced, per
`subsequent-author-substitute-rule`. The names compared are the names themselves (citeproc-js
compares each name's parts joined, whatever the style prints), so a family name and a literal
with the same text are the same author, an author and an editor with the same name are the
same names, and "John Doe" and "Jim Doe" are different even where both print "J. Doe". Every
expected text below is what citeproc-js prints for the same style and items."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.render.engine import Engine, EngineOptions

STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Substitute {rule}</title><id>substitute-{rule}</id>
    <updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography subsequent-author-substitute="---" subsequent-author-substitute-rule="{rule}">
    <layout suffix=".">
      <group delimiter=". ">
        <names variable="author">
          <name name-as-sort-order="first" and="text" delimiter=", "{initialize}/>
          <label form="short" prefix=", "/>
          <substitute><names variable="editor"/><text variable="title"/></substitute>
        </names>
        <text variable="title"/>
      </group>
    </layout>
  </bibliography>
</style>
"""


def engine(tmp_path: Path, rule: str = "complete-all", initialize: bool = False) -> Engine:
    path = tmp_path / f"substitute-{rule}.csl"
    path.write_text(STYLE.format(rule=rule, initialize=' initialize-with=". "' if initialize else ""),
                    encoding="utf-8")
    return Engine(path, options=EngineOptions(workers=1))


def book(key: str, title: str, **names: list[tuple[str, ...]]) -> dict:
    item: dict = {"id": key, "type": "book", "title": title}
    for variable, people in names.items():
        item[variable] = [{"literal": person[1]} if person[0] == "literal"
                          else {"family": person[0], **({"given": person[1]} if len(person) > 1 else {})}
                          for person in people]
    return item


def texts(engine: Engine, items: list[dict]) -> list[str]:
    return [entry.text for entry in engine.bibliography(items, "text")]


DOE, ROE, POE, SMITH = ("Doe", "John"), ("Roe", "Ann"), ("Poe", "Ed"), ("Smith", "Ann")
LISTS = [book("4", "Four", author=[DOE, ROE]), book("5", "Five", author=[DOE, ROE]),
         book("6", "Six", author=[DOE, ROE, POE]), book("7", "Seven", author=[DOE, SMITH])]


def test_a_family_name_and_a_literal_with_the_same_text_are_the_same_author(tmp_path):
    items = [book("1", "One", author=[("Beijing Zoo",)]),
             book("2", "Two", author=[("literal", "Beijing Zoo")])]
    assert texts(engine(tmp_path), items) == ["Beijing Zoo. One.", "---. Two."]


def test_an_editor_substituted_for_the_author_is_compared_and_keeps_its_label(tmp_path):
    items = [book("1", "One", author=[DOE]), book("2", "Two", editor=[DOE])]
    assert texts(engine(tmp_path), items) == ["Doe, John. One.", "---, ed. Two."]


def test_the_label_of_the_entry_before_is_not_part_of_the_names_compared(tmp_path):
    items = [book("1", "One", editor=[DOE]), book("2", "Two", author=[DOE])]
    assert texts(engine(tmp_path), items) == ["Doe, John, ed. One.", "---. Two."]


def test_names_that_print_alike_but_differ_are_not_substituted(tmp_path):
    items = [book("1", "One", author=[DOE]), book("2", "Two", author=[("Doe", "Jim")])]
    assert texts(engine(tmp_path, initialize=True), items) == ["Doe, J. One.", "Doe, J. Two."]


def test_a_title_substituted_for_the_names_is_compared_as_printed(tmp_path):
    items = [book("8", "Eight"), book("9", "Eight"), book("10", "Ten", author=[DOE])]
    assert texts(engine(tmp_path), items) == ["Eight.", "---.", "Doe, John. Ten."]


def test_the_names_are_compared_with_the_entry_just_before(tmp_path):
    """An entry without names between two by the same author: the second is printed in full."""
    items = [book("1", "One", author=[DOE]), book("8", "Eight"), book("2", "Two", author=[DOE])]
    assert texts(engine(tmp_path), items) == ["Doe, John. One.", "Eight.", "Doe, John. Two."]


@pytest.mark.parametrize("rule,expected", [
    ("complete-all", ["Doe, John and Ann Roe. Four.", "---. Five.", "Doe, John, Ann Roe, and Ed Poe. Six.",
                      "Doe, John and Ann Smith. Seven."]),
    ("complete-each", ["Doe, John and Ann Roe. Four.", "--- and ---. Five.",
                       "Doe, John, Ann Roe, and Ed Poe. Six.", "Doe, John and Ann Smith. Seven."]),
    ("partial-each", ["Doe, John and Ann Roe. Four.", "--- and ---. Five.", "---, ---, and Ed Poe. Six.",
                      "--- and Ann Smith. Seven."]),
    ("partial-first", ["Doe, John and Ann Roe. Four.", "--- and Ann Roe. Five.",
                       "---, Ann Roe, and Ed Poe. Six.", "--- and Ann Smith. Seven."]),
])
def test_each_rule_replaces_the_names_it_names(tmp_path, rule, expected):
    assert texts(engine(tmp_path, rule), LISTS) == expected


def test_a_different_list_after_a_literal_and_a_family_name_is_printed_in_full(tmp_path):
    items = [book("1", "One", author=[("Beijing Zoo",)]),
             book("2", "Two", author=[("literal", "Beijing Zoo"), DOE])]
    assert texts(engine(tmp_path, "partial-each"), items) == ["Beijing Zoo. One.", "--- and John Doe. Two."]


def test_a_character_reference_in_the_substitute_prints_as_its_character(tmp_path):
    """citeproc-js puts the substitute text into its HTML unescaped: "&amp;#8212;" in the style
    (smithsonian-institution-scholarly-press-author-date) shows as an em dash, not as "&#8212;"
    (and its ";" does not swallow the period that follows)."""
    path = tmp_path / "substitute-reference.csl"
    path.write_text(STYLE.format(rule="complete-all", initialize="").replace(
        'subsequent-author-substitute="---"', 'subsequent-author-substitute="&amp;#8212;&amp;#x2014;"'),
        encoding="utf-8")
    items = [book("1", "One", author=[DOE]), book("2", "Two", author=[DOE])]
    assert texts(Engine(path), items) == ["Doe, John. One.", "\u2014\u2014. Two."]
    assert [entry.text for entry in Engine(path).bibliography(items, "html")][1] == "\u2014\u2014. Two."
