"""A condition's `.toml`: the page text (title, status, specific conditions, level of
evidence, statement paragraphs), which editors keep by hand.

Reading is `tomllib` (the standard library's TOML 1.0 parser), whose every failure, including
the ones it does not report as TOMLDecodeError (RecursionError on deeply nested arrays,
ValueError on integers past Python's 4,300-digit limit), becomes one ParseError naming the
file. Writing a new file renders every field in a fixed order. Changing an existing file goes
through tomlkit, which keeps what the editors wrote: only the values that changed are
replaced, and comments, blank lines, key order, spacing and line endings stay as they were.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evidencebib.errors import ParseError, decode_utf8

__all__ = ["META_FIELDS", "parse_meta", "read_meta", "render_meta", "edit_meta", "new_meta_text"]

# `rows` (an array of tables, so it comes last) holds the labelled rows of a longer page
META_FIELDS = ("title", "status", "level_of_evidence", "specific_conditions", "statement", "rows")
_ROW_FIELDS = ("label", "text")
_LIST_FIELDS = ("specific_conditions", "statement")
_HEADER = "Condition page of evidencebib; its bibliography is {slug}.bib beside this file."


def read_meta(data: bytes, path: Path | str) -> str:
    """The text of a .toml file: UTF-8 as TOML requires (else an error naming the line)."""
    return decode_utf8(data, path)


def _load(text: str, path: Path | str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = None
        match = re.search(r"line (\d+)", str(error))
        if match:
            line = int(match.group(1))
        raise ParseError(f"not valid TOML ({error})", file=path, line=line) from None
    except RecursionError:
        raise ParseError("not valid page text: values nested too deeply", file=path) from None
    except ValueError as error:  # an integer longer than int() accepts
        raise ParseError(f"not valid TOML ({str(error).split(':')[0]})", file=path) from None


def parse_meta(text: str, slug: str, path: Path | str = "<meta>"):
    """The Condition a .toml describes; ParseError naming the file for anything else."""
    from evidencebib.model import Condition

    data = _load(text, path)
    unknown = set(data) - set(META_FIELDS)
    if unknown:
        raise ParseError(f"unknown field(s) {', '.join(sorted(unknown))}; expected "
                         f"{', '.join(META_FIELDS)}", file=path)
    for name in ("title", "status", "level_of_evidence"):
        if not isinstance(data.get(name, ""), str):
            raise ParseError(f"'{name}' must be a string", file=path)
    for name in _LIST_FIELDS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParseError(f"'{name}' must be a list of strings", file=path)
    if not data.get("title"):
        raise ParseError("'title' is missing", file=path)
    values = {k: data[k] for k in META_FIELDS if k in data}
    values["rows"] = _rows(data.get("rows", []), path)
    return Condition(slug=slug, **values)


def _rows(value: Any, path: Path | str) -> list:
    """The `[[rows]]` tables as Rows: each has a non-empty `label` and a string `text`."""
    from evidencebib.model import Row

    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ParseError("'rows' must be tables ([[rows]] with label and text)", file=path)
    rows = []
    for number, table in enumerate(value, start=1):
        unknown = set(table) - set(_ROW_FIELDS)
        if unknown:
            raise ParseError(f"row {number}: unknown field(s) {', '.join(sorted(unknown))}; "
                             "expected label, text", file=path)
        label, text = table.get("label"), table.get("text", "")
        if not isinstance(label, str) or not label.strip():
            raise ParseError(f"row {number}: 'label' must be a non-empty string", file=path)
        if not isinstance(text, str):
            raise ParseError(f"row {number} ('{label}'): 'text' must be a string", file=path)
        rows.append(Row(label, text))
    return rows


def _value(name: str, value: Any):
    import tomlkit

    if name == "rows":
        tables = tomlkit.aot()
        for row in value:
            table = tomlkit.table()
            table.add("label", row["label"])
            text = row["text"]  # a row of several lines reads best as a multi-line string
            table.add("text", tomlkit.string(text, multiline="\n" in text and "\r" not in text))
            tables.append(table)
        return tables
    if name in _LIST_FIELDS:
        array = tomlkit.array()
        array.extend(value)
        return array.multiline(True) if value else array
    return value


def render_meta(meta) -> str:
    """The .toml text of a new condition: a header, every field in a fixed order, one list
    item per line."""
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment(_HEADER.format(slug=meta.slug)))
    data = asdict(meta)
    for name in META_FIELDS:
        if name != "rows" or data[name]:  # a short page has no rows
            document.add(name, _value(name, data[name]))
    return tomlkit.dumps(document)


# what `evidencebib new` writes: every field, each with a comment saying what it holds
_NEW_TEMPLATE = """\
# Condition page of evidencebib; its bibliography is {slug}.bib beside this file.
# `evidencebib page {slug}` prints the page from this file and the .bib.

