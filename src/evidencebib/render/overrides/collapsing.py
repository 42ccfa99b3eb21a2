"""Grouping and collapsing the cites of a cluster (CSL 1.0.2 §"Citation-specific Options":
"Cite Grouping" and "Cite Collapsing").

A pass over a rendered cluster: its cites' output trees, sorted, go in; the cluster's
children (cites and delimiters) come out. It reads only the tags of the trees
(render/output.py: "names", "date", "year-suffix", "citation-number", "locator"):

- `collapse="citation-number"`: a run of three or more cites whose numbers follow each other
  prints as its first and last joined by an en dash ("1–5"; "1,2" stays; "1,2,2–4" for a
  repeated cite), the run followed by `after-collapse-delimiter`; a cite that prints more than
  its number (a locator) breaks the run;
- cite grouping (`cite-group-delimiter`, on whenever `collapse` is set, default ", "): cites
  in a row with the same rendered names form a group (CSL 1.0.2 also moves later cites of the
  same names next to the first; citeproc-js, whose output the suite and the everyday items
  compare with, does not, and neither do we);
- `collapse="year"`: the names of every cite of a group but the first are left out
  ("Doe 2000, 2001");
- `collapse="year-suffix"`: also, cites of one group with the same year print only their
  year suffix ("Doe 2000a, b"), joined by `year-suffix-delimiter` (default: the layout's
  delimiter); `year-suffix-ranged` makes runs of three or more suffixes ranges ("2000a–c").

The delimiters between the collapsed pieces follow citeproc-js as jgm/citeproc reproduces
it (`groupAndCollapseCitations`, including citation-style-language/test-suite issue 36:
with `collapse="year"` and an `after-collapse-delimiter`, cites with locators inside a group
are separated by it: "Wong 1999, 328; 2000, 475"; without one by the cite-group delimiter,
as citeproc-js's getSpliceDelimiter does: "Wang, 2016a, p. 3, 2016b").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from evidencebib.render.output import Lit, Span, find_tags, plain_text, replace_tags, without
from evidencebib.render.overrides import override, upstream

EN_DASH = "\u2013"


@dataclass
class CitePart:
    """One rendered cite of a cluster: its output tree, without the cite's own prefix and
    suffix (which `affixed` adds), and those affixes."""

    node: Any
    prefix: str = ""
    suffix: str = ""

    def affixed(self) -> Any:
        if "<" in self.prefix or "<" in self.suffix:  # markup in them (render/richtext.py)
            from evidencebib.render import richtext

            kids = [richtext.node(self.prefix)] if self.prefix else []
            kids.append(self.node)
            if self.suffix:
                kids.append(richtext.node(self.suffix))
            return Span(kids)
        if self.prefix or self.suffix:
            return Span([self.node], prefix=self.prefix, suffix=self.suffix)
        return self.node


def join(parts: Sequence[CitePart], delimiter: str) -> list[Any]:
    """Cites joined by the layout's delimiter, except before a cite whose prefix starts with a
    comma, semicolon or full stop (", cited in …"), as citeproc-js and jgm/citeproc do."""
    out: list[Any] = []
    for index, part in enumerate(parts):
        prefix = part.prefix.lstrip()
        if index and delimiter and not (prefix[:1] in (",", ";", ".") and prefix):
            out.append(Lit(delimiter))
        out.append(part.affixed())
    return out


# citation numbers ----------------------------------------------------------------------------

def _number_of(node: Any) -> int | None:
    """The citation number of a cite that prints its number and nothing else."""
    current = node
    while type(current) is Span:
        if current.tag is not None and current.tag[0] == "citation-number":
            return current.tag[1]
        kids = [kid for kid in current.kids if not (type(kid) is Lit and not kid.text)]
        if len(kids) != 1:
            return None
        current = kids[0]
    return None


def _collapse_numbers(parts: Sequence[CitePart], delimiter: str, after: str) -> list[Any]:
    runs: list[list[CitePart]] = []
    previous: int | None = None
    for part in parts:
        number = _number_of(part.affixed())
        if runs and previous is not None and number is not None and number == previous + 1:
            runs[-1].append(part)
        else:
            runs.append([part])
        previous = number
    out: list[Any] = []
    for index, run in enumerate(runs):
        if len(run) >= 3:
            out.append(Span([run[0].affixed(), Lit(EN_DASH), run[-1].affixed()]))
            if index + 1 < len(runs):
                out.append(Lit(after))
        else:
            out.extend(join(run, delimiter))
            if index + 1 < len(runs):
                out.append(Lit(delimiter))
    return out


# names and years -----------------------------------------------------------------------------

def names_key(node: Any) -> Any:
    """What makes two cites "the same names": the first names element's variables and its
    rendered text; None for a cite without names (it groups with no other)."""
    found = find_tags(node, "names")
    if not found:
        return None
    return found[0].tag[1], plain_text(found[0])


def _groups(parts: Sequence[CitePart]) -> list[list[CitePart]]:
    """Runs of cites in a row with the same names. Cites are not moved: citeproc-js groups
    only cites that its sort (or the author) put next to each other ("(Wang 2016; Banjar
    2017; Wang 2019)" stays). A cite with a suffix ends a run, one with a prefix starts one."""
    out: list[list[CitePart]] = []
    key_of_run: Any = None
    for part in parts:
        key = names_key(part.node)
        run = out[-1] if out else None
        if (run is not None and key is not None and key == key_of_run and not run[-1].suffix
                and not part.prefix):
            run.append(part)
        else:
            out.append([part])
            key_of_run = key
    return out


