"""Hostile item data cannot break an export: every format reads back as the same items.

A title or name with a newline followed by `ER  - ` must not end a RIS record (or start a new
one), `</title></record>` must not end an EndNote XML record (the file stays well-formed), quotes
and backslashes must not break CSL-JSON (valid against the official schema when present), and
`}` / `@article{` must not close a BibTeX entry early. Each export is read back with our reader
and compared field by field (whitespace compared collapsed: RIS and BibTeX are line formats).
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from lxml import etree

from evidencebib.formats import registry

HOSTILE_TITLES = [
    "Ends the record\nER  - \nTY  - JOUR\nTI  - Injected record",
    "Carriage\r\nER  - \r\nAU  - Evil, E.",
    "</title></titles></record><record><titles><title>Injected",
    "<![CDATA[ x ]]> & <script>alert(1)</script> &amp; &#0; ]]>",
    'Quote " backslash \\ slash / \\u0000 \\n',
    "Closes early}, author = {Evil, Eve}, note = {",
    "}@article{injected, title = {Injected}}@comment{",
    "Percent % comment and # hash and @ at and ~ tilde",
    "Unbalanced { brace",
    "Unbalanced } brace",
    "\\par {\\rtf1 x} \\'e9 \\textbf{bold}",
    "Tab\tand vertical\x0btab and form\x0cfeed",
    "Ünïcödé — “quotes” ‘single’ \u202e\u200b",
]
FORMATS = ["ris", "csl-json", "endnote-xml", "bibtex"]


def collapse(text: str) -> str:
    return " ".join(str(text).split())


def hostile_items() -> list[dict]:
    items = []
    for index, title in enumerate(HOSTILE_TITLES):
        items.append({"id": f"hostile{index}", "type": "article-journal", "title": title,
                      "author": [{"family": title.splitlines()[0][:30] or "X", "given": "A."},
                                 {"family": "Smith", "given": "B."}],
                      "container-title": title, "issued": {"date-parts": [[2020]]},
                      "volume": "1", "page": "1-2", "DOI": f"10.1000/h{index}"})
    return items


def roundtrip(fmt: str, items: list[dict]) -> tuple[str, list[dict]]:
    format_ = registry.get(fmt)
    text = format_.write(items)
    return text, format_.read(text, source=f"export.{fmt}")


def strip_markup(text: str) -> str:
    return re.sub(r"</?(?:i|b|sup|sub|span)[^>]*>", "", str(text))


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_hostile_title_stays_in_its_own_record(fmt):
    items = hostile_items()
    text, back = roundtrip(fmt, items)
    assert len(back) == len(items), f"{fmt}: {len(back)} records read back from {len(items)}"
    for original, read in zip(items, back, strict=True):
        assert collapse(strip_markup(read.get("title"))) == collapse(original["title"]), fmt
        assert read.get("DOI", "").lower() == original["DOI"].lower(), fmt
        families = [n.get("family") or n.get("literal") for n in read.get("author", [])]
        assert collapse(families[-1]) == "Smith", (fmt, families)


def test_ris_export_has_one_er_line_per_record():
    text, _ = roundtrip("ris", hostile_items())
    lines = text.splitlines()
    assert sum(1 for line in lines if re.match(r"^ER  -", line)) == len(HOSTILE_TITLES)
    assert sum(1 for line in lines if re.match(r"^TY  -", line)) == len(HOSTILE_TITLES)
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) or line.strip() == "" or
               line.startswith("\ufeff") for line in lines if line.strip() != "ER  -"), \
        [line for line in lines if not re.match(r"^[A-Z][A-Z0-9]  -", line) and line.strip()]


def test_endnote_xml_export_is_well_formed_with_one_record_each():
    text, _ = roundtrip("endnote-xml", hostile_items())
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = etree.fromstring(body.encode("utf-8"))
    assert len(root.findall(".//record")) == len(HOSTILE_TITLES)
    assert not root.xpath("//script")


def test_csl_json_export_is_valid_json_and_schema_valid():
    from pathlib import Path

    text, back = roundtrip("csl-json", hostile_items())
    data = json.loads(text)
    assert [d["title"] for d in data] == HOSTILE_TITLES
    schema = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "csl-data.schema.json"
    if schema.is_file():
        import jsonschema

        jsonschema.validate(data, json.loads(schema.read_text(encoding="utf-8")))


def test_bibtex_export_keeps_each_entry_closed():
    from evidencebib.store import BibFile

    text, back = roundtrip("bibtex", hostile_items())
    bib = BibFile(text, "export.bib")
    assert not bib.problems, bib.problems
    assert len(bib.keys()) == len(HOSTILE_TITLES)
    assert "injected" not in [k.lower() for k in bib.keys()]


TITLE_TEXT = st.lists(
    st.one_of(st.sampled_from(list("{}\\@%#~&<>\"'\n\r\t $_^[]|*`") +
                              ["ER  - ", "TY  - ", "</title>", "]]>", "@article{", "\\par",
                               "{\\rtf1"]),
              st.characters(blacklist_categories=("Cs", "Co", "Cc"))),
    min_size=1, max_size=30).map("".join).filter(lambda t: t.strip())


@pytest.mark.parametrize("fmt", FORMATS)
def test_any_title_round_trips_as_one_record(fmt):
    @settings(max_examples=120, deadline=None, database=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(title=TITLE_TEXT)
    def check(title):
        if fmt == "bibtex":   # known bug, pinned below: a newline then '@' in a value
            assume(not re.search(r"[\r\n]\s*@", title))
        item = {"id": "k", "type": "article-journal", "title": title,
                "author": [{"family": "Smith", "given": "A."}], "issued": {"date-parts": [[2020]]},
                "DOI": "10.1000/x"}
        _, back = roundtrip(fmt, [item])
        assert len(back) == 1, (fmt, title)
        assert back[0].get("DOI") == "10.1000/x", (fmt, title, back[0])
        assert [n.get("family") for n in back[0].get("author", [])] == ["Smith"], (fmt, title)

    check()


def test_bibtex_title_with_a_newline_then_at_sign_round_trips():
    title = "}\n@article{injected,\n  title = {Injected}\n}\n@comment{"
    item = {"id": "k", "type": "article-journal", "title": title, "DOI": "10.1000/x",
            "author": [{"family": "Smith", "given": "A."}]}
    _, back = roundtrip("bibtex", [item])
    assert len(back) == 1 and collapse(back[0]["title"]) == collapse(title)