# The page title, printed as its first heading.
title = {title}

# The line under the title, e.g. "Condition for which Ig is not supported."
status = {status}

# The "Level of Evidence" row, e.g. "Clear evidence of benefit (Category 1)".
level_of_evidence = {level}

# The "Specific Conditions" row: one string per bullet.
specific_conditions = []

# The paragraphs after the rows, one string per paragraph.
statement = []

# A longer page keeps every labelled row here, in page order, instead of the two rows
# above, e.g.
#   [[rows]]
#   label = "Indication for Ig Use"
#   text = "<ul style=\\"list-style-type: none\\"><li>• First indication</li></ul>"
"""


def new_meta_text(meta) -> str:
    """The commented .toml of a new condition (`evidencebib new`); read back to check it."""
    import tomlkit

    def string(value: str) -> str:
        return tomlkit.string(value).as_string()

    text = _NEW_TEMPLATE.format(slug=meta.slug, title=string(meta.title),
                                status=string(meta.status), level=string(meta.level_of_evidence))
    if parse_meta(text, meta.slug) != meta:  # pragma: no cover - defensive
        raise ParseError("could not write the new page text", file=f"{meta.slug}.toml")
    return text


def edit_meta(text: str, meta, path: Path | str = "<meta>") -> str:
    """`text` (an existing .toml) changed to say `meta`, touching only the values that differ.

    A list is edited item by item, so that comments between its items stay; a field the file
    does not have is added at the end only when it is not empty. The result keeps the file's
    line ending (CRLF when most of its lines end so) and is checked to read back as `meta`.
    """
    import tomlkit

    document = tomlkit.parse(text)
    data = asdict(meta)
    for name in META_FIELDS:
        new = data[name]
        if name not in document:
            if new:
                document.add(name, _value(name, new))
            continue
        current = document[name]
        if current.unwrap() == new:
            continue
        if name in _LIST_FIELDS and isinstance(current, tomlkit.items.Array) and new:
            _edit_array(current, new)
        elif name == "rows" and not new:
            del document[name]
        elif name == "rows" and isinstance(current, tomlkit.items.AoT):
            _edit_rows(current, new)
        else:
            document[name] = _value(name, new)
    edited = tomlkit.dumps(document)
    if _crlf(text):
        edited = edited.replace("\r\n", "\n").replace("\n", "\r\n")
    if parse_meta(edited, meta.slug, path) != meta:  # pragma: no cover - defensive
        raise ParseError("could not edit the page text in place; the file was not changed",
                         file=path)
    return edited


def _edit_array(array, new: list[str]) -> None:
    """Make `array` hold `new`, replacing, dropping or appending items in place."""
    for index, value in enumerate(new[:len(array)]):
        if array[index] != value:
            array[index] = value
    while len(array) > len(new):
        del array[len(array) - 1]
    for value in new[len(array):]:
        array.append(value)


def _edit_rows(tables, new: list[dict]) -> None:
    """Make the `[[rows]]` tables hold `new`, changing only the values that differ, so that
    comments inside and between the tables stay."""
    fresh = _value("rows", new)
    for index, row in enumerate(new[:len(tables)]):
        table = tables[index]
        for key in _ROW_FIELDS:
            if table.get(key) != row[key]:
                table[key] = fresh[index][key]
    while len(tables) > len(new):
        del tables[len(tables) - 1]
    for index in range(len(tables), len(new)):
        tables.append(fresh[index])


def _crlf(text: str) -> bool:
    crlf = text.count("\r\n")
    return crlf > 0 and crlf >= text.count("\n") - crlf
