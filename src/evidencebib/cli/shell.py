"""The edge of the process: how every command ends, whatever happens inside it.

* An `EvidenceError` (a user's mistake, a bad file, an unreachable service) is one line
  naming file, line and entry, exit status 2 (`reports_errors` in `common.py`).
* click's own usage errors are one line too (click's message and where to find the help),
  with click's status and control characters made visible (a hostile file name given as an
  argument cannot drive the terminal).
* A closed pipe (`evidencebib render | head -1`) ends quietly with status 1, as click does.
* Standard output that cannot be written (`> /dev/full`, a closed descriptor) is one line.
* Anything else is a bug, and still no traceback: one line naming the command, what it was
  doing (`errors.doing` notes: file, condition, entry where known), the exception and where
  it was raised, exit status 2. `EVIDENCEBIB_DEBUG=1` shows the full traceback instead;
  the test suite sets it so that no bug is hidden from a test.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import sys
import traceback
from typing import Any, NoReturn, Sequence

import click

from evidencebib.cli import output
from evidencebib.display import one_line

DEBUG_VARIABLE = "EVIDENCEBIB_DEBUG"


def debugging() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip().lower() not in ("", "0", "false", "no")


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _where_raised(problem: BaseException) -> str:
    """`module.py:123` of the innermost evidencebib frame (else the innermost frame)."""
    frames = traceback.extract_tb(problem.__traceback__)
    ours = [f for f in frames if f"{os.sep}evidencebib{os.sep}" in f.filename] or frames
    if not ours:
        return ""
    frame = ours[-1]
    path = frame.filename
    marker = f"{os.sep}evidencebib{os.sep}"
    if marker in path:
        path = "evidencebib/" + path.rsplit(marker, 1)[1].replace(os.sep, "/")
    return f"{path}:{frame.lineno}"


def describe_bug(problem: BaseException, command: Sequence[str]) -> str:
    """The one line printed for an unexpected exception."""
    doing = [note for note in getattr(problem, "__notes__", ()) if note.startswith("while ")]
    what = f"while running `evidencebib {' '.join(command)}`" if command else "while starting"
    if doing:
        what += ", " + ", ".join(reversed(doing))  # outermost first
    text = str(problem) or "(no message)"
    if len(text) > 300:
        text = text[:300] + " …"
    where = _where_raised(problem)
    return (f"internal error {what}: {type(problem).__name__}: {text}"
            + (f" (at {where})" if where else "")
            + f"; this is a bug, please report it (set {DEBUG_VARIABLE}=1 for the traceback)")


def _exit(code: int) -> NoReturn:
    sys.exit(code)


class _WarningLine(logging.Handler):
    """Warnings logged by the library (`evidencebib.*` loggers) as one visible line each."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            output.warn(record.getMessage())
        except Exception:  # noqa: BLE001 - a warning must never end a command
            self.handleError(record)


def _route_warnings() -> None:
    logger = logging.getLogger("evidencebib")
    if not any(isinstance(h, _WarningLine) for h in logger.handlers):
        handler = _WarningLine(logging.WARNING)
        logger.addHandler(handler)


def usage_line(problem: click.ClickException) -> str:
    """click's message as one line, pointing at the command's help (click prints a usage
    block of four lines; README: "a mistake is one line")."""
    text = problem.format_message()
    ctx = getattr(problem, "ctx", None)
    if isinstance(problem, click.UsageError) and ctx is not None:
        text += f" (see `{ctx.command_path} --help`)"
    return text


class SafeGroup(click.Group):
    """A click group whose commands never end in a traceback (see the module docstring)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:  # an embedding program handles errors itself
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        prog_name = prog_name or "evidencebib"  # also under `python -m evidencebib`
        _route_warnings()
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()
        except SystemExit:
            raise
        except click.ClickException as problem:
            output.message("evidencebib: error: " + usage_line(problem))
            _exit(problem.exit_code)
        except click.Abort:
            output.message("evidencebib: interrupted")
            _exit(130)
        except (KeyboardInterrupt, EOFError):
            output.message("evidencebib: interrupted")
            _exit(130)
        except OSError as problem:
            if problem.errno == errno.EPIPE:
                _silence_stdout()
                _exit(1)
            self._bug(problem, argv)
        except Exception as problem:  # noqa: BLE001 - the last line of defence
            self._bug(problem, argv)
        _exit(result if isinstance(result, int) else 0)

    @staticmethod
    def _bug(problem: BaseException, argv: Sequence[str]) -> NoReturn:
        if debugging():
            raise problem
        try:
            output.message("evidencebib: " + one_line(describe_bug(problem, argv)))
        except Exception:  # noqa: BLE001 - stderr itself is gone
            pass
        _exit(2)
