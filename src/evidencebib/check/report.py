"""The report of `check`: a table for people, JSON for programs, an exit status for CI.

JSON (`schema.json` beside this file is its JSON Schema, draft-07; the `schema` member names the
version, and a change that is not an addition gets a new version):

    {"schema": "evidencebib-check/1",
     "conditions": 52, "references": 1043,
     "summary": {"duplicate": 3, "disagreement": 7, ...},       # every kind, 0 included
     "fail_on": ["duplicate", "disagreement", "key-clash", "doi-clash", "unparsed"],
     "failed": true,
     "findings": [
        {"kind": "duplicate", "severity": "error", "message": "...",
         "copies": [{"condition": "c", "key": "k", "line": 12}, ...],
         "work": 4, "matches": [{"a": {...}, "b": {...}, "score": 0.882, "basis": "fields",
                                 "agree": ["title", ...], "differ": [...], "missing": [...]}]},
        {"kind": "shared", ..., "work": 4, "matches": [...]},
        {"kind": "disagreement", ..., "work": 4, "field": "title",
         "values": [{"value": "...", "copies": [{...}]}, ...]},
        {"kind": "key-clash", ..., "key": "smith2020"},
        {"kind": "doi-clash", ..., "DOI": "10.1/x", "titles": ["...", "..."]},
        {"kind": "missing-field", ..., "fields": ["container-title"]},
        {"kind": "no-doi", ...}, {"kind": "truncated-authors", ...},
        {"kind": "unparsed", ..., "condition": "c", "file": "...", "line": 40, "key": "k",
         "problem": "..."}]}

`basis` is `doi`, `isbn` or `fields` (then `score` is JabRef's weighted score, 0.75 to 1);
`value` is null where a copy has no value for the field. Findings come in the order of the
kinds above, then by condition and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from evidencebib.check.findings import KINDS, SEVERITY, Finding

SCHEMA = "evidencebib-check/1"
DEFAULT_FAIL_ON = frozenset(kind for kind, severity in SEVERITY.items() if severity == "error")
STRICT_FAIL_ON = frozenset(kind for kind, severity in SEVERITY.items() if severity != "info")


@dataclass
class Report:
    conditions: int
    references: int
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for finding in self.findings:
            counts[finding.kind] += 1
        return counts

    def failing(self, fail_on: Iterable[str] = DEFAULT_FAIL_ON) -> list[Finding]:
        wanted = set(fail_on)
        return [f for f in self.findings if f.kind in wanted]

    def to_json(self, fail_on: Iterable[str] = DEFAULT_FAIL_ON) -> str:
        fail_on = sorted(set(fail_on), key=KINDS.index)
        document = {"schema": SCHEMA, "conditions": self.conditions,
                    "references": self.references, "summary": self.counts(),
                    "fail_on": fail_on, "failed": bool(self.failing(fail_on)),
                    "findings": [f.to_json() for f in self.findings]}
        return json.dumps(document, ensure_ascii=False, indent=1) + "\n"

    def to_table(self, fail_on: Iterable[str] = DEFAULT_FAIL_ON) -> str:
        """One block per finding: a line naming it, then indented details."""
        wanted = set(fail_on)
        lines = []
        for finding in self.findings:
            mark = "FAIL" if finding.kind in wanted else "    "
            lines.append(f"{mark} {finding.kind:<17} {finding.message}")
            lines.extend("       " + detail for detail in _details(finding))
        counts = ", ".join(f"{n} {kind}" for kind, n in self.counts().items() if n)
        failing = len(self.failing(wanted))
        lines.append(f"{self.conditions} condition(s), {self.references} reference(s): "
                     f"{counts or 'no findings'}; {failing} failing")
        return "\n".join(lines) + "\n"


def _where(copy: dict) -> str:
    line = f" (line {copy['line']})" if copy.get("line") else ""
    return f"{copy['condition']}:{copy['key']}{line}"


def _details(finding: Finding) -> list[str]:
    data = finding.data
    if finding.kind in ("duplicate", "shared"):
        out = []
        for match in data.get("matches", ()):
            how = {"doi": "same DOI", "isbn": "same ISBN"}.get(
                match["basis"], f"score {match['score']:.2f}")
            differ = f"; differ: {', '.join(match['differ'])}" if match["differ"] else ""
            missing = f"; only one has: {', '.join(match['missing'])}" if match["missing"] else ""
            out.append(f"{_where(match['a'])} = {_where(match['b'])}: {how}{differ}{missing}")
        return out
    if finding.kind == "disagreement":
        return [f"{_shorten(group['value'])}: " + ", ".join(_where(c) for c in group["copies"])
                for group in data["values"]]
    if finding.kind in ("key-clash", "doi-clash"):
        return [f"{_where(c.to_json())}: {_shorten(c.item.get('title'), 70)}" for c in finding.copies]
    return []


def _shorten(value: str | None, width: int = 90) -> str:
    if value is None:
        return "(none)"
    text = repr(value)
    return text if len(text) <= width else text[: width - 2] + "…'"
