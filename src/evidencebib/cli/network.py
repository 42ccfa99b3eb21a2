"""Commands that ask Crossref, doi.org and PubMed: add, verify, enrich, find-doi (and the DOI list
reader of `import --from doi-list`).

All network access goes through `evidencebib.net.Client`; heavy imports happen inside the
command functions so that `evidencebib --help` stays fast. Every network command takes the
same options (`network_options`), handed to it as one `NetworkOptions`, so that an option
added here (a second service's URL or key) reaches every command without touching each.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click

from evidencebib.cli import output as out
from evidencebib.cli.common import open_references, references_option, reports_errors
from evidencebib.cli.complete import complete_condition
from evidencebib.errors import EvidenceError
from evidencebib.display import one_line

DEFAULT_TIMEOUT = "30"        # the transport's defaults, spelled for --help …
DEFAULT_MAX_TIME = "3600"     # … (evidencebib.net is imported only when a command runs)


@dataclass(frozen=True)
class NetworkOptions:
    """What a network command was told about the services and its limits."""

    mailto: str | None = None
    crossref_url: str | None = None
    doi_url: str | None = None
    cache_dir: Path | None = None
    offline: bool = False
    timeout: str = DEFAULT_TIMEOUT
    max_time: str = DEFAULT_MAX_TIME
    references_dir: Path | None = None  # where the project's config file is looked for
    eutils_url: str | None = None
    idconv_url: str | None = None
    ncbi_api_key: str | None = None
    # the options click read from their environment variable rather than the command line
    from_environment: frozenset[str] = frozenset()

    def client(self):
        """A Client for these options (environment variables fill what was not given, then
        the config files: the e-mail and the Crossref Plus token, `evidencebib config`)."""
        from evidencebib import config
        from evidencebib.net.client import Client, check_mailto, check_ncbi_api_key
        from evidencebib.net.transport import check_seconds

        given = {name: getattr(self, name) for name in ("mailto", "ncbi_api_key")
                 if name not in self.from_environment}
        settings = config.load(self.references_dir, given)
        # a malformed value is reported where the user put it (option, variable or file)
        mailto, key = settings["mailto"], settings["ncbi_api_key"]
        check_mailto(mailto.value, *_named(mailto, "--mailto"))
        check_ncbi_api_key(key.value, *_named(key, "--ncbi-api-key"))
        client = Client.from_options(mailto=settings.get_value("mailto"),
                                     crossref_url=self.crossref_url,
                                     doi_url=self.doi_url, cache_dir=self.cache_dir,
                                     offline=self.offline,
                                     timeout=check_seconds(self.timeout, "--timeout"),
                                     max_time=check_seconds(self.max_time, "--max-time"),
                                     eutils_url=self.eutils_url, idconv_url=self.idconv_url,
                                     ncbi_api_key=settings.get_value("ncbi_api_key"))
        token = settings.get_value("crossref_plus_token")
        if token:
            from evidencebib.net.plus import use_plus_token

            use_plus_token(client, token)
        return client


def _named(value, option: str) -> tuple[str, str | None]:
    """(how an error names a setting, the file holding it) for a config.Value: the option, the
    `$VARIABLE`, or the config file and the setting's name in it."""
    if value.source.startswith("$"):
        return value.source, None
    if value.source in ("command line", "default"):
        return option, None
    return value.setting.name, value.source


