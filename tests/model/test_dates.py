"""The one date normaliser (model/dates.py): what is a date and what is kept as written
(issue 15, item 4: a date is read as it is meant, or kept as written and said so, never
silently changed)."""

from __future__ import annotations

import pytest

from evidencebib.model.dates import normalize_date, parse_edtf, parse_date_text


@pytest.mark.parametrize("text", ["2019-13", "2019-17", "2019-20"])
def test_an_edtf_month_that_is_neither_a_month_nor_a_season_is_no_date(text):
    assert parse_edtf(text) is None


@pytest.mark.parametrize("text", ["2019-02-30", "2019-02-29", "2019-04-31", "2019-21-05"])
def test_an_edtf_day_the_month_does_not_have_is_no_date(text):
    assert parse_edtf(text) is None


def test_a_leap_day_in_a_leap_year_is_a_date():
    assert parse_edtf("2020-02-29") == {"date-parts": [[2020, 2, 29]]}


@pytest.mark.parametrize("text", ["30 February 2019", "31/04/2019"])
def test_a_free_text_day_the_month_does_not_have_is_kept_as_written(text):
    assert parse_date_text(text) == {"literal": text}


@pytest.mark.parametrize("text", ["2020-05-06T10:11:12Z", "2020-05-06T10:11", "2020-05-06T10:11:12+02:00",
                                  "2020-05-06T10:11:12.5-0500"])
def test_an_iso_datetime_is_read_as_its_date(text):
    assert parse_edtf(text) == {"date-parts": [[2020, 5, 6]]}


@pytest.mark.parametrize("text", ["../2019", "201X", "19XX"])
def test_an_open_start_and_unspecified_digits_are_no_csl_date(text):
    # citeproc-js holds neither (an open start [[0],[2019]] prints no date at all)
    assert parse_edtf(text) is None


@pytest.mark.parametrize("month, season", [(21, 1), (22, 2), (23, 3), (24, 4), (13, 1), (16, 4)])
def test_a_csl_json_month_21_to_24_or_13_to_16_is_a_season(month, season):
    # citeproc-js util_dates.js normalizeMonth reads both as seasons
    assert normalize_date({"date-parts": [[2019, month]]}) == {"date-parts": [[2019]], "season": season}


def test_a_season_month_in_a_range_is_spelt_13_to_16():
    assert normalize_date({"date-parts": [[2019, 21], [2019, 22]]}) == \
        {"date-parts": [[2019, 13], [2019, 14]]}


@pytest.mark.parametrize("text, parts", [
    ("June-July 2018", [[2018, 6], [2018, 7]]),
    ("Jun/Jul 2018", [[2018, 6], [2018, 7]]),
    ("Spring-Summer 2019", [[2019, 13], [2019, 14]]),
    ("2018-2019", [[2018], [2019]]),
])
def test_two_months_seasons_or_years_in_free_text_are_a_range(text, parts):
    assert parse_date_text(text) == {"date-parts": parts}


@pytest.mark.parametrize("text", ["Dec-Jan 2019", "Winter 2019/2020", "June Spring 2019"])
def test_two_dates_that_are_no_range_in_one_text_are_kept_as_written(text):
    assert parse_date_text(text) == {"literal": text}


@pytest.mark.parametrize("text", ["../2019", "/2019"])
def test_an_open_start_in_free_text_is_kept_as_written(text):
    # RIS `DA`, EndNote dates: not the year of its end
    assert parse_date_text(text) == {"literal": text}


@pytest.mark.parametrize("text", ["2019-06-15/2019-06-14", "2019/2018", "2020-03/2020-01"])
def test_an_interval_that_ends_before_it_starts_is_no_edtf_date(text):
    from evidencebib.model.dates import parse_edtf

    assert parse_edtf(text) is None
