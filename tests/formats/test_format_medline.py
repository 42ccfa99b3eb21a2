"""MEDLINE (.nbib) import and export (formats/medline.py).

"Nothing lost" is checked three ways: every line of PubMed's own files ends up in a CSL
variable or in the item's `_medline` pairs (and so is written back); our export read by an
independent reader, Biopython's `Bio.Medline`, gives back every field the item had; and
read -> write -> read is the identity on items.
"""

from __future__ import annotations

import logging
import re

import pytest

from conftest import FIXTURES, corpus_dir
from evidencebib import api
from evidencebib.errors import ParseError
from evidencebib.formats import detect, medline, registry

PUBMED = FIXTURES / "pubmed"
PUBMED_FILES = ["biopython-pubmed_result1.nbib", "biopython-pubmed_result2.nbib",
                "biopython-pubmed_result3.nbib", "retracted-wakefield-1998.nbib"]
Medline = pytest.importorskip("Bio.Medline", reason="biopython is a test dependency")


def text_of(name: str) -> str:
    return (PUBMED / name).read_text(encoding="utf-8")


def real_files() -> list[tuple[str, str]]:
    files = [(name, text_of(name)) for name in PUBMED_FILES]
    corpus = corpus_dir("ris") / "asreview-pubmed.ris"    # PubMed's export, despite the name
    files.append((corpus.name, corpus.read_text(encoding="utf-8-sig")))
    return files


def strip_private(items):
    return [{k: v for k, v in item.items() if k != "_line"} for item in items]


# -- reading PubMed's files -----------------------------------------------------------------------

def test_recorded_record_maps_every_citation_field():
    [item] = medline.read(text_of("biopython-pubmed_result1.nbib"))
    assert item["PMID"] == "12230038" and item["type"] == "article-journal"
    assert item["title"] == "The Bio* toolkits--a brief overview."
    assert item["author"] == [{"family": "Mangalam", "given": "Harry"}]
    assert item["container-title"] == "Briefings in bioinformatics"
    assert item["container-title-short"] == "Brief Bioinform"
    assert item["issued"] == {"date-parts": [[2002, 9]]}
    assert (item["volume"], item["issue"], item["page"]) == ("3", "3", "296-302")
    assert item["ISSN"] == "1467-5463" and item["language"] == "en"
    assert item["abstract"].startswith("Bioinformatics research is often difficult")
    assert item["abstract"].endswith("beginning biologist programmer.")   # continuation lines


def test_pmc_doi_pii_and_pages_with_dropped_digits():
    items = {i["PMID"]: i for i in medline.read(text_of("biopython-pubmed_result2.nbib"))}
    scop = items["16403221"]
    assert scop["PMCID"] == "PMC1373603" and scop["DOI"] == "10.1186/1471-2105-7-10"
    assert ["AID", "1471-2105-7-10 [pii]"] in scop["_medline"]
    assert items["16377612"]["page"] == "616-617"                       # PG 616-7
    assert items["16377612"]["issued"] == {"date-parts": [[2006, 3, 1]]}


def test_issn_print_and_linking_become_one_issn():
    [item] = medline.read(text_of("biopython-pubmed_result3.nbib"))
    assert item["ISSN"] == "0094-2405" and item["DOI"] == "10.1118/1.4748329"


def test_collective_author_and_retraction_links_with_the_notice_pmid():
    found = {r.pmid: r for r in medline.records(text_of("retracted-wakefield-1998.nbib"))}
    article, notice = found["9500320"], found["20137807"]
    assert article.retracted and article.partially_retracted
    assert article.related("RetractionIn")[0].pmid == "20137807"     # `PMID:` wrapped to next line
    assert article.related("PartialRetractionIn")[0].pmid == "15016483"
    assert article.related("CommentIn")[0].pmid == "9500313"
    assert notice.item["author"] == [{"literal": "The Editors of The Lancet"}]
    assert notice.related("RetractionOf")[0].pmid == "9500320" and notice.is_notice
    assert notice.item["ISSN"] == "1474-547X, 0140-6736"


