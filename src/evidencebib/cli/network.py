"""Commands that ask Crossref and doi.org: add, verify, enrich, find-doi.

All network access goes through `evidencebib.net.Client`; heavy imports happen inside the
command functions so that `evidencebib --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import click

from evidencebib.cli import output as out
from evidencebib.cli.common import open_references, references_option, reports_errors
from evidencebib.display import one_line


def network_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--mailto", envvar="EVIDENCEBIB_MAILTO", metavar="ADDRESS",
                     help="Your e-mail for Crossref's polite pool ($EVIDENCEBIB_MAILTO)."),
        click.option("--crossref-url", envvar="EVIDENCEBIB_CROSSREF_URL", metavar="URL",
                     help="Crossref REST API base URL (default https://api.crossref.org)."),
        click.option("--doi-url", envvar="EVIDENCEBIB_DOI_URL", metavar="URL",
                     help="doi.org base URL (default https://doi.org)."),
        click.option("--cache-dir", envvar="EVIDENCEBIB_CACHE_DIR",
                     type=click.Path(file_okay=False, path_type=Path),
                     help="Cache directory (default $XDG_CACHE_HOME/evidencebib)."),
        click.option("--offline", is_flag=True,
                     help="Answer from the cache only; report what could not be checked."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(mailto, crossref_url, doi_url, cache_dir, offline):
    from evidencebib.net.client import Client

    return Client.from_options(mailto=mailto, crossref_url=crossref_url, doi_url=doi_url,
                               cache_dir=cache_dir, offline=offline)


def _warn(client) -> None:
    for warning in client.warnings:
        out.warn(warning)


# -- add --------------------------------------------------------------------------------

@click.command("add")
@click.argument("condition")
@click.argument("dois", nargs=-1, required=True)
@network_options
@references_option
@reports_errors
def add_command(condition, dois, mailto, crossref_url, doi_url, cache_dir, offline,
                references_dir):
    """Resolve DOIs and append them to CONDITION's bibliography (nothing written on error)."""
    from evidencebib import api, lookup

    refs = open_references(references_dir)
    names = lookup.parse_dois(dois)
    refs.load(condition)  # the condition must exist
    with _client(mailto, crossref_url, doi_url, cache_dir, offline) as client:
        result = api.add_dois(refs, condition, names, client)
        _warn(client)
    for doi, key in result.duplicates:
        out.say(f"{doi}: already in {condition} as {key}; skipped")
    for key in result.added:
        out.say(f"added {key}")


def import_doi_list(path: Path, *, mailto=None, crossref_url=None, doi_url=None,
                    cache_dir=None, offline=False) -> list[dict]:
    """Items for the DOIs listed in a text file (used by `import --from doi-list`)."""
    from evidencebib import lookup

    names = lookup.read_doi_list(path)
    with _client(mailto, crossref_url, doi_url, cache_dir, offline) as client:
        items = lookup.resolve_all(client, names)
        _warn(client)
    return items


# -- verify -------------------------------------------------------------------------------

@click.command("verify")
@click.argument("conditions", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--strict", is_flag=True,
              help="Also fail (exit 1) on 'corrected' and 'no-doi' entries.")
@network_options
@references_option
@reports_errors
def verify_command(conditions, fmt, output, strict, mailto, crossref_url, doi_url, cache_dir,
                   offline, references_dir):
    """Check every entry's DOI: ok, mismatch, not-found, invalid, retracted, withdrawn,
    expression-of-concern, corrected, no-doi, unreachable.

    Exit status: 0 when nothing needs attention, 1 when some entry does, 2 on usage errors.
    """
    from evidencebib.verify import FORMATTERS, Entry, Verifier

    refs = open_references(references_dir)
    slugs = list(conditions) or refs.slugs()
    entries = []
    unreadable = 0
    for slug in slugs:
        cond = refs.load(slug)
        unreadable += _report_unparsed(cond, "not verified")
        for item in cond.bib.items():
            entries.append(Entry(slug, item))
    with _client(mailto, crossref_url, doi_url, cache_dir, offline) as client:
        verifier = Verifier(client)
        if sys.stderr.isatty() and entries:
            from rich.progress import Progress

            with Progress(transient=True) as progress:
                task = progress.add_task("verifying", total=len(entries))
                results = verifier.verify(entries, lambda _r: progress.advance(task))
        else:
            results = verifier.verify(entries)
        _warn(client)
    text = FORMATTERS[fmt](results)
    if output:
        output.write_text(text, encoding="utf-8")
    elif fmt == "json":
        out.data(text, json=True)
    else:
        out.say(text, nl=False)
    offline_misses = [r for r in results if r.status == "unreachable" and "offline" in r.details]
    if offline_misses:
        out.message(f"evidencebib: offline: {len(offline_misses)} DOI(s) not in the cache: " +
                    ", ".join(r.doi or r.key for r in offline_misses[:20]) +
                    (" …" if len(offline_misses) > 20 else ""))
    if unreadable:
        out.message(f"evidencebib: {unreadable} entr{'y' if unreadable == 1 else 'ies'} could not "
                    "be read and were not verified" + (" (--strict: exit 1)" if strict else ""))
    sys.exit(1 if any(r.is_problem(strict) for r in results) or (strict and unreadable) else 0)


