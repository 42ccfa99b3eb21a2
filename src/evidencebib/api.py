"""The Python API behind the command line: every command is one call here.

    from evidencebib import api
    refs = api.References("references")
    print(api.page(refs, "recurrent-miscarriage"))

Nothing in this module touches the network; the Crossref commands live in `verify`,
`enrich` and `find_doi`, which take a client object.
"""

from __future__ import annotations

import datetime as _dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from evidencebib import gcpause
from evidencebib.errors import (EvidenceError, ParseError, StyleError, UsageError, decode_utf8, doing,
                                read_user_file)

from evidencebib.model import Item
from evidencebib.store import ConditionFile, References

if TYPE_CHECKING:   # check/ is imported by the functions that use it (start-up time)
    from evidencebib.check.fix import FixResult
    from evidencebib.check.works import Copy

__all__ = ["References", "ConditionSummary", "conditions", "unparsed", "bibliography",
           "rendered_entries", "render",
           "page", "import_page", "ImportResult", "load_items", "add_items", "AddResult",
           "export", "export_warnings", "read_file", "import_items", "import_notes", "add_dois",
           "add_identifiers", "cite", "apply_enrichment",
           "write_dois", "check", "copies_of", "fix", "sync_copies"]

HOUSE_STYLE = "ig-criteria"


@dataclass(frozen=True)
class ConditionSummary:
    slug: str
    title: str
    references: int          # entries that parsed (unparsed ones not included)
    level_of_evidence: str
    unparsed: int = 0        # blocks that do not parse + entries kept verbatim by import-page


def conditions(refs: References, *, problems: list[EvidenceError] | None = None) -> list[ConditionSummary]:
    """One summary per condition. With `problems`, a condition whose files cannot be read (a
    `.toml` that is not TOML …) is added to it and left out instead of stopping the listing."""
    from evidencebib.formats.ig_page import UNPARSED_KEYWORD

    out = []
    for slug in refs.slugs():
        condition = _load_or_report(refs, slug, problems)
        if condition is None:
            continue
        verbatim = sum(1 for record in condition.bib.entries.values()
                       if UNPARSED_KEYWORD in record.fields.get("keywords", ""))
        out.append(ConditionSummary(slug, condition.meta.title,
                                    len(condition.bib.entries) - verbatim, condition.meta.level(),
                                    len(condition.bib.problems) + verbatim))
    return out


def _load_or_report(refs: References, slug: str,
                    problems: list[EvidenceError] | None) -> ConditionFile | None:
    """The condition, or None when it cannot be read and `problems` takes the error (one
    broken condition never stops a command over all of them)."""
    if problems is None:
        return refs.load(slug)
    try:
        return refs.load(slug)
    except EvidenceError as error:
        problems.append(error)
        return None


def unparsed(condition: ConditionFile) -> list:
    """The blocks of a condition's .bib that do not parse (ParseError each, naming file,
    line and key): kept in the file, left out of `bib.items()`. Commands that read items
    without stopping (verify, enrich, find-doi) report them so that no entry is skipped
    without a word. Entries commented out with `%` (read by neither biber nor pandoc, nor
    by us) are named with them: a user who did not mean to lose one sees it."""
    return list(condition.bib.problems) + list(condition.bib.commented)


def load_items(condition: ConditionFile) -> list[Item]:
    """The condition's items; a .bib block that does not parse stops the command with its
    file, line and key (it is kept in the file, but rendering around it would hide it)."""
    condition.bib.check()
    return condition.bib.items()


def rendered_entries(condition: ConditionFile, style: str | Path, fmt: str, *,
                     locale: str | None = None, links: bool = True,
                     problems: list[EvidenceError] | None = None) -> list[tuple[int, str]]:
    """(position in `condition.bib.items()`, formatted entry) in the style's order.

    Without `problems` a block that does not parse, or an entry the style cannot render,
    stops with its error. With a list, each is added to it as an error naming file, line and
    key (a ParseError, or a StyleError naming the style and the condition) and left out, and
    the other entries render: one bad entry never stops a whole command (issue 15).
    `links=False` prints DOIs and URLs as text instead of links (HTML, Markdown, RTF)."""
    from evidencebib.model import LINE
    from evidencebib.render import render_entries

    if problems is None:
        return render_entries(load_items(condition), style, fmt, locale=locale, links=links)
    problems.extend(unparsed(condition))
    items = condition.bib.items()
    failed: list = []  # render.engine.EntryProblem
    entries = render_entries(items, style, fmt, locale=locale, problems=failed, links=links)
    for problem in failed:
        problems.append(StyleError(f"style {problem.style} cannot render this entry of condition "
                                   f"'{condition.meta.slug}' ({problem.cause})",
                                   file=condition.bib.path, line=items[problem.position].get(LINE),
                                   entry=problem.key))
    return entries


