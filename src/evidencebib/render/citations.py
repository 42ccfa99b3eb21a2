"""Cites and clusters: what `Engine.citations` renders (CSL 1.0.2 §"Citation").

A `Cluster` is one in-text citation or note: its cites in the order written, and for note
styles the number of its note. A `Cite` names one item and may add a locator with its label
(CSL 1.0.2 §"Locators": "page", "chapter", "figure" …, "page" when none is given), a prefix and a
suffix, and ask for the author to be left out ("(2000, p. 3)") or for the author alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass(frozen=True)
class Cite:
    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False


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
    "label", "prefix", "suffix", "suppress-author", "author-only"}`)."""
    if isinstance(cite, Cite):
        return cite
    if isinstance(cite, str):
        return Cite(cite)
    if isinstance(cite, dict):
        locator = cite.get("locator")
        return Cite(str(cite.get("id")), str(locator) if locator not in (None, "") else None,
                    cite.get("label") or None, cite.get("prefix") or None, cite.get("suffix") or None,
                    bool(cite.get("suppress-author") or cite.get("suppress_author")),
                    bool(cite.get("author-only") or cite.get("author_only")))
    raise TypeError(f"not a cite: {cite!r}")
