"""Grouping and collapsing the cites of a cluster (CSL 1.0.2 §"Citation-specific Options":
"Cite Grouping" and "Cite Collapsing").

A pass over a rendered cluster: its cites' output trees, sorted, go in; the cluster's
children (cites and delimiters) come out. It reads only the tags of the trees
(render/output.py: "names", "date", "year-suffix", "citation-number"):

- `collapse="citation-number"`: a run of three or more cites whose numbers follow each other
  prints as its first and last joined by an en dash ("1–5"; "1,2" stays; "1,2,2–4" for a
  repeated cite), the run followed by `after-collapse-delimiter`; a cite that prints more than
  its number (a locator) breaks the run;
- cite grouping (`cite-group-delimiter`, or `collapse`): cites in a row whose first names
  read the same form a group; a cite that prints no names stays in the group before it (CSL
  1.0.2 also moves later cites of the same names next to the first; citeproc-js, whose output
  the suite and the everyday items compare with, does not, and neither do we);
- `collapse="year"`: the names of every cite of a group but the first are left out
  ("Doe 2000, 2001");
- `collapse="year-suffix"`: also, a cite of the group with the previous cite's year prints
  only its year suffix ("Doe 2000a, b"), joined by the cite-group delimiter when the style sets
  one, else `year-suffix-delimiter`, else the layout's delimiter; `year-suffix-ranged` makes
  runs of three or more suffixes ranges ("2000a–c").

The delimiters between cites are citeproc-js's (getSpliceDelimiter, as jgm/citeproc's
`groupAndCollapseCitations` reproduces it, including citation-style-language/test-suite issue
36): an explicit `after-collapse-delimiter` after a cite with a locator and where a collapsed
group ends ("Wong 1999, 328; 2000, 475"); else the cite-group delimiter inside a group; else ", "
inside a collapsed group of an in-text style ("Wang, 2016a, p. 3, 2016b"; a note style keeps the
layout's); else the layout's delimiter. A cite whose layout evaluates a `cs:text` of a text
variable (a title; printed or not) is not collapsed, though its repeated names are left out
(citeproc-js node_text.js).
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
    has_locator: bool = False  # the cite has a locator (printed or not)
    text_variable: bool = False  # its evaluation met a cs:text of a text variable (labels.py)
    # the names a suppress-author cite would have printed: it is grouped by them (citeproc-js
    # keys cite groups on the names rendered before suppression), so "[@a; -@b]" keeps the
    # layout delimiter between two authors and "[-@b; @c]" of one author collapses
    suppressed_names: Any = None

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
    """Runs of following citation numbers, three or more printed as a range. As citeproc-js
    builds them, a cite with a prefix starts a new run ("3,y 4–6") and a cite with a suffix is
    never part of one ("see 3, and elsewhere,4,5"; "3,4,5 z")."""
    runs: list[list[CitePart]] = []
    previous: int | None = None
    for part in parts:
        number = None if part.suffix else _number_of(part.node)
        if runs and previous is not None and number is not None and number == previous + 1 \
                and not part.prefix:
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


def _suffix_run(units: list[Any], ranged: bool, delimiter: str) -> list[Any]:
    """A cite and the year suffixes collapsed onto it, joined by `delimiter`; with `ranged`,
    runs of three or more following suffixes as ranges ("2000a–c")."""
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
    return kids


@dataclass
class _Grouping:
    """How a cluster's cites are grouped and collapsed: the cs:citation options that decide it."""

    collapse: str | None             # "year", "year-suffix", "year-suffix-ranged" or None
    delimiter: str                    # the layout's
    group_delimiter: str | None       # cite-group-delimiter as the style gives it
    after: str | None                 # after-collapse-delimiter as the style gives it
    suffix_delimiter: str             # between collapsed year suffixes
    in_text: bool


def _collapse_cites(parts: Sequence[CitePart], grouping: _Grouping) -> list[Any]:
    """Cites grouped by their names and collapsed, with the delimiters citeproc-js puts between
    them (its getCite / getSpliceDelimiter state, one cite at a time):

    - a cite whose names read as the previous names' belongs to their group: with `collapse`
      its names are left out; a cite that prints no names stays in the group before it;
    - with year-suffix collapsing, a cite of the group with the previous cite's year prints
      only its year suffix, joined to the one before by the year-suffix delimiter;
    - between cites: the after-collapse delimiter (when the style sets one) after a cite with
      a locator and where a collapsed group ends (or, with collapse="year", between two cites
      of different names); else the cite-group delimiter inside a group; else ", " inside a
      collapsed group of an in-text style; else the layout's delimiter.

    A cite with a prefix starts a new group, one with a suffix ends its group."""
    collapse = grouping.collapse
    out: list[Any] = []
    run: list[Any] = []                # a printed cite and the year suffixes collapsed onto it
    last_names: Any = None
    last_years: list[str] | None = None
    collapsed_before = False           # citeproc-js's have_collapsed after the previous cite
    use_group_delimiter = False
    locator_before = False
    previous: CitePart | None = None

    def flush() -> None:
        if run:
            out.extend(_suffix_run(run, collapse == "year-suffix-ranged", grouping.suffix_delimiter))
            run.clear()

    for part in parts:
        node = part.node
        key = part.suppressed_names if part.suppressed_names is not None else names_key(node)
        broken = previous is not None and (bool(previous.suffix) or bool(part.prefix))
        # a cite whose layout evaluates a cs:text of a text variable (a title …, printed or
        # not) is not collapsed (citeproc-js node_text.js), though its repeated names are
        # still left out
        prints_text = part.text_variable
        if key is None and not broken:
            same = collapse is not None and not prints_text
        elif key is not None and key == last_names and not broken:
            same = collapse is not None and not prints_text
            if collapse is not None:
                node = _without_names(node)
            if grouping.group_delimiter:
                use_group_delimiter = True
        else:
            same = False
            last_names = key
            if grouping.group_delimiter:
                use_group_delimiter = False
        years = _years(part.node)
        suffix_only = (collapse in ("year-suffix", "year-suffix-ranged") and same and bool(years)
                       and years == last_years and node is not None)
        last_years = years
        if suffix_only:
            node = _suffix_only(node)
        unit = None if node is None else CitePart(node, part.prefix, part.suffix).affixed()
        if unit is not None and not plain_text(unit).strip():
            unit = None
        if unit is not None:
            if suffix_only and run:
                run.append(unit)
            else:
                flush()
                if out:
                    out.append(Lit(_splice(grouping, part, same, collapsed_before, locator_before,
                                           use_group_delimiter)))
                run.append(unit)
        collapsed_before = same
        locator_before = part.has_locator
        previous = part
    flush()
    return out


