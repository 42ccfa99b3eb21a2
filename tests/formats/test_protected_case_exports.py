"""RIS and EndNote XML have no protected case: braced words are written as words, and the
export says what is lost (redteam5 F36; formats/protected_case.py)."""

from __future__ import annotations

import json

import pytest

from evidencebib import api
from evidencebib.formats import bibtex, csl_json, endnote_xml, ris

BIB = """@article{t22,
  author = {Smith, Jane},
  title = {The {DNA} of {HIV} in {\\emph{E. coli}}},
  journal = {{Journal Braced}},
  year = {2020},
}
@article{m1,
  author = {Doe, John},
  title = {{Whole Title Braced}},
  journal = {Mendeley Journal},
  year = {2021},
}
"""


def _items():
    return bibtex.read(BIB)


def test_ris_export_writes_braced_words_without_nocase_spans():
    text = ris.write(_items())
    assert "span" not in text
    assert "TI  - The DNA of HIV in <i>E. coli</i>\r\n" in text
    assert "TI  - Whole Title Braced\r\n" in text
    assert "T2  - Journal Braced\r\n" in text


def test_endnote_xml_export_writes_braced_words_without_nocase_spans():
    text = endnote_xml.write(_items())
    assert "span" not in text
    assert '<style face="italic" font="default" size="100%">E. coli</style>' in text
    assert "<title>Whole Title Braced</title>" in text
    assert "<secondary-title>Journal Braced</secondary-title>" in text


def test_ris_export_names_the_protected_case_it_cannot_hold():
    warnings = api.export_warnings(_items(), "ris")
    assert any(w.startswith("markup the RIS format cannot hold: protected case ({…}) ×3")
               for w in warnings), warnings


def test_endnote_xml_export_names_the_protected_case_it_cannot_hold():
    warnings = api.export_warnings(_items(), "endnote-xml")
    assert any(w.startswith("markup the EndNote XML format cannot hold: protected case ({…}) ×3")
               for w in warnings), warnings


def test_formats_that_hold_protected_case_do_not_warn_about_it():
    for fmt in ("bibtex", "biblatex", "csl-json"):
        assert not any("protected case" in w for w in api.export_warnings(_items(), fmt))


# small caps (redteam5 F26): `\textsc{…}` and CSL-JSON's small-caps span are small caps, kept by
# the formats that have them and written as plain words by RIS and EndNote XML

SMALL_CAPS = '<span style="font-variant:small-caps;">Ig</span>'


def _small_caps_items():
    return bibtex.read("@article{s1, author = {Kim, H.}, title = {\\textsc{Ig} criteria},"
                       " journal = {J}, year = {2016}}\n")


def test_textsc_is_read_as_small_caps_not_as_protected_case():
    assert _small_caps_items()[0]["title"] == SMALL_CAPS + " criteria"


def test_csl_json_small_caps_read_back_as_small_caps_and_written_to_bibtex_as_textsc():
    [item] = csl_json.read('[{"id": "j9", "type": "article-journal", "title": "A '
                           '<span style=\\"font-variant:small-caps;\\">sc</span> word"}]')
    assert item["title"] == 'A <span style="font-variant:small-caps;">sc</span> word'
    text = bibtex.write([item])
    assert "title = {A {\\textsc{sc}} word}" in text  # braced: pandoc recases inside macros
    assert bibtex.read(text)[0]["title"] == item["title"]


def test_ris_export_writes_small_caps_as_plain_words():
    text = ris.write(_small_caps_items())
    assert "span" not in text and "TI  - Ig criteria\r\n" in text


def test_endnote_xml_export_writes_small_caps_as_plain_words():
    text = endnote_xml.write(_small_caps_items())
    assert "span" not in text and "<title>Ig criteria</title>" in text


def test_ris_and_endnote_exports_name_the_small_caps_they_cannot_hold():
    for fmt, name in (("ris", "RIS"), ("endnote-xml", "EndNote XML")):
        warnings = api.export_warnings(_small_caps_items(), fmt)
        assert f"markup the {name} format cannot hold: small caps (\\textsc) ×1" \
            " (the words are written in plain letters)" in warnings, warnings
        assert not any("protected case" in w for w in warnings)


@pytest.mark.parametrize("spelling", ["<sc>sc</sc>",
                                      "<span style='font-variant: small-caps'>sc</span>"],
                         ids=["citeproc-js-sc-tag", "spaced-span"])
def test_csl_json_small_caps_in_other_spellings_are_small_caps(spelling):
    text = json.dumps([{"id": "j", "type": "book", "title": f"A {spelling} word"}])
    [item] = csl_json.read(text)
    assert item["title"] == 'A <span style="font-variant:small-caps;">sc</span> word'
    assert "title = {A {\\textsc{sc}} word}" in bibtex.write([item])
