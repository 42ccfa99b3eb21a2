"""Calling citeproc-py's own code from inside our evaluation (the `upstream` side of overrides).

With an override switched off (`EngineOptions(disabled={...})`), the engine does what
citeproc-py 0.11.1 does at that point, by calling citeproc-py's function on our element (our
element classes subclass citeproc-py's). citeproc-py's functions expect its own view of an
item (a `CitationItem` whose `reference` is a `citeproc.source.Reference`) and a formatter on
the style: `item(ctx)` builds the first from our item, and the engine sets the second on every
style it loads (`formats.MarkingFormatter`, which writes our markers). `node(result)` turns the
(marked) string citeproc-py returns into our output tree.

This path exists so that tests can show each override is still needed; it is not fast.
"""

from __future__ import annotations

import warnings
from typing import Any

from evidencebib.render.output import Lit, Span


class UpstreamItem:
    """What citeproc-py's element methods read from a cite: `reference`, `key`, `number`,
    `locator`/`has_locator`, and `'locator' in item`."""

    def __init__(self, ctx) -> None:
        from citeproc.source import Locator

        self.reference = reference(ctx.item)
        self.key = "item"
        self.number = ctx.number
        cite = ctx.cite
        self.has_locator = cite.locator is not None
        self.locator = Locator(cite.label or "page", cite.locator) if cite.locator is not None else None
        self._data = {"locator": self.locator} if self.has_locator else {}

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]


def reference(view) -> Any:
    """A citeproc-py Reference of our item (the keys citeproc-py knows)."""
    import citeproc
    from citeproc.source.json import CiteProcJSON

    known = {name.replace("_", "-") for name in citeproc.VARIABLES} | {"DOI", "ISBN", "ISSN", "PMID", "PMCID",
                                                                      "URL"}
    data = {key: value for key, value in view.clean.items() if key in known or key == "type"}
    data["id"] = "item"
    data.setdefault("type", "")  # citeproc-py needs one; an empty type matches no condition
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([data])
    return source["item"]


def item(ctx) -> UpstreamItem:
    return UpstreamItem(ctx)


def layout(ctx) -> Any:
    """The layout citeproc-py passes around as `context` (with its `repressed` map)."""
    section = ctx.style.citation if ctx.mode == "citation" else ctx.style.bibliography
    element = section.c_layout if section is not None else ctx.style.root
    if element.__dict__.get("repressed") is None:  # citeproc-py keeps its substitutions there
        element.repressed = {}
    return element


def node(result: Any) -> Any:
    """Our tree of a (marked) string citeproc-py returned; None for nothing."""
    if result is None:
        return None
    text = str(result)
    if not text:
        return None
    return Span([Lit(text)])