_OPTIONS = [
    click.option("--mailto", envvar="EVIDENCEBIB_MAILTO", metavar="ADDRESS",
                 help="Your e-mail for Crossref's polite pool ($EVIDENCEBIB_MAILTO, else "
                      "the config file's mailto)."),
    click.option("--crossref-url", envvar="EVIDENCEBIB_CROSSREF_URL", metavar="URL",
                 help="Crossref REST API base URL (default https://api.crossref.org)."),
    click.option("--doi-url", envvar="EVIDENCEBIB_DOI_URL", metavar="URL",
                 help="doi.org base URL (default https://doi.org)."),
    click.option("--cache-dir", envvar="EVIDENCEBIB_CACHE_DIR", type=click.Path(path_type=Path),
                 help="Cache directory (default $XDG_CACHE_HOME/evidencebib)."),
    click.option("--offline", is_flag=True,
                 help="Answer from the cache only; report what could not be checked."),
    click.option("--timeout", envvar="EVIDENCEBIB_TIMEOUT", metavar="SECONDS",
                 default=DEFAULT_TIMEOUT, show_default=True,
                 help="Deadline of each request, headers and body included; a request is "
                      "tried up to 5 times."),
    click.option("--max-time", envvar="EVIDENCEBIB_MAX_TIME", metavar="SECONDS",
                 default=DEFAULT_MAX_TIME, show_default=True,
                 help="Time limit of the whole run; what is not asked by then is reported "
                      "unreachable."),
    click.option("--eutils-url", envvar="EVIDENCEBIB_EUTILS_URL", metavar="URL",
                 help="NCBI E-utilities base URL (default "
                      "https://eutils.ncbi.nlm.nih.gov/entrez/eutils)."),
    click.option("--idconv-url", envvar="EVIDENCEBIB_IDCONV_URL", metavar="URL",
                 help="PMC ID converter URL (default "
                      "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles)."),
    click.option("--ncbi-api-key", envvar="EVIDENCEBIB_NCBI_API_KEY", metavar="KEY",
                 help="NCBI API key: PubMed is asked 10 times a second instead of 3 "
                      "($EVIDENCEBIB_NCBI_API_KEY)."),
]
_NAMES = ("mailto", "crossref_url", "doi_url", "cache_dir", "offline", "timeout", "max_time",
          "eutils_url", "idconv_url", "ncbi_api_key")


def network_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The network options, passed to `func` as `network=NetworkOptions(...)`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        context = click.get_current_context()
        from_environment = frozenset(
            name for name in _NAMES
            if context.get_parameter_source(name) is click.core.ParameterSource.ENVIRONMENT)
        network = NetworkOptions(**{name: kwargs.pop(name) for name in _NAMES},
                                 references_dir=kwargs.get("references_dir"),
                                 from_environment=from_environment)
        return func(*args, network=network, **kwargs)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def _report(client) -> None:
    for line in client.report():
        out.warn(line)


# -- add --------------------------------------------------------------------------------

@click.command("add")
@click.argument("condition", shell_complete=complete_condition)
@click.argument("identifiers", nargs=-1, required=True)
@click.option("--dry-run", "-n", is_flag=True,
              help="Print what would change (a unified diff); write nothing.")
@network_options
@references_option
@reports_errors
def add_command(condition, identifiers, dry_run, network, references_dir):
    """Resolve DOIs, PMIDs (31234567, pmid:31234567), PMCIDs (PMC6543210) and PubMed or PMC
    URLs, and append them to CONDITION's bibliography (nothing written on error)."""
    from evidencebib import api, identifiers as idents

    refs = open_references(references_dir)
    idents.parse_all(identifiers)  # a typo is reported before any network work
    refs.load(condition)  # the condition must exist
    with network.client() as client:
        try:
            result = api.add_identifiers(refs, condition, identifiers, client,
                                         notice=out.message, dry_run=dry_run)
        finally:
            _report(client)
    if dry_run:
        preview = result.diff()
        out.say(preview or "nothing would change", nl=not preview)
        return
    for doi, key in result.duplicates:
        out.say(f"{doi}: already in {condition} as {key}; skipped")
    for key in result.added:
        out.say(f"added {key}")


def import_doi_list(path: Path, network: NetworkOptions | None = None) -> list[dict]:
    """Items for the DOIs listed in a text file (used by `import --from doi-list`)."""
    from evidencebib import lookup

    names = lookup.read_doi_list(path)
    with (network or NetworkOptions()).client() as client:
        try:
            items = lookup.resolve_all(client, names, out.message)
        finally:
            _report(client)
    return items