def test_import_warns_per_record_about_marks_storage_cannot_keep(caplog):
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.medline"):
        medline.read(text_of("retracted-wakefield-1998.nbib"), source="w.nbib")
    messages = [r.getMessage() for r in caplog.records]
    assert any("w.nbib: line 2, PMID 9500320" in m and "retracted" in m and "verify" in m
               for m in messages)
    summary = next(m for m in messages if "have no field for" in m)
    assert "MH in 1 record" in summary and "PT in 2 records" in summary and "RIN in 1" in summary


@pytest.mark.corpus
def test_pubmed_files_lose_no_line(tmp_path):
    """Every tag line of PubMed's own files is in a CSL variable or in `_medline`."""
    derived = {"SO"}                       # the source line is rebuilt from the other fields
    short_forms = {"AU", "ED"}            # the short form of the FAU/FED line before it
    for name, text in real_files():
        for record in medline.records(text, source=name):
            kept = {(tag, value) for tag, value in record.item.get("_medline", ())}
            blob = " ".join(_strings({k: v for k, v in record.item.items() if k != "_medline"}))
            start = record.item["_line"]
            lines = _record_lines(text, start)
            for tag, value in lines:
                if tag in derived or (tag, value) in kept:
                    continue
                if tag in short_forms and any(t == "FAU" for t, _ in lines):
                    continue
                if tag in ("FAU", "FED"):
                    family, _, given = (p.strip() for p in value.partition(","))
                    names = record.item.get("author", []) + record.item.get("editor", [])
                    assert any(family.endswith(n.get("family", "\0")) and
                               given.split(",")[0] in (n.get("given") or "") for n in names), value
                    continue
                probe = re.sub(r"\s*\[(doi|pii)\]$", "", value)
                probe = re.sub(r"\s*\((Print|Electronic|Linking)\)$", "", probe)
                assert _appears(probe, blob), (name, record.pmid, tag, value)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _record_lines(text: str, start: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for line in text.lstrip("\ufeff").splitlines()[start - 1:]:
        if not line.strip():
            break
        if line.startswith("      "):
            out[-1] = (out[-1][0], f"{out[-1][1]} {line.strip()}")
        else:
            out.append((line[:4].strip(), line[6:].strip()))
    return out


def _appears(value: str, blob: str) -> bool:
    squeezed = lambda s: re.sub(r"\W+", "", s).lower()  # noqa: E731
    if squeezed(value) in squeezed(blob):
        return True
    if re.fullmatch(r"\d{4}( \w{3})?( \d{1,2})?(-.*)?|\w+ \d{4}", value):   # DP: checked apart
        return True
    if re.fullmatch(r"[a-z]{3}", value):                                     # LA eng -> en
        return True
    if re.fullmatch(r"[\dA-Za-z]+-\d+", value):                              # PG 616-7
        return True
    return False


@pytest.mark.corpus
def test_pubmed_export_in_the_corpus_reads_whole():
    [(name, text)] = [f for f in real_files() if f[0] == "asreview-pubmed.ris"]
    assert detect.detect(text) == "medline"
    found = medline.records(text, source=name)
    assert len(found) == 50 == text.count("\nPMID- ") + text.startswith("PMID- ")
    assert all(r.item.get("title") and r.item.get("author") and r.item.get("issued")
               for r in found)
    assert not [r.problems for r in found if r.problems]
    assert sum(1 for r in found if r.corrected) == 3


def test_api_read_file_detects_nbib(tmp_path):
    path = tmp_path / "pubmed-set.nbib"
    path.write_text(text_of("retracted-wakefield-1998.nbib"), encoding="utf-8")
    items = api.read_file(path)
    assert [i["PMID"] for i in items] == ["9500320", "20137807"]
    assert registry.for_path(path).name == "medline"
    assert registry.get("nbib").name == "medline"


# -- structure errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("text,message,line", [
    ("      continued\nPMID- 1\n", "continuation line", 1),
    ("PMID- 1\nTI  - x\nthis is prose\n", "expected a MEDLINE tag line", 3),
    ("TY  - JOUR\nER  - \n", "RIS, not MEDLINE", 1),
    ("\n\n", "no MEDLINE records", 1),
])
def test_bad_input_names_the_line(text, message, line):
    with pytest.raises(ParseError) as error:
        medline.read(text, source="bad.nbib")
    assert message in str(error.value) and "bad.nbib" in str(error.value)
    assert error.value.location.line == line


