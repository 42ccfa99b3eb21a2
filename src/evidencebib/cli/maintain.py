"""Commands that maintain conditions: new, remove, move, copy, rename-key, edit.

Each writes through `evidencebib.maintain` (locks, atomic writes, untouched bytes kept);
`--dry-run` prints the unified diff of what would change and writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import click

from evidencebib.cli import output
from evidencebib.cli.common import open_references, references_option, reports_errors
from evidencebib.cli.complete import complete_condition, complete_key


def dry_run_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--dry-run", "-n", is_flag=True,
                        help="Print what would change (a unified diff); write nothing.")(func)


def report(outcome, dry_run: bool, done: str) -> None:
    """The diff of a dry run, else one line per change made."""
    if dry_run:
        text = outcome.diff()
        output.say(text if text else "nothing would change", nl=not text)
        return
    if not outcome.changes:
        output.say("nothing to change")
        return
    output.say(done)
    for note in outcome.notes:
        output.say(note)


@click.command("new")
@click.argument("slug")
@click.option("--title", required=True, help="The page title.")
@click.option("--status", default="",
              help='The line under the title ("Condition for which Ig is not supported.").')
@click.option("--level", "level", default="", help="The level of evidence (Category 1 … 4b).")
@dry_run_option
@references_option
@reports_errors
def new_command(slug: str, title: str, status: str, level: str, dry_run: bool,
                references_dir: Path) -> None:
    """Start a condition: a commented SLUG.toml (page text) and an empty SLUG.bib."""
    from evidencebib import maintain

    refs = open_references(references_dir)
    outcome = maintain.new_condition(refs, slug, title=title, status=status,
                                     level_of_evidence=level, dry_run=dry_run)
    report(outcome, dry_run, f"created '{slug}': {refs.meta_path(slug)}, {refs.path_of(slug)}")


@click.command("remove")
@click.argument("condition", shell_complete=complete_condition)
@click.argument("keys", nargs=-1, required=True, shell_complete=complete_key)
@dry_run_option
@references_option
@reports_errors
def remove_command(condition: str, keys: tuple[str, ...], dry_run: bool,
                   references_dir: Path) -> None:
    """Remove entries (by key) from CONDITION's bibliography."""
    from evidencebib import maintain

    outcome = maintain.remove_entries(open_references(references_dir), condition, keys,
                                      dry_run=dry_run)
    report(outcome, dry_run, f"removed {', '.join(keys)} from '{condition}'")


def _transfer(move: bool):
    name = "move" if move else "copy"

    @click.command(name)
    @click.argument("keys", nargs=-1, required=True, shell_complete=complete_key)
    @click.option("--from", "source", required=True, metavar="CONDITION",
                  shell_complete=complete_condition)
    @click.option("--to", "target", required=True, metavar="CONDITION",
                  shell_complete=complete_condition)
    @dry_run_option
    @references_option
    @reports_errors
    def command(keys: tuple[str, ...], source: str, target: str, dry_run: bool,
                references_dir: Path) -> None:
        from evidencebib import maintain

        outcome = maintain.transfer_entries(open_references(references_dir), keys,
                                            source=source, target=target, move=move,
                                            dry_run=dry_run)
        verb = "moved" if move else "copied"
        report(outcome, dry_run, f"{verb} {', '.join(keys)} from '{source}' to '{target}'")

    command.help = (f"{name.capitalize()} entries (by key) from one condition to another, "
                    "each entry's text unchanged.")
    return command


@click.command("rename-key")
@click.argument("condition", shell_complete=complete_condition)
@click.argument("old", shell_complete=complete_key)
@click.argument("new")
@dry_run_option
@references_option
@reports_errors
def rename_key_command(condition: str, old: str, new: str, dry_run: bool,
                       references_dir: Path) -> None:
    """Change an entry's key, and its citations (@OLD, \\cite{OLD}) in the page text."""
    from evidencebib import maintain

    outcome = maintain.rename_key(open_references(references_dir), condition, old, new,
                                  dry_run=dry_run)
    report(outcome, dry_run, f"renamed '{old}' to '{new}' in '{condition}'")


@click.command("edit")
@click.argument("condition", shell_complete=complete_condition)
@click.argument("key", shell_complete=complete_key)
@click.option("--only-here", is_flag=True,
              help="Change this condition's entry only, not the copies of the work in other "
                   "conditions (same DOI, same ISBN, or title, authors and year: as `check`).")
@dry_run_option
@references_option
@reports_errors
def edit_command(condition: str, key: str, only_here: bool, dry_run: bool,
                 references_dir: Path) -> None:
    """Edit one entry in $VISUAL / $EDITOR; it is checked before anything is written.

    The rest of the file keeps every byte. An edit that is not one valid entry is shown with
    its error, to edit again or abandon (nothing written). Copies of the work in other
    conditions (as `check` matches them) are changed too, unless --only-here.
    """
    from evidencebib import maintain
    from evidencebib.errors import EvidenceError

    refs = open_references(references_dir)
    original = maintain.entry_text(refs, condition, key)
    text = original
    while True:
        edited = click.edit(text, editor=os.environ.get("VISUAL") or os.environ.get("EDITOR"),
                            extension=".bib", require_save=False)
        if edited is None or edited.strip() == original.strip():
            output.say("no change; nothing written")
            return
        try:
            maintain.check_entry(edited)
            break
        except EvidenceError as problem:
            output.error(str(problem))
            text = edited
            if not click.confirm("Edit again? (no: abandon the edit)", default=True,
                                 err=True):
                output.say("edit abandoned; nothing written")
                raise SystemExit(1) from None
    outcome = maintain.edit_entry(refs, condition, key, edited, all_copies=not only_here,
                                  dry_run=dry_run)
    report(outcome, dry_run, f"updated '{key}' in '{condition}'")


def register(group: click.Group) -> None:
    for command in (new_command, remove_command, _transfer(True), _transfer(False),
                    rename_key_command, edit_command):
        group.add_command(command)
