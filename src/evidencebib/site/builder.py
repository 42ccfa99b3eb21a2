"""Building the static site: an index of the conditions and one page per condition.

    build_site(References("references"), "site", verify_report="report.json")

Layout of the output directory (works from file:// and from any web server):

    index.html                      the conditions, searchable and sortable with JavaScript
    _assets/site.css, site.js,      our stylesheet, script and icon (slugs cannot start with "_")
      favicon.svg
    <slug>/index.html               the condition page in the house style
    <slug>/<style>.html             the same page in each other style (apa.html, vancouver.html …)
    <slug>/<slug>.ris .bib …        its exports, each carrying the slug as keyword/tag
    <slug>/ref/<key>.ris .bib       one reference's exports (RIS, BibTeX, CSL-JSON)
      .csl.json
    <slug>/exports.js               the same texts for the copy buttons, loaded on first use
    sitemap.xml                     every page's address, when a base URL is given
    .evidencebib-site               marks the directory as ours, so a rebuild may replace it

One page per style keeps each page to one bibliography (a 212-reference condition was 1.66 MB
with eleven styles inlined), puts the style in the URL and gives readers without JavaScript
every style as a plain link.

The site is built in a temporary sibling directory and swapped in at the end, so a failed
build leaves the previous site untouched and a rebuild leaves no stale pages.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import inspect
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence
from urllib.parse import quote, urlsplit, urlunsplit

from evidencebib.errors import EvidenceError, Location, UsageError
from evidencebib.model import LINE, Item
from evidencebib.site import condition as cp
from evidencebib.site import coverage as cov
from evidencebib.site import report as rep
from evidencebib.site import templates as t
from evidencebib.site.index_page import ConditionRow, index_html

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


ConditionPage = ConditionRow   # the name the Python API has used


@dataclass
class BuildResult:
    output: Path
    conditions: list[ConditionRow]
    files: int
    seconds: float
    notes: list[str] = field(default_factory=list)   # exports skipped and why
    # entries not shown on some page: blocks that do not parse, entries a style cannot render
    left_out: int = 0


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


def style_pages(style_names: list[str]) -> list[cp.StylePage]:
    """One page per style: the house style is index.html, the others `<name>.html`."""
    pages = []
    taken = {"index"}
    for name in style_names:
        if name == HOUSE_STYLE:
            pages.append(cp.StylePage(name, style_label(name), "index.html"))
            continue
        stem = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-") or "style"
        while stem in taken:
            stem += "-2"
        taken.add(stem)
        pages.append(cp.StylePage(name, style_label(name), f"{stem}.html"))
    return pages


def site_options(title: str | None, base_url: str | None) -> tuple[str, str]:
    """The site's title and base URL (with its final slash), checked; usage errors otherwise."""
    title = (title if title is not None else t.SITE_NAME).strip()
    if not title or any(ord(c) < 32 for c in title) or len(title) > 200:
        raise UsageError("the site title must be one line of 1 to 200 characters")
    if not base_url:
        return title, ""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(f"the base URL must be an http(s) address without query or fragment, "
                         f"e.g. https://example.org/criteria/ (got {base_url!r})")
    return title, urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))


def _downloads_html(slug: str, downloads: list[tuple[Export, str | None, int]]) -> str:
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
    return ('<section class="downloads" aria-labelledby="downloads-heading">\n'
            '<h2 id="downloads-heading">Download all the references</h2>\n'
            f'<p class="muted small">Each file carries the keyword <code>{t.esc(slug)}</code>.</p>\n'
            '<ul class="download-list">\n' + "\n".join(links) + "\n</ul>\n</section>")