def bibliography(refs: References, slug: str, *, style: str | Path = HOUSE_STYLE,
                 fmt: str = "markdown", locale: str | None = None, links: bool = True,
                 problems: list[EvidenceError] | None = None) -> list[str]:
    """One condition's formatted entries in the style's order (`locale` replaces the style's;
    `links`, `problems`: see `rendered_entries`)."""
    return [text for _, text in rendered_entries(refs.load(slug), style, fmt, locale=locale,
                                                 links=links, problems=problems)]


def render(refs: References, slugs: Sequence[str] = (), *, style: str | Path = HOUSE_STYLE,
           fmt: str = "markdown", locale: str | None = None, links: bool = True,
           problems: list[EvidenceError] | None = None) -> str:
    """The bibliographies of the named conditions (all when none is named), as one document
    (`links`, `problems`: see `rendered_entries`; with `problems` and no condition named, a
    condition whose files cannot be read is added to it and left out)."""
    from evidencebib.render import resolve_style

    resolve_style(style)  # an unknown style fails before any output
    chosen = list(slugs) or refs.slugs()
    sections = []
    for slug in chosen:
        with doing(f"rendering condition '{slug}'"):
            condition = _load_or_report(refs, slug, None if slugs else problems)
            if condition is None:
                continue
            entries = [text for _, text in rendered_entries(condition, style, fmt, locale=locale,
                                                            links=links, problems=problems)]
            sections.append(_section(condition.meta.title, slug, entries, fmt))
    if fmt == "html":
        return "\n".join(sections) + "\n"
    if fmt == "rtf":
        from evidencebib.render.formats import rtf_document

        return rtf_document([p for section in sections for p in section.split("\n")])
    return "\n\n".join(sections) + "\n"


def _section(title: str, slug: str, entries: list[str], fmt: str) -> str:
    if fmt == "markdown":
        return "\n\n".join([f"## {title}"] + entries)
    if fmt == "html":
        body = "\n".join(f'  <div class="csl-entry">{entry}</div>' for entry in entries)
        return (f'<section class="condition" id="{html.escape(slug)}">\n'
                f"<h2>{html.escape(title)}</h2>\n<div class=\"csl-bib-body\">\n{body}\n</div>\n</section>")
    if fmt == "rtf":
        from evidencebib.render.formats import escape_rtf

        return "\n".join(["{\\b " + escape_rtf(title) + "}"] + entries)
    return "\n\n".join([f"{title}\n{'=' * len(title)}"] + entries)


def cite(refs: References, slug: str, keys: Sequence[str], *, style: str | Path = HOUSE_STYLE,
         fmt: str = "text", locale: str | None = None, links: bool = True,
         problems: list[EvidenceError] | None = None) -> str:
    """The in-text citation of entries of a condition, numbered as its printed bibliography.
    `keys` are citation keys, `key:LOCATOR` (`banjar2023:p.33`) or `Cite`s. With `problems`,
    the blocks that do not parse are added to it and left out (unless one of them is cited:
    its ParseError is raised)."""
    return citations(refs, slug, [keys], style=style, fmt=fmt, locale=locale, links=links,
                     problems=problems)[0]