def test_crlf_bom_and_a_missing_blank_line_at_the_end():
    text = "\ufeffPMID- 1\r\nTI  - A title\r\n      continued\r\nDP  - 2000 Spring\r\n\r\nPMID- 2\r\nTI  - B"
    items = medline.read(text)
    assert [i["title"] for i in items] == ["A title continued", "B"]
    assert items[0]["issued"] == {"date-parts": [[2000]], "season": 1}


# -- writing ------------------------------------------------------------------------------------

def test_read_write_read_is_the_identity():
    for name in PUBMED_FILES:
        items = medline.read(text_of(name))
        again = medline.read(medline.write(items))
        assert strip_private(again) == strip_private(items), name


ITEMS = [
    {"id": "berg2023", "type": "article-journal", "PMID": "99000001", "PMCID": "PMC9900001",
     "title": "Subcutaneous immunoglobulin in <i>CIDP</i>: a randomised trial of a very long "
              "title that PubMed would wrap onto a continuation line",
     "author": [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"},
                {"family": "O'Neill", "given": "Siobhán", "suffix": "Jr"},
                {"literal": "CIDP Immunoglobulin Trial Group"}],
     "container-title": "Journal of clinical immunology research",
     "container-title-short": "J Clin Immunol Res", "issued": {"date-parts": [[2023, 1], [2023, 2]]},
     "volume": "41", "issue": "1", "page": "123-129", "DOI": "10.5555/evb.2023.0017",
     "ISSN": "2999-0001", "language": "en", "keyword": "immunoglobulin, CIDP",
     "abstract": "BACKGROUND: " + "Immunoglobulin is used in CIDP. " * 12},
    {"id": "nba2000", "type": "article-journal", "title": "Guidelines",
     "author": [{"literal": "National Blood Authority"}], "issued": {"date-parts": [[2000]], "season": 1},
     "container-title": "Transfusion medicine reviews", "page": "S12-S19"},
]


def test_biopython_reads_our_export_with_nothing_lost():
    records = list(Medline.parse(medline.write(ITEMS).splitlines(keepends=True)))
    assert len(records) == 2
    first, second = records
    assert first["PMID"] == "99000001" and first["PMC"] == "PMC9900001"
    assert first["TI"] == ("Subcutaneous immunoglobulin in CIDP: a randomised trial of a very "
                           "long title that PubMed would wrap onto a continuation line")
    assert first["FAU"] == ["van der Berg, Jan", "O'Neill, Siobhán, Jr"]
    assert first["AU"] == ["van der Berg J", "O'Neill S Jr"]
    assert first["CN"] == ["CIDP Immunoglobulin Trial Group"]
    assert first["JT"] == "Journal of clinical immunology research"
    assert first["TA"] == "J Clin Immunol Res" and first["DP"] == "2023 Jan-Feb"
    assert (first["VI"], first["IP"], first["PG"]) == ("41", "1", "123-129")
    assert first["LID"] == "10.5555/evb.2023.0017 [doi]" and first["IS"] == "2999-0001"
    assert first["LA"] == ["eng"] and first["OT"] == ["immunoglobulin", "CIDP"]
    assert " ".join(first["AB"].split()) == " ".join(ITEMS[0]["abstract"].split())
    assert second["CN"] == ["National Blood Authority"] and second["DP"] == "2000 Spring"
    assert second["PG"] == "S12-S19" and "PMID" not in second


def test_biopython_reads_our_export_of_pubmeds_own_records_with_nothing_lost():
    for name in PUBMED_FILES:
        original = list(Medline.parse(text_of(name).splitlines(keepends=True)))
        ours = list(Medline.parse(medline.write(medline.read(text_of(name))).splitlines(
            keepends=True)))
        assert len(ours) == len(original)
        for before, after in zip(original, ours, strict=True):
            for tag in ("PMID", "TI", "AB", "FAU", "CN", "JT", "TA", "VI", "IP", "PMC", "PT",
                        "MH", "AD", "PHST", "STAT", "OWN"):
                if tag in before:
                    squeeze = lambda v: " ".join(v.split()) if isinstance(v, str) else v  # noqa: E731
                    assert squeeze(after.get(tag)) == squeeze(before[tag]), (name, tag)
            for tag in ("RIN", "PRIN", "ROF", "CIN", "EIN"):
                if tag in before:   # PubMed wraps these; Bio.Medline splits wrapped list values
                    assert " ".join(after[tag]) == " ".join(before[tag]), (name, tag)


