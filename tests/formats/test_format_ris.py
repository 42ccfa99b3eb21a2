"""RIS reader/writer: conventions, mapping details and bad input."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from evidencebib.errors import ParseError
from evidencebib.formats import ris

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
SAMPLES = json.loads((FIXTURES / "samples.json").read_text(encoding="utf-8"))
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ris"


def by_id(items):
    return {item["id"]: item for item in items}


def test_writer_conventions():
    text = ris.write(SAMPLES[:2])
    assert text.startswith("TY  - JOUR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    records = text.split("\r\n\r\n")
    assert all(r.startswith("TY  - ") and r.endswith("ER  - ") for r in records if r)
    for line in text.split("\r\n"):
        assert line == "" or line[2:6] == "  - ", line
    assert ris.write(SAMPLES[:1], bom=True).startswith("\ufeffTY  - ")


def test_names_persons_organisations_particles():
    text = ris.write(SAMPLES)
    assert "AU  - van der Berg, Jan\r\n" in text
    assert "AU  - World Health Organization,\r\n" in text  # EndNote's corporate author
    assert "AU  - Smith, John, Jr.\r\n" in text
    assert "AU  - Beethoven, Ludwig van\r\n" in text
    assert "AU  - Plato,\r\n" in text
    items = by_id(ris.read(text))
    assert items["who2016"]["author"] == [{"literal": "World Health Organization"}]
    assert items["ioannidis2019"]["author"][1] == {
        "family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}
    assert items["beethoven1801"]["author"][0]["dropping-particle"] == "van"
    assert items["manuscript2024"]["author"] == [{"family": "Plato"}]


def test_editors_by_type_follow_zotero():
    text = ris.write(SAMPLES)
    chapter = text.split("ID  - regan2020")[1].split("ER  -")[0]
    assert "A2  - Edmonds, D. Keith" in chapter and "A3  - Bourne, Tom" in chapter
    book = text.split("ID  - cunningham2018")[1].split("ER  -")[0]
    assert "A3  - Hoffman, Barbara L." in book
    conf = text.split("ID  - quenby2021conf")[1].split("ER  -")[0]
    assert "T2  - ESHRE 2021" in conf and "C3  - Proceedings of the 36th" in conf


def test_dates_pages_identifiers():
    text = ris.write(SAMPLES)
    assert "PY  - 2019\r\nDA  - 2019/04/15/\r\n" in text
    assert "DA  - 2016/11//\r\n" in text
    assert "DA  - 2011/05/25/2011-05-25/2012-06-26\r\n" in text
    assert "SP  - e1\r\nEP  - e12\r\n" in text
    assert "SN  - 2044-6055" in text and "SN  - 978-92-4-154991-2" in text
    assert "Y2  - 2024/01/31/" in text
    assert "UR  - https://doi.org" not in text
    items = by_id(ris.read(text))
    assert items["ranges2011"]["issued"] == {"date-parts": [[2011, 5, 25], [2012, 6, 26]]}
    assert items["lancet2017"]["issued"] == {"date-parts": [[2017]], "season": 3}
    assert items["beethoven1801"]["issued"] == {"date-parts": [[1801]], "circa": True}
    assert items["lancet2017"]["page"] == "243-245"
    assert items["who2016"]["ISBN"] == "978-92-4-154991-2"
    assert items["ioannidis2019"]["PMID"] == "30987654"
    assert items["ioannidis2019"]["PMCID"] == "PMC6500001"


def test_tags_option_adds_condition_slug():
    text = ris.write(SAMPLES[:1], tags=["recurrent-miscarriage"])
    assert "KW  - recurrent-miscarriage\r\n" in text
    assert "recurrent-miscarriage" in ris.read(text)[0]["keyword"]


def test_multiline_abstract_without_continuation_lines():
    text = ris.write(SAMPLES[:1])
    assert "AB  - Methods: meta-analysis.\r\nAB  - \r\nAB  - Results: none." in text
    assert ris.read(text)[0]["abstract"] == SAMPLES[0]["abstract"]


def test_reader_tolerance():
    text = ("\ufeff1.\nTY  - JOUR\nT1  - Old tags\nA1  - Doe, Jane\nJO  - J Old\nY1  - 2001//\n"
            "N2  - first line,\n      second line\nDO  - https://dx.doi.org/10.1000/XYZ\n"
            "UR  - http://dx.doi.org/10.1000/XYZ\nUR  - https://example.org/a\n"
            "DA  - SEP 22\nKW  - a\nb\nER  -\n\n\n2.\nTY  - BOOK\nTI  - B\nSP  - 250\nER  - \n")
    first, second = ris.read(text)
    assert first["title"] == "Old tags" and first["author"] == [{"family": "Doe", "given": "Jane"}]
    assert first["container-title"] == "J Old"
    assert first["issued"] == {"date-parts": [[2001, 9, 22]]}
    assert first["abstract"] == "first line,\nsecond line"
    assert first["DOI"] == "10.1000/XYZ" and first["URL"] == "https://example.org/a"
    assert first["keyword"] == "a, b"
    assert second["number-of-pages"] == "250"


def test_unknown_tags_are_kept_privately_and_written_back_to_ris():
    item = ris.read("TY  - JOUR\nTI  - x\nAD  - Somewhere\nER  - \n")[0]
    assert item["_ris"] == [["AD", "Somewhere"]]
    assert "AD  - Somewhere\r\nER  - " in ris.write([item])


@pytest.mark.parametrize("text,message", [
    ("AU  - Smith, J\nER  - \n", "expected a record starting"),
    ("PMID- 123\nTI  - x\n", "MEDLINE"),
    ("FN Clarivate Analytics Web of Science\nPT J\n", "Web of Science"),
    ("hello world", "expected a record"),
])
def test_bad_input(text, message):
    with pytest.raises(ParseError) as error:
        ris.read(text, source="bad.ris")
    assert message in str(error.value) and "bad.ris" in str(error.value)


def test_a_record_without_its_end_tag_at_the_end_of_the_file_is_read_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.ris"):
        [item] = ris.read((FIXTURES / "truncated.ris").read_text(), source="t.ris")
    assert item["title"] == "Truncated record"
    assert "t.ris: the record starting at line 1 has no 'ER  - ' end tag" in caplog.text


def test_a_record_without_its_end_tag_ends_at_the_next_ty_as_zotero_reads_it(caplog):
    with caplog.at_level(logging.WARNING, logger="evidencebib.formats.ris"):
        items = ris.read("TY  - JOUR\nTI  - a\nTY  - JOUR\nTI  - b\nER  - \n", source="n.ris")
    assert [item["title"] for item in items] == ["a", "b"]
    assert "n.ris: the record starting at line 1 has no 'ER  - ' end tag before the next 'TY' " \
        "(line 3)" in caplog.text


@pytest.mark.parametrize("name", ["asreview-pubmed.ris", "rispy-wos.ris"])
def test_corpus_non_ris_files_are_rejected(name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("shared corpus absent; CI always has it")
    with pytest.raises(ParseError):
        ris.read(path.read_text(encoding="utf-8-sig"), source=name)


def test_corpus_record_counts():
    if not CORPUS.is_dir():
        pytest.skip("shared corpus absent; CI always has it")
    counts = {p.name: len(ris.read(p.read_text(encoding="utf-8"), source=p.name))
              for p in CORPUS.glob("*.ris") if p.name not in ("asreview-pubmed.ris", "rispy-wos.ris")}
    assert counts["asreview-citavi.ris"] == 100 and counts["rispy-bom.ris"] == 1
    assert counts["rispy-multiline.ris"] == 3 and sum(counts.values()) == 187


# ---- property-based -------------------------------------------------------------------

_word = st.text(st.characters(categories=("L", "N"), max_codepoint=0x30FF), min_size=1, max_size=8)
_line = st.lists(_word, min_size=1, max_size=5).map(" ".join)
_person = st.fixed_dictionaries({"family": _word.map(str.capitalize)},
                                optional={"given": _word.map(str.capitalize)})
_org = st.lists(_word.map(str.capitalize), min_size=1, max_size=4).map(lambda w: {"literal": " ".join(w)})
_date = st.one_of(
    st.tuples(st.integers(1, 2100)).map(lambda t: {"date-parts": [list(t)]}),
    st.tuples(st.integers(1, 2100), st.integers(1, 12)).map(lambda t: {"date-parts": [list(t)]}),
    st.tuples(st.integers(1, 2100), st.integers(1, 12), st.integers(1, 28)).map(
        lambda t: {"date-parts": [list(t)]}),
    # a range that ends no earlier than it starts (one that ends before is no date: EDTF)
    st.tuples(st.integers(1000, 2100), st.integers(1, 12), st.integers(0, 100)).map(
        lambda t: {"date-parts": [[t[0], t[1]], [t[0] + t[2]]]}),
)
ITEMS = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True),
     "type": st.sampled_from(["article-journal", "book", "chapter", "report", "thesis",
                              "webpage", "paper-conference", "dataset"]),
     "title": _line},
    optional={"author": st.lists(st.one_of(_person, _org), min_size=1, max_size=5),
              "editor": st.lists(_person, min_size=1, max_size=3),
              "issued": _date, "volume": st.integers(1, 999).map(str),
              "page": st.tuples(st.integers(1, 500), st.integers(501, 999)).map(lambda t: f"{t[0]}-{t[1]}"),
              "DOI": st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9.]{1,12}", fullmatch=True),
              "abstract": st.lists(_line, min_size=1, max_size=3).map("\n".join),
              "keyword": st.lists(_word, min_size=1, max_size=4, unique=True).map(", ".join),
              "publisher": _line, "language": st.sampled_from(["en", "fr", "ja"])})


@settings(max_examples=150, deadline=None)
@given(st.lists(ITEMS, min_size=1, max_size=4, unique_by=lambda i: i["id"]))
def test_write_read_round_trip(items):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from fieldcompare import PairStats, compare

    back = ris.read(ris.write(items))
    assert len(back) == len(items)
    stats = PairStats()
    for before, after in zip(items, back, strict=True):
        assert compare("ris", before, after, stats) == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_parse_error(text):
    try:
        ris.read(text)
    except ParseError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["TY  - JOUR", "ER  - ", "AU  - Doe, J", "TI  - x", "",
                                 "DA  - 2020/13/45/", "PY  - abc", "SP  - --", "  cont",
                                 "SN  - ", "DO  - 10.1/x", "TY  - ???"]), max_size=20))
def test_structured_noise_raises_only_parse_error(lines):
    try:
        ris.read("\n".join(lines))
    except ParseError:
        pass


MENDELEY_M3 = ("TY  - JOUR\r\nT1  - Mendeley title\r\nA1  - Smith, J.\r\nY1  - 2019/05/03\r\n"
               "JF  - Journal of Things\r\nM3  - doi: 10.1000/mend\r\n{do}ER  - \r\n")


def test_a_doi_in_m3_is_no_genre_and_repeats_the_doi():
    item = ris.read(MENDELEY_M3.format(do="DO  - 10.1000/mend\r\n"))[0]
    assert item["DOI"] == "10.1000/mend" and "genre" not in item and "_ris" not in item


def test_a_doi_in_m3_alone_is_the_doi():
    item = ris.read(MENDELEY_M3.format(do=""))[0]
    assert item["DOI"] == "10.1000/mend" and "genre" not in item


def test_m3_that_is_no_doi_is_the_genre():
    item = ris.read(MENDELEY_M3.replace("doi: 10.1000/mend", "Randomized controlled trial")
                    .format(do=""))[0]
    assert item["genre"] == "Randomized controlled trial"


# -- Zotero's HTML child notes (redteam5 F49) --------------------------------------------------

def _zotero_note(line: str) -> str:
    text = f"TY  - JOUR\r\nTI  - T\r\n{line}\r\nER  - \r\n"
    return ris.read(text)[0]["note"]


def test_an_html_note_is_read_as_text_without_tags_or_entities():
    assert _zotero_note("N1  - <p>An HTML note &amp; more</p>") == "An HTML note & more"


def test_an_html_notes_paragraphs_and_line_breaks_stay_apart():
    assert _zotero_note("N1  - <p>First</p><p>Second<br/>line</p>") == "First\n\nSecond\nline"


def test_a_comma_less_organisation_is_still_read_as_one_name():
    text = "TY  - JOUR\r\nAU  - World Health Organization\r\nTI  - T\r\nER  - \r\n"
    assert ris.read(text)[0]["author"] == [{"literal": "World Health Organization"}]


def test_a_plain_note_with_angle_brackets_is_not_read_as_html():
    assert _zotero_note("N1  - p < 0.05 and q > 1 &amp;") == "p < 0.05 and q > 1 &amp;"


def test_a_text_note_with_a_tag_inside_is_kept_as_written():
    # Mendeley's notes: text with `<br/>` inside, which a BibTeX store keeps as written
    note = "Includes references.<br/><br/>Includes index."
    assert _zotero_note(f"N1  - {note}") == note
