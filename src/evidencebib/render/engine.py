"""The engine: a CSL style and items in, formatted bibliography entries and citations out.

    engine = Engine("apa", locale=None, options=None)
    engine.bibliography(items, "html")   -> [Entry(text, position, key), …] in bibliography order
    engine.citations(clusters, "text", items) -> one string per cluster, in document order

How a render goes (each step a function of explicit state, render/context.py):

1. the style is loaded once per process (render/stylesheet.py: our element classes, compiled;
   the merged locale) and shared by every thread;
2. the items are prepared once (render/intake.py);
3. the bibliography is planned: sorted (`cs:sort`, render/overrides/sorting.py), numbered, and
   disambiguated over all items (render/overrides/disambiguation.py) — `BibliographyPlan`;
4. each entry (or cite) is evaluated into an output tree (render/elements.py), then finished:
   written as a marked string with citeproc-js's punctuation seams, punctuation moved into
   quotes, quotes localized (render/overrides/punctuation.py);
5. the marked strings are written in the output format (render/formats.py).

The module-level `render_bibliography`, `render_entries`, `prepare_items` keep the signatures
of the package's documented API; they add the render cache (render/cache.py) and take their
options from the environment (render/options.py).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from evidencebib import gcpause
from evidencebib.errors import EvidenceError, StyleError, UsageError
from evidencebib.render import formats
from evidencebib.render import options as engine_options
from evidencebib.render.citations import Cite, Cluster, as_cite
from evidencebib.render.context import (NO_DISAMBIGUATION, BudgetExceeded, CiteState, Disambiguation,
                                        RenderContext)
from evidencebib.render.intake import (ItemView, PreparedItems, normalise_date, normalise_doi,  # noqa: F401
                                       prepare_item, prepare_items)
from evidencebib.render.marks import strip_private_use
from evidencebib.render.options import EngineOptions
from evidencebib.render.output import Lit, Span, find_tags, render, without
from evidencebib.render.overrides import display
from evidencebib.render.overrides.collapsing import CitePart, names_key
from evidencebib.render.overrides.positions import explicit
from evidencebib.render.overrides.quotes import in_affix
from evidencebib.render.styles import parse_style_bytes, read_style_bytes, resolve_style

warnings.filterwarnings("ignore", message=r"The following arguments for .* are unsupported",
                        module=r"citeproc(\.|$)")

# counters for tests and benchmarks: entries formatted, bibliographies planned, cache hits
STATS = {"entries_formatted": 0, "bibliographies_sorted": 0, "bibliography_hits": 0}


@dataclass(frozen=True)
class Entry:
    """One bibliography entry: its text, the position of its item in the items given, and the
    item's id."""

    text: str
    position: int
    key: str | None


@dataclass(frozen=True)
class EntryProblem:
    """An entry the style could not render, left out of the bibliography so that the others
    render (issue 15: one bad entry never stops a whole command). `cause` is the exception
    in one line; the caller reports it with the entry's file and line."""

    position: int
    key: str | None
    style: str
    cause: str

    def __str__(self) -> str:
        return f"style {self.style} cannot render this entry ({self.cause})"


@dataclass(frozen=True)
class _Failed:
    """What an entry's formatting returns instead of raising (it crosses worker processes)."""

    cause: str


# style loading ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _load_style(path_text: str, mtime_ns: int, size: int, locale: str | None, decode: Any = None):
    from evidencebib.render.stylesheet import EngineStyle

    path = Path(path_text)
    data = read_style_bytes(path)
    parse_style_bytes(data, path.name)  # refuses DOCTYPEs, non-CSL documents
    try:
        style = EngineStyle(data, path.stem, locale, decode)
    except EvidenceError:
        raise
    except Exception as error:  # a broken structure lxml accepted
        raise StyleError(f"style '{path.stem}' cannot be loaded: {_brief(error)}") from None
    # for citeproc-py's own methods (the overrides' upstream side)
    style.root.formatter = formats.MarkingFormatter
    return style


def load_style(path: Path, locale: str | None = None, decode: Any = None):
    """The compiled style (cached per file version, locale and how its text is decoded: an
    engine's `b.styles_escaped_character_references`, by default ours; safe to share between
    threads)."""
    try:
        stat = path.stat()
    except OSError as error:
        raise StyleError(f"cannot read style file '{path}': {error.strerror or error}") from None
    return _load_style(str(path), stat.st_mtime_ns, stat.st_size, locale, decode)


