"""Collapsing next to cites a user shaped (`cite` with pandoc's syntax, issue 14 item 2): a cite
with a suffix ends a citation-number range, and a suppress-author cite is not a year of the cite
before it. Expected texts are citeproc-js 2.4.63's (tests/citeproc_js). Rules read off
citeproc-js's output; render/overrides/collapsing.py implements them."""

from __future__ import annotations

from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine


def article(key: str, family: str, year: int) -> dict:
    return {"id": key, "type": "article-journal", "title": "A study", "container-title": "J Immunol",
            "author": [{"family": family, "given": "J."}], "issued": {"date-parts": [[year]]}}


ITEMS = [article("a", "Banjar", 2023), article("b", "Empson", 2005), article("c", "Wang", 2016),
         article("d", "Wong", 2014), article("e", "Yamada", 2022)]


def test_a_cite_with_a_suffix_is_not_collapsed_into_a_number_range():
    cluster = Cluster([Cite("c", prefix="see ", suffix=", and elsewhere"), "d", "e"])
    assert Engine("vancouver").citations([cluster], "text", ITEMS, register="items") == \
        ["(see 3, and elsewhere,4,5)"]


def test_a_suppress_author_cite_is_not_collapsed_onto_another_authors_year():
    cluster = Cluster(["a", Cite("c", suppress_author=True)])
    assert Engine("apa").citations([cluster], "text", ITEMS) == ["(Banjar, 2023; 2016)"]


def test_a_cite_with_a_prefix_starts_a_new_number_range():
    cluster = Cluster(["a", Cite("b", prefix="y "), "c", "d"])
    assert Engine("vancouver").citations([cluster], "text", ITEMS, register="items") == ["(1,y 2–4)"]


def test_a_cite_with_a_suffix_at_the_end_of_a_run_is_left_out_of_the_range():
    cluster = Cluster(["a", "b", Cite("c", suffix=" z")])
    assert Engine("vancouver").citations([cluster], "text", ITEMS, register="items") == ["(1,2,3 z)"]
