"""Quotes and apostrophes in item data (render/overrides/quotes.py).

Each expected string is what citeproc-js (tests/citeproc_js, the pinned npm `citeproc`) prints
for the same item, style and locale; the house style's are its published pages' own typography
(styles/ig-criteria.csl asks for data printed as written).
"""

from __future__ import annotations

import pytest

from evidencebib.render import render_bibliography
from evidencebib.render.engine import Engine
from evidencebib.render.citations import Cite, Cluster
from evidencebib.render.overrides.quotes import QuoteMarks, parse
from evidencebib.render.output import INNER, Lit, Span


def article(title="Title", family="Smith", given="J.", **fields):
    item = {"id": "a", "type": "article-journal", "title": title, "container-title": "J",
            "author": [{"family": family, "given": given}], "issued": {"date-parts": [[2020]]}}
    item.update(fields)
    return item


def entry(item, style):
    [text] = render_bibliography([item], style, "text", cache=False)
    return text


ENGLISH = QuoteMarks("\u201c", "\u201d", "\u2018", "\u2019")


def test_straight_quotes_in_a_title_print_as_the_locale_quotes():
    assert entry(article('Patients\' views of "shared care"'), "vancouver") == \
        "1. Smith J. Patients’ views of “shared care.” J. 2020."


def test_apostrophe_in_a_title_is_typographic():
    assert entry(article("Crohn's disease in the '90s"), "vancouver") == \
        "1. Smith J. Crohn’s disease in the ’90s. J. 2020."


def test_quotes_in_a_quoted_title_are_inner_quotes():
    assert entry(article('The "IVIG" study'), "chicago-author-date") == \
        "Smith, J. 2020. “The ‘IVIG’ Study.” J."


def test_quotes_follow_the_locale_of_the_style():
    # en-GB: single quotes outside, double inside, punctuation outside the quotes
    assert entry(article('O\'Neil\'s "early" trial: the \'IVIG\' study'), "nature") == \
        "1. Smith, J. O’Neil’s ‘early’ trial: the “IVIG” study. J (2020)."


def test_typographic_quotes_in_data_nest_like_straight_ones():
    assert entry(article("The “IVIG” study"), "ieee") == "[1] J. Smith, “The ‘IVIG’ study,” J, 2020."


def test_apostrophes_in_names_are_typographic():
    assert entry(article(family="O'Neil", given="Mary"), "vancouver") == "1. O’Neil M. Title. J. 2020."


def test_punctuation_of_the_data_after_a_quote_stays_outside():
    item = article("Meaning 'God willing'. Another word")
    assert entry(item, "vancouver") == "1. Smith J. Meaning “God willing”. Another word. J. 2020."


def test_punctuation_in_quote_moves_the_styles_full_stop_inside_nested_quotes_that_end_the_data():
    """citeproc-js: the data ends with both closing quotes, so the style's full stop goes inside
    both of them (not between the inner and the outer one)."""
    assert entry(article('\'"Shared care"\''), "vancouver") == "1. Smith J. “‘Shared care.’” J. 2020."


def test_punctuation_in_quote_moves_the_styles_comma_into_a_data_quote_in_citations():
    engine = Engine("chicago-notes-bibliography")
    item = article('"Friend"', id="a")
    [note] = engine.citations([Cluster([Cite("a")])], "text", [item])
    assert note == "J. Smith, “‘Friend,’” J, 2020."


def test_a_cite_prefix_reads_its_quotes_but_keeps_its_own_comma():
    engine = Engine("apa")
    [text] = engine.citations([Cluster([Cite("a", prefix="'quote', ")])], "text", [article(id="a")])
    assert text == "(“quote”, Smith, 2020)"


def test_terms_labels_and_values_of_the_style_read_their_quotes_too(tmp_path):
    style = tmp_path / "terms.csl"
    style.write_text("""<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><id/><title/><updated>2009-08-10T04:49:00+09:00</updated></info>
<locale><terms><term name="anonymous">o'Anon "x"</term>
<term name="page" form="short"><single>p'g</single><multiple>pp'g</multiple></term></terms></locale>
<citation><layout><text term="anonymous"/><text value=" 'val' it's"/>
<label variable="page" form="short" prefix=" "/></layout></citation></style>""", encoding="utf-8")
    item = {"id": "a", "type": "book", "page": "5"}
    [text] = Engine(style).citations([Cluster([Cite("a")])], "text", [item])
    assert text == "o’Anon “x”“val” it’s p’g"  # citeproc-js drops a value's space before a quote


