"""In-text citations: `(Banjar et al 2023)` in the house style, `(1,3)` in Vancouver.

`cite` is the documented one-cluster wrapper over `Engine.citations`: the cited entries are
numbered as the condition's printed bibliography numbers them (all its items, in the
bibliography's order), so citation numbers and the printed list agree.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from evidencebib.errors import UsageError
from evidencebib.render import formats
from evidencebib.render.citations import Cite, Cluster, as_cite


def cite(items: Iterable[dict[str, Any]], keys: Sequence[str | Cite | dict[str, Any]],
         style: Any = "ig-criteria", fmt: str = "text", *, locale: str | None = None,
         links: bool = True) -> str:
    """The in-text citation of the entries `keys` (citation keys of `items`, or `Cite`s with
    locators, prefixes …)."""
    cites = [as_cite(key) for key in keys]
    if not cites:
        raise UsageError("name at least one citation key")
    return citations(items, [Cluster(cites)], style, fmt, locale=locale, links=links)[0]


def citations(items: Iterable[dict[str, Any]], clusters: Sequence[Cluster], style: Any = "ig-criteria",
              fmt: str = "text", *, locale: str | None = None, links: bool = True) -> list[str]:
    """Each cluster's citation, in document order (positions such as ibid and subsequent follow
    from that order). In a note style the clusters are notes 1, 2 … unless they carry their
    own note numbers; in an in-text style they are in the text."""
    from dataclasses import replace

    from evidencebib.render import options
    from evidencebib.render.engine import Engine

    if fmt not in formats.FORMATS:
        raise UsageError(f"unknown output format '{fmt}' (choose from {', '.join(formats.FORMATS)})")
    items = list(items)
    known = {str(item.get("id")) for item in items}
    missing = list(dict.fromkeys(cite.id for cluster in clusters for cite in cluster.cites
                                 if cite.id not in known))
    if missing:
        listing = ", ".join(str(item.get("id")) for item in items) or "none"
        raise UsageError(f"no entry with key {', '.join(repr(k) for k in missing)} (known: {listing})")
    if not clusters or not any(cluster.cites for cluster in clusters):
        raise UsageError("name at least one citation key")
    engine = Engine(style, locale, options=options.from_environment(links=links))
    if engine.style_class == "note":
        clusters = [cluster if cluster.note_number is not None else replace(cluster, note_number=number)
                    for number, cluster in enumerate(clusters, start=1)]
    return engine.citations(clusters, fmt, items, register="items")
