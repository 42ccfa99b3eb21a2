"""Cites and clusters: what `Engine.citations` renders (CSL 1.0.2 §"Citation").

A `Cluster` is one in-text citation or note: its cites in the order written, and for note
styles the number of its note. A `Cite` names one item and may add a locator with its label
(CSL 1.0.2 §"Locators": "page", "chapter", "figure" …, "page" when none is given), a prefix and a
suffix, and ask for the author to be left out ("(2000, p. 3)") or for the author alone. Its
position (CSL 1.0.2 §"Position") is decided over the document's clusters unless the caller states
it (`position`, `near_note`: a word processor that numbers the notes itself), as a CSL-JSON
citation item may ("position": 0–4 in citeproc-js's numbering, or the position's name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, cast, get_args

Position = Literal["first", "subsequent", "ibid", "ibid-with-locator"]
POSITIONS: tuple[str, ...] = get_args(Position)
# citeproc-js's numbers for a citation item's "position" (CSL.POSITION_*; 4 is CSL-M's
# container-subsequent, a subsequent cite here)
_JS_POSITIONS = {0: "first", 1: "subsequent", 2: "ibid", 3: "ibid-with-locator", 4: "subsequent"}


@dataclass(frozen=True)
class Cite:
    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False
    position: Position | None = None
    near_note: bool | None = None

    def __post_init__(self) -> None:
        if self.position is not None and self.position not in POSITIONS:
            raise ValueError(f"unknown cite position {self.position!r} (one of {', '.join(POSITIONS)})")


@dataclass(frozen=True)
class Cluster:
    cites: tuple[Cite, ...] = field(default_factory=tuple)
    note_number: int | None = None
    id: str | None = None

    def __init__(self, cites: Iterable[Cite | str | dict[str, Any]], note_number: int | None = None,
                 id: str | None = None) -> None:
        object.__setattr__(self, "cites", tuple(as_cite(cite) for cite in cites))
        object.__setattr__(self, "note_number", note_number)
        object.__setattr__(self, "id", id)


def as_cite(cite: Cite | str | dict[str, Any]) -> Cite:
    """A Cite from a Cite, an item id, or a CSL-JSON citation item (`{"id", "locator",
    "label", "prefix", "suffix", "suppress-author", "author-only", "position", "near-note"}`)."""
    if isinstance(cite, Cite):
        return cite
    if isinstance(cite, str):
        return Cite(cite)
    if isinstance(cite, dict):
        locator = cite.get("locator")
        return Cite(str(cite.get("id")), str(locator) if locator not in (None, "") else None,
                    cite.get("label") or None, cite.get("prefix") or None, cite.get("suffix") or None,
                    bool(cite.get("suppress-author") or cite.get("suppress_author")),
                    bool(cite.get("author-only") or cite.get("author_only")),
                    _position(cite.get("position")), _near_note(cite.get("near-note", cite.get("near_note"))))
    raise TypeError(f"not a cite: {cite!r}")


def _position(value: Any) -> Position | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"unknown cite position {value!r}")
    if isinstance(value, int) or value.isdigit():
        if int(value) not in _JS_POSITIONS:
            raise ValueError(f"unknown cite position {value!r} (0 to 4)")
        value = _JS_POSITIONS[int(value)]
    if value not in POSITIONS:
        raise ValueError(f"unknown cite position {value!r} (one of {', '.join(POSITIONS)})")
    return cast(Position, value)


def _near_note(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)
