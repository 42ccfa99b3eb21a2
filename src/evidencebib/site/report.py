"""Reading a verify report (`evidencebib verify --format json -o FILE`) for the site.

The report is `{"generated": ISO 8601, "results": [...], "summary": {...}}` (see
`evidencebib.verify.to_json`); a bare JSON list of results is accepted too. Each result needs
`condition`, `key` and `status`; `doi`, `details` and `notices` (Crossref's update notices:
`DOI`, `type`, `label`, `updated`, `source`) are optional. Entries are looked up by
(condition, key), then by (condition, DOI) when the key changed since the report was made.
When the report does not say when it was made, the file's modification time stands in and
the site says so.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
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
# a reader is told these entries could not be checked, not that something is wrong with them
NOT_CHECKED = frozenset({"no-doi", "unreachable"})
# the order problems are listed in on the index
STATUS_ORDER = ["retracted", "withdrawn", "expression-of-concern", "mismatch", "not-found",
                "invalid", "unreachable", "corrected", "no-doi", "ok"]


def status_info(status: str) -> tuple[str, str, str]:
    return STATUS_INFO.get(status, (status.replace("-", " ").capitalize() or "Unknown", "bad", "!"))


def is_problem(status: str) -> bool:
    """A problem with the reference itself (retracted, DOI not found …); an entry that could
    not be checked (no DOI, service unreachable) is not one."""
    return status not in INFORMATIONAL and status not in NOT_CHECKED


@dataclass(frozen=True)
class Notice:
    """A retraction, correction or expression of concern that Crossref links to the work."""

    doi: str
    label: str              # Crossref's label ("Retraction", "Erratum" …) or its type
    date: _dt.date | None = None
    source: str = ""        # "retraction-watch", "publisher" …


@dataclass(frozen=True)
class Check:
    condition: str
    key: str
    status: str
    doi: str = ""
    details: str = ""
    notices: tuple[Notice, ...] = ()

    @property
    def problem(self) -> bool:
        return is_problem(self.status)

    def reader_details(self) -> str:
        """The details for a reader: command-line advice meant for editors removed."""
        return reader_text(self.details)


# "(try `evidencebib find-doi`)", "(run `evidencebib verify` online)": advice for the editor
_HINT = re.compile(r"\s*[(\[][^()\[\]]*`[^`]*`[^()\[\]]*[)\]]|\s*;?\s*(?:try|run|see|use)\s+`[^`]*`[^;.]*")


def reader_text(text: str) -> str:
    text = _HINT.sub("", text or "")
    return text.replace("`", "").strip(" ;")


class VerifyReport:
    """The checks of one report, looked up per condition entry; `generated` is when it was
    made (None when unknown), `generated_from_file` when that is the file's modification time."""

    def __init__(self, checks: list[Check], source: str = "",
                 generated: _dt.datetime | None = None, generated_from_file: bool = False) -> None:
        self.checks = checks
        self.source = source
        self.generated = generated
        self.generated_from_file = generated_from_file
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


def _date_parts(value: Any) -> _dt.date | None:
    try:
        parts = value["date-parts"][0]
        return _dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                        int(parts[2]) if len(parts) > 2 else 1)
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _notices(entry: dict) -> tuple[Notice, ...]:
    out = []
    for notice in entry.get("notices") or []:
        if not isinstance(notice, dict) or not isinstance(notice.get("DOI"), str):
            continue
        label = notice.get("label") or str(notice.get("type") or "notice").replace("_", " ").capitalize()
        out.append(Notice(_doi_key(notice["DOI"]), str(label), _date_parts(notice.get("updated")),
                          str(notice.get("source") or "")))
    return tuple(out)


def _generated(value: Any, source: str) -> _dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _dt.datetime.fromisoformat(value)
    except ValueError:
        raise ParseError(f"'generated' is not an ISO 8601 date and time: {value[:40]!r}",
                         file=source) from None


def parse_report(data: Any, source: str = "<report>") -> VerifyReport:
    generated = _generated(data.get("generated"), source) if isinstance(data, dict) else None
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
                            str(entry.get("doi") or ""), str(entry.get("details") or ""),
                            _notices(entry)))
    return VerifyReport(checks, source, generated)


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
    report = parse_report(data, str(path))
    if report.generated is None:
        report.generated = _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc)
        report.generated_from_file = True
    return report
