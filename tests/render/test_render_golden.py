"""The seed references rendered in the common styles match the reviewed golden files.

Golden files are written by tests/render/golden/make_golden.py (our own rendering) and reviewed by eye;
never edit them by hand to make this test pass.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("make_golden", GOLDEN / "make_golden.py")
make_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_golden)


@pytest.mark.parametrize("filename,style,fmt", make_golden.GOLDEN_FILES,
                         ids=[name for name, _, _ in make_golden.GOLDEN_FILES])
def test_rendering_matches_reviewed_golden_file(filename, style, fmt):
    expected = (GOLDEN / filename).read_text(encoding="utf-8")
    assert make_golden.render_golden(style, fmt) == expected


def test_house_style_markdown_golden_is_the_published_bibliography():
    published = (GOLDEN.parents[1] / "fixtures" / "recurrent-miscarriage.txt").read_text(encoding="utf-8")
    section = published.split("## Bibliography", 1)[1].strip().split("\n\n")[:5]
    assert (GOLDEN / "ig-criteria.md").read_text(encoding="utf-8") == "\n\n".join(section) + "\n"
