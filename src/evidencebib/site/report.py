"""Reading a verify report (`evidencebib verify --format json -o FILE`) for the site.

The report is `{"results": [...], "summary": {...}}` (see `evidencebib.verify.to_json`); a bare
JSON list of results is accepted too. Each result needs `condition`, `key` and `status`;
`doi` and `details` are optional. Entries are looked up by (condition, key), then by
(condition, DOI) when the key changed since the report was made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencebib.errors import ParseError, UsageError, read_user_file

# status -> (label, tone, glyph); the tone picks the colour, the label and glyph carry the
# meaning on their own (never colour alone).
STATUS_INFO: dict[str, tuple[str, str, str]] = {
    "ok": ("OK", "good", "\u2713"),
    "mismatch": ("Mismatch", "bad", "\u2260"),
    "not-found": ("Not found", "bad", "?"),
    "invalid": ("Invalid DOI", "bad", "!"),
    "retracted": ("Retracted", "severe", "\u2716"),
    "withdrawn": ("Withdrawn", "severe", "\u2716"),
    "expression-of-concern": ("Expression of concern", "bad", "!"),
    "corrected": ("Corrected", "info", "i"),
    "no-doi": ("No DOI", "neutral", "\u2013"),
    "unreachable": ("Unreachable", "neutral", "\u2026"),
}
# not problems (the same rule as `verify.Result.is_problem` without --strict)
INFORMATIONAL = frozenset({"ok", "corrected", "no-doi"})
# the order problems are listed in on the index
STATUS_ORDER = ["retracted", "withdrawn", "expression-of-concern", "mismatch", "not-found",
                "invalid", "unreachable", "corrected", "no-doi", "ok"]


def status_info(status: str) -> tuple[str, str, str]:
    return STATUS_INFO.get(status, (status.replace("-", " ").capitalize() or "Unknown", "bad", "!"))


def is_problem(status: str) -> bool:
    return status not in INFORMATIONAL


@dataclass(frozen=True)
class Check:
    condition: str
    key: str
    status: str
    doi: str = ""
    details: str = ""

    @property
    def problem(self) -> bool:
        return is_problem(self.status)


class VerifyReport:
    """The checks of one report, looked up per condition entry."""

    def __init__(self, checks: list[Check], source: str = "") -> None:
        self.checks = checks
        self.source = source
        self._by_key: dict[tuple[str, str], Check] = {}
        self._by_doi: dict[tuple[str, str], Check] = {}
        for check in checks:
            self._by_key.setdefault((check.condition, check.key), check)
            self._by_key.setdefault((check.condition, check.key.lower()), check)
            if check.doi:
                self._by_doi.setdefault((check.condition, _doi_key(check.doi)), check)

    def lookup(self, condition: str, key: str, doi: str | None = None) -> Check | None:
        found = self._by_key.get((condition, key)) or self._by_key.get((condition, key.lower()))
        if found is None and doi:
            found = self._by_doi.get((condition, _doi_key(doi)))
        return found

    def conditions(self) -> set[str]:
        return {check.condition for check in self.checks}


def _doi_key(doi: str) -> str:
    doi = doi.strip().lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/",
                   "http://dx.doi.org/", "doi:"):
        if doi.startswith(prefix):
            doi = doi[len(prefix):].strip()
    return doi


def parse_report(data: Any, source: str = "<report>") -> VerifyReport:
    if isinstance(data, dict):
        if "results" not in data:
            raise ParseError("not a verify report: an object without a 'results' list "
                             "(make one with `evidencebib verify --format json -o FILE`)", file=source)
        data = data["results"]
    if not isinstance(data, list):
        raise ParseError("not a verify report: expected a list of results", file=source)
    checks = []
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise ParseError(f"result {number} is not an object", file=source)
        missing = [name for name in ("condition", "key", "status")
                   if not isinstance(entry.get(name), str) or not entry.get(name)]
        if missing:
            raise ParseError(f"result {number} lacks {', '.join(missing)}", file=source)
        checks.append(Check(entry["condition"], entry["key"], entry["status"],
                            str(entry.get("doi") or ""), str(entry.get("details") or "")))
    return VerifyReport(checks, source)


def load_report(path: str | Path) -> VerifyReport:
    path = Path(path)
    if not path.exists():
        raise UsageError("verify report not found", file=path)
    try:
        text = read_user_file(path).decode("utf-8")  # a pipe or /dev/zero is capped there
    except UnicodeDecodeError:
        raise ParseError("verify report is not UTF-8 text", file=path) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"verify report is not JSON ({error.msg})", file=path,
                         line=error.lineno) from None
    except (RecursionError, ValueError):  # nested too deeply, a 5,000-digit number …
        raise ParseError("verify report is not a report (nested too deeply or a number too "
                         "long)", file=path) from None
    return parse_report(data, str(path))