def citations(refs: References, slug: str, clusters: Sequence[Any], *,
              style: str | Path = HOUSE_STYLE, fmt: str = "text", locale: str | None = None,
              links: bool = True, problems: list[EvidenceError] | None = None) -> list[str]:
    """Each citation of a document, in order, numbered as the condition's printed
    bibliography: a cluster is a `Cluster`, a citation in pandoc's syntax
    (`"[see @banjar2023, p. 33; -@wang2016]"`), or a list of keys, `key:LOCATOR` and `Cite`s.
    Positions (ibid, subsequent) follow the clusters' order; in a note style they are notes
    1, 2 … (`problems`: see `cite`)."""
    from evidencebib.render.cite import citations as render_citations
    from evidencebib.render.citation_syntax import parse_key, parse_pandoc
    from evidencebib.render.citations import Cluster, as_cite

    condition = refs.load(slug)
    items = condition.bib.items()
    known = [str(item.get("id")) for item in items] + [
        block.location.entry for block in unparsed(condition) if block.location.entry]
    wanted: list[Cluster] = []
    for cluster in clusters:
        if isinstance(cluster, Cluster):
            wanted.append(cluster)
        elif isinstance(cluster, str):
            wanted.append(parse_pandoc(cluster, locale))
        else:
            wanted.append(Cluster([parse_key(cite, known, locale) if isinstance(cite, str) else as_cite(cite)
                                   for cite in cluster]))
    cited = {cite.id for cluster in wanted for cite in cluster.cites}
    if problems is None:
        items = load_items(condition)
    else:
        # A key whose first entry parsed is cited as that entry, as render prints it (and as
        # BibTeX and biber use the first of two entries with one key); a later block repeating
        # the key stays a reported problem. Only a key with no parsed entry cannot be cited.
        parsed = {str(item.get("id")) for item in items}
        blocks = unparsed(condition)
        for block in blocks:
            if block.location.entry and block.location.entry in cited - parsed:
                raise block
        problems.extend(blocks)
    return render_citations(items, wanted, style, fmt, locale=locale, links=links)


def page(refs: References, slug: str, *, generated_on: _dt.date | None = None,
         style: str | Path = HOUSE_STYLE, problems: list[EvidenceError] | None = None) -> str:
    """The whole condition page in the published layout, bibliography rendered fresh
    (`problems`: see `rendered_entries`)."""
    condition = refs.load(slug)
    entries = [text for _, text in rendered_entries(condition, style, "markdown",
                                                    problems=problems)]
    from evidencebib.formats import ig_page

    return ig_page.write_page(condition.meta, entries, generated_on or _dt.date.today())


@dataclass
class ImportResult:
    slug: str
    keys: list[str]
    unparsed_lines: list[int]
    bib_path: Path
    meta_path: Path
    changes: list = field(default_factory=list)  # store.FileChange: what was (or would be) written

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes if change.before != change.after)


def import_page(refs: References, path: str | Path, *, slug: str | None = None,
                keep_unparsed: bool = False, replace: bool = False,
                dry_run: bool = False) -> ImportResult:
    """Read a published page into references/ as `<slug>.bib` + `<slug>.toml`.

    Nothing is written unless the whole page was read (nor with `dry_run`: `changes` then
    says what would be).
    """
    from evidencebib import store

    path = Path(path)
    text = decode_utf8(read_user_file(path), path)
    if slug is not None and not store.valid_slug(slug):
        raise UsageError(f"'{slug}' is not a valid slug (lower-case letters, digits, hyphens)")
    from evidencebib.formats import ig_page

    parsed = ig_page.read_page(text, source=str(path), slug=slug, keep_unparsed=keep_unparsed)
    meta = parsed.condition
    if refs.exists(meta.slug) and not replace:
        raise UsageError(f"condition '{meta.slug}' already exists; use --replace to overwrite it "
                         "or --slug to import under another name", file=refs.path_of(meta.slug))
    with refs.lock(meta.slug):
        if refs.exists(meta.slug) and not replace:  # made by another process meanwhile
            raise UsageError(f"condition '{meta.slug}' already exists; use --replace to overwrite "
                             "it or --slug to import under another name", file=refs.path_of(meta.slug))
        old_text, old_meta, bom = None, None, False
        if replace:
            try:  # an edited .toml is changed in place, so the editors' comments stay
                old_meta, old_text, bom = refs.read_meta(meta.slug)
            except EvidenceError:
                old_text = None  # unreadable: replaced whole, as --replace asks
        condition = ConditionFile(refs, meta, store.BibFile("", refs.path_of(meta.slug)), old_text,
                                  saved_meta=old_meta if old_text is not None else None,
                                  meta_bom=bom)
        for item in parsed.items:
            condition.bib.add_item(item, key=item["id"])
        bib_path = refs.path_of(meta.slug)
        old_bib = store.BibFile.load(bib_path).text() if bib_path.exists() else None
        changes = [store.FileChange(bib_path, old_bib, condition.bib.text())] + [
            change for change in condition.changes() if change.path != bib_path]
        if not dry_run:
            condition.bib.save(bib_path)  # written even when the page has no entries
            condition.save()
    return ImportResult(meta.slug, [item["id"] for item in parsed.items], parsed.unparsed_lines,
                        refs.path_of(meta.slug), refs.meta_path(meta.slug), changes)


