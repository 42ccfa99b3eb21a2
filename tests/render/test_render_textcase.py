"""Text case (CSL 1.0.2 §"Text-case") as citeproc-js applies it: how words are found, which
words title case leaves alone, nocase text, and the item's language.

Each expected string is what citeproc-js 2.4.63 prints for the same title and style.
"""

from __future__ import annotations

import pytest

from evidencebib.render import render_bibliography


def style_file(tmp_path, case: str, default_locale: str = "en-US"):
    path = tmp_path / f"case-{case}.csl"
    path.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text" '
        f'default-locale="{default_locale}">'
        '<info><id>c</id><title>c</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        '<citation><layout><text variable="title"/></layout></citation>'
        f'<bibliography><layout><text variable="title" text-case="{case}"/></layout></bibliography></style>',
        encoding="utf-8")
    return path


def cased(tmp_path, case: str, title: str, fmt: str = "text", **fields) -> str:
    item = {"id": "a", "type": "book", "title": title, **fields}
    return render_bibliography([item], style_file(tmp_path, case), fmt, cache=False)[0]


@pytest.mark.parametrize("title, expected", [
    ("relationship of self-esteem—and beyond", "Relationship of Self-Esteem—and Beyond"),
    ("closing the scientist–practitioner gap", "Closing the Scientist–Practitioner Gap"),
    ("a cat/mouse study", "A Cat/Mouse Study"),
    ("(and dog) [or bird]", "(And Dog) [or Bird]"),
])
def test_title_case_words_end_at_dashes_slashes_and_quotes(tmp_path, title, expected):
    assert cased(tmp_path, "title", title) == expected


def test_title_case_capitalises_a_word_after_an_opening_quote(tmp_path):
    # citeproc-py does this too: not one of textcase.title's "still needed" tests
    assert cased(tmp_path, "title", "the “new career” and commitment") == "The “New Career” and Commitment"


@pytest.mark.parametrize("title, expected", [
    ("a life about up and down", "A Life about up and Down"),      # citeproc-js's stop words
    ("john von doe and van doe", "John von Doe and van Doe"),      # name particles are stop words
    ("why care? a review. the end", "Why Care? A Review. the End"),  # after ? (and :), not after .
    ("care of x and y", "Care of x and y"),                        # one-letter words stay
    ("β-blockers and α", "β-Blockers and α"),                      # lone Greek letters stay
    ("the follow-up of", "The Follow-up Of"),                      # the last word even if a stop word
])
def test_title_case_leaves_stop_words_single_letters_and_greek_letters(tmp_path, title, expected):
    assert cased(tmp_path, "title", title) == expected


def test_title_case_leaves_small_caps_superscript_and_subscript_markup_alone(tmp_path):
    assert cased(tmp_path, "title", "my <sc>small caps phrase</sc> in a title", "html") == \
        'My <span style="font-variant:small-caps;">small caps phrase</span> in a Title'
    assert cased(tmp_path, "title", "my <sup>sup phrase</sup> and <sub>sub phrase</sub>", "html") == \
        "My <sup>sup phrase</sup> and <sub>sub phrase</sub>"


def test_title_case_inside_italics_still_applies(tmp_path):
    assert cased(tmp_path, "title", "an <i>in vitro</i> study", "html") == "An <i>in Vitro</i> Study"


def test_nocase_text_is_left_alone_by_every_case(tmp_path):
    title = 'a cat <span class="nocase">smith</span> pencil'
    assert cased(tmp_path, "title", title) == "A Cat smith Pencil"
    assert cased(tmp_path, "uppercase", title) == "A CAT smith PENCIL"


def test_capitalize_all_capitalises_each_part_of_a_hyphenated_word(tmp_path):
    assert cased(tmp_path, "capitalize-all", "self-esteem of iPhone users") == "Self-Esteem Of iPhone Users"


def test_capitalize_first_leaves_a_word_with_capitals_alone(tmp_path):
    assert cased(tmp_path, "capitalize-first", "iPhone use") == "iPhone use"
    assert cased(tmp_path, "capitalize-first", "(in press)") == "(In press)"


