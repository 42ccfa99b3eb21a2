"""Building the static site: an index of the conditions and one page per condition.

    build_site(References("references"), "site", verify_report="report.json")

Layout of the output directory (works from file:// and from any web server):

    index.html                      the conditions, searchable and sortable with JavaScript
    _assets/site.css, site.js       our stylesheet and script (slugs cannot start with "_")
    <slug>/index.html               the condition page, every style pre-rendered
    <slug>/<slug>.ris .bib …        its exports, each carrying the slug as keyword/tag
    .evidencebib-site               marks the directory as ours, so a rebuild may replace it

The site is built in a temporary sibling directory and swapped in at the end, so a failed
build leaves the previous site untouched and a rebuild leaves no stale pages.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import inspect
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from urllib.parse import quote

from evidencebib.errors import EvidenceError, UsageError
from evidencebib.model import Item
from evidencebib.site import report as rep
from evidencebib.site import templates as t

HOUSE_STYLE = "ig-criteria"
DEFAULT_STYLES = ("ig-criteria", "apa", "vancouver", "ama", "harvard", "chicago", "ieee",
                  "nature", "lancet", "bmj", "nlm")
STYLE_LABELS = {
    "ig-criteria": "IG criteria (house style)", "apa": "APA 7th edition", "vancouver": "Vancouver",
    "ama": "AMA", "harvard": "Harvard (Cite Them Right)", "chicago": "Chicago (author-date)",
    "ieee": "IEEE", "nature": "Nature", "lancet": "The Lancet", "bmj": "BMJ",
    "nlm": "NLM (citation-sequence)",
}
MARKER = ".evidencebib-site"
ASSETS = Path(__file__).parent / "assets"


@dataclass(frozen=True)
class Export:
    name: str            # short id, used in class names
    label: str           # link text
    module: str          # evidencebib.formats.<module>
    suffix: str          # file name = slug + suffix
    mime: str
    hint: str


EXPORTS = (
    Export("ris", "RIS", "ris", ".ris", "application/x-research-info-systems",
           "EndNote, Zotero, Mendeley, Reference Manager"),
    Export("bibtex", "BibTeX", "bibtex", ".bib", "application/x-bibtex", "LaTeX with BibTeX, JabRef"),
    Export("biblatex", "BibLaTeX", "biblatex", ".biblatex.bib", "application/x-bibtex",
           "LaTeX with biblatex and biber"),
    Export("csl-json", "CSL-JSON", "csl_json", ".csl.json", "application/vnd.citationstyles.csl+json",
           "Zotero, pandoc, citeproc"),
    Export("endnote-xml", "EndNote XML", "endnote_xml", ".endnote.xml", "application/xml",
           "EndNote"),
)


@dataclass
class ConditionPage:
    slug: str
    title: str
    level_of_evidence: str
    category: str
    references: int
    counts: dict[str, int] | None          # verify statuses, None when not in the report
    specific_conditions: list[str] = field(default_factory=list)
    status: str = ""


@dataclass
class BuildResult:
    output: Path
    conditions: list[ConditionPage]
    files: int
    seconds: float
    notes: list[str] = field(default_factory=list)   # exports skipped and why


def parse_styles(text: str | Sequence[str] | None) -> list[str]:
    """'apa, vancouver' -> ['ig-criteria', 'apa', 'vancouver'] (house style always first)."""
    if text is None:
        names = list(DEFAULT_STYLES)
    elif isinstance(text, str):
        names = [name.strip() for name in text.split(",") if name.strip()]
    else:
        names = [str(name).strip() for name in text if str(name).strip()]
    out = [HOUSE_STYLE]
    for name in names:
        if name not in out:
            out.append(name)
    return out


def style_label(name: str) -> str:
    if name in STYLE_LABELS:
        return STYLE_LABELS[name]
    try:
        from evidencebib.render import list_styles

        for found, title in list_styles(name):
            if found == name:
                return title
    except Exception:  # a label is cosmetic
        pass
    return name


# -- entries -------------------------------------------------------------------------------------

def _doi_link(doi: str) -> str:
    from evidencebib.render.formats import doi_url, safe_url

    url = doi_url(re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I))
    return (f'<a class="doi-link" href="{t.attr(safe_url(url))}">'
            f'<span class="visually-hidden">DOI </span>doi:{t.esc(url[len("https://doi.org/"):])}'
            f"</a>")


def entry_anchor(slug: str, key: str) -> str:
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


# -- exports ------------------------------------------------------------------------------------

def _with_tag(item: Item, tag: str) -> Item:
    words = [w.strip() for w in re.split(r"[,;]", str(item.get("keyword") or "")) if w.strip()]
    if tag not in words:
        words.append(tag)
    copy = dict(item)
    copy["keyword"] = ", ".join(words)
    return copy


def write_export(export: Export, items: list[Item], slug: str) -> str:
    """The export text; ImportError/AttributeError when the writer is not there (yet)."""
    module = importlib.import_module(f"evidencebib.formats.{export.module}")
    writer = module.write
    try:
        takes_tags = "tags" in inspect.signature(writer).parameters
    except (TypeError, ValueError):
        takes_tags = False
    if takes_tags:
        return writer(items, tags=[slug])
    return writer([_with_tag(item, slug) for item in items])


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    return f"{size / 1024:.1f} kB"


# -- pages --------------------------------------------------------------------------------------

def _footer(generated_on: _dt.date, report: rep.VerifyReport | None) -> str:
    from evidencebib import __version__

    parts = [f"Built with evidencebib {t.esc(__version__)} on "
             f'<time datetime="{generated_on.isoformat()}">{generated_on.isoformat()}</time>.']
    if report is not None:
        name = Path(report.source).name if report.source else "a verify report"
        parts.append(f"Reference statuses from {t.esc(name)} ({len(report.checks)} checks).")
    else:
        parts.append("References not checked against Crossref in this build.")
    return "<p>" + " ".join(parts) + "</p>"


def _status_counts(report: rep.VerifyReport | None, slug: str, items: list[Item]
                   ) -> tuple[dict[str, int] | None, dict[str, rep.Check]]:
    if report is None:
        return None, {}
    checks: dict[str, rep.Check] = {}
    for item in items:
        key = str(item.get("id") or "")
        check = report.lookup(slug, key, item.get("DOI"))
        if check is not None:
            checks[key] = check
    if not checks and slug not in report.conditions():
        return None, {}
    counts: dict[str, int] = {}
    for check in checks.values():
        counts[check.status] = counts.get(check.status, 0) + 1
    return counts, checks


def condition_html(meta, items: list[Item], bibliographies: list[tuple[str, list[tuple[int, str]]]],
                   checks: dict[str, rep.Check] | None, counts: dict[str, int] | None,
                   downloads: list[tuple[Export, str | None, int]], footer: str) -> str:
    slug = meta.slug
    category = t.evidence_category(meta.level_of_evidence)
    rows = []
    if meta.status:
        rows.append(f"<dt>Status</dt>\n<dd>{t.esc(meta.status)}</dd>")
    if meta.level_of_evidence:
        shown = f"category {category}" in meta.level_of_evidence.lower()
        category_html = (f' <span class="category">Category {t.esc(category)}</span>'
                         if category and not shown else "")
        rows.append(f"<dt>Level of evidence</dt>\n<dd>{t.esc(meta.level_of_evidence)}"
                    f"{category_html}</dd>")
    if meta.specific_conditions:
        lis = "\n".join(f"<li>{t.esc(c)}</li>" for c in meta.specific_conditions)
        rows.append(f'<dt>Specific conditions</dt>\n<dd><ul class="plain">\n{lis}\n</ul></dd>')
    rows.append(f"<dt>References</dt>\n<dd>{len(items)}</dd>")
    if counts is not None:
        rows.append(f"<dt>Verification</dt>\n<dd>{t.verification_cell(counts, len(items))}</dd>")
    meta_html = '<dl class="meta">\n' + "\n".join(rows) + "\n</dl>"

    statement = ""
    if meta.statement:
        paragraphs = "\n".join(f"<p>{t.esc(p)}</p>" for p in meta.statement)
        statement = (f'<section class="statement" aria-labelledby="statement-heading">\n'
                     f'<h2 id="statement-heading">Statement</h2>\n{paragraphs}\n</section>')

    options = []
    blocks = []
    anchors: set[str] = set()
    for style, entries in bibliographies:
        selected = ' selected="selected"' if style == HOUSE_STYLE else ""
        options.append(f'<option value="{t.attr(style)}"{selected}>{t.esc(style_label(style))}</option>')
        lis = []
        for index, entry in entries:  # (position of the item, rendered entry)
            item = items[index]
            key = str(item.get("id") or "")
            check = (checks or {}).get(key)
            classes = ["entry"]
            badge = ""
            if check is not None:
                classes.append(f"entry-{rep.status_info(check.status)[1]}")
                details = (f' <span class="check-details">{t.esc(check.details)}</span>'
                           if check.details and check.problem else "")
                badge = f'<p class="check">{t.badge(check.status, details=check.details)}{details}</p>\n'
            elif checks is not None and counts is not None:
                badge = '<p class="check"><span class="muted small">not checked</span></p>\n'
            doi = str(item.get("DOI") or "")
            extra = ""
            if doi and "https://doi.org/" not in entry:
                extra = f' <span class="entry-links">{_doi_link(doi)}</span>'
            anchor = ""
            if style == HOUSE_STYLE:  # one anchor per reference, unique on the page
                anchor = entry_anchor(slug, key)
                while anchor in anchors:
                    anchor += "-"
                anchors.add(anchor)
                anchor = t.attr(anchor)
            id_attr = f' id="{anchor}"' if anchor else ""
            lis.append(f'<li class="{" ".join(classes)}"{id_attr} data-key="{t.attr(key)}">\n'
                       f'{badge}<div class="csl-entry">{entry}{extra}</div>\n</li>')
        hidden = "" if style == HOUSE_STYLE else ' hidden="hidden"'
        blocks.append(
            f'<div class="bib" data-style="{t.attr(style)}" id="bib-{t.attr(style)}"{hidden}>\n'
            f'<h3 class="visually-hidden">{t.esc(style_label(style))}</h3>\n'
            f'<ol class="entries">\n' + "\n".join(lis) + "\n</ol>\n</div>")
    switcher = ""
    if len(bibliographies) > 1:
        switcher = (
            '<form class="style-switcher" id="style-switcher" action="#" hidden="hidden">\n'
            '<label for="style-select">Citation style</label>\n'
            '<select id="style-select" name="style" aria-controls="bibliographies">\n'
            + "\n".join(options) + "\n</select>\n"
            '<span id="style-status" class="visually-hidden" role="status" aria-live="polite"></span>\n'
            "</form>")
    bibliography = (
        '<section class="bibliography" aria-labelledby="references-heading">\n'
        '<h2 id="references-heading">References</h2>\n'
        f"{switcher}\n"
        '<div id="bibliographies">\n' + "\n".join(blocks) + "\n</div>\n</section>")

    links = []
    for export, filename, size in downloads:
        if filename is None:
            links.append(f'<li class="unavailable">{t.esc(export.label)} '
                         f'<span class="muted small">(not available in this build)</span></li>')
            continue
        links.append(
            f'<li><a href="{t.attr(quote(filename))}" download="{t.attr(filename)}" '
            f'type="{t.attr(export.mime)}">{t.esc(export.label)}</a> '
            f'<span class="muted small">{t.esc(export.hint)} \u00b7 {t.esc(_human_size(size))}'
            f"</span></li>")
    downloads_html = (
        '<section class="downloads" aria-labelledby="downloads-heading">\n'
        '<h2 id="downloads-heading">Download the references</h2>\n'
        f'<p class="muted small">Each file carries the keyword <code>{t.esc(slug)}</code>.</p>\n'
        '<ul class="download-list">\n' + "\n".join(links) + "\n</ul>\n</section>")

    body = t.join_lines([
        '<nav class="breadcrumb" aria-label="Breadcrumb"><a href="../index.html">'
        '<span aria-hidden="true">\u2190 </span>All conditions</a></nav>',
        '<article class="condition">',
        f"<h1>{t.esc(meta.title)}</h1>",
        meta_html, statement, bibliography, downloads_html,
        "</article>",
    ])
    return t.page(title=f"{meta.title} \u2013 {t.SITE_NAME}", body=body, root="../",
                  footer=footer, page_class="page-condition",
                  description=meta.level_of_evidence or meta.title)


def index_html(pages: list[ConditionPage], report: rep.VerifyReport | None, footer: str) -> str:
    total = sum(p.references for p in pages)
    with_report = report is not None
    rows = []
    for p in pages:
        problems = sum(n for s, n in (p.counts or {}).items() if rep.is_problem(s))
        search = " ".join([p.title, p.slug, p.level_of_evidence, p.status,
                           f"category {p.category}" if p.category else "",
                           *p.specific_conditions]).lower()
        category = t.esc(p.category) if p.category else '<span class="muted">\u2013</span>'
        cells = [
            f'<th scope="row"><a href="{t.attr(quote(p.slug))}/index.html">{t.esc(p.title)}</a></th>',
            f'<td class="cat">{category}</td>',
            f"<td>{t.esc(p.level_of_evidence)}</td>",
            f'<td class="num">{p.references}</td>',
        ]
        if with_report:
            cells.append(f"<td>{t.verification_cell(p.counts, p.references)}</td>")
        rows.append(
            f'<tr data-title="{t.attr(p.title.lower())}" '
            f'data-category="{t.attr(t.category_sort_key(p.category))}" '
            f'data-refs="{p.references}" data-problems="{problems if p.counts is not None else -1}" '
            f'data-search="{t.attr(search)}">\n' + "\n".join(cells) + "\n</tr>")
    heads = [
        '<th scope="col" data-sort="title" data-sort-type="text">Condition</th>',
        '<th scope="col" data-sort="category" data-sort-type="text">Category</th>',
        '<th scope="col">Level of evidence</th>',
        '<th scope="col" class="num" data-sort="refs" data-sort-type="number">References</th>',
    ]
    if with_report:
        heads.append('<th scope="col" data-sort="problems" data-sort-type="number">Verification</th>')
    problems_total = sum(sum(n for s, n in (p.counts or {}).items() if rep.is_problem(s))
                         for p in pages)
    lead = f"{len(pages)} condition{'s' if len(pages) != 1 else ''}, {total} reference{'s' if total != 1 else ''}."
    if with_report:
        lead += (f" {problems_total} reference{'s' if problems_total != 1 else ''} with problems"
                 if problems_total else " No reference problems found.")
        if problems_total:
            lead += " in the last verification."
    body = t.join_lines([
        f"<h1>{t.esc(t.SITE_NAME)}</h1>",
        f'<p class="lead">{t.esc(lead)}</p>',
        '<div class="index-controls" id="index-controls" hidden="hidden">',
        '<label for="condition-search">Search conditions</label>',
        '<input type="search" id="condition-search" name="q" autocomplete="off" '
        'spellcheck="false" aria-controls="conditions-table" aria-describedby="search-hint" />',
        '<p id="search-hint" class="muted small">Filters by title, category, level of evidence '
        "and specific conditions. Column headings with arrows sort the table.</p>",
        '<p id="search-status" class="small" role="status" aria-live="polite"></p>',
        "</div>",
        '<div class="table-wrap">',
        '<table class="conditions" id="conditions-table">',
        '<caption class="visually-hidden">Conditions with their level of evidence and number '
        "of references</caption>",
        "<thead>\n<tr>\n" + "\n".join(heads) + "\n</tr>\n</thead>",
        "<tbody>\n" + "\n".join(rows) + "\n</tbody>",
        "</table>",
        "</div>",
        '<p id="no-results" class="muted" hidden="hidden">No condition matches the search.</p>',
    ])
    return t.page(title=t.SITE_NAME, body=body, root="", footer=footer, page_class="page-index",
                  description="Evidence bibliographies by condition")


# -- the build ----------------------------------------------------------------------------------

def _prepare_output(output: Path) -> Path:
    """A fresh temporary directory next to `output`, after checking `output` may be replaced."""
    if output.exists():
        if not output.is_dir():
            raise UsageError("output exists and is not a directory", file=output)
        if any(output.iterdir()) and not (output / MARKER).exists():
            raise UsageError("output directory is not empty and was not built by "
                             "`evidencebib site`; choose a new or empty directory", file=output)
    parent = output.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=parent))
    except OSError as error:
        raise UsageError(f"cannot build the site here ({error.strerror or error})",
                         file=output) from None


def _swap_in(staging: Path, output: Path) -> None:
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.resolve().parent))
        os.rmdir(old)
        os.rename(output, old)
        os.rename(staging, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, output)
    # mkdtemp makes 0700 directories; a site is meant to be readable
    os.chmod(output, 0o755)


def build_site(refs, output: str | Path, *, verify_report: str | Path | rep.VerifyReport | None = None,
               styles: str | Sequence[str] | None = None,
               generated_on: _dt.date | None = None) -> BuildResult:
    """Write the site of every condition in `refs` into `output` (replacing an earlier build)."""
    from evidencebib import api
    from evidencebib.render import prepare_items, render_entries, resolve_style

    started = time.perf_counter()
    # a symbolic link is built through: its target is replaced and the link kept (renaming
    # the link itself would move it aside as `.name.old-*` and leave the target stale)
    output = Path(output).resolve() if Path(output).is_symlink() else Path(output)
    style_names = parse_styles(styles)
    for name in style_names:
        resolve_style(name)  # an unknown style fails before anything is written
    report = (verify_report if isinstance(verify_report, rep.VerifyReport) or verify_report is None
              else rep.load_report(verify_report))
    generated_on = generated_on or _dt.date.today()
    footer = _footer(generated_on, report)
    slugs = refs.slugs()

    staging = _prepare_output(output)
    notes: list[str] = []
    files = 0
    try:
        (staging / "_assets").mkdir()
        for asset in ("site.css", "site.js"):
            shutil.copyfile(ASSETS / asset, staging / "_assets" / asset)
            files += 1
        (staging / MARKER).write_text("built by `evidencebib site`; the whole directory is "
                                      "replaced on every build\n", encoding="utf-8")
        pages: list[ConditionPage] = []
        missing_exports: dict[str, str] = {}
        for slug in slugs:
            condition = refs.load(slug)
            meta = condition.meta
            items = api.load_items(condition)
            prepared = prepare_items(items)  # once for all the styles
            bibliographies = [(name, render_entries(prepared, name, "html")) for name in style_names]
            counts, checks = _status_counts(report, slug, items)
            folder = staging / slug
            folder.mkdir()
            downloads: list[tuple[Export, str | None, int]] = []
            for export in EXPORTS:
                if export.name in missing_exports:
                    downloads.append((export, None, 0))
                    continue
                try:
                    text = write_export(export, items, slug)
                except (ImportError, AttributeError) as error:
                    missing_exports[export.name] = f"{type(error).__name__}: {error}"
                    notes.append(f"{export.label} download skipped: evidencebib.formats."
                                 f"{export.module} is not available ({error})")
                    downloads.append((export, None, 0))
                    continue
                except EvidenceError as error:
                    notes.append(f"{slug}: {export.label} download skipped: {error}")
                    downloads.append((export, None, 0))
                    continue
                filename = slug + export.suffix
                data = text.encode("utf-8")
                (folder / filename).write_bytes(data)
                files += 1
                downloads.append((export, filename, len(data)))
            (folder / "index.html").write_text(
                condition_html(meta, items, bibliographies, checks if report else None, counts,
                               downloads, footer), encoding="utf-8")
            files += 1
            pages.append(ConditionPage(slug, meta.title, meta.level_of_evidence,
                                       t.evidence_category(meta.level_of_evidence), len(items),
                                       counts, list(meta.specific_conditions), meta.status))
        pages.sort(key=lambda p: (p.title.lower(), p.slug))
        (staging / "index.html").write_text(index_html(pages, report, footer), encoding="utf-8")
        files += 1
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output, pages, files, time.perf_counter() - started, notes)


def export_filenames(slug: str) -> dict[str, str]:
    """Export name -> file name inside `<site>/<slug>/`."""
    return {export.name: slug + export.suffix for export in EXPORTS}
