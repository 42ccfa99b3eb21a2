"""Markup inside titles (Crossref's <i>KRAS</i>, BibTeX's \\textit) is formatting, not text."""

from __future__ import annotations

import pytest

from evidencebib.render import render_bibliography


def entry(title: str, fmt: str, style: str = "ig-criteria") -> str:
    item = {"id": "a", "type": "article-journal", "author": [{"family": "Li", "given": "X."}],
            "title": title, "container-title": "J", "issued": {"date-parts": [[2020]]}}
    return render_bibliography([item], style, fmt)[0]


@pytest.mark.parametrize("fmt, expected", [
    ("markdown", "'Detecting *KRAS* mutations'"),
    ("html", "'Detecting <i>KRAS</i> mutations'"),
    ("text", "'Detecting KRAS mutations'"),
])
def test_italics_in_a_title_become_the_formats_italics(fmt, expected):
    assert expected in entry("Detecting <i>KRAS</i> mutations", fmt)


def test_subscripts_are_kept_in_html():
    assert "H<sub>2</sub>O" in entry("H<sub>2</sub>O intake", "html")


def test_an_unbalanced_angle_bracket_stays_text_and_is_escaped():
    assert "a &lt;b and c" in entry("a <b and c", "html")
    assert "a \\<b and c" in entry("a <b and c", "markdown")


def test_a_script_tag_in_a_title_is_never_markup():
    html = entry("<script>alert(1)</script>", "html")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_other_styles_get_the_same_formatting():
    assert "<i>KRAS</i>" in entry("Detecting <i>KRAS</i>", "html", "apa")


# flip-flop and markup everywhere (CSL 1.0.2 Appendix VI, as citeproc-js 2.4.63 prints it) ---------

def layout_style(tmp_path, layout: str, name: str = "markup"):
    path = tmp_path / f"{name}.csl"
    path.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="note">'
        '<info><id>m</id><title>m</title><updated>2020-01-01T00:00:00+00:00</updated></info>'
        f'<citation><layout>{layout}</layout></citation>'
        f'<bibliography><layout>{layout}</layout></bibliography></style>', encoding="utf-8")
    return path


def rendered(tmp_path, layout: str, fmt: str = "html", **fields) -> str:
    item = {"id": "a", "type": "book", **fields}
    return render_bibliography([item], layout_style(tmp_path, layout), fmt, cache=False)[0]


def test_bold_markup_inside_bold_formatting_prints_normal_weight(tmp_path):
    layout = '<text variable="title" font-weight="bold"/>'
    title = "Speak, <b>friend</b>, and enter"
    assert rendered(tmp_path, layout, title=title) == \
        '<b>Speak, <span style="font-weight:normal;">friend</span>, and enter</b>'
    assert rendered(tmp_path, layout, "markdown", title=title) == "**Speak,** friend**, and enter**"
    assert rendered(tmp_path, layout, "rtf", title=title) == "{\\b Speak, {\\b0 friend}, and enter}"


def test_small_caps_markup_inside_small_caps_prints_normal_variant(tmp_path):
    small_caps = '<text variable="title" font-variant="small-caps"/>'
    assert rendered(tmp_path, small_caps, title="A <sc>b</sc> c") == \
        '<span style="font-variant:small-caps;">A <span style="font-variant:normal;">b</span> c</span>'


def test_nodecor_markup_turns_the_formatting_around_it_back_to_normal(tmp_path):
    assert rendered(tmp_path, '<text variable="title" font-variant="small-caps"/>',
                    title='Lessard <span class="nodecor">v.</span> Schmidt') == \
        ('<span style="font-variant:small-caps;">Lessard <span style="font-variant:normal;">v.</span>'
         " Schmidt</span>")


def test_italic_markup_flips_back_one_level_further_in(tmp_path):
    assert rendered(tmp_path, '<text variable="title" font-style="italic"/>',
                    title="One <i>Two <i>Three</i> Four</i> Five") == \
        '<i>One <span style="font-style:normal;">Two <i>Three</i> Four</span> Five</i>'


def test_the_styles_own_italics_nest_without_flipping(tmp_path):
    layout = '<group font-style="italic"><text variable="title" font-style="italic"/></group>'
    assert rendered(tmp_path, layout, title="Title") == "<i><i>Title</i></i>"


def test_markup_in_any_text_variable_is_formatting(tmp_path):
    assert rendered(tmp_path, '<text variable="publisher"/>', publisher="<i>Nature</i> Publishing") == \
        "<i>Nature</i> Publishing"


def test_markup_in_a_literal_value_is_formatting(tmp_path):
    assert rendered(tmp_path, '<text value="&lt;b&gt;friend&lt;/b&gt;" font-weight="bold"/>') == \
        '<b><span style="font-weight:normal;">friend</span></b>'


def test_markup_in_a_cites_prefix_is_formatting(tmp_path):
    from evidencebib.render.engine import Engine

    engine = Engine(layout_style(tmp_path, '<text variable="title"/>'))
    item = {"id": "a", "type": "book", "title": "Other"}
    assert engine.citations([[{"id": "a", "prefix": "See <i>passim</i> "}]], "html", [item]) == \
        ["See <i>passim</i> Other"]


def test_superscript_characters_print_as_superscript_letters_in_html(tmp_path):
    assert rendered(tmp_path, '<text variable="title"/>', title="ª2 and m² in Brand™") == \
        "<sup>a</sup>2 and m<sup>2</sup> in Brand<sup>TM</sup>"
    assert rendered(tmp_path, '<text variable="title"/>', "text", title="m²") == "m²"


def test_markup_in_a_name_stays_on_its_initials(tmp_path):
    layout = '<names variable="author"><name initialize-with=". " name-as-sort-order="all"/></names>'
    assert rendered(tmp_path, layout, author=[{"family": "<b>Doe</b>", "given": "<b>J</b> Q"}]) == \
        "<b>Doe</b>, <b>J.</b> Q."
    assert rendered(tmp_path, layout, author=[{"family": "<i>Doe</i>", "given": "<b>John</b>-Quincy"}]) == \
        "<i>Doe</i>, <b>J.</b>-Q."
