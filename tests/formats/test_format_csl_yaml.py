"""CSL YAML, pandoc's YAML bibliography, is read as the CSL-JSON of the same references.

The reference is pandoc itself: for a BibTeX file, `pandoc -s -t markdown` writes the YAML
bibliography and `pandoc -t csljson` the CSL-JSON of the same entries; our YAML reader must
give what our CSL-JSON reader gives (tests/formats/test_independent_readers.py runs pandoc the
same way). The hand-written cases below are pandoc's syntax, one rule each.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evidencebib.errors import ParseError
from evidencebib.formats import csl_json, csl_yaml, detect, latex
from evidencebib.model import LINE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
import holdout  # noqa: E402

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "bibtex"

PANDOC_YAML = """---
nocite: "[@*]"
references:
- author:
  - family: Doe
    given: Jane
  - literal: World Health Organization
  container-title: Lancet
  doi: 10.1000/xyz123
  id: doe2020
  issued: 2020-05-01
  page: 1-9
  title: A [DNA]{.nocase} title with *italic* and 10% of $\\alpha$
  type: article-journal
  volume: 3
- editor:
  - family: Roe
    given: R.
  id: roe2019
  issued: 2019-23
  publisher: P
  title: Book
  type: book
---

Body text pandoc would print.
"""


def read(text: str) -> list[dict]:
    return [{k: v for k, v in item.items() if k != LINE} for item in csl_yaml.read(text, source="r.yaml")]


# -- the file ---------------------------------------------------------------------------------

def test_pandocs_metadata_block_is_read_and_the_markdown_after_it_ignored():
    items = read(PANDOC_YAML)
    assert [item["id"] for item in items] == ["doe2020", "roe2019"]


def test_a_bare_list_of_items_is_read():
    assert read("- id: a\n  type: book\n  title: T\n")[0]["title"] == "T"


def test_a_references_mapping_without_fences_is_read():
    assert read("references:\n- id: a\n  type: book\n")[0]["id"] == "a"


def test_each_item_carries_the_line_it_starts_on():
    lines = [item[LINE] for item in csl_yaml.read(PANDOC_YAML, source="r.yaml")]
    assert lines == [4, 16]


def test_invalid_yaml_is_a_parse_error_naming_the_line():
    with pytest.raises(ParseError) as error:
        csl_yaml.read("references:\n- id: a\n  title: [unclosed\n", source="r.yaml")
    assert error.value.location.file == "r.yaml" and error.value.location.line


def test_yaml_without_a_list_of_items_is_refused_with_the_shape_it_needs():
    with pytest.raises(ParseError) as error:
        csl_yaml.read("title: not a bibliography\n", source="r.yaml")
    assert "references" in str(error.value)


def test_an_item_of_the_wrong_shape_is_a_problem_and_the_others_are_read():
    problems: list = []
    items = csl_yaml.read("- id: a\n  type: book\n- id: b\n  type: book\n  author: Smith\n"
                          "- just text\n", source="r.yaml", problems=problems)
    assert [item["id"] for item in items] == ["a"]
    assert [error.location.line for error in problems] == [3, 6]


# -- values as pandoc reads them --------------------------------------------------------------

def test_lower_case_identifier_keys_are_the_csl_variables():
    item = read("- id: a\n  type: book\n  doi: 10.1/x\n  url: https://e.org\n  isbn: 123\n"
                "  pmid: '31234567'\n")[0]
    assert (item["DOI"], item["URL"], item["ISBN"], item["PMID"]) == \
        ("10.1/x", "https://e.org", "123", "31234567")


def test_a_date_stays_the_edtf_string_it_is_not_a_yaml_timestamp():
    assert read(PANDOC_YAML)[0]["issued"] == {"date-parts": [[2020, 5, 1]]}


def test_an_edtf_season_is_the_csl_season():
    assert read(PANDOC_YAML)[1]["issued"] == {"date-parts": [[2019]], "season": 3}


def test_pandoc_citeproc_year_month_lists_are_dates():
    item = read("- id: a\n  type: book\n  issued:\n  - year: 2018\n    month: 11\n")[0]
    assert item["issued"] == {"date-parts": [[2018, 11]]}


def test_yaml_1_1_booleans_are_text_as_in_pandoc():
    assert read("- id: a\n  type: book\n  title: no\n  issue: on\n")[0]["title"] == "no"


@pytest.mark.parametrize("markdown,rich", [
    ("*Italic* title", "<i>Italic</i> title"),
    ("_Italic_ title", "<i>Italic</i> title"),
    ("**Bold**", "<b>Bold</b>"),
    ("H~2~O and x^2^", "H<sub>2</sub>O and x<sup>2</sup>"),
    ("The [DNA]{.nocase} of", 'The <span class="nocase">DNA</span> of'),
    ("[Small]{.smallcaps} caps", '<span style="font-variant:small-caps;">Small</span> caps'),
    ("TNF-$\\alpha$ and $\\geq$ 10%", "TNF-α and ≥ 10%"),
    ("A \\*starred\\* word", "A *starred* word"),
    ("snake_case_name", "snake_case_name"),
    ("[a link](https://example.org) text", "a link text"),
    ("A line\n  that wraps", "A line that wraps"),
    ("Smith & Jones <i>kept</i>", "Smith & Jones <i>kept</i>"),
])
def test_markdown_in_a_value_is_csl_rich_text(markdown, rich):
    assert csl_yaml.markdown_to_rich_text(markdown) == rich


def test_identifiers_are_taken_as_written_not_as_markdown():
    item = read("- id: a_b_c\n  type: webpage\n  url: https://e.org/a_b_c*d*\n")[0]
    assert item["id"] == "a_b_c" and item["URL"] == "https://e.org/a_b_c*d*"


# -- detection ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [PANDOC_YAML, "references:\n- id: a\n", "- id: a\n  type: book\n",
                                  "- type: book\n  id: a\n"])
def test_csl_yaml_is_detected(text):
    assert detect.detect(text) == "csl-yaml"


# -- against pandoc -------------------------------------------------------------------------------

def _pandoc() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        pytest.skip("pandoc is not installed (scripts/setup-test-tools installs it)")


def _run_pandoc(pandoc: str, path: Path, fmt: str, *to: str) -> subprocess.CompletedProcess:
    """pandoc on one file, its heap capped (on biber-xdata.bib pandoc 3.9 grows past 16 GB)."""
    return subprocess.run([pandoc, "+RTS", "-M1g", "-RTS", str(path), "-f", fmt, *to],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def _same_text(value):
    """pandoc writes math as TeX into CSL-JSON (`$\\alpha$`) and as Markdown math into YAML;
    we read both as the Unicode of the math: compare it so."""
    if isinstance(value, str) and "$" in value:
        return latex.decode(value, rich=True)
    if isinstance(value, list):
        return [_same_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _same_text(v) for k, v in value.items()}
    return value


@pytest.mark.corpus
@pytest.mark.slow
def test_pandocs_yaml_of_the_bibtex_corpus_reads_as_its_csl_json():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus ({CORPUS}) is not present; CI always has it")
    pandoc = _pandoc()
    checked = {"development": 0, "held back": 0}
    differ: dict[str, list[str]] = {"development": [], "held back": []}
    for path in sorted(CORPUS.glob("*.bib")):
        fmt = "biblatex" if path.name.startswith(("biber", "citationjs-biblatex")) else "bibtex"
        try:
            as_yaml, as_json = (_run_pandoc(pandoc, path, fmt, *to) for to in
                                (("-s", "-t", "markdown"), ("-t", "csljson")))
        except subprocess.TimeoutExpired:
            continue
        if as_yaml.returncode or as_json.returncode or not json.loads(as_json.stdout or "[]"):
            continue  # a file pandoc itself cannot read (biber-xdata.bib: pandoc runs out of memory)
        from_yaml = csl_yaml.read(as_yaml.stdout, source=path.name)
        from_json = csl_json.read(as_json.stdout, source=path.name)
        assert len(from_yaml) == len(from_json), path.name
        for mine, theirs in zip(from_yaml, from_json, strict=True):
            mine.pop(LINE, None)
            theirs.pop(LINE, None)
            part = holdout.part(path.name, str(theirs.get("id")))
            checked[part] += 1
            if _same_text(mine) != _same_text(theirs):
                keys = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
                differ[part].append(f"{path.name}: {theirs.get('id')}: " + "; ".join(
                    f"{k}: {mine.get(k)!r} vs {theirs.get(k)!r}" for k in keys)
                    if part == "development" else f"{path.name}: (held back)")
    print(f"\nCSL YAML vs CSL-JSON, both written by pandoc from the BibTeX corpus: development "
          f"{checked['development'] - len(differ['development'])}/{checked['development']}, "
          f"held back {checked['held back'] - len(differ['held back'])}/{checked['held back']}")
    assert checked["development"] > 1000
    assert not differ["development"], "\n".join(differ["development"][:30])


def test_an_item_without_a_type_is_a_document_as_pandoc_writes_a_misc(caplog):
    assert read("- id: m\n  title: A misc\n")[0]["type"] == "document"
    assert "no 'type'" in caplog.text


def test_a_control_character_pandoc_wrote_into_a_value_is_kept():
    assert read("- id: a\n  type: book\n  abstract: one\x01two\n")[0]["abstract"] == "one\x01two"
