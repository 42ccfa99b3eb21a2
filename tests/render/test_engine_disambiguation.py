"""Disambiguation of cites over all clusters and the bibliography (CSL 1.0.2 §Disambiguation:
add-names, add-givenname with its givenname-disambiguation-rule, year-suffix, disambiguate="true");
every expected text is what citeproc-js 2.4.63 prints for the same items and style."""

from __future__ import annotations

import re
from pathlib import Path

from evidencebib.render import Cluster
from evidencebib.render.engine import Engine

HEAD = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>d</id><title>d</title><updated>2020-01-01T00:00:00+00:00</updated></info>"""
TAIL = """<bibliography><layout><text variable="title"/></layout></bibliography></style>"""
NAMES_STYLE = HEAD + """
<citation et-al-min="2" et-al-use-first="1" disambiguate-add-names="true" disambiguate-add-givenname="true">
  <layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">
    <names variable="author"><name form="short" initialize-with=". " and="text" delimiter=", "/></names>
    <date variable="issued"><date-part name="year"/></date></group></layout></citation>""" + TAIL
CONDITION_STYLE = HEAD + """
<citation><layout prefix="(" suffix=")" delimiter="; "><group delimiter=", ">
  <names variable="author"><name form="short"/></names><date variable="issued"><date-part name="year"/></date>
  <choose><if disambiguate="true"><text variable="title" font-style="italic"/></if></choose>
