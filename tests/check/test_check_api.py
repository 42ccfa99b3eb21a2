"""The Python API of check: `copies_of` finds every copy of a work, `sync_copies` makes them
agree with the one just edited (what `edit` calls so that one edit reaches every condition)."""

from __future__ import annotations

from test_check_cli import SECOND

from evidencebib import api


def test_copies_of_lists_the_named_copy_first_then_every_other_copy(references):
    (references / "itp.bib").write_text(SECOND, encoding="utf-8")
    refs = api.References(references)
    copies = api.copies_of(refs, "itp", "wang2016")
    assert [c.where for c in copies] == ["itp:wang2016", "recurrent-miscarriage:wang2016"]
    assert copies[1].line == 22 and copies[1].item["DOI"] == "10.1016/j.rbmo.2016.08.025"


def test_a_work_cited_once_has_one_copy(references):
    copies = api.copies_of(api.References(references), "recurrent-miscarriage", "empson2005")
    assert [c.where for c in copies] == ["recurrent-miscarriage:empson2005"]


def test_sync_copies_makes_the_other_copies_agree_with_the_edited_one(references):
    (references / "itp.bib").write_text(SECOND, encoding="utf-8")
    refs = api.References(references)
    condition = refs.load("recurrent-miscarriage")
    item = condition.bib.item("wang2016")
    item["title"] = "The effect of IVIg passive immunotherapy: a meta-analysis"
    condition.bib.update_item("wang2016", item)
    condition.save()
    result = api.sync_copies(refs, "recurrent-miscarriage", "wang2016")
    assert result.synced == [("recurrent-miscarriage:wang2016", ["itp:wang2016"])]
    assert refs.load("itp").bib.item("wang2016")["title"] == item["title"]
    left = [f for f in api.check(refs).failing() if "itp:wang2016" in {c.where for c in f.copies}]
    assert left == []


def test_check_reports_through_the_api_with_counts_and_json(references):
    report = api.check(api.References(references))
    assert report.counts()["truncated-authors"] == 3 and report.failing() == []
    assert '"schema": "evidencebib-check/1"' in report.to_json()


def test_an_edit_that_changes_the_doi_reaches_the_copies_found_before_it(references):
    """`edit` finds the copies before writing; a corrected DOI (or a rewritten title) no
    longer matches them afterwards, so the copies it found are passed to `sync_copies`."""
    (references / "itp.bib").write_text(SECOND, encoding="utf-8")
    refs = api.References(references)
    before = api.copies_of(refs, "recurrent-miscarriage", "wang2016")
    condition = refs.load("recurrent-miscarriage")
    item = condition.bib.item("wang2016")
    item["DOI"] = "10.1016/j.rbmo.2016.09.001"
    item["title"] = "IVIg for unexplained recurrent miscarriage: a meta-analysis"
    condition.bib.update_item("wang2016", item)
    condition.save()
    assert [c.where for c in api.copies_of(refs, "recurrent-miscarriage", "wang2016")] == [
        "recurrent-miscarriage:wang2016"]   # the edit parted them
    result = api.sync_copies(refs, "recurrent-miscarriage", "wang2016", copies=before)
    assert result.synced == [("recurrent-miscarriage:wang2016", ["itp:wang2016"])]
    synced = refs.load("itp").bib.item("wang2016")
    assert (synced["DOI"], synced["title"]) == (item["DOI"], item["title"])


def test_sync_copies_says_which_copy_found_before_the_edit_is_gone(references):
    (references / "itp.bib").write_text(SECOND, encoding="utf-8")
    refs = api.References(references)
    before = api.copies_of(refs, "recurrent-miscarriage", "wang2016")
    (references / "itp.bib").write_text(SECOND.replace("wang2016", "wang2016x"), encoding="utf-8")
    result = api.sync_copies(refs, "recurrent-miscarriage", "wang2016", copies=before)
    assert result.synced == [] and result.written == []
    assert result.skipped == ["itp:wang2016: no longer in the condition; not synced"]
