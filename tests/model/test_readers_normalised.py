"""Every reader ends by producing a normalised item: over every entry of the shared corpus, of
the shipped references and of the seed page, what a reader returns is already a fixed point
of the item normaliser (`model.normalize.normalize_item`) and holds only CSL 1.0.2
variables (plus `id`, `type`, `categories`, `custom` and private `_` keys).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from evidencebib.formats import bibtex, crossref, csl_json, endnote_xml, ig_page, ris
from evidencebib.model.normalize import normalize_item
from evidencebib.model.vocabulary import ITEM_KEYS

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
CORPUS = REPO.parent / "shared" / "corpus"
NOT_RIS = {"asreview-pubmed.ris", "rispy-wos.ris"}


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _sources() -> list[tuple[str, Path]]:
    sources = [("bibtex", REPO / "references" / "recurrent-miscarriage.bib"),
               ("page", TESTS / "fixtures" / "recurrent-miscarriage.txt"),
               ("csl-json", TESTS / "fixtures" / "formats" / "samples.json")]
    sources += [("crossref", path) for path in sorted((TESTS / "fixtures" / "crossref").glob("works_*.json"))]
    if CORPUS.is_dir():
        sources += [("bibtex", path) for path in sorted((CORPUS / "bibtex").glob("*.bib"))]
        sources += [("ris", path) for path in sorted((CORPUS / "ris").glob("*.ris"))
                    if path.name not in NOT_RIS]
        sources += [("csl-json", path) for path in sorted((CORPUS / "csl-json").glob("*.json"))]
        sources += [("endnote-xml", path) for path in sorted((CORPUS / "endnote-xml").glob("*.xml"))]
    return sources


def _read(kind: str, path: Path) -> list[dict]:
    text = _text(path)
    if kind == "bibtex":
        return bibtex.read(text, source=str(path), strict=False)
    if kind == "page":
        return ig_page.read_page(text, keep_unparsed=True).items
    if kind == "crossref":
        message = json.loads(text)
        return [crossref.work_to_item(message.get("message", message))]
    return {"ris": ris, "csl-json": csl_json, "endnote-xml": endnote_xml}[kind].read(text, source=str(path))


def _params() -> list:
    # the files of a megabyte and more take seconds each: slow
    return [pytest.param(kind, path, id=path.name,
                         marks=[pytest.mark.slow] if path.stat().st_size > 1_000_000 else [])
            for kind, path in _sources()]


@pytest.mark.corpus
@pytest.mark.parametrize("kind, path", _params())
def test_reader_output_is_a_fixed_point_of_the_item_normaliser(kind, path):
    logging.disable(logging.WARNING)  # readers log what they keep under `custom`; not the point here
    try:
        items = _read(kind, path)
    finally:
        logging.disable(logging.NOTSET)
    for item in items:
        public = {key: value for key, value in item.items() if not key.startswith("_")}
        assert set(public) <= ITEM_KEYS, (item.get("id"), set(public) - ITEM_KEYS)
        again = normalize_item(item)
        assert again == item, (item.get("id"), {k: (item.get(k), again.get(k)) for k in set(item) | set(again)
                                                if item.get(k) != again.get(k)})
