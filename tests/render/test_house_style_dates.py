"""Issue 15, item 4, the house style (ig-criteria): a date range takes its year suffix once,
after the range ("Smith J (2014–2015a)"; 40d2d8e printed "(2014a–2015a)"), and a season range
within one year still prints that year ("Ox E (2019)", as citeproc-js).

citeproc-js 2.4.63 appends the implicit year-suffix after the year date-part of the rendered
date (citeproc_commonjs.js, `date-part`, `has_done_year_suffix`), i.e. after a range's end: with
the house style it prints "(2014–2015a)" / "(2014–2015b)" once the two cites' ambiguity keys
clash. With styles/ig-criteria.csl as shipped they do not: the `accessed ` prefix of the
`access` macro's date leaks into the first item's key ("Smith 2014–accessed 2015"), so
citeproc-js assigns no suffix at all ("(2014–2015)" twice, the cites left ambiguous) — a state
leak, not a rule; without that prefix it prints "(2014–2015a)" like us.

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


def test_a_date_range_takes_its_year_suffix_once_after_the_range(tmp_path):
    out = render(tmp_path,
                 "@article{one, author = {Smith, Jane}, title = {One}, journal = {J}, date = {2014/2015}}\n"
                 "@article{two, author = {Smith, Jane}, title = {Two}, journal = {J}, date = {2014/2015}}\n")
    assert "Smith J (2014–2015a) 'One'" in out
    assert "Smith J (2014–2015b) 'Two'" in out


def test_a_season_range_within_one_year_prints_the_year(tmp_path):
    out = render(tmp_path,
                 "@article{d, author = {Ox, Ed}, title = {D}, journal = {J}, date = {2019-21/2019-22}}\n")
    assert "Ox E (2019) 'D'" in out

