"""Crossref work records → CSL items, on every recorded sample and on awkward shapes."""

import json
from pathlib import Path

import pytest

from evidencebib.formats.crossref import (TYPE_MAP, clean_markup, csl_to_item, work_date,
                                          work_to_item)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"


def message(name):
    return json.loads((FIX / name).read_text(encoding="utf-8"))["message"]


def test_jclinpath_html_title_with_newlines_and_print_year():
    item = work_to_item(message("works_10.1136_jclinpath-2020-206745.json"), key="xu2021")
    assert item["id"] == "xu2021"
    assert item["title"] == ("Construction of a reference material panel for detecting "
                             "<i>KRAS</i>/<i>NRAS</i>/<i>EGFR</i>/<i>BRAF</i>/<i>MET</i> "
                             "mutations in plasma ctDNA")
    assert "\n" not in item["title"]
    # issued is the online-first date (2020-08-17); the print issue is 2021-05
    assert item["issued"] == {"date-parts": [[2021, 5]]}
    assert item["container-title"] == "Journal of Clinical Pathology"
    assert item["container-title-short"] == "J Clin Pathol"
    assert (item["volume"], item["issue"], item["page"]) == ("74", "5", "314-320")
    assert item["ISSN"] == "0021-9746, 1472-4146"
    assert item["type"] == "article-journal"
    assert item["DOI"] == "10.1136/jclinpath-2020-206745"
    assert item["author"][0] == {"family": "Xu", "given": "Jun"}
    assert len(item["author"]) == 15


def test_esmoopen_article_number_year_only():
    item = work_to_item(message("works_10.1136_esmoopen-2020-000776.json"))
    assert item["page"] == "e000776"
    assert item["number"] == "e000776"
    assert item["issued"] == {"date-parts": [[2020]]}
    assert item["container-title"] == "ESMO Open"
    assert "container-title-short" not in item       # same as the full title
    assert len(item["author"]) == 13


def test_pone_correction_record_converts_with_editor():
    item = work_to_item(message("works_10.1371_journal.pone.0033693.json"))
    assert item["title"].startswith("Methylphenidate Exposure Induces")
    assert item["editor"] == [{"family": "Borlongan", "given": "Cesario V."}]
    assert item["page"] == "e33693"
    assert item["issued"] == {"date-parts": [[2012, 3, 21]]}


def test_ijo_degraded_record():
    item = work_to_item(message("works_10.3892_ijo_00000353.json"))
    assert item["author"] == [{"family": "Stravopodis"}]
    assert "volume" not in item and "page" not in item and "issue" not in item
    assert item["container-title"] == "International Journal of Oncology"
    assert item["container-title-short"] == "Int J Oncol"
    assert item["issued"] == {"date-parts": [[2009, 6, 26]]}


def test_every_sample_converts_to_clean_item():
    for path in sorted(FIX.glob("works_*.json")):
        item = work_to_item(json.loads(path.read_text())["message"])
        assert item["title"] and "\n" not in item["title"] and "  " not in item["title"]
        assert item["DOI"] and item["type"] in TYPE_MAP.values()
        assert all(("family" in n) or ("literal" in n) for n in item["author"])


@pytest.mark.parametrize("raw, expected", [
    ("The <i>in vitro</i>  effect", "The <i>in vitro</i> effect"),
    ("A <jats:italic>B</jats:italic> c", "A <i>B</i> c"),
    ("<em>E. coli</em> infection", "<i>E. coli</i> infection"),
    ("Na<sub>2</sub>CO<sub>3</sub> and CO<sup>2+</sup>", "Na2CO3 and CO2+"),
    ('<span style="font-variant:small-caps;">Covid</span>-19', "Covid-19"),
    ("Fish &amp; chips &lt;5 y", "Fish & chips <5 y"),
    ("<i> spaced </i>word", "<i>spaced</i> word"),
    ("unclosed <i>italic", "unclosed <i>italic</i>"),
    ("Title\n   with\n newlines ,", "Title with newlines,"),
    ("<jats:title>Abstract</jats:title><jats:p>Text</jats:p>", "Abstract Text"),
    ("", ""),
])
def test_clean_markup(raw, expected):
    assert clean_markup(raw) == expected


def test_names_types_subtitle_and_null_dates():
    item = work_to_item({
        "DOI": "10.5555/x", "type": "proceedings-article",
        "title": ["Main title"], "subtitle": ["a subtitle"],
        "author": [{"name": "GTEx Consortium"}, {"family": "van der Berg", "given": "Jan"},
                   {"family": "Smith", "given": "J", "suffix": "Jr"}, {}],
        "issued": {"date-parts": [[None]]}, "published-online": {"date-parts": [[2003, 5]]},
        "container-title": ["Anal. Chem.", "Analytical Chemistry"],
    })
    assert item["type"] == "paper-conference"
    assert item["title"] == "Main title: a subtitle"
    assert item["author"] == [{"literal": "GTEx Consortium"},
                              {"non-dropping-particle": "van der", "family": "Berg",
                               "given": "Jan"},
                              {"family": "Smith", "given": "J", "suffix": "Jr"}]
    assert item["issued"] == {"date-parts": [[2003, 5]]}
    assert item["container-title"] == "Analytical Chemistry"
    assert item["container-title-short"] == "Anal. Chem."


def test_subtitle_not_duplicated_and_no_date():
    item = work_to_item({"DOI": "10.5555/y", "type": "posted-content",
                         "title": ["Trial: the LEMON study"], "subtitle": ["The LEMON study"],
                         "issued": {"date-parts": [[None]]}})
    assert item["title"] == "Trial: the LEMON study"
    assert "issued" not in item
    assert item["type"] == "manuscript"
    assert work_date({"issued": {"date-parts": [[None]]}}) is None


@pytest.mark.parametrize("crossref_type, csl", [
    ("journal-article", "article-journal"), ("proceedings-article", "paper-conference"),
    ("book-chapter", "chapter"), ("posted-content", "manuscript"), ("report", "report"),
    ("dissertation", "thesis"), ("dataset", "dataset"), ("monograph", "book"),
    ("book", "book"), ("edited-book", "book"), ("something-new", "article"),
])
def test_type_map(crossref_type, csl):
    assert work_to_item({"DOI": "10.5555/z", "type": crossref_type})["type"] == csl


def test_datacite_csl_from_content_negotiation():
    data = json.loads((FIX / "synthetic_works.json").read_text())["datacite"]["csl"]
    item = csl_to_item(data)
    assert item["type"] == "dataset"
    assert item["title"].startswith("Data from: Outcomes of pregnancies")
    assert item["author"][0] == {"family": "Lindqvist", "given": "Pelle G."}
    assert item["issued"] == {"date-parts": [[2018, 4, 12]]}
    assert item["publisher"] == "Dryad"
