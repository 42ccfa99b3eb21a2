"""biblatex `@xdata` data containers (biblatex manual §3.13.6): an entry that names one in
`xdata` inherits all its fields, as biber resolves them; the container itself is no
reference: never printed, never exported (red-team F33)."""

from __future__ import annotations

from evidencebib.formats import bibtex, csl_json
from evidencebib.store.bibfile import BibFile

T20 = """@xdata{xd1, publisher={XPub}, location={XLoc}}
@book{c4, author={D, D.}, title={Book with xdata}, xdata={xd1}, year=2018}
"""


def test_an_entry_inherits_the_fields_of_its_xdata_container():
    (item,) = bibtex.read(T20)
    assert (item["publisher"], item["publisher-place"]) == ("XPub", "XLoc")


def test_an_xdata_container_is_no_reference():
    assert [item["id"] for item in bibtex.read(T20)] == ["c4"]


def test_the_store_reads_no_reference_from_an_xdata_container():
    bib = BibFile(T20)
    assert [item["id"] for item in bib.items()] == ["c4"]
    assert bib.item("c4")["publisher"] == "XPub"


def test_an_entry_own_field_wins_over_its_container():
    text = T20.replace("xdata={xd1}", "publisher={Own}, xdata={xd1}")
    (item,) = bibtex.read(text)
    assert item["publisher"] == "Own"


def test_containers_named_by_a_container_and_by_an_alias_are_inherited():
    text = """@XDATA{pub, IDS = {pubALIAS}, PUBLISHER = {Macmillan}}
@XDATA{loc, LOCATION = {New York}}
@XDATA{macmillan, XDATA = {pubALIAS, loc}}
@BOOK{b, AUTHOR = {Ellington, E.}, TITLE = {T}, DATE = {2007}, XDATA = {macmillan}}
"""
    (item,) = bibtex.read(text)
    assert (item["publisher"], item["publisher-place"]) == ("Macmillan", "New York")


def test_a_loop_of_containers_stops():
    text = """@XDATA{loop, NOTE = {Note}, XDATA = {loop2}}
@XDATA{loop2, XDATA = {loop}}
@BOOK{b, AUTHOR = {E, E.}, TITLE = {T}, DATE = {1923}, XDATA = {loop}}
"""
    (item,) = bibtex.read(text)
    assert item["note"] == "Note"


def test_an_xdata_key_that_names_no_entry_is_noted_and_kept():
    (item,) = bibtex.read("@book{b, title={T}, xdata={missing}, year=2018}")
    assert any("xdata: no entry 'missing'" in note for note in item["_notes"])
    assert ["xdata", "missing"] in item["_bibtex"]


def test_the_csl_json_export_carries_the_inherited_fields_and_no_container():
    exported = csl_json.read(csl_json.write(bibtex.read(T20)))
    assert [(item["id"], item.get("publisher")) for item in exported] == [("c4", "XPub")]


def test_the_rendered_bibliography_has_no_reference_for_the_container():
    from evidencebib.render import render_entries

    entries = [text for _, text in render_entries(BibFile(T20).items(), "apa", "text")]
    assert entries == ["D, D. (2018). Book with xdata. XPub."]
