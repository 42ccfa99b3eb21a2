"""BibTeX's own entry types that CSL has no type for are written back as themselves (redteam6
G6): a @manual was exported and stored as a @techreport (plain.bst then prints "Technical
Report"), a @proceedings as a @book. btxdoc §3 lists both; a manual's body is `organization`."""

from __future__ import annotations

import pytest

from evidencebib.formats import biblatex, bibtex

MANUAL = "@manual{t7, author={Man, U.}, title={User Manual}, organization={Org}, date={2020}}"
PROCEEDINGS = "@proceedings{t6, editor={Ed, E.}, title={Proceedings of X}, publisher={P}, year=2020}"


@pytest.mark.parametrize("writer", [bibtex.write, biblatex.write])
def test_a_manual_is_written_as_a_manual_with_its_organization(writer):
    text = writer(bibtex.read(MANUAL))
    assert text.startswith("@manual{t7,") and "organization = {Org}" in text
    assert "institution" not in text and "techreport" not in text


@pytest.mark.parametrize("writer", [bibtex.write, biblatex.write])
def test_proceedings_are_written_as_proceedings(writer):
    assert writer(bibtex.read(PROCEEDINGS)).startswith("@proceedings{t6,")


def test_a_manual_reads_back_with_the_same_publisher():
    [item] = bibtex.read(MANUAL)
    [back] = bibtex.read(bibtex.write([item]))
    assert back["type"] == item["type"] == "report" and back["publisher"] == "Org"


def test_a_report_of_csl_stays_a_techreport():
    text = bibtex.write([{"id": "r", "type": "report", "title": "R", "publisher": "Inst"}])
    assert text.startswith("@techreport{r,") and "institution = {Inst}" in text
