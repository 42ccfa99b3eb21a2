"""Issue 15, item 4, the house style (ig-criteria): the start of a date range never carries a
year suffix (40d2d8e printed "Smith J (2014a–2015a)"; main prints "(2014–2015a)"; citeproc-js
2.4.63 prints no suffix on such a range with this style, APA's explicit `year-suffix` gives
"(2014–2015a)" in both), and a season range within one year still prints that year (citeproc-js:
"Ox E (2019)").

Driven through `render` in a subprocess, so the tests run unchanged on older trees
(tests/tools/run_on_tree.sh).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def render(tmp_path: Path, bib: str, style: str = "ig-criteria") -> str:
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "dates.toml").write_text('title = "Dates"\n', encoding="utf-8")
    (refs / "dates.bib").write_text(bib, encoding="utf-8")
    command = [sys.executable, "-m", "evidencebib", "render", "dates", "--style", style,
               "--references", str(refs)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "EVIDENCEBIB_NO_RENDER_CACHE": "1"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_start_of_a_date_range_never_carries_the_year_suffix(tmp_path):
    out = render(tmp_path,
                 "@article{one, author = {Smith, Jane}, title = {One}, journal = {J}, date = {2014/2015}}\n"
                 "@article{two, author = {Smith, Jane}, title = {Two}, journal = {J}, date = {2014/2015}}\n")
    entries = [line for line in out.splitlines() if line.startswith("Smith J (2014")]
    assert len(entries) == 2, out
    assert all(entry.startswith("Smith J (2014–2015") for entry in entries), out


def test_a_season_range_within_one_year_prints_the_year(tmp_path):
    out = render(tmp_path,
                 "@article{d, author = {Ox, Ed}, title = {D}, journal = {J}, date = {2019-21/2019-22}}\n")
    assert "Ox E (2019) 'D'" in out
