"""The command line: a thin shell over the Python API.

Commands live in small modules by theme (core, network, interop …) and are registered here.
"""

from __future__ import annotations

import click

from evidencebib import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="evidencebib")
def main() -> None:
    """Manage evidence bibliographies: store as BibTeX, verify DOIs, format in any CSL style."""


def _register() -> None:
    from evidencebib.cli import core, interop, network, site

    for module in (core, network, interop, site):
        module.register(main)


_register()
