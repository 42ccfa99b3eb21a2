"""The README's console examples print what the commands print today (a stale example is a
bug of the README): every `$ evidencebib …` line of a ```console block that works on the shipped
condition alone is run on a copy of references/, and its printed lines must appear in the
output in order (a line `…` in the README stands for lines left out)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
# commands that need nothing but the shipped condition (no network, no other files)
OFFLINE = {"conditions", "render", "cite", "page", "styles"}


def examples() -> list[tuple[str, list[str]]]:
    text = README.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        lines = block.splitlines()
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            if not line.startswith("$ "):
                continue
            command = line[2:]
            while command.endswith("\\") and index < len(lines):
                command = command[:-1] + " " + lines[index].strip()
                index += 1
            shown = []
            while index < len(lines) and not lines[index].startswith("$ "):
                shown.append(lines[index])
                index += 1
            words = shlex.split(command)
            if words[0] == "evidencebib" and len(words) > 1 and words[1] in OFFLINE \
                    and not any(word.endswith(".csl") for word in words):
                found.append((command, shown))
    return found


def test_the_readme_has_console_examples_to_check():
    assert len(examples()) >= 8


@pytest.mark.parametrize("command, shown", examples(), ids=[c for c, _ in examples()])
def test_a_readme_example_prints_what_the_readme_shows(command, shown, references, tmp_path):
    words = shlex.split(command)
    env = {key: value for key, value in os.environ.items() if not key.startswith("EVIDENCEBIB_")}
    env.update(EVIDENCEBIB_REFERENCES=str(references), COLUMNS="80",
               XDG_CONFIG_HOME=str(tmp_path / "config"), EVIDENCEBIB_CACHE_DIR=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "evidencebib", *words[1:]], capture_output=True,
                            text=True, env=env, timeout=120, cwd=tmp_path)
    printed = (result.stdout + result.stderr).splitlines()
    position = 0
    for line in shown:
        if line.strip() in ("…", ""):
            continue
        try:
            position = printed.index(line, position) + 1
        except ValueError:
            pytest.fail(f"the README shows {line!r} for `{command}`; the command printed:\n"
                        + "\n".join(printed))
