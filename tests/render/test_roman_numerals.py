"""Numbers a style formats as roman numerals (CSL 1.0.2 §Number, form="roman"), at every size.

The specification does not say what a number too large for roman numerals becomes; citeproc-js
2.4.63 (checked with tests/citeproc_js/render.js on `university-of-new-south-wales-notes`,
which prints volumes as roman numerals) writes numbers below 6000 in roman numerals
(`mmmcmxcix`, `mmmmm` for 5000), and a number beyond JavaScript's safe integers (10^30, a
mis-keyed volume from real data) as the digits written. Between 6000 and 2^53 - 1 it prints
nothing at all; we print the digits there too, so that no number is lost (README, Known
limitations lists the difference).
"""

from __future__ import annotations

import json
import subprocess

import pytest

import citeproc_js_runner
from evidencebib.render import EngineOptions
from evidencebib.render.engine import Engine
from evidencebib.render.overrides.pages import format_number
from evidencebib.render.styles import resolve_style

ROMAN_STYLE = "university-of-new-south-wales-notes"
HUGE = "1000000000000000000000000000000"


def book(key: str, volume: str) -> dict:
    return {"id": key, "type": "book", "title": f"Book {key}", "publisher": "Wiley",
            "author": [{"family": "Brown", "given": "Amy"}], "issued": {"date-parts": [[2019]]},
            "volume": volume}


def ours(items: list[dict]) -> dict[str, str]:
    problems: list = []
    entries = Engine(ROMAN_STYLE, options=EngineOptions(workers=1)).bibliography(items, "text", problems)
    assert problems == []
    return {str(entry.key): entry.text for entry in entries}


def test_a_volume_of_ten_to_the_thirty_renders_as_its_digits():
    entry = ours([book("huge", HUGE)])["huge"]
    assert entry.endswith(f", {HUGE}.")


@pytest.mark.parametrize("number,expected", [
    (3, "iii"), (14, "xiv"), (3999, "mmmcmxcix"), (4000, "mmmm"), (5999, "mmmmmcmxcix"),
    (6000, "6000"), (12345, "12345"), (2 ** 53 - 1, str(2 ** 53 - 1)), (10 ** 30, HUGE), (0, "0"),
])
def test_roman_numerals_below_six_thousand_and_digits_above(number, expected):
    assert format_number(number, "roman", locale=None) == expected


def test_the_rendered_entries_match_citeproc_js():
    """Where citeproc-js prints something (below 6000, and beyond its safe integers)."""
    citeproc_js_runner.require()
    import citeproc
    from pathlib import Path

    items = [book(f"v{index}", volume) for index, volume in enumerate(["3", "3999", "5000", HUGE, "2-4"])]
    locale = (Path(citeproc.LOCALES_PATH) / "locales-en-US.xml").read_text(encoding="utf-8")
    request = {"style": resolve_style(ROMAN_STYLE).read_text(encoding="utf-8"), "locale": locale,
               "items": items, "format": "text"}
    runner = citeproc_js_runner.JS_DIR / "render.js"
    reply = json.loads(subprocess.run(["node", str(runner)], input=json.dumps(request),
                                      capture_output=True, text=True, timeout=120).stdout)
    theirs = dict(zip(reply["ids"], reply["entries"]["text"], strict=True))
    mine = ours(items)
    # the volume is the last part of each entry; the rest is the same style's other output
    for key in mine:
        assert mine[key].rsplit(", ", 1)[-1] == theirs[key].rsplit(", ", 1)[-1], key