def test_our_export_reads_back_the_same_items():
    back = strip_private(medline.read(medline.write(ITEMS)))
    assert back[0]["title"].startswith("Subcutaneous immunoglobulin in CIDP:")   # markup: plain
    for variable in ("PMID", "PMCID", "author", "container-title", "container-title-short",
                     "issued", "volume", "issue", "page", "DOI", "ISSN", "language", "keyword"):
        assert back[0][variable] == ITEMS[0][variable], variable
    assert back[1]["author"] == ITEMS[1]["author"] and back[1]["issued"] == ITEMS[1]["issued"]


def test_long_values_wrap_only_in_title_and_abstract():
    text = medline.write(ITEMS)
    assert all(len(line) <= 80 for line in text.splitlines() if line[:4] in ("TI  ", "AB  ")
               or line.startswith("      "))
    continued = [i for i, line in enumerate(text.splitlines()) if line.startswith("      ")]
    assert continued and all(text.splitlines()[i - 1][:4] in ("TI  ", "AB  ") or
                             text.splitlines()[i - 1].startswith("      ") for i in continued)


def test_export_says_what_medline_cannot_hold(caplog):
    item = {"id": "a", "type": "webpage", "title": "Criteria <i>x</i>", "URL": "https://x.org",
            "note": "n", "publisher-place": "Canberra"}
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.medline"):
        text = medline.write([item])
    assert "https://x.org" not in text
    message = " ".join(r.getMessage() for r in caplog.records)
    assert "title markup" in message
    assert medline.unsupported(item) == ["URL", "note", "publisher-place", "type"]
    # the variables are named once, by the export's warnings (formats/inventory.py)
    from evidencebib import api

    [lost] = api.export_warnings([item], "medline")
    assert lost.startswith("4 fields the MEDLINE format cannot hold: ")
    assert all(f"{name} ×1" in lost for name in ("URL", "note", "publisher-place", "type"))


def test_tags_are_written_as_other_terms():
    text = registry.get("medline").write(ITEMS[1:], tags=["recurrent-miscarriage"])
    assert "OT  - recurrent-miscarriage" in text


# -- hostile input ------------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

TAGS = ["PMID", "TI  ", "FAU ", "AU  ", "CN  ", "DP  ", "PG  ", "LID ", "AID ", "IS  ", "RIN ",
        "PT  ", "LA  ", "VI  ", "MH  "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.tuples(st.sampled_from(TAGS), st.text(max_size=30)).map(lambda t: f"{t[0]}- {t[1]}"),
    st.text(max_size=30).map(lambda t: "      " + t), st.just(""), st.text(max_size=20)),
    max_size=25))
def test_any_tagged_text_gives_items_or_a_parse_error(lines):
    text = "\n".join(lines)
    try:
        items = medline.read(text, source="h.nbib")
    except ParseError as error:
        assert "h.nbib" in str(error)
        return
    again = medline.read(medline.write(items)) if items else []
    assert len(again) == len(items)


def test_a_second_value_of_a_one_value_tag_is_kept_not_dropped():
    [item] = medline.read("PMID- 1\nTI  - First title\nTI  - Second title\nVI  - 3\nVI  - 4\n")
    assert item["title"] == "First title" and item["volume"] == "3"
    assert ["TI", "Second title"] in item["_medline"] and ["VI", "4"] in item["_medline"]
    assert "Second title" in medline.write([item])


