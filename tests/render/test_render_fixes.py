"""Behaviours where citeproc-py 0.11.1 was wrong and our engine is not (render/overrides), and item
preparation (render/intake.py)."""

from __future__ import annotations

import warnings

import pytest

from evidencebib.render import render_bibliography
from evidencebib.render.engine import normalise_date, prepare_item
from evidencebib.render.overrides.names import et_al_options
from evidencebib.render.overrides.pages import format_last_page


def article(**fields):
    item = {"type": "article-journal", "title": "Title", "container-title": "Journal",
            "issued": {"date-parts": [[2020]]}}
    item.update(fields)
    return item


LISTED = [{"family": "Banjar", "given": "S."}, {"family": "Kadour", "given": "E."}]


def one(item, style="ig-criteria", fmt="text"):
    [entry] = render_bibliography([item], style, fmt)
    return entry


# et al from the source --------------------------------------------------------------------------

def test_source_truncated_authors_get_house_et_al_after_listed_names():
    assert one(article(author=LISTED, _et_al=["author"])).startswith("Banjar S, Kadour E et al (2020)")


def test_source_truncated_single_author_gets_et_al():
    assert one(article(author=LISTED[:1], _et_al=["author"])).startswith("Banjar S et al (2020)")


def test_source_truncated_authors_get_apa_et_al():
    assert one(article(author=LISTED, _et_al=["author"]), "apa").startswith(
        "Banjar, S., Kadour, E., et al. (2020)")


def test_source_truncated_authors_get_vancouver_et_al():
    assert one(article(author=LISTED, _et_al=["author"]), "vancouver").startswith(
        "1. Banjar S, Kadour E, et al.")


def test_complete_author_list_gets_no_et_al():
    assert " et al" not in one(article(author=LISTED), "vancouver")


def test_bibtex_person_named_others_becomes_et_al_not_a_name():
    entry = one(article(author=LISTED + [{"family": "others"}]), "apa")
    assert "others" not in entry and entry.startswith("Banjar, S., Kadour, E., et al.")


def test_source_truncation_never_shows_more_than_the_style_use_first():
    four = LISTED + [{"family": "Khoudja", "given": "R."}, {"family": "Four", "given": "F."}]
    assert one(article(author=four, _et_al=["author"])).startswith("Banjar S, Kadour E, Khoudja R et al")


def test_source_truncated_editors_get_et_al():
    item = {"type": "book", "title": "B", "editor": LISTED, "_et_al": ["editor"],
            "issued": {"date-parts": [[2001]]}}
    assert one(item).startswith("Banjar S, Kadour E et al (eds) (2001)")


@pytest.mark.parametrize("listed,style_min,style_first,expected_min,expected_first", [
    (3, 5, 3, 4, 3), (4, 5, 3, 5, 3), (1, 5, 3, 2, 1), (3, 0, 1, 4, 3), (3, 21, 19, 4, 3),
])
def test_et_al_options_truncate_right_after_the_listed_names(listed, style_min, style_first,
                                                             expected_min, expected_first):
    options = et_al_options(listed, style_min, style_first)
    assert (options["et-al-min"], options["et-al-use-first"], options["et-al-use-last"]) == \
        (expected_min, expected_first, "false")


def test_source_truncation_disables_et_al_use_last_in_apa():
    # APA 7 prints "first 19 … last"; with a source truncation the last author is unknown
    many = [{"family": f"N{i}", "given": "A."} for i in range(22)]
    entry = one(article(author=many, _et_al=["author"]), "apa")
    assert "…" not in entry and "et al." in entry


# minimal page ranges ----------------------------------------------------------------------------

@pytest.mark.parametrize("first,last,fmt,expected", [
    ("2", "25", "minimal", "25"), ("e1", "e12", "minimal", "12"), ("720", "736", "minimal", "36"),
    ("321", "328", "minimal-two", "28"), ("42", "45", "minimal-two", "45"),
    ("1087", "1089", "minimal-two", "89"),
    ("101", "108", "chicago", "8"), ("1496", "1504", "chicago", "1504"), ("71", "72", "chicago", "72"),
    ("S1", "S9", "minimal", "9"), ("12", "15", None, "15"), ("12", "15", "expanded", "15"),
])
def test_minimal_page_range_drops_what_citeproc_js_drops(first, last, fmt, expected):
    """Digits shared by equal-length numbers go, and a letter prefix shared by both ends is
    printed once (`e1–12`, `S1–9`), as citeproc-js prints them."""
    assert format_last_page(first, last, fmt) == expected


def test_vancouver_page_range_2_25_is_not_shortened_to_2_5():
    assert "1:2–25." in one(article(author=LISTED, volume="1", page="2-25"), "vancouver")


def test_vancouver_page_range_e1_e12_keeps_every_digit():
    assert "1:e1–12." in one(article(author=LISTED, volume="1", page="e1-e12"), "vancouver")


# crashes and cosmetics --------------------------------------------------------------------------

