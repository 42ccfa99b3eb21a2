"""The official CSL test suite's human-readable fixtures (`processor-tests/humans/*.txt`), parsed.

The format is the suite's (its README.rst, "Fixture layout"): sections between an opening line
`>>===== NAME =====>>` and a closing line `<<===== NAME =====<<` (any number of `=`; text outside
the sections is ignored). This parser follows citeproc-js's own test runner
(Juris-M/citeproc-test-runner, `lib/fixture-parser.js`) so that both processors see the same
fixture:

- a line opens a section when it matches `^.*>>=+\\s(NAME)\\s.*=>>` (so a byte-order mark or
  other text before the marker is allowed), and closes it with `^.*<<=+\\s(NAME)\\s.*=<<`;
- a section's text is its lines joined with "\\n" (lines split on "\\r\\n" or "\\n"); an empty
  RESULT is the empty string;
- INPUT, CITATION-ITEMS, CITATIONS, BIBENTRIES, BIBSECTION, ABBREVIATIONS, OPTIONS, INPUT2,
  LANGPARAMS and MULTIAFFIX are JSON;
- MODE is `bibliography` or `citation`, optionally with submodes after hyphens
  (`bibliography-nosort`, `citation-rtf` …), split off as the runner does.

`FixtureError` names the file and line of a malformed fixture.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parents[3] / "shared" / "csl-test-suite" / "humans"

# the sections citeproc-test-runner knows (lib/sections.js), and which of them are JSON
JSON_SECTIONS = frozenset({"INPUT", "CITATION-ITEMS", "CITATIONS", "BIBENTRIES", "BIBSECTION",
                           "ABBREVIATIONS", "OPTIONS", "INPUT2", "LANGPARAMS", "MULTIAFFIX", "KEYS",
                           "OPTIONZ"})
TEXT_SECTIONS = frozenset({"MODE", "RESULT", "CSL", "DESCRIPTION", "NAME", "PATH"})
REQUIRED = ("MODE", "RESULT", "CSL", "INPUT")
_NAMES = "|".join(re.escape(name) for name in sorted(JSON_SECTIONS | TEXT_SECTIONS, key=len, reverse=True))
_OPEN = re.compile(r"^.*>>=+\s(" + _NAMES + r")\s.*=>>")
_CLOSE = re.compile(r"^.*<<=+\s(" + _NAMES + r")\s.*=<<")


class FixtureError(ValueError):
    """A fixture file that does not follow the suite's format."""


@dataclass(frozen=True)
class Fixture:
    """One fixture. `sections` holds every section as parsed (JSON sections decoded)."""

    name: str                      # file name without .txt, e.g. "name_EtAlUseLast"
    path: Path
    sections: dict[str, Any] = field(repr=False)

    @property
    def group(self) -> str:
        """The suite's area: the file name up to its first underscore (`name`, `date` …)."""
        return self.name.split("_", 1)[0]

    @property
    def mode(self) -> str:
        """`bibliography` or `citation` (submodes removed)."""
        return str(self.sections["MODE"]).strip().split("-")[0]

    @property
    def submodes(self) -> frozenset[str]:
        return frozenset(str(self.sections["MODE"]).strip().split("-")[1:])

    @property
    def result(self) -> str:
        return self.sections["RESULT"]

    @property
    def csl(self) -> str:
        return self.sections["CSL"]

    @property
    def items(self) -> list[dict[str, Any]]:
        return self.sections["INPUT"]

    def get(self, section: str, default: Any = None) -> Any:
        return self.sections.get(section, default)

    def request(self) -> dict[str, Any]:
        """The fixture as JSON for tests/citeproc_js/suite.js (the sections, by their names)."""
        return {"NAME": self.name, **self.sections}


def parse_text(text: str, name: str = "<fixture>", path: Path | None = None) -> Fixture:
    sections: dict[str, list[str]] = {}
    current: str | None = None
    opened_at = 0
    lines = re.split(r"\r\n|\n", text)
    for number, line in enumerate(lines, 1):
        opened = _OPEN.match(line)
        closed = _CLOSE.match(line)
        if opened:
            if current is not None:
                raise FixtureError(f"{name}: line {number}: section {opened.group(1)} opened inside "
                                   f"{current} (opened at line {opened_at})")
            current, opened_at = opened.group(1), number
            sections[current] = []
        elif closed:
            if closed.group(1) != current:
                raise FixtureError(f"{name}: line {number}: closes {closed.group(1)} but "
                                   f"{current or 'no section'} is open")
            current = None
        elif current is not None:
            sections[current].append(line)
    if current is not None:
        raise FixtureError(f"{name}: section {current} opened at line {opened_at} is never closed")
    parsed: dict[str, Any] = {}
    for key, body in sections.items():
        joined = "\n".join(body)
        if key in JSON_SECTIONS:
            try:
                parsed[key] = json.loads(joined)
            except ValueError as error:
                raise FixtureError(f"{name}: section {key} is not JSON ({error})") from None
        else:
            parsed[key] = joined
    missing = [key for key in REQUIRED if key not in parsed]
    if missing:
        raise FixtureError(f"{name}: missing section {', '.join(missing)}")
    mode = str(parsed["MODE"]).strip().split("-")[0]
    if mode not in ("bibliography", "citation"):
        raise FixtureError(f"{name}: unknown MODE {parsed['MODE']!r}")
    return Fixture(name, path or Path(name + ".txt"), parsed)


def parse_file(path: Path) -> Fixture:
    return parse_text(path.read_text(encoding="utf-8"), path.stem, path)


@functools.lru_cache(maxsize=4)
def load_suite(folder: Path = SUITE) -> tuple[Fixture, ...]:
    """Every fixture of `folder`, by name."""
    return tuple(parse_file(path) for path in sorted(folder.glob("*.txt")))


def collapse_whitespace(text: str) -> str:
    """Runs of whitespace become one space, and the ends are trimmed: the comparison the
    brief asks for (RESULT is indented HTML; the processors' newlines are not the point)."""
    return " ".join(text.split())
