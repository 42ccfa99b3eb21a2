"""The item vocabulary is the CSL 1.0.2 one and the CSL-JSON data schema's, read from their files.

Two files we did not write: the CSL 1.0.2 style schema that citeproc-py installs
(`citeproc/data/schema/schemas/styles/csl-variables.rnc`, `csl-types.rnc`; identical to
citation-style-language/schema at the 1.0.2 release, and to Appendix III/IV of the
specification), and the official data schema csl-data.json (tests/fixtures/formats/, a copy
of the one in ../shared/corpus/csl-json/schema/).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import citeproc

from evidencebib.model import vocabulary as v

STYLE_SCHEMA = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"
DATA_SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "formats"
                          / "csl-data.schema.json").read_text(encoding="utf-8"))


def rnc_lists(name: str) -> dict[str, set[str]]:
    """`pattern = "a" | "b" …` definitions of an RELAX NG compact file, comments removed."""
    text = re.sub(r"#[^\n]*", "", (STYLE_SCHEMA / name).read_text(encoding="utf-8"))
    lists: dict[str, set[str]] = {}
    for match in re.finditer(r"([\w.-]+)\s*=\s*((?:\s*\|?\s*\"[^\"]+\")+)", text):
        lists[match.group(1)] = set(re.findall(r"\"([^\"]+)\"", match.group(2)))
    return lists


def test_variable_kinds_are_those_of_the_csl_1_0_2_style_schema():
    lists = rnc_lists("csl-variables.rnc")
    assert v.DATE_VARIABLES == lists["variables.dates"]
    assert v.NAME_VARIABLES == lists["variables.names"]
    assert v.NUMBER_VARIABLES == lists["variables.numbers"]
    assert v.TITLE_VARIABLES == lists["variables.titles"]
    assert v.STRING_VARIABLES == lists["variables.strings"]


def test_item_types_are_those_of_the_style_schema_and_the_data_schema():
    assert v.ITEM_TYPES == rnc_lists("csl-types.rnc")["item-types"]
    assert v.ITEM_TYPES == set(DATA_SCHEMA["items"]["properties"]["type"]["enum"])


def test_schema_properties_are_the_data_schemas_own_list():
    assert v.SCHEMA_PROPERTIES == set(DATA_SCHEMA["items"]["properties"])


def test_the_two_schemas_differ_exactly_where_the_vocabulary_says():
    data = set(DATA_SCHEMA["items"]["properties"])
    only_in_data = data - v.CSL_VARIABLES
    only_in_csl = v.CSL_VARIABLES - data
    assert only_in_data == set(v.SCHEMA_SPELLINGS) | v.SCHEMA_EXTRAS
    assert only_in_csl == set(v.SCHEMA_SPELLINGS.values()) | v.NOT_IN_SCHEMA


def test_data_schema_value_types_match_each_kind():
    properties = DATA_SCHEMA["items"]["properties"]
    for prop, spec in properties.items():
        variable = v.canonical_key(prop)
        if variable in v.NAME_VARIABLES:
            assert spec["type"] == "array" and spec["items"]["$ref"].endswith("name-variable"), prop
        elif variable in v.DATE_VARIABLES:
            assert spec["$ref"].endswith("date-variable"), prop
        elif variable in v.TEXT_KEYS:
            numeric = spec["type"] == ["string", "number"]
            assert numeric == (variable in v.SCHEMA_NUMERIC), prop


def test_name_and_date_object_keys_are_the_data_schemas():
    definitions = DATA_SCHEMA["definitions"]
    assert set(v.NAME_PARTS) == set(definitions["name-variable"]["anyOf"][0]["properties"])
    assert set(v.DATE_KEYS) == set(definitions["date-variable"]["anyOf"][0]["properties"])


def test_canonical_key_reads_legacy_and_schema_spellings_as_csl_variables():
    assert v.canonical_key("shortTitle") == "title-short"
    assert v.canonical_key("journalAbbreviation") == "container-title-short"
    assert v.canonical_key("event") == "event-title"
    assert v.canonical_key("supplement") == "supplement-number"
    assert v.canonical_key("title") == "title"
    assert all(v.canonical_key(key) in v.ITEM_KEYS for key in v.SCHEMA_PROPERTIES)


def test_every_variable_has_one_kind():
    kinds = {variable: v.kind(variable) for variable in v.CSL_VARIABLES}
    assert None not in kinds.values()
    assert v.kind("volume-title-short") == "text" and v.kind("file") is None
