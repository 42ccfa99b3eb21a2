"""EDTF and CSL dates (seasons, ranges, uncertain, approximate) reach the item intact from
every BibTeX spelling, and no style raises on them (issue 15, item 4). What a style prints for
a season is the renderer's (citeproc-js: APA "(2017, Autumn)")."""

from __future__ import annotations

import pytest

from evidencebib.formats import bibtex, csl_json, ris
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
