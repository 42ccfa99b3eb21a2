"""Output formats: markdown/html escaping, DOI and URL links, plain text."""

from __future__ import annotations

import pytest
from lxml import etree

from evidencebib.render import render_bibliography

SICI = "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2"


def article(**fields):
    item = {"type": "article-journal", "title": "Title", "container-title": "Journal",
            "author": [{"family": "Smith", "given": "A."}], "issued": {"date-parts": [[2020]]}}
    item.update(fields)
    return item


def one(item, fmt, style="ig-criteria"):
    [entry] = render_bibliography([item], style, fmt)
    return entry


def html_tree(entry):
    return etree.fromstring(f"<div>{entry}</div>")  # raises if not well-formed


@pytest.mark.parametrize("char", ["*", "_", "[", "`", "<", "\\"])
def test_markdown_escapes_markup_characters_in_titles(char):
    entry = one(article(title=f"a {char}b{char} c"), "markdown")
    assert f"'a \\{char}b\\{char} c'" in entry


def test_markdown_keeps_ordinary_punctuation_unescaped():
    entry = one(article(title="A double-blind, randomised (placebo) trial: 50% & more!"), "markdown")
    assert "'A double-blind, randomised (placebo) trial: 50% & more!'" in entry


def test_markdown_escapes_ampersand_only_when_it_would_form_an_entity():
    assert "\\&amp;" in one(article(title="x &amp; y"), "markdown")


def test_markdown_doi_is_an_autolink():
    assert one(article(DOI="10.1/abc"), "markdown").endswith(", <https://doi.org/10.1/abc>.")


def test_markdown_doi_with_markdown_characters_stays_literal_inside_autolink():
    assert "<https://doi.org/10.1/a_b*c>" in one(article(DOI="10.1/a_b*c"), "markdown")


def test_markdown_sici_doi_is_percent_encoded_into_a_working_autolink():
    entry = one(article(DOI=SICI), "markdown")
    assert "<https://doi.org/10.1175/1520-0493(1987)115%3C1606:GARSPP%3E2.0.CO;2>" in entry


def test_markdown_url_with_spaces_and_angle_brackets_is_percent_encoded():
    item = {"type": "webpage", "title": "Page", "author": [{"literal": "Org"}],
            "URL": "https://example.org/a b?x=<1>", "issued": {"date-parts": [[2020]]}}
    assert one(item, "markdown").endswith("<https://example.org/a%20b?x=%3C1%3E>.")


def test_markdown_doi_printed_without_resolver_becomes_a_link_on_the_doi():
    assert "doi:[10.1/abc](<https://doi.org/10.1/abc>)" in one(article(DOI="10.1/abc"), "markdown", "ama")


def test_markdown_italic_journal_uses_single_asterisks():
    assert ", *Journal*," in one(article(volume="1", page="2"), "markdown")


def test_html_escapes_script_tags_in_titles():
    entry = one(article(title="<script>alert(1)</script>"), "html")
    assert "<script>" not in entry and "&lt;script&gt;" in entry
    assert html_tree(entry).find(".//script") is None


def test_html_output_is_well_formed_for_every_seed_style():
    import json
    from pathlib import Path

    seed = Path(__file__).resolve().parents[1] / "fixtures" / "seed-items.json"
    items = json.loads(seed.read_text(encoding="utf-8"))
    items.append(article(title="Tom & Jerry <b>bold</b> \"quoted\"", DOI=SICI))
    for style in ("ig-criteria", "apa", "vancouver", "ama", "harvard", "chicago", "ieee", "nature",
                  "lancet", "bmj", "nlm"):
        for entry in render_bibliography(items, style, "html"):
            html_tree(entry)


def test_html_doi_is_an_anchor_with_encoded_href():
    entry = one(article(DOI=SICI), "html")
    [anchor] = html_tree(entry).findall(".//a")
    assert anchor.get("href") == "https://doi.org/10.1175/1520-0493(1987)115%3C1606:GARSPP%3E2.0.CO;2"
    assert anchor.text == "https://doi.org/" + SICI


def test_html_italic_journal_uses_i_element():
    assert html_tree(one(article(), "html")).find("i").text == "Journal"


def test_text_format_has_no_markup():
    entry = one(article(DOI="10.1/abc", title="a *b*"), "text")
    assert entry == "Smith A (2020) 'a *b*', Journal, https://doi.org/10.1/abc."


def test_private_use_characters_in_data_are_dropped():
    assert one(article(title="a\ue000b\ue012c"), "text") == "Smith A (2020) 'abc', Journal."


def test_nocase_span_in_data_is_honoured_not_printed():
    entry = one(article(title='a <span class="nocase">mRNA</span> study'), "text", "chicago")
    assert "mRNA" in entry and "span" not in entry


def test_bibliography_order_is_the_same_in_every_format():
    items = [article(author=[{"family": "_Zed", "given": "A"}]),
             article(author=[{"family": "Adams", "given": "B"}]),
             article(author=[{"family": "*Mid", "given": "C"}])]
    orders = {fmt: [("Zed" in e, "Adams" in e, "Mid" in e) for e in render_bibliography(items, "apa", fmt)]
              for fmt in ("text", "html", "markdown")}
    assert orders["text"] == orders["html"] == orders["markdown"]


