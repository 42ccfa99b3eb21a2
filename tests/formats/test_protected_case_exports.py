"""RIS and EndNote XML have no protected case: braced words are written as words, and the
export says what is lost (redteam5 F36; formats/protected_case.py)."""

from __future__ import annotations

from evidencebib import api
from evidencebib.formats import bibtex, endnote_xml, ris

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
