"""Commands that work on references/ alone: conditions, render, page, import-page, styles."""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import sys
import unicodedata
from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import (open_references, references_option, reports_errors,
                                    setting, style_option, style_setting)
from evidencebib.cli.complete import complete_condition, complete_key
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
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json", "csv"]),
              default="table", show_default=True,
              help="table: fits the terminal (80 columns in a pipe), titles cut with '…'; "
                   "json and csv: every field whole.")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a condition is left out (its files cannot be read; each is named "
                   "on stderr either way) or has blocks that do not parse (as render --strict).")
@references_option
@reports_errors
def conditions_command(fmt: str, strict: bool, references_dir: Path) -> None:
    """List the conditions: slug, title, references, unparsed blocks, level of evidence."""
    from evidencebib import api

    problems: list = []
    rows = api.conditions(open_references(references_dir), problems=problems)
    _print_conditions(rows, fmt, references_dir)
    left_out = output.left_out(problems, "not listed")
    unparsed = [f"{row.slug} ({row.unparsed})" for row in rows if row.unparsed]
    if strict and unparsed:
        output.message(f"evidencebib: --strict: blocks that do not parse in {', '.join(unparsed)} "
                       "(`evidencebib check` names each)")
    if strict and (left_out or unparsed):
        sys.exit(1)


def _print_conditions(rows: list, fmt: str, references_dir: Path) -> None:
    if fmt == "json":
        import dataclasses
        import json

        output.data(json.dumps([dataclasses.asdict(row) for row in rows], ensure_ascii=False,
                               indent=2) + "\n", json=True)
        return
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["slug", "title", "references", "unparsed", "level_of_evidence"])
        for row in rows:
            writer.writerow([row.slug, row.title, row.references, row.unparsed,
                             row.level_of_evidence])
        output.data(buffer.getvalue())
        return
    if not rows:
        output.say(f"no conditions in {references_dir}")
        return
    headers = ["slug", "title", "refs", "unparsed", "level"]
    cells = [[one_line(row.slug), one_line(row.title), str(row.references), str(row.unparsed),
              one_line(_short_level(row.level_of_evidence))] for row in rows]
    width = shutil.get_terminal_size((80, 24)).columns if output.is_terminal() else \
        _pipe_width()
    # a width too narrow for any table (a 0- or 5-column pty) is taken as unknown: 80
    output.say(_fitted_table(headers, cells, width if width >= MIN_FOLD_WIDTH else 80))


def _pipe_width() -> int:
    """80 columns, or $COLUMNS when set (a pipe has no width of its own)."""
    import os

    try:
        return int(os.environ.get("COLUMNS", "80"))
    except ValueError:
        return 80


def _short_level(level: str) -> str:
    """`… (Category 2b)` -> `Category 2b`; a level without a category stays whole."""
    match = re.search(r"\((Category [^)]+)\)\s*$", level)
    return match.group(1) if match else level


def _fitted_table(headers: list[str], rows: list[list[str]], width: int) -> str:
    """Columns two spaces apart, numbers right-aligned, within `width` columns: the title
    (then the level) is cut with '…' to fit; slugs are never cut (they are what you type)."""
    table = [headers] + rows
    widths = [max(_cell_width(row[i]) for row in table) for i in range(len(headers))]
    overflow = sum(widths) + 2 * (len(widths) - 1) - width
    for column, floor in ((1, 8), (4, 8)):
        if overflow > 0:
            cut = min(overflow, max(widths[column] - floor, 0))
            widths[column] -= cut
            overflow -= cut
    lines = []
    for row in table:
        out = []
        for index, cell in enumerate(row):
            cell = _cut(cell, widths[index])
            pad = " " * (widths[index] - _cell_width(cell))
            out.append(pad + cell if index in (2, 3) else cell + pad)
        lines.append("  ".join(out).rstrip())
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    if _cell_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _cell_width(out + ch) > width - 1:
            break
        out += ch
    return out.rstrip() + "…"


MIN_FOLD_WIDTH = 40


def _strict_option(func):
    return click.option("--strict", is_flag=True,
                        help="Exit 1 when an entry is left out (a block of the .bib that does "
                             "not parse, an entry the style cannot render); each is named on "
                             "stderr either way.")(func)


def _finish(problems: list, strict: bool) -> None:
    """Name every entry left out (issue 15: one bad entry never stops a whole command);
    `--strict` turns them into exit 1."""
    if output.left_out(problems, "not rendered") and strict:
        sys.exit(1)


_links_option = click.option(
    "--links/--no-links", default=True, show_default=True,
    help="DOIs and URLs as links in html, markdown and rtf (--no-links: as text).")


def _cell_width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


@click.command("render")
@click.argument("conditions", nargs=-1, shell_complete=complete_condition)
@style_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="markdown",
              show_default=True)
