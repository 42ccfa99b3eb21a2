"""Names as citeproc-js reads and prints them (CSL 1.0.2 §Names, §Name, §Name Particles,
§Et-al, §Label in cs:names); every expected text is what citeproc-js 2.4.63 prints for the same
item and style (checked side by side with tests/support/engine_adapter.CiteprocJs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.render import Cluster, render_bibliography
from evidencebib.render.engine import Engine

HEAD = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"{attributes}>
<info><id>n</id><title>n</title><updated>2020-01-01T00:00:00+00:00</updated></info>"""
CITATION = """<citation{options}><layout delimiter="; ">{layout}</layout></citation>"""
BIBLIOGRAPHY = """<bibliography{options}>{sort}<layout>{layout}</layout></bibliography></style>"""


def style(tmp_path: Path, bibliography: str, citation: str = '<text variable="title"/>', *,
          citation_options: str = "", bibliography_options: str = "", sort: str = "",
          **attributes: str) -> Path:
    path = tmp_path / "names.csl"
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
    path.write_text(HEAD.format(attributes=extra)
                    + CITATION.format(options=citation_options, layout=citation)
                    + BIBLIOGRAPHY.format(options=bibliography_options, sort=sort, layout=bibliography),
                    encoding="utf-8")
    return path


def book(key: str, *names: dict, year: int = 2001, title: str = "Hello", **fields) -> dict:
    item = {"id": key, "type": "book", "title": title, "publisher": "P", "issued": {"date-parts": [[year]]},
            "author": list(names)}
    item.update(fields)
    return item


def entries(items, path, fmt="text"):
    return render_bibliography(items, path, fmt, cache=False)


def cite(items, path, *ids: str) -> str:
    [text] = Engine(path).citations([Cluster(list(ids))], fmt="text", items=items)
    return text


# particles and suffixes parsed out of the name parts (names.parse) ----------------------------