# -- verify -------------------------------------------------------------------------------

@click.command("verify")
@click.argument("conditions", nargs=-1, shell_complete=complete_condition)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--strict", is_flag=True,
              help="Also fail (exit 1) on 'corrected' and 'no-doi' entries.")
@click.option("--pubmed", "pubmed_by_doi", is_flag=True,
              help="Also check entries without a PMID against PubMed, by their DOI (one "
                   "request per entry outside PMC).")
@network_options
@references_option
@reports_errors
def verify_command(conditions, fmt, output, strict, pubmed_by_doi, network, references_dir):
    """Check every entry's DOI: ok, mismatch, not-found, invalid, retracted, withdrawn,
    expression-of-concern, corrected, no-doi, unreachable.

    Exit status: 0 when nothing needs attention, 1 when some entry does, 2 on usage errors.
    """
    from evidencebib.verify import FORMATTERS, Entry, Verifier

    if output is not None:
        out.check_output(output)       # before an hour of network work, not after
    refs = open_references(references_dir)
    slugs = list(conditions) or refs.slugs()
    entries = []
    unreadable = skipped = 0
    for slug in slugs:
        try:
            cond = refs.load(slug)
        except EvidenceError as error:  # a .toml that is not TOML …: named, the others verified
            if conditions:
                raise
            out.message(f"evidencebib: {error} (condition not verified)")
            skipped += 1
            continue
        unreadable += _report_unparsed(cond, "not verified")
        for item in cond.bib.items():
            entries.append(Entry(slug, item))
    with network.client() as client:
        verifier = Verifier(client, pubmed_by_doi=pubmed_by_doi)
        try:
            if sys.stderr.isatty() and entries:
                from rich.progress import Progress

                with Progress(transient=True) as progress:
                    task = progress.add_task("verifying", total=len(entries))
                    results = verifier.verify(entries, lambda _r: progress.advance(task))
            else:
                results = verifier.verify(entries)
        finally:
            _report(client)
    text = FORMATTERS[fmt](results)
    if output:
        out.write_file(output, text, json=fmt == "json")
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
                    f"be read and {'was' if unreadable == 1 else 'were'} not verified"
                    + (" (--strict: exit 1)" if strict else ""))
    if skipped:
        out.message(f"evidencebib: {skipped} condition{'' if skipped == 1 else 's'} could not be read "
                    "and {} not verified".format("was" if skipped == 1 else "were")
                    + (" (--strict: exit 1)" if strict else ""))
    sys.exit(1 if any(r.is_problem(strict) for r in results) or (strict and (unreadable or skipped))
             else 0)


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
@click.argument("condition", shell_complete=complete_condition)
@click.option("--apply", "do_apply", is_flag=True,
              help="Write the additions (conflicts are never written).")
@click.option("--pubmed", "use_pubmed", is_flag=True,
              help="Also ask PubMed: fill PMIDs and PMCIDs (by DOI or citation match) and "
                   "fields Crossref does not give.")
