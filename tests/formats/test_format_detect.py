"""Format detection, bytes decoding and the registry."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from evidencebib.errors import ParseError, UsageError
from evidencebib.formats import detect, registry

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.parametrize("text,fmt", [
    ("\ufeffTY  - JOUR\r\nER  - \r\n", "ris"), ("1.\nTY  - JOUR\nER  -\n", "ris"),
    ('[{"id": "a", "type": "book"}]', "csl-json"),
    ('<?xml version="1.0"?>\n<xml><records></records></xml>', "endnote-xml"),
    ("% comment\n@article{a, title={x}}", "bibtex"),
    ("PMID- 1\nOWN - NLM\n", "medline"), ("\nTI  - x\nFAU - Smith, John\nAU  - Smith J\n", "medline"),
])
def test_detect(text, fmt):
    assert detect.detect(text) == fmt


@pytest.mark.parametrize("text,message", [
    ("FN Clarivate\nVR 1.0\nPT J\n", "Web of Science"),
    ("", "empty"), ("just words", "unknown format"), ("<html/>", "not EndNote XML"),
    ("AU  - Smith, J\nTI  - x\n", "not RIS"),
])
def test_detect_rejects(text, message):
    with pytest.raises(ParseError) as error:
        detect.detect(text, source="f")
    assert message in str(error.value)


def test_detect_corpus():
    if not CORPUS.is_dir():
        pytest.skip("shared corpus absent; CI always has it")
    for kind, fmt in (("ris", "ris"), ("csl-json", "csl-json"), ("endnote-xml", "endnote-xml"),
                      ("bibtex", "bibtex")):
        for path in (CORPUS / kind).glob("*.*"):
            if path.suffix == ".md":
                continue
            text = detect.decode_bytes(path.read_bytes(), str(path))
            if path.name == "asreview-pubmed.ris":   # PubMed .nbib despite its name
                assert detect.detect(text) == "medline"
            elif path.name == "rispy-wos.ris":
                with pytest.raises(ParseError):
                    detect.detect(text)
            else:
                assert detect.detect(text) == fmt, path.name


def test_decode_bytes_policy(caplog):
    assert detect.decode_bytes(b"\xef\xbb\xbfTY  - JOUR") == "TY  - JOUR"
    assert detect.decode_bytes("é".encode("utf-16")) == "é"
    data = (FIXTURES / "cp1252.ris").read_bytes()
    with caplog.at_level(logging.WARNING):
        text, encoding = detect.decode_bytes_ex(data, "cp1252.ris")
    assert encoding == "cp1252" and "Müller" in text and "–" in text
    assert "cp1252.ris" in caplog.text and "cp1252" in caplog.text
    assert detect.decode_bytes_ex(b"\x81\xe9", "x")[1] == "latin-1"
    with pytest.raises(ParseError) as error:
        detect.decode_bytes(data, "cp1252.ris", fallback=False)
    assert "not UTF-8" in str(error.value) and error.value.location.line == 2
    with pytest.raises(ParseError):
        detect.decode_bytes(b"\x00\x01\xff\xfe\x00binary", "bin")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_decode_never_raises_other_errors(data):
    try:
        detect.detect(detect.decode_bytes(data))
    except ParseError:
        pass


def test_registry():
    assert registry.get("ris").read.__module__ == "evidencebib.formats.ris"
    assert registry.get("csljson").name == "csl-json"
    assert registry.get(".xml").name == "endnote-xml"
    assert registry.for_path("refs.csl.json").name == "csl-json"
    assert registry.for_path("x.bib").name == "bibtex"
    assert {"ris", "csl-json", "endnote-xml", "bibtex", "biblatex"} <= set(registry.names())
    with pytest.raises(UsageError):
        registry.get("docx")
    items = registry.get("ris").read("TY  - JOUR\nTI  - x\nER  - \n")
    assert registry.writer("csl-json")(items, tags=["slug"]).count("slug") == 1


def test_registry_missing_lead_module(monkeypatch):
    fmt = registry.Format("nothing", "evidencebib.formats.does_not_exist", (".none",))
    with pytest.raises(UsageError):
        _ = fmt.read  # the property raises
    assert fmt.available is False


# -- what a file we cannot read is, and the next step (redteam5 F45) ---------------------------

@pytest.mark.parametrize("text", ["31234567\n23456789\n", "pmid:31234567\nPMC6543210\n\n"])
def test_a_list_of_pmids_or_pmcids_is_named_and_sent_to_add(text):
    with pytest.raises(ParseError) as error:
        detect.detect(text, source="ids.txt")
    assert "PMIDs, PMCIDs" in str(error.value) and "evidencebib add" in str(error.value)


def test_a_scopus_csv_export_is_named_and_told_to_export_ris():
    text = ('\ufeff"Authors","Author full names","Author(s) ID","Title","Year","Source title",'
            '"Volume","DOI"\n"Doe J.","Doe, Jane (1)","1","A title","2020","Lancet","3","10.1/x"\n')
    with pytest.raises(ParseError) as error:
        detect.detect(text, source="scopus.csv")
    assert "CSV" in str(error.value) and "export RIS" in str(error.value)


def test_a_table_that_is_no_reference_export_is_still_unknown():
    with pytest.raises(ParseError) as error:
        detect.detect("name,size,colour,shape,weight\na,1,red,round,2\n", source="t.csv")
    assert "unknown format" in str(error.value)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_decoded_with_a_warning(codec, caplog):
    text = "@article{k, title = {Müller's trial}, year = 2020}\n"
    with caplog.at_level(logging.WARNING):
        decoded, used = detect.decode_bytes_ex(text.encode(codec), "u16.bib")
    assert decoded == text and used == codec
    assert "u16.bib" in caplog.text and "byte-order mark" in caplog.text
    assert detect.detect(decoded) == "bibtex"


@pytest.mark.parametrize("text", ["31234567,23456789\n", "31234567 23456789\n",
                                  "https://pubmed.ncbi.nlm.nih.gov/31234567/\n",
                                  "PMID: 31234567\nPMID: 23456789\n",
                                  "10.1000/xyz123\n31234567\n"])
def test_identifiers_in_other_shapes_are_sent_to_add(text):
    with pytest.raises(ParseError) as error:
        detect.detect(text, source="ids.txt")
    assert "evidencebib add" in str(error.value)


@pytest.mark.parametrize("header", [
    '\ufeff"Key","Item Type","Publication Year","Author","Title","Publication Title"',
    "PT\tAU\tBA\tTI\tSO\tPY\tDI",
])
def test_zotero_csv_and_web_of_science_tab_delimited_are_named(header):
    with pytest.raises(ParseError) as error:
        detect.detect(header + "\nx\n", source="export.csv")
    assert "table" in str(error.value) and "export RIS" in str(error.value)
