"""`python -m evidencebib` and the `evidencebib` command.

The command line is imported here, inside the guard, so that Ctrl-C pressed while Python is
still loading it (click, the commands) ends with "interrupted" and status 130 rather than an
import traceback; from there on `cli.shell.SafeGroup` decides how every command ends.
"""

import sys


def run() -> None:
    try:
        from evidencebib.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("evidencebib: interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
