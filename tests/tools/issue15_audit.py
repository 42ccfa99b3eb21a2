"""Run the node ids of tests/tools/issue15_items.txt on an old tree and on this checkout and
print one Markdown row per test outcome: item, node id, outcome on the old tree (with the
first line of the assertion), outcome here.

    .venv/bin/python tests/tools/issue15_audit.py /work/wt/old     # 40d2d8e, detached

Both runs go through tests/tools/run_on_tree.sh (the tests copied outside the repository,
PYTHONPATH=<tree>/src). A failure on the old tree counts only when it is an assertion about
the behaviour; the table shows the exception's name so that an ImportError stands out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parents[1]
LINE = re.compile(r"^(PASSED|FAILED|ERROR) (.+?)(?: - (.*))?$")


def items() -> list[tuple[str, str]]:
    rows = []
    for line in (TOOLS / "issue15_items.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            item, node = line.split("\t")
            rows.append((item, node))
    return rows


def outcomes(tree: str, nodes: list[str]) -> dict[str, tuple[str, str]]:
    proc = subprocess.run([str(TOOLS / "run_on_tree.sh"), tree, *nodes, "--tb=no", "-rA", "-q"],
                          capture_output=True, text=True, cwd=REPO,
                          env={"COLUMNS": "400", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    found: dict[str, tuple[str, str]] = {}
    for line in proc.stdout.splitlines():
        match = LINE.match(line)
        if match:
            found[match.group(2)] = (match.group(1), (match.group(3) or "")[:160])
    return found


def main() -> None:
    old = sys.argv[1] if len(sys.argv) > 1 else "/work/wt/old"
    rows = items()
    nodes = sorted({node for _, node in rows})
    before, after = outcomes(old, nodes), outcomes(str(REPO), nodes)
    print("| item | test | on the old tree | here |")
    print("|---|---|---|---|")
    for item, node in rows:
        for name in sorted(k for k in before.keys() | after.keys() if k == node or k.startswith(node + "[")):
            was, why = before.get(name, ("missing", ""))
            now, _ = after.get(name, ("missing", ""))
            why = why.replace("|", "\\|")
            print(f"| {item} | `{name.removeprefix('tests/')}` | {was}: {why} | {now} |")


if __name__ == "__main__":
    main()
