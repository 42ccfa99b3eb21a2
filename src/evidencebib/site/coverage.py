"""What a verify report says about one condition, and what it could not say.

A reader who sees "No problems" must know how many references that covers: an entry without
a DOI, one the service could not be asked about, one the report does not mention, or a block
of the .bib file that does not parse was never checked, and the site says so in numbers
("12 of 34 checked · 20 without a DOI · 2 could not be read") next to the date of the report.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from evidencebib.model import Item
from evidencebib.site import report as rep
from evidencebib.site import templates as t


@dataclass
class Coverage:
    references: int                     # entries that parse (the ones shown)
    unreadable: int = 0                 # blocks of the .bib file that do not parse
    in_report: bool = False             # the report has anything on this condition
    counts: dict[str, int] = field(default_factory=dict)   # status -> entries, checked or not
    no_doi: int = 0                     # entries without a DOI (whatever the report says)
    unreachable: int = 0                # the service could not be asked
    not_in_report: int = 0              # entries with a DOI the report does not mention

    @property
    def total(self) -> int:
        return self.references + self.unreadable

    @property
    def checked(self) -> int:
        return sum(n for status, n in self.counts.items() if status not in rep.NOT_CHECKED)

    @property
    def problems(self) -> int:
        return sum(n for status, n in self.counts.items() if rep.is_problem(status))

    def gaps(self) -> list[str]:
        """'20 without a DOI', '2 could not be read' … for what was not checked."""
        parts = []
        if self.no_doi:
            parts.append(f"{self.no_doi:,} without a DOI")
        if self.unreadable:
            parts.append(f"{self.unreadable:,} could not be read")
        if self.unreachable:
            parts.append(f"{self.unreachable:,} not reached (service unavailable)")
        if self.not_in_report:
            parts.append(f"{self.not_in_report:,} not in the report")
        return parts


def coverage_of(items: list[Item], unreadable: int, checks: dict[str, rep.Check],
                in_report: bool) -> Coverage:
    cover = Coverage(len(items), unreadable, in_report)
    for item in items:
        check = checks.get(str(item.get("id") or ""))
        if not item.get("DOI") or (check is not None and check.status == "no-doi"):
            cover.no_doi += 1
            status = "no-doi"
        elif check is None:
            cover.not_in_report += 1
            continue
        else:
            status = check.status
            if status == "unreachable":
                cover.unreachable += 1
        cover.counts[status] = cover.counts.get(status, 0) + 1
    return cover


def long_date(moment: _dt.datetime | _dt.date) -> str:
    """'30 November 2026' (the Ig Criteria's own way of writing dates)."""
    return f"{moment.day} {moment.strftime('%B')} {moment.year}"


def when_html(report: rep.VerifyReport, *, words: bool = True) -> str:
    """'verified on 30 November 2026' ('report file dated …' when the report does not say)."""
    if report.generated is None:
        return ""
    stamp = report.generated.isoformat()
    prefix = ("report file dated " if report.generated_from_file else "verified on ") if words else ""
    return f'{prefix}<time datetime="{t.attr(stamp)}">{t.esc(long_date(report.generated))}</time>'


def problem_summary(counts: dict[str, int]) -> str:
    """'1 retracted, 2 not found' for the problem statuses in counts (report order)."""
    parts = []
    for status in rep.STATUS_ORDER + sorted(set(counts) - set(rep.STATUS_ORDER)):
        if counts.get(status) and rep.is_problem(status):
            parts.append(f"{counts[status]} {rep.status_info(status)[0].lower()}")
    return ", ".join(parts)


def _badge(tone: str, glyph: str, label: str) -> str:
    return (f'<span class="badge badge-{tone}"><span class="badge-glyph" aria-hidden="true">'
            f"{t.esc(glyph)}</span>{t.esc(label)}</span>")


def cell_html(cover: Coverage | None, when: str = "") -> str:
    """The verification of one condition: a badge, then what was and was not checked."""
    if cover is None or not cover.in_report:
        return '<span class="muted">not checked</span>'
    notes: list[str] = []
    if cover.problems:
        word = "problem" if cover.problems == 1 else "problems"
        badge = _badge("severe", "!", f"{cover.problems} {word}")
        notes.append(t.esc(problem_summary(cover.counts)))
    elif cover.checked == 0:
        badge = _badge("neutral", "\u2013", "Not checked")
    elif cover.checked == cover.total:
        badge = _badge("good", "\u2713", "No problems")
    else:
        badge = _badge("good", "\u2713", "No problems found")
    checked = (f"all {cover.total:,} checked" if cover.checked == cover.total and cover.total
               else f"{cover.checked:,} of {cover.total:,} checked")
    notes.append(t.esc(" \u00b7 ".join([checked, *cover.gaps()])))
    if when:
        notes.append(when)
    return badge + " " + " ".join(f'<span class="coverage-note small">{note}</span>' for note in notes)
