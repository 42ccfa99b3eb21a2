"""BibTeX <-> CSL item mapping: what we store and export reads back as the same item."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from conftest import FIXTURES
from evidencebib.errors import ParseError
from evidencebib.formats import biblatex, bibtex, latex

SEED = json.loads((FIXTURES / "seed-items.json").read_text(encoding="utf-8"))

VARIED = [
    {"id": "berg2020", "type": "chapter",
     "author": [{"family": "Berg", "given": "J.", "non-dropping-particle": "van der"},
                {"literal": "World Health Organization"}],
     "editor": [{"family": "Smith", "given": "A."}],
     "title": "Effects of <i>E. coli</i> on DNA & 50% of x_y", "container-title": "Book Title",
     "publisher": "WHO", "publisher-place": "Geneva", "issued": {"date-parts": [[2020, 3, 5]]},
     "page": "101-9", "URL": "https://example.org/a_b%20c", "accessed": {"date-parts": [[2024, 1, 2]]}},
    {"id": "ostergaard2011", "type": "thesis", "genre": "Master's thesis",
     "author": [{"family": "Østergaard", "given": "Å."}], "title": "Ångström",
     "publisher": "Aarhus University", "issued": {"date-parts": [[2011, 5], [2012, 6]]}},
    {"id": "nba", "type": "webpage", "author": [{"literal": "National Blood Authority"}],
     "title": "Criteria", "URL": "https://www.criteria.blood.gov.au", "issued": {"literal": "n.d."}},
    {"id": "who2019", "type": "report", "author": [{"literal": "World Health Organization"}],
     "title": "Guidelines", "publisher": "WHO", "number": "WHO/2019/1", "issued": {"date-parts": [[2019]]}},
    {"id": "doe1987", "type": "article-journal", "author": [{"family": "Doe", "given": "J."}],
     "title": "SICI", "container-title": "Monthly Weather Review", "volume": "115",
     "DOI": "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2", "issued": {"date-parts": [[1987]]}},
]


def strip_lines(items):
    return [{k: v for k, v in item.items() if k != "_line"} for item in items]


def without_protection(items):
    """Exports brace the capitals a sentence-casing reader must not change (`{DNA}`,
    bibtex.protect_case); braces are case protection, which reads back as nocase spans."""
    return [{k: (v.replace(latex.NOCASE_OPEN, "").replace("</span>", "")
                 if k in ("title", "title-short", "container-title", "collection-title") else v)
             for k, v in item.items()} for item in strip_lines(items)]


@pytest.mark.parametrize("item", SEED + VARIED, ids=lambda i: i["id"])
def test_stored_entries_read_back_as_the_same_item(item):
    entry_type, fields = bibtex.item_to_fields(item)
    text = bibtex.format_entry(entry_type, item["id"], fields)
    assert strip_lines(bibtex.read(text)) == [item]


@pytest.mark.parametrize("item", SEED + VARIED[:1] + VARIED[3:], ids=lambda i: i["id"])
def test_biblatex_export_reads_back_as_the_same_item(item):
    assert without_protection(biblatex.read(biblatex.write([item]))) == [item]


def test_biblatex_uses_date_journaltitle_and_doi():
    text = biblatex.write(SEED[:1])
    assert "journaltitle = {American Journal of Reproductive Immunology}" in text
    assert "date = {2023}" in text and "doi = {10.1111/aji.13737}" in text
    assert "year =" not in text and "journal =" not in text


def test_biblatex_thesis_and_report_carry_their_type():
    text = biblatex.write(VARIED[1:2])
    assert text.startswith("@thesis{") and "type = {mathesis}" in text
    assert "date = {2011-05/2012-06}" in text


def test_classic_bibtex_uses_months_as_macros_and_protects_capitals():
    text = bibtex.write(VARIED[:1])
    assert "month = mar," in text
    assert "{DNA}" in text
    assert "\\textit{E. coli}" in text and "\\&" in text and "50\\%" in text and "x\\_y" in text


def test_classic_bibtex_has_no_biblatex_only_entry_types():
    text = bibtex.write(VARIED[2:3])
    assert text.startswith("@misc{") and "howpublished = {\\url{https://www.criteria.blood.gov.au}}" in text


def test_dois_and_urls_are_written_verbatim():
    text = bibtex.write(VARIED[:1] + VARIED[4:])
    assert "url = {https://example.org/a_b%20c}" in text
    assert "doi = {10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2}" in text


def test_balanced_braces_in_a_verbatim_field_come_back_unchanged():
    # Mendeley writes `isbn = {1748-3395 (Electronic)\textbackslash{}r1748-3387 (Linking)}`
    value = "1748-3395 (Electronic)\\textbackslash{}r1748-3387 (Linking)"
    item = {"id": "a", "type": "article-journal", "title": "T", "ISBN": value,
            "URL": "https://example.org/{x}"}
    [back] = bibtex.read(bibtex.write([item]))
    assert (back["ISBN"], back["URL"]) == (value, "https://example.org/{x}")


def test_unbalanced_braces_in_a_verbatim_field_are_percent_encoded():
    item = {"id": "a", "type": "webpage", "title": "T", "URL": "https://example.org/{x"}
    assert "https://example.org/%7Bx" in bibtex.write([item])


def test_and_others_marks_the_author_list_as_truncated():
    [item] = bibtex.read("@article{a, author = {Banjar, S. and Kadour, E. and others}}")
    assert item["author"] == [{"family": "Banjar", "given": "S."}, {"family": "Kadour", "given": "E."}]
    assert item["_et_al"] == ["author"]


@pytest.mark.parametrize("source", [
    "a {van Dam}, Jorden",  # a particle before a family name with a lower-case word
    "{'t Hooft}, G. W.",  # BibTeX's case test skips the apostrophe: `'t` is lower case
    "Simon Smith and xdata=gxd2-author-1",  # one lower-case word is a last name, not braced
])
def test_names_come_back_from_our_own_bibtex_unchanged(source):
    [item] = bibtex.read("@book{a, author = {" + source + "}, title = {T}}")
    [back] = bibtex.read(bibtex.write([item]))
    assert back["author"] == item["author"]


def test_small_caps_in_a_title_come_back_from_our_own_bibtex():
    [item] = bibtex.read("@book{a, title = {{\\sc Adl}: Exploring the middle ground}}")
    [back] = bibtex.read(bibtex.write([item]))
    assert '<span style="font-variant:small-caps;">Adl</span>' in back["title"]


def test_braced_names_are_organisations():
    [item] = bibtex.read("@misc{a, author = {{World Health Organization} and Smith, Jr., John}}")
    assert item["author"] == [{"literal": "World Health Organization"},
                              {"family": "Smith", "given": "John", "suffix": "Jr."}]


def test_string_macros_and_concatenation_are_resolved_for_reading():
    text = '@string{j = "J Clin"}\n@article{a, journal = j # " Pathol", month = aug, year = 2020}'
    [item] = bibtex.read(text)
    assert item["container-title"] == "J Clin Pathol"
    assert item["issued"] == {"date-parts": [[2020, 8]]}


def test_crossref_parents_fill_missing_fields():
    text = ("@inproceedings{c, title = {Paper}, crossref = {p}}\n"
            "@proceedings{p, title = {Proceedings of X}, year = 2001, publisher = {ACM}}")
    item = bibtex.read(text)[0]
    assert item["container-title"] == "Proceedings of X"
    assert item["issued"] == {"date-parts": [[2001]]} and item["publisher"] == "ACM"


def test_a_crossref_cycle_does_not_hang():
    text = "@book{a, crossref = {b}, title = {A}}\n@book{b, crossref = {a}, title = {B}}"
    assert len(bibtex.read(text)) == 2


def test_unbalanced_braces_are_a_parse_error_with_line_and_key():
    with pytest.raises(ParseError) as caught:
        bibtex.read("@article{ok, title = {x}}\n\n@article{bad,\n  title = {x\n")
    assert (caught.value.location.line, caught.value.location.entry) == (3, "bad")


@pytest.mark.parametrize("latex_text, text", [
    (r"M{\"u}ller", "Müller"), (r"\'Ecole", "École"), (r"{\v{C}}apek", "Čapek"),
    (r"pp.~12--15", "pp.\u00a012–15"), (r"A \& B 50\%", "A & B 50%"), (r"{\aa}ngstr{\"o}m", "ångström"),
    (r"\o ster", "øster"), (r"{\ss}", "ß"), (r"{DNA}", "DNA"),
])
def test_latex_is_decoded_for_display(latex_text, text):
    assert latex.decode(latex_text) == text


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_encoded_text_decodes_back_to_itself(text):
    text = " ".join(text.split())  # decoding reads whitespace as TeX does: runs are one space
    assert latex.decode(latex.encode(text)) == text


def test_biblatex_leaves_out_a_no_date_marker_it_cannot_hold():
    text = biblatex.write(VARIED[2:3])
    assert text.startswith("@online{") and "year" not in text and "date" not in text


def test_an_issn_written_to_isbn_is_the_issn():
    item = bibtex.read("@article{c, title={T}, journal={J}, isbn={1532-2882}, year=2011}")[0]
    assert item["ISSN"] == "1532-2882" and "ISBN" not in item


def test_an_isbn_stays_the_isbn():
    item = bibtex.read("@book{c, title={T}, isbn={978-1-4577-0774-2}, year=2011}")[0]
    assert item["ISBN"] == "978-1-4577-0774-2" and "ISSN" not in item


def test_a_family_name_with_a_lower_case_word_comes_back_whole():
    name = {"family": "Matos da Silva", "given": "Patrik"}
    written = bibtex.write([{"id": "z", "type": "book", "title": "T", "author": [name]}])
    assert "{Matos da Silva}, Patrik" in written
    assert bibtex.read(written)[0]["author"] == [name]


@pytest.mark.parametrize("eprinttype, variable", [("pubmed", "PMID"), ("pmid", "PMID"),
                                                   ("pmcid", "PMCID")])
def test_an_eprint_of_a_pubmed_type_is_its_identifier(eprinttype, variable):
    value = "PMC123" if variable == "PMCID" else "30975781"
    item = bibtex.read(f"@article{{s, title={{T}}, eprint = {{{value}}}, "
                       f"eprinttype = {{{eprinttype}}}}}")[0]
    assert item[variable] == value


def test_biblatex_extended_name_format_is_read_as_name_parts():
    item = bibtex.read("@article{s, title={T}, author = {Smith, John and family=Berg, "
                       "given=Anna, prefix=van der, useprefix=true}}")[0]
    assert item["author"] == [{"family": "Smith", "given": "John"},
                              {"family": "Berg", "given": "Anna",
                               "non-dropping-particle": "van der"}]


def test_an_extended_name_without_useprefix_has_a_dropping_particle():
    item = bibtex.read("@article{s, title={T}, author = {family={Beethoven}, given=Ludwig, "
                       "prefix=van}}")[0]
    assert item["author"] == [{"family": "Beethoven", "given": "Ludwig",
                               "dropping-particle": "van"}]
