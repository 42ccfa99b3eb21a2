#!/usr/bin/env bash
# Run test node ids of this checkout against the code of another checkout (issue 15 audit:
# "each failing on today's code" = commit 40d2d8e, e.g. a detached worktree at /work/wt/old).
#
#   tests/tools/run_on_tree.sh /work/wt/old tests/render/test_x.py::test_y [more node ids…]
#   tests/tools/run_on_tree.sh .            tests/render/test_x.py::test_y   # this checkout
#
# The whole tests/ folder is copied to a scratch root outside both repositories (so the copied
# conftest and fixtures are this checkout's and `parents[1] / "fixtures"` paths still resolve),
# references/ is linked in, ../shared is linked next to it, and pytest runs with
# PYTHONPATH=<tree>/src in front of this checkout's .venv: every `import evidencebib` — in the
# test and in the `python -m evidencebib` subprocesses it starts — is the other tree's code.
# A test counts as failing "on the behaviour" only if its assertion fails; read the output
# (an ImportError of a module that did not exist then is no evidence).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tree=$(cd "$1" && pwd); shift
scratch=$(mktemp -d /tmp/issue15-audit.XXXXXX)
mkdir -p "$scratch/root"
cp -r "$here/tests" "$scratch/root/tests"
find "$scratch/root/tests" -name __pycache__ -prune -exec rm -rf {} +
ln -s "$here/references" "$scratch/root/references"
[ -d "$here/../shared" ] && ln -s "$(cd "$here/../shared" && pwd)" "$scratch/shared"
[ -d /work/shared ] && [ ! -e "$scratch/shared" ] && ln -s /work/shared "$scratch/shared"
cp "$here/pyproject.toml" "$scratch/root/pyproject.toml"
cd "$scratch/root"
set +e
PYTHONPATH="$tree/src" EVIDENCEBIB_NO_RENDER_CACHE=1 "$here/.venv/bin/python" -m pytest \
  -p no:cacheprovider --rootdir "$scratch/root" -q "$@"
status=$?
rm -rf "$scratch"
exit $status