def _splice(grouping: _Grouping, part: CitePart, same: bool, collapsed_before: bool, locator_before: bool,
            use_group_delimiter: bool) -> str:
    """The delimiter before a cite (citeproc-js's getSpliceDelimiter), or none before a cite whose
    prefix starts with a comma, semicolon or full stop."""
    prefix = part.prefix.lstrip()
    if prefix and prefix[:1] in (",", ";", "."):
        return ""
    if grouping.after is not None:
        if locator_before or (collapsed_before and not same) \
                or (not collapsed_before and not same and grouping.collapse != "year-suffix"):
            return grouping.after
        return grouping.delimiter
    if use_group_delimiter and grouping.group_delimiter:
        return grouping.group_delimiter
    if same and grouping.in_text and grouping.collapse is not None:
        return ", "
    return grouping.delimiter


@override("collapsing.cite-groups", replaces="citeproc.model.Layout.render_citation",
          rule="CSL 1.0.2 §Citation-specific Options: Cite Grouping (cite-group-delimiter) and Cite "
               "Collapsing (collapse citation-number, year, year-suffix, year-suffix-ranged; "
               "year-suffix-delimiter, after-collapse-delimiter), groups and delimiters as citeproc-js "
               "decides them (cites without names in the group before, note styles' layout delimiter)",
          fingerprint="f70ee91bd230401ce7a25f5a5cb8cae6f6f4b204eb497d124a1ff9bcbee8fa39",
          tests=("tests/render/test_engine_collapsing.py::test_numeric_citations_of_three_or_more_in_a_row_collapse_to_a_range",
                 "tests/render/test_engine_collapsing.py::test_same_author_cites_print_the_names_once",
                 "tests/render/test_engine_collapsing.py::test_collapsed_cites_with_locators_keep_the_cite_group_delimiter_without_an_after_collapse_one",
                 "tests/render/test_engine_collapsing.py::test_same_author_and_year_print_only_the_year_suffix",
                 "tests/render/test_engine_collapsing.py::test_a_collapsed_group_of_a_note_style_keeps_the_layout_delimiter",
                 "tests/render/test_engine_collapsing.py::test_an_explicit_cite_group_delimiter_joins_collapsed_year_suffixes",
                 "tests/render/test_engine_collapsing.py::test_cites_without_names_stay_in_the_group_before_them",
                 "tests/render/test_engine_collapsing.py::test_a_suppress_author_cite_is_grouped_by_the_names_it_leaves_out",
                 "tests/render/test_collapsing_with_cite_affixes.py::test_a_cite_with_a_prefix_starts_a_new_number_range"))
def cluster(parts: Sequence[CitePart], options: dict[str, Any], delimiter: str,
            in_text: bool = True) -> list[Any]:
    """The children of a cluster: its cites (sorted) grouped and collapsed as `options`
    (cs:citation's attributes) ask, with their delimiters; `in_text`: the style's class is
    in-text (a collapsed group of a note style keeps the layout's delimiter)."""
    collapse = (options.get("collapse") or "").strip() or None
    group_delimiter = options.get("cite-group-delimiter") or None
    if collapse is None and group_delimiter is None:
        return join(parts, delimiter)
    after = options.get("after-collapse-delimiter")
    if collapse == "citation-number":
        return _collapse_numbers(parts, delimiter, delimiter if after is None else after)
    if collapse not in (None, "year", "year-suffix", "year-suffix-ranged"):
        return join(parts, delimiter)
    suffix_delimiter = group_delimiter or options.get("year-suffix-delimiter") or delimiter
    return _collapse_cites(parts, _Grouping(collapse, delimiter, group_delimiter, after, suffix_delimiter,
                                            in_text))


@upstream("collapsing.cite-groups")
def cluster_upstream(parts: Sequence[CitePart], options: dict[str, Any], delimiter: str,
                     in_text: bool = True) -> list[Any]:
    return join(parts, delimiter)  # citeproc-py joins every cite with the layout's delimiter
