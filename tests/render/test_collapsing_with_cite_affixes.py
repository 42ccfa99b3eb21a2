"""Collapsing next to cites a user shaped (`cite` with pandoc's syntax, issue 14 item 2): a cite
with a suffix ends a citation-number range, and a suppress-author cite is not a year of the cite
before it. Expected texts are citeproc-js 2.4.63's (tests/citeproc_js). Found by helper redteam;
the suffix case is not fixed yet: the fix belongs in render/overrides/collapsing.py (strict
xfail until then: remove the marker with the fix)."""

from __future__ import annotations

import pytest

from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine


def article(key: str, family: str, year: int) -> dict:
    return {"id": key, "type": "article-journal", "title": "A study", "container-title": "J Immunol",
            "author": [{"family": family, "given": "J."}], "issued": {"date-parts": [[year]]}}


ITEMS = [article("a", "Banjar", 2023), article("b", "Empson", 2005), article("c", "Wang", 2016),
         article("d", "Wong", 2014), article("e", "Yamada", 2022)]


@pytest.mark.xfail(strict=True, reason="collapsing.py builds 3–5 across a cite's suffix "
                                        "(citeproc-js: 'see 3, and elsewhere,4,5')")
def test_a_cite_with_a_suffix_is_not_collapsed_into_a_number_range():
    cluster = Cluster([Cite("c", prefix="see ", suffix=", and elsewhere"), "d", "e"])
    assert Engine("vancouver").citations([cluster], "text", ITEMS, register="items") == \
        ["(see 3, and elsewhere,4,5)"]


def test_a_suppress_author_cite_is_not_collapsed_onto_another_authors_year():
    cluster = Cluster(["a", Cite("c", suppress_author=True)])
    assert Engine("apa").citations([cluster], "text", ITEMS) == ["(Banjar, 2023; 2016)"]
