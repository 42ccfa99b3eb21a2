"""Eprints other than PubMed ids (arXiv, Handle, JSTOR, Google Books, DOI) are read, printed and
exported, not dropped (issue 15, item 3).

What users expect (model/eprints.py cites each source next to the code):
- biblatex manual §3.14.7: `eprint`, `eprinttype`, `eprintclass`; the BibTeX spellings
  `archivePrefix` and `primaryClass` (arXiv's, Google Scholar's, Better BibTeX's) are aliases
  biber's default source map renames; biblatex.def links `arxiv`, `hdl`, `jstor`,
  `googlebooks` identifiers to the archive's page.
- Zotero stores an arXiv preprint with Repository "arXiv" (CSL `publisher`) and Archive ID
  "arXiv:<id>" (CSL `number`), URL the abstract page (zotero/zotero-bits#88).
- CSL 1.0.2 has no eprint variable: the identifier goes to `URL` (and `number`/`publisher` for
  an arXiv preprint, `DOI` for `eprinttype = {doi}`); the fields are kept as written so that
  BibTeX and BibLaTeX exports write them back exactly.

On main before this change every one of these was dropped without a word: the item had no
trace of the identifier, the rendered entry none, and no export wrote or named it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evidencebib import api
from evidencebib.formats import registry
from evidencebib.formats.bibtex import EXTRA
from evidencebib.render import render_entries

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import holdout  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bibtex"

BIBLATEX_ARXIV = ("@online{vaswani2017, author = {Vaswani, Ashish and Shazeer, Noam},"
                  " title = {Attention Is All You Need}, date = {2017},"
                  " eprint = {1706.03762}, eprinttype = {arxiv}, eprintclass = {cs.CL}}")
# what arxiv.org's "Export BibTeX citation" writes (and Google Scholar, Semantic Scholar)
BIBTEX_ARXIV = ("@misc{vaswani2017, author = {Vaswani, Ashish and Shazeer, Noam},"
                " title = {Attention Is All You Need}, year = {2017}, eprint = {1706.03762},"
                " archivePrefix = {arXiv}, primaryClass = {cs.CL}}")
PUBLISHED_ARXIV = ("@article{doe2019, author = {Doe, Jane}, title = {Published},"
                   " journal = {Physical Review B}, year = {2019}, volume = {9}, pages = {1--5},"
                   " eprint = {1907.00001}, eprinttype = {arxiv}}")
HANDLE = ("@book{doe2010, author = {Doe, Jane}, title = {A Thesis}, year = {2010},"
          " publisher = {MIT}, eprint = {1721.1/12345}, eprinttype = {hdl}}")
JSTOR = ("@article{gell1985, author = {Gell, Alfred}, title = {How to Read a Map},"
         " journal = {Man}, year = {1985}, eprint = {2802385}, eprinttype = {jstor}}")
GOOGLE_BOOKS = ("@book{doe1990, author = {Doe, Jane}, title = {A Book}, year = {1990},"
                " publisher = {P}, eprint = {abc123XYZ}, eprinttype = {googlebooks}}")
DOI_EPRINT = ("@article{doe1991, author = {Doe, Jane}, title = {T}, journal = {J},"
              " year = {1991}, eprint = {10.1000/xyz123}, eprinttype = {doi}}")
# what Wiley's "download citation" writes (OUP's and ACS's the same): the full text's link
PUBLISHER_PDF = ("@article{sim2019, author = {Doe, Jane}, title = {T}, journal = {Stat Med},"
                 " year = {2019}, eprint = {https://onlinelibrary.wiley.com/doi/pdf/10.1002/sim.123}}")

KINDS = {"publisher-pdf": PUBLISHER_PDF, "biblatex-arxiv": BIBLATEX_ARXIV, "bibtex-arxiv": BIBTEX_ARXIV,
         "published-arxiv": PUBLISHED_ARXIV, "hdl": HANDLE, "jstor": JSTOR,
         "googlebooks": GOOGLE_BOOKS, "doi": DOI_EPRINT}
# the CSL variables each kind is said with
EXPECTED = {
    "biblatex-arxiv": {"number": "arXiv:1706.03762", "publisher": "arXiv",
                       "URL": "https://arxiv.org/abs/1706.03762"},
    "bibtex-arxiv": {"number": "arXiv:1706.03762", "publisher": "arXiv",
                     "URL": "https://arxiv.org/abs/1706.03762"},
    "published-arxiv": {"URL": "https://arxiv.org/abs/1907.00001"},
    "hdl": {"URL": "https://hdl.handle.net/1721.1/12345"},
    "jstor": {"URL": "https://www.jstor.org/stable/2802385"},
    "googlebooks": {"URL": "https://books.google.com/books?id=abc123XYZ"},
    "doi": {"DOI": "10.1000/xyz123"},
    "publisher-pdf": {"URL": "https://onlinelibrary.wiley.com/doi/pdf/10.1002/sim.123"},
}
FORMATS = ["ris", "csl-json", "endnote-xml", "bibtex", "biblatex"]


def read(text: str) -> dict:
    return registry.get("bibtex").read(text)[0]


def public(item: dict) -> dict:
    return {name: value for name, value in item.items() if not name.startswith("_")}


# --- reading -------------------------------------------------------------------------------

def test_a_biblatex_arxiv_eprint_is_a_preprint_number_publisher_and_abstract_url():
    item = read(BIBLATEX_ARXIV)
    assert (item["number"], item["publisher"], item["URL"]) == (
        "arXiv:1706.03762", "arXiv", "https://arxiv.org/abs/1706.03762")


def test_archiveprefix_and_primaryclass_are_biblatex_eprinttype_and_eprintclass():
    assert {name: read(BIBTEX_ARXIV)[name] for name in EXPECTED["bibtex-arxiv"]} == \
        EXPECTED["bibtex-arxiv"]


def test_a_published_article_with_an_arxiv_copy_keeps_its_journal_and_gains_the_url():
    item = read(PUBLISHED_ARXIV)
    assert item["container-title"] == "Physical Review B"
    assert item["URL"] == "https://arxiv.org/abs/1907.00001"
    assert "publisher" not in item and "number" not in item


def test_an_arxiv_identifier_written_with_its_prefix_needs_no_eprinttype():
    # JabRef users write `Eprint = {arXiv:cond-mat/0703268}` (corpus: jabref groups file)
    item = read("@article{r, title = {T}, journal = {J}, year = {2007},"
                " Eprint = {arXiv:cond-mat/0703268}}")
    assert item["URL"] == "https://arxiv.org/abs/cond-mat/0703268"


@pytest.mark.parametrize("kind", ["hdl", "jstor", "googlebooks"])
def test_handle_jstor_and_google_books_eprints_are_linked_to_their_landing_page(kind):
    assert read(KINDS[kind])["URL"] == EXPECTED[kind]["URL"]


def test_a_doi_eprint_is_the_items_doi():
    assert read(DOI_EPRINT)["DOI"] == "10.1000/xyz123"


def test_the_entrys_own_url_number_and_publisher_win_and_the_eprint_is_kept_beside_them():
    item = read("@misc{a, title = {T}, year = {2020}, url = {https://example.org/a},"
                " number = {WP-7}, publisher = {SSRN}, eprint = {2001.00001},"
                " eprinttype = {arxiv}}")
    assert (item["URL"], item["number"], item["publisher"]) == (
        "https://example.org/a", "WP-7", "SSRN")
    assert ["eprint", "2001.00001"] in item[EXTRA]


def test_the_eprint_fields_are_kept_as_written():
    assert read(BIBTEX_ARXIV)[EXTRA] == [["eprint", "1706.03762"], ["archiveprefix", "arXiv"],
                                         ["primaryclass", "cs.CL"]]


def test_an_eprint_of_an_archive_no_style_knows_is_kept_not_dropped():
    item = read("@online{a, title = {T}, date = {2020}, eprint = {abc/123},"
                " eprinttype = {psyarxiv}}")
    assert ["eprint", "abc/123"] in item[EXTRA] and ["eprinttype", "psyarxiv"] in item[EXTRA]
    assert "eprint = {abc/123}" in registry.get("bibtex").write([item])


def test_pubmed_eprints_are_still_the_pmid_and_not_kept_twice():
    item = read("@article{a, title = {T}, journal = {J}, year = {2006},"
                " eprint = {16449689}, eprinttype = {pubmed}}")
    assert item["PMID"] == "16449689" and EXTRA not in item


# --- rendering (as citeproc-js 2.4.63 prints these CSL items; checked below) ----------------

APA = {
    "bibtex-arxiv": "Vaswani, A., & Shazeer, N. (2017). Attention Is All You Need "
                    "(arXiv:1706.03762). arXiv. https://arxiv.org/abs/1706.03762",
    "published-arxiv": "Doe, J. (2019). Published. Physical Review B, 9, 1–5. "
                       "https://arxiv.org/abs/1907.00001",
    "hdl": "Doe, J. (2010). A Thesis. MIT. https://hdl.handle.net/1721.1/12345",
}
VANCOUVER = {
    "bibtex-arxiv": "1. Vaswani A, Shazeer N. Attention Is All You Need [Internet]. arXiv; "
                    "2017. Available from: https://arxiv.org/abs/1706.03762",
    "hdl": "1. Doe J. A Thesis [Internet]. MIT; 2010. Available from: "
           "https://hdl.handle.net/1721.1/12345",
}


@pytest.mark.parametrize("style,kind,expected",
                         [("apa", kind, text) for kind, text in APA.items()]
                         + [("vancouver", kind, text) for kind, text in VANCOUVER.items()])
def test_the_eprint_is_printed_by_apa_and_vancouver(style, kind, expected):
    [(_, entry)] = render_entries([public(read(KINDS[kind]))], style, "text")
    assert entry == expected


def test_the_preprints_csl_item_renders_as_citeproc_js_renders_it():
    import citeproc_js_runner
    from evidencebib.render.styles import resolve_style

    citeproc_js_runner.require()
    import citeproc

    items = [public(read(KINDS[kind])) for kind in ("bibtex-arxiv", "published-arxiv", "hdl")]
    locale = (Path(citeproc.LOCALES_PATH) / "locales-en-US.xml").read_text(encoding="utf-8")
    for style in ("apa", "vancouver"):
        request = {"style": resolve_style(style).read_text(encoding="utf-8"), "locale": locale,
                   "items": items, "format": "text"}
        reply = json.loads(subprocess.run(
            ["node", str(citeproc_js_runner.JS_DIR / "render.js")], input=json.dumps(request),
            capture_output=True, text=True, timeout=120).stdout)
        theirs = dict(zip(reply["ids"], reply["entries"]["text"], strict=True))
        ours = {items[index]["id"]: entry for index, entry in render_entries(items, style, "text")}
        assert ours == theirs, style
        assert "arxiv.org/abs/1706.03762" in ours["vaswani2017"], style


# --- exports and re-import ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_export_carries_the_eprint_and_reads_it_back(kind, fmt):
    item = read(KINDS[kind])
    format_ = registry.get(fmt)
    back = format_.read(format_.write([item]), source=f"x.{fmt}")[0]
    assert {name: back.get(name) for name in EXPECTED[kind]} == EXPECTED[kind]
    assert back.get(EXTRA) and sorted(back[EXTRA]) == sorted(item[EXTRA])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_export_that_cannot_hold_an_eprint_variable_names_it(kind, fmt):
    item = read(KINDS[kind])
    format_ = registry.get(fmt)
    back = format_.read(format_.write([item]), source=f"x.{fmt}")[0]
    lost = [name for name in EXPECTED[kind] if back.get(name) != item[name]]
    warnings = " ".join(api.export_warnings([item], fmt))
    assert all(name in warnings for name in lost), (lost, warnings)


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_bibtex_and_biblatex_write_the_eprint_fields_back_exactly_and_nothing_derived(kind, fmt):
    item = read(KINDS[kind])
    text = registry.get(fmt).write([item])
    assert "eprint = {" in text
    for field, value in item[EXTRA]:
        assert f"{field} = {{{value}}}" in text, (field, text)
    fields = {"number": "number", "publisher": "publisher", "URL": "url", "DOI": "doi"}
    for variable, value in EXPECTED[kind].items():  # the reader derives them again
        assert f"{fields[variable]} = {{{value}}}" not in text, (variable, text)


def test_csl_json_gives_citeproc_the_variables_and_keeps_the_fields():
    [written] = json.loads(registry.get("csl-json").write([read(BIBLATEX_ARXIV)]))
    assert {name: written[name] for name in EXPECTED["biblatex-arxiv"]} == \
        EXPECTED["biblatex-arxiv"]
    assert ["eprintclass", "cs.CL"] in written["custom"]["evidencebib-bibtex"]


# --- the corpus ------------------------------------------------------------------------------

def test_every_known_eprint_of_the_development_corpus_is_said_by_a_csl_variable():
    if not CORPUS.is_dir():
        pytest.skip("no shared corpus")
    from evidencebib.model import eprints

    checked = 0
    for path in sorted(CORPUS.glob("*.bib")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "eprint" not in text.lower():
            continue
        for item in registry.get("bibtex").read(text, source=path.name,
                                                strict=False):
            fields = dict(item.get(EXTRA) or ())
            if holdout.is_held_back(path.name, str(item["id"])) or not fields.get("eprint"):
                continue
            if eprints.kind(fields) in eprints.LANDING_PAGES:
                checked += 1
                assert item.get("URL"), (path.name, item["id"])
    assert checked > 100


def test_biblatex_keeps_the_arxiv_eprint_of_an_item_with_a_pmid_and_names_the_pmid():
    # one `eprint` per entry (biblatex manual §3.14.7): the PMID had overwritten nothing but
    # was written as a second `eprint` field, an entry no BibTeX parser reads
    item = read("@article{b, title = {T}, journal = {Sci. Rep.}, year = {2012}, pmid = {22432053},"
                " archivePrefix = {arXiv}, eprint = {1203.6171}, eprinttype = {arxiv}}")
    text = registry.get("biblatex").write([item])
    back = registry.get("biblatex").read(text)[0]
    assert back["URL"] == "https://arxiv.org/abs/1203.6171"
    assert "PMID" in " ".join(api.export_warnings([item], "biblatex"))


def test_a_web_address_eprint_is_a_link_not_an_archive_identifier():
    """F27: a publisher's `eprint = {https://…pdf}` is the full text's link: the item's URL
    (RIS `UR`, CSL-JSON `URL`), the eprint kept as written for BibTeX."""
    item = read(PUBLISHER_PDF)
    assert item["URL"] == "https://onlinelibrary.wiley.com/doi/pdf/10.1002/sim.123"
    assert ["eprint", item["URL"]] in item[EXTRA]


def test_an_arxiv_eprint_written_as_its_address_is_not_made_an_address_of_an_address():
    item = read("@misc{a, title = {T}, year = {2017}, eprinttype = {arxiv},"
                " eprint = {https://arxiv.org/abs/1706.03762}}")
    assert item["URL"] == "https://arxiv.org/abs/1706.03762"


def test_an_entry_with_a_url_of_its_own_keeps_it_and_carries_the_link_eprint():
    item = read(PUBLISHER_PDF.replace("eprint =", "url = {https://example.org/abs}, eprint ="))
    assert item["URL"] == "https://example.org/abs"
    assert any(name == "eprint" for name, _ in item[EXTRA])
