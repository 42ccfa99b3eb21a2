"""Field decoding never loses text (issue 15, items 1–3 and 10).

LaTeX in a BibTeX value is read as TeX would typeset it: Unicode text, CSL rich-text markup
where CSL has it, math as readable Unicode, whitespace as TeX collapses it; what cannot be
decoded is kept as written and reported — never cut.
"""

from __future__ import annotations

import pytest

from evidencebib.formats import biblatex, bibtex, csl_json, latex, ris


def read_one(fields: str, entry_type: str = "article") -> dict:
    return bibtex.read(f"@{entry_type}{{k,\n{fields}\n}}\n")[0]


# -- item 1: text after a construct the decoder does not know is never cut -----------------

def test_text_after_an_escaped_percent_and_math_degree_is_kept():
    item = read_one(r"title = {Response in 10\% of patients at 37$^\circ$C}")
    assert item["title"] == "Response in 10% of patients at 37°C"


def test_ensuremath_and_percent_reach_the_ris_export_whole():
    item = read_one(r"title = {IgG \ensuremath{\geq} 10\% tail}")
    assert "TI  - IgG ≥ 10% tail" in ris.write([item])


def test_a_percent_without_backslash_is_text_not_a_comment():
    assert latex.decode("a 10% rise, https://x.org/a%20b") == "a 10% rise, https://x.org/a%20b"


def test_an_unknown_command_is_kept_as_written_and_reported():
    text, problems = latex.decode_report(r"before \frobnicate{x} after")
    assert text == r"before \frobnicate{x} after"
    assert problems == (r"\frobnicate",)


def test_an_undecodable_field_is_noted_on_the_item_and_kept_verbatim_for_bibtex():
    item = read_one(r"title = {A \frobnicate{x} title}")
    assert item["title"] == r"A \frobnicate{x} title"
    assert item["_notes"] == [r"title: \frobnicate kept as written (not LaTeX we can read)"]
    assert ["title", r"A \frobnicate{x} title"] in item["_bibtex"]


def test_a_dollar_that_opens_no_formula_is_kept_and_reported():
    text, problems = latex.decode_report(r"costs $5 per dose")
    assert text == "costs $5 per dose"
    assert problems and "never closed" in problems[0]


# -- item 2: whitespace as TeX reads it ----------------------------------------------------

def test_a_line_wrapped_title_is_one_line_with_single_spaces():
    item = read_one("title = {Subcutaneous immunoglobulin for chronic inflammatory\n"
                    "            demyelinating  polyneuropathy}")
    assert item["title"] == ("Subcutaneous immunoglobulin for chronic inflammatory "
                             "demyelinating polyneuropathy")


def test_rtf_line_command_inside_a_title_is_a_space():
    assert latex.decode(r"Immunoglobulin\line in sepsis") == "Immunoglobulin in sepsis"


def test_an_abstract_keeps_its_paragraphs_and_collapses_the_wraps():
    item = read_one("abstract = {First paragraph\n   wrapped.\n\n  Second one.}")
    assert item["abstract"] == "First paragraph wrapped.\nSecond one."


# -- item 3: math and no-op macros --------------------------------------------------------

@pytest.mark.parametrize("source, text", [
    (r"TNF-$\alpha$ blockade", "TNF-α blockade"),
    (r"$\Sigma$ score", "Σ score"),
    (r"IgG $\geq$ 4 g/L", "IgG ≥ 4 g/L"),
    (r"\mbox{IVIg} dose", "IVIg dose"),
    (r"see \url{https://a.org/x_y}", "see https://a.org/x_y"),
    (r"\href{https://a.org}{the registry}", "the registry"),
    (r"{\noopsort{b}}Second", "Second"),
])
def test_math_and_no_op_macros_read_as_text(source, text):
    assert latex.decode(source) == text


def test_a_noopsort_year_is_the_year_and_not_part_of_the_key():
    item = read_one('author = {Knuth, Donald}, year = "{\\noopsort{1973c}}1981", title = {T}')
    assert item["issued"] == {"date-parts": [[1981]]}


def test_math_reaches_csl_json_as_unicode_not_dollars():
    item = read_one(r"title = {TNF-$\alpha$ inhibitors}")
    assert '"title": "TNF-α inhibitors"' in csl_json.write([item])


