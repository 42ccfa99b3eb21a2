"""A condition's pages: one per citation style, the house style at `<slug>/index.html`.

Each page is complete without JavaScript: the metadata, the statement, the bibliography in
its one style (with `id="ref-KEY"` on every entry, so `#ref-KEY` works in every style), links
to the same page in the other styles, the whole-condition downloads and, per reference, its
COinS and its RIS / BibTeX / CSL-JSON files. The script adds a style menu (which loads the
other style's page, so the style is in the URL and Back returns to the previous one) and
copy buttons whose texts come from `exports.js`, loaded on the first use.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Sequence
from urllib.parse import quote

from evidencebib.model import Item
from evidencebib.model.pubmed_ids import pmc_url, pubmed_url
from evidencebib.site import coins
from evidencebib.site import coverage as cov
from evidencebib.site import report as rep
from evidencebib.site import templates as t

# per-reference files in `<slug>/ref/`: (format id, label, suffix, MIME type)
REFERENCE_EXPORTS = (("ris", "RIS", ".ris", "application/x-research-info-systems"),
                     ("bibtex", "BibTeX", ".bib", "application/x-bibtex"),
                     ("csl-json", "CSL-JSON", ".csl.json", "application/vnd.citationstyles.csl+json"))


@dataclass(frozen=True)
class StylePage:
    style: str          # the name given to the renderer
    label: str          # "APA 7th edition"
    filename: str       # "index.html" for the house style, "apa.html" …


@dataclass
class Shared:
    """What every style page of one condition shows the same way (built once)."""

    slug: str
    title: str
    meta_html: str
    statement_html: str
    downloads_html: str
    footer: str
    description: str
    site_title: str
    base_url: str


def reference_names(items: list[Item]) -> list[str]:
    """A name per item, unique on the page, safe in an id and a file name ('ref-' + it)."""
    names: list[str] = []
    taken: set[str] = set()
    for item in items:
        name = re.sub(r"[^A-Za-z0-9_-]", "-", str(item.get("id") or "")) or "entry"
        while name.lower() in taken:   # file names must differ on case-insensitive disks too
            name += "-"
        taken.add(name.lower())
        names.append(name)
    return names


def doi_link(doi: str) -> str:
    from evidencebib.render.formats import doi_url, safe_url

    url = doi_url(re.sub(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.I))
    return (f'<a class="doi-link" href="{t.attr(safe_url(url))}">'
            f'<span class="visually-hidden">DOI </span>doi:{t.esc(url[len("https://doi.org/"):])}'
            f"</a>")


def pubmed_links(item: Item, entry: str) -> list[str]:
    """Links to the PubMed and PMC pages of the item's PMID and PMCID, unless the entry already
    links there; a value that is not a PMID (PMCID) gets no link (model/pubmed_ids.py)."""
    links = []
    for variable, url_of, css in (("PMID", pubmed_url, "pmid-link"), ("PMCID", pmc_url, "pmcid-link")):
        url = url_of(item.get(variable))
        if url and url not in entry:
            value = url.rstrip("/").rsplit("/", 1)[1]
            links.append(f'<a class="{css}" href="{t.attr(url)}">{variable} {t.esc(value)}</a>')
    return links


def _notice_html(notice: rep.Notice) -> str:
    from evidencebib.render.formats import doi_url, safe_url

    extra = []
    if notice.date:
        extra.append(cov.long_date(notice.date))
    if notice.source == "retraction-watch":
        extra.append("Retraction Watch")
    after = f" ({t.esc(', '.join(extra))})" if extra else ""
    return (f'<a class="notice" href="{t.attr(safe_url(doi_url(notice.doi)))}">'
            f"{t.esc(notice.label)} notice</a>{after}")


# a DOI named in a report's details (a notice, a correction) becomes a link
_DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s;,()\[\]<>\"']*[^\s;,()\[\]<>\"'.]")


def _linked_dois(text: str) -> str:
    from evidencebib.render.formats import doi_url, safe_url

    out, position = [], 0
    for match in _DOI_IN_TEXT.finditer(text):
        out.append(t.esc(text[position:match.start()]))
        out.append(f'<a class="notice" href="{t.attr(safe_url(doi_url(match.group(0))))}">'
                   f"{t.esc(match.group(0))}</a>")
        position = match.end()
    out.append(t.esc(text[position:]))
    return "".join(out)


def check_html(check: rep.Check | None, in_report: bool) -> str:
    if check is None:
        return '<p class="check"><span class="muted small">not checked</span></p>\n' if in_report else ""
    parts = [t.badge(check.status)]
    if check.notices:
        parts.append('<span class="check-details">' +
                     "; ".join(_notice_html(n) for n in check.notices) + "</span>")
    elif check.status == "unreachable":
        parts.append('<span class="check-details">Not checked: the DOI service could not be '
                     "reached.</span>")
    elif check.problem or check.status == "corrected":
        details = check.reader_details()
        if details:
            parts.append(f'<span class="check-details">{_linked_dois(details)}</span>')
    return '<p class="check">' + " ".join(parts) + "</p>\n"


def meta_html(meta, items: list[Item], unreadable: int, cover: cov.Coverage | None,
              report: rep.VerifyReport | None) -> str:
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
    references = f"{len(items):,}"
    if unreadable:
        word = "entry" if unreadable == 1 else "entries"
        references += (f' <span class="small">shown; {unreadable:,} {word} could not be read and '
                       f"{'is' if unreadable == 1 else 'are'} not shown</span>")
    rows.append(f"<dt>References</dt>\n<dd>{references}</dd>")
    if report is not None:
        rows.append(f'<dt>Verification</dt>\n<dd class="verification">'
                    f"{cov.cell_html(cover, cov.when_html(report))}</dd>")
    return '<dl class="meta">\n' + "\n".join(rows) + "\n</dl>"


def statement_html(meta) -> str:
    if not meta.statement:
        return ""
    paragraphs = "\n".join(f"<p>{t.esc(p)}</p>" for p in meta.statement)
    return (f'<section class="statement" aria-labelledby="statement-heading">\n'
            f'<h2 id="statement-heading">Statement</h2>\n{paragraphs}\n</section>')


def _tools_html(name: str) -> str:
    """Download links (the file names say the format; `download` keeps them from opening).
    Their purpose is clear from the entry they sit in (WCAG 2.4.4, link purpose in context),
    so no per-link text is repeated 200 times on a long page."""
    links = " ".join(f'<a href="ref/{t.attr(quote(name + suffix))}" download="" '
                     f'data-format="{format_id}">{label}</a>'
                     for format_id, label, suffix, _mime in REFERENCE_EXPORTS)
    return f'<p class="ref-tools small"><span class="ref-tools-label">Download</span> {links}</p>\n'


def entries_html(items: list[Item], names: list[str], entries: list[tuple[int, str]],
                 checks: dict[str, rep.Check], in_report: bool, failed: Sequence = ()) -> str:
    """The list of entries; each entry the style could not render (`failed`: the engine's
    EntryProblem) follows them as a note naming its key and the cause, so a reader of the
    page knows it is missing and why (issue 15)."""
    lis = []
    for index, entry in entries:  # (position of the item, rendered entry)
        item = items[index]
        key = str(item.get("id") or "")
        check = checks.get(key)
        classes = "entry" + (f" entry-{rep.status_info(check.status)[1]}" if check else "")
        doi = str(item.get("DOI") or "")
        links = [doi_link(doi)] if doi and "https://doi.org/" not in entry else []
        links += pubmed_links(item, entry)
        extra = f' <span class="entry-links">{" ".join(links)}</span>' if links else ""
        coins_span = f'<span class="Z3988" title="{t.attr(coins.context_object(item))}"></span>'
        lis.append(f'<li class="{classes}" id="ref-{t.attr(names[index])}" data-key="{t.attr(key)}">\n'
                   f"{check_html(check, in_report)}"
                   f'<div class="csl-entry">{_spaced_margin(entry)}{extra}</div>{coins_span}\n'
                   f"{_tools_html(names[index])}</li>")
    for problem in failed:
        key = str(problem.key or "")
        lis.append(f'<li class="entry" id="ref-{t.attr(names[problem.position])}" data-key="{t.attr(key)}">'
                   f'<p class="entry-problem" role="note">The entry <code>{t.esc(key)}</code> '
                   f"cannot be shown in this style ({t.esc(problem.cause)}); the downloads "
                   "have it.</p></li>")
    return '<ol class="entries">\n' + "\n".join(lis) + "\n</ol>"


def style_nav_html(pages: list[StylePage], current: StylePage) -> str:
    if len(pages) < 2:
        return ""
    options, links = [], []
    for page in pages:
        selected = ' selected="selected"' if page == current else ""
        options.append(f'<option value="{t.attr(page.style)}" data-href="{t.attr(page.filename)}"'
                       f"{selected}>{t.esc(page.label)}</option>")
        aria = ' aria-current="page"' if page == current else ""
        links.append(f'<li><a href="{t.attr(page.filename)}" data-style="{t.attr(page.style)}"'
                     f"{aria}>{t.esc(page.label)}</a></li>")
    return ('<nav class="style-nav" id="style-nav" aria-label="Citation style">\n'
            '<p class="style-links-label" id="style-links-label">Citation style:</p>\n'
            '<ul class="style-links" aria-labelledby="style-links-label">\n'
            + "\n".join(links) + "\n</ul>\n"
            '<form class="style-switcher" id="style-switcher" action="#" hidden="hidden">\n'
            '<label for="style-select">Citation style</label>\n'
            '<select id="style-select" name="style">\n' + "\n".join(options) + "\n</select>\n"
            "</form>\n</nav>")


def page_html(shared: Shared, pages: list[StylePage], current: StylePage, entries_block: str,
              lang: str | None = None) -> str:
    """A style's page of a condition; `lang`: the locale its references were rendered in, when
    not the style's own (WCAG 3.1.2: the language of a part that differs from the page's)."""
    shown = (f'<p class="shown-style">Shown in the <strong>{t.esc(current.label)}</strong> style.</p>')
    language = f' lang="{t.attr(lang)}" xml:lang="{t.attr(lang)}"' if lang else ""
    bibliography = (
        '<section class="bibliography" aria-labelledby="references-heading">\n'
        '<h2 id="references-heading">References</h2>\n'
        f"{style_nav_html(pages, current)}\n{shown}\n"
        f'<div class="bib" data-style="{t.attr(current.style)}" id="bibliography"{language}>\n'
        f"{entries_block}\n</div>\n"
        '<p id="copy-status" class="visually-hidden" role="status" aria-live="polite"></p>\n'
        "</section>")
    body = t.join_lines([
        '<nav class="breadcrumb" aria-label="Breadcrumb"><a href="../index.html">'
        '<span aria-hidden="true">\u2190 </span>All conditions</a></nav>',
        '<article class="condition">',
        f"<h1>{t.esc(shared.title)}</h1>",
        shared.meta_html, shared.statement_html, bibliography, shared.downloads_html,
        "</article>",
    ])
    canonical = f"{shared.base_url}{quote(shared.slug)}/{quote(current.filename)}" if shared.base_url else ""
    suffix = "" if current.filename == "index.html" else f" ({current.label})"
    return t.page(title=f"{shared.title}{suffix} \u2013 {shared.site_title}", body=body,
                  root="../", footer=shared.footer, page_class="page-condition",
                  site_title=shared.site_title, description=shared.description,
                  canonical=canonical,
                  body_attrs=f' data-style="{t.attr(current.style)}" data-slug="{t.attr(shared.slug)}"')


def footer_html(generated_on: _dt.date, report: rep.VerifyReport | None) -> str:
    from evidencebib import __version__

    parts = [f"Built with evidencebib {t.esc(__version__)} on "
             f'<time datetime="{generated_on.isoformat()}">{t.esc(cov.long_date(generated_on))}</time>.']
    if report is not None:
        when = cov.when_html(report)
        parts.append("Reference statuses from a check against Crossref and doi.org"
                     + (f", {when}." if when else "."))
    else:
        parts.append("References not checked against Crossref in this build.")
    return "<p>" + " ".join(parts) + "</p>"


_MARGIN_SEAM = re.compile(r'(<div class="csl-left-margin">.*?</div>)\s*(<div class="csl-right-inline">)',
                          re.S)


def _spaced_margin(entry: str) -> str:
    """The entry with a space between its number and its text: the engine writes the two
    display divs touching, as citeproc-js does, and a page read or copied by a person (or a
    screen reader) should say "1. Banjar", not "1.Banjar"."""
    return _MARGIN_SEAM.sub(r"\1 \2", entry)

