"""Commands that exchange references with reference managers: export, import."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import open_references, references_option, reports_errors
from evidencebib.cli.complete import complete_condition
from evidencebib.cli.network import network_options
from evidencebib.display import one_line
from evidencebib.formats import detect

FORMATS = ["ris", "csl-json", "bibtex", "biblatex", "endnote-xml", "medline"]
# import reads more than export writes: EndNote tagged (.enw) is read only
FROM_CHOICES = list(detect.FROM_CHOICES)


@click.command("export")
@click.argument("conditions", nargs=-1, shell_complete=complete_condition)
@click.option("--to", "to", type=click.Choice(FORMATS), required=True, help="Target format.")
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (atomically) instead of standard output.")
@click.option("--bom", is_flag=True, help="RIS only: start with a UTF-8 BOM (for EndNote on Windows).")
@click.option("--strict", is_flag=True,
              help="Exit 1 when a block of a .bib does not parse (it is named on stderr and "
                   "left out either way).")
@references_option
@reports_errors
def export_command(conditions: tuple[str, ...], to: str, output_file: Path | None, bom: bool,
                   strict: bool, references_dir: Path) -> None:
    """Export conditions (all when none is named) for Zotero, EndNote, Mendeley, JabRef, pandoc.

    Each reference carries its condition's slug as a keyword, so reference managers can
    group them.
    """
    from evidencebib import api

    if output_file is not None:
        output.check_output(output_file, references=references_dir)  # before the work
    options = {"bom": True} if bom and to == "ris" else {}
    warnings: list[str] = []
    problems: list = []
    text = api.export(open_references(references_dir), conditions, to=to, warnings=warnings,
                      problems=problems, **options)
    for warning in warnings:
        output.message(one_line(f"evidencebib: warning: {warning}"))
    left_out = output.left_out(problems, "not exported")
    if output_file is None:
        output.data(text, json=to == "csl-json")
    else:
        output.write_file(output_file, text, json=to == "csl-json", references=references_dir)
        output.message(f"wrote {output_file}")
    if strict and left_out:
        sys.exit(1)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--into", "into", required=True, metavar="CONDITION", shell_complete=complete_condition,
              help="Condition to add to (`evidencebib new` creates one).")
@click.option("--from", "from_", type=click.Choice(FROM_CHOICES),
              help="Format of FILE (default: detected from its content; `enw` = EndNote "
                   "tagged / Refer, read only).")
@click.option("--keep-keys", is_flag=True,
              help="Keep the file's citation keys when they are usable and unused.")
@click.option("--dry-run", "-n", is_flag=True,
              help="Print what would change (a unified diff); write nothing.")
@click.option("--strict", is_flag=True,
              help="Import nothing, and exit 1, when a record of FILE cannot be read (all such "
                   "records are named either way).")
@network_options
@references_option
@reports_errors
def import_command(file: Path, into: str, from_: str | None, keep_keys: bool, dry_run: bool,
                   strict: bool, network, references_dir: Path) -> None:
    """Add the references of FILE to a condition; works already there are reported, not duplicated.

    FILE `-` is standard input. A record that cannot be read (a BibTeX entry that does not
    parse, a CSL-JSON item of the wrong shape) is named with its line and left out, and the
    others are imported; with --strict nothing is written then. A file that is not of the
    format at all is refused whole.
    """
    from evidencebib import api

    if str(file) == "-":
        file = Path("/dev/stdin")

    refs = open_references(references_dir)
    refs.load(into)  # the condition must exist (the error says how to create it)
    if from_ == "doi-list":
        from evidencebib.cli.network import import_doi_list

        items = import_doi_list(file, network)
    else:
        unread: list = []
        items = api.read_file(file, fmt=from_, problems=unread)
        if output.left_out(unread, "not imported") and strict:
            output.message(f"evidencebib: --strict: nothing imported from {file}")
            sys.exit(1)
        for note in api.import_notes(items, str(file)):
            output.message(one_line(f"evidencebib: warning: {note}"))
        # a condition is stored as BibTeX (file links in `file`, api.import_items); the
        # MEDLINE reader names its own tags (per record)
        from evidencebib.formats.extras import files_for_bibtex

        stored = [{k: v for k, v in files_for_bibtex(item).items() if k != "_medline"}
                  for item in items]
        for warning in api.export_warnings(stored, "bibtex", comments=False):  # the store keeps `%`
            output.message(one_line(f"evidencebib: warning: {file}: {warning} (not stored)"))
    if dry_run:
        preview = api.import_items(refs, into, items, keep_keys=keep_keys, dry_run=True).diff()
        output.say(preview or "nothing would change", nl=not preview)
        return
    result = api.import_items(refs, into, items, keep_keys=keep_keys)
    output.say(f"updated '{into}': {len(result.added)} added"
               + (f", {len(result.duplicates)} already present" if result.duplicates else ""))
    for doi, key in result.duplicates:
        output.say(f"  already present: {one_line(doi)} (entry '{one_line(key)}')")


def register(group: click.Group) -> None:
    group.add_command(export_command)
    group.add_command(import_command)
