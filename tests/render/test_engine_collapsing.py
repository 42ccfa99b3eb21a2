"""Cite grouping and collapsing in a cluster (CSL 1.0.2 §"Citation-specific Options": Cite
Grouping, Cite Collapsing); expected texts as citeproc-js prints them."""

from __future__ import annotations

from pathlib import Path

from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine


def article(key: str, family: str, year: int, title: str = "A study") -> dict:
    return {"id": key, "type": "article-journal", "title": title, "container-title": "J Immunol",
            "author": [{"family": family, "given": "J."}], "issued": {"date-parts": [[year]]}}


NUMBERED = [article(f"n{index}", f"Author{index}", 2000 + index) for index in range(1, 8)]


def style(tmp_path: Path, citation_attributes: str, layout: str, delimiter: str = "; ") -> Path:
    path = tmp_path / "collapse.csl"
    path.write_text(f"""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>c</id><title>c</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation disambiguate-add-year-suffix="true" {citation_attributes}>
  <layout prefix="(" suffix=")" delimiter="{delimiter}">{layout}</layout></citation>
<bibliography><sort><key macro="k"/></sort><layout><text variable="title"/></layout></bibliography>
<macro name="k"><names variable="author"/><date variable="issued"><date-part name="year"/></date></macro>
</style>""", encoding="utf-8")
    return path


AUTHOR_DATE = ('<group delimiter=" "><names variable="author"><name form="short"/></names>'
               '<date variable="issued"><date-part name="year"/></date></group>')


def test_numeric_citations_of_three_or_more_in_a_row_collapse_to_a_range():
    clusters = [Cluster(["n1", "n2", "n3", "n4", "n5"]), Cluster(["n1", "n2"]),
                Cluster(["n1", "n2", "n3", "n5", "n6", "n7"])]
    assert Engine("vancouver").citations(clusters, "text", NUMBERED) == ["(1–5)", "(1,2)", "(1–3,5–7)"]


def test_a_repeated_number_starts_a_new_run():
    clusters = [Cluster(["n1", "n2", "n2", "n3", "n4"])]
    assert Engine("vancouver").citations(clusters, "text", NUMBERED) == ["(1,2,2–4)"]


def test_a_cite_with_a_locator_breaks_a_numeric_run():
    cluster = Cluster(["n1", Cite("n2", locator="4"), "n3", "n4", "n5"])
    assert Engine("american-medical-association").citations([cluster], "text", NUMBERED) == ["1,2(p4),3–5"]


def test_same_author_cites_print_the_names_once():
    items = [article("w1", "Wang", 2016), article("w2", "Wang", 2019), article("b1", "Banjar", 2023)]
    assert Engine("chicago-author-date").citations([Cluster(["w1", "w2", "b1"])], "text", items) == \
        ["(Wang 2016, 2019; Banjar 2023)"]


def test_cites_of_the_same_names_are_not_moved_together():
    # CSL 1.0.2 would move Wang 2019 next to Wang 2016; citeproc-js does not
    items = [article("w1", "Wang", 2016), article("b1", "Banjar", 2023), article("w2", "Wang", 2019)]
    assert Engine("chicago-author-date").citations([Cluster(["w1", "b1", "w2"])], "text", items) == \
        ["(Wang 2016; Banjar 2023; Wang 2019)"]


def test_a_cite_with_a_prefix_starts_a_new_group():
    items = [article("w1", "Wang", 2016), article("w2", "Wang", 2019)]
    cluster = Cluster(["w1", Cite("w2", prefix="see ")])
    assert Engine("chicago-author-date").citations([cluster], "text", items) == ["(Wang 2016; see Wang 2019)"]


def test_collapsed_cites_with_locators_keep_the_cite_group_delimiter_without_an_after_collapse_one():
    items = [article("w1", "Wang", 2016), article("w2", "Wang", 2019)]
    cluster = Cluster([Cite("w1", locator="3"), "w2"])
    assert Engine("apa").citations([cluster], "text", items) == ["(Wang, 2016, p. 3, 2019)"]


def test_same_author_and_year_print_only_the_year_suffix(tmp_path):
    items = [article("a", "Smith", 2000, "A"), article("b", "Smith", 2000, "B"), article("c", "Smith", 2001)]
    path = style(tmp_path, 'collapse="year-suffix" year-suffix-delimiter=","', AUTHOR_DATE)
    # the next year of the group: ", " inside a collapsed group of an in-text style
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", items) == ["(Smith 2000a,b, 2001)"]


def test_year_suffix_ranges_of_three_or_more(tmp_path):
    items = [article(key, "Smith", 2000, key.upper()) for key in "abcde"] + [article("f", "Smith", 2001)]
    path = style(tmp_path, 'collapse="year-suffix-ranged"', AUTHOR_DATE, delimiter=";")
    engine = Engine(path)
    assert engine.citations([Cluster(list("abcdef"))], "text", items) == ["(Smith 2000a–e, 2001)"]
    # b is registered (not cited here), so c-e follow a after a gap
    assert engine.citations([Cluster(["a", "c", "d", "e", "f"])], "text", items, register="items") == \
        ["(Smith 2000a;c–e, 2001)"]


def test_cite_group_delimiter_alone_groups_without_collapsing(tmp_path):
    items = [article("w1", "Wang", 2016), article("w2", "Wang", 2019), article("b1", "Banjar", 2023)]
    path = style(tmp_path, 'cite-group-delimiter=", "', AUTHOR_DATE)
    assert Engine(path).citations([Cluster(["w1", "w2", "b1"])], "text", items) == \
        ["(Wang 2016, Wang 2019; Banjar 2023)"]