def test_house_style_prints_data_quotes_and_apostrophes_as_written():
    assert entry(article("O'Neil's \"early\" trial", family="O'Neil", given="Mary"), "ig-criteria") == \
        "O'Neil M (2020) 'O'Neil's \"early\" trial', J."


def test_unpaired_double_quote_stays_as_written():
    node = parse('A 12" record', ENGLISH)
    assert type(node) is Lit and node.text == 'A 12" record'


def test_second_quote_form_of_a_value_is_inner_at_the_top():
    node = parse("\"one\" and 'two'", ENGLISH)
    assert type(node) is Span
    quoted = [kid.quotes for kid in node.kids if type(kid) is Span]
    assert quoted == [True, INNER]


def test_french_spaces_before_high_punctuation_are_narrow_no_break_spaces():
    node = parse("His « Anonymous » Life : why ?", ENGLISH)
    assert type(node) is Lit and node.text == "His «\u202fAnonymous\u202f» Life\u202f: why\u202f?"


# against citeproc-js: titles with quotes and apostrophes of every shape, in five locales -----

TRICKY_TITLES = [
    "Jones' house",
    "the '90s and 'the 80s'",
    "He said \"she said 'no'\" loudly",
    "\"Unclosed quote",
    "'Unclosed single",
    "A \"B\" C \"D\"",
    "x\"y\"z",
    "(\"paren\") and ('single')",
    "Rock 'n' roll",
    "It's a 'test', ok",
    "'Tis the season",
    "«Guillemets» and « spaced »",
    "“Curly” ‘single’ mixed \"straight\"",
    "Why? \"Because\"!",
    "<i>Italic 'quoted'</i> text",
    "\"<i>Whole</i>\" thing",
    "a ' b ' c",
    "Nested \"one 'two \"three\"' four\"",
    "Typo’ apostrophe",
    "‘Unclosed curly",
    "Semi ; colon : and ! bang ?",
    "\"Quote.\" After",
    "Two  'spaces'",
    "l'eau et d'une",
    "d ' eau",
    "<i>'Start</i> italic'",
    "'<i>Wrapped</i>'",
    "<span class=\"nocase\">'nc'</span> rest",
    "A 'b <i>c</i> d' e",
    "ETFA '09)",
    "Q: 'What?'",
    "5' 10\"",
]
TRICKY_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
 default-locale="{locale}"><info><id/><title/><updated>2009-08-10T04:49:00+09:00</updated></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout suffix="."><group delimiter=", "><text variable="title" {quotes}/>
<text variable="publisher"/></group></layout></bibliography></style>"""


@pytest.mark.slow
def test_quotes_and_apostrophes_in_titles_agree_with_citeproc_js(tmp_path):
    import citeproc_js_runner

    citeproc_js_runner.require()
    ours, jobs = [], []
    variants = (("en-US", ""), ("en-US", 'quotes="true"'), ("en-GB", 'quotes="true"'),
                ("fr-FR", 'quotes="true"'), ("de-DE", ""))
    for index, (locale, quotes) in enumerate(variants):
        csl = TRICKY_STYLE.format(locale=locale, quotes=quotes)
        path = tmp_path / f"style{index}.csl"
        path.write_text(csl, encoding="utf-8")
        engine = Engine(path)
        for title in TRICKY_TITLES:
            item = {"id": "a", "type": "book", "title": title, "publisher": "P"}
            ours.append(((locale, quotes, title), engine.bibliography([item], "text")[0].text))
            jobs.append({"kind": "fixture", "format": "text",
                         "fixture": {"NAME": "quotes", "MODE": "bibliography", "CSL": csl, "INPUT": [item]}})
    answers = citeproc_js_runner.run_jobs(jobs)
    differences = [(case, mine, answer["bibliography"]["entries"][0])
                   for (case, mine), answer in zip(ours, answers, strict=True)
                   if mine != answer["bibliography"]["entries"][0]]
    assert not differences


def test_a_data_quote_under_quotes_false_around_quotes_true_is_an_outer_quote(tmp_path):
    """citeproc-js (FlipFlopper TagReg): the outermost element that sets quotes decides the level
    of a quote in the data; quotes="false" around the quoted title makes it an outer quote."""
    style = tmp_path / "q.csl"
    style.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text" default-locale="en-US">'
        '<info><id>q</id><title>q</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        '<macro name="title"><text variable="title" quotes="true"/></macro>'
        '<citation><layout><text variable="title"/></layout></citation>'
        '<bibliography><layout><text macro="title" quotes="false"/></layout></bibliography></style>',
        encoding="utf-8")
    item = {"id": "a", "type": "article-journal", "title": 'What is "quality of evidence"'}
    assert render_bibliography([item], style, "text", cache=False) == ["“What is “quality of evidence””"]
