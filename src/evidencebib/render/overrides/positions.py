"""Conditions (`cs:if`, `cs:else-if`) and the positions of cites in a document.

CSL 1.0.2 §"Choose" (type, variable, is-numeric, is-uncertain-date, locator, position,
disambiguate; `match` any/all/none over every test of the element) and §"Position" (first,
subsequent, ibid, ibid-with-locator, near-note, over all clusters in document order).
"""

from __future__ import annotations

from typing import Any, Iterable

from citeproc import model

from evidencebib.render.context import CiteState
from evidencebib.render.overrides import override, upstream
from evidencebib.render.overrides import adapter as up

_LOCATOR_NAMES = {"sub verbo": "sub-verbo"}


def _variable_present(word: str, ctx) -> bool:
    if word == "locator":
        return ctx.cite.locator is not None
    if word == "citation-number":
        return ctx.number is not None
    if word == "year-suffix":
        return bool(ctx.disamb.year_suffix)
    if word == "first-reference-note-number":
        return ctx.cite.first_note_number is not None and ctx.mode == "citation"
    return ctx.item.has(word)


def _numeric(word: str, ctx) -> bool:
    from evidencebib.render.elements import is_numeric

    if word == "locator":
        value: Any = ctx.cite.locator
    elif word == "citation-number":
        return ctx.number is not None
    else:
        value = ctx.item.text.get(word)
    return value is not None and is_numeric(value)


def test(kind: str, word: str, ctx) -> bool:
    if kind == "type":
        return ctx.item.type == word
    if kind == "variable":
        return _variable_present(word, ctx)
    if kind == "is-numeric":
        return _numeric(word, ctx)
    if kind == "is-uncertain-date":
        date = ctx.item.dates.get(word)
        return date is not None and date.circa
    if kind == "locator":
        if ctx.cite.locator is None:
            return False
        label = ctx.cite.label or "page"
        return _LOCATOR_NAMES.get(label, label) == word
    if kind == "position":
        if ctx.mode != "citation":
            return False
        return word in ctx.cite.positions
    if kind == "disambiguate":
        return word == "true" and ctx.disamb.condition
    return False


@override("positions.conditions", replaces="citeproc.model.If.render",
          rule="CSL 1.0.2 §Choose: every test of a cs:if/cs:else-if (type, variable, is-numeric with "
               "ranges and affixed numbers, is-uncertain-date, locator, position, disambiguate) combined by "
               "match=\"all|any|none\"",
          fingerprint="127a05cb693c07a30714fc45d3f706c2aa537e6f17452c533763bf7381f1a50b",
          tests=("tests/render/test_engine_text.py::test_is_numeric_accepts_a_range",))
def holds(branch, ctx) -> bool:
    results = (test(kind, word, ctx) for kind, word in branch.c_tests)
    match = branch.c_match
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)


@upstream("positions.conditions")
def holds_upstream(branch, ctx) -> bool:
    """citeproc-py's tests (`If._type`, `If._variable`, `If._is_numeric` …) on our element."""
    item = up.item(ctx)
    results: list[bool] = []
    if "type" in branch.attrib:
        results += model.If._type(branch, item)
    if "variable" in branch.attrib:
        results += model.If._variable(branch, item)
    if "is-numeric" in branch.attrib:
        results += [bool(value) for value in model.If._is_numeric(branch, item)]
    if "is-uncertain-date" in branch.attrib:
        results += model.If._is_uncertain_date(branch, item)
    if "locator" in branch.attrib:
        results += model.If._locator(branch, item)
    if "position" in branch.attrib:
        results += [test("position", word, ctx) for word in branch.get("position").split()]
    match = branch.get("match")
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)


def _same_locator(a: CiteState | None, locator: str | None, label: str | None) -> bool:
    return a is not None and a.locator == locator and (a.label or "page") == (label or "page")


@override("positions.cite-positions", replaces="citeproc.model.If._position",
          rule="CSL 1.0.2 §Position: first, subsequent, ibid / ibid-with-locator (after a cite of the same "
               "item in the same citation, or a previous citation of that one item; locators compared), "
               "near-note (within near-note-distance notes); ibid-with-locator implies ibid, ibid and "
               "near-note imply subsequent",
          fingerprint="b4ab05d660aaeb8941563a59a4510aa6eb9b4d54efea6c6e73673aafaf96b19d",
          tests=("tests/render/test_engine_citations.py::test_ibid_and_subsequent_positions",))
def positions(clusters: Iterable[tuple[int | None, list[tuple[str, str | None, str | None]]]],
              near_note_distance: int = 5) -> list[list[CiteState]]:
    """For each cluster (note number, [(item key, locator, label)]), each cite's state."""
    first_note: dict[str, int | None] = {}
    last_note: dict[str, int | None] = {}
    seen: set[str] = set()
    previous_cluster: list[tuple[str, str | None, str | None]] | None = None
    out = []
    for note, cites in clusters:
        states = []
        for index, (key, locator, label) in enumerate(cites):
            kinds = set()
            if key not in seen:
                kinds.add("first")
            else:
                kinds.add("subsequent")
                before = None
                if index > 0:
                    before = cites[index - 1]
                elif previous_cluster is not None and len(previous_cluster) == 1:
                    before = previous_cluster[0]
                if before is not None and before[0] == key:
                    before_locator, before_label = before[1], before[2]
                    if before_locator is None:
                        kinds.add("ibid")
                        if locator is not None:
                            kinds.add("ibid-with-locator")
                    elif locator is not None:
                        kinds.add("ibid")
                        if locator != before_locator or (label or "page") != (before_label or "page"):
                            kinds.add("ibid-with-locator")
                previous = last_note.get(key)
                if note is not None and previous is not None and note - previous <= near_note_distance:
                    kinds.add("near-note")
            states.append(CiteState(locator, label, frozenset(kinds), note, first_note.get(key, note)))
            seen.add(key)
            first_note.setdefault(key, note)
            last_note[key] = note
        previous_cluster = cites
        out.append(states)
    return out


@upstream("positions.cite-positions")
def positions_upstream(clusters, near_note_distance: int = 5) -> list[list[CiteState]]:
    """citeproc-py's rule (If._position): ibid also after a previous citation of several cites,
    ibid-with-locator without ibid."""
    seen: set[str] = set()
    last: tuple[str, str | None] | None = None
    out = []
    for note, cites in clusters:
        states = []
        for key, locator, label in cites:
            kinds = {"first"} if key not in seen else {"subsequent"}
            if key in seen and last is not None and last[0] == key:
                if locator is not None or last[1] is None:
                    kinds.add("ibid")
                if locator is not None and (last[1] is None or last[1] != locator):
                    kinds.add("ibid-with-locator")
            states.append(CiteState(locator, label, frozenset(kinds), note, note))
            seen.add(key)
            last = (key, locator)
        out.append(states)
    return out