# -- maintaining conditions (evidencebib.maintain): each takes dry_run and returns an Outcome
# whose diff() shows what was (or would be) written
from evidencebib.maintain import (Outcome, check_entry, copies, edit_entry,  # noqa: E402
                                  entry_text, new_condition, remove_entries, rename_key,
                                  transfer_entries)

__all__ += ["Outcome", "new_condition", "remove_entries", "transfer_entries", "rename_key",
            "entry_text", "check_entry", "edit_entry", "copies"]


@dataclass
class AddResult:
    slug: str
    added: list[str]                       # keys of new entries
    duplicates: list[tuple[str, str]]      # (DOI, key of the entry that already has it)
    created: bool                          # the condition did not exist before
    changes: list = field(default_factory=list)  # store.FileChange: what was (or would be) written

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)


def add_items(refs: References, slug: str, items: Sequence[Item], *,
              create: bool = True, dry_run: bool = False) -> AddResult:
    """Append items to a condition under its lock; an item whose DOI is already there is
    reported, not duplicated, and so is an item without a DOI that `check` would call the
    same work as one there with every compared field equal (score 1.0: the same file imported
    twice). Keys are readable and unique; nothing is written if no item is new. Two processes
    adding at once both keep their entries (they take turns)."""
    from evidencebib.check.dedupe import compare
    from evidencebib.check.works import fingerprint
    from evidencebib.doi import key as doi_key

    if not create and not refs.exists(slug):
        refs.load(slug)  # the error lists the known conditions and says how to create it
    with refs.lock(slug), gcpause.paused(promote=True):  # the new entries are kept: no scans
        created = not refs.exists(slug)
        condition = refs.load_or_create(slug)
        added, duplicates = [], []
        seen_dois: dict[str, str] = {}
        by_title: dict[str, list[tuple[str, Any]]] = {}  # entries without a DOI, by folded title
        if any(not item.get("DOI") for item in items):
            for there in condition.bib.items():
                if not there.get("DOI"):
                    mark = fingerprint(there)
                    by_title.setdefault(mark.title, []).append((str(there["id"]), mark))
        for item in items:
            doi = item.get("DOI")
            if doi:
                existing = condition.bib.find_doi(doi) or seen_dois.get(doi_key(doi))
                if existing:
                    duplicates.append((doi, existing))
                    continue
            else:
                mark = fingerprint(item)
                same = next((k for k, there in by_title.get(mark.title, ()) if mark.title
                             and (compare(mark, there) or (0.0,))[0] == 1.0), None)
                if same:
                    duplicates.append((f"'{item.get('title')}'", same))
                    continue
            key = condition.bib.add_item(item, key=item.get("id"))
            if doi:
                seen_dois[doi_key(doi)] = key
            else:
                by_title.setdefault(mark.title, []).append((key, mark))
            added.append(key)
        changes = condition.changes() if added or created else []
        if (added or created) and not dry_run:
            condition.save()
    return AddResult(slug, added, duplicates, created, changes)


def add_dois(refs: References, slug: str, dois: Sequence[str], client,
             notice: Callable[[str], None] | None = None, *,
             dry_run: bool = False) -> AddResult:
    """Resolve DOIs through `client` and append them to a condition; DOIs already present
    are reported, not fetched; nothing is written unless every new DOI resolved. `notice`
    hears about values from the service that were not stored (`received.check_item`)."""
    from evidencebib import lookup
    from evidencebib.doi import key as doi_key

    condition = refs.load(slug)
    new: list[str] = []
    duplicates: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in dois:
        existing = condition.bib.find_doi(name)
        if existing or doi_key(name) in seen:
            duplicates.append((name, existing or "an earlier argument"))
            continue
        seen.add(doi_key(name))
        new.append(name)
    result = add_items(refs, slug, lookup.resolve_all(client, new, notice), create=False,
                       dry_run=dry_run)
    result.duplicates[:0] = duplicates
    return result


