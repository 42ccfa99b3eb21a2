"""In-text citations: `(Banjar et al 2023)` in the house style, `[1,2]` in Vancouver.

A citation is rendered against the condition's whole bibliography, registered in the order
the bibliography is printed, so that citation numbers and the printed list agree.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from evidencebib.errors import EvidenceError, StyleError, UsageError
from evidencebib.render import engine, formats
from evidencebib.render.styles import resolve_style


def cite(items: Iterable[dict[str, Any]], keys: Sequence[str], style: Any = "ig-criteria",
         fmt: str = "text") -> str:
    """The in-text citation of the entries `keys` (citation keys of `items`)."""
    if fmt not in formats.FORMATS:
        raise UsageError(f"unknown output format '{fmt}' (choose from {', '.join(formats.FORMATS)})")
    items = list(items)
    index_of = {str(item.get("id")): index for index, item in enumerate(items)}
    missing = [key for key in keys if key not in index_of]
    if missing:
        known = ", ".join(index_of) or "none"
        raise UsageError(f"no entry with key {', '.join(repr(k) for k in missing)} (known: {known})")
    if not keys:
        raise UsageError("name at least one citation key")
    path = resolve_style(style)
    style_obj = engine.load_style(path)
    raw_items, truncated = [], []
    for index, item in enumerate(items):
        clean, variables = engine.prepare_item(item)
        clean["id"] = f"i{index}"
        raw_items.append(clean)
        truncated.append(variables)

    from citeproc import Citation, CitationItem, CitationStylesBibliography

    try:
        source = engine._source(raw_items, truncated)
        bibliography = CitationStylesBibliography(style_obj, source, formats.SortFormatter)
        bibliography.register(Citation([CitationItem(item["id"]) for item in raw_items]))
        if style_obj.has_bibliography():
            bibliography.sort()
        citation = Citation([CitationItem(f"i{index_of[key]}") for key in keys])
        bibliography.register(citation)
        bibliography.formatter = style_obj.root.formatter = formats.MarkingFormatter
        text = bibliography.cite(citation, lambda _item: None)
    except EvidenceError:
        raise
    except Exception as error:
        raise StyleError(f"style {path.stem} failed to render a citation "
                         f"({engine._brief(error)})") from None
    return formats.FINISHERS[fmt](str(text))
