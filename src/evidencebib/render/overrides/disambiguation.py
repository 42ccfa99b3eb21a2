"""Disambiguation: telling apart cites that would read the same (CSL 1.0.2 §"Disambiguation").

Disambiguation is decided once per render, over one cite of every registered item (all clusters
and the bibliography together), and gives each item a `context.Disambiguation`, which
evaluation reads. The cite compared is the one citeproc-js's getAmbiguousCite renders
(`disambiguation.ambiguous-cite`): the item's subsequent cite near its first, without its
accessed date, so that a short form used in later cites (et-al-subsequent-*, a position="subsequent"
branch) never reads like another item's. `disambiguate` runs the steps in the specification's
order, each an override: `disambiguation.names` (disambiguate-add-names: names added one at a
time while that splits the cites into smaller groups, each group going on alone;
disambiguate-add-givenname: initials or
full given names, everywhere for the all-names and primary-name rules, in ambiguous cites for
by-cite), `disambiguation.year-suffix` (a, b … in bibliography order for cites still alike),
`disambiguation.condition` (disambiguate="true" for cites still alike after that). Names and
given names are added in citations only; year suffixes and the condition show in the
bibliography too. The structure follows jgm/citeproc's disambiguateCitations; the cases where
citeproc-js differs from a literal reading (by-cite without add-names expands the first name
only) are tested against it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dataclasses import replace

from evidencebib.render.context import FIRST, NO_DISAMBIGUATION, CiteState, Disambiguation
from evidencebib.render.overrides import override, upstream

if TYPE_CHECKING:
    from evidencebib.render.intake import NameValue


class _LookingView:
    """An item as disambiguation renders its cite: citeproc-js's getAmbiguousCite ("just
    looking") prints no `accessed` date, so two cites that differ only by the day a page was
    read are ambiguous; a condition on the variable still sees it."""

    __slots__ = ("_view", "dates")

    def __init__(self, view) -> None:
        self._view = view
        self.dates = {key: value for key, value in view.dates.items() if key != "accessed"}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._view, name)

    def has(self, variable: str) -> bool:
        return self._view.has(variable)


# the position of every cite disambiguation renders: a subsequent one, near its first
AMBIGUOUS_CITE = CiteState(positions=frozenset({"subsequent", "near-note"}))


@override("disambiguation.ambiguous-cite", replaces="citeproc.model.Citation",
          rule="citeproc-js getAmbiguousCite (CSL 1.0.2 §Disambiguation leaves the form open): ambiguity is "
               "decided on each item's subsequent cite near its first (a short form, et-al-subsequent-*), "
               "without its accessed date",
          fingerprint="60c2016e4ab821bc71fc65cde354918cab5d3ecf84195783bef0c1f2b13cfdb7",
          tests=("tests/render/test_engine_disambiguation.py::"
                 "test_cites_that_read_alike_in_their_subsequent_form_are_told_apart_everywhere",
                 "tests/render/test_engine_disambiguation.py::"
                 "test_the_day_a_page_was_accessed_does_not_tell_its_cites_apart"))
def ambiguous_cite(view) -> tuple[Any, CiteState]:
    """(the item as disambiguation renders it, the cite's state there)."""
    return (_LookingView(view) if "accessed" in view.dates else view), AMBIGUOUS_CITE


@upstream("disambiguation.ambiguous-cite")
def ambiguous_cite_upstream(view) -> tuple[Any, CiteState]:
    return view, FIRST  # the item's first cite, as it is printed


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


def _family(name) -> str:
    """A name's family as its short form prints it: with its non-dropping particle ("dos Smith"
    and "Smith" are different names)."""
    if name.non_dropping and name.family:
        return f"{name.non_dropping} {name.family}"
    return name.family or ""


def _registered_family(name, demote: str | None) -> str:
    """The family under which citeproc-js's name registry tells given names apart
    (disambig_names.js set_keys): the family alone, with the non-dropping particle only when the
    style never demotes it ("dos Smith" and "Smith" clash unless demote-non-dropping-particle is
    "never")."""
    if demote == "never":
        return _family(name)
    return name.family or ""


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
            families = tuple(name.literal or _family(name) for name in names) if all_names else ()
            givens = tuple(given_initials(name.given or "") if initials else name.given or ""
                           for name in given_of) if with_given else ()
            return families, givens
    return (), ()


def _rule_key(names, rule: str | None, count: int):
    """What a cite of `count` names shows of them under a givenname-disambiguation-rule (the
    names compared by add-names, as jgm/citeproc's isDisambiguated)."""
    out = []
    for index, name in enumerate(names[:count]):
        family = name.literal or _family(name)
        if rule in ("all-names", "by-cite") or (rule == "primary-name" and index == 0):
            given: Any = name.given or ""
        elif rule == "all-names-with-initials" or (rule == "primary-name-with-initials" and index == 0):
            given = given_initials(name.given or "")
        else:
            given = None
        out.append((family, given))
    return tuple(out)


def _first_names(view):
    for variable in ("author", "editor", "translator", "director", "composer", "interviewer", "illustrator"):
        names = view.names.get(variable)
        if names:
            return names
    return ()


def _first_names_truncated(view) -> bool:
    for variable in ("author", "editor", "translator", "director", "composer", "interviewer", "illustrator"):
        if view.names.get(variable):
            return variable in view.truncated
    return False


def _ambiguities(texts: dict[int, str | None]) -> list[list[int]]:
    groups: dict[str, list[int]] = {}
    for index, text in texts.items():
        if text:
            groups.setdefault(text, []).append(index)
    return [members for members in groups.values() if len(members) > 1]


def _hint(name, others, with_initials_only: bool, demote: str | None = None) -> str | None:
    """"initials" or "full" for a name whose family another name shares (jgm addNameHint)."""
    family = _registered_family(name, demote)
    rivals = [other for other in others
              if other.key != name.key and _registered_family(other, demote) == family and name.family]
    if not rivals:
        return None
    mine = given_initials(name.given or "")
    if with_initials_only:  # initials help wherever some rival's initials differ from ours
        return "initials" if any(given_initials(other.given or "") != mine for other in rivals) else None
    if any(given_initials(other.given or "") == mine for other in rivals):
        return "full"
    return "initials"


def _global_names(views, rule: str, demote: str | None = None) -> dict[Any, str]:
    """all-names / primary-name rules: names are told apart wherever they appear, not only in
    ambiguous cites (CSL 1.0.2 §Disambiguation, givenname-disambiguation-rule)."""
    primary = rule.startswith("primary-name")
    relevant: dict[tuple[Any, ...], NameValue] = {}  # NameValue.key -> the name
    for view in views:
        names = _first_names(view)
        for name in (names[:1] if primary else names):
            if name.literal is None:
                relevant.setdefault(name.key, name)
    everyone = list(relevant.values())
    out = {}
    for name in everyone:
        hint = _hint(name, everyone, rule.endswith("-with-initials"), demote)
        if hint is not None:
            out[name.key] = hint
    return out


@override("disambiguation.names", replaces="citeproc.model.Citation",
          rule="CSL 1.0.2 §Disambiguation: disambiguate-add-names (names added one at a time until cites "
               "differ), disambiguate-add-givenname with givenname-disambiguation-rule (all-names, "
               "all-names-with-initials, primary-name, primary-name-with-initials: names told apart "
               "everywhere; by-cite: in ambiguous cites), in citations only",
          fingerprint="60c2016e4ab821bc71fc65cde354918cab5d3ecf84195783bef0c1f2b13cfdb7",
          tests=("tests/render/test_engine_disambiguation.py::test_add_names_shows_the_names_that_tell_cites_apart",
                 "tests/render/test_engine_disambiguation.py::"
                 "test_a_name_more_is_kept_when_it_splits_the_cites_into_smaller_groups",
                 "tests/render/test_engine_disambiguation.py::test_add_givenname_by_cite_expands_the_clashing_name"))
def disambiguate_names(options: dict[str, Any], views, render, current: dict[int, Disambiguation]) -> None:
    """Adds names and given names to the Disambiguation of ambiguous items (in place)."""
    add_names = (options.get("disambiguate-add-names") or "").lower() == "true"
    add_given = (options.get("disambiguate-add-givenname") or "").lower() == "true"
    rule = (options.get("givenname-disambiguation-rule") or "by-cite").lower() if add_given else None
    if rule is not None and rule != "by-cite":
        hints = _global_names(views, rule, options.get("demote-non-dropping-particle"))
        if hints:
            for index, view in enumerate(views):
                own = {name.key for name in _first_names(view)}
                mine = {key: value for key, value in hints.items() if key in own}
                if mine:
                    current[index] = replace(current.get(index, NO_DISAMBIGUATION), given_names=mine)

    def texts_of(indices):
        return {index: render(index, current.get(index, NO_DISAMBIGUATION)) for index in indices}

    def by_cite(group):
        names_of = {index: _first_names(views[index]) for index in group}
        remaining = list(group)
        width = max((len(names) for names in names_of.values()), default=0)
        # without add-names citeproc-js 2.4.63 expands the first name only (checked cases:
        # tests/render/test_render_fixes_agreement.py)
        for position in range(width if add_names else min(width, 1)):
            column = [names_of[index][position] for index in remaining if len(names_of[index]) > position]
            hinted = []
            for index in remaining:
                names = names_of[index]
                if len(names) <= position or names[position].literal is not None:
                    continue
                hint = _hint(names[position], column, False, options.get("demote-non-dropping-particle"))
                if hint is not None:
                    old = current.get(index, NO_DISAMBIGUATION)
                    current[index] = replace(old, given_names={**old.given_names, names[position].key: hint})
                    hinted.append(index)
            remaining = [index for index in remaining if index not in hinted]
            if not remaining:
                break

    ambiguous = _ambiguities(texts_of(range(len(views))))
    if add_names and ambiguous:
        for group in ambiguous:
            if rule == "by-cite":
                by_cite(group)
            names_of = {index: _first_names(views[index]) for index in group}
            # a list truncated at the source always ends in "et al." (names.source-et-al-...)
            truncated = {index: _first_names_truncated(views[index]) for index in group}
            most = max((len(names) for names in names_of.values()), default=0)
            # a name more is kept when it splits the group (citeproc-js keeps a step that
            # lowers the clashes, then goes on with each part): the cites still alike in a
            # part go on from there ("Smith, Jones & Brown" twice, "Smith, Jones, Brown,
            # et al." twice: year suffixes tell each pair apart)
            pending: list[tuple[list[int], int]] = [(list(group), 1)]
            while pending:
                left, start = pending.pop()
                for count in range(start, most + 1):
                    # what a cite of `count` names shows: those names, and "et al." after them
                    keys = {index: (_rule_key(names_of[index], rule, count),
                                    len(names_of[index]) > count or truncated[index])
                            for index in left}
                    parts: dict[Any, list[int]] = {}
                    for index in left:
                        parts.setdefault(keys[index], []).append(index)
                    if len(parts) > 1:
                        for index in left:
                            current[index] = replace(current.get(index, NO_DISAMBIGUATION), et_al_names=count)
                        pending.extend((part, count + 1) for part in parts.values() if len(part) > 1)
                        break
        ambiguous = _ambiguities(texts_of([index for group in ambiguous for index in group]))
    if rule == "by-cite" and ambiguous:
        for group in ambiguous:
            by_cite(group)


@upstream("disambiguation.names")
def disambiguate_names_upstream(options, views, render, current) -> None:
    return None  # citeproc-py 0.11.1 declares the options and never acts on them


@override("disambiguation.condition", replaces="citeproc.model.If.render",
          rule="CSL 1.0.2 §Choose: disambiguate=\"true\" holds for cites that every other method left "
               "ambiguous",
          fingerprint="127a05cb693c07a30714fc45d3f706c2aa537e6f17452c533763bf7381f1a50b",
          tests=("tests/render/test_engine_disambiguation.py::test_disambiguate_condition_holds_for_cites_still_ambiguous",))
def condition(groups: list[list[int]], current: dict[int, Disambiguation]) -> None:
    for group in groups:
        for index in group:
            current[index] = replace(current.get(index, NO_DISAMBIGUATION), condition=True)


@upstream("disambiguation.condition")
def condition_upstream(groups, current) -> None:
    return None


def disambiguate(style, views, render, b) -> dict[int, Disambiguation]:
    """Item position (in `views`, bibliography order) -> its disambiguation, decided over all the
    items' first cites together (CSL 1.0.2 §Disambiguation, in its order: add-names,
    add-givenname, year-suffix, then disambiguate="true"). `render(index, disamb)` is the
    visible text of the item's first cite (None when the style prints nothing)."""
    citation = style.citation
    if citation is None:
        return {}
    options = {**citation.c_options, "demote-non-dropping-particle": style.compiler.demote_particle}
    current: dict[int, Disambiguation] = {}
    b.disambiguation_names(options, views, render, current)

    def ambiguous_now():
        return _ambiguities({index: render(index, current.get(index, NO_DISAMBIGUATION))
                             for index in range(len(views))})

    groups = ambiguous_now()
    if groups and (options.get("disambiguate-add-year-suffix") or "").lower() == "true":
        for position, value in b.disambiguation_year_suffix(style, views, groups).items():
            current[position] = replace(current.get(position, NO_DISAMBIGUATION),
                                        year_suffix=value.year_suffix)
        groups = ambiguous_now()
    if groups:
        b.disambiguation_condition(groups, current)
    return current


@override("disambiguation.year-suffix", replaces="citeproc.model.Citation",
          rule="CSL 1.0.2 §Disambiguation (disambiguate-add-year-suffix): cites left ambiguous by add-names "
               "and add-givenname get year suffixes in bibliography order",
          fingerprint="60c2016e4ab821bc71fc65cde354918cab5d3ecf84195783bef0c1f2b13cfdb7",
          tests=("tests/render/test_render_fixes_agreement.py::test_same_author_and_year_get_year_suffixes_in_bibliography_order",
                 "tests/render/test_engine_citations.py::test_year_suffixes_appear_in_citations_too"))
def assign(style, views, groups: list[list[int]]) -> dict[int, Disambiguation]:
    """Item position (in `views`, bibliography order) -> its year suffix, for each group of
    items whose cites still read the same."""
    out: dict[int, Disambiguation] = {}
    for members in groups:
        for index, position in enumerate(sorted(members)):
            out[position] = Disambiguation(year_suffix=index + 1)
    return out


@upstream("disambiguation.year-suffix")
def assign_upstream(style, views, groups: list[list[int]]) -> dict[int, Disambiguation]:
    return {}  # citeproc-py 0.11.1 declares the option and never acts on it
