"""enrich: what Crossref would add; hand-set values are never overwritten."""

import json
from pathlib import Path

from evidencebib.enrich import ADD, COMPLETE, CONFLICT, apply, propose, render
from evidencebib.formats.crossref import work_to_item

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"
JCP = work_to_item(json.loads((FIX / "works_10.1136_jclinpath-2020-206745.json").read_text())
                   ["message"])


def test_completes_truncated_authors_and_adds_missing_fields():
    local = {"id": "xu2021", "type": "article-journal",
             "author": [{"family": "Xu", "given": "J."}, {"family": "Qu", "given": "S."}],
             "_et_al": ["author"], "title": JCP["title"], "issued": {"date-parts": [[2021]]},
             "container-title": "J Clin Pathol", "volume": "74", "DOI": JCP["DOI"]}
    changes = {c.field: c for c in propose(local, JCP)}
    assert changes["author"].kind == COMPLETE
    assert changes["issue"].kind == ADD and changes["issue"].new == "5"
    assert changes["page"].kind == ADD and changes["page"].new == "314-320"
    assert changes["ISSN"].kind == ADD
    assert "volume" not in changes and "title" not in changes
    assert "container-title" not in changes            # abbreviation of the same journal
    updated = apply(local, list(changes.values()))
    assert len(updated["author"]) == 15 and "_et_al" not in updated
    assert updated["volume"] == "74" and updated["issue"] == "5"
    assert local["author"][0] == {"family": "Xu", "given": "J."}   # input untouched
    text = render("xu2021", list(changes.values()))
    assert text.startswith("@xu2021") and "+ issue: '5'" in text and "~ author:" in text


def test_conflicts_are_shown_not_applied():
    local = {"id": "x", "title": JCP["title"], "volume": "75", "page": "314-20",
             "author": [{"family": "Smith"}], "_et_al": ["author"],
             "issued": {"date-parts": [[2015]]}}
    changes = propose(local, JCP)
    kinds = {c.field: c.kind for c in changes}
    assert kinds["volume"] == CONFLICT
    assert "page" not in kinds                          # 314-20 == 314-320
    assert kinds["author"] == CONFLICT                  # our names are not the record's
    assert kinds["issued"] == CONFLICT
    updated = apply(local, changes)
    assert updated["volume"] == "75" and updated["author"] == [{"family": "Smith"}]
    assert updated["issued"] == {"date-parts": [[2015]]}
    assert "kept ours" in render("x", changes)


def test_nothing_to_do():
    assert propose(dict(JCP), JCP) == []
    assert render("k", []) == ""


# Issue 15, items 7 and 8: no entry with a DOI is left out of enrich without a word.

def _emulated_jcp():
    from crossref_emulator import CrossrefEmulator, sample_messages

    emulator = CrossrefEmulator(rate=100, interval=0.5, concurrency=8)
    emulator.add_works(sample_messages())
    return emulator


def test_enrich_expands_a_short_doi_through_doi_org_and_proposes_what_crossref_adds():
    from crossref_emulator import fast_client

    from evidencebib.enrich import proposals

    local = {"id": "xu2021", "type": "article-journal", "author": [{"family": "Xu", "given": "J."}],
             "_et_al": ["author"], "title": JCP["title"], "issued": {"date-parts": [[2021]]},
             "container-title": "J Clin Pathol", "DOI": "10/fqd6hj"}
    with _emulated_jcp() as emu:
        emu.add_short_doi("10/fqd6hj", JCP["DOI"])
        found = proposals(fast_client(emu), [local])
    assert {change.field for change in found["xu2021"]} >= {"author", "issue", "page"}


def test_enrich_names_an_entry_whose_doi_it_cannot_ask_for():
    from crossref_emulator import fast_client

    from evidencebib.enrich import proposals

    told: list[str] = []
    items = [{"id": "gone", "title": "T", "DOI": "10/zzzzzz"},
             {"id": "junk", "title": "T", "DOI": "not a doi"}]
    with _emulated_jcp() as emu:
        assert proposals(fast_client(emu), items, told.append) == {}
    assert any(m.startswith("@gone: not checked (shortDOI 10/zzzzzz is not registered") for m in told), told
    assert any(m.startswith("@junk: not checked (not DOI syntax") for m in told), told
