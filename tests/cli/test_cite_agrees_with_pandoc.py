"""`evidencebib cite` reads pandoc's citation syntax as pandoc does: the same citations, given to
`pandoc --citeproc` with our CSL-JSON export and the same style, print the same text (prefix,
locator terms and values, suffix, suppress-author). pandoc is pypandoc-binary's (scripts/test
installs it); without it the test skips, unless CI is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CITATIONS = [
    "[see @banjar2023, pp. 33-35, and passim; @wang2016, chap. 2]",
    "[@banjar2023, p. iv, 33]",
    "[@banjar2023, fig. 2a]",
    "[@banjar2023, § 12]",
    "[@banjar2023, note the date]",
    "[@banjar2023, 33, 35–37]",
    "[@banjar2023, para. 4]",
    "[@banjar2023, vol. 2, p. 3]",
    "[-@wang2016, p. 7]",
    "[@empson2005; -@wang2016, p. 7]",
    "[cf. @empson2005, sec. 3; @wong2014, 12–13, table 2]",
]


def _pandoc() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        if os.environ.get("CI"):
            pytest.fail(f"pandoc (pypandoc-binary) is required in CI: {error}")
        pytest.skip(f"pandoc (pypandoc-binary) is not installed: {error}")


def evidencebib(*args: str, references: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "evidencebib", *args, "--references", str(references)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cite_prints_what_pandoc_citeproc_prints_for_the_same_citations(references, tmp_path):
    from evidencebib.render.styles import resolve_style

    pandoc = _pandoc()
    bibliography = tmp_path / "refs.json"
    evidencebib("export", "recurrent-miscarriage", "--to", "csl-json", "-o", str(bibliography),
                references=references)
    style = str(resolve_style("chicago-author-date"))
    ours = evidencebib("cite", "recurrent-miscarriage", *CITATIONS, "--style", "chicago-author-date",
                       references=references).splitlines()
    document = "\n\n".join(CITATIONS) + "\n"
    theirs = subprocess.run([pandoc, "-f", "markdown-smart", "-t", "plain", "--wrap=none", "--citeproc",
                             "--bibliography", str(bibliography), "--csl", style,
                             "-M", "suppress-bibliography=true"],
                            input=document, capture_output=True, text=True, timeout=120, check=True)
    assert ours == [line for line in theirs.stdout.splitlines() if line.strip()]
