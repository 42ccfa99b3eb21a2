"""`evidencebib config`: the effective settings and where each came from."""

from __future__ import annotations

from pathlib import Path

import click

from evidencebib.cli import output
from evidencebib.cli.common import references_option, reports_errors


@click.command("config")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@references_option
@reports_errors
def config_command(fmt: str, references_dir: Path) -> None:
    """Show the effective settings and where each came from.

    Precedence: command line > environment ($EVIDENCEBIB_…) > evidencebib.toml beside the
    references folder > $XDG_CONFIG_HOME/evidencebib/evidencebib.toml > default. Secrets are
    never printed whole.
    """
    from evidencebib import config

    settings = config.load(references_dir)
    files = config.config_files(references_dir)
    if fmt == "json":
        import json

        data = {"files": [{"path": str(p), "exists": p.is_file()} for p in files],
                "settings": {name: {"value": value.shown() if value.setting.secret
                                    else value.value, "source": value.source,
                                    "environment": value.setting.env}
                             for name, value in settings.items()}}
        output.data(json.dumps(data, ensure_ascii=False, indent=2) + "\n", json=True)
        return
    width = max(len(name) for name in settings)
    for name, value in settings.items():
        output.say(f"{name:<{width}}  {value.shown()}  [{value.source}]")
    output.say("config files, first wins: " + "; ".join(
        f"{p}{'' if p.is_file() else ' (none)'}" for p in files))


def register(group: click.Group) -> None:
    group.add_command(config_command)