@pytest.mark.parametrize("source, rich", [
    (r"\emph{Staphylococcus aureus} sepsis", "<i>Staphylococcus aureus</i> sepsis"),
    (r"{\it in vitro} study", "<i>in vitro</i> study"),
    (r"\textbf{Bold} claim", "<b>Bold</b> claim"),
    (r"\textsc{Ig} criteria", '<span style="font-variant:small-caps;">Ig</span> criteria'),
    (r"CO$_2$ and m$^2$", "CO<sub>2</sub> and m<sup>2</sup>"),
    (r"The {DNA} of {IVIg}", 'The <span class="nocase">DNA</span> of <span class="nocase">IVIg</span>'),
])
def test_title_markup_becomes_csl_rich_text(source, rich):
    assert latex.decode(source, rich=True) == rich


def test_without_rich_text_scripts_of_digits_are_unicode_scripts():
    assert latex.decode(r"CO$_2$ and m$^2$") == "CO₂ and m²"


def test_rich_titles_round_trip_through_our_bibtex_writer():
    item = read_one(r"title = {\emph{In vitro} CO$_2$ and {DNA}}")
    back = bibtex.read(bibtex.write([item]))[0]
    assert latex.strip_markup(back["title"]) == latex.strip_markup(item["title"])
    assert "<i>In vitro</i>" in back["title"] and "<sub>2</sub>" in back["title"]


# -- item 10: names ------------------------------------------------------------------------

def test_et_al_inside_a_bibtex_name_is_a_truncated_list():
    item = read_one(r"author = {Born, L. et al.}, title = {T}")
    assert item["author"] == [{"family": "Born", "given": "L."}]
    assert item["_et_al"] == ["author"]


def test_a_mendeley_null_given_name_is_dropped():
    item = read_one(r"author = {van den Hoven, null and Smith, Ann}, title = {T}")
    assert item["author"][0] == {"family": "Hoven", "non-dropping-particle": "van den"}


def test_a_null_family_name_is_missing_and_noted():
    item = read_one(r"author = {Smith, null and null, John}, title = {T}")
    assert item["author"] == [{"family": "Smith"}, {"given": "John"}]
    assert any("'null, John'" in note and "missing family name" in note
               for note in item["_notes"])


def test_a_placeholder_in_capitals_is_no_name_part():
    item = read_one(r"author = {Doe, NULL and Roe, UNDEFINED}, title = {T}")
    assert item["author"] == [{"family": "Doe"}, {"family": "Roe"}]


def test_a_name_that_is_only_a_placeholder_is_left_out_and_noted():
    item = read_one(r"author = {Smith, Ann and {null}}, title = {T}")
    assert item["author"] == [{"family": "Smith", "given": "Ann"}]
    assert any("'{null}'" in note and "missing name" in note for note in item["_notes"])


def test_markup_around_only_a_space_leaves_no_empty_tags():
    text = latex.decode(r"{\textbf{Sketching }}{{{\textbf{User Experiences}}}}{\textbf{ }}",
                        rich=True)
    assert "<b></b>" not in text and latex.strip_markup(text) == "Sketching User Experiences"


# -- issue 15 variants (redteam5) ----------------------------------------------------------

@pytest.mark.parametrize(("source", "text"), [
    (r"path \~{}user/x", "path ~user/x"),
    (r"an \'{} acute", "an \u00b4 acute"),
    (r"a \"{} diaeresis", "a \u00a8 diaeresis"),
    (r"a \^{} caret", "a ^ caret"),
    (r"a \={} macron", "a \u00af macron"),
], ids=["tilde", "acute", "diaeresis", "circumflex", "macron"])
def test_an_accent_over_an_empty_group_is_the_accent_character(source, text):
    assert latex.decode_report(source) == (text, ())


def test_an_accent_below_over_nothing_is_kept_as_written_and_reported():
    assert latex.decode_report(r"a \d{} b") == (r"a \d{} b", (r"\d",))


def test_a_title_kept_as_written_is_written_back_as_written_to_bibtex():
    item = read_one(r"title = {Heat at \SI{37}{\celsius}: a study}")
    assert r"title = {Heat at \SI{37}{\celsius}: a study}" in bibtex.write([item])