@network_options
@references_option
@reports_errors
def enrich_command(condition, do_apply, use_pubmed, network, references_dir):
    """Show what Crossref (and with --pubmed, PubMed) would add (full author lists, issue,
    pages, ISSN, PMID …).

    Exit status: 1 when some entry could not be checked (unreachable), else 0.
    """
    from evidencebib import api, enrich

    refs = open_references(references_dir)
    cond = refs.load(condition)
    _report_unparsed(cond, "not enriched")
    items = cond.bib.items()
    unreachable: list[str] = []
    with network.client() as client:
        try:
            found = enrich.proposals(client, items, out.message, unreachable)
            if use_pubmed:
                found = enrich.pubmed_proposals(client, items, found, out.message, unreachable)
        finally:
            _report(client)
    for key, changes in found.items():
        out.say(enrich.render(key, changes), nl=False)
    status = 1 if unreachable else 0
    unchecked = (f" ({len(unreachable)} entr{'y' if len(unreachable) == 1 else 'ies'} not "
                 f"checked: unreachable)" if unreachable else "")
    if not found:
        out.say("nothing to add" + unchecked)
        sys.exit(status)
    count = len(enrich.applicable(found))
    entries = f"{count} entr{'y' if count == 1 else 'ies'}"
    if not do_apply:
        out.say(f"{entries} would change; run again with --apply to write" + unchecked)
        sys.exit(status)
    api.apply_enrichment(refs, condition, found)
    out.say(f"updated {entries} in {refs.path_of(condition)}" + unchecked)
    sys.exit(status)


# -- find-doi -------------------------------------------------------------------------------

def _decide(network: NetworkOptions, refs, condition: str,
            decide: Callable[..., dict]) -> tuple[dict, list[str]]:
    """`decide(client, items, notice, unreachable)` over CONDITION's entries (find-doi,
    find-pmid): its decisions and the keys it could not ask about; the run is reported, and
    so is every entry that does not parse (it is not searched)."""
    cond = refs.load(condition)
    _report_unparsed(cond, "not searched")
    items = cond.bib.items()
    unreachable: list[str] = []
    with network.client() as client:
        try:
            found = decide(client, items, out.message, unreachable)
        finally:
            _report(client)
    return found, unreachable


@click.command("find-doi")
@click.argument("condition", shell_complete=complete_condition)
@click.option("--apply", "do_apply", is_flag=True, help="Write the DOIs that were accepted.")
@network_options
@references_option
@reports_errors
def find_doi_command(condition, do_apply, network, references_dir):
    """Search Crossref for entries without a DOI; propose only unambiguous matches.

    Exit status: 1 when some search could not be made (unreachable), else 0.
    """
    from evidencebib import api
    from evidencebib.find_doi import decisions

    refs = open_references(references_dir)
    found, unreachable = _decide(network, refs, condition, decisions)
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
    sys.exit(1 if unreachable else 0)


# -- find-pmid ------------------------------------------------------------------------------

@click.command("find-pmid")
@click.argument("condition")
@click.option("--apply", "do_apply", is_flag=True, help="Write the PMIDs that were accepted.")
@network_options
@references_option
@reports_errors
def find_pmid_command(condition, do_apply, network, references_dir):
    """Find PubMed IDs for entries without one (by DOI, else by citation match); propose
    only unambiguous matches whose record describes the entry.

    Exit status: 1 when some search could not be made (unreachable), else 0.
    """
    from evidencebib import api
    from evidencebib.enrich import ADD, Change
    from evidencebib.find_pmid import decisions

    refs = open_references(references_dir)
    found, unreachable = _decide(network, refs, condition, decisions)
    accepted = {}
    for key, decision in found.items():
        if decision.pmid:
            out.say(one_line(f"@{key}: PMID {decision.pmid} ({decision.reason})"))
            changes = [Change("PMID", ADD, None, decision.pmid, "PubMed")]
            if decision.pmcid:
                changes.append(Change("PMCID", ADD, None, decision.pmcid, "PubMed"))
            accepted[key] = changes
        else:
            out.say(one_line(f"@{key}: no PMID proposed ({decision.reason})"))
    if accepted and do_apply:
        api.apply_enrichment(refs, condition, accepted)
        out.say(f"wrote {len(accepted)} PMID(s) to {refs.path_of(condition)}")
    elif accepted:
        out.say(f"{len(accepted)} PMID(s) found; run again with --apply to write them")
    sys.exit(1 if unreachable else 0)


def register(group: click.Group) -> None:
    for command in (add_command, verify_command, enrich_command, find_doi_command,
                    find_pmid_command):
        group.add_command(command)
