"""Disambiguation: telling apart cites that would read the same (CSL 1.0.2 §"Disambiguation").

Disambiguation is decided once per render, over every cited item and the bibliography together
(`assign`), and gives each item a `context.Disambiguation`, which evaluation reads (year
suffix, names to show, given names to expand, the `disambiguate="true"` condition).

What is done today: year suffixes (`disambiguate-add-year-suffix`). Items whose first cites
read the same — after what `disambiguate-add-names` and `disambiguate-add-givenname` (as the
`givenname-disambiguation-rule` lets it) could still tell apart — get "a", "b" … in
bibliography order; the suffix follows the first year printed (or wherever the style prints
`year-suffix`), in the bibliography and in citations. Adding names and given names to the cites
themselves, and `disambiguate="true"`, are not done yet (README, known limitations).
"""

from __future__ import annotations

from typing import Any

from evidencebib.render.context import Disambiguation
from evidencebib.render.overrides import override, upstream


def given_initials(given: str) -> tuple[str, ...]:
    """The initials a given name can be shortened to: "Robert James", "R. J." and "R J" are
    the same; "Jean-Paul" and "J.-P." are ("J", "-P")."""
    out = []
    for word in given.replace(".", " ").split():
        for index, piece in enumerate(word.split("-")):
            if piece:
                out.append(("-" if index else "") + piece[0])
    return tuple(out)


def year_suffix(index: int) -> str:
    """a … z, aa, ab … (citeproc-js's sequence); index 0 is "a"."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    if index < 26:
        return letters[index]
    return letters[index // 26 - 1] + letters[index % 26]


def _names_key(view, variables, all_names: bool, with_given: bool, shown: int | None,
               primary_only: bool = False, initials: bool = False):
    """What disambiguation by names could still tell apart: the whole list of family names
    (disambiguate-add-names) and/or the given names of the names a cite shows
    (disambiguate-add-givenname): only the first name's with a primary-name rule, only
    their initials with a -with-initials rule."""
    for variable in variables:
        names = view.names.get(variable)
        if names:
            given_of = names[:1] if primary_only else (names if all_names or shown is None else names[:shown])
            families = tuple(name.literal or name.family or "" for name in names) if all_names else ()
            givens = tuple(given_initials(name.given or "") if initials else name.given or ""
                           for name in given_of) if with_given else ()
            return families, givens
    return (), ()


@override("disambiguation.year-suffix", replaces="citeproc.model.Citation",
          rule="CSL 1.0.2 §Disambiguation (disambiguate-add-year-suffix, after what add-names and "
               "add-givenname with its givenname-disambiguation-rule can tell apart), year suffixes in "
               "bibliography order",
          fingerprint="60c2016e4ab821bc71fc65cde354918cab5d3ecf84195783bef0c1f2b13cfdb7", tests=("tests/render/test_render_fixes_agreement.py::test_same_author_and_year_get_year_suffixes_in_bibliography_order", "tests/render/test_engine_citations.py::test_year_suffixes_appear_in_citations_too"))
def assign(style, views, cite_texts: list[str | None]) -> dict[int, Disambiguation]:
    """Item position (in `views`, bibliography order) -> its disambiguation.

    `cite_texts` are the items' first cites as text (None when the style renders nothing)."""
    citation = style.citation
    if citation is None:
        return {}
    options = citation.c_options
    if (options.get("disambiguate-add-year-suffix") or "").lower() != "true":
        return {}
    add_names = (options.get("disambiguate-add-names") or "").lower() == "true"
    add_given = (options.get("disambiguate-add-givenname") or "").lower() == "true"
    # what citeproc-js 2.4.63 lets add-givenname expand (tests/render/test_render_fixes_agreement.py):
    # primary-name rules only the first name, -with-initials rules only initials, and the
    # default by-cite rule without add-names only the first name as well
    rule = (options.get("givenname-disambiguation-rule") or "by-cite").lower()
    primary_only = rule.startswith("primary-name") or (rule == "by-cite" and not add_names)
    initials = rule.endswith("-with-initials")
    root = style.root
    et_al_min = int(citation.get("et-al-min") or root.get("et-al-min") or 0)
    et_al_first = int(citation.get("et-al-use-first") or root.get("et-al-use-first") or 0)

    def shown(view) -> int | None:
        names = view.names.get("author") or view.names.get("editor") or ()
        count = len(names)
        if et_al_min and (count >= et_al_min or (names and "author" in view.truncated)):
            return et_al_first or None
        return None

    groups: dict[Any, list[int]] = {}
    for position, (view, text) in enumerate(zip(views, cite_texts)):
        if text is None:
            continue
        extra = _names_key(view, ("author", "editor", "translator"), add_names, add_given, shown(view),
                           primary_only, initials) if add_names or add_given else ()
        groups.setdefault((text, extra), []).append(position)
    out: dict[int, Disambiguation] = {}
    for members in groups.values():
        if len(members) > 1:
            for index, position in enumerate(members):
                out[position] = Disambiguation(year_suffix=index + 1)
    return out


@upstream("disambiguation.year-suffix")
def assign_upstream(style, views, cite_texts: list[str | None]) -> dict[int, Disambiguation]:
    return {}  # citeproc-py 0.11.1 declares the option and never acts on it
