"""Rendering elements as CSL 1.0.2 specifies them, where citeproc-py 0.11.1 does otherwise
(each test is the "still needed" test of an override, tests/render/test_overrides.py)."""

from __future__ import annotations

import pytest

from pathlib import Path

from evidencebib.render import render_bibliography

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"{style_attributes}>
<info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout>{layout}</layout></bibliography></style>"""


def style(tmp_path: Path, layout: str, **attributes: str) -> Path:
    path = tmp_path / "t.csl"
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
    path.write_text(STYLE.format(layout=layout, style_attributes=extra), encoding="utf-8")
    return path


def entries(items, path, fmt="text"):
    return render_bibliography(items, path, fmt, cache=False)


def test_substituted_editor_is_not_printed_twice():
    """CSL 1.0.2 §Substitute: variables a cs:substitute printed are suppressed for the rest of
    the entry (issue 14: APA printed an edited book's editor twice)."""
    book = {"id": "b", "type": "book", "title": "Antibody therapy", "publisher": "Springer",
            "editor": [{"family": "Imbach", "given": "P."}], "issued": {"date-parts": [[2018]]}}
    [entry] = entries([book], "apa")
    assert entry == "Imbach, P. (Ed.). (2018). Antibody therapy. Springer."


def test_substituted_title_is_not_printed_twice(tmp_path):
    layout = ('<group delimiter=". "><names variable="author">'
              '<substitute><text variable="title"/></substitute></names>'
              '<text variable="title"/><text variable="publisher"/></group>')
    item = {"id": "w", "type": "webpage", "title": "A page", "publisher": "Org"}
    assert entries([item], style(tmp_path, layout)) == ["A page. Org"]


def test_label_of_an_empty_variable_prints_nothing(tmp_path):
    layout = '<group delimiter=" "><label variable="page" form="short"/><text variable="title"/></group>'
    item = {"id": "a", "type": "book", "title": "No pages"}
    assert entries([item], style(tmp_path, layout)) == ["No pages"]


def test_gendered_ordinals_follow_the_gender_of_the_variables_term(tmp_path):
    """CSL 1.0.2 §Gender-specific Ordinals: French "1re édition" (édition is feminine) but
    "1er" for a volume (masculine), as citeproc-js prints them."""
    layout = ('<group delimiter=" "><number variable="edition" form="ordinal"/><text term="edition"/>'
              '<number variable="volume" form="ordinal"/></group>')
    item = {"id": "a", "type": "book", "edition": "1", "volume": "1"}
    assert entries([item], style(tmp_path, layout, default_locale="fr-FR")) == ["1ʳᵉ édition 1ᵉʳ"]


@pytest.mark.parametrize("locale,expected", [("en-US", "xii\u2013xiv 2\u20133"), ("es-ES", "xii-xiv 2-3"),
                                             ("fr-FR", "xii\u2011xiv 2\u20113")])
def test_a_number_range_takes_the_locales_range_delimiter(tmp_path, locale, expected):
    """A cs:number range is joined by the locale's page-range-delimiter term (an en dash in
    en-US, a hyphen in es-ES, a non-breaking hyphen in fr-FR), as citeproc-js prints it."""
    layout = '<group delimiter=" "><number variable="volume" form="roman"/><number variable="issue"/></group>'
    item = {"id": "a", "type": "book", "volume": "12-14", "issue": "2-3"}
    assert entries([item], style(tmp_path, layout, default_locale=locale)) == [expected]


@pytest.mark.parametrize("edition,volume,expected", [
    ("7, p. 3-8", "4, pp 3", "7th, pp. 3\u20138 | iv, pp 3"),
    ("2, p. 5", "4, ch. 2, 4", "2nd, p. 5 | iv, chaps. 2, 4"),
    ("3, fig. 2 & 4", "12, vol. 3", "3rd, figs. 2 & 4 | xii, iii"),
])
def test_a_label_inside_a_number_prints_as_its_term_and_its_numbers_plain(tmp_path, edition, volume,
                                                                           expected):
    """citeproc-js processNumber: a label after a comma in a number variable prints as its term's
    short form, plural before several numbers ("pp.", "chaps."); the numbers it labels keep no
    ordinal or roman form; one it does not know prints as written; the variable's own ("vol."
    in a volume) is not printed. Each expected text is citeproc-js's."""
    layout = ('<group delimiter=" | "><number variable="edition" form="ordinal"/>'
              '<number variable="volume" form="roman"/></group>')
    item = {"id": "a", "type": "book", "edition": edition, "volume": volume}
    assert entries([item], style(tmp_path, layout)) == [expected]


def test_is_numeric_accepts_a_range(tmp_path):
    """CSL 1.0.2 §Choose is-numeric: "2-4" and "2, 3" are numeric, "2nd edition" is not."""
    layout = ('<choose><if is-numeric="issue"><text value="numeric "/></if><else><text value="text "/></else>'
              '</choose><text variable="issue"/>')
    items = [{"id": str(n), "type": "book", "issue": issue, "title": str(n)}
             for n, issue in enumerate(["2-4", "2, 3", "2nd edition", "D2"])]
    assert entries(items, style(tmp_path, layout)) == ["numeric 2-4", "numeric 2, 3", "text 2nd edition",
                                                      "numeric D2"]


def test_several_types_in_one_condition_hold_for_any_of_them(tmp_path):
    """citeproc-js: type="webpage song" holds for a web page even with match="all" (the default),
    the other tests still all counted; with match="none" it holds for neither type."""
    layout = ('<choose><if type="webpage song" variable="URL"><text value="web or song"/></if>'
              '<else-if type="book report" match="none"><text value="other"/></else-if>'
              '<else><text value="book or report"/></else></choose>')
    items = [{"id": "w", "type": "webpage", "URL": "https://example.org", "title": "w"},
             {"id": "s", "type": "song", "title": "s"},
             {"id": "b", "type": "book", "title": "b"}]
    assert entries(items, style(tmp_path, layout)) == ["web or song", "other", "book or report"]


def test_long_ordinal_above_ten_is_an_ordinal(tmp_path):
    layout = '<number variable="edition" form="long-ordinal"/>'
    items = [{"id": "a", "type": "book", "edition": "2"}, {"id": "b", "type": "book", "edition": "12"}]
    assert entries(items, style(tmp_path, layout)) == ["second", "12th"]


def test_strip_periods_removes_full_stops(tmp_path):
    layout = '<text variable="container-title" strip-periods="true"/>'
    item = {"id": "a", "type": "article-journal", "container-title": "Am. J. Obstet. Gynecol."}
    assert entries([item], style(tmp_path, layout)) == ["Am J Obstet Gynecol"]


def test_a_macro_whose_variables_are_all_empty_prints_nothing(tmp_path):
    """citeproc-js treats a macro like a group: no found variable, nothing printed (its terms
    neither), and a macro that prints counts as a found variable for the group around it."""
    path = tmp_path / "m.csl"
    layout = '<text value="["/><text macro="m"/><text value="]"/>' \
        '<group prefix=" "><text macro="m"/><text value="!"/></group>'
    macro = '<macro name="m"><text term="in" suffix=" "/><text variable="volume"/></macro>'
    path.write_text(STYLE.format(style_attributes="", layout=layout).replace("<citation>",
                                                                             macro + "<citation>"),
                    encoding="utf-8")
    items = [{"id": "a", "type": "book", "title": "T"}, {"id": "b", "type": "book", "volume": "3"}]
    assert entries(items, path) == ["[]", "[in 3] in 3!"]


def test_text_case_leaves_nocase_spans_alone(tmp_path):
    layout = '<text variable="title" text-case="uppercase"/>'
    item = {"id": "a", "type": "book", "title": 'the <span class="nocase">mRNA</span> study'}
    assert entries([item], style(tmp_path, layout)) == ["THE mRNA STUDY"]
