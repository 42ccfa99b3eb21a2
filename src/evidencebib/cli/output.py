"""Everything the command line prints goes through here: text for a person, or data.

*Text for a person* — formatted bibliographies (`render`, `cite`, `page`), tables, messages,
warnings and errors — is read on a terminal or after a pipe (`| less`, `> refs.md` then
`cat`), so it is always printed with its control characters made visible
(`evidencebib.display`): a title cannot clear the screen, retitle the window or plant a
link. It is encoded for the stream (an ASCII terminal gets `\\xe9` rather than a crash).

*Data* — exports and JSON reports — must reach a program or a file exactly: `data()` writes
UTF-8 bytes as they are to a pipe or a file, JSON with the controls JSON allows raw
(DEL, C1, U+2028/U+2029, bidirectional controls) written as `\\uXXXX` escapes, which decode
to the same text. Only when standard output is a terminal, where a person is the reader, is
data shown with its controls made visible too.

`-o FILE` goes through `write_file`: checked before the work (`check_output`), written
atomically when FILE is (or will be) a regular file, written through when it is a device or
a pipe (`/dev/stdout`, `/dev/null`: replacing those by rename would be wrong), through a
symbolic link to its target, and any failure is one line naming the file.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path
from typing import IO

from evidencebib import display
from evidencebib.errors import EvidenceError, StorageError, UsageError

# characters JSON allows unescaped inside strings that a terminal or an editor acts on
_JSON_RAW_CONTROLS = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _stream(err: bool) -> IO[str] | None:
    return sys.stderr if err else sys.stdout


class OutputError(EvidenceError):
    """Standard output or error cannot be written (a full disk, a closed descriptor)."""


def _unwritable(stream: IO[str] | None, problem: OSError) -> OutputError:
    name = "standard error" if stream is sys.stderr else "standard output"
    return OutputError(f"cannot write to {name} ({problem.strerror or problem})")


def _write_bytes(stream: IO[str] | None, payload: bytes, text: str) -> None:
    """`payload` on the stream's byte buffer (`text` on a text-only stream). A closed pipe
    stays a BrokenPipeError (the shell ends quietly); any other failure is an OutputError."""
    if stream is None:  # started with the descriptor closed (`evidencebib … >&-`)
        raise OutputError("cannot write to standard output or error: it is closed")
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream (an embedding program)
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        buffer.write(payload)
        buffer.flush()
    except BrokenPipeError:
        raise
    except ValueError as problem:  # writing to a closed file
        raise OutputError(f"cannot write the output ({problem})") from None
    except OSError as problem:
        raise _unwritable(stream, problem) from None


def _write_text(stream: IO[str] | None, text: str) -> None:
    """`text` on a text stream in the stream's encoding; what it cannot encode is escaped."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        payload = text.encode(encoding, "backslashreplace")
    except LookupError:  # an encoding Python does not know
        payload = text.encode("utf-8", "backslashreplace")
    _write_bytes(stream, payload, text)


def is_terminal(err: bool = False) -> bool:
    stream = _stream(err)
    if stream is None:  # no stdout/stderr at all (pythonw, a detached process)
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Text for a person on stdout (`err`: stderr), control characters made visible."""
    _write_text(_stream(err), display.visible(text) + ("\n" if nl else ""))


def styled(text: str) -> None:
    """Text whose only control sequences are our own styling (a rich table of cells that
    went through `one_line`), on stdout in the stream's encoding."""
    _write_text(sys.stdout, text)


def message(text: str) -> None:
    """One line for a person on stderr (a note, a progress line): it can never become two."""
    _write_text(sys.stderr, display.one_line(text) + "\n")


def warn(text: str) -> None:
    message(f"evidencebib: warning: {text}")


def error(text: str) -> None:
    message(f"evidencebib: error: {text}")


def left_out(problems: list, consequence: str) -> int:
    """One line per entry a command left out (a block that does not parse, an entry a style
    cannot render: each error names file, line and key), then how many; returns the count."""
    for problem in problems:
        message(f"evidencebib: {problem} ({consequence})")
    if len(problems) > 1:
        message(f"evidencebib: {len(problems)} entries {consequence}")
    return len(problems)


def json_escape_controls(text: str) -> str:
    """JSON text with DEL, C1 and the line-separator and bidi controls written as `\\uXXXX`.

    In a JSON document these characters can only stand inside strings, where the escape
    means the same character, so the data is unchanged for any JSON reader."""
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def data(text: str, *, json: bool = False) -> None:
    """Data on standard output: exact UTF-8 to a pipe or a file; made visible on a terminal."""
    if json:
        text = json_escape_controls(text)
    if is_terminal():
        _write_text(sys.stdout, display.visible(text))
    else:
        _write_bytes(sys.stdout, text.encode("utf-8", "backslashreplace"), text)


# -- -o FILE -------------------------------------------------------------------------------

def _cannot(path: Path, why: str) -> UsageError:
    return UsageError(f"cannot write the output file: {why}", file=path)


def _target(path: Path) -> Path:
    """Where writing `path` lands: a symbolic link is written through to what it names."""
    return path.resolve() if path.is_symlink() else path


def check_output(path: Path, *, references: Path | None = None) -> None:
    """Fail now, before any work, when `path` cannot be written (a directory, a missing
    folder, a read-only place, a file in /proc …) or is a condition's own `.bib`/`.toml` in
    the `references` folder (an export written there would replace what editors curate)."""
    target = _target(path)
    if references is not None and target.suffix in (".bib", ".toml") and \
            target.resolve().parent == references.resolve():
        raise _cannot(path, "it is a file of the references folder (use `evidencebib import` "
                            "to add to a condition)")
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as problem:
        raise _cannot(path, problem.strerror or str(problem)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise _cannot(path, "it is a directory")
    if mode is not None and not stat.S_ISREG(mode):
        if not os.access(target, os.W_OK):
            raise _cannot(path, "permission denied")
        return  # a device or a pipe is written through
    folder = target.parent
    if not folder.is_dir():
        raise _cannot(path, f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot(path, f"the folder {folder} is not writable")
    if mode is not None and not os.access(target, os.W_OK):
        raise _cannot(path, "permission denied")


def write_file(path: Path, text: str, *, json: bool = False,
               references: Path | None = None) -> None:
    """`text` into `path` as UTF-8 (see the module docstring); a failure is a UsageError."""
    from evidencebib.store.atomic import write_atomic

    check_output(path, references=references)
    payload = (json_escape_controls(text) if json else text).encode("utf-8")
    target = _target(path)
    try:
        if target.exists() and not target.is_file():
            with open(target, "wb") as handle:  # a device or a pipe
                handle.write(payload)
        else:
            write_atomic(target, payload)
    except StorageError as problem:  # the old file is left as it was
        raise _cannot(path, problem.reason or problem.message) from None
    except OSError as problem:
        raise _cannot(path, problem.strerror or str(problem)) from None
