"""Start-up stays light: the command line imports heavy libraries only when a command needs
them (benchmarks/startup.py measures the time; this checks the behaviour)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("citeproc", "lxml", "requests", "requests_cache", "rich", "bibtexparser", "pylatexenc")


def imported_after(code: str) -> set[str]:
    probe = (code + "\nimport sys\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in %r)))" % (HEAVY,))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          check=True, cwd=REPO)
    return {name.split(".")[0] for name in proc.stdout.split()}


def test_importing_the_cli_imports_no_heavy_library():
    assert imported_after("import evidencebib.cli") == set()


def test_help_imports_no_heavy_library():
    code = ("import io, contextlib\nfrom evidencebib.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main(['--help'], standalone_mode=False)\n    except SystemExit:\n        pass")
    assert imported_after(code) == set()


def test_conditions_to_a_pipe_needs_only_the_bibtex_parser():
    code = ("import io, contextlib\nfrom evidencebib.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['conditions', '--references', %r], standalone_mode=False)" % str(REPO / "references"))
    assert imported_after(code) <= {"bibtexparser", "pylatexenc"}


def test_every_command_is_still_registered():
    from evidencebib.cli import main

    import click

    names = main.list_commands(click.Context(main))
    for command in ("conditions", "render", "cite", "page", "import-page", "styles", "add", "verify",
                    "enrich", "find-doi", "export", "import", "site", "serve", "new", "remove",
                    "move", "copy", "rename-key", "edit", "config"):
        assert command in names
