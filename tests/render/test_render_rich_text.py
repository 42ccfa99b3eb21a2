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
