"""Terms in note styles as citeproc-js 2.4.63 prints them (found by helper redteam with
`evidencebib cite … --style oscola`; both checked against citeproc-js itself, fixed in
overrides/labels.py and overrides/positions.py). OSCOLA's own locale defines the short term
`first-reference-note-number` ("n.", periods stripped) for its `cs:label`, and writes ibid with
text-case="lowercase"."""

from __future__ import annotations

from evidencebib.render import Cite, Cluster
from evidencebib.render.engine import Engine

ITEMS = [{"id": "a", "type": "article-journal", "title": "A study", "container-title": "J Immunol",
          "author": [{"family": "Banjar", "given": "S."}], "issued": {"date-parts": [[2023]]}},
         {"id": "c", "type": "article-journal", "title": "Another", "container-title": "J Immunol",
          "author": [{"family": "Wang", "given": "S."}], "issued": {"date-parts": [[2016]]}}]
NOTES = [Cluster([Cite("a", locator="3", label="page")], note_number=1), Cluster(["c"], note_number=2),
         Cluster([Cite("a", locator="4", label="page")], note_number=3),
         Cluster([Cite("a", locator="4", label="page")], note_number=4)]


def test_a_label_of_the_first_reference_note_number_prints_the_styles_term():
    assert Engine("oscola").citations(NOTES, "text", ITEMS)[2] == "Banjar (n 1) 4."


def test_an_initial_term_with_text_case_lowercase_stays_lowercase():
    assert Engine("oscola").citations(NOTES, "text", ITEMS)[3] == "ibid."
