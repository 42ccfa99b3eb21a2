"""The explicit state of a render, passed to every `evaluate(ctx)` (as jgm/citeproc's Eval.hs
carries its context and state): nothing is kept on items, on the style, in thread-locals or in
the environment.

A `RenderContext` is made per `Engine.bibliography` / `Engine.citations` call and reset for
each entry or cite (`start`). What it holds:

- what the whole render shares: the compiled style, its merged locale, the behaviours of the
  overrides (render/overrides), the mode (`citation` or `bibliography`);
- what the current entry or cite is: the item (`ItemView`), the cite (`CiteState`: locator and
  label, positions, note numbers), its citation number, its disambiguation (`Disambiguation`:
  year suffix, names shown …);
- what evaluating the entry accumulates: the variables a `cs:substitute` used (suppressed for the
  rest of the entry, CSL 1.0.2 §"Substitute"), the counts of variables looked up and found (a
  `cs:group` is suppressed when it looked some up and found none, §"Group"), whether the year
  suffix was printed, whether a `cs:text` of a text variable was evaluated (cite collapsing),
  and the work budget (elements evaluated, bounded per entry);
- while a sort key is evaluated: `sorting` and the key's name options (§"Sorting").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evidencebib.errors import StyleError


@dataclass(frozen=True)
class CiteState:
    """What a cite adds to an item: locator and its label, prefix/suffix, positions (CSL
    1.0.2 §"Position": "first", "subsequent", "ibid", "ibid-with-locator", "near-note"), the
    note number of its cluster and of the item's first cite."""

    locator: str | None = None
    label: str | None = None
    positions: frozenset[str] = frozenset({"first"})
    note_number: int | None = None
    first_note_number: int | None = None


FIRST = CiteState()


@dataclass
class Disambiguation:
    """How an item's cites are told apart (CSL 1.0.2 §"Disambiguation"): the year suffix
    (1 = "a"), how many names to show (add-names), whose given names to expand
    (add-givenname: name keys -> "initials" or "full"), and whether `disambiguate="true"`
    conditions hold."""

    year_suffix: int | None = None
    et_al_names: int | None = None
    given_names: dict[Any, str] = field(default_factory=dict)
    condition: bool = False


NO_DISAMBIGUATION = Disambiguation()


class BudgetExceeded(StyleError):
    """A style made the engine evaluate more elements than `EngineOptions.max_elements` for one
    entry or cite (issue 12, hole 15: a style of 60k repeated `<text variable="title"/>`)."""


class RenderContext:
    __slots__ = ("style", "locale", "b", "mode", "sorting", "sort_names", "sort_date_macro", "item", "cite",
                 "number", "disamb", "suppressed", "in_substitute", "substitute_names", "called", "found",
                 "year_suffix_done", "budget", "limit", "style_name", "optimised", "names_seen",
                 "text_variable_called", "blank_names")

    def __init__(self, style: Any, behaviours: Any, mode: str, limit: int, optimised: bool = True) -> None:
        self.style = style
        self.locale = style.locale
        self.b = behaviours
        self.mode = mode
        self.sorting = False
        self.sort_names: dict[str, Any] | None = None
        self.sort_date_macro = False  # in a sort key, inside a macro holding a cs:date
        self.item: Any = None
        self.cite: CiteState = FIRST
        self.number: int | None = None
        self.disamb: Disambiguation = NO_DISAMBIGUATION
        self.suppressed: set[str] = set()
        self.in_substitute = False
        self.substitute_names: Any = None
        self.called = 0
        self.found = 0
        self.year_suffix_done = False
        self.limit = limit
        self.budget = limit
        self.style_name = style.name
        self.optimised = optimised
        self.names_seen: list[Any] = []
        self.text_variable_called = False
        # a cs:names printed nothing so far in this entry or cite (outside suppressed groups):
        # a term after it is not the first thing printed (positions.initial-term)
        self.blank_names = False

    def start(self, item: Any, cite: CiteState = FIRST, number: int | None = None,
              disamb: Disambiguation = NO_DISAMBIGUATION) -> None:
        """Begin an entry or cite of `item`."""
        self.item = item
        self.cite = cite
        self.number = number
        self.disamb = disamb
        if self.suppressed:
            self.suppressed = set()
        self.in_substitute = False
        self.substitute_names = None
        self.called = 0
        self.found = 0
        self.year_suffix_done = False
        self.budget = self.limit
        if self.names_seen:
            self.names_seen = []
        self.blank_names = False
        self.text_variable_called = False

    def exhausted(self) -> None:
        raise BudgetExceeded(f"style {self.style_name} is too complex: rendering one entry evaluated more "
                             f"than {self.limit:,} elements")

    # variables ----------------------------------------------------------------------------
    def text(self, variable: str) -> Any:
        """The value of a text or number variable (None when absent or substituted), counted
        as a variable looked up."""
        self.called += 1
        if variable in self.suppressed:
            return None
        value = self.item.text.get(variable)
        if value is None:
            return None
        self.found += 1
        if self.in_substitute:
            self.suppressed.add(variable)
        return value