def _without_names(node: Any) -> Any:
    found = find_tags(node, "names")
    return without(node, found[0]) if found else node


def _years(node: Any) -> list[str]:
    """The printed dates of a cite without their year suffixes (what "the same year" compares)."""
    return [plain_text(replace_tags(date, "year-suffix", lambda span: None))
            for date in find_tags(node, "date")]


def _suffix_only(node: Any) -> Any:
    """The cite with each date replaced by its year suffix (or by nothing)."""
    def keep_suffix(date: Span) -> Any:
        suffixes = find_tags(date, "year-suffix")
        return suffixes[0] if suffixes else None

    return replace_tags(node, "date", keep_suffix)


def _suffix_number(node: Any) -> int | None:
    found = find_tags(node, "year-suffix")
    return found[0].tag[1] if len(found) == 1 else None


def _suffix_run(units: list[Any], ranged: bool, delimiter: str) -> Any:
    """A year-suffix group: its cites joined by the year-suffix delimiter, runs of three or
    more following suffixes as ranges when `ranged`."""
    if len(units) == 1:
        return units[0]
    pieces: list[list[Any]] = []
    for unit in units:
        number = _suffix_number(unit)
        if ranged and pieces and number is not None and _suffix_number(pieces[-1][-1]) == number - 1:
            pieces[-1].append(unit)
        else:
            pieces.append([unit])
    kids: list[Any] = []
    for piece in pieces:
        if kids:
            kids.append(Lit(delimiter))
        if len(piece) >= 3:
            kids.append(Span([piece[0], Lit(EN_DASH), piece[-1]]))
        else:
            for index, unit in enumerate(piece):
                if index:
                    kids.append(Lit(delimiter))
                kids.append(unit)
    return Span(kids)


def _collapse_suffixes(units: list[Any], ranged: bool, delimiter: str) -> list[Any]:
    out: list[Any] = []
    current: list[Any] = []
    years: list[str] | None = None
    for unit in units:
        unit_years = _years(unit)
        if current and unit_years == years and unit_years:
            current.append(_suffix_only(unit))
        else:
            if current:
                out.append(_suffix_run(current, ranged, delimiter))
            current, years = [unit], unit_years
    if current:
        out.append(_suffix_run(current, ranged, delimiter))
    return out


