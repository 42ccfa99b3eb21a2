"""Errors that describe a user's mistake.

A user mistake (a missing file, a malformed line, an unknown style) must reach the user as
one line naming what and where, never as a traceback. Every such error is an `EvidenceError`
carrying its location; the CLI prints `str(error)` and exits with status 2.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator


@dataclass(frozen=True)
class Location:
    """Where in the user's files a problem sits (any part may be unknown)."""

    file: str | Path | None = None
    line: int | None = None
    entry: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.entry:
            entry = str(self.entry)
            if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in entry):
                entry = repr(entry)[1:-1]  # a key must not break the line or drive the terminal
            parts.append(f"entry '{entry}'")
        return ", ".join(parts)


class EvidenceError(Exception):
    """A problem caused by input, configuration or the environment, reported without traceback."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | Path | None = None,
                 line: int | None = None, entry: str | None = None) -> None:
        self.message = message
        self.location = Location(file, line, entry)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class UsageError(EvidenceError):
    """The command was asked for something that does not exist (unknown condition, style …)."""


class ParseError(EvidenceError):
    """A file could not be read as the format it claims to be."""


class StyleError(EvidenceError):
    """A CSL style is missing, unsafe, or cannot produce a bibliography."""


class StorageError(EvidenceError):
    """A file could not be written or locked (disk full, permissions, a directory in the way);
    whatever was on disk before is left as it was. `reason` is the system's word for it."""

    reason: str = ""


class NetworkError(EvidenceError):
    """A remote service could not be reached or answered nonsense, after retries."""


# A pipe or a device (`<(curl …)`, /dev/stdin) has no size to check first; /dev/zero never
# ends. What is read from one is capped; a regular file is read whole.
MAX_STREAM_BYTES = 256 * 1024 * 1024


def read_user_file(path: str | Path) -> bytes:
    """The bytes of a file the user named; a missing or unreadable file is a one-line error
    naming it (a directory, a permission problem …), never a traceback."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return handle.read()
            data = handle.read(MAX_STREAM_BYTES + 1)
    except FileNotFoundError:
        raise UsageError("file not found", file=path) from None
    except OSError as error:
        raise UsageError(f"cannot read file ({error.strerror or error})", file=path) from None
    if len(data) > MAX_STREAM_BYTES:
        raise UsageError(f"more than {MAX_STREAM_BYTES >> 20} MiB from a pipe or device; "
                         "not a file evidencebib reads", file=path)
    return data


def decode_utf8(data: bytes, path: str | Path) -> str:
    """UTF-8 text (a BOM is dropped), or a ParseError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ParseError(f"not UTF-8 text (byte {error.start})", file=path, line=line) from None


@contextmanager
def doing(what: str) -> Iterator[None]:
    """Name what the code inside is doing ("reading x.json", "condition 'rm'") on any
    unexpected exception passing through (as a `while …` note), so that the command line's
    last line of defence can say where a bug struck; an EvidenceError already says where."""
    try:
        yield
    except EvidenceError:
        raise
    except Exception as problem:
        problem.add_note(f"while {what}")
        raise
