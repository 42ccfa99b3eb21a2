"""Conditions (`cs:if`, `cs:else-if`) and the positions of cites in a document.

CSL 1.0.2 §"Choose" (type, variable, is-numeric, is-uncertain-date, locator, position,
disambiguate; `match` any/all/none over every test of the element) and §"Position" (first,
subsequent, ibid, ibid-with-locator, near-note, over all clusters in document order).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

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
               "match=\"all|any|none\"; the types of one type attribute are one test, any of them "
               "(citeproc-js CSL.Attributes[\"@type\"]: \"ALWAYS composed as an 'any' match\")",
          fingerprint="127a05cb693c07a30714fc45d3f706c2aa537e6f17452c533763bf7381f1a50b",
          tests=("tests/render/test_engine_text.py::test_is_numeric_accepts_a_range",
                 "tests/render/test_engine_item_reading.py::"
                 "test_the_types_of_one_condition_are_alternatives_under_match_all"))
def holds(branch, ctx) -> bool:
    results = _results(branch, ctx)
    match = branch.c_match
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)


def _results(branch, ctx) -> Iterator[bool]:
    """Each test's result, the `type` attribute's words one test: an item has one type, and
    citeproc-js (src/attributes.js, CSL.Attributes["@type"]: "This is ALWAYS composed as an
    'any' match") reads `type="article report"` as "article or report" under every `match`,
    where CSL 1.0.2's `match="all"` (the default) would ask the item to be both, a test no item
    passes. Styles write the list meaning "any of these" (revue-francaise-de-sociologie's
    `<if type="article report">`), and Zotero users see them so."""
    typed = False
    for kind, word in branch.c_tests:
        if kind != "type":
            yield test(kind, word, ctx)
        elif not typed:
            typed = True
            yield any(test(kind, one, ctx) for kind, one in branch.c_tests if kind == "type")


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


def _streams(clusters: list[tuple[int | None, list[tuple[str, str | None, str | None]]]]) -> list[list[int]]:
    """The indices of the clusters in text (no note number, or 0) and those in notes: citeproc-js
    decides positions in each stream on its own, so an in-text citation of a note style follows
    the in-text one before it, not the footnote between them."""
    text = [index for index, (note, _) in enumerate(clusters) if not note]
    notes = [index for index, (note, _) in enumerate(clusters) if note]
    return [text, notes]


def _locator_key(locator: str | None, label: str | None) -> tuple[str, str] | None:
    """What "the same locator" compares: the locator and its label ("page" when none is given)."""
    return None if locator is None else (locator, label or "page")


@override("positions.cite-positions", replaces="citeproc.model.If._position",
          rule="CSL 1.0.2 §Position, as citeproc-js decides it (processCitationCluster): first, subsequent; "
               "ibid / ibid-with-locator after a cite of the same item in the same citation, or first in a "
               "citation after a previous note of that single cite (consecutive notes), or after an in-text "
               "citation ending with it; locators compared (a locator after none: ibid-with-locator; none "
               "after one: subsequent); near-note within near-note-distance notes (every repeat in text); "
               "in-text citations and notes counted apart; first-reference-note-number",
          fingerprint="b4ab05d660aaeb8941563a59a4510aa6eb9b4d54efea6c6e73673aafaf96b19d",
          tests=("tests/render/test_engine_citations.py::test_ibid_and_subsequent_positions",
                 "tests/render/test_engine_positions.py::test_a_note_after_a_note_of_two_citations_is_not_ibid",
                 "tests/render/test_engine_positions.py::test_in_text_citations_of_a_note_style_follow_each_other",
                 "tests/render/test_engine_positions.py::test_notes_that_are_not_consecutive_are_not_ibid"))
def positions(clusters: Iterable[tuple[int | None, list[tuple[str, str | None, str | None]]]],
              near_note_distance: int = 5) -> list[list[CiteState]]:
    """For each cluster (note number, [(item key, locator, label)] in the citation's sorted order),
    each cite's state."""
    given = [(note, list(cites)) for note, cites in clusters]
    out: list[list[CiteState]] = [[] for _ in given]
    for stream in _streams(given):
        first_ref: dict[str, int] = {}
        last_ref: dict[str, int] = {}
        cites_in_note: dict[int, int] = {}
        for j, index in enumerate(stream):
            note = given[index][0] or 0
            cites = given[index][1]
            previous = given[stream[j - 1]] if j else None
            previous_note = (previous[0] or 0) if previous is not None else None
            if previous_note is not None and note and previous_note > note:  # notes renumbered back
                first_ref, last_ref, cites_in_note = {}, {}, {}
            cites_in_note[note] = cites_in_note.get(note, 0) + len(cites)
            states = []
            for k, (key, locator, label) in enumerate(cites):
                kinds: set[str] = set()
                first_note = None
                if key not in last_ref:
                    kinds.add("first")
                    first_ref[key] = last_ref[key] = note
                else:
                    before: tuple[str, str | None, str | None] | None = None
                    if k > 0:
                        if cites[k - 1][0] == key:
                            before = cites[k - 1]
                    elif previous is not None and previous[1]:
                        if previous_note != note:  # the previous note: one cite of it, notes in a row
                            if previous[1][0][0] == key and previous_note is not None \
                                    and previous_note >= note - 1 and cites_in_note.get(previous_note) == 1:
                                before = previous[1][0]
                        elif previous[1][-1][0] == key:  # the same note (or text): its last cite
                            before = previous[1][-1]
                    kinds.add("subsequent")
                    if before is not None:
                        mine, theirs = _locator_key(locator, label), _locator_key(*before[1:])
                        if theirs is None or mine is not None:
                            kinds.add("ibid")
                            if mine is not None and mine != theirs:
                                kinds.add("ibid-with-locator")
                    first_ref.setdefault(key, note)
                    if first_ref[key] != note:
                        first_note = first_ref[key]
                if note:
                    if "first" not in kinds and note - last_ref[key] <= near_note_distance:
                        kinds.add("near-note")
                    last_ref[key] = note
                elif "first" not in kinds:
                    kinds.add("near-note")
                states.append(CiteState(locator, label, frozenset(kinds), given[index][0], first_note))
            out[index] = states
    return out


def explicit(state: CiteState, position: str | None, near_note: bool | None) -> CiteState:
    """A cite's state with the position its caller stated (a word processor that tracks notes
    itself): "ibid-with-locator" implies "ibid", and both imply "subsequent"."""
    if position is None and near_note is None:
        return state
    kinds = set(state.positions)
    if position is not None:
        kinds = set(_IMPLIED[position])
        if "near-note" in state.positions and position != "first":
            kinds.add("near-note")
    if near_note is not None:
        kinds.discard("near-note")
        if near_note and "first" not in kinds:
            kinds.add("near-note")
    return CiteState(state.locator, state.label, frozenset(kinds), state.note_number, state.first_note_number)


_IMPLIED = {"first": ("first",), "subsequent": ("subsequent",), "ibid": ("subsequent", "ibid"),
            "ibid-with-locator": ("subsequent", "ibid", "ibid-with-locator")}


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


# an initial term -----------------------------------------------------------------------------

_TERMINAL = (":", ".", ";", "!", "?")
_PREFIX_TAIL = "\"'\u201d\u2019\u00bb\u202f\u00a0 "


def sentence_prefix(prefix: str) -> bool:
    """A cite prefix that is a sentence of its own ("This has been said. "): more than one word,
    ending in terminal punctuation (before closing quotes). A term after it starts a sentence;
    after any other prefix ("see ") it does not."""
    import re

    text = re.sub(r"<[^>]+>", "", prefix).rstrip(_PREFIX_TAIL)
    return text[-1:] in _TERMINAL and " " in prefix.strip()


def _capitalized(text: str) -> str:
    """citeproc-js's capitalize-first (CSL.Output.Formatters["capitalize-first"]): the first
    word's first letter when the word is lower case, words cut at punctuation as its case engine
    cuts them ("o.V." -> "O.V.": "o" is a word of its own)."""
    from evidencebib.render.overrides.textcase import case_leaves

    return case_leaves("capitalize-first", [(text, False)])[0]


def _with_initial_term_capitalized(node: Any) -> Any:
    """`node` with its first printed text capitalized when that text is a term's (a copy along
    the path changed; shared nodes are never changed). Affixes are not printed text here: in
    citeproc-js they are decorations, not output that precedes the term."""
    from evidencebib.render.output import Lit, Span

    def walk(current: Any, in_term: bool) -> tuple[Any, bool]:
        """(the node, whether its first printed text was found in it)."""
        if type(current) is Lit:
            if not current.text:
                return current, False
            if in_term:
                return Lit(_capitalized(current.text), current.nocase), True
            return current, True
        if current.tag is not None and current.tag[0] == "citation-number":
            # citeproc-js appends the citation number as a NumericBlob, which does not set
            # state.tmp.term_predecessor: a term after it is still the first thing printed
            return current, False
        tag = current.tag
        if tag is not None and tag[0] == "term" and len(tag) > 2 and tag[2]:
            return current, True  # after a cs:names that printed nothing: not the first thing printed
        if tag is not None and tag[0] == "term" and len(tag) > 3 and tag[3] == "lowercase":
            # citeproc-js capitalizes the term as it reads it (node_text.js) and applies the term's
            # text-case when it appends it (queue.js, CSL.Output.Queue.append): lowercase wins
            return current, True
        term = in_term or (tag is not None and tag[0] == "term")
        for index, kid in enumerate(current.kids):
            new, found = walk(kid, term)
            if found:
                if new is kid:
                    return current, True
                kids = list(current.kids)
                kids[index] = new
                return Span(kids, current.font, current.quotes, current.prefix, current.suffix,
                            current.display, current.tag, current.link), True
        return current, False

    return walk(node, False)[0] if node is not None else None


@override("positions.initial-term", replaces="citeproc.model.Text._term",
          rule="citeproc-js (node_text.js, checkIgnorePredecessor): a term printed before anything else of a "
               "cite or entry starts with a capital (\"Ibid.\"), except in citations of in-text styles; in a "
               "citation only the first cite's, or a cite's after a prefix that is a sentence of its own; "
               "the citation number does not count as printed before it (queue.js: a NumericBlob leaves "
               "term_predecessor unset), a cs:names that printed nothing does (outside a suppressed group); "
               "capitalize-first as CSL.Output.Formatters does it "
               "(\"o.V.\" -> \"O.V.\"); the term's own text-case is applied after it "
               "(queue.js, CSL.Output.Queue.append: text-case=\"lowercase\" keeps OSCOLA's \"ibid.\")",
          fingerprint="190f687633dfa72fba7734ed01de31737bb93905d3329645b2fd669a564d8237",
          tests=("tests/render/test_engine_positions.py::test_ibid_first_in_a_note_starts_with_a_capital",
                 "tests/render/test_engine_positions.py::test_a_term_after_a_word_of_prefix_keeps_its_case",
                 "tests/render/test_engine_positions.py::"
                 "test_a_term_after_the_citation_number_of_an_entry_starts_with_a_capital",
                 "tests/render/test_engine_positions.py::"
                 "test_the_capital_of_an_initial_term_goes_to_its_first_word_cut_at_full_stops",
                 "tests/render/test_engine_positions.py::test_a_term_after_a_cs_names_that_printed_nothing_keeps_its_case",
                 "tests/render/test_engine_positions.py::"
                 "test_an_initial_terms_own_text_case_lowercase_wins_but_a_groups_or_macro_calls_does_not"))
def initial_term(node: Any, mode: str, style_class: str | None, first: bool, prefix: str) -> Any:
    """The cite's (or entry's) tree, its initial term capitalized where citeproc-js does it."""
    if mode == "citation":
        if style_class == "in-text":
            return node
        if prefix:
            if not sentence_prefix(prefix):
                return node
        elif not first:
            return node
    return _with_initial_term_capitalized(node)


@upstream("positions.initial-term")
def initial_term_upstream(node: Any, mode: str, style_class: str | None, first: bool, prefix: str) -> Any:
    return node  # citeproc-py prints a term as the locale spells it
