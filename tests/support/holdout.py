"""The held-back part of the shared corpus (GUIDE.md: "part of every reference set is held back
to check that fixes generalise").

An entry of ../shared/corpus/ (a .bib entry, a RIS, CSL-JSON or EndNote XML record) is held back
when the SHA-256 of `<file name>/<key>` (the record's id for the other formats), read as a
number, falls in the lowest 30% of its range: deterministic, stateless, independent of the
order of files and entries, and stable when entries are added elsewhere. About 30% of the
entries of every file are held back; the rest is the development part.

The rule for everyone who fixes a reader: choose a fix by looking at **development** failures
only. The corpus-wide tests (tests/formats/test_corpus_decoding.py, test_roundtrip_corpus.py)
check both parts and report their rates separately at the end of the pytest run ("corpus:
development / held back"), but print the values of development failures only; a held-back
failure is counted, never shown, so that it cannot steer a fix. A held-back rate below the
development rate after a fix is the sign that the fix was fitted to what it was tested on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

HELD_BACK_PERCENT = 30
_RANGE = 2 ** 64


def is_held_back(file_name: str, key: str) -> bool:
    """Whether the entry `key` of the corpus file `file_name` (its name, not its path) is held back."""
    digest = hashlib.sha256(f"{file_name}/{key}".encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") < _RANGE * HELD_BACK_PERCENT // 100


def part(file_name: str, key: str) -> str:
    return "held back" if is_held_back(file_name, key) else "development"


PARTS = ("development", "held back")


@dataclass
class Tally:
    """Checked values and failures of one part."""

    checked: int = 0
    failed: int = 0
    excused: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return 100.0 * (self.checked - self.failed) / self.checked if self.checked else 100.0


@dataclass
class Rates:
    """One corpus-wide measure, split into the development and held-back parts."""

    what: str
    unit: str = "values"
    parts: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    def check(self, file_name: str, key: str, failure: str | None, excused: bool = False) -> str:
        """Count one checked value of entry `key` of `file_name`; returns its part."""
        name = part(file_name, key)
        tally = self.parts[name]
        tally.checked += 1
        if excused:
            tally.excused += 1
        elif failure is not None:
            tally.failed += 1
            tally.failures.append(failure)
        return name

    def line(self, name: str) -> str:
        tally = self.parts[name]
        return (f"{name:>11}: {tally.checked:6d} {self.unit}, {tally.rate:6.2f}% pass, "
                f"{tally.failed} failed" + (f", {tally.excused} excused" if tally.excused else ""))

    def summary(self) -> list[str]:
        return [f"{self.what}:"] + ["  " + self.line(name) for name in PARTS]

    def failure_message(self, limit: int = 40) -> str:
        """Development failures in full, held-back ones counted only (see the module docstring)."""
        dev, held = self.parts["development"], self.parts["held back"]
        lines = [f"{self.what}: {dev.failed} development and {held.failed} held-back failures "
                 "(held-back values are not shown: fix the cause from the development ones)"]
        return "\n".join(lines + dev.failures[:limit])

    @property
    def failed(self) -> int:
        return sum(tally.failed for tally in self.parts.values())


def failure_message(what: str, failures: list[tuple[str, str]], limit: int = 20) -> str:
    """[(part, failure)] of one test: the development failures in full, held-back ones counted."""
    dev = [failure for name, failure in failures if name == "development"]
    held = len(failures) - len(dev)
    return "\n".join([f"{what}: {len(dev)} development and {held} held-back failures (held-back "
                      "values are not shown: fix the cause from the development ones)"] + dev[:limit])


def fail_on(what: str, failures: list[tuple[str, str]]) -> None:
    """Fail the test when there are failures of either part, showing development ones only
    (an `assert not failures, …` would print every failure, held back too, in its repr)."""
    if failures:
        import pytest

        pytest.fail(failure_message(what, failures), pytrace=False)


# Every measure taken in this run, printed by tests/conftest.py's terminal summary.
MEASURES: dict[str, Rates] = {}


def measure(what: str, unit: str = "values") -> Rates:
    """A fresh measure registered for the end-of-run summary (one per test run of `what`)."""
    MEASURES[what] = Rates(what, unit)
    return MEASURES[what]


def shared_measure(what: str, unit: str = "values") -> Rates:
    """The measure `what`, made on first use and added to by every test that asks for it
    (parametrised tests: one measure across their cases)."""
    if what not in MEASURES:
        MEASURES[what] = Rates(what, unit)
    return MEASURES[what]
