"""A locator range typed with an en dash (`[@key, 10–12]`, as pandoc's smart punctuation writes
`10--12`) is printed as citeproc-js 2.4.63 prints it: kept as typed, not re-formatted by the
style's page-range-format as a hyphenated range is (found by helper redteam with `evidencebib
cite … --style ayer`; checked against citeproc-js itself, fixed in render/overrides/pages.py)."""

from __future__ import annotations

from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine

ITEMS = [{"id": "a", "type": "article-journal", "title": "A study", "container-title": "J Immunol",
          "author": [{"family": "Banjar", "given": "S."}], "issued": {"date-parts": [[2023]]}}]


def locator_cite(locator: str) -> str:
    cluster = Cluster([Cite("a", locator=locator, label="page")], note_number=1)
    return Engine("ayer").citations([cluster], "text", ITEMS)[0]


def test_a_hyphenated_locator_range_follows_the_styles_page_range_format():
    assert locator_cite("4-6").endswith("pp. 4-6.")


def test_a_locator_range_typed_with_an_en_dash_is_kept_as_typed():
    assert locator_cite("10–12").endswith("pp. 10–12.")


def chapter_cite(locator: str) -> str:
    cluster = Cluster([Cite("a", locator=locator, label="chapter")], note_number=1)
    return Engine("ayer").citations([cluster], "text", ITEMS)[0]


def test_a_hyphenated_range_in_a_locator_other_than_a_page_takes_the_locales_page_range_delimiter():
    """ayer's locale (es-ES) sets page-range-delimiter to "-": citeproc-js processNumber
    (fixupRangeDelimiter) joins the chapter range with it, where an en dash was hard-coded."""
    assert chapter_cite("3-5").endswith("cap. 3-5.")


def test_a_range_in_a_locator_other_than_a_page_typed_with_an_en_dash_is_kept_as_typed():
    assert chapter_cite("3 – 5").endswith("cap. 3 – 5.")
