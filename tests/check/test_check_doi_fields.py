"""check on the DOI field itself: a DOI that is not DOI syntax, and a DOI only in the URL
(redteam5 F10, F11: `verify --offline` said "invalid", `check` said nothing)."""

from __future__ import annotations

import pytest

from evidencebib import api

ENTRY = """@article{{a1,
  author = {{Smith, Ann}},
  title = {{A trial}},
  journal = {{J Test}},
  year = {{2020}},
  {field}
}}
"""


def _findings(references, field: str, kind: str):
    (references / "x.toml").write_text('title = "X"\n', encoding="utf-8")
    (references / "x.bib").write_text(ENTRY.format(field=field), encoding="utf-8")
    return [f for f in api.check(api.References(references)).findings
            if f.kind == kind and f.copies[0].where == "x:a1"]


@pytest.mark.parametrize("value", ["10.1000/ x4", "10.1000/x5 10.1000/x6", "doi pending"])
def test_a_doi_that_is_not_doi_syntax_is_a_bad_doi_warning(references, value):
    found = _findings(references, f"doi = {{{value}}},", "bad-doi")
    assert len(found) == 1 and "is not DOI syntax" in found[0].message


@pytest.mark.parametrize("value", ["10.1016/j.rbmo.2016.08.025", "10/fqd6hj"])
def test_a_doi_or_short_doi_is_no_bad_doi(references, value):
    assert _findings(references, f"doi = {{{value}}},", "bad-doi") == []


def test_a_journal_article_whose_url_is_a_doi_link_is_told_to_store_the_doi(references):
    found = _findings(references, "url = {https://doi.org/10.1000/x3},", "no-doi")
    assert len(found) == 1
    assert "its URL is the DOI link of 10.1000/x3: store that as its doi" in found[0].message


def test_a_journal_article_without_doi_or_doi_link_is_pointed_to_find_doi(references):
    found = _findings(references, "url = {https://example.org/a1},", "no-doi")
    assert len(found) == 1 and "find-doi x" in found[0].message
