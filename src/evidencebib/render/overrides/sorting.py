"""Sorting: `cs:sort` / `cs:key`, sort keys and how they are compared.

CSL 1.0.2 §"Sorting" (variable and macro keys, ascending/descending, names-min /
names-use-first / names-use-last on macro keys, empty keys last in both directions, name
variables as names in sort order, dates as sortable numbers), as citeproc-js sorts: with the
locale's collation (accents, case and punctuation ignored, digit runs compared as numbers), and
without terms, "and" or "et al." in the keys.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Callable

from evidencebib.render.marks import visible
from evidencebib.render.output import plain_text, render
from evidencebib.render.overrides import override, upstream

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
                       "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "þ": "th", "Þ": "TH"})
_DIGITS = re.compile(r"\d+")


def collation_key(text: str) -> str:
    """A sort key that orders like citeproc-js (`localeCompare`, sensitivity "base",
    ignorePunctuation, numeric): accents and case do not count ("Ångström" sorts with A,
    "Østergaard" with O), punctuation is ignored, a space separates words ("Chen S, Wong R"
    sorts before "Chen SW"), digit runs compare as numbers.
    Strings equal under this key are ties (the next sort key decides, then input order)."""
    text = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append("\x01")  # citeproc-js turns spaces into a separator sorting before letters
        elif category.startswith(("M", "P", "C")):
            continue
        else:
            kept.append(char)
    folded = "".join(kept).casefold()
    return _DIGITS.sub(lambda match: match.group(0).lstrip("0").rjust(12, "0") or "0" * 12, folded)


@override("sorting.collation", replaces="citeproc.model.Sort.sort",
          rule="citeproc-js sorting (localeCompare, sensitivity base, ignorePunctuation, numeric): "
               "accents, case and punctuation ignored, numbers compared as numbers; CSL 1.0.2 §Sorting: "
               "empty keys sort last",
          fingerprint="3fc375149ee75b099a45313f8ec0c13affdf1230e360756994f67063f7b61bc6",
          tests=("tests/render/test_render_fixes_agreement.py::test_accented_names_sort_with_their_base_letter",))
def key_text(text: str) -> Any:
    key = collation_key(text)
    return key if key else None


@upstream("sorting.collation")
def key_text_upstream(text: str) -> Any:
    """citeproc-py compares `str(key.lower())`, as numbers when both keys are numbers."""
    if not text:
        return None
    lowered = text.lower()
    return f"{int(lowered):030d}" if lowered.isdigit() else lowered


@override("sorting.name-options", replaces="citeproc.model.Key.sort_keys",
          rule="CSL 1.0.2 §Sorting (macro keys: names in sort order, names-min/-use-first/-use-last), "
               "as citeproc-js: without the \"and\" and et-al terms",
          fingerprint="9f78cc7329e61fefc8dbb83c43cb1b69d972798a0fb57d14269245319dfb9733",
          tests=("tests/render/test_render_fixes_agreement.py::test_and_term_is_not_part_of_the_sort_key",
                 "tests/render/test_render_fixes_agreement.py::test_source_truncated_authors_sort_with_the_same_first_author_by_year"))
def name_options(options: dict[str, Any], ctx) -> dict[str, Any]:
    out = dict(options)
    out["and"] = None
    out["name-as-sort-order"] = "all"
    out["c_no_et_al"] = True
    if ctx.sort_names:
        out.update(ctx.sort_names)
    return out


@upstream("sorting.name-options")
def name_options_upstream(options: dict[str, Any], ctx) -> dict[str, Any]:
    out = dict(options)
    out["name-as-sort-order"] = "all"
    if ctx.sort_names:
        out.update(ctx.sort_names)
    return out


@override("sorting.sort-only-particle", replaces="citeproc.model.Name.process",
          rule="CSL 1.0.2 §Name Particles: demote-non-dropping-particle=\"sort-only\" demotes the particle "
               "in sort keys (\"van der Berg\" sorts under B)",
          fingerprint="c059ec904b2176293b24ce020ccc3f214a79bed8d8e1998d3d7beac5c04db3ea",
          tests=("tests/render/test_render_fixes_agreement.py::test_sort_only_particle_sorts_under_the_family_name",))
def sort_only_particle() -> bool:
    return True


@upstream("sorting.sort-only-particle")
def sort_only_particle_upstream() -> bool:
    return False


@override("sorting.date-macro", replaces="citeproc.model.Text._term",
          rule="citeproc-js (citeproc_commonjs.js CSL.expandMacro, CSL.Output.Queue.append): in a sort key, "
               "a macro holding a cs:date (flagDateMacros: macro-has-date) gives its dates' sort keys only: "
               "its terms, text, numbers, labels and names are not part of the key (an undated item's "
               "\"n.d.\" gives an empty key, which sorts last); terms elsewhere in a sort macro are "
               "(\"Anon.\" sorts under A)",
          fingerprint="190f687633dfa72fba7734ed01de31737bb93905d3329645b2fd669a564d8237",
          tests=("tests/render/test_render_fixes_agreement.py::test_no_date_sorts_after_dated_items_in_a_descending_date_key",
                 "tests/render/test_engine_sorting.py::test_a_term_in_a_sort_macro_holding_a_date_is_not_part_of_the_key",
                 "tests/render/test_engine_sorting.py::test_text_in_a_sort_macro_holding_a_date_is_not_part_of_the_key"))
def dates_only(el, ctx) -> bool:
    """Whether `el` (a cs:text, cs:number, cs:label or cs:names) prints nothing in this sort key."""
    return ctx.sort_date_macro


@upstream("sorting.date-macro")
def dates_only_upstream(el, ctx) -> bool:
    return False  # citeproc-py renders a macro key whole, terms included


# the number variables citeproc-js sorts by number (CSL.NUMERIC_VARIABLES, src/load.js)
NUMBER_VARIABLES = frozenset({
    "call-number", "chapter-number", "collection-number", "division", "edition", "page", "issue",
    "locator-extra", "number", "number-of-pages", "number-of-volumes", "part-number", "printing-number",
    "section", "supplement-number", "version", "volume", "supplement"})
_FIRST_INTEGER = re.compile(r"-?[0-9]+")


@override("sorting.number-variables", replaces="citeproc.model.Key.sort_keys",
          rule="CSL 1.0.2 §Sorting (number variables sort as numbers), as citeproc-js keys them "
               "(node_key.js, CSL.Util.padding): by the first integer in the value (\"9a\", \"9-12\" and "
               "\"9\" tie, \"Vol. 3\" is 3); a value without digits as text, after the numbers",
          fingerprint="9f78cc7329e61fefc8dbb83c43cb1b69d972798a0fb57d14269245319dfb9733",
          tests=("tests/render/test_engine_sorting.py::test_a_number_variable_sorts_by_its_first_number",))
def number_key(text: str, compare: Callable[[str], Any]) -> Any:
    found = _FIRST_INTEGER.search(text)
    if found is None:
        return compare(text)
    number = int(found.group(0))
    if number < 0:  # citeproc-js: 99999999999999999999 + number
        number += 99999999999999999999
    return f"{number:020d}"


@upstream("sorting.number-variables")
def number_key_upstream(text: str, compare: Callable[[str], Any]) -> Any:
    return compare(text)  # citeproc-py compares the value as text (as a number when it is all digits)


# sort keys ------------------------------------------------------------------------------------

def _name_key(names, demote: str) -> str:
    """A name variable as a key: each name in sort order, names separated by ";" (citeproc-py's
    Key._format_name)."""
    out = []
    for name in names:
        if name.literal is not None:
            out.append(name.literal)
            continue
        given, family = name.given, name.family
        if demote in ("sort-only", "display-and-sort"):
            given = " ".join(part for part in (given, name.dropping, name.non_dropping) if part)
        else:
            family = " ".join(part for part in (name.non_dropping, family) if part)
            given = " ".join(part for part in (given, name.dropping) if part)
        out.append(", ".join(part for part in (family, given, name.suffix) if part))
    return ";".join(out)


def key_values(keys, ctx, views, numbers: list[int] | None = None) -> list[tuple[Any, ...]]:
    """For each item, the value of each key (None when empty), comparable within a key."""
    from evidencebib.render.elements import evaluate_macro

    compare: Callable[[str], Any] = ctx.b.sorting_collation
    demote = ctx.style.compiler.demote_particle
    rows = []
    for position, view in enumerate(views):
        number = numbers[position] if numbers is not None else position + 1
        row: list[Any] = []
        for key in keys:
            ctx.start(view, number=number)  # each key is rendered on its own (substitutions too)
            variable = key.c_variable
            if variable is not None:
                if variable == "citation-number":
                    row.append(f"{number:012d}")
                    continue
                if variable == "citation-label":  # the item's own, else the generated one
                    label, _ = ctx.b.labels_citation_label(view, None)
                    row.append(compare(plain_text(label)) if label is not None else None)
                    continue
                if variable in view.names:
                    value = compare(_name_key(ctx.b.names_parse(view.names[variable]), demote))
                elif variable in view.dates:
                    value = view.dates[variable].sort_key() or None
                else:
                    raw = view.text.get(variable)
                    text = None if raw is None else raw if isinstance(raw, str) else plain_text(raw)
                    if text is None:
                        value = None
                    elif variable in NUMBER_VARIABLES:
                        value = ctx.b.sorting_number_variables(text, compare)
                    else:
                        value = compare(text)
                row.append(value)
                continue
            ctx.sorting = True
            ctx.sort_names = key.c_name_options or None
            try:
                node = evaluate_macro(key.c_macro, ctx)
            finally:
                ctx.sorting = False
                ctx.sort_names = None
            text = visible(render(node)) if node is not None else ""
            row.append(compare(text))
        rows.append(tuple(row))
    return rows


def order(keys, rows: list[tuple[Any, ...]]) -> list[int]:
    """Positions of the items sorted by their key rows: ascending or descending per key, empty
    values last either way, ties in input order."""
    indices = list(range(len(rows)))
    for column in range(len(keys) - 1, -1, -1):
        descending = keys[column].c_descending
        if descending:
            indices.sort(key=lambda i: (rows[i][column] is not None, rows[i][column] or ""), reverse=True)
        else:
            indices.sort(key=lambda i: (rows[i][column] is None, rows[i][column] or ""))
    return indices


# grouped sort ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=64)
def _updates_by_position(style) -> bool:
    """Whether citeproc-js renders this style's cites by position (its update_mode POSITION):
    a cs:if tests a position, or a cs:name's et-al-subsequent-min/-use-first differ from its
    et-al-min/-use-first."""
    from evidencebib.render.elements import CS

    root = style.root
    if any(element.get("position") is not None for element in root.iter(CS + "if", CS + "else-if")):
        return True
    for name in root.iter(CS + "name"):
        options = name.c_options["citation"]
        for subsequent, plain in (("et-al-subsequent-min", "et-al-min"),
                                  ("et-al-subsequent-use-first", "et-al-use-first")):
            if options.get(subsequent) and options.get(subsequent) != options.get(plain):
                return True
    return False


@override("sorting.grouped-sort", replaces="citeproc.model.Layout.render_citation",
          rule="citeproc-js grouped sort (processCitationCluster; citation-style-language/schema#40, "
               "CSL 1.0.2 §Cite Grouping: cites with the same names are moved next to the first of them): "
               "in an in-text style that collapses, or a style with a cite-group-delimiter whose cites "
               "are not numbers nor rendered by position, a sorted cluster keeps an author's cites together",
          fingerprint="f70ee91bd230401ce7a25f5a5cb8cae6f6f4b204eb497d124a1ff9bcbee8fa39",
          tests=("tests/render/test_engine_sorting.py::test_with_cite_grouping_a_sorted_cluster_keeps_each_authors_cites_together",))
def grouped_sort(parts: list, style) -> list:
    """`parts` (a sorted cluster's rendered cites) with the cites of the same names moved next
    to the first of them, the groups in the order of their first cites."""
    from evidencebib.render.output import find_tags
    from evidencebib.render.overrides.collapsing import names_key

    options = style.citation.c_options
    collapse = (options.get("collapse") or "").strip()
    group_delimiter = options.get("cite-group-delimiter")
    if len(parts) < 3:
        return parts
    if not (collapse and not style.is_note) and not (
            group_delimiter and not any(find_tags(part.node, "citation-number") for part in parts)
            and not _updates_by_position(style)):
        return parts
    groups: dict[Any, list] = {}
    for index, part in enumerate(parts):
        key = names_key(part.node)
        groups.setdefault(("cite", index) if key is None else key, []).append(part)
    return [part for group in groups.values() for part in group]


@upstream("sorting.grouped-sort")
def grouped_sort_upstream(parts: list, style) -> list:
    return parts  # citeproc-py sorts a cluster by its cs:sort alone
