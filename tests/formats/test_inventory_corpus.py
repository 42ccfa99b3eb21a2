"""Every field a reader meets is mapped or kept, never ignored without a word (issue 15: a
field inventory per format), on every record of the shared corpus.

The check does not trust the reader's own bookkeeping: each field of a record (an EndNote XML
leaf element, a RIS tag line, a CSL-JSON key) is taken out in turn and the record read again.
If the item does not change, the reader ignored that field. That is allowed only for a
field that repeats a value another field of the record holds (a journal in both
`titles/secondary-title` and `periodical/full-title`, `PY  - 2024` beside `DA  - 2024///`, a
`UR` that is the DOI's doi.org URL) and for EndNote's library bookkeeping (`database`, `source-app`,
`rec-number`, `foreign-keys`: where the record sat in the sender's library, not the work). A
record's key (`id`, `citation-key`) is not checked: one is made when it is missing.
A field kept as a reader extra (`_endnote`, `_ris`, CSL-JSON's `custom`) changes the item, so it
counts as kept: exports carry it or name it (tests/formats/test_roundtrip_corpus.py).

The rates are printed per part of the corpus (tests/support/holdout.py); failures are listed
for the development part only.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
from lxml import etree

import holdout
from conftest import corpus_dir
from evidencebib.errors import ParseError
from evidencebib.formats import csl_json, endnote_xml, ris
from evidencebib.model import LINE, doi

pytestmark = [pytest.mark.corpus]

MEASURE = "field inventory: fields met that are mapped or kept (EndNote XML, RIS, CSL-JSON)"
NOT_RIS = {"asreview-pubmed.ris", "rispy-wos.ris"}


def _same(a: dict, read, text: str) -> bool:
    """Whether `text` reads as the item `a` (a record that no longer reads: the field mattered)."""
    try:
        b = read(text)[0]
    except ParseError:
        return False
    return {k: v for k, v in a.items() if k != LINE} == {k: v for k, v in b.items() if k != LINE}


def _check(rates, name: str, key: str, field: str, ignored: bool, repeated: bool,
           failures: list[tuple[str, str]]) -> None:
    failure = (f"{name}: {key}: {field} is ignored by the reader"
               if ignored and not repeated else None)
    where = rates.check(name, key, failure)
    if failure:
        failures.append((where, failure))


def _endnote_leaves(record: etree._Element) -> list[etree._Element]:
    return [e for e in record.iter() if isinstance(e.tag, str) and e.tag != "style"
            and e is not record and not any(isinstance(c.tag, str) and c.tag != "style" for c in e)
            and "".join(e.itertext()).strip()]


def _endnote_document(record: etree._Element) -> str:
    return ("<xml><records>" + etree.tostring(record, encoding="unicode") + "</records></xml>")


@pytest.mark.parametrize("path", sorted(corpus_dir("endnote-xml").glob("*.xml")),
                         ids=lambda p: p.name)
def test_every_endnote_xml_element_is_mapped_or_kept(path):
    rates = holdout.shared_measure(MEASURE, "fields")
    root = etree.fromstring(path.read_bytes())
    failures: list[tuple[str, str]] = []
    for record in root.iter("record"):
        whole = endnote_xml.read(_endnote_document(record))[0]
        texts = [" ".join("".join(e.itertext()).split()) for e in _endnote_leaves(record)]
        for index, leaf in enumerate(_endnote_leaves(record)):
            field = endnote_xml._path(leaf, record)
            if field in endnote_xml.BOOKKEEPING:
                continue
            changed = copy.deepcopy(record)
            gone = _endnote_leaves(changed)[index]
            gone.getparent().remove(gone)
            ignored = _same(whole, endnote_xml.read, _endnote_document(changed))
            repeated = texts.count(texts[index]) > 1
            _check(rates, path.name, str(whole["id"]), field, ignored, repeated, failures)
    holdout.fail_on(path.name, failures)


# RIS tags for the publication date: `PY  - 2024` beside `DA  - 2024///` says it twice
DATE_TAGS = {"PY", "DA", "Y1"}
_TAG = re.compile(r"([A-Z][A-Z0-9])  -(?: (.*))?$")


def _ris_records(text: str) -> list[list[str]]:
    records: list[list[str]] = []
    current: list[str] | None = None
    for line in text.lstrip("\ufeff").splitlines():
        match = _TAG.match(line)
        if match and match.group(1) == "TY":
            current = [line]
        elif current is not None:
            current.append(line)
            if match and match.group(1) == "ER":
                records.append(current)
                current = None
    return records


@pytest.mark.parametrize("path", [p for p in sorted(corpus_dir("ris").glob("*.ris"))
                                  if p.name not in NOT_RIS], ids=lambda p: p.name)
def test_every_ris_tag_is_mapped_or_kept(path):
    rates = holdout.shared_measure(MEASURE, "fields")
    failures: list[tuple[str, str]] = []
    for lines in _ris_records(path.read_text(encoding="utf-8-sig")):
        whole = ris.read("\n".join(lines) + "\n")[0]
        starts = [i for i, line in enumerate(lines) if _TAG.match(line)][1:-1]  # not TY, ER
        values = [(_TAG.match(lines[i]).group(2) or "").strip() for i in starts]
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(lines) - 1
            if not "".join(lines[start:end]).partition("-")[2].strip():
                continue  # an empty tag
            changed = lines[:start] + lines[end:]
            ignored = _same(whole, ris.read, "\n".join(changed) + "\n")
            tag = lines[start][:2]
            repeated = values.count(values[number]) > 1 or (
                tag in ("UR", "L2") and doi.is_doi_url(values[number], whole.get("DOI"))) or (
                tag in DATE_TAGS and sum(lines[i][:2] in DATE_TAGS for i in starts) > 1)
            _check(rates, path.name, str(whole["id"]), tag, ignored, repeated, failures)
    holdout.fail_on(path.name, failures)


@pytest.mark.parametrize("path", sorted(corpus_dir("csl-json").glob("*.json")),
                         ids=lambda p: p.name)
def test_every_csl_json_key_is_mapped_or_kept(path):
    rates = holdout.shared_measure(MEASURE, "fields")
    failures: list[tuple[str, str]] = []
    for raw in json.loads(path.read_text(encoding="utf-8-sig")):
        whole = csl_json.read(json.dumps([raw]))[0]
        values = [json.dumps(v, sort_keys=True) for v in raw.values()]
        for number, key in enumerate(raw):
            if raw[key] in (None, "", [], {}) or key in ("id", "citation-key"):
                continue  # empty, or the key (made from author and year when missing)
            if key == "type" and raw[key] == "document":
                continue  # the type an item without one is read as (formats/csl_json.py)
            changed = {k: v for k, v in raw.items() if k != key}
            ignored = _same(whole, csl_json.read, json.dumps([changed]))
            repeated = values.count(values[number]) > 1
            _check(rates, path.name, str(whole["id"]), key, ignored, repeated, failures)
    holdout.fail_on(path.name, failures)
