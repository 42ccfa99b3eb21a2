"""CSL-JSON readers refuse what no real file holds — nesting beyond 64 levels, integers beyond
100 digits, numbers JSON does not define — with a ParseError naming file and line, the same
verdict whatever the caller's stack depth; JSON that only looks alike inside strings is read."""

from __future__ import annotations

import json

import pytest

from evidencebib.errors import ParseError
from evidencebib.formats import csl_json


def item_with(value_json: str) -> str:
    return '[\n{"id": "first", "type": "book", "title": "T"},\n' \
           '{"id": "second", "type": "book",\n "custom": {"x": ' + value_json + "}}\n]"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def read_at_stack_depth(text: str, frames: int):
    def down(n: int):
        return down(n - 1) if n else csl_json.read(text, source="deep.json")
    return down(frames)


def test_nesting_beyond_the_limit_is_refused_with_the_line():
    with pytest.raises(ParseError) as caught:
        csl_json.read(item_with(nested(csl_json.MAX_DEPTH)), source="deep.json")
    assert "nested deeper than 64 levels" in str(caught.value)
    assert caught.value.location.line == 4


def test_the_verdict_on_nesting_does_not_depend_on_the_callers_stack():
    text = item_with(nested(900))  # within Python's own limit at the top, beyond it lower down
    verdicts = []
    for frames in (0, 200):
        with pytest.raises(ParseError) as caught:
            read_at_stack_depth(text, frames)
        verdicts.append((caught.value.message, caught.value.location.line))
    assert verdicts[0] == verdicts[1] == ("nested deeper than 64 levels", 4)


def test_nesting_at_the_limit_is_read():
    items = csl_json.read(item_with(nested(csl_json.MAX_DEPTH - 3)))
    assert [item["id"] for item in items] == ["first", "second"]


@pytest.mark.parametrize("digits", [101, 5000, 100_000])
def test_an_integer_beyond_the_limit_is_refused_with_the_line(digits):
    with pytest.raises(ParseError) as caught:
        csl_json.read(item_with("9" * digits), source="big.json")
    assert f"a number with {digits} digits" in str(caught.value)
    assert caught.value.location.line == 4 and str(caught.value).startswith("big.json, line 4")


def test_an_integer_at_the_limit_is_read():
    items = csl_json.read(item_with("-" + "9" * csl_json.MAX_INT_DIGITS))
    assert len(items) == 2


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1E+999"])
def test_numbers_json_does_not_define_are_refused_with_the_line(number):
    text = '[{"id": "a", "type": "book",\n"issued": {"date-parts": [[' + number + ']]}}]'
    with pytest.raises(ParseError) as caught:
        csl_json.read(text, source="n.json")
    assert number in str(caught.value) and caught.value.location.line == 2


def test_brackets_digits_and_words_inside_strings_are_just_text():
    title = "[[[[" * 40 + " " + "9" * 500 + ' NaN Infinity 1e400 \\" {{{{'
    text = '[{"id": "a", "type": "book", "title": "' + title + '", "volume": 1.5e3}]'
    (item,) = csl_json.read(text)
    assert item["title"] == json.loads('"' + title + '"')


def test_item_lines_are_still_found_after_strings_with_escapes():
    text = '[\n{"id": "a", "type": "book", "title": "quote \\" and \\\\"},\n\n' \
           '{"id": "b", "type": "book", "title": ["not text"]}\n]'
    with pytest.raises(ParseError) as caught:
        csl_json.read(text, source="x.json")
    assert caught.value.location.line == 4 and caught.value.location.entry == "b"