def test_a_container_kept_as_written_is_written_back_as_written_to_biblatex():
    item = read_one(r"title = {T}, booktitle = {Proc. \unknownmac{Y}}", "inproceedings")
    assert r"booktitle = {Proc. \unknownmac{Y}}" in biblatex.write([item])


def test_names_kept_as_written_are_written_back_as_written():
    item = read_one(r"author = {M\"uller, \foo{A.} and Smith, J.}, title = {T}")
    assert r"author = {M\"uller, \foo{A.} and Smith, J.}" in bibtex.write([item])


def test_a_kept_value_edited_since_is_encoded_as_text():
    item = read_one(r"title = {Heat at \SI{37}{\celsius}}")
    item["title"] = r"Heat at \SI 37"
    assert r"title = {Heat at \textbackslash{}{SI} 37}" in bibtex.write([item])


@pytest.mark.parametrize(("source", "url"), [
    (r"https://example.org/a\_b~c", "https://example.org/a_b~c"),
    (r"https://example.org/q?a=1\&b=2\#top", "https://example.org/q?a=1&b=2#top"),
    (r"\url{https://example.org/10\%25}", "https://example.org/10%25"),
], ids=["underscore", "ampersand-hash", "percent-in-url-macro"])
def test_an_escaped_url_character_is_the_character(source, url):
    assert read_one(f"title = {{T}}, url = {{{source}}}")["URL"] == url


@pytest.mark.parametrize(("source", "text"), [
    (r"\glqq deutsch\grqq{} Text", "„deutsch“ Text"),
    (r"\glq einfach\grq{} Text", "‚einfach‘ Text"),
    (r"\flqq guillemets\frqq{} x", "«guillemets» x"),
    (r"\flq simple\frq{} x", "‹simple› x"),
], ids=["glqq", "glq", "flqq", "flq"])
def test_babel_quote_macros_are_quotation_marks(source, text):
    assert latex.decode_report(source) == (text, ())


def test_french_quotes_have_the_no_break_spaces_babel_puts_inside():
    assert latex.decode_report(r"dit \og fr \fg{} ici") == ("dit «\u00a0fr\u00a0» ici", ())


def test_ngerman_quote_shorthands_are_german_quotation_marks():
    assert latex.decode_report('"`ger"\' Text') == ("„ger“ Text", ())


def test_the_sentence_end_spacing_macro_prints_nothing():
    assert latex.decode_report(r"the USA\@. Then") == ("the USA. Then", ())


@pytest.mark.parametrize(("source", "text"), [
    (r"\textalpha{}-helix", "α-helix"), (r"\textOmega", "Ω"), (r"\textmugreek", "μ"),
], ids=["alpha", "Omega", "mugreek"])
def test_textgreek_letters_are_greek_letters(source, text):
    assert latex.decode_report(source) == (text, ())


def test_tex_single_quotes_are_curly_single_quotes():
    assert latex.decode("``dq'' `sq'") == "“dq” ‘sq’"


def test_a_lone_apostrophe_and_a_grave_accent_are_left_alone():
    assert latex.decode(r"Cr\`eme d'Or") == "Crème d'Or"


@pytest.mark.parametrize("text", ["run `ls' and don't", 'say "\'hi"', "``x''", "a ~ b ^ c"],
                         ids=["backtick", "straight-quote-apostrophe", "two-backticks", "tilde"])
def test_encoded_text_reads_back_as_the_same_text(text):
    assert latex.decode_report(latex.encode(text)) == (text, ())


def test_an_accent_overlaid_on_the_letter_before_is_that_letter_accented():
    source = r"H{\'a}n Th{\^e}\llap{\raise 0.5ex\hbox{\'{\relax}}} Th{\'a}nh"
    assert latex.decode_report(source) == ("Hán Thế Thánh", ())


def test_french_quotes_read_alike_however_the_source_spaces_them():
    assert latex.decode(r"\og{}fr\fg") == latex.decode(r"\og fr \fg{}") == "«\u00a0fr\u00a0»"


def test_a_control_character_in_the_source_is_kept():
    assert latex.decode("300\x01C and \\og x\\fg") == "300\x01C and «\u00a0x\u00a0»"


# -- redteam6 brief (latex6): F30, F7 ---------------------------------------------------------

@pytest.mark.parametrize("rich", [False, True], ids=["plain", "rich"])
def test_vertical_space_prints_nothing(rich):
    # \vspace{2mm} is space between lines (LaTeX), not text; its length was left as "2mm"
    assert latex.decode_report(r"thin and \vspace{2mm} end", rich) == ("thin and end", ())


