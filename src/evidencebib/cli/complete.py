"""Shell completion of condition slugs, citation keys and style names (click's completion:
`eval "$(_EVIDENCEBIB_COMPLETE=bash_source evidencebib)"`, see README).

Completion reads only the folder listing and the one condition named; a broken file or a
missing folder completes nothing rather than printing an error into the shell.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from click.shell_completion import CompletionItem


def _references(ctx: click.Context) -> Path:
    value = ctx.params.get("references_dir")
    return Path(value) if value else Path(os.environ.get("EVIDENCEBIB_REFERENCES", "references"))


def complete_condition(ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[CompletionItem]:
    from evidencebib.store import References

    try:
        slugs = References(_references(ctx)).slugs()
    except Exception:  # completion never fails loudly
        return []
    return [CompletionItem(slug) for slug in slugs if slug.startswith(incomplete)]


def complete_key(ctx: click.Context, param: click.Parameter, incomplete: str
                 ) -> list[CompletionItem]:
    from evidencebib.store import References

    slug = ctx.params.get("condition") or ctx.params.get("source")
    if not slug:
        return []
    try:
        keys = References(_references(ctx)).load(slug).bib.keys()
    except Exception:
        return []
    return [CompletionItem(key) for key in keys if key.startswith(incomplete)]


def complete_style(ctx: click.Context, param: click.Parameter, incomplete: str
                   ) -> list[CompletionItem]:
    try:
        from evidencebib.render import list_styles

        names = [name for name, _ in list_styles(None)]
    except Exception:
        return []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]