def _condition_exports(folder: Path, slug: str, items: list[Item],
                       missing: dict[str, str], notes: list[str]) -> tuple[list, int]:
    """The whole-condition export files; (downloads for the page, files written)."""
    downloads: list[tuple[Export, str | None, int]] = []
    files = 0
    for export in EXPORTS:
        if export.name in missing:
            downloads.append((export, None, 0))
            continue
        try:
            text = write_export(export, items, slug)
        except (ImportError, AttributeError) as error:
            missing[export.name] = f"{type(error).__name__}: {error}"
            notes.append(f"{export.label} download skipped: evidencebib.formats."
                         f"{export.module} is not available ({error})")
            downloads.append((export, None, 0))
            continue
        except EvidenceError as error:
            notes.append(f"{slug}: {export.label} download skipped: {error}")
            downloads.append((export, None, 0))
            continue
        data = text.encode("utf-8")
        (folder / (slug + export.suffix)).write_bytes(data)
        files += 1
        downloads.append((export, slug + export.suffix, len(data)))
    return downloads, files


def _reference_exports(folder: Path, slug: str, items: list[Item], names: list[str],
                       notes: list[str]) -> int:
    """`ref/<name>.ris|.bib|.csl.json` per reference and `exports.js` for the copy buttons."""
    by_name = {export.name: export for export in EXPORTS}
    (folder / "ref").mkdir()
    texts: dict[str, dict[str, str]] = {}
    files = 0
    for item, name in zip(items, names, strict=True):
        key = str(item.get("id") or "")
        texts[key] = {}
        for format_id, _label, suffix, _mime in cp.REFERENCE_EXPORTS:
            try:
                text = write_export(by_name[format_id], [item], slug)
            except (ImportError, AttributeError, EvidenceError) as error:
                notes.append(f"{slug}: {key}: {format_id} file skipped ({error})")
                continue
            (folder / "ref" / (name + suffix)).write_bytes(text.encode("utf-8"))
            texts[key][format_id] = text
            files += 1
    # JSON is JavaScript; a script file (not fetch) so that it loads from file:// too
    data = json.dumps(texts, ensure_ascii=False, indent=0)
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # JS before ES2019
    (folder / "exports.js").write_text("window.evidencebibExports = " + data + ";\n", encoding="utf-8")
    return files + 1


def _sitemap(base_url: str, slugs: list[str], pages: list[cp.StylePage]) -> str:
    """sitemaps.org 0.9: every page's absolute address."""
    locations = [f"{base_url}index.html"] + [f"{base_url}{quote(slug)}/{quote(page.filename)}"
                                             for slug in slugs for page in pages]
    urls = "\n".join(f"<url><loc>{t.esc(loc)}</loc></url>" for loc in locations)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "\n</urlset>\n")