@pytest.mark.parametrize(("source", "text"), [
    (r"Verb \verb|x_y| end", "Verb x_y end"),
    (r"Verb \verb+a{b}+ end", "Verb a{b} end"),
    (r"see \url|http://x.org/a_b| now", "see http://x.org/a_b now"),
], ids=["verb-bars", "verb-plus", "url-bars"])
def test_a_verbatim_argument_between_delimiters_is_its_text(source, text):
    # LaTeX's \verb<char>…<char> (url.sty's \url too): the delimiters are not text
    assert latex.decode_report(source) == (text, ())


def test_a_digit_after_a_verbatim_command_is_no_delimiter():
    assert latex.decode(r"\doi 10.1000/1 z") == "10.1000/1 z"


# F40: a note's `name: value` lines (Zotero's Extra) stay lines; wraps are still spaces

ZOTERO_EXTRA = "note = {PMID: 31234567\nPMCID: PMC1234567}"


def test_a_zotero_extra_note_keeps_one_field_per_line():
    assert read_one(ZOTERO_EXTRA)["note"] == "PMID: 31234567\nPMCID: PMC1234567"


def test_a_note_field_line_after_a_line_of_text_stays_a_line():
    item = read_one("note = {Publisher: Elsevier\n  original-date: 1990}")
    assert item["note"] == "Publisher: Elsevier\noriginal-date: 1990"


@pytest.mark.parametrize("note", ["PMID: 31234567\nPMCID: PMC1234567\nCitation Key: k5",
                                  "PMID: 31234568\ntex.ids: old1"])
def test_zotero_labels_and_better_bibtex_tex_fields_in_a_note_keep_their_lines(note):
    assert read_one("note = {" + note + "}")["note"] == note


def test_the_pmid_and_pmcid_lines_of_a_note_are_linked_by_a_style():
    from evidencebib.render import render_bibliography
    item = read_one("author = {Lee, K.}, title = {T}, journal = {J}, year = {2019},\n"
                    + ZOTERO_EXTRA)
    [entry] = render_bibliography([item], "vancouver", "markdown", cache=False)
    assert "(<https://pubmed.ncbi.nlm.nih.gov/31234567/>)" in entry
    assert "(<https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/>)" in entry


@pytest.mark.parametrize("note", [
    "To appear in {\\em Learning and Computational\n\t\tNeuroscience}, MIT Press",
    "Cohen and Levesque critique KQML on three semantic\n\t\t  grounds: ambiguity",
], ids=["wrapped", "wrapped-before-a-colon"])
def test_a_wrapped_note_is_one_line(note):
    assert "\n" not in read_one(f"note = {{{note}}}")["note"]


def test_note_field_lines_are_written_one_per_line_as_zotero_writes_them():
    item = read_one(ZOTERO_EXTRA)
    assert "  note = {PMID: 31234567\nPMCID: PMC1234567}," in bibtex.write([item])
    assert bibtex.read(bibtex.write([item]))[0]["note"] == item["note"]


# F7: `{\relax Ch}ristopher` is BibTeX's digraph initial (Ch.), which CSL names cannot say

DIGRAPH = r"author = {Jean-Paul Sartre and {\relax Ch}ristopher Doe}"


def test_a_relax_digraph_given_name_reads_as_the_plain_given_name():
    assert read_one(DIGRAPH)["author"][1] == {"family": "Doe", "given": "Christopher"}


@pytest.mark.parametrize("writer", [bibtex, biblatex], ids=["bibtex", "biblatex"])
def test_a_relax_digraph_name_list_is_written_back_as_written(writer):
    # so that BibTeX and biber still give the initial "Ch." (btxdoc, "Helpful hints")
    item = read_one(DIGRAPH)
    assert r"  author = {Jean-Paul Sartre and {\relax Ch}ristopher Doe}," in writer.write([item])
    assert r"{\relax Ch}ristopher" in bibtex.write(csl_json.read(csl_json.write([item])))


def test_an_unknown_command_with_an_optional_argument_is_kept_whole_with_its_group():
    assert latex.decode(r"a \weird[opt]{arg} 5\% tail", rich=True) == r"a \weird[opt]{arg} 5% tail"