def _brief(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# the plan of a bibliography ---------------------------------------------------------------------

@dataclass
class BibliographyPlan:
    """A bibliography decided: the order of its items, their citation numbers and
    disambiguation. An entry's text depends only on its item and `context(position)`."""

    views: tuple[ItemView, ...]
    order: list[int]                  # positions (in the items) in bibliography order
    numbers: dict[int, int]           # position -> citation number
    disamb: dict[int, Disambiguation]  # position -> its disambiguation
    numbered: bool
    ids: tuple[Any, ...] = ()          # position -> the item's id (to name an entry that fails)
    # position -> why its sort key could not be computed (last in `order`, never rendered)
    unsorted: dict[int, str] = field(default_factory=dict)

    def context(self, position: int) -> dict[str, Any]:
        """What can make an entry differ besides its item (the render cache's entry key)."""
        out: dict[str, Any] = {}
        if self.numbered:
            out["citation-number"] = self.numbers[position]
        disamb = self.disamb.get(position)
        if disamb is not None:
            out["disambiguation"] = [disamb.year_suffix, disamb.et_al_names,
                                     sorted(map(repr, disamb.given_names.items())), disamb.condition]
        return out


class Engine:
    """A CSL style ready to render (see the module docstring)."""

    def __init__(self, style: Any, locale: str | None = None, options: EngineOptions | None = None) -> None:
        from evidencebib.render.overrides import behaviours

        self.options = options or EngineOptions()
        self.path = resolve_style(style)
        self.name = self.path.stem
        self.locale = locale
        disabled = self.options.disabled
        if not self.options.optimised:  # the unoptimised path: no speed override
            from evidencebib.render.overrides import load

            disabled = disabled | {name for name in load() if name.startswith("speed.")}
        try:
            self.b = behaviours(frozenset(disabled))
        except ValueError as error:
            raise UsageError(str(error)) from None
        self.style = load_style(self.path, locale, self.b.styles_escaped_character_references)
        self.style_class = self.style.root.get("class")

    # contexts ---------------------------------------------------------------------------
    def context(self, mode: str) -> RenderContext:
        return RenderContext(self.style, self.b, mode, self.options.max_elements, self.options.optimised)

    def finish(self, node, ctx) -> str:
        """An entry's or cluster's marked string (render/overrides/punctuation.py)."""
        b = self.b
        marked = render(node, 0, b.punctuation_seams)
        marked = b.punctuation_in_quote(marked, ctx.locale.option("punctuation-in-quote"))
        marked = b.punctuation_nested_quotes(marked, ctx.locale)
        if ctx.mode != "bibliography":
            return marked
        return b.display_leading_space_out(display.trailing_space_out(marked))

    def _map(self, function, items: Sequence[Any], what: str) -> list[Any]:
        if not self.options.optimised or self.options.workers == 1:
            return [function(item) for item in items]
        return self.b.speed_workers(function, items, what, self.options.workers)

    # the bibliography ---------------------------------------------------------------------
    def plan(self, prepared: PreparedItems) -> BibliographyPlan:
        """Sort, number and disambiguate the items of a bibliography."""
        style = self.style
        if style.bibliography is None:
            raise StyleError(f"style {self.name} has no bibliography section")
        views = prepared.views()
        order, unsorted = self._sorted(style.bibliography, views)
        numbers = {position: index + 1 for index, position in enumerate(order)}
        disamb = self._disambiguate([views[position] for position in order], [numbers[p] for p in order])
        STATS["bibliographies_sorted"] += 1
        return BibliographyPlan(views, order, numbers,
                                {order[index]: value for index, value in disamb.items()}, style.numbered,
                                prepared.ids, unsorted)

    def _sorted(self, section, views: Sequence[ItemView],
                numbers: list[int] | None = None) -> tuple[list[int], dict[int, str]]:
        """(the positions of `views` in `section`'s cs:sort order, {position: why its sort key
        could not be computed}): an item whose key raises is the entry's problem (issue 15), not
        the bibliography's: it goes last, the others sorted."""
        from evidencebib.render.overrides import sorting

        if section.c_sort is None or not section.c_sort.c_keys or len(views) < 2:
            return list(range(len(views))), {}
        keys = section.c_sort.c_keys
        mode = "citation" if section is self.style.citation else "bibliography"

        def row(position: int):
            ctx = self.context(mode)
            return sorting.key_values(keys, ctx, [views[position]],
                                      [numbers[position]] if numbers is not None else [position + 1])[0]

        rows = self._map(lambda position: _guarded(row, position), list(range(len(views))), "sort keys")
        failed = {position: row.cause for position, row in enumerate(rows) if isinstance(row, _Failed)}
        if not failed:
            return sorting.order(keys, rows), {}
        sortable = [position for position in range(len(views)) if position not in failed]
        order = [sortable[index] for index in sorting.order(keys, [rows[position] for position in sortable])]
        return order + sorted(failed), failed

    def _cluster_order(self, views: Sequence[ItemView], numbers: list[int]) -> list[int]:
        """The cites of a cluster (their items and numbers) in the citation's cs:sort order; a
        cite whose sort key raises goes last (its own render names it if that fails too)."""
        from evidencebib.render.overrides import sorting

        keys = self.style.citation.c_sort.c_keys
        ctx = self.context("citation")
        def row(index: int):
            return sorting.key_values(keys, ctx, [views[index]], [numbers[index]])[0]

        rows = [_guarded(row, index) for index in range(len(views))]
        sortable = [index for index, row in enumerate(rows) if not isinstance(row, _Failed)]
        return [sortable[index] for index in sorting.order(keys, [rows[index] for index in sortable])] + \
            [index for index, row in enumerate(rows) if isinstance(row, _Failed)]

    def _disambiguate(self, views: Sequence[ItemView], numbers: list[int]) -> dict[int, Disambiguation]:
        """Index in `views` -> disambiguation, over all the items' first cites together
        (render/overrides/disambiguation.py)."""
        from evidencebib.render.marks import visible
        from evidencebib.render.overrides import disambiguation

        style = self.style
        citation = style.citation
        if citation is None or not any(
                (citation.c_options.get(option) or "").lower() == "true" for option in (
                    "disambiguate-add-year-suffix", "disambiguate-add-names", "disambiguate-add-givenname")) \
                and not style.uses_disambiguate_condition:
            return {}
        layout = citation.c_layout
        memo: dict[tuple[int, Any], str | None] = {}

        def cite_text(index: int, disamb: Disambiguation = NO_DISAMBIGUATION) -> str | None:
            key = (index, (disamb.year_suffix, disamb.et_al_names,
                           tuple(sorted(disamb.given_names.items(), key=repr)), disamb.condition))
            if key in memo:
                return memo[key]
            ctx = self.context("citation")
            view, state = self.b.disambiguation_ambiguous_cite(views[index])
            ctx.start(view, state, numbers[index], disamb)
            try:
                node = layout.evaluate(ctx)
            except EvidenceError:
                raise
            except Exception:  # a cite that cannot render is never ambiguous
                node = None
            memo[key] = text = None if node is None else visible(self.finish(node, ctx))
            return text

        # the first texts of all items, on worker processes for large bibliographies
        plain = (None, None, (), False)
        for index, text in enumerate(self._map(cite_text, list(range(len(views))), "disambiguation")):
            memo[(index, plain)] = text
        return disambiguation.disambiguate(style, views, cite_text, self.b)

    def entry_tree(self, plan: BibliographyPlan, position: int):
        """(the output tree of the item at `position`'s entry, its context)."""
        ctx = self.context("bibliography")
        ctx.start(plan.views[position], number=plan.numbers[position],
                  disamb=plan.disamb.get(position, NO_DISAMBIGUATION))
        node = self.style.bibliography.c_layout.evaluate(ctx)
        return self.b.positions_initial_term(node, "bibliography", self.style_class, True, ""), ctx

    def entry(self, plan: BibliographyPlan, position: int) -> str | None:
        """The marked entry of the item at `position`, or None when the style prints nothing."""
        node, ctx = self.entry_tree(plan, position)
        if node is None:
            return None
        return self.finish(node, ctx) or None

    def marked_entries(self, plan: BibliographyPlan, positions: Sequence[int] | None = None,
                       problems: list[EntryProblem] | None = None) -> list[str | None]:
        """Marked entries of `positions` (default: all, in bibliography order).

        An entry whose evaluation raises is None here and an `EntryProblem` in `problems`;
        without a `problems` list the first one is a StyleError naming the entry."""
        wanted = plan.order if positions is None else list(positions)
        bibliography = self.style.bibliography
        texts: list[Any]
        if bibliography.c_subsequent_author_substitute is not None:
            # an entry depends on the ones before it: all trees first, in one process
            trees = [_Failed(plan.unsorted[position]) if position in plan.unsorted else
                     _guarded(lambda p: self.entry_tree(plan, p), position) for position in wanted]
            kept = [tree for tree in trees if not isinstance(tree, _Failed)]
            nodes = iter(self.b.display_subsequent_author_substitute(
                [node for node, _ in kept],
                bibliography.c_subsequent_author_substitute,
                bibliography.c_subsequent_author_substitute_rule))
            texts = [tree if isinstance(tree, _Failed) else
                     _guarded(lambda node, ctx=tree[1]: (None if node is None
                                                         else self.finish(node, ctx) or None),
                              next(nodes)) for tree in trees]
        else:
            rendered = iter(self._map(lambda position: _guarded(lambda p: self.entry(plan, p), position),
                                      [position for position in wanted if position not in plan.unsorted],
                                      "entries"))
            texts = [_Failed(plan.unsorted[position]) if position in plan.unsorted else next(rendered)
                     for position in wanted]
        if any(text is None for text in texts) and display.cites_print_numbers(self.style):
            # the entry's number stays (citeproc-js), with the text of an entry that prints nothing
            texts = [self.b.display_no_printed_form(plan.numbers[position]) if text is None else text
                     for position, text in zip(wanted, texts, strict=True)]
        STATS["entries_formatted"] += len(wanted)
        failed = [EntryProblem(position, _entry_key(plan, position), self.name, text.cause)
                  for position, text in zip(wanted, texts, strict=True) if isinstance(text, _Failed)]
        if failed:
            if problems is None:
                raise StyleError(f"style {self.name} failed to render the bibliography ({failed[0].cause})",
                                 entry=failed[0].key)
            problems.extend(failed)
        return [None if isinstance(text, _Failed) else text for text in texts]

    def bibliography(self, items: Iterable[dict[str, Any]], fmt: str = "markdown",
                     problems: list[EntryProblem] | None = None) -> list[Entry]:
        """The bibliography entries of `items` in the style's order (an item the style renders
        as nothing has no entry). An entry the style cannot render is left out and added to
        `problems`; without that list it stops the render with a StyleError naming it."""
        _check_format(fmt)
        prepared = prepare_items(items)
        finish = formats.finisher(fmt, self.options.links)
        with gcpause.paused():
            try:
                if not len(prepared):
                    if self.style.bibliography is None:
                        raise StyleError(f"style {self.name} has no bibliography section")
                    return []
                plan = self.plan(prepared)
                texts = self.marked_entries(plan, problems=problems)
            except EvidenceError:
                raise
            except Exception as error:
                raise StyleError(f"style {self.name} failed to render the bibliography "
                                 f"({_brief(error)})") from None
        ids = prepared.ids
        out = []
        for position, text in zip(plan.order, texts, strict=True):  # one text per position
            if text is not None:
                key = ids[position]
                out.append(Entry(finish(text), position, None if key is None else str(key)))
        return out

    # citations ----------------------------------------------------------------------------
    def citations(self, clusters: Iterable[Cluster | Sequence[Any]], fmt: str = "text",
                  items: Iterable[dict[str, Any]] | None = None, register: str = "cited") -> list[str]:
        """Each cluster's citation, in document order.

        `items` are the CSL-JSON items the cites name by `id`. Citation numbers, year suffixes
        and positions are decided over all clusters and the bibliography of all items together.
        `register`: "cited" numbers the items in the order they are first cited (CSL 1.0.2: a
        bibliography without cs:sort lists items as they are cited), "items" in the order of
        `items` (as `bibliography(items)` prints them)."""
        _check_format(fmt)
        raw_items = list(items or ())
        given = [cluster if isinstance(cluster, Cluster) else Cluster(cluster) for cluster in clusters]
        index_of: dict[str, int] = {}
        for position, item in enumerate(raw_items):
            index_of.setdefault(str(item.get("id")), position)
        missing = sorted({cite.id for cluster in given for cite in cluster.cites if cite.id not in index_of})
        if missing:
            known = ", ".join(list(index_of)[:20]) or "none"
            raise UsageError(f"no item with id {', '.join(repr(k) for k in missing)} (known: {known})")
        style = self.style
        if style.citation is None:
            raise StyleError(f"style {self.name} has no citation section")
        finish = formats.finisher(fmt, self.options.links)
        with gcpause.paused():
            try:
                return [finish(text) for text in self._citations(given, raw_items, index_of, register)]
            except EvidenceError:
                raise
            except Exception as error:
                raise StyleError(f"style {self.name} failed to render a citation ({_brief(error)})") from None

    def _sorted_cites(self, cites: Sequence[Cite], views: Sequence[ItemView], index_of: dict[str, int],
                      numbers: dict[int, int]) -> Sequence[Cite]:
        """A cluster's cites in the order of the citation's `cs:sort` (as written without one)."""
        sort = self.style.citation.c_sort
        if sort is None or not sort.c_keys or len(cites) < 2:
            return cites
        positions = [index_of[cite.id] for cite in cites]
        order = self._cluster_order([views[p] for p in positions], [numbers[p] for p in positions])
        return [cites[i] for i in order]

    def _citations(self, clusters: list[Cluster], raw_items: list[dict[str, Any]], index_of: dict[str, int],
                   register: str) -> list[str]:
        style = self.style
        prepared = prepare_items(raw_items)
        views = prepared.views()
        if register == "cited":
            registration: list[int] = []
            seen: set[int] = set()
            for cluster in clusters:
                for cite in cluster.cites:
                    position = index_of[cite.id]
                    if position not in seen:
                        seen.add(position)
                        registration.append(position)
            registration += [position for position in range(len(views)) if position not in seen]
        else:
            registration = list(range(len(views)))
        # bibliography order and numbers (the cited items' bibliography)
        if style.bibliography is not None:
            ordered = [registration[i]
                       for i in self._sorted(style.bibliography, [views[p] for p in registration])[0]]
        else:
            ordered = registration
        numbers = {position: index + 1 for index, position in enumerate(ordered)}
        disamb_list = self._disambiguate([views[p] for p in ordered], [numbers[p] for p in ordered])
        disamb = {ordered[index]: value for index, value in disamb_list.items()}
        distance = int(style.citation.c_options.get("near-note-distance") or 5)
        # each cluster's cites in the citation's sort order: positions follow that order
        sorted_cites = [self._sorted_cites(cluster.cites, views, index_of, numbers) for cluster in clusters]
        states = self.b.positions_cite_positions(
            [(cluster.note_number, [(cite.id, cite.locator, cite.label) for cite in cites])
             for cluster, cites in zip(clusters, sorted_cites, strict=True)], distance)
        layout = style.citation.c_layout
        out = []
        for cites, cite_states in zip(sorted_cites, states, strict=True):
            entries = [(cite, explicit(state, cite.position, cite.near_note), index_of[cite.id])
                       for cite, state in zip(cites, cite_states, strict=True)]
            parts: list[CitePart] = []
            for index, (cite, state, position) in enumerate(entries):
                ctx = self.context("citation")
                ctx.start(views[position], state, numbers[position], disamb.get(position, NO_DISAMBIGUATION))
                try:
                    node = layout.evaluate(ctx)
                except BudgetExceeded as error:  # this entry's cost: named like any failure of it
                    raise BudgetExceeded(error.message, entry=cite.id) from None
                except EvidenceError:
                    raise
                except Exception as error:  # named: the user asked for this entry
                    raise StyleError(f"style {self.name} cannot render the citation of this entry "
                                     f"({_brief(error)})", entry=cite.id) from None
                suppressed = names_key(node) if cite.suppress_author and node is not None else None
                node = _cite_variant(node, cite)
                if node is None and index == 0 and not (cite.suppress_author or cite.author_only):
                    text = self.b.display_no_printed_form(None)  # a later cite is left out
                    node = Lit(text) if text else None
                if node is None:
                    continue
                node = self.b.positions_initial_term(node, "citation", self.style_class, not parts,
                                                     cite.prefix or "")
                # a cite's affixes are the caller's text: never our markers (render/marks.py)
                prefix = in_affix(strip_private_use(cite.prefix or ""), ctx)
                suffix = in_affix(strip_private_use(cite.suffix or ""), ctx)
                parts.append(CitePart(node, prefix, suffix, cite.locator is not None,
                                      ctx.text_variable_called, suppressed))
            if not parts:
                out.append("")
                continue
            if style.citation.c_sort is not None and style.citation.c_sort.c_keys:
                parts = self.b.sorting_grouped_sort(parts, style)
            joined = Span(self.b.collapsing_cite_groups(parts, style.citation.c_options, layout.c_delimiter,
                                                        self.style_class != "note"))
            ctx = self.context("citation")
            ctx.item = None
            node = _affixes_inside(layout.c_finish(joined, ctx))
            out.append(self.finish(node, ctx))
        return out


def _guarded(function, argument):
    """`function(argument)`, or `_Failed` with the exception in one line (an entry's failure
    stays that entry's)."""
    try:
        return function(argument)
    except Exception as error:  # any failure of one entry, a BudgetExceeded included
        return _Failed(_brief(error))


def _entry_key(plan: BibliographyPlan, position: int) -> str | None:
    key = plan.ids[position] if position < len(plan.ids) else None
    return None if key is None else str(key)


def _affixes_inside(node):
    """A citation's layout affixes inside its formatting ("<b>([1]–[3])</b>"), as citeproc-py's
    Layout.render_citation (format(wrap(…))) and citeproc-js print them."""
    if type(node) is Span and node.font and (node.prefix or node.suffix):
        inner = Span(node.kids, prefix=node.prefix, suffix=node.suffix)
        return Span([inner], node.font, node.quotes, "", "", node.display, node.tag, node.link)
    return node


def _cite_variant(node, cite: Cite):
    """suppress-author: the cite without its first names; author-only: those names alone."""
    if node is None or not (cite.suppress_author or cite.author_only):
        return node
    found = find_tags(node, "names")
    if not found:
        return None if cite.author_only else node
    first = found[0]
    if cite.author_only:
        return first
    return without(node, first)


def _check_format(fmt: str) -> None:
    if fmt not in formats.FORMATS:
        raise UsageError(f"unknown output format '{fmt}' (choose from {', '.join(formats.FORMATS)})")


# the documented wrappers ------------------------------------------------------------------------

def render_bibliography(items: Iterable[dict[str, Any]], style: Any = "ig-criteria",
                        fmt: str = "markdown", cache: Any = None, *, locale: str | None = None,
                        problems: list[EntryProblem] | None = None) -> list[str]:
    """One formatted string per entry, in the style's bibliography order.

    `cache`: None uses the per-user render cache (render/cache.py) unless
    EVIDENCEBIB_NO_RENDER_CACHE or EVIDENCEBIB_NO_SPEEDUPS is set; False never uses a cache;
    a `cache.RenderCache` uses that one. `problems`: see `Engine.bibliography`.
    """
    return [text for _, text in render_entries(items, style, fmt, cache, locale=locale, problems=problems)]


def render_entries(items: Iterable[dict[str, Any]], style: Any = "ig-criteria",
                   fmt: str = "markdown", cache: Any = None,
                   options: EngineOptions | None = None, locale: str | None = None,
                   problems: list[EntryProblem] | None = None) -> list[tuple[int, str]]:
    """(position of the item in `items`, formatted entry) in the style's bibliography order,
    for callers that must know which entry is which (badges, differential tests).

    An item the style renders as nothing has no entry.
    """
    _check_format(fmt)
    options = options or engine_options.from_environment()
    engine = Engine(style, locale, options)
    prepared = prepare_items(items)
    store = _choose_cache(cache, options) if len(prepared) else None
    finish = formats.finisher(fmt, options.links)
    with gcpause.paused():
        if store is None:
            return [(entry.position, entry.text) for entry in engine.bibliography(prepared, fmt, problems)]
        if engine.style.bibliography is None:
            raise StyleError(f"style {engine.name} has no bibliography section")
        return _render_cached(engine, prepared, store, fmt, finish, problems)


def _choose_cache(cache: Any, options: EngineOptions):
    if cache is False or not options.optimised:
        return None
    from evidencebib.render import cache as render_cache

    if cache is None or cache is True:
        if not engine_options.settings().render_cache:
            return None
        return render_cache.default_cache()
    return cache


def _render_cached(engine: Engine, prepared: PreparedItems, store, fmt: str, finish,
                   problems: list[EntryProblem] | None = None) -> list[tuple[int, str]]:
    """Finished entries through the content-addressed cache (render/cache.py): a whole
    bibliography in one format, else its marked entries, else entry by entry. A bibliography
    with an entry that failed is never stored whole (a hit would lose the report)."""
    from evidencebib.render import cache as render_cache

    style_digest, numbered, substitutes = render_cache.style_info(engine.path)
    style_digest = render_cache.variant_digest(style_digest, engine.locale, engine.options)
    digests = prepared.digests()
    bib_key = render_cache.bibliography_key(style_digest, digests)
    finished_key = render_cache.finished_key(bib_key, fmt)
    record = store.get(finished_key)
    if _valid_bibliography_record(record):
        STATS["bibliography_hits"] += 1
        return [(int(position), str(entry))  # lengths checked by _valid_bibliography_record
                for position, entry in zip(record["order"], record["entries"], strict=True)]
    marked = _marked_cached(engine, prepared, store, bib_key, style_digest, digests, substitutes, problems)
    finished = [(position, finish(entry)) for position, entry in marked]
    if marked.failed:
        return finished
    store.put(finished_key, {"entries": [text for _, text in finished],
                             "order": [position for position, _ in finished]})
    return finished


def _valid_bibliography_record(record: Any) -> bool:
    return record is not None and isinstance(record.get("entries"), list) \
        and isinstance(record.get("order"), list) and len(record["order"]) == len(record["entries"])


class _Marked(list):
    """(position, marked entry) pairs, and whether an entry failed to render."""

    failed = False


def _marked_cached(engine: Engine, prepared: PreparedItems, store, bib_key: str, style_digest: str,
                   digests: Sequence[str], substitutes: bool,
                   problems: list[EntryProblem] | None = None) -> _Marked:
    from evidencebib.render import cache as render_cache

    record = store.get(bib_key)
    if _valid_bibliography_record(record):
        STATS["bibliography_hits"] += 1
        return _Marked((int(position), str(entry))
                       for position, entry in zip(record["order"], record["entries"], strict=True))
    found: list[EntryProblem] = []
    try:
        plan = engine.plan(prepared)
        if substitutes:  # an entry may depend on the one before it: whole bibliographies only
            texts = engine.marked_entries(plan, problems=found)
            pairs = [(position, text)  # one text (or None) per position
                     for position, text in zip(plan.order, texts, strict=True) if text is not None]
        else:
            keys, texts, missing = [], [], []
            for position in plan.order:
                key = render_cache.entry_key(style_digest, digests[position], plan.context(position))
                cached = store.get(key) if position not in plan.unsorted else None
                keys.append(key)
                if cached is not None and "t" in cached:
                    texts.append(cached["t"])
                else:
                    texts.append(None)
                    missing.append(len(keys) - 1)
            if missing:
                fresh = engine.marked_entries(plan, [plan.order[index] for index in missing], found)
                failed = {problem.position for problem in found}
                for index, text in zip(missing, fresh, strict=True):  # one entry per missing index
                    texts[index] = text
                    if plan.order[index] not in failed:
                        store.put(keys[index], {"t": text})
            pairs = [(position, text)  # one text (or None) per position
                     for position, text in zip(plan.order, texts, strict=True) if text is not None]
    except EvidenceError:
        raise
    except Exception as error:
        raise StyleError(f"style {engine.name} failed to render the bibliography ({_brief(error)})") from None
    marked = _Marked(pairs)
    if found:
        if problems is None:
            raise StyleError(f"style {engine.name} failed to render the bibliography ({found[0].cause})",
                             entry=found[0].key)
        problems.extend(found)
        marked.failed = True
        return marked
    store.put(bib_key, {"entries": [text for _, text in pairs], "order": [position for position, _ in pairs]})
    return marked


__all__ = ["Engine", "EngineOptions", "Entry", "EntryProblem", "Cite", "Cluster", "render_bibliography",
           "render_entries", "prepare_items", "prepare_item", "load_style", "STATS", "as_cite", "CiteState"]
