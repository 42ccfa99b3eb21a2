"""The output tree and the pure passes after it (render/output.py, render/overrides/punctuation.py),
and how the output formats write display blocks (render/formats.py)."""

from __future__ import annotations

import pytest

from evidencebib.render import render_bibliography
from evidencebib.render.formats import finish_html, finish_markdown, finish_text
from evidencebib.render.marks import (BLOCK, DISPLAY_CLOSE, INDENT, INNER_QUOTE_CLOSE, INNER_QUOTE_OPEN,
                                      ITALIC, LEFT_MARGIN, QUOTE_CLOSE, QUOTE_OPEN, RIGHT_INLINE)
from evidencebib.render.output import Lit, Span, merge, render
from evidencebib.render.overrides.punctuation import move_into_quotes


@pytest.mark.parametrize("left,right,expected", [
    ("et al.", ".", "et al."), ("Why?", ".", "Why?"), ("Stop!", ".", "Stop!"), ("A;", ".", "A;"),
    ("A:", "?", "A?"), ("x ", " y", "x y"), ("a,", ", b", "a, b"), ("Elsevier ", ".", "Elsevier ."),
    ("a", ", b", "a, b"), ("“Why?”", ".", "“Why?”"),
])
def test_seams_follow_citeproc_js(left, right, expected):
    assert merge(left, right) == expected


def test_seams_look_through_markup():
    assert merge(ITALIC[0] + "et al." + ITALIC[1], ". Title") == ITALIC[0] + "et al." + ITALIC[1] + " Title"


def test_an_element_with_empty_content_prints_no_affixes():
    assert render(Span([Span([Lit("")], prefix="(", suffix=")"), Lit("x")])) == "x"


def test_quotes_nest_as_inner_quotes_in_the_tree():
    tree = Span([Lit("A "), Span([Lit("B")], quotes=True)], quotes=True)
    assert render(tree) == QUOTE_OPEN + "A " + INNER_QUOTE_OPEN + "B" + INNER_QUOTE_CLOSE + QUOTE_CLOSE


def test_punctuation_moves_into_nested_quotes():
    marked = QUOTE_OPEN + "A " + INNER_QUOTE_OPEN + "B" + INNER_QUOTE_CLOSE + QUOTE_CLOSE + ". C"
    assert move_into_quotes(marked) == QUOTE_OPEN + "A " + INNER_QUOTE_OPEN + "B." + INNER_QUOTE_CLOSE + \
        QUOTE_CLOSE + " C"


def test_full_stop_after_italic_et_al_is_printed_once():
    item = {"id": "a", "type": "article-journal", "title": "Title", "container-title": "J", "volume": "1",
            "page": "2-3", "issued": {"date-parts": [[2020]]},
            "author": [{"family": f"N{n}", "given": "A"} for n in range(8)]}
    [entry] = render_bibliography([item], "lancet", "markdown", cache=False)
    assert entry == "1 N0 A, N1 A, N2 A, *et al.* Title. *J* 2020; **1**: 2–3."


def test_quotes_inside_quotes_are_inner_quotes(tmp_path):
    style = tmp_path / "q.csl"
    style.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
                     '<info><id>q</id><title>q</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
                     '<citation><layout><text variable="title"/></layout></citation><bibliography><layout>'
                     '<group quotes="true"><text value="Review of "/>'
                     '<text variable="title" quotes="true"/></group>'
                     '</layout></bibliography></style>', encoding="utf-8")
    item = {"id": "a", "type": "review", "title": "The One"}
    assert render_bibliography([item], style, "text", cache=False) == ["“Review of ‘The One’”"]


def test_text_prints_display_parts_apart_and_html_as_citeproc_js_divs():
    marked = LEFT_MARGIN + "1." + DISPLAY_CLOSE + RIGHT_INLINE + "Banjar S." + DISPLAY_CLOSE
    assert finish_text(marked) == "1. Banjar S."
    assert finish_markdown(marked) == "1\\. Banjar S."
    # citeproc-js's html formatter: no space between the two parts, each div's own line breaks
    assert finish_html(marked) == ('\n    <div class="csl-left-margin">1.</div>'
                                   '<div class="csl-right-inline">Banjar S.</div>\n  ')


def test_html_blocks_and_indents_carry_citeproc_js_line_breaks():
    marked = (BLOCK + "Doe" + DISPLAY_CLOSE + LEFT_MARGIN + "1999" + DISPLAY_CLOSE
              + RIGHT_INLINE + "Title" + DISPLAY_CLOSE + INDENT + "Note" + DISPLAY_CLOSE)
    assert finish_html(marked) == ('\n\n    <div class="csl-block">Doe</div>\n'
                                   '\n    <div class="csl-left-margin">1999</div>'
                                   '<div class="csl-right-inline">Title</div>\n  '
                                   '<div class="csl-indent">Note</div>\n  ')


def test_second_field_align_entries_in_html_have_left_margin_and_right_inline_divs():
    item = {"id": "a", "type": "article-journal", "title": "T", "container-title": "J", "volume": "1",
            "issued": {"date-parts": [[2020]]}, "author": [{"family": "Banjar", "given": "S."}]}
    [entry] = render_bibliography([item], "vancouver", "html", cache=False)
    # as citeproc-js 2.4.63 prints it
    assert entry.startswith('\n    <div class="csl-left-margin">1.</div>'
                            '<div class="csl-right-inline">Banjar S. T. J.')
    assert entry.endswith("</div>\n  ")


def test_italics_inside_italics_print_upright_in_every_format():
    """CSL 1.0.2 §Formatting, as citeproc-js flip-flops it: a species name in italics inside an
    italic journal title prints upright."""
    item = {"id": "a", "type": "book", "title": "Studies of <i>Escherichia coli</i> growth", "publisher": "P",
            "issued": {"date-parts": [[2020]]}, "author": [{"family": "Li", "given": "X."}]}
    assert "<i>Studies of <span style=\"font-style:normal;\">Escherichia coli</span> growth</i>" in \
        render_bibliography([item], "ig-criteria", "html", cache=False)[0]
    assert "*Studies of* Escherichia coli *growth*" in render_bibliography([item], "ig-criteria", "markdown",
                                                                           cache=False)[0]
    assert "{\\i Studies of {\\i0 Escherichia coli} growth}" in \
        render_bibliography([item], "ig-criteria", "rtf", cache=False)[0]


def test_a_repeated_author_is_substituted_in_the_style_manual():
    """CSL 1.0.2 §Reference Grouping (subsequent-author-substitute, complete-all): the
    Australian Government Style Manual prints "——" for an author repeated from the entry
    before; a different list of names is printed in full (as citeproc-js prints them)."""
    def book(title, year, authors):
        return {"id": title, "type": "book", "title": title, "publisher": "P",
                "issued": {"date-parts": [[year]]},
                "author": [{"family": family, "given": given} for family, given in authors]}

    items = [book("A", 2001, [("Smith", "John")]), book("B", 2003, [("Smith", "John")]),
             book("C", 2004, [("Smith", "John"), ("Roe", "Jane")])]
    assert render_bibliography(items, "style-manual-australian-government", "text", cache=False) == \
        ["Smith J (2001) A, P.", "—— (2003) B, P.", "Smith J and Roe J (2004) C, P."]