</group></layout></citation>""" + TAIL


def article(key: str, names, year: int, title: str = "A study") -> dict:
    return {"id": key, "type": "article-journal", "title": title, "container-title": "J Immunol",
            "author": [{"family": family, "given": given} for family, given in names],
            "issued": {"date-parts": [[year]]}}


def style(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "disambiguate.csl"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_names_shows_the_names_that_tell_cites_apart(tmp_path):
    items = [article("a", [("Smith", "John"), ("Jones", "Ann")], 2000),
             article("b", [("Smith", "John"), ("Brown", "Bea")], 2000)]
    assert Engine(style(tmp_path, NAMES_STYLE)).citations([Cluster(["a", "b"])], "text", items) == \
        ["(Smith and Jones 2000; Smith and Brown 2000)"]


def test_add_givenname_by_cite_expands_the_clashing_name(tmp_path):
    items = [article("a", [("Smith", "John")], 2000), article("b", [("Smith", "Anne")], 2000)]
    assert Engine(style(tmp_path, NAMES_STYLE)).citations([Cluster(["a", "b"])], "text", items) == \
        ["(J. Smith 2000; A. Smith 2000)"]


def test_disambiguate_condition_holds_for_cites_still_ambiguous(tmp_path):
    items = [article("a", [("Smith", "John")], 2000, "Alpha"),
             article("b", [("Smith", "John")], 2000, "Beta"), article("c", [("Doe", "J")], 2000, "Gamma")]
    assert Engine(style(tmp_path, CONDITION_STYLE)).citations([Cluster(["a", "b", "c"])], "text", items) == \
        ["(Smith, 2000, Alpha; Smith, 2000, Beta; Doe, 2000)"]


WANGS = [article("w1", [("Wang", "S. W.")], 2016), article("w2", [("Wang", "T.")], 2016),
         article("w3", [("Wang", "S. W.")], 2016, "Other")]


def test_apa_gives_initials_to_different_first_authors_and_suffixes_to_the_same_one():
    # primary-name-with-initials: the two S. W. Wang items then differ by year suffix only
    assert Engine("apa").citations([Cluster(["w1", "w2", "w3"])], "text", WANGS) == \
        ["(S. W. Wang, 2016a, 2016b; T. Wang, 2016)"]


def test_chicago_author_date_keeps_the_cites_in_the_order_written():
    assert Engine("chicago-author-date").citations([Cluster(["w1", "w2", "w3"])], "text", WANGS) == \
        ["(S. W. Wang 2016a; T. Wang 2016; S. W. Wang 2016b)"]


SMITHS_AND_OTHERS = [article("a", [("Smith", "John"), ("Jones", "Ann")], 2000),
                     article("b", [("Smith", "John"), ("Brown", "Bea")], 2000)]
ET_AL_BIBLIOGRAPHY = ('<bibliography et-al-min="2" et-al-use-first="1">'
                      '<layout><names variable="author"/></layout></bibliography>')


def test_names_are_added_in_citations_only_not_in_the_bibliography(tmp_path):
    """With disambiguate-add-names alone, the entries keep their own et-al abbreviation."""
    path = style(tmp_path, NAMES_STYLE.replace(' disambiguate-add-givenname="true"', "").replace(
        '<bibliography><layout><text variable="title"/></layout></bibliography>', ET_AL_BIBLIOGRAPHY))
    assert [entry.text for entry in Engine(path).bibliography(SMITHS_AND_OTHERS, "text")] == \
        ["John Smith et al.", "John Smith et al."]


def test_names_added_to_tell_cites_apart_show_in_the_bibliography_with_add_givenname(tmp_path):
    """citeproc-js (cmd_cite.js citeStart): with disambiguate-add-givenname as well, an entry
    shows the names its cites show (harvard-cite-them-right: "Guyatt, G.H., Oxman, A.D., Vist,
    G.E., et al. (2008)")."""
    path = style(tmp_path, NAMES_STYLE.replace(
        '<bibliography><layout><text variable="title"/></layout></bibliography>', ET_AL_BIBLIOGRAPHY))
    assert [entry.text for entry in Engine(path).bibliography(SMITHS_AND_OTHERS, "text")] == \
        ["John Smith, Ann Jones", "John Smith, Bea Brown"]


def test_initials_tell_names_apart_even_when_other_names_share_them():
    # primary-name-with-initials (APA): "A." and "H." Lefèvre differ by their initials although
    # Anna and Hiroshi Lefèvre share them; so no year suffix (citeproc-js 2.4.63 prints
    # "Lefèvre, A. (2025)" and "Lefèvre, H. (2025)": benchmarks/render_throughput.py, 1k APA)
    items = [article("anna", [("Lefèvre", "Anna")], 2006), article("hiroshi", [("Lefèvre", "Hiroshi")], 1999),
             article("a", [("Lefèvre", "A.")], 2025), article("h", [("Lefèvre", "H.")], 2025)]
    entries = [entry.text for entry in Engine("apa").bibliography(items, "text")]
    assert [text.split(". ", 2)[1] for text in entries if "2025" in text] == ["(2025)", "(2025)"]


def test_year_suffixes_go_only_to_cites_that_initials_leave_alike_whatever_the_item_ids():
    """CSL 1.0.2 §Disambiguation: a year suffix for cites still ambiguous after add-givenname.
    "E. Dubois, 2013" is told apart from three "J. C. Dubois, 2013" by its initials, so it has
    no suffix and theirs are a–c. citeproc-js 2.4.63 agrees when E. Dubois's id sorts first and
    prints "2013a" for it (and b–d for the others) when its id sorts after theirs: its
    disambiguation scans an ambiguity group in id order (benchmarks/README.md, APA 10,000)."""
    def dubois(key: str, given: str, title: str) -> dict:
        return {"id": key, "type": "article-journal", "title": title, "container-title": "Blood",
                "author": [{"family": "Dubois", "given": given}], "issued": {"date-parts": [[2013]]}}

    def years(lone_id: str) -> list[str]:
        items = [dubois("a000278", "A.", "Alpha"), dubois("a009874", "Anna", "Beta"),
                 dubois(lone_id, "E.", "Gamma"), dubois("a005026", "J. C.", "Delta"),
                 dubois("a005027", "J. C.", "Epsilon"), dubois("a005028", "J. C.", "Zeta")]
        return [re.search(r"Dubois, ([A-Z. ]+) \((2013[a-z]?)\)", entry.text).groups()  # type: ignore[union-attr]
                for entry in Engine("apa").bibliography(items, "text")]

    expected = [("A.", "2013a"), ("A.", "2013b"), ("E.", "2013"), ("J. C.", "2013a"), ("J. C.", "2013b"),
                ("J. C.", "2013c")]
    assert years("a000001") == expected
    assert years("a006359") == expected


def _lee(key: str, names, year, title: str = "A study", **extra) -> dict:
    item = article(key, names, year or 0, title)
    if not year:
        del item["issued"]
    item.update(extra)
    return item


AUTHOR_YEAR = ('<layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">'
               '<names variable="author"><name form="short" and="symbol" delimiter=", "/></names>'
               '<date variable="issued"><date-part name="year"/></date></group></layout>')


def test_cites_that_read_alike_in_their_subsequent_form_are_told_apart_everywhere(tmp_path):
    """citeproc-js decides ambiguity on each item's subsequent cite: with et-al-subsequent-*
    "Lee et al. 2010" twice needs year suffixes, which the first cites print too."""
    path = style(tmp_path, HEAD + '<citation disambiguate-add-year-suffix="true" et-al-min="3" '
                 'et-al-use-first="3" et-al-subsequent-min="1" et-al-subsequent-use-first="1">'
                 + AUTHOR_YEAR + "</citation>" + TAIL)
    items = [_lee("a", [("Lee", "A"), ("Park", "B"), ("Lee", "C"), ("Kim", "D")], 2010),
             _lee("b", [("Lee", "A"), ("Cho", "E"), ("Lee", "C")], 2010), _lee("c", [("Doe", "J")], 2010)]
    assert Engine(path).citations([Cluster(["a", "b", "c"])], "text", items) == \
        ["(Lee, Park, Lee, et al. 2010a; Lee, Cho, & Lee 2010b; Doe 2010)"]


def test_a_name_more_is_kept_when_it_splits_the_cites_into_smaller_groups(tmp_path):
    """Two pairs of identical author lists: the third name splits the pairs apart, and year
    suffixes tell apart each pair's two cites."""
    path = style(tmp_path, HEAD + '<citation disambiguate-add-names="true" '
                 'disambiguate-add-year-suffix="true" et-al-min="3" et-al-use-first="1">'
                 + AUTHOR_YEAR + "</citation>" + TAIL)
    three = [("Lee", "A"), ("Park", "B"), ("Kim", "C")]
    items = [_lee("a", three, 2010, "A"), _lee("b", three, 2010, "B"),
             _lee("c", three + [("Cho", "D")], 2010, "C"), _lee("d", three + [("Cho", "D")], 2010, "D")]
    assert Engine(path).citations([Cluster(["a", "b", "c", "d"])], "text", items) == \
        ["(Lee, Park, & Kim 2010a; Lee, Park, & Kim 2010b; Lee, Park, Kim, et al. 2010a; "
         "Lee, Park, Kim, et al. 2010b)"]


def test_the_day_a_page_was_accessed_does_not_tell_its_cites_apart(tmp_path):
    path = style(tmp_path, HEAD + """<citation disambiguate-add-year-suffix="true">
  <layout prefix="(" suffix=")" delimiter="; "><group delimiter=" ">
  <names variable="author"><name form="short"/></names>
  <choose><if variable="issued"><date variable="issued"><date-part name="year"/></date></if>
    <else><text term="no date" form="short"/></else></choose>
  <text variable="year-suffix" prefix="-"/>
  <date variable="accessed" prefix="[" suffix="]">
    <date-part name="month"/><date-part name="year" prefix=" "/></date>
  </group></layout></citation>""" + TAIL)
    dept = [("Health", "Dept")]
    items = [_lee("w1", dept, None, "Page one", type="webpage", accessed={"date-parts": [[2024, 3]]}),
             _lee("w2", dept, None, "Page two", type="webpage", accessed={"date-parts": [[2025, 1]]})]
    assert Engine(path).citations([Cluster(["w1", "w2"])], "text", items) == \
        ["(Health n.d. -a [March 2024]; Health n.d. -b [January 2025])"]


ACCESSED_STYLE = HEAD + """
<citation disambiguate-add-year-suffix="true"><layout prefix="(" suffix=")" delimiter="; ">
  <group delimiter=" "><names variable="author"><name form="short"/></names>
    <choose><if variable="issued"><date variable="issued"><date-part name="year"/></date></if>
      <else><text term="no date" form="short"/></else></choose></group>
  <date variable="accessed" prefix=" [" suffix="]"><date-part name="year"/></date>
</layout></citation>""" + TAIL


def web_page(key: str, family: str, accessed: int, year: int | None = None) -> dict:
    item = {"id": key, "type": "webpage", "title": f"Page {key}",
            "author": [{"family": family, "given": "J"}], "accessed": {"date-parts": [[accessed, 6, 1]]}}
    if year is not None:
        item["issued"] = {"date-parts": [[year]]}
    return item


def test_the_accessed_date_does_not_tell_cites_apart(tmp_path):
    """citeproc-js leaves the accessed date out of the cites it compares (node_date.js, "just
    looking"): two pages by one author in one year are told apart by a year suffix although
    they were accessed in different years; without an issued date, the suffix goes on the
    first date printed (citeproc-js output)."""
    items = [web_page("a", "Doe", 1965, 2000), web_page("b", "Doe", 2065, 2000),
             web_page("c", "Roe", 1965), web_page("d", "Roe", 2065)]
    clusters = [Cluster(["a", "b", "c", "d"])]
    assert Engine(style(tmp_path, ACCESSED_STYLE)).citations(clusters, "text", items) == \
        ["(Doe 2000a [1965]; Doe 2000b [2065]; Roe n.d. [1965a]; Roe n.d. [2065b])"]


# a list truncated at the source (BibTeX "and others", `_et_al`) under add-names -----------------

def _truncated_born_items():
    one = article("m1", [("Born", "L.")], 2020, "Alpha")
    one["_et_al"] = ["author"]
    two = article("m4", [("Born", "L."), ("Smith", "J.")], 2020, "Delta")
    two["_et_al"] = ["author"]
    return [one, two]


def test_add_names_keeps_the_et_al_of_a_list_truncated_at_the_source_in_citations():
    # pandoc --citeproc (apa.csl): "(Born et al., 2020; Born, Smith, et al., 2020)"
    assert Engine("apa").citations([Cluster(["m1", "m4"])], "text", _truncated_born_items()) == \
        ["(Born et al., 2020; Born, Smith, et al., 2020)"]


def test_add_names_keeps_the_et_al_of_a_list_truncated_at_the_source_in_the_bibliography():
    # pandoc --citeproc (apa.csl): "Born, L. et al. (2020). Alpha. *J Immunol*."
    entries = Engine("apa").bibliography(_truncated_born_items(), "text")
    assert entries[0].text.startswith("Born, L. et al. (2020). Alpha.")
