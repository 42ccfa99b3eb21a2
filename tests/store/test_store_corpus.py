"""Lossless storage on 53 real-world .bib files (21k entries) from the shared corpus."""

from __future__ import annotations

import random

import pytest

from conftest import corpus_dir
from evidencebib.store import BibFile

COUNTS: dict[str, int] = {"files": 0, "entries": 0, "failed_blocks": 0, "edits": 0}


@pytest.fixture(scope="module")
def bib_files():
    files = sorted(corpus_dir("bibtex").glob("*.bib"))
    assert len(files) >= 53
    return files


def test_every_corpus_file_saves_back_byte_for_byte(bib_files, tmp_path):
    for path in bib_files:
        bib = BibFile.load(path)
        out = tmp_path / path.name
        bib.save(out)
        assert out.read_bytes() == path.read_bytes(), path.name
        COUNTS["files"] += 1
        COUNTS["entries"] += len(bib.entries)
        COUNTS["failed_blocks"] += len(bib.problems)
    print(f"\ncorpus: {COUNTS['files']} files, {COUNTS['entries']} entries parsed, "
          f"{COUNTS['failed_blocks']} failed blocks kept verbatim, all byte-identical")
    assert COUNTS["entries"] > 21000


def test_editing_one_entry_changes_only_that_entrys_bytes_in_every_file(bib_files, tmp_path):
    rng = random.Random(20261123)
    for path in bib_files:
        bib = BibFile.load(path)
        keys = [k for k in bib.keys()]
        if not keys:
            continue
        key = rng.choice(keys)
        record = bib.entries[key]
        before_text = bib.text()
        start = before_text.index(record.span.text)
        end = start + len(record.span.text)
        item = bib.item(key)
        item["note"] = (item.get("note", "") + " checked by evidencebib").strip()
        assert bib.update_item(key, item)
        out = tmp_path / path.name
        bib.save(out)
        after = out.read_bytes().decode(bib.encoding)
        assert after[:start] == before_text[:start], (path.name, key)
        tail = len(before_text) - end
        assert after[len(after) - tail:] == before_text[end:], (path.name, key)
        reread = BibFile.load(out)
        assert "checked by evidencebib" in reread.item(key)["note"], (path.name, key)
        COUNTS["edits"] += 1
    print(f"\ncorpus: {COUNTS['edits']} single-entry edits, each confined to its entry")


def test_failed_blocks_stay_verbatim_and_are_not_annotated_on_resave(bib_files, tmp_path):
    for path in bib_files:
        bib = BibFile.load(path)
        if not bib.problems:
            continue
        out = tmp_path / path.name
        bib.add_item({"type": "book", "title": "Added", "issued": {"date-parts": [[2026]]}})
        bib.save(out)
        once = out.read_bytes()
        again = BibFile.load(out)
        again.save(tmp_path / ("again-" + path.name))
        assert (tmp_path / ("again-" + path.name)).read_bytes() == once
        assert once.startswith(path.read_bytes())
        assert b"WARNING Parsing failed" not in once[len(path.read_bytes()):]
