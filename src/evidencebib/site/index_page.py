"""The index: every condition in one table, searchable and sortable with JavaScript.

Without JavaScript the table is all there, sorted by title. The script filters it (the query
is kept in the URL as `?q=`, so a search can be shared and survives Back), sorts by any
column with a button in its heading (conditions without a category last, both ways) and
sends the reader to the citation style they chose last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

from evidencebib.site import coverage as cov
from evidencebib.site import report as rep
from evidencebib.site import templates as t


DASH = "\u2013"


@dataclass
class ConditionRow:
    slug: str
    title: str
    level_of_evidence: str
    category: str
    references: int
    coverage: cov.Coverage | None           # None when the build has no verify report
    specific_conditions: list[str]
    status: str = ""
    unreadable: int = 0                     # blocks of the .bib file that do not parse

    @property
    def counts(self) -> dict[str, int] | None:
        return self.coverage.counts if self.coverage and self.coverage.in_report else None


def _row(p: ConditionRow, with_report: bool) -> str:
    search = " ".join([p.title, p.slug, p.level_of_evidence, p.status,
                       f"category {p.category}" if p.category else "", *p.specific_conditions])
    category = t.esc(p.category) if p.category else '<span class="muted">none</span>'
    cells = [
        f'<th scope="row"><a href="{t.attr(quote(p.slug))}/index.html" data-condition-link="">'
        f"{t.esc(p.title)}</a></th>",
        f'<td class="cat" data-label="Category">{category}</td>',
        f'<td class="level" data-label="Level of evidence">{t.esc(p.level_of_evidence) or DASH}</td>',
        f'<td class="num" data-label="References">{p.references:,}</td>',
    ]
    problems = -1
    if with_report:
        cells.append(f'<td class="verification" data-label="Verification">'
                     f"{cov.cell_html(p.coverage)}</td>")
        if p.coverage is not None and p.coverage.in_report:
            problems = p.coverage.problems
    return (f'<tr data-slug="{t.attr(p.slug)}" data-title="{t.attr(p.title.lower())}" '
            f'data-category="{t.attr(t.category_sort_key(p.category) if p.category else "")}" '
            f'data-refs="{p.references}" data-problems="{problems}" '
            f'data-search="{t.attr(search)}">\n' + "\n".join(cells) + "\n</tr>")


def index_html(rows: list[ConditionRow], report: rep.VerifyReport | None, footer: str, *,
               site_title: str, base_url: str, style_pages: dict[str, str]) -> str:
    total = sum(p.references for p in rows)
    with_report = report is not None
    heads = [
        '<th scope="col" data-sort="title" data-sort-type="text">Condition</th>',
        '<th scope="col" data-sort="category" data-sort-type="text">Category</th>',
        '<th scope="col">Level of evidence</th>',
        '<th scope="col" class="num" data-sort="refs" data-sort-type="number">References</th>',
    ]
    if with_report:
        heads.append('<th scope="col" data-sort="problems" data-sort-type="number">Verification</th>')
    unreadable = sum(p.unreadable for p in rows)
    lead = t.esc(f"{len(rows):,} condition{'s' if len(rows) != 1 else ''}, "
                 f"{total:,} reference{'s' if total != 1 else ''}"
                 + (f" ({unreadable:,} more {'entry' if unreadable == 1 else 'entries'} could not "
                    "be read)." if unreadable else "."))
    if report is not None:
        covers = [p.coverage for p in rows if p.coverage is not None]
        problems = sum(c.problems for c in covers)
        checked = sum(c.checked for c in covers)
        everything = sum(c.total for c in covers)
        when = cov.when_html(report, words=False)
        lead += " Verification" + (f" of {when}" if when else "") + ": " + t.esc(
            f"{checked:,} of {everything:,} entries checked, "
            + (f"{problems:,} with problems." if problems else "no problems found in them."))
    body = t.join_lines([
        f"<h1>{t.esc(site_title)}</h1>",
        f'<p class="lead">{lead}</p>',
        '<div class="index-controls" id="index-controls" hidden="hidden">',
        '<label for="condition-search">Search conditions</label>',
        '<input type="search" id="condition-search" name="q" autocomplete="off" '
        'spellcheck="false" aria-controls="conditions-table" aria-describedby="search-hint" />',
        '<p id="search-hint" class="muted small">Finds conditions with every word you type, each '
        'at the start of a word (<kbd>enceph</kbd> finds encephalitis); put words in quotes for a '
        "phrase. Searches titles, categories, levels of evidence and specific conditions. Buttons "
        "in the column headings sort the table.</p>",
        '<p id="search-status" class="small" role="status" aria-live="polite"></p>',
        "</div>",
        '<p id="print-filter" class="print-only" hidden="hidden"></p>',
        '<div class="table-wrap">',
        '<table class="conditions" id="conditions-table">',
        '<caption class="visually-hidden">Conditions with their level of evidence and number '
        "of references</caption>",
        "<thead>\n<tr>\n" + "\n".join(heads) + "\n</tr>\n</thead>",
        "<tbody>\n" + "\n".join(_row(p, with_report) for p in rows) + "\n</tbody>",
        "</table>",
        "</div>",
        '<p id="no-results" class="muted" hidden="hidden">No condition matches the search.</p>',
    ])
    style_pages_json = json.dumps(style_pages, separators=(",", ":"))
    return t.page(title=site_title, body=body, root="", footer=footer, page_class="page-index",
                  site_title=site_title, description=f"{site_title}: evidence bibliographies by condition",
                  canonical=f"{base_url}index.html" if base_url else "",
                  body_attrs=f" data-style-pages=\"{t.attr(style_pages_json)}\"")