def build_site(refs, output: str | Path, *, verify_report: str | Path | rep.VerifyReport | None = None,
               styles: str | Sequence[str] | None = None,
               generated_on: _dt.date | None = None, title: str | None = None,
               base_url: str | None = None, locale: str | None = None) -> BuildResult:
    """Write the site of every condition in `refs` into `output` (replacing an earlier build).

    `locale` ("de-DE") replaces every style's default locale on the style pages.
    `title` names the site (header, index heading, page titles); `base_url`, the address it
    will be published at, gives every page its canonical link and the site a sitemap.xml.
    A condition whose .bib has blocks that do not parse is built from the entries that do;
    the page counts the others and `BuildResult.notes` names their file, line and key. An
    entry a style cannot render is left out of that style's page, which says so in its place;
    the notes name the style, condition, file, line and key (issue 15).
    """
    from evidencebib.render import prepare_items, render_entries, resolve_style

    started = time.perf_counter()
    # a symbolic link is built through: its target is replaced and the link kept (renaming
    # the link itself would move it aside as `.name.old-*` and leave the target stale)
    output = Path(output).resolve() if Path(output).is_symlink() else Path(output)
    site_title, base = site_options(title, base_url)
    style_names = parse_styles(styles)
    for name in style_names:
        resolve_style(name)  # an unknown style fails before anything is written
    if locale is not None:
        from evidencebib.render import locale as csl_locale

        if not csl_locale.known_locale(locale):  # nor does an unknown locale
            raise UsageError(f"unknown locale '{locale}' (citeproc-py ships: "
                             f"{', '.join(csl_locale.shipped_locales())})")
    pages = style_pages(style_names)
    report = (verify_report if isinstance(verify_report, rep.VerifyReport) or verify_report is None
              else rep.load_report(verify_report))
    generated_on = generated_on or _dt.date.today()
    footer = cp.footer_html(generated_on, report)
    slugs = refs.slugs()

    staging = _prepare_output(output)
    notes: list[str] = []
    left_out = 0
    files = 0
    try:
        (staging / "_assets").mkdir()
        for asset in ("site.css", "site.js", "favicon.svg"):
            shutil.copyfile(ASSETS / asset, staging / "_assets" / asset)
            files += 1
        (staging / MARKER).write_text("built by `evidencebib site`; the whole directory is "
                                      "replaced on every build\n", encoding="utf-8")
        rows: list[ConditionRow] = []
        missing_exports: dict[str, str] = {}
        for slug in list(slugs):
            try:
                condition = refs.load(slug)
            except EvidenceError as error:  # a .toml that is not TOML …: named, the rest built
                notes.append(f"{error} (condition not on the site)")
                left_out += 1
                slugs.remove(slug)
                continue
            meta = condition.meta
            items = condition.bib.items()
            unreadable = len(condition.bib.problems)
            left_out += unreadable
            for problem in condition.bib.problems:
                notes.append(f"{problem} (not shown on the site)")
            checks = _checks(report, slug, items)
            in_report = report is not None and (bool(checks) or slug in report.conditions())
            cover = cov.coverage_of(items, unreadable, checks, in_report) if report else None
            folder = staging / slug
            folder.mkdir()
            downloads, written = _condition_exports(folder, slug, items, missing_exports, notes)
            names = cp.reference_names(items)
            files += written + _reference_exports(folder, slug, items, names, notes)
            shared = cp.Shared(slug, meta.title, cp.meta_html(meta, items, unreadable, cover, report),
                               cp.statement_html(meta), _downloads_html(slug, downloads), footer,
                               meta.level_of_evidence or meta.title, site_title, base)
            prepared = prepare_items(items)  # once for all the styles
            for page in pages:
                failed: list = []  # render.engine.EntryProblem
                rendered = render_entries(prepared, page.style, "html", problems=failed, locale=locale)
                for problem in failed:
                    line = items[problem.position].get(LINE)
                    notes.append(f"{Location(condition.bib.path, line, problem.key)}: style "
                                 f"{page.style} cannot render this entry of condition '{slug}' "
                                 f"({problem.cause}); its page says so")
                left_out += len(failed)
                entries = cp.entries_html(items, names, rendered, checks, in_report, failed)
                (folder / page.filename).write_text(cp.page_html(shared, pages, page, entries, locale),
                                                    encoding="utf-8")
                files += 1
            rows.append(ConditionRow(slug, meta.title, meta.level_of_evidence,
                                     t.evidence_category(meta.level_of_evidence), len(items),
                                     cover, list(meta.specific_conditions), meta.status,
                                     unreadable))
        rows.sort(key=lambda p: (p.title.lower(), p.slug))
        style_files = {page.style: page.filename for page in pages}
        (staging / "index.html").write_text(
            index_html(rows, report, footer, site_title=site_title, base_url=base,
                       style_pages=style_files), encoding="utf-8")
        files += 1
        if base:
            (staging / "sitemap.xml").write_text(_sitemap(base, slugs, pages), encoding="utf-8")
            files += 1
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(output, rows, files, time.perf_counter() - started, notes, left_out)


def _checks(report: rep.VerifyReport | None, slug: str, items: list[Item]) -> dict[str, rep.Check]:
    if report is None:
        return {}
    checks: dict[str, rep.Check] = {}
    for item in items:
        key = str(item.get("id") or "")
        check = report.lookup(slug, key, item.get("DOI"))
        if check is not None:
            checks[key] = check
    return checks


def export_filenames(slug: str) -> dict[str, str]:
    """Export name -> file name inside `<site>/<slug>/`."""
    return {export.name: slug + export.suffix for export in EXPORTS}