def test_collapse_year_with_locators_separates_cites_with_the_after_collapse_delimiter(tmp_path):
    items = [article("w1", "Wong", 1999), article("w2", "Wong", 2000), article("g", "Garcia", 1998)]
    layout = ('<group delimiter=", ">' + AUTHOR_DATE + '<text variable="locator"/></group>')
    path = style(tmp_path, 'collapse="year" after-collapse-delimiter="; "', layout, delimiter=", ")
    cluster = Cluster([Cite("w1", locator="328"), Cite("w2", locator="475"), Cite("g", locator="67")])
    assert Engine(path).citations([cluster], "text", items) == \
        ["(Wong 1999, 328; 2000, 475; Garcia 1998, 67)"]


def test_a_collapsed_cite_that_printed_only_its_names_adds_nothing(tmp_path):
    items = [article("a", "Smith", 325), article("b", "Smith", 2000),
             {**article("c", "Smith", 1), "issued": None}]
    path = style(tmp_path, 'collapse="year"', AUTHOR_DATE, delimiter=", ")
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", items) == ["(Smith 325 AD, 2000)"]


def test_citation_layout_affixes_sit_inside_its_formatting(tmp_path):
    path = tmp_path / "bold.csl"
    path.write_text("""<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>b</id><title>b</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation collapse="citation-number"><layout delimiter="," font-weight="bold" prefix="(" suffix=")">
<text variable="citation-number" prefix="[" suffix="]"/></layout></citation>
<bibliography><layout><text variable="title"/></layout></bibliography></style>""", encoding="utf-8")
    assert Engine(path).citations([Cluster(["n1", "n2", "n3"])], "html", NUMBERED) == ["<b>([1]–[3])</b>"]


SMITHS = [article("a", "Smith", 2000, "A"), article("b", "Smith", 2000, "B"), article("c", "Smith", 2001),
          {"id": "n1", "type": "book", "title": "N1", "issued": {"date-parts": [[2003]]}},
          {"id": "n2", "type": "book", "title": "N2", "issued": {"date-parts": [[2004]]}},
          article("j", "Jones", 2001)]


def note_class(path: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('class="in-text"', 'class="note"'), encoding="utf-8")
    return path


def test_a_collapsed_group_of_a_note_style_keeps_the_layout_delimiter(tmp_path):
    path = note_class(style(tmp_path, 'collapse="year"', AUTHOR_DATE))
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", SMITHS) == \
        ["(Smith 2000a; 2000b; 2001)"]


def test_an_explicit_cite_group_delimiter_joins_collapsed_year_suffixes(tmp_path):
    """It wins over year-suffix-delimiter, as citeproc-js has it."""
    attributes = 'collapse="year-suffix" cite-group-delimiter="," year-suffix-delimiter="/"'
    path = style(tmp_path, attributes, AUTHOR_DATE)
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", SMITHS) == ["(Smith 2000a,b,2001)"]


def test_cites_without_names_stay_in_the_group_before_them(tmp_path):
    path = style(tmp_path, 'collapse="year"', AUTHOR_DATE)
    assert Engine(path).citations([Cluster(["n1", "n2", "j"])], "text", SMITHS) == \
        ["(2003, 2004; Jones 2001)"]


def test_a_suppress_author_cite_is_grouped_by_the_names_it_leaves_out(tmp_path):
    """citeproc-js keys cite groups on the names before suppress-author removes them: a
    suppressed Jones after Smith starts a new group (layout delimiter), and a Jones after it
    joins its group and loses its names."""
    path = style(tmp_path, 'collapse="year"', AUTHOR_DATE)
    cluster = Cluster(["c", Cite("j", suppress_author=True), "j2"])
    items = SMITHS + [article("j2", "Jones", 2005)]
    assert Engine(path).citations([cluster], "text", items) == ["(Smith 2001; 2001, 2005)"]


def test_the_after_collapse_delimiter_follows_a_cite_with_a_locator_even_unprinted(tmp_path):
    path = style(tmp_path, 'collapse="year" after-collapse-delimiter=" | "', AUTHOR_DATE)
    cluster = Cluster([Cite("a", locator="3"), "c", "j"])
    assert Engine(path).citations([cluster], "text", SMITHS) == ["(Smith 2000a | 2001 | Jones 2001)"]


def test_a_cite_that_prints_a_title_is_not_collapsed_but_loses_its_repeated_names(tmp_path):
    layout = ('<group delimiter=" "><names variable="author"><name form="short"/></names>'
              '<text variable="title"/><date variable="issued"><date-part name="year"/></date></group>')
    path = style(tmp_path, 'collapse="year"', layout)
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", SMITHS) == \
        ["(Smith A 2000; B 2000; A study 2001)"]


def test_a_cite_whose_layout_looked_up_a_text_variable_is_not_collapsed_even_if_it_printed_none(tmp_path):
    """citeproc-js: evaluating a cs:text of a text variable (here the substitute's title-short,
    absent) stops a cite from collapsing with the one before."""
    layout = ('<group delimiter=" "><names variable="author"><name form="short"/>'
              '<substitute><text variable="title-short"/></substitute></names>'
              '<date variable="issued"><date-part name="year"/></date></group>')
    items = [article("a", "Smith", 2000, "A"),
             {"id": "w", "type": "webpage", "title": "W", "issued": {"date-parts": [[2001]]}},
             {"id": "v", "type": "webpage", "title": "V", "issued": {"date-parts": [[2002]]}}]
    path = style(tmp_path, 'collapse="year"', layout)
    assert Engine(path).citations([Cluster(["a", "w", "v"])], "text", items) == ["(Smith 2000; 2001; 2002)"]