def test_uppercase_follows_the_items_language(tmp_path):
    assert cased(tmp_path, "uppercase", "ic and ıd", language="tr") == "İC AND ID"
    assert cased(tmp_path, "uppercase", "ia and ıb", language="en") == "IA AND IB"


def test_title_case_is_for_english_items_only(tmp_path):
    assert cased(tmp_path, "title", "la vie en rose", language="fr") == "la vie en rose"



def locale_text_style(tmp_path, layout: str):
    path = tmp_path / "fr.csl"
    path.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text" default-locale="fr-FR">'
        '<info><id>c</id><title>c</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        '<citation><layout><text variable="title"/></layout></citation>'
        f'<bibliography><layout>{layout}</layout></bibliography></style>', encoding="utf-8")
    return path


def test_title_case_on_a_label_applies_in_any_locale(tmp_path):
    """citeproc-js title-cases a label in a French style ("(Éd.)"); only title variables of
    non-English items are spared."""
    label = '<label form="short" prefix=" (" suffix=")" text-case="title"/>'
    path = locale_text_style(tmp_path, f'<names variable="editor"><name/>{label}</names>')
    item = {"id": "a", "type": "book", "editor": [{"family": "Roe", "given": "Jane"}]}
    assert render_bibliography([item], path, "text", cache=False) == ["Jane Roe (Éd.)"]


def test_title_case_on_a_term_applies_in_any_locale(tmp_path):
    path = locale_text_style(tmp_path, '<text variable="title" suffix=" "/>'
                                       '<text term="editor" form="short" text-case="title"/>')
    item = {"id": "a", "type": "book", "title": "x"}
    assert render_bibliography([item], path, "text", cache=False) == ["x Éd."]


def test_text_case_on_a_macro_call_is_not_applied(tmp_path):
    """citeproc-js applies a text-case only to the strings an element appends itself: on a
    cs:text macro= call it does nothing (the macro's own text-case attributes still apply)."""
    path = tmp_path / "macro.csl"
    path.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
        '<info><id>c</id><title>c</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        '<macro name="container"><text variable="container-title" font-style="italic"/>'
        '<text variable="title" text-case="uppercase" prefix=" "/></macro>'
        '<citation><layout><text variable="title"/></layout></citation>'
        '<bibliography><layout><text macro="container" text-case="title" prefix="(" suffix=")"/>'
        '</layout></bibliography></style>', encoding="utf-8")
    item = {"id": "a", "type": "chapter", "title": "a chapter",
            "container-title": "Cochrane database of systematic reviews"}
    assert render_bibliography([item], path, "html", cache=False) == [
        "(<i>Cochrane database of systematic reviews</i> A CHAPTER)"]


@pytest.mark.parametrize("title, expected", [
    ("A Study of NASA Missions", "A study of nasa missions"),
])
def test_sentence_case_lowercases_words_written_in_capitals(tmp_path, title, expected):
    """citeproc-js (CSL.Output.Formatters.sentence): every word after the first is lower case."""
    assert cased(tmp_path, "sentence", title) == expected


@pytest.mark.parametrize("title, expected", [
    ("mRNA Vaccines: A Review", "MRNA vaccines: a review"),
    ("THE EFFECT OF IVIG ON RECURRENT MISCARRIAGE", "THE effect of ivig on recurrent miscarriage"),
])
def test_sentence_case_keeps_the_rest_of_the_first_word_as_written(tmp_path, title, expected):
    """citeproc-js capitalises the first letter of the first word and lower-cases the other
    words; a title written all in capitals is not treated apart."""
    assert cased(tmp_path, "sentence", title) == expected


@pytest.mark.parametrize("title, expected", [
    ("O'Neil's Trial of the WHO", "O’neil’s trial of the who"),
    ("l'Anthropologie", "L’anthropologie"),
])
def test_sentence_case_lowercases_the_letter_after_an_apostrophe(tmp_path, title, expected):
    """citeproc-js joins an apostrophe to the text after it (CSL.Doppeler), so sentence case
    lower-cases that text like any other word."""
    assert cased(tmp_path, "sentence", title) == expected