def _collapse_groups(parts: Sequence[CitePart], collapse: str | None, delimiter: str,
                     group_delimiter: str, after: str, suffix_delimiter: str,
                     explicit_after: bool) -> list[Any]:
    groups = _groups(parts)
    out: list[Any] = []
    for index, group in enumerate(groups):
        last = index + 1 == len(groups)
        if collapse is None:  # cite grouping only
            out.extend(join(group, group_delimiter))
            if not last:
                out.append(Lit(delimiter))
            continue
        first, others = group[0], group[1:]
        units = [first.affixed()]
        for part in others:
            rest = _without_names(part.node)
            if rest is not None:  # a cite that printed only its names prints nothing more
                units.append(CitePart(rest, part.prefix, part.suffix).affixed())
        names_removed = bool(others)
        collapsed = units
        if collapse in ("year-suffix", "year-suffix-ranged"):
            collapsed = _collapse_suffixes(units, collapse == "year-suffix-ranged", suffix_delimiter)
        no_collapse = not names_removed and len(collapsed) == len(units)
        no_suffix_collapse = len(collapsed) == len(units)
        flipped = collapse == "year"  # test-suite issue 36
        has_locator = any(find_tags(unit, "locator") for unit in collapsed)
        inner = group_delimiter \
            if no_collapse or (no_suffix_collapse and not (flipped and has_locator and explicit_after)) \
            else after
        for position, unit in enumerate(collapsed):
            if position:
                out.append(Lit(inner))
            out.append(unit)
        if not last:
            out.append(Lit(delimiter if no_collapse and not flipped else after))
    return out


@override("collapsing.cite-groups", replaces="citeproc.model.Layout.render_citation",
          rule="CSL 1.0.2 §Citation-specific Options: Cite Grouping (cite-group-delimiter) and Cite "
               "Collapsing (collapse citation-number, year, year-suffix, year-suffix-ranged; "
               "year-suffix-delimiter, after-collapse-delimiter), delimiters as citeproc-js prints them",
          fingerprint="f70ee91bd230401ce7a25f5a5cb8cae6f6f4b204eb497d124a1ff9bcbee8fa39",
          tests=("tests/render/test_engine_collapsing.py::test_numeric_citations_of_three_or_more_in_a_row_collapse_to_a_range",
                 "tests/render/test_engine_collapsing.py::test_same_author_cites_print_the_names_once",
                 "tests/render/test_engine_collapsing.py::test_collapsed_cites_with_locators_keep_the_cite_group_delimiter_without_an_after_collapse_one",
                 "tests/render/test_engine_collapsing.py::test_same_author_and_year_print_only_the_year_suffix"))
def cluster(parts: Sequence[CitePart], options: dict[str, Any], delimiter: str) -> list[Any]:
    """The children of a cluster: its cites (sorted) grouped and collapsed as `options`
    (cs:citation's attributes) ask, with their delimiters."""
    collapse = (options.get("collapse") or "").strip() or None
    group_delimiter = options.get("cite-group-delimiter")
    if collapse is None and group_delimiter is None:
        return join(parts, delimiter)
    after = options.get("after-collapse-delimiter")
    after = delimiter if after is None else after
    if collapse == "citation-number":
        return _collapse_numbers(parts, delimiter, after)
    if collapse not in (None, "year", "year-suffix", "year-suffix-ranged"):
        return join(parts, delimiter)
    suffix_delimiter = options.get("year-suffix-delimiter")
    return _collapse_groups(parts, collapse, delimiter, ", " if group_delimiter is None else group_delimiter,
                            after, delimiter if suffix_delimiter is None else suffix_delimiter,
                            options.get("after-collapse-delimiter") is not None)


@upstream("collapsing.cite-groups")
def cluster_upstream(parts: Sequence[CitePart], options: dict[str, Any], delimiter: str) -> list[Any]:
    return join(parts, delimiter)  # citeproc-py joins every cite with the layout's delimiter
