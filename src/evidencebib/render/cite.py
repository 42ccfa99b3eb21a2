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
         style: Any = "ig-criteria", fmt: str = "text", *, locale: str | None = None) -> str:
    """The in-text citation of the entries `keys` (citation keys of `items`, or `Cite`s with
    locators, prefixes …)."""
    from evidencebib.render import options
    from evidencebib.render.engine import Engine

    if fmt not in formats.FORMATS:
        raise UsageError(f"unknown output format '{fmt}' (choose from {', '.join(formats.FORMATS)})")
    items = list(items)
    cites = [as_cite(key) for key in keys]
    known = {str(item.get("id")) for item in items}
    missing = [cite.id for cite in cites if cite.id not in known]
    if missing:
        listing = ", ".join(str(item.get("id")) for item in items) or "none"
        raise UsageError(f"no entry with key {', '.join(repr(k) for k in missing)} (known: {listing})")
    if not cites:
        raise UsageError("name at least one citation key")
    engine = Engine(style, locale, options=options.from_environment())
    return engine.citations([Cluster(cites)], fmt, items, register="items")[0]