def add_identifiers(refs: References, slug: str, texts: Sequence[str], client,
                    notice: Callable[[str], None] | None = None,
                    dry_run: bool = False) -> AddResult:
    """`add_dois` for DOIs, PMIDs, PMCIDs and PubMed/PMC URLs, mixed (`identifiers.parse`):
    identifiers already in the condition (same DOI or PMID) are reported, not fetched;
    nothing is written unless every new one resolved (nor with `dry_run`: the result's diff
    says what would change)."""
    from evidencebib import identifiers, lookup
    from evidencebib.doi import key as doi_key

    condition = refs.load(slug)
    pmids = {str(item.get("PMID")): str(item.get("id")) for item in condition.bib.items()
             if item.get("PMID")}
    new, duplicates, seen = [], [], set()
    for ident in identifiers.parse_all(texts):
        mark: str | tuple[str, str]  # a DOI's key, or (kind, number) for PubMed identifiers
        if ident.kind == identifiers.DOI:
            existing, mark = condition.bib.find_doi(ident.value), doi_key(ident.value)
        else:
            existing, mark = pmids.get(ident.value), (ident.kind, ident.value)
        if existing or mark in seen:
            duplicates.append((ident.given, existing or "an earlier argument"))
            continue
        seen.add(mark)
        new.append(ident)
    items = lookup.resolve_identifiers(client, new, notice)  # one item per identifier, in order
    for ident, item in zip(new, items, strict=True):
        if ident.kind != identifiers.DOI and str(item.get("PMID")) in pmids:
            duplicates.append((ident.given, pmids[str(item["PMID"])]))
    kept = [item for ident, item in zip(new, items, strict=True)
            if ident.kind == identifiers.DOI or str(item.get("PMID")) not in pmids]
    result = add_items(refs, slug, kept, create=False, dry_run=dry_run)
    result.duplicates[:0] = duplicates
    return result


def apply_enrichment(refs: References, slug: str, changes_by_key: dict) -> int:
    """Write enrich proposals (additions and completions only) under the condition's lock;
    returns how many entries changed."""
    from evidencebib import enrich

    changes_by_key = enrich.applicable(changes_by_key)
    with refs.lock(slug):
        condition = refs.load(slug)
        for key, changes in changes_by_key.items():
            condition.bib.update_item(key, enrich.apply(condition.bib.item(key), changes))
        condition.save()
    return len(changes_by_key)


def write_dois(refs: References, slug: str, dois_by_key: dict[str, str]) -> int:
    """Give entries the DOIs find-doi accepted (an entry that got a DOI meanwhile keeps it).
    A value that is not a storable DOI (`received.check_doi`) is refused whole."""
    from evidencebib.received import check_doi

    for key, doi in dois_by_key.items():
        if check_doi(doi) != doi:
            raise UsageError(f"not a DOI: {doi!r}; nothing was written", entry=key)
    written = 0
    with refs.lock(slug):
        condition = refs.load(slug)
        for key, doi in dois_by_key.items():
            item = condition.bib.item(key)
            if not item.get("DOI"):
                item["DOI"] = doi
                condition.bib.update_item(key, item)
                written += 1
        condition.save()
    return written


def export(refs: References, slugs: Sequence[str] = (), *, to: str,
           warnings: list[str] | None = None, problems: list[EvidenceError] | None = None,
           **options) -> str:
    """The named conditions (all when none) in a reference-manager format.

    Each item carries its condition's slug as a keyword/tag; a reference cited by several
    conditions (same DOI) is written once with all their slugs. What the format cannot hold
    is appended to `warnings` (see `export_warnings`). A block of a .bib that does not parse
    stops the export, unless `problems` is given: it is then added there and left out, and so
    is a condition whose files cannot be read when no condition is named.
    """
    from evidencebib.doi import key as doi_key
    from evidencebib.formats import registry
    from evidencebib.model.keywords import add_tags, join_keywords

    fmt = registry.get(to)
    merged: list[Item] = []
    by_doi: dict[str, Item] = {}
    for slug in list(slugs) or refs.slugs():
        condition = _load_or_report(refs, slug, None if slugs else problems)
        if condition is None:  # all conditions, and this one's files cannot be read: named
            continue
        if problems is not None:
            problems.extend(unparsed(condition))
        for item in condition.bib.items() if problems is not None else load_items(condition):
            tagged = dict(item, keyword=join_keywords(add_tags(item, [slug])))
            doi = item.get("DOI")
            if doi and doi_key(doi) in by_doi:
                first = by_doi[doi_key(doi)]
                first["keyword"] = join_keywords(add_tags(first, [slug]))
                continue
            if doi:
                by_doi[doi_key(doi)] = tagged
            merged.append(tagged)
    if warnings is not None:
        warnings.extend(export_warnings(merged, fmt.name, stored=True))
    return fmt.write(merged, **options)


