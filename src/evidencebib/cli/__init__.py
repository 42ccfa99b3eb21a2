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
    from evidencebib.cli import core

    core.register(main)
    try:
        from evidencebib.cli import network
    except ImportError:  # pragma: no cover - module is added by the Crossref work
        network = None
    if network is not None:
        network.register(main)
    try:
        from evidencebib.cli import interop
    except ImportError:  # pragma: no cover
        interop = None
    if interop is not None:
        interop.register(main)


_register()
