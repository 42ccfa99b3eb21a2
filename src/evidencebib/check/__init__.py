"""`check`: one report for the whole criteria document.

    from evidencebib import api
    report = api.check(api.References("references"))
    print(report.to_table())

Modules, one job each: `works` (a copy and its comparison keys), `dedupe` (which copies are one
work), `library` (every condition loaded, with its works), `findings` (what is reported),
`report` (table, JSON, exit status), `fix` (`check --fix`).
"""

from __future__ import annotations

from typing import Sequence

from evidencebib.check.findings import KINDS, Finding, find_all
from evidencebib.check.library import Library
from evidencebib.check.report import DEFAULT_FAIL_ON, STRICT_FAIL_ON, Report
from evidencebib.check.works import Copy
from evidencebib.errors import UsageError
from evidencebib.store import References

__all__ = ["check", "copies_of", "Report", "Finding", "Copy", "Library", "KINDS",
           "DEFAULT_FAIL_ON", "STRICT_FAIL_ON"]


def check(refs: References, conditions: Sequence[str] = ()) -> Report:
    """Every finding of the document; with `conditions`, those that involve them (works and
    keys are still compared across every condition)."""
    library = Library.load(refs)
    return report_of(library, conditions)


def report_of(library: Library, conditions: Sequence[str] = ()) -> Report:
    findings = find_all(library)
    if conditions:
        known = set(library.conditions) | {c.condition for c in library.copies}
        for slug in conditions:
            if slug not in known:
                raise UsageError(f"unknown condition '{slug}' (known: {', '.join(sorted(known))})")
        wanted = set(conditions)
        findings = [f for f in findings
                    if wanted & {c.condition for c in f.copies}
                    or f.data.get("condition") in wanted]
        count = len(wanted)
        references = sum(1 for c in library.copies if c.condition in wanted)
    else:
        count = len(library.conditions) or len({c.condition for c in library.copies})
        references = len(library.copies)
    order = {kind: n for n, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (order[f.kind], _first(f)))
    return Report(count, references, findings)


def _first(finding: Finding) -> tuple[str, int]:
    if finding.copies:
        return finding.copies[0].condition, finding.copies[0].line or 0
    return str(finding.data.get("condition", "")), finding.data.get("line") or 0


def copies_of(refs: References, condition: str, key: str) -> list[Copy]:
    """Every copy of the work that `condition:key` describes, that copy first: the same DOI
    (any spelling), the same ISBN (books), or a duplicate match of the fields (see `dedupe`).

    An edit of one copy must reach the others (issue 16: "editing a work once must be enough
    for every condition that cites it"); `fix.sync` writes them.
    """
    return Library.load(refs).copies_of(condition, key)