# Formats with no way to tell other programs that a name list is truncated (BibTeX and
# BibLaTeX write `and others`; EndNote XML EndNote's own last author `et al.,`). Those that
# carry the fact for our own import (CSL-JSON under `custom`, RIS in Research Notes:
# formats/extras.py) still warn: a reference manager or citeproc reading the file prints the
# list as complete (issue 15: warn, and carry where the format has a harmless place).
_NO_ET_AL = {"ris": "RIS", "medline": "MEDLINE", "csl-json": "CSL-JSON"}
_CARRIES_ET_AL = frozenset({"ris", "csl-json"})
# Formats whose writers drop CSL's nocase/nodecor and small-caps spans (formats/protected_case.py)
_NO_PROTECTED_CASE = frozenset({"ris", "endnote-xml"})
_FORMAT_NAMES = {"ris": "RIS", "endnote-xml": "EndNote XML", "medline": "MEDLINE",
                 "csl-json": "CSL-JSON", "biblatex": "BibLaTeX", "bibtex": "BibTeX"}


def export_warnings(items: Sequence[Item], fmt: str, *, stored: bool = False,
                    comments: bool = True) -> list[str]:
    """What an export to `fmt` cannot say about `items`, one line each: name lists that are
    truncated (the export would look complete), and the CSL variables, BibTeX fields (JabRef's
    `groups`, `owner`, `file` …) and RIS/MEDLINE tags the format has no place for, counted by
    name (formats/inventory.py). Items `stored` in a condition's .bib name a variable by the
    field it is stored under there when that is another name (`pubstate (CSL status)`).
    `comments=False` leaves out the entries' `%` comments (an import: the store keeps them)."""
    from evidencebib.formats import inventory, protected_case
    from evidencebib.model import ET_AL

    out = []
    name = _FORMAT_NAMES.get(fmt, fmt)
    if fmt in _NO_ET_AL:
        truncated = [str(item.get("id")) for item in items if item.get(ET_AL)]
        if truncated:
            shown = ", ".join(truncated[:10]) + (" …" if len(truncated) > 10 else "")
            kept = ("; evidencebib's own import restores it" if fmt in _CARRIES_ET_AL else "")
            out.append(f"{len(truncated)} entr{'y has' if len(truncated) == 1 else 'ies have'} "
                       f"a truncated author list (et al.) that {name} cannot mark, so it "
                       f"looks complete{' to other programs' if kept else ''}: {shown}{kept}; "
                       "`evidencebib enrich` can fill in the names")
    partial = _partial_dates(items, fmt)
    if partial:
        shown = ", ".join(partial[:10]) + (" …" if len(partial) > 10 else "")
        out.append(f"{len(partial)} entr{'y has' if len(partial) == 1 else 'ies have'} a date "
                   f"that other programs read only in part from {name} ({_PARTIAL_DATES[fmt]}; "
                   f"evidencebib's own import restores it): {shown}")
    seasons = _season_beside_month(items) if fmt in ("bibtex", "biblatex") else []
    if seasons:
        shown = ", ".join(seasons[:10]) + (" …" if len(seasons) > 10 else "")
        out.append(f"{len(seasons)} entr{'y has' if len(seasons) == 1 else 'ies have'} a season "
                   f"beside a month or day (RIS `2019/06/15/Summer`), which a {name} date "
                   f"cannot hold (EDTF has no season with a month); the season is left out: "
                   f"{shown}")
    if fmt != "biblatex" and comments:
        # `%` comments inside entries (formats/bibtex.py parse_library): BibLaTeX writes them
        # back (biber reads them as comments); classic BibTeX reads one as a syntax error, and
        # no other format has a place for an editor's comment
        from evidencebib.formats.bibtex import COMMENTS_KEY

        commented = [str(item.get("id")) for item in items if item.get(COMMENTS_KEY)]
        if commented:
            shown = ", ".join(commented[:10]) + (" …" if len(commented) > 10 else "")
            place = ("BibTeX itself cannot read inside an entry" if fmt == "bibtex"
                     else f"the {name} format has no place for")
            out.append(f"{len(commented)} entr{'y has' if len(commented) == 1 else 'ies have'} "
                       f"'%' comments (between fields of the .bib) that {place}; they are not "
                       f"exported (BibLaTeX keeps them): {shown}")
    counts = inventory.not_held(items, fmt)
    if stored:
        counts = inventory.by_bibtex_field(counts)
    lost = inventory.report(counts, f"the {name} format")
    if lost:
        out.append(lost)
    if fmt in _NO_PROTECTED_CASE:
        markup = protected_case.counts(items)
        protected = markup.get(protected_case.LABEL)
        if protected:
            out.append(f"markup the {name} format cannot hold: {protected_case.LABEL} "
                       f"×{protected} (the braced words are written without it, and read back, "
                       "by evidencebib too, as words a style may change the case of)")
        small_caps = markup.get(protected_case.SMALL_CAPS_LABEL)
        if small_caps:
            out.append(f"markup the {name} format cannot hold: {protected_case.SMALL_CAPS_LABEL} "
                       f"×{small_caps} (the words are written in plain letters)")
    return out


