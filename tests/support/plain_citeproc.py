"""Plain citeproc-py, before and after evidencebib, for tests/render/test_engine_isolation.py.

    python tests/support/plain_citeproc.py plain < request.json
        the fixtures rendered by plain citeproc-py in this (fresh) interpreter
    python tests/support/plain_citeproc.py after-evidencebib < request.json
        in one process: snapshot every citeproc-py module and class attribute, render with
        evidencebib (several styles and formats, citations, every override switched off), snapshot
        again, check citeproc-py's own element lookup, then render the fixtures with plain
        citeproc-py

`request`: {"styles": [paths of .csl files], "items": [CSL-JSON items], "evidencebib_items": [...]}.
The answer is JSON: {"fixtures": {...}, "changed": [...], "foreign_classes": [...]}.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import warnings
from typing import Any


def render_fixtures(request: dict[str, Any]) -> dict[str, Any]:
    """For each style and each of citeproc-py's formatters (plain, html): the bibliography
    entries and one citation of all items, as citeproc-py prints them."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    out: dict[str, Any] = {}
    for path in request["styles"]:
        for name in ("plain", "html"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                source = CiteProcJSON([dict(item) for item in request["items"]])
                style = CitationStylesStyle(path, validate=False)
                bibliography = CitationStylesBibliography(style, source, getattr(formatter, name))
                citation = Citation([CitationItem(str(item["id"]).lower()) for item in request["items"]])
                bibliography.register(citation)
                if style.has_bibliography():
                    bibliography.sort()
                cite = str(bibliography.cite(citation, lambda item: None))
                entries = ([str(entry) for entry in bibliography.bibliography()]
                           if style.has_bibliography() else [])
            out[f"{path}|{name}"] = {"citation": cite, "entries": entries}
    return out


def snapshot() -> dict[tuple[str, str], Any]:
    """Every attribute of every citeproc-py module and of every class defined there."""
    import citeproc

    modules = [citeproc] + [importlib.import_module(info.name)
                            for info in pkgutil.walk_packages(citeproc.__path__, "citeproc.")]
    out: dict[tuple[str, str], Any] = {}
    for module in modules:
        for name, value in vars(module).items():
            out[(module.__name__, name)] = value
            if isinstance(value, type) and value.__module__.startswith("citeproc"):
                for attribute, member in vars(value).items():
                    out[(f"{value.__module__}.{value.__qualname__}", attribute)] = member
    return out


def render_with_evidencebib(items: list[dict[str, Any]]) -> None:
    from evidencebib.render import Cite, Cluster, EngineOptions, render_bibliography
    from evidencebib.render.engine import Engine
    from evidencebib.render.overrides import load

    for style in ("ig-criteria", "apa", "vancouver", "harvard", "chicago", "ieee"):
        for fmt in ("text", "html", "markdown", "rtf"):
            render_bibliography(items, style, fmt, cache=False)
        Engine(style).citations([Cluster([Cite(str(items[0]["id"]), locator="3")]),
                                 Cluster([str(items[1]["id"]), str(items[2]["id"])])], "html", items)
    every = frozenset(load())  # the upstream side of every override calls citeproc-py on our elements
    for style in ("apa", "vancouver"):
        Engine(style, options=EngineOptions(disabled=every, optimised=False)).bibliography(items, "text")


def after_evidencebib(request: dict[str, Any]) -> dict[str, Any]:
    import citeproc.model  # noqa: F401 - the snapshot sees what an ordinary user has imported
    import citeproc.frontend  # noqa: F401

    before = snapshot()
    render_with_evidencebib(request["evidencebib_items"])
    after = snapshot()
    changed = sorted(f"{owner}.{name}" for (owner, name) in set(before) | set(after)
                     if before.get((owner, name), before) is not after.get((owner, name), after))
    from citeproc import CitationStylesStyle, model

    foreign = [f"{cls.__module__}.{cls.__name__}" for cls in model.CitationStylesElement.__subclasses__()
               if cls.__module__ != "citeproc.model"]
    style = CitationStylesStyle(request["styles"][0], validate=False)
    foreign += sorted({type(element).__module__ for element in style.root.iter()} - {"citeproc.model"})
    return {"fixtures": render_fixtures(request), "changed": changed, "foreign_classes": foreign}


if __name__ == "__main__":
    request = json.loads(sys.stdin.read())
    if sys.argv[1:] == ["plain"]:
        answer = {"fixtures": render_fixtures(request)}
    else:
        answer = after_evidencebib(request)
    print(json.dumps(answer, sort_keys=True))
