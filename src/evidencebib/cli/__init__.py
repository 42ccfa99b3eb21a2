"""The command line: a thin shell over the Python API.

Commands live in small modules by theme (core, network, interop …). The group imports a
module only when one of its commands runs (or when help lists every command), so that a
command pays only for its own imports (benchmarks/startup.py).
"""

from __future__ import annotations

import importlib

import click

from evidencebib import __version__
from evidencebib.cli.shell import SafeGroup

# module -> the commands it registers (a command missing here is still found: every module is
# imported before giving up)
_MODULES = {
    "core": ("conditions", "render", "cite", "page", "import-page", "styles"),
    "network": ("add", "verify", "enrich", "find-doi", "find-pmid"),
    "interop": ("export", "import"),
    "site": ("site", "serve"),
    "maintain": ("new", "remove", "move", "copy", "rename-key", "edit"),
    "settings": ("config",),
    "check": ("check",),
}


class _LazyGroup(SafeGroup):
    _loaded: set[str]

    def _load(self, module: str) -> None:
        loaded = self.__dict__.setdefault("_loaded", set())
        if module not in loaded:
            loaded.add(module)
            importlib.import_module(f"evidencebib.cli.{module}").register(self)

    def _load_all(self) -> None:
        for module in _MODULES:
            self._load(module)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str):
        for module, names in _MODULES.items():
            if cmd_name in names:
                self._load(module)
                break
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_all()
            command = super().get_command(ctx, cmd_name)
        return command


@click.group(cls=_LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="evidencebib")
def main() -> None:
    """Manage evidence bibliographies: store as BibTeX, verify DOIs, format in any CSL style."""


def _register() -> None:
    """Register every command now (kept for callers that expect `main.commands` filled)."""
    main._load_all()
