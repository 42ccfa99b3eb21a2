"""check reports what the reader could not read exactly in a hand-edited .bib, as `import`
does for a file it reads (redteam5 F41: a JabRef file dropped into references/ never got the
decoding warnings)."""

from __future__ import annotations

from evidencebib import api


def _notes(references, entry: str):
    (references / "x.toml").write_text('title = "X"\n', encoding="utf-8")
    (references / "x.bib").write_text(entry, encoding="utf-8")
    report = api.check(api.References(references))
    return [f for f in report.findings if f.kind == "read-note"], report


def test_latex_kept_as_written_in_a_condition_file_is_a_read_note_with_its_line(references):
    found, _ = _notes(references, "\n@article{a1, author = {A, Ann}, title = {At \\SI{37}{\\celsius}},"
                                  " journal = {J}, year = {2020}}\n")
    assert len(found) == 1
    assert found[0].message.startswith("x:a1 (line 2): title: \\SI")


def test_names_pasted_with_semicolons_in_a_condition_file_are_a_read_note(references):
    found, _ = _notes(references, "@article{a1, author = {Smith, J.; Doe, J.}, title = {T},"
                                  " journal = {J}, year = {2020}}\n")
    assert [f.data["note"] for f in found] == [
        "author: 'Smith, J.; Doe, J.': names separated by ';' (BibTeX separates names with 'and')"]


def test_read_notes_are_warnings_that_fail_only_under_strict(references):
    found, report = _notes(references, "@article{a1, author = {Smith, J.; Doe, J.}, title = {T},"
                                       " journal = {J}, year = {2020}}\n")
    assert found and not any(f.kind == "read-note" for f in report.failing())


def test_an_entry_read_exactly_has_no_read_note(references):
    found, _ = _notes(references, "@article{a1, author = {Smith, Ann}, title = {T}, journal = {J},"
                                  " year = {2020}}\n")
    assert found == []