# Where a date's season, range, circa or literal goes that other programs do not read: RIS
# `DA  - YYYY/MM/DD/other` (Zotero's RIS.js `dateRIStoZotero` reads year, month and day and
# ignores `other`; `///in press` it reads as the year 0000), EndNote XML's Date field, which
# EndNote shows as written (a season or circa is written as EndNote users write it, `Winter`,
# `ca. 2019`, formats/endnote_xml.readable_date; a range stays EDTF, `2014/2015`).
_PARTIAL_DATES = {
    "ris": "Zotero reads year, month and day; the season, range, circa or literal date is in "
           "DA's free-text part",
    "endnote-xml": "the range or uncertain date is written as EDTF (`2014/2015`) in the Date "
                   "field"}


def _season_beside_month(items: Sequence[Item]) -> list[str]:
    """The ids of `items` whose `issued` has a season and a month (redteam6: the RIS reader
    reads `2019/06/15/Summer` so; BibTeX and BibLaTeX dates are EDTF, which cannot say it)."""
    from evidencebib.model.dates import normalize_date

    out = []
    for item in items:
        date = normalize_date(item["issued"]) if item.get("issued") else None
        parts = (date or {}).get("date-parts") or []
        if date and date.get("season") and parts and len(parts[0]) > 1:
            out.append(str(item.get("id")))
    return out


def _partial_dates(items: Sequence[Item], fmt: str) -> list[str]:
    """The ids of `items` whose `issued` date `fmt` writes where other programs do not read it."""
    from evidencebib.formats.endnote_xml import readable_date
    from evidencebib.model.dates import normalize_date

    if fmt not in _PARTIAL_DATES:
        return []
    out = []
    for item in items:
        date = normalize_date(item["issued"]) if item.get("issued") else None
        if not date:
            continue
        parts = date.get("date-parts") or []
        if fmt == "ris":
            partial = (not parts or len(parts) > 1 or bool(date.get("season"))
                       or bool(date.get("circa")))
        else:  # EndNote XML: a literal is written as is, a year's season or circa readably
            partial = bool(parts) and (len(parts) > 1 or (
                bool(date.get("season") or date.get("circa")) and not readable_date(date)))
        if partial:
            out.append(str(item.get("id")))
    return out


