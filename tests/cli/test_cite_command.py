"""`evidencebib cite`: locators, prefixes, suffixes, suppress-author and author-only, pandoc's
citation syntax, several citations in document order (ibid), and links on or off (issue 14,
items 2 and 3)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run(*args: str, references: Path):
    command = [sys.executable, "-m", "evidencebib", *args, "--references", str(references)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def cite(references: Path, *args: str) -> str:
    result = run("cite", "recurrent-miscarriage", *args, references=references)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_key_takes_a_locator_after_a_colon(references):
    assert cite(references, "banjar2023:p.33", "wang2016", "--style", "apa") == \
        "(Banjar et al., 2023, p. 33; Wang et al., 2016)\n"


def test_prefix_and_suffix_go_inside_the_citation(references):
    out = cite(references, "banjar2023", "--prefix", "see", "--suffix", "for a review", "--style", "apa")
    assert out == "(see Banjar et al., 2023 for a review)\n"


def test_suppress_author_and_author_only(references):
    assert cite(references, "banjar2023", "--suppress-author", "--style", "apa") == "(2023)\n"
    assert cite(references, "banjar2023", "--author-only", "--style", "apa") == "(Banjar et al.)\n"


def test_pandoc_syntax_gives_prefix_locator_and_suffix(references):
    assert cite(references, "[see @banjar2023, p. 33; @wang2016, chap. 2, and passim]", "--style", "apa") == \
        "(see Banjar et al., 2023, p. 33; Wang et al., 2016, Chapter 2, and passim)\n"


def test_several_pandoc_citations_are_notes_in_document_order_with_ibid(references):
    out = cite(references, "[@banjar2023, p. 33]", "[@banjar2023, p. 34]", "[@banjar2023, p. 34]",
               "[@wang2016]", "[@banjar2023]", "--style", "australian-guide-to-legal-citation")
    lines = out.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("S Banjar") and lines[0].endswith(", 33.")
    assert lines[1:3] == ["Ibid 34.", "Ibid."]
    assert lines[4] == "Banjar et al (n 1)."


def test_a_locator_that_cannot_be_read_is_one_line_and_exit_2(references):
    result = run("cite", "recurrent-miscarriage", "banjar2023:nonsense", references=references)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "'nonsense'" in result.stderr


def test_cite_and_render_print_dois_as_text_with_no_links(references):
    linked = cite(references, "[@banjar2023]", "--style", "chicago-notes-bibliography", "--format", "html")
    plain = cite(references, "[@banjar2023]", "--style", "chicago-notes-bibliography", "--format", "html",
                 "--no-links")
    assert '<a href="https://doi.org/10.1111/aji.13737">' in linked
    assert "<a " not in plain and "https://doi.org/10.1111/aji.13737" in plain
    rendered = run("render", "recurrent-miscarriage", "--style", "apa", "--format", "html", "--no-links",
                   references=references)
    assert rendered.returncode == 0 and "<a " not in rendered.stdout
    assert "https://doi.org/10.1111/aji.13737" in rendered.stdout


def test_in_markdown_each_citation_is_a_paragraph_of_its_own(references):
    out = cite(references, "[@banjar2023]", "[@wang2016]", "--style", "apa", "--format", "markdown")
    assert out == "(Banjar et al., 2023)\n\n(Wang et al., 2016)\n"
