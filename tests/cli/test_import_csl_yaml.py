"""`evidencebib import` of pandoc's YAML bibliography (CSL YAML): pandoc users keep their
references as `references.yaml` (redteam5 F45: it was refused as an unknown format)."""

from __future__ import annotations

from click.testing import CliRunner

from evidencebib.cli import main

CONDITION = "recurrent-miscarriage"

YAML = """---
references:
- id: doe2020
  type: article-journal
  author:
  - family: Doe
    given: Jane
  title: Heparin in *recurrent* miscarriage
  container-title: The Lancet
  issued: 2020-05
  doi: 10.1000/yaml-import-1
---
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_csl_yaml_file_is_imported_without_naming_its_format(references, tmp_path):
    source = tmp_path / "references.yaml"
    source.write_text(YAML, encoding="utf-8")
    result = invoke("import", str(source), "--into", CONDITION, "--references", str(references))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    stored = (references / f"{CONDITION}.bib").read_text(encoding="utf-8")
    assert "10.1000/yaml-import-1" in stored and r"\textit{recurrent}" in stored


def test_from_csl_yaml_reads_a_file_whatever_its_name(references, tmp_path):
    source = tmp_path / "bibliography.txt"
    source.write_text(YAML, encoding="utf-8")
    result = invoke("import", str(source), "--from", "csl-yaml", "--into", CONDITION,
                    "--references", str(references))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
