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

__all__ = ["META_FIELDS", "parse_meta", "read_meta", "render_meta", "edit_meta"]

META_FIELDS = ("title", "status", "level_of_evidence", "specific_conditions", "statement")
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
    return Condition(slug=slug, **{k: data[k] for k in META_FIELDS if k in data})


def _value(name: str, value: Any):
    import tomlkit

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
        document.add(name, _value(name, data[name]))
    return tomlkit.dumps(document)


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


def _crlf(text: str) -> bool:
    crlf = text.count("\r\n")
    return crlf > 0 and crlf >= text.count("\n") - crlf