def read_file(path: str | Path, *, fmt: str | None = None,
              problems: list[ParseError] | None = None) -> list[Item]:
    """Items from a reference-manager file; the format is detected when not given.

    Raises ParseError naming the file, line and record when it cannot be read whole. With
    `problems`, a reader that reads record by record (BibTeX, CSL-JSON) appends each record
    it cannot read there and returns the others, as JabRef's and Zotero's importers do; a
    file that is not of the format at all still raises.
    """
    import inspect

    from evidencebib.formats import detect, registry

    path = Path(path)
    # a file of n records builds O(n) objects, all kept: the collector would only re-scan them
    with doing(f"reading {path}"), gcpause.paused(promote=True):
        text = detect.decode_bytes(read_user_file(path), str(path))
        name = registry.get(fmt).name if fmt else detect.detect(text, source=str(path))
        reader = registry.get(name).read
        if problems is not None and "problems" in inspect.signature(reader).parameters:
            return reader(text, source=str(path), problems=problems)
        return reader(text, source=str(path))


def import_notes(items: Sequence[Item], source: str) -> list[str]:
    """What the reader could not read exactly (`_notes`: LaTeX kept as written, a month that
    is none, a duplicate key read under a fresh one), one line each with file, line and key."""
    from evidencebib.errors import Location
    from evidencebib.model import LINE, NOTES

    return [f"{Location(source, item.get(LINE), str(item.get('id') or ''))}: {note}"
            for item in items for note in item.get(NOTES) or ()]


def import_items(refs: References, slug: str, items: Sequence[Item], *,
                 keep_keys: bool = False, create: bool = True,
                 dry_run: bool = False) -> AddResult:
    """Add imported items to a condition (made when missing and `create`; the command line
    refuses instead and says how to make one, `new_condition`). Keys
    from the file are kept when asked and usable; otherwise readable keys are made
    (`banjar2023`)."""
    from evidencebib.formats.bibtex import COMMENTS_KEY, ENTRY_TYPE, EXTRA
    from evidencebib.formats.extras import files_for_bibtex
    from evidencebib.model import ET_AL, LINE

    cleaned = []
    for item in items:
        item = files_for_bibtex(item)  # RIS L1, EndNote pdf-urls: BibTeX's `file`
        # kept: a truncated list, BibTeX fields no variable holds (written back as they were)
        # a biblatex entry type no CSL type gives back (`@bookinbook`), `%` comments
        item = {k: v for k, v in item.items()
                if not k.startswith("_") or k in (ET_AL, EXTRA, ENTRY_TYPE, COMMENTS_KEY)}
        item.pop(LINE, None)
        if not keep_keys:
            item.pop("id", None)
        cleaned.append(item)
    return add_items(refs, slug, cleaned, create=create, dry_run=dry_run)


def style_names(query: str | None = None) -> Iterable[tuple[str, str]]:
    from evidencebib.render import list_styles

    return list_styles(query)


# -- check: one report for the whole document (evidencebib.check) ---------------------------

def check(refs: References, conditions: Sequence[str] = ()):
    """Duplicates, disagreements between conditions, key clashes and gaps, as a
    `check.Report` (`to_table()`, `to_json()`, `failing()`)."""
    from evidencebib.check import check as run_check

    return run_check(refs, conditions)


def copies_of(refs: References, condition: str, key: str) -> list[Copy]:
    """Every copy (`check.Copy`: condition, key, line, item) of the work `condition:key`
    describes, that copy first: the same DOI in any spelling, the same ISBN, or a duplicate
    match of title, authors and year (`check.dedupe`). An unknown condition or key is a
    `UsageError`. An edit of one copy should reach the others: `sync_copies`."""
    from evidencebib.check import copies_of as find_copies

    return find_copies(refs, condition, key)


def fix(refs: References, *, prefer: Sequence[str] = (), rule: str | None = None,
        dry_run: bool = False):
    """`check --fix`: copies agree with the preferred one (or the rule's choice), exact
    duplicates inside a condition are merged; returns a `check.fix.FixResult` with the diff."""
    from evidencebib.check.fix import fix as run_fix

    return run_fix(refs, prefer=prefer, rule=rule, dry_run=dry_run)


def sync_copies(refs: References, condition: str, key: str, *,
                copies: Sequence[Copy] | None = None, dry_run: bool = False) -> FixResult:
    """Make every other copy of the work `condition:key` agree with it, after an edit: pass
    the `copies_of` list taken before the edit (an edited DOI or title may no longer match
    the others). Takes every condition's lock: call it once the edit is saved."""
    from evidencebib.check.fix import sync

    return sync(refs, condition, key, copies=copies, dry_run=dry_run)
