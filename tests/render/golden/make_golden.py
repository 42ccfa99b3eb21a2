"""Regenerate the golden files from our own rendering (never edit them by hand).

    .venv/bin/python tests/render/golden/make_golden.py

Then review every changed file by eye against the style's published rules before committing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "src"))

from evidencebib.render import render_bibliography  # noqa: E402

GOLDEN_STYLES = ("ig-criteria", "apa", "vancouver", "ama", "harvard", "chicago", "ieee", "nature",
                 "lancet", "bmj", "nlm")
# (file name, style, format)
GOLDEN_FILES = [(f"{style}.txt", style, "text") for style in GOLDEN_STYLES] + [
    ("ig-criteria.md", "ig-criteria", "markdown"),
    ("ig-criteria.html", "ig-criteria", "html"),
]


def seed_items() -> list[dict]:
    return json.loads((HERE.parents[1] / "fixtures" / "seed-items.json").read_text(encoding="utf-8"))


def render_golden(style: str, fmt: str) -> str:
    return "\n\n".join(render_bibliography(seed_items(), style, fmt)) + "\n"


def main() -> None:
    for filename, style, fmt in GOLDEN_FILES:
        (HERE / filename).write_text(render_golden(style, fmt), encoding="utf-8")
        print(f"wrote tests/render/golden/{filename}")


if __name__ == "__main__":
    main()
