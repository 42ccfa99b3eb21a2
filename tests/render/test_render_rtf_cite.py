"""RTF output for Word users, and in-text citations numbered like the printed list."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from evidencebib import api
from evidencebib.errors import UsageError
from evidencebib.render import render_bibliography
from evidencebib.render.formats import escape_rtf
from evidencebib.store import References


def balanced(text: str) -> bool:
    depth = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0


def item(title: str) -> dict:
    return {"id": "x", "type": "article-journal", "author": [{"family": "Ønsted", "given": "A."}],
            "title": title, "container-title": "Journal", "issued": {"date-parts": [[2020]]},
            "DOI": "10.1000/x{y}"}


def test_rtf_document_is_balanced_and_starts_like_rtf(references):
    text = api.render(References(references), fmt="rtf")
    assert text.startswith("{\\rtf1\\ansi") and balanced(text)
    assert "{\\i American Journal of Reproductive Immunology}" in text


def test_rtf_control_words_in_item_data_stay_text():
    [entry] = render_bibliography([item("{\\rtf1 \\par injected} \\b0 <i>real</i>")], "ig-criteria", "rtf")
    assert balanced(entry)
    assert "\\{\\\\rtf1 \\\\par injected\\} \\\\b0" in entry
    assert "{\\i real}" in entry


def test_rtf_encodes_non_ascii_as_unicode_escapes():
    assert escape_rtf("Ø é 😀") == "\\u216? \\u233? \\u-10179?\\u-8704?"


def test_rtf_links_dois_with_a_hyperlink_field():
    [entry] = render_bibliography([item("T")], "ig-criteria", "rtf")
    assert '{\\field{\\*\\fldinst{HYPERLINK "https://doi.org/10.1000/x%7By%7D"}}' in entry


@pytest.mark.skipif(shutil.which("pandoc") is None and not __import__("importlib").util.find_spec("pypandoc"),
                    reason="pandoc (pypandoc-binary) is not installed")
def test_pandoc_reads_our_rtf_back_to_the_same_text(references):
    import pypandoc

    rtf = api.render(References(references), "recurrent-miscarriage".split(), fmt="rtf")
    plain = subprocess.run([pypandoc.get_pandoc_path(), "-f", "rtf", "-t", "plain", "--wrap=none"],
                           input=rtf, capture_output=True, text=True, timeout=60, check=True).stdout
    text = api.render(References(references), ["recurrent-miscarriage"], fmt="text")
    for entry in text.split("\n\n")[1:]:
        assert " ".join(entry.split()) in " ".join(plain.split())


def test_house_style_cites_author_and_year(references):
    refs = References(references)
    assert api.cite(refs, "recurrent-miscarriage", ["banjar2023"]) == "(Banjar et al 2023)"
    assert api.cite(refs, "recurrent-miscarriage", ["banjar2023", "wang2016"]) == \
        "(Banjar et al 2023; Wang et al 2016)"


def test_numbered_styles_cite_the_numbers_of_the_printed_list(references):
    refs = References(references)
    printed = api.bibliography(refs, "recurrent-miscarriage", style="vancouver", fmt="text")
    assert printed[2].startswith("3. Wang")
    assert api.cite(refs, "recurrent-miscarriage", ["banjar2023", "wang2016"], style="vancouver") == "(1,3)"
    assert api.cite(refs, "recurrent-miscarriage", ["wang2016"], style="ieee") == "[3]"


def test_citing_an_unknown_key_names_it(references):
    with pytest.raises(UsageError, match="'nope'"):
        api.cite(References(references), "recurrent-miscarriage", ["nope"])
