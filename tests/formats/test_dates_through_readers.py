"""EDTF and CSL dates (seasons, ranges, uncertain, approximate) reach the item intact from
every BibTeX spelling, and no style raises on them (issue 15, item 4). What a style prints for
a season is the renderer's (citeproc-js: APA "(2017, Autumn)")."""

from __future__ import annotations

import pytest

import json

from evidencebib.formats import biblatex, bibtex, csl_json, inventory, ris
from evidencebib.render import render_bibliography


def issued(fields: str) -> dict:
    entry = f"@article{{k, author = {{Smith, Ann}}, title = {{T}}, journal = {{J}}, {fields}}}"
    return bibtex.read(entry)[0]["issued"]


@pytest.mark.parametrize("fields, date", [
    ("date = {2019-23}", {"date-parts": [[2019]], "season": 3}),       # EDTF season 21-24
    ("year = {2017}, month = {Spring}", {"date-parts": [[2017]], "season": 1}),
    ("date = {2014/2015}", {"date-parts": [[2014], [2015]]}),
    ("year = {1990--1991}", {"date-parts": [[1990], [1991]]}),
    ("year = {2004}, month = jan # {--} # feb", {"date-parts": [[2004, 1], [2004, 2]]}),
    ("date = {2019~}", {"date-parts": [[2019]], "circa": True}),
    ("year = {2018}, month = {June--July}", {"date-parts": [[2018, 6], [2018, 7]]}),
    ('year = {2018}, month = {jun # "--" # jul}', {"date-parts": [[2018, 6], [2018, 7]]}),
    ("year = {2018-2019}", {"date-parts": [[2018], [2019]]}),
    ("date = {2020-05-06T10:11:12Z}", {"date-parts": [[2020, 5, 6]]}),   # biblatex datetime
])
def test_bibtex_dates_are_read_into_csl_dates(fields, date):
    got = issued(fields)
    assert {k: v for k, v in got.items() if k in date} == date


def test_a_month_that_is_no_month_is_noted_and_the_year_kept():
    item = bibtex.read("@article{k, title = {T}, year = {2017}, month = {Whenever}}")[0]
    assert item["issued"] == {"date-parts": [[2017]]}
    assert any("Whenever" in note for note in item["_notes"])


@pytest.mark.parametrize("write, read", [(csl_json.write, csl_json.read), (ris.write, ris.read),
                                         (bibtex.write, bibtex.read)])
def test_a_season_survives_the_exports(write, read):
    item = bibtex.read("@article{k, title = {T}, date = {2019-23}}")[0]
    back = read(write([item]))[0]["issued"]
    assert back.get("season") in (3, "3") and back["date-parts"][0][0] == 2019


@pytest.mark.parametrize("style", ["ig-criteria", "apa", "vancouver", "harvard-cite-them-right"])
def test_no_style_raises_on_seasons_ranges_and_approximate_dates(style):
    items = bibtex.read("@article{s, author={Smith, Ann}, title={S}, journal={J}, date={2019-23}}\n"
                        "@article{r, author={Lee, Cy}, title={R}, journal={J}, date={2014/2015}}\n"
                        "@article{c, author={Ng, Di}, title={C}, journal={J}, date={2019~}}\n"
                        "@article{o, author={Ox, Ed}, title={O}, journal={J}, date={2014/..}}\n")
    entries = render_bibliography(items, style, "text")
    assert len(entries) == 4 and all("2014" in e for e in entries if "Lee" in e)


def stored(item: dict) -> dict:
    """The item as a condition keeps it (a BibTeX file) and reads it back."""
    return bibtex.read(bibtex.write([item]))[0]


def from_csl(issued: dict, kind: str = "document") -> dict:
    data = [{"id": "j", "type": kind, "title": "T", "author": [{"family": "C", "given": "C"}],
             "issued": issued}]
    return csl_json.read(json.dumps(data))[0]


@pytest.mark.parametrize("literal", ["Spring 2019", "../2019", "2019-13", "Winter 2019/2020"])
def test_a_csl_literal_date_stays_a_literal_through_a_condition(literal):
    assert stored(from_csl({"literal": literal}))["issued"] == {"literal": literal}


def test_a_csl_literal_date_stays_a_literal_in_apa():
    # citeproc-js, same style and input: "C, C. (Spring 2019). T."
    entry = render_bibliography([stored(from_csl({"literal": "Spring 2019"}))], "apa", "text")[0]
    assert "Spring 2019" in entry


def test_a_literal_kept_beside_the_year_is_no_note_when_read_back():
    assert "_notes" not in stored(from_csl({"literal": "Spring 2019"}))


def test_an_open_start_stays_as_written_through_a_condition_and_csl_json():
    item = stored(bibtex.read("@misc{d, title = {T}, date = {../2019}}")[0])
    assert item["issued"] == {"literal": "../2019"}
    assert json.loads(csl_json.write([item]))[0]["issued"] == {"literal": "../2019"}


@pytest.mark.parametrize("month, season", [(21, 1), (24, 4)])
def test_a_csl_json_season_month_survives_a_condition(month, season):
    back = stored(from_csl({"date-parts": [[2019, month]]}))["issued"]
    assert back == {"date-parts": [[2019]], "season": season}


@pytest.mark.parametrize("text", ["201X", "../2019", "2019-XX"])
def test_biblatex_writes_a_literal_date_biber_reads_as_its_date(text):
    item = bibtex.read(f"@misc{{d, title = {{T}}, date = {{{text}}}}}")[0]
    assert ("date", "{" + text + "}") in biblatex.biblatex_fields(item)[1]
    assert not inventory.not_held([item], "biblatex")


def test_biblatex_export_names_a_literal_date_it_has_no_field_for():
    item = from_csl({"literal": "Spring 2019"})
    fields = dict(biblatex.biblatex_fields(item)[1])
    assert "date" not in fields and "year" not in fields
    assert inventory.not_held([item], "biblatex") == {"issued": 1}


def test_biblatex_export_needs_no_field_for_no_date():
    item = bibtex.read("@misc{n, title = {T}, year = {n.d.}}")[0]
    assert not inventory.not_held([item], "biblatex")


@pytest.mark.parametrize("month,parts", [('sep # "~15"', [2020, 9, 15]), ('jul # "~4,"', [2020, 7, 4])])
def test_btxdocs_month_macro_with_a_tie_and_day_is_month_and_day(month, parts):
    from evidencebib.formats import bibtex

    item = bibtex.read("@article{a, title={T}, year=2020, month=" + month + "}")[0]
    assert item["issued"] == {"date-parts": [parts]} and not item.get("_notes")
