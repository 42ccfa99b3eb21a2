"""Commands that publish references/ as a static website: `site` and `serve`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import open_references, references_option, reports_errors, setting
from evidencebib.cli.shell import SafeGroup

DEFAULT_SITE_DIR = "site"


def _verify_report_option(func):
    return click.option(
        "--verify-report", "verify_report",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A report from `evidencebib verify --format json -o FILE`: show each reference's "
             "status as a badge and the problems per condition on the index.",
    )(func)


def _styles_option(func):
    return click.option(
        "--styles", default=None, metavar="LIST",
        help="Comma-separated citation styles to pre-render (names, aliases or .csl paths); the "
             "house style ig-criteria is always included and shown first. "
             "[default: ig-criteria,apa,vancouver,ama,harvard,chicago,ieee,nature,lancet,bmj,nlm]",
    )(func)


def _site_options(func):
    func = click.option(
        "--locale", "-l", metavar="LANG", default=None,
        help="A locale (de-DE, en-GB …) for every style's pages instead of the style's own "
             "(default: the locale setting).")(func)
    func = click.option(
        "--base-url", default=None, metavar="URL",
        help="The address the site will be published at (e.g. https://example.org/criteria/): "
             "gives every page its canonical link and the site a sitemap.xml.")(func)
    return click.option(
        "--title", default=None, metavar="TEXT",
        help="The site's name, in every page's header and title. [default: Evidence bibliographies]",
    )(func)


def _build(references_dir: Path, site_dir: Path, verify_report: Path | None,
           styles: str | None, quiet: bool = False, title: str | None = None,
           base_url: str | None = None, locale: str | None = None):
    from evidencebib.site import build_site

    result = build_site(open_references(references_dir), site_dir, verify_report=verify_report,
                        styles=styles, title=title, base_url=base_url,
                        locale=setting(references_dir, "locale", locale))
    for note in result.notes:
        output.message(f"evidencebib: note: {note}")
    if not quiet:
        refs = sum(page.references for page in result.conditions)
        output.say(f"built {site_dir}/index.html: {len(result.conditions)} condition(s), "
                   f"{refs} reference(s), {result.files} files in {result.seconds:.2f} s")
    return result


@click.command("site")
@click.option("-o", "--output", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_SITE_DIR, show_default=True,
              help="Directory to write the site into (replaced on every build; refused if it "
                   "holds anything else).")
@references_option
@_verify_report_option
@_styles_option
@_site_options
@click.option("--strict", is_flag=True,
              help="Exit 1 (after building) when an entry is left out of a page: a block of the "
                   ".bib that does not parse, an entry a style cannot render.")
@reports_errors
def site_command(site_dir: Path, references_dir: Path, verify_report: Path | None,
                 styles: str | None, title: str | None, base_url: str | None,
                 locale: str | None, strict: bool) -> None:
    """Build a static website of the conditions: an index and one page per condition.

    Open OUTPUT/index.html from disk or serve the directory with any web server (see
    `evidencebib serve`). Each condition has one page per citation style, DOI links, COinS
    for reference managers, each reference as RIS, BibTeX and CSL-JSON, and the whole
    bibliography in RIS, BibTeX, BibLaTeX, CSL-JSON and EndNote XML.
    """
    result = _build(references_dir, site_dir, verify_report, styles, title=title, base_url=base_url,
                    locale=locale)
    if strict and result.left_out:
        output.message(f"evidencebib: {result.left_out} entr{'y' if result.left_out == 1 else 'ies'} "
                       "left out of a page (--strict: exit 1)")
        sys.exit(1)


@click.command("serve")
@click.option("-d", "--directory", type=click.Path(file_okay=False, path_type=Path),
              default=DEFAULT_SITE_DIR, show_default=True, help="The built site to serve.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--build", "build_first", is_flag=True,
              help="Build the site into the directory first (as `evidencebib site`).")
@references_option
@_verify_report_option
@_styles_option
@_site_options
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@reports_errors
def serve_command(directory: Path, port: int, build_first: bool, references_dir: Path,
                  verify_report: Path | None, styles: str | None, title: str | None,
                  base_url: str | None, locale: str | None, quiet: bool) -> None:
    """Serve the built site on http://127.0.0.1:PORT/ for previewing (Ctrl-C stops)."""
    from evidencebib.errors import UsageError
    from evidencebib.site import server

    if build_first:
        _build(references_dir, directory, verify_report, styles, title=title, base_url=base_url,
               locale=locale)
    if not (directory / "index.html").is_file():
        raise UsageError("no site here (index.html missing); build it with `evidencebib site "
                         f"-o {directory}` or add --build", file=directory)
    try:
        httpd = server.make_server(directory, port, quiet=quiet)
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{port} ({error.strerror or error})") from None
    host, bound = str(httpd.server_address[0]), int(httpd.server_address[1])
    output.say(f"Serving {directory} at http://{host}:{bound}/ (press Ctrl-C to stop)")
    server.serve_until_stopped(httpd)
    output.say("stopped")


def register(group: click.Group) -> None:
    group.add_command(site_command)
    group.add_command(serve_command)


@click.group(cls=SafeGroup)
def _standalone() -> None:
    """`python -m evidencebib.cli.site site|serve …` (the same commands as `evidencebib`)."""


register(_standalone)

if __name__ == "__main__":  # pragma: no cover
    _standalone()