# PMID and PMCID printed by a style (nlm-citation-name prints "PubMed PMID: …; PubMed Central
# PMCID: …") become links where DOIs do; the printed text stays what the style prints.

PUBMED_ITEM = {"PMID": "9500320", "PMCID": "PMC1234567"}
NLM_TEXT = ("1. Smith A. Title. Journal. 2020. "
            "PubMed PMID: 9500320; PubMed Central PMCID: PMC1234567.")


def test_html_pmid_printed_by_a_style_links_to_pubmed():
    tree = html_tree(one(article(**PUBMED_ITEM), "html", "nlm-citation-name"))
    anchors = {a.text: a.get("href") for a in tree.iter("a")}
    assert anchors["9500320"] == "https://pubmed.ncbi.nlm.nih.gov/9500320/"


def test_html_pmcid_printed_by_a_style_links_to_pmc():
    tree = html_tree(one(article(**PUBMED_ITEM), "html", "nlm-citation-name"))
    anchors = {a.text: a.get("href") for a in tree.iter("a")}
    assert anchors["PMC1234567"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/"


def shown_text(tree) -> str:
    """The text a reader sees: citeproc-js's display divs touch ("1." + "Smith"), a style sheet
    sets the number apart (as site.css does); their line breaks are layout."""
    for margin in tree.iter("div"):
        if margin.get("class") == "csl-left-margin":
            margin.tail = " " + (margin.tail or "")
    return " ".join("".join(tree.itertext()).split())


def test_html_pubmed_links_keep_the_text_the_style_prints():
    tree = html_tree(one(article(**PUBMED_ITEM), "html", "nlm-citation-name"))
    assert shown_text(tree) == NLM_TEXT


def test_markdown_pmid_printed_by_a_style_is_a_link():
    entry = one(article(**PUBMED_ITEM), "markdown", "nlm-citation-name")
    assert "[9500320](<https://pubmed.ncbi.nlm.nih.gov/9500320/>)" in entry
    assert "[PMC1234567](<https://pmc.ncbi.nlm.nih.gov/articles/PMC1234567/>)" in entry


def test_text_output_with_pmid_and_pmcid_is_unchanged():
    assert one(article(**PUBMED_ITEM), "text", "nlm-citation-name") == NLM_TEXT


@pytest.mark.parametrize("fields", [{"PMID": "n/a"}, {"PMID": "PMC1234567"}, {"PMID": "0123"},
                                    {"PMCID": "1234567"}, {"PMCID": "PMC12 javascript:x"}])
def test_a_value_that_is_not_a_pmid_or_pmcid_is_printed_but_never_linked(fields):
    for fmt in ("html", "markdown"):
        entry = one(article(**fields), fmt, "nlm-citation-name")
        assert "pubmed.ncbi" not in entry and "pmc.ncbi" not in entry, (fmt, entry)
        assert "<a " not in entry and "](" not in entry, (fmt, entry)
        assert next(iter(fields.values())).split()[0] in entry


def test_html_prints_unicode_superscript_characters_as_sup_elements():
    """citeproc-js's HTML writer (CSL.Output.Formats.html text_escape, CSL.SUPERSCRIPTS): a
    superscript character in the text ("1ʳᵉ", "2ª", "m²", "™") is its base character in a
    <sup>, so ordinals of the French, Spanish and Portuguese locales print as the suite expects."""
    from evidencebib.render.formats import finish_html, finish_text

    assert finish_html("1\u02b3\u1d49 éd., 2\u00aa, m\u00b2, X\u2122") == \
        "1<sup>r</sup><sup>e</sup> éd., 2<sup>a</sup>, m<sup>2</sup>, X<sup>TM</sup>"
    assert finish_text("1\u02b3\u1d49") == "1\u02b3\u1d49"


def test_html_superscripts_outside_citeproc_js_table_are_left_as_characters():
    from evidencebib.render.formats import finish_html

    assert finish_html("x\u1d9c") == "x\u1d9c"  # MODIFIER LETTER SMALL C: not in citeproc-js's table


def test_html_display_blocks_end_with_their_text_not_a_trailing_space(tmp_path):
    """citeproc-js moves the space a suffix leaves at the end of an entry out of its last display
    block, as its output queue moves trailing spaces up to the entry; the left margin keeps
    its own ("1. ")."""
    from evidencebib.render.engine import Engine

    style = tmp_path / "aligned.csl"
    style.write_text("""<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography second-field-align="flush"><layout><text variable="citation-number" suffix=". "/>
    <text variable="title" suffix=". "/><text variable="publisher" prefix=" (" suffix=") "/></layout>
  </bibliography>
</style>""", encoding="utf-8")
    item = {"id": "1", "type": "book", "title": "A", "publisher": "P"}
    [entry] = Engine(style).bibliography([item], "html")
    assert '<div class="csl-left-margin">1. </div><div class="csl-right-inline">A. (P)</div>' in entry.text