def _report_unparsed(condition, consequence: str) -> int:
    """Name every block of the condition's .bib that does not parse (file, line, key), so
    that no entry is skipped without a word; returns how many."""
    from evidencebib import api

    problems = api.unparsed(condition)
    for problem in problems:
        out.message(one_line(f"evidencebib: {problem} ({consequence})"))
    return len(problems)


# -- enrich -------------------------------------------------------------------------------

@click.command("enrich")
@click.argument("condition")
@click.option("--apply", "do_apply", is_flag=True,
              help="Write the additions (conflicts are never written).")
@network_options
@references_option
@reports_errors
def enrich_command(condition, do_apply, mailto, crossref_url, doi_url, cache_dir, offline,
                   references_dir):
    """Show what Crossref would add (full author lists, issue, pages, ISSN …)."""
    from evidencebib import api, enrich

    refs = open_references(references_dir)
    cond = refs.load(condition)
    _report_unparsed(cond, "not enriched")
    items = cond.bib.items()
    with _client(mailto, crossref_url, doi_url, cache_dir, offline) as client:
        found = enrich.proposals(client, items, out.message)
        _warn(client)
    for key, changes in found.items():
        out.say(enrich.render(key, changes), nl=False)
    if not found:
        out.say("nothing to add")
        return
    count = len(enrich.applicable(found))
    entries = f"{count} entr{'y' if count == 1 else 'ies'}"
    if not do_apply:
        out.say(f"{entries} would change; run again with --apply to write")
        return
    api.apply_enrichment(refs, condition, found)
    out.say(f"updated {entries} in {refs.path_of(condition)}")


# -- find-doi -------------------------------------------------------------------------------

@click.command("find-doi")
@click.argument("condition")
@click.option("--apply", "do_apply", is_flag=True, help="Write the DOIs that were accepted.")
@network_options
@references_option
@reports_errors
def find_doi_command(condition, do_apply, mailto, crossref_url, doi_url, cache_dir, offline,
                     references_dir):
    """Search Crossref for entries without a DOI; propose only unambiguous matches."""
    from evidencebib import api
    from evidencebib.find_doi import decisions

    refs = open_references(references_dir)
    cond = refs.load(condition)
    _report_unparsed(cond, "not searched")
    items = cond.bib.items()
    with _client(mailto, crossref_url, doi_url, cache_dir, offline) as client:
        found = decisions(client, items, out.message)
        _warn(client)
    accepted = {key: decision.doi for key, decision in found.items() if decision.doi}
    for key, decision in found.items():
        if decision.doi:
            out.say(one_line(f"@{key}: {decision.doi} ({decision.reason})"))
            continue
        out.say(one_line(f"@{key}: no DOI proposed ({decision.reason})"))
        for c in decision.candidates[:5]:
            out.say("    " + one_line(f"{c.doi}  score {c.score:g}  {c.year or '?'}  "
                                      f"{c.first_author}  {c.title[:70]}"))
    if accepted and do_apply:
        api.write_dois(refs, condition, accepted)
        out.say(f"wrote {len(accepted)} DOI(s) to {refs.path_of(condition)}")
    elif accepted:
        out.say(f"{len(accepted)} DOI(s) found; run again with --apply to write them")


def register(group: click.Group) -> None:
    for command in (add_command, verify_command, enrich_command, find_doi_command):
        group.add_command(command)
