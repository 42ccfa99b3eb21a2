"""BibTeX/BibLaTeX exports protect the case BibTeX would change, nothing else (redteam5 F15).

BibTeX's `change.case$` only ever lower-cases (btxhak/btxdoc: "t" keeps the first character and
lower-cases the rest, braces protect), so a brace around a word with no capital protects
nothing in BibTeX; on our own re-import (and pandoc's) it reads as a nocase span, and a
title-case style then leaves the word lower-case ("trailing And"). The writer braces what the
item protects (its nocase spans) and the capitals BibTeX would lower-case (every capital after
the title's first letter, as Zotero and Better BibTeX do).
"""

from __future__ import annotations

import pytest

from evidencebib.formats import biblatex, bibtex
from evidencebib.render import render_bibliography

WRITERS = {"bibtex": bibtex, "biblatex": biblatex}


def read_one(fields: str, entry_type: str = "article") -> dict:
    return bibtex.read(f"@{entry_type}{{k,\n  author = {{Smith, J.}},\n  {fields},\n"
                       f"  journal = {{J}},\n  year = {{2020}}\n}}\n")[0]


def _title_line(fmt: str, item: dict) -> str:
    text = WRITERS[fmt].write([item])
    return next(line.strip() for line in text.splitlines() if line.strip().startswith("title ="))


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_lower_case_first_word_is_not_braced(fmt):
    assert _title_line(fmt, read_one("title = {trailing and}")) == "title = {trailing and},"


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_lower_case_word_after_a_colon_or_stop_is_not_braced(fmt):
    item = read_one("title = {Annual report. draft: a trial}")
    assert _title_line(fmt, item) == "title = {Annual report. draft: a trial},"


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_lower_case_word_spelt_with_accent_commands_is_not_braced(fmt):
    item = read_one(r"title = {{\aa}rhus and {\ss}tadt: {\l}{\'o}d{\'z} {\v{S}}koda}")
    assert _title_line(fmt, item) == "title = {århus and ßtadt: łódź {Škoda}},"


@pytest.mark.parametrize("fmt", WRITERS)
def test_capitals_after_the_first_letter_of_the_title_are_braced(fmt):
    item = read_one("title = {The DNA of Hepatitis B in mice}")
    assert _title_line(fmt, item) == "title = {The {DNA} of {Hepatitis} {B} in mice},"


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_lower_case_word_the_item_protects_stays_braced(fmt):
    item = read_one("title = {The {van} Gogh letters}")
    assert _title_line(fmt, item) == "title = {The {van} {Gogh} letters},"


@pytest.mark.parametrize("fmt", WRITERS)
def test_each_part_of_a_hyphenated_word_is_protected_on_its_own(fmt):
    item = read_one("title = {Languages with Self-reference in k-Colored graphs}")
    assert _title_line(fmt, item) == "title = {Languages with {Self}-reference in k-{Colored} graphs},"


TITLES = ["trailing and", "Annual report. draft", "effects of x: a trial",
          r"{\aa}rhus and {\ss}tadt", "Fact sheet: Hepatitis B", "the {iPhone} and {van} Gogh",
          "Languages with Self-reference II: knowledge", "Intervalizing k-Colored Graphs",
          "ha-Lashon la-Ramḥal: u-vo sheloshah ḥiburim"]


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("title", TITLES)
def test_export_and_reimport_render_the_same_in_a_title_case_style(fmt, title):
    item = read_one(f"title = {{{title}}}")
    [back] = bibtex.read(WRITERS[fmt].write([item]))
    style = "chicago-author-date"
    assert render_bibliography([back], style, "text", cache=False) == \
        render_bibliography([item], style, "text", cache=False)
