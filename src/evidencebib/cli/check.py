"""The `check` command: one report for the whole document, and `--fix`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import open_references, references_option, reports_errors

# evidencebib.check.findings.KINDS, without its import
KINDS = ("duplicate", "disagreement", "key-clash", "doi-clash", "unparsed", "missing-field", "no-doi",
         "bad-doi", "read-note", "truncated-authors", "shared")


def _kinds(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    if names == ["none"]:
        return frozenset()
    unknown = [name for name in names if name not in KINDS]
    if unknown or not names:
        raise click.BadParameter(f"'{value}': use kinds from {', '.join(KINDS)} (comma-"
                                 "separated), or none", param_hint="--fail-on")
    return frozenset(names)


@click.command("check")
@click.argument("conditions", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("-o", "--output", "output_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--strict", is_flag=True,
              help="Also fail (exit 1) on missing fields, articles without DOI and truncated "
                   "author lists.")
@click.option("--fail-on", "fail_on", metavar="KINDS",
              help="Comma-separated kinds of finding that fail the run (or 'none'); default: "
                   "duplicate,disagreement,key-clash,doi-clash,unparsed.")
@click.option("--fix", "do_fix", is_flag=True,
              help="Make every copy of a work agree (with --prefer or --rule) and merge exact "
                   "duplicates inside a condition.")
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff, write nothing.")
@click.option("--prefer", multiple=True, metavar="CONDITION:KEY",
              help="With --fix: the copy the other copies of its work are made to agree with "
                   "(repeatable, one per work).")
@click.option("--rule", type=click.Choice(["most-complete"]),
              help="With --fix: pick the copy to agree with for every work that disagrees.")
@references_option
@reports_errors
def check_command(conditions, fmt, output_file, strict, fail_on, do_fix, dry_run, prefer, rule,
                  references_dir):
    """Find duplicates, disagreements between conditions, key clashes and gaps.

    Exit status: 0 when no finding fails, 1 when some does, 2 on usage errors. With
    --fix --dry-run: the diff, and 0.
    """
    from evidencebib import api

    chosen = _kinds(fail_on)
    if not do_fix and (dry_run or prefer or rule):
        raise click.UsageError("--dry-run, --prefer and --rule go with --fix")
    if output_file is not None:
        output.check_output(output_file, references=references_dir)
    refs = open_references(references_dir)
    if do_fix:
        result = api.fix(refs, prefer=prefer, rule=rule, dry_run=dry_run)
        _say_fix(result, dry_run)
        if dry_run:
            return
    report = api.check(refs, conditions)
    from evidencebib.check import DEFAULT_FAIL_ON, STRICT_FAIL_ON

    failing_kinds = chosen if chosen is not None else (STRICT_FAIL_ON if strict else DEFAULT_FAIL_ON)
    if fmt == "json":
        text = report.to_json(failing_kinds)
        if output_file is None:
            output.data(text, json=True)
        else:
            output.write_file(output_file, text, json=True, references=references_dir)
    else:
        text = report.to_table(failing_kinds)
        if output_file is None:
            output.say(text, nl=False)
        else:
            output.write_file(output_file, text, references=references_dir)
    sys.exit(1 if report.failing(failing_kinds) else 0)


def _say_fix(result, dry_run: bool) -> None:
    would = "would " if dry_run else ""
    if dry_run and result.diff:
        output.say(result.diff, nl=False)
    for reference, updated in result.synced:
        output.message(f"{would}make {', '.join(updated)} agree with {reference}")
    for condition, kept, gone in result.merged:
        output.message(f"{would}merge {', '.join(gone)} into {condition}:{kept}")
    for reason in result.skipped:
        output.message(f"evidencebib: not fixed: {reason}")
    if not (result.synced or result.merged):
        output.message("nothing to fix")
    elif not dry_run:
        output.message(f"wrote {len(result.written)} condition(s)")


def register(group: click.Group) -> None:
    group.add_command(check_command)