@click.option("--locale", "-l", metavar="LANG", help="A locale (de-DE, en-GB …) instead of the style's own.")
@_links_option
@_strict_option
@references_option
@reports_errors
def render_command(conditions: tuple[str, ...], style: str | None, fmt: str, locale: str | None,
                   links: bool, strict: bool, references_dir: Path) -> None:
    """Print the formatted bibliography of each condition (all when none is named)."""
    from evidencebib import api

    chosen = style_setting(references_dir, style)
    locale = setting(references_dir, "locale", locale)
    problems: list = []
    output.say(api.render(open_references(references_dir), conditions, style=chosen, fmt=fmt, locale=locale,
                          links=links, problems=problems), nl=False)
    _finish(problems, strict)


@click.command("cite")
@click.argument("condition", shell_complete=complete_condition)
@click.argument("citations", nargs=-1, required=True, shell_complete=complete_key)
@style_option
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--locale", "-l", metavar="LANG", help="A locale (de-DE, en-GB …) instead of the style's own.")
@click.option("--prefix", metavar="TEXT", help="Text before the first cite, inside the citation (see).")
@click.option("--suffix", metavar="TEXT", help="Text after the last cite, inside the citation.")
@click.option("--suppress-author", is_flag=True, help="Leave the author out of each cite: (2023).")
@click.option("--author-only", is_flag=True, help="Print only the author of each cite.")
@_links_option
@_strict_option
@references_option
@reports_errors
def cite_command(condition: str, citations: tuple[str, ...], style: str | None, fmt: str,
                 locale: str | None, prefix: str | None, suffix: str | None, suppress_author: bool,
                 author_only: bool, links: bool, strict: bool, references_dir: Path) -> None:
    """Print the in-text citation for entries of CONDITION, e.g. (Banjar et al 2023) or (1,2).

    CITATIONS are citation keys, each with an optional locator (banjar2023:p.33,
    banjar2023:chap.3, banjar2023:33): one citation. Or citations in pandoc's syntax, each
    its own citation (a note in a note style), printed one per line in document order, so
    that ibid and subsequent forms follow: '[see @banjar2023, p. 33; -@wang2016]' '[@banjar2023]'
    (in markdown a blank line apart).
    """
    from evidencebib import api
    from evidencebib.render.citation_syntax import parse_arguments

    chosen = style_setting(references_dir, style)
    locale = setting(references_dir, "locale", locale)
    problems: list = []
    refs = open_references(references_dir)
    loaded = refs.load(condition)
    known = [str(item.get("id")) for item in loaded.bib.items()] + [
        block.location.entry for block in api.unparsed(loaded) if block.location.entry]
    clusters = parse_arguments(citations, known, locale=locale, prefix=prefix, suffix=suffix,
                               suppress_author=suppress_author, author_only=author_only)
    texts = api.citations(refs, condition, clusters, style=chosen, fmt=fmt, locale=locale,
                          links=links, problems=problems)
    # one per line; in Markdown a blank line apart, so that each stays a paragraph of its own
    output.say(("\n\n" if fmt == "markdown" else "\n").join(texts))
    _finish(problems, strict)


@click.command("page")
@click.argument("condition", shell_complete=complete_condition)
@click.option("--generated-on", metavar="YYYY-MM-DD", help="Date printed at the foot (default: today).")
@style_option
@_strict_option
@references_option
@reports_errors
def page_command(condition: str, generated_on: str | None, style: str | None, strict: bool,
                 references_dir: Path) -> None:
    """Print the whole condition page in the published layout."""
    from evidencebib import api

    chosen = style_setting(references_dir, style)
    problems: list = []
    text = api.page(open_references(references_dir), condition,
                    generated_on=_parse_day(generated_on), style=chosen, problems=problems)
    output.say(text, nl=False)
    _finish(problems, strict)


@click.command("import-page")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--slug", help="Condition name (default: derived from the page title).")
@click.option("--keep-unparsed", is_flag=True,
              help="Keep bibliography lines that cannot be read as unparsed entries instead of failing.")
@click.option("--replace", is_flag=True, help="Overwrite an existing condition of the same name.")
@click.option("--dry-run", "-n", is_flag=True,
              help="Print what would change (a unified diff); write nothing.")
@references_option
@reports_errors
def import_page_command(file: Path, slug: str | None, keep_unparsed: bool, replace: bool,
                        dry_run: bool, references_dir: Path) -> None:
    """Read a published condition page into references/ (.bib + .toml)."""
    from evidencebib import api

    result = api.import_page(open_references(references_dir), file, slug=slug,
                             keep_unparsed=keep_unparsed, replace=replace, dry_run=dry_run)
    if dry_run:
        preview = result.diff()
        output.say(preview or "nothing would change", nl=not preview)
        return
    output.say(f"imported '{result.slug}': {len(result.keys)} references -> {result.bib_path}, "
               f"{result.meta_path}")
    for line in result.unparsed_lines:
        output.message(f"warning: {file}, line {line}: kept as an unparsed entry "
                       "(keyword evidencebib-unparsed)")


@click.command("styles")
@click.argument("query", required=False)
@references_option
@reports_errors
def styles_command(query: str | None, references_dir: Path) -> None:
    """List or search the available CSL styles (house style and aliases first).

    (--references is accepted as by every command; the styles do not depend on it.)"""
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