@pytest.mark.corpus
def test_references_we_did_not_write_survive_a_trip_through_medline():
    """The shared corpus (RIS, CSL-JSON, EndNote XML from other tools) written as MEDLINE and
    read back: every variable MEDLINE carries comes back equal (fieldcompare's rules for
    name-string formats; titles compared without markup, which MEDLINE cannot hold)."""
    import sys

    from conftest import TESTS

    if str(TESTS / "tools") not in sys.path:
        sys.path.insert(0, str(TESTS / "tools"))
    from fieldcompare import normal

    from evidencebib.formats import csl_json, endnote_xml, ris
    from evidencebib.formats.pubmed import expand_pages

    sources = []
    for path in sorted(corpus_dir("ris").glob("*.ris")):
        if path.name not in ("asreview-pubmed.ris", "rispy-wos.ris"):
            sources.append((ris, path))
    sources += [(csl_json, p) for p in sorted(corpus_dir("csl-json").glob("*.json"))]
    sources += [(endnote_xml, p) for p in sorted(corpus_dir("endnote-xml").glob("*.xml"))]
    compared, lost = 0, []
    for module, path in sources:
        items = module.read(detect.decode_bytes(path.read_bytes(), path.name), source=path.name)
        back = medline.read(medline.write(items), source=path.name)
        kept = [i for i in items if medline.record_lines(i)]
        assert len(back) == len(kept), path.name
        for before, after in zip(kept, back, strict=True):
            for variable in medline.carried_fields(before) & set(before):
                want, got = before[variable], after.get(variable)
                if variable in ("title", "container-title", "container-title-short"):
                    want = re.sub(r"</?(i|b|sup|sub|span)( [^>]*)?>", "", str(want))
                if variable == "issued" and not medline.exact_date(want):
                    continue    # circa, open ranges, BCE …: the export warns, see below
                if variable == "page":
                    want = expand_pages(str(want))   # PubMed's 943-7 comes back as 943-947
                if variable == "abstract":   # one paragraph in MEDLINE (the export says so)
                    want = " ".join(str(want).split())
                if variable == "type":
                    continue
                compared += 1
                if normal("ris", variable, want) != normal("ris", variable, got):
                    lost.append(f"{path.name} {before.get('id')}: {variable}: {want!r} -> {got!r}")
    assert compared > 2000
    assert not lost, "\n".join(lost[:30])


@pytest.mark.parametrize("date,exact", [
    ({"date-parts": [[2023, 1], [2023, 2]]}, True), ({"date-parts": [[2000]], "season": 1}, True),
    ({"date-parts": [[2011, 5]], "circa": True}, False), ({"date-parts": [[2014], [0]]}, False),
    ({"date-parts": [[-334]]}, False), ({"date-parts": [[2017, 13], [2017, 14]]}, False),
    ({"literal": "n.d."}, True),
])
def test_which_dates_medline_can_say_exactly(date, exact, caplog):
    assert medline.exact_date(date) is exact
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.medline"):
        medline.write([{"id": "a", "type": "article-journal", "title": "T", "issued": date}])
    assert ("cannot say exactly" in caplog.text) is not exact


ABBREVIATION_ONLY = """PMID- 31234568
DP  - 2018 Nov-Dec
TI  - Second [Article in German].
FAU - Müller, Hans
AU  - Müller H
TA  - Dtsch Med Wochenschr
PG  - 1-5
VI  - 143
IP  - 23
AID - 10.1000/med2 [doi]
AID - S0140-6736(19)30002-1 [pii]

"""


def test_a_record_with_only_the_journal_abbreviation_keeps_its_journal():
    item = medline.read(ABBREVIATION_ONLY)[0]
    assert item["container-title"] == "Dtsch Med Wochenschr"
    assert item["container-title-short"] == "Dtsch Med Wochenschr"
    from evidencebib.render import render_entries

    assert "Dtsch Med Wochenschr. 2018" in render_entries([item], "vancouver", "text")[0][1]


def test_the_import_names_the_article_identifier_kinds_not_stored_not_the_doi(caplog):
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.medline"):
        item = medline.read(ABBREVIATION_ONLY)[0]
    assert item["DOI"] == "10.1000/med2"
    message = next(r.getMessage() for r in caplog.records if "no field for" in r.getMessage())
    assert "AID [pii] in 1 record" in message and "AID in" not in message