@pytest.mark.parametrize("style", ["de-buck", "linguistica-uralica", "atlande",
                                   "associacao-brasileira-de-normas-tecnicas-eceme",
                                   "campus-adventiste-du-saleve-faculte-adventiste-de-theologie"])
def test_styles_that_crashed_on_plain_strings_now_render(style):
    assert one(article(author=LISTED, volume="1", page="2-5"), style)


def test_second_field_align_separates_number_from_entry():
    entry = one(article(author=LISTED, volume="1", page="5"), "ama")
    assert entry.startswith("1. Banjar S")


def test_localized_date_keeps_locale_delimiter():
    entry = one(article(author=LISTED, issued={"date-parts": [[2023, 8, 3]]}), "vancouver")
    assert "2023 Aug 3" in entry


def test_duplicate_full_stop_after_italic_is_collapsed():
    from evidencebib.render.marks import ITALIC
    from evidencebib.render.output import merge

    assert merge(ITALIC[0] + "et al." + ITALIC[1], ".") == ITALIC[0] + "et al." + ITALIC[1]


def test_capitalize_first_capitalises_text_inside_markup(tmp_path):
    style = tmp_path / "caps.csl"
    style.write_text(_STYLE.format(layout='<group text-case="capitalize-first"><text variable="title" '
                                          'font-style="italic"/></group>'), encoding="utf-8")
    assert one(article(title="abc"), style, "markdown") == "*Abc*"


def test_macros_are_resolved_once_when_the_style_is_compiled():
    from evidencebib.render import engine, resolve_style

    render_bibliography([article(author=LISTED)], "apa", "text")
    style = engine.load_style(resolve_style("apa"))
    calls = [text for text in style.root.iter("{http://purl.org/net/xbiblio/csl}text") if text.get("macro")]
    assert calls and all(text.c_macro is style.macros[text.get("macro")] for text in calls)
    assert style.root.get_macro("author") is style.macros["author"]  # citeproc-py's look-up agrees


# item preparation -------------------------------------------------------------------------------

def test_raw_date_is_rendered_not_dropped():
    assert one(article(author=LISTED, issued={"raw": "2017-05-03"})).startswith(
        "Banjar S and Kadour E (2017)")


@pytest.mark.parametrize("raw,expected", [
    ("2017-05-03", {"date-parts": [[2017, 5, 3]]}), ("2017", {"date-parts": [[2017]]}),
    ("2017/2018", {"date-parts": [[2017], [2018]]}), ("Spring 2017", {"date-parts": [[2017]], "season": 1}),
    ("in press", {"literal": "in press"}),
])
def test_raw_dates_become_date_parts_season_or_literal(raw, expected):
    """The item model's date normaliser (model/dates.py) reads raw dates, seasons included."""
    assert normalise_date({"raw": raw}) == expected


def test_private_and_unknown_keys_are_dropped_without_warnings():
    item = article(author=LISTED, _line=3, **{"custom": {"a": 1}, "keyword": "k", "shelf": "B2"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert one(item)
    clean, _ = prepare_item(item)
    assert "_line" not in clean and "custom" not in clean and "shelf" not in clean and clean["keyword"] == "k"


@pytest.mark.parametrize("variable", ["citation-key", "supplement-number", "event-title", "reviewed-title",
                                      "archive_location", "part-number", "available-date"])
def test_csl_1_0_2_variables_are_kept(variable):
    value = {"date-parts": [[2020, 1, 2]]} if variable.endswith("date") else "x1"
    clean, _ = prepare_item(article(**{variable: value}))
    assert variable in clean


def test_items_whose_ids_differ_only_in_case_are_both_rendered():
    items = [article(id="Smith2020", author=[{"family": "Smith", "given": "A."}]),
             article(id="smith2020", author=[{"family": "Smith", "given": "B."}])]
    entries = render_bibliography(items, "ig-criteria", "text")
    assert sorted(entry[:8] for entry in entries) == ["Smith A ", "Smith B "]


def test_empty_item_list_renders_no_entries():
    assert render_bibliography([], "apa", "text") == []


# the style tree stays as loaded ----------------------------------------------------------------

@pytest.mark.parametrize("optimised", [False, True])
@pytest.mark.parametrize("style", ["vancouver", "apa", "ieee"])
def test_rendering_again_does_not_grow_the_style_tree(style, optimised):
    """citeproc-py inserted a new default cs:name into every cs:names without one, on every
    render (its tag outside the CSL namespace, so never found again)."""
    from evidencebib.render.engine import Engine, EngineOptions, load_style, resolve_style

    items = [article(author=LISTED, editor=LISTED, page="1-9"),
             article(author=[{"family": "Solo", "given": "A."}], type="book", publisher="P")]
    engine = Engine(style, options=EngineOptions(optimised=optimised))
    engine.bibliography(items, "text")
    root = load_style(resolve_style(style)).root
    size = sum(1 for _ in root.iter())
    for _ in range(3):
        engine.bibliography(items, "text")
    assert sum(1 for _ in root.iter()) == size


_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout>{layout}</layout></bibliography></style>"""
