"""Whatever a user types as a citation (`cite` arguments), the citation syntax reader gives
cites or a one-line UsageError, never another exception (property-based)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from evidencebib.errors import UsageError
from evidencebib.render.citation_syntax import parse_arguments, parse_key, parse_locator, parse_pandoc

PIECES = st.sampled_from(["[", "]", "@", "-@", ";", ",", " ", "{", "}", "p.", "pp.", "chap.", "§", "¶",
                          "33", "iv", "-", "–", "banjar2023", "see", "İ", "ß", "\u00a0", ":", "\n"])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=16).map("".join)
KEYS = ["banjar2023", "wang2016"]


@settings(max_examples=400, deadline=None, database=None)
@example(text="@\n")  # a newline inside the text of a message (fixed)
@given(text=TEXT)
def test_any_text_reads_as_cites_or_a_usage_error(text):
    for read in (parse_pandoc, lambda t: parse_key(t, KEYS), lambda t: parse_arguments([t], KEYS)):
        try:
            read(text)
        except UsageError as error:
            assert "\n" not in str(error)  # one line: the text is quoted with repr()
    label, locator, rest = parse_locator(text)
    assert (label is None) == (locator is None)