def test_particle_in_the_family_field_is_demoted_like_an_explicit_one():
    """Chicago demotes particles (display-and-sort): "van der Berg" in the family field, as
    Zotero exports it, prints and sorts as the explicit non-dropping particle does."""
    items = [book("cook", {"family": "Cook", "given": "Anne"}, year=2003),
             book("field", {"family": "van der Berg", "given": "Jan"}),
             book("explicit", {"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
                  year=2002)]
    assert entries(items, "chicago-author-date") == [
        "Berg, Jan van der. 2001. Hello. P.", "Berg, Jan van der. 2002. Hello. P.",
        "Cook, Anne. 2003. Hello. P."]


def test_particle_in_the_family_field_stays_in_front_where_the_style_never_demotes():
    items = [book("field", {"family": "van der Berg", "given": "Jan"})]
    assert entries(items, "apa") == ["van der Berg, J. (2001). Hello. P."]


def test_a_family_in_double_quotes_is_kept_whole():
    """CSL-JSON's escape (citeproc-js, jgm/citeproc): a quoted family is one unparsed name."""
    items = [book("cook", {"family": "Cook", "given": "Anne"}),
             book("quoted", {"family": '"van der Berg"', "given": "Piet"})]
    assert entries(items, "chicago-author-date") == ["Cook, Anne. 2001. Hello. P.",
                                                     "van der Berg, Piet. 2001. Hello. P."]


def test_trailing_lower_case_given_names_are_the_dropping_particle():
    items = [book("b", {"family": "Beethoven", "given": "Ludwig van"})]
    assert entries(items, "vancouver") == ["1. Beethoven L van. Hello. P; 2001."]


def test_suffix_after_a_comma_in_the_given_name(tmp_path):
    """citeproc-js's parseSuffix: "John, III" is given John and suffix III; "John,! Jr." also
    keeps the comma before the suffix in the name's display order (comma-suffix)."""
    path = style(tmp_path, '<names variable="author"/>')
    items = [book("a", {"family": "Doe", "given": "John, III"}),
             book("b", {"family": "Roe", "given": "Jane,! Jr."})]
    assert entries(items, path) == ["John Doe III", "Jane Roe, Jr."]
    apa = entries([book("c", {"family": "Doe", "given": "John, Jr."})], "apa")
    assert apa == ["Doe, J., Jr. (2001). Hello. P."]


def test_hyphenated_particle_joins_the_family_without_a_space(tmp_path):
    """"al-One": the particle ends with a hyphen, so nothing is put between it and the family;
    demoted after the given name it is a separate word (citeproc-js)."""
    name = {"family": "al-One", "given": "Alan"}
    plain = style(tmp_path, '<names variable="author"/>')
    assert entries([book("a", name)], plain) == ["Alan al-One"]
    inverted = style(tmp_path, '<names variable="author"><name name-as-sort-order="all"/></names>',
                     demote_non_dropping_particle="display-and-sort")
    assert entries([book("a", name)], inverted) == ["One, Alan al-"]


def test_dropping_particle_ending_in_an_apostrophe_joins_the_family(tmp_path):
    path = style(tmp_path, '<names variable="author"/>')
    assert entries([book("a", {"family": "Aubignac", "given": "François Hédelin d’"})], path) == [
        "François Hédelin d’Aubignac"]


def _primary_name_style(tmp_path: Path, **attributes: str) -> Path:
    return style(tmp_path, '<text variable="title"/>',
                 '<names variable="author"><name form="short" initialize-with=". "/></names>',
                 citation_options=(' disambiguate-add-givenname="true"'
                                   ' givenname-disambiguation-rule="primary-name"'),
                 **attributes)


SMITHS = [book("a", {"family": "dos Smith", "given": "Alan"}),
          book("b", {"family": "Smith", "given": "Beatrice"})]


def test_given_names_tell_apart_a_family_with_and_without_a_demoted_particle(tmp_path):
    """citeproc-js's name registry files a name under its family without the particle
    (demote-non-dropping-particle defaults to display-and-sort): "dos Smith" clashes with
    "Smith", so primary-name disambiguation adds initials to both."""
    assert cite(SMITHS, _primary_name_style(tmp_path), "a", "b") == "A. dos Smith; B. Smith"


def test_a_particle_never_demoted_is_part_of_the_family_that_tells_names_apart(tmp_path):
    path = _primary_name_style(tmp_path, demote_non_dropping_particle="never")
    assert cite(SMITHS, path, "a", "b") == "dos Smith; Smith"


def test_bibtex_particles_print_and_sort_alike_whether_braced_or_not():
    """BibTeX's "van der Berg, Jan" (von part) and "{van der Berg}, Jan" (one braced family,
    as Zotero imports it) print and sort as Zotero/citeproc-js print them: the same."""
    from evidencebib.formats import bibtex

    def items(author: str) -> list[dict]:
        text = ("@book{cook, author = {Cook, Anne}, title = {Other}, publisher = {P}, year = {2003}}\n"
                f"@book{{berg, author = {{{author}}}, title = {{Hello}}, publisher = {{P}},"
                " year = {2001}}\n")
        return [dict(item) for item in bibtex.read(text)]

    for style_name in ("chicago-author-date", "apa"):
        braced = entries(items("{van der Berg}, Jan"), style_name)
        assert entries(items("van der Berg, Jan"), style_name) == braced
    assert entries(items("{van der Berg}, Jan"), "chicago-author-date") == [
        "Berg, Jan van der. 2001. Hello. P.", "Cook, Anne. 2003. Other. P."]


# et al, labels, substitute -----------------------------------------------------------------------

def test_et_al_use_first_zero_prints_no_names(tmp_path):
    """et-al-use-first="0" with et-al-min reached shows none of the names: that cs:names prints
    nothing (citeproc-js), and the group delimiter before it goes too."""
    layout = ('<group delimiter=" // ">'
              '<names variable="author"><name et-al-min="2" et-al-use-first="0"/></names>'
              '<names variable="author"><name et-al-min="2" et-al-use-first="1"/></names></group>')
    items = [book("a", {"family": "Doe", "given": "John"}, {"family": "Roe", "given": "Jane"})]
    assert entries(items, style(tmp_path, layout)) == ["John Doe et al."]


def test_numbers_joined_by_the_locales_and_are_plural(tmp_path):
    """citeproc-js splits numbers on the locale's "and" outside English: "213 et 235" in French
    takes the plural label."""
    item = book("a", {"family": "Doe", "given": "John"}, page="213 et 235")
    layout = '<group delimiter=" "><label variable="page"/><text variable="page"/></group>'
    assert entries([item], style(tmp_path, layout, default_locale="fr-FR")) == ["pages 213 et 235"]
    assert entries([dict(item, page="213 et 235")], style(tmp_path, layout)) == ["page 213 et 235"]


def test_a_term_ends_the_substitution_even_when_it_is_empty(tmp_path):
    """citeproc-js: a cs:text term in cs:substitute blocks the substitutes after it, whether or
    not the locale gives the term any text."""
    path = tmp_path / "substitute.csl"
    path.write_text(HEAD.format(attributes="") + """
<locale><terms><term name="author">Author Term Value</term><term name="editor"></term></terms></locale>
<citation><layout><text value="x"/></layout></citation>
<bibliography><layout><group delimiter=" "><group><text value="Content:"/></group>
  <names variable="translator"><substitute><text term="editor"/><text term="author"/></substitute></names>
</group></layout></bibliography></style>""", encoding="utf-8")
    assert entries([{"id": "a", "type": "book"}], path) == ["Content:"]


# the "and" before an institution (a literal name) last in the list -------------------------------

PERSONS = ({"family": "Smith", "given": "John"}, {"family": "Jones", "given": "Ann"})
GROUP = {"literal": "Study Group"}


@pytest.mark.parametrize("name_attributes,bibliography_attributes,persons,expected", [
    # cs:name's delimiter-precedes-last="always" does not reach the institution either
    ('and="text" delimiter-precedes-last="always"', "", 1, "John Smith and Study Group"),
    ('and="text" delimiter-precedes-last="always" delimiter="; "', "", 1, "John Smith and Study Group"),
    ('and="text" delimiter="; "', "", 2, "John Smith; Ann Jones; and Study Group"),
    ('and="text"', ' delimiter-precedes-last="always"', 1, "John Smith, and Study Group"),
    # after an inverted name, the delimiter (cs:name's after-inverted-name)
    ('and="text" delimiter-precedes-last="after-inverted-name" name-as-sort-order="first"', "", 1,
     "Smith, John, and Study Group"),
    ('and="text" delimiter-precedes-last="after-inverted-name" name-as-sort-order="first"', "", 2,
     "Smith, John, Ann Jones, and Study Group"),
])
def test_and_before_an_institution_follows_the_institutions_own_delimiter_rule(
        tmp_path, name_attributes, bibliography_attributes, persons, expected):
    """citeproc-js joins a last name that is an institution with cs:institution's "and"
    (CSL-M; a default one copies cs:name's `and` and `delimiter` but not its
    delimiter-precedes-last): ", and" after two or more names, " and " after one, unless
    cs:style/cs:citation/cs:bibliography set delimiter-precedes-last (util_names_join.js
    _getAndJoin, node_institution.js, xmljson.js addInstitutionNodes)."""
    layout = f'<names variable="author"><name {name_attributes}/></names>'
    path = style(tmp_path, layout, bibliography_options=bibliography_attributes)
    item = book("a", *PERSONS[:persons], GROUP)
    assert entries([item], path) == [expected]


def test_and_before_a_person_after_an_institution_is_the_persons(tmp_path):
    layout = '<names variable="author"><name and="text" delimiter-precedes-last="never"/></names>'
    item = book("a", PERSONS[0], GROUP, PERSONS[1])
    assert entries([item], style(tmp_path, layout)) == ["John Smith, Study Group and Ann Jones"]


@pytest.mark.slow
def test_and_before_an_institution_agrees_with_citeproc_js(tmp_path):
    import citeproc_js_runner

    citeproc_js_runner.require()
    ours, jobs = [], []
    for index, (name_attributes, bibliography_attributes) in enumerate(
            (name, bibliography) for name in _institution_grid_names() for bibliography in (
                "", ' delimiter-precedes-last="always"', ' delimiter-precedes-last="never"',
                ' delimiter-precedes-last="after-inverted-name"')):
        layout = f'<names variable="author"><name {name_attributes}/></names>'
        (tmp_path / str(index)).mkdir()
        path = style(tmp_path / str(index), layout, bibliography_options=bibliography_attributes)
        csl = path.read_text(encoding="utf-8")
        for persons in (1, 2):
            item = book("a", *PERSONS[:persons], GROUP)
            ours.append(((name_attributes, bibliography_attributes, persons), entries([item], path)[0]))
            jobs.append({"kind": "fixture", "format": "text",
                         "fixture": {"NAME": "names", "MODE": "bibliography", "CSL": csl, "INPUT": [item]}})
    answers = citeproc_js_runner.run_jobs(jobs)
    differences = [(case, mine, answer["bibliography"]["entries"][0])
                   for (case, mine), answer in zip(ours, answers, strict=True)
                   if mine != answer["bibliography"]["entries"][0]]
    assert not differences


def _institution_grid_names() -> list[str]:
    grid = []
    for precedes in ("", "always", "never", "contextual", "after-inverted-name"):
        for order in ("", "first"):
            for delimiter in ("", "; "):
                attributes = 'and="text"'
                attributes += f' delimiter-precedes-last="{precedes}"' if precedes else ""
                attributes += f' name-as-sort-order="{order}"' if order else ""
                attributes += f' delimiter="{delimiter}"' if delimiter else ""
                grid.append(attributes)
    return grid + ['and="symbol"', 'and="symbol" delimiter-precedes-last="never" name-as-sort-order="all"']


# the join before the last name -----------------------------------------------------------------

PEOPLE_AND_GROUP = [{"family": "Smith", "given": "John"}, {"family": "Jones", "given": "Ann"},
                    {"literal": "Dutch Study Group"}]


def test_an_organisation_last_takes_the_delimiter_before_the_and_term(tmp_path):
    """citeproc-js joins a last name that is an organisation by its institution rules: the
    cs:name's delimiter-precedes-last="never" does not reach it (Nature, 3 names:
    "Smith, J., Jones, A., & Dutch Study Group")."""
    path = style(tmp_path, '<names variable="author"><name and="symbol" delimiter-precedes-last="never" '
                           'initialize-with=". " name-as-sort-order="all"/></names>')
    assert entries([book("a", *PEOPLE_AND_GROUP)], path) == ["Smith, J., Jones, A., & Dutch Study Group"]
    people = [{"family": "Smith", "given": "John"}, {"family": "Jones", "given": "Ann"},
              {"family": "Brown", "given": "Bob"}]
    assert entries([book("b", *people)], path) == ["Smith, J., Jones, A. & Brown, B."]


def test_delimiter_precedes_last_set_for_the_whole_bibliography_reaches_an_organisation(tmp_path):
    path = style(tmp_path, '<names variable="author"><name and="text"/></names>',
                 bibliography_options=' delimiter-precedes-last="never"')
    assert entries([book("a", *PEOPLE_AND_GROUP)], path) == ["John Smith, Ann Jones and Dutch Study Group"]


def test_after_inverted_name_puts_the_delimiter_between_two_names(tmp_path):
    """citeproc-js: with delimiter-precedes-last="after-inverted-name" two names are joined by
    the delimiter and the term even when neither is inverted."""
    path = style(tmp_path, '<names variable="author"><name and="text" '
                           'delimiter-precedes-last="after-inverted-name"/></names>')
    two = [{"family": "Smith", "given": "John"}, {"family": "Jones", "given": "Ann"}]
    assert entries([book("a", *two)], path) == ["John Smith, and Ann Jones"]


def test_an_and_term_outside_latin_scripts_is_written_against_the_names(tmp_path):
    """Hebrew's "and" is the prefix ו; citeproc-js spaces only terms that start with a Latin,
    Greek, Cyrillic, Hebrew (but vav) or Arabic letter."""
    path = tmp_path / "hebrew.csl"
    path.write_text(HEAD.format(attributes="") + """
<locale><terms><term name="and">ו</term></terms></locale>
<citation><layout><text value="x"/></layout></citation>
<bibliography><layout><names variable="author"><name and="text"/></names></layout></bibliography></style>""",
                    encoding="utf-8")
    assert entries([book("a", {"family": "תפוח"}, {"family": "תפוז"})], path) == ["תפוחותפוז"]


def test_an_et_al_term_outside_latin_scripts_follows_the_name_without_a_space(tmp_path):
    path = style(tmp_path, '<names variable="author"><name et-al-min="2" et-al-use-first="1"/></names>',
                 default_locale="zh-TW")
    two = [{"family": "Zither", "given": "Ziggy"}, {"family": "Yoda", "given": "Yossarian"}]
    assert entries([book("a", *two)], path) == ["Ziggy Zither等"]


# variables written in the note (Zotero's "Extra") ------------------------------------------------

def test_variables_at_the_start_of_the_note_are_read_as_variables(tmp_path):
    """citeproc-js (parseNoteFieldHacks), as Zotero keeps CSL variables in "Extra": a name is
    `Family || Given`, a date is parsed, a variable the item has already stays in the note, and
    the lines read leave the note."""
    layout = ('<group delimiter="; ">'
              '<names variable="reviewed-author"><name initialize-with="."/></names>'
              '<date variable="original-date"><date-part name="year"/></date><text variable="genre"/>'
              '<text variable="note"/></group>')
    item = book("a", {"family": "Wolf", "given": "K."}, genre="Review",
                note="reviewed-author: Hall || W.C.\noriginal-date: 1950\ngenre: Peer commentary")
    assert entries([item], style(tmp_path, layout)) == ["W.C. Hall; 1950; Review; genre: Peer commentary"]


# particles and initials joined by a no-break space (names.particle-nbsp, names.initialize) -------

PARTICLES = [book("a", {"family": "Doorn", "non-dropping-particle": "van der", "given": "Pieter A."},
                  {"family": "Berg", "given": "Jan", "dropping-particle": "von",
                   "non-dropping-particle": "de"})]


def test_particle_is_joined_to_the_family_by_a_no_break_space_in_french(tmp_path):
    """citeproc-js (node_name.js): in a French, Russian or Czech style the particles are joined
    to the family name by a no-break space, the words of "van der" keep theirs; a particle
    demoted after the given name keeps a plain space."""
    layout = ('<group delimiter=" | "><names variable="author"/>'
              '<names variable="author"><name name-as-sort-order="all" initialize-with=". "/></names>'
              '<names variable="author"><name form="short"/></names></group>')
    assert entries(PARTICLES, style(tmp_path, layout, default_locale="fr-FR")) == [
        "Pieter A. van der\u00a0Doorn, Jan von\u00a0de\u00a0Berg | Doorn, P. A. van der, Berg, J. von de"
        " | van der\u00a0Doorn, de\u00a0Berg"]
    never = style(tmp_path, '<names variable="author"><name name-as-sort-order="all"/></names>',
                  default_locale="fr-FR", demote_non_dropping_particle="never")
    assert entries(PARTICLES, never) == ["van der\u00a0Doorn, Pieter A., de\u00a0Berg, Jan von"]
    assert entries(PARTICLES, style(tmp_path, '<names variable="author"/>')) == [
        "Pieter A. van der Doorn, Jan von de Berg"]


def test_initials_with_a_no_break_space_join_the_family_in_french(tmp_path):
    """citeproc-js: initials made with an initialize-with holding a no-break space are joined
    to the family name by one too, in French (and Russian, Czech)."""
    layout = '<names variable="author"><name initialize-with=".&#160;"/></names>'
    assert entries(PARTICLES, style(tmp_path, layout, default_locale="fr-FR")) == [
        "P.\u00a0A.\u00a0van der\u00a0Doorn, J.\u00a0von\u00a0de\u00a0Berg"]
    assert entries(PARTICLES, style(tmp_path, layout)) == ["P.\u00a0A. van der Doorn, J. von de Berg"]


def test_initialize_with_ending_in_a_no_break_space_leaves_none_after_the_last_initial(tmp_path):
    """citeproc-js doInitialize: trailing spaces, no-break spaces and zero-width no-break
    spaces are trimmed from the initials ("J.~P./" with ".~", not "J.~P.~/")."""
    layout = ('<names variable="author">'
              '<name delimiter="/" initialize-with=".&#160;" name-as-sort-order="all"/></names>')
    items = [book("a", {"family": "Higgins", "given": "Julian P. T."}, {"family": "Page", "given": "M."})]
    assert entries(items, style(tmp_path, layout)) == ["Higgins, J.\u00a0P.\u00a0T./Page, M."]


def test_a_short_name_in_a_sort_key_sorts_by_its_family_not_its_particle(tmp_path):
    """citeproc-js: a sort key's name is family then particles whatever the cs:name's form, so
    an author-short sort macro files "van Doorn" under D (before "van der Meché"), with
    demote-non-dropping-particle="sort-only" too; with "never" the particle leads."""
    short = '<names variable="author"><name form="short"/></names>'
    items = [book("m", {"family": "van der Meché", "given": "F."}),
             book("d", {"family": "Doorn", "non-dropping-particle": "van", "given": "P."}),
             book("c", {"family": "Cook", "given": "P."})]
    sort = '<sort><key macro="short"/></sort>'

    def sorted_style(**attributes: str) -> Path:
        path = tmp_path / "sorted.csl"
        extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
        path.write_text(HEAD.format(attributes=extra) + f'<macro name="short">{short}</macro>'
                        + CITATION.format(options="", layout=f'{sort}<text macro="short"/>').replace(
                            f'<layout delimiter="; ">{sort}', f'{sort}<layout delimiter="; ">')
                        + BIBLIOGRAPHY.format(options="", sort=sort, layout='<text macro="short"/>'),
                        encoding="utf-8")
        return path

    assert cite(items, sorted_style(), "m", "d", "c") == "Cook; van Doorn; van der Meché"
    assert entries(items, sorted_style()) == ["Cook", "van Doorn", "van der Meché"]
    sort_only = sorted_style(demote_non_dropping_particle="sort-only")
    assert cite(items, sort_only, "m", "d", "c") == "Cook; van Doorn; van der Meché"
    never = sorted_style(demote_non_dropping_particle="never")
    assert cite(items, never, "m", "d", "c") == "Cook; van der Meché; van Doorn"


def test_a_substitute_inside_a_substitute_runs(tmp_path):
    """citeproc-js: an empty cs:names reached through a macro inside a cs:substitute runs its
    own cs:substitute (university-of-south-australia-harvard-2013's noauthor_editor), and the
    editor it printed is not printed again later in the entry."""
    path = tmp_path / "nested.csl"
    path.write_text(HEAD.format(attributes="") + """
<macro name="noauthor-editor"><names variable="author"><name/><substitute>
  <names variable="editor"><name name-as-sort-order="all"/>
    <label form="short" prefix=" (" suffix=")"/></names>
</substitute></names></macro>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout><group delimiter=", ">
  <names variable="author">
    <substitute><text macro="noauthor-editor"/><text variable="title"/></substitute></names>
  <text variable="title"/><names variable="editor"/>
</group></layout></bibliography></style>""", encoding="utf-8")
    item = {"id": "a", "type": "book", "title": "Antibody Therapy",
            "editor": [{"family": "Imbach", "given": "Paul"}]}
    assert entries([item], path) == ["Imbach, Paul (ed.), Antibody Therapy"]


def test_a_short_name_in_sort_order_puts_a_demoted_particle_after_the_family(tmp_path):
    """citeproc-js: form="short" with name-as-sort-order prints "Doorn, van" (the particle after
    the sort-separator) where the particle is demoted (display-and-sort, the default), and
    "van Doorn" where it is demoted for sorting only."""
    layout = ('<group delimiter=" | ">'
              '<names variable="author"><name form="short" name-as-sort-order="all" delimiter="/"/></names>'
              '<names variable="author"><name form="short" name-as-sort-order="first" sort-separator=" "'
              ' delimiter="/"/></names></group>')
    items = [book("m", {"family": "van der Meché", "given": "F."},
                  {"family": "Doorn", "non-dropping-particle": "van", "given": "P."})]
    assert entries(items, style(tmp_path, layout)) == ["Meché, van der/Doorn, van | Meché van der/van Doorn"]
    sort_only = style(tmp_path, layout, demote_non_dropping_particle="sort-only")
    assert entries(items, sort_only) == ["van der Meché/van Doorn | van der Meché/van Doorn"]


def test_a_list_cut_by_et_al_is_wrapped_in_the_name_formatting_and_affixes(tmp_path):
    """citeproc-js (_joinEtAl): the names and their et-al term take the cs:name's affixes and
    formatting once more around them, each name keeping its own; a list not cut short does
    not (the-open-university-m801's suffix="," gives "Higgins, J.P.T., et al., 2019")."""
    layout = ('<group delimiter=" "><names variable="author">'
              '<name and="text" delimiter=", " prefix="[" suffix="]"/></names><text value="Y"/></group>')
    people = [{"family": family, "given": "X"} for family in "ABC"]
    items = [book("two", *people[:2]), book("three", *people)]
    path = style(tmp_path, layout, bibliography_options=' et-al-min="3" et-al-use-first="1"')
    assert entries(items, path) == ["[X A] and [X B] Y", "[[X A] et al.] Y"]
    italic = ('<names variable="author"><name delimiter=", " font-style="italic"/>'
              '<et-al font-style="normal"/></names>')
    path = style(tmp_path, italic, bibliography_options=' et-al-min="3" et-al-use-first="2"')
    assert entries(items[1:], path, "html") == [
        '<i><i>X A</i>, <i>X B</i>, <span style="font-style:normal;">et al.</span></i>']


def test_et_al_use_last_shows_at_most_et_al_min_minus_two_names_before_the_ellipsis(tmp_path):
    """citeproc-js (_imposeNameConstraints): et-al-min="7" et-al-use-first="6" with
    et-al-use-last shows five names, the ellipsis and the last name
    (harvard-north-west-university)."""
    layout = ('<names variable="author"><name et-al-min="7" et-al-use-first="6" et-al-use-last="true"'
              ' initialize-with="." name-as-sort-order="all"/></names>')
    people = [{"family": family, "given": "X"} for family in "ABCDEFGH"]
    assert entries([book("a", *people)], style(tmp_path, layout)) == [
        "A, X., B, X., C, X., D, X., E, X., … H, X."]


def test_an_organisation_takes_the_name_formatting_but_not_its_affixes(tmp_path):
    """citeproc-js (_renderInstitutionName): a literal name is printed in the cs:name's font
    but without its prefix and suffix, which the persons of the list keep."""
    layout = ('<names variable="author">'
              '<name delimiter="; " prefix="[" suffix="]" font-weight="bold"/></names>')
    items = [book("a", {"family": "Doe", "given": "J."}, {"literal": "Study Group"}),
             book("b", {"literal": "National Institute"})]
    assert entries(items, style(tmp_path, layout), "html") == [
        "[<b>J. Doe</b>]; <b>Study Group</b>", "<b>National Institute</b>"]


def test_a_first_cite_shows_the_names_its_subsequent_form_keeps_below_et_al_subsequent_min(tmp_path):
    """citeproc-js (_imposeNameConstraints): with et-al-min="3" et-al-use-first="1" and
    et-al-subsequent-min="6", a first cite of a list shorter than six names shows up to three
    (traces: "Empson, Lassere, Craig et Scott"); six names or more show one."""
    names = '<names variable="author"><name form="short"/></names>'
    people = [{"family": family, "given": "X"} for family in "ABCDEFG"]
    items = [book(str(n), *people[:n]) for n in (2, 3, 4, 6)]
    path = style(tmp_path, names, names, citation_options=' et-al-min="3" et-al-use-first="1"'
                 ' et-al-subsequent-min="6" et-al-subsequent-use-first="1"')
    assert [cite(items, path, key) for key in ("2", "3", "4", "6")] == [
        "A, B", "A, B, C", "A, B, C, et al.", "A et al."]


def test_the_delimiter_after_a_name_with_a_suffix_joins_that_suffix(tmp_path):
    """citeproc-js (_join): the delimiter is added to the suffix of the name before it, so
    suffix="," and delimiter=", " print ",, " between names; before the "and" they still meet
    at a seam (", and")."""
    layout = '<names variable="author"><name and="text" delimiter=", " suffix=","/></names>'
    items = [book("a", {"family": "Doe", "given": "J."}, {"family": "Roe", "given": "A."},
                  {"family": "Poe", "given": "E."})]
    assert entries(items, style(tmp_path, layout)) == ["J. Doe,, A. Roe, and E. Poe,"]
