"""The registry of our behaviours that differ from citeproc-py's, one small module per CSL area.

Our engine evaluates styles itself (render/elements.py) over citeproc-py's element classes;
where its behaviour differs from what citeproc-py 0.11.1 does, the difference is an *override*
registered here, with:

- `name`: "area.behaviour" ("pages.range-format"), the key of `EngineOptions(disabled=…)`;
- `replaces`: the citeproc-py attribute whose behaviour it replaces
  ("citeproc.model.FormatNumber._format_last_page");
- `rule`: the CSL 1.0.2 section (or citeproc-js behaviour) it implements;
- `fingerprint`: the sha256 of `inspect.getsource` of that citeproc-py attribute as it was when
  the override was written (tests/render/test_overrides.py fails when the installed citeproc-py
  differs: read the new upstream code, then update the fingerprint);
- `tests`: the tests that show it (each fails with the override switched off);
- `ours` and `upstream`: two callables with the same signature. The engine calls `ours`; with
  the override in `EngineOptions.disabled` it calls `upstream`, which does what citeproc-py does
  there — usually by calling that very citeproc-py function on our element (our element classes
  subclass citeproc-py's, so its methods work on them), its string result adapted into our
  output tree.

An area module declares its overrides with `@override(...)` on its own function and
`@upstream(name)` on the fallback. `behaviours(disabled)` gives the engine one object whose
attributes are the chosen callables (`b.pages_range_format`), built once per engine.

`python -m evidencebib.render.overrides` lists the registry.

Changing an area's behaviour (what each area module is for): the core (render/elements.py,
render/engine.py) evaluates the generic elements (layout, text, choose, macro, group) and calls
an area's behaviour through `ctx.b.<area>_<behaviour>`; names, dates, numbers, labels, text
case, punctuation, group suppression, display, sort keys, disambiguation, conditions and cite
positions are each decided in their area module. To change one, edit that module's
function (and its test); to add one, declare it with `@override(...)` / `@upstream(...)` there
and call it through `ctx.b`. Cross-cite work (disambiguation over all clusters and the
bibliography, collapsing a rendered cluster, subsequent-author-substitute over consecutive
entries) works on the tagged output trees (render/output.py `find_tags`: "names", "name",
"date", "year-suffix", "citation-number", "locator", "title") and on `context.Disambiguation`.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

AREAS = ("names", "dates", "disambiguation", "sorting", "textcase", "punctuation", "groups", "display",
         "pages", "labels", "positions", "collapsing", "speed", "quotes", "styles")


@dataclass
class Override:
    name: str
    replaces: str
    rule: str
    fingerprint: str
    tests: tuple[str, ...]
    ours: Callable[..., Any]
    upstream: Callable[..., Any] | None = None
    area: str = field(init=False)

    def __post_init__(self) -> None:
        self.area = self.name.split(".", 1)[0]

    @property
    def attribute(self) -> str:
        """The attribute name of this override on a behaviours object."""
        return attribute_name(self.name)


REGISTRY: dict[str, Override] = {}


def attribute_name(name: str) -> str:
    return name.replace(".", "_").replace("-", "_")


def override(name: str, *, replaces: str, rule: str, fingerprint: str,
             tests: tuple[str, ...] | list[str]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as our behaviour `name`."""
    area = name.split(".", 1)[0]
    if area not in AREAS:
        raise ValueError(f"override {name!r}: unknown area {area!r}")

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"override {name!r} registered twice")
        REGISTRY[name] = Override(name, replaces, rule, fingerprint, tuple(tests), function)
        return function

    return register


def upstream(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as citeproc-py's behaviour for override `name`."""
    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name].upstream = function
        return function

    return register


_MODULES = tuple(f"evidencebib.render.overrides.{area}" for area in AREAS)


def load() -> dict[str, Override]:
    """Import every area module (registering its overrides) and return the registry."""
    for module in _MODULES:
        importlib.import_module(module)
    return REGISTRY


class Behaviours:
    """The callables an engine uses, one attribute per override (ours, or upstream's when
    disabled). Built once per engine; never changed afterwards."""

    def __init__(self, disabled: frozenset[str] = frozenset()) -> None:
        registry = load()
        unknown = set(disabled) - set(registry)
        if unknown:
            raise ValueError(f"unknown override(s): {', '.join(sorted(unknown))} "
                             f"(`python -m evidencebib.render.overrides` lists them)")
        self.disabled = frozenset(disabled)
        for entry in registry.values():
            chosen = entry.ours
            if entry.name in disabled:
                if entry.upstream is None:  # pragma: no cover - every override declares one
                    raise ValueError(f"override {entry.name} has no upstream behaviour")
                chosen = entry.upstream
            setattr(self, entry.attribute, chosen)

    def __getattr__(self, name: str) -> Any:  # pragma: no cover - a typo in a caller
        raise AttributeError(f"no override behaviour {name!r}")


_DEFAULT: Behaviours | None = None


def behaviours(disabled: frozenset[str] = frozenset()) -> Behaviours:
    global _DEFAULT
    if not disabled:
        if _DEFAULT is None:
            _DEFAULT = Behaviours()
        return _DEFAULT
    return Behaviours(frozenset(disabled))


def resolve(dotted: str) -> Any:
    """The citeproc-py object named by `replaces` ("citeproc.model.Name.process")."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


def source_fingerprint(dotted: str) -> str:
    """sha256 of the installed source of a citeproc-py object."""
    return hashlib.sha256(inspect.getsource(resolve(dotted)).encode("utf-8")).hexdigest()


def table() -> str:
    """The registry as a plain-text table (what `python -m evidencebib.render.overrides` prints)."""
    rows = [(entry.name, entry.replaces, entry.rule)
            for entry in sorted(load().values(), key=lambda e: e.name)]
    lines = []
    area = None
    for name, replaces, rule in rows:
        if name.split(".")[0] != area:
            area = name.split(".")[0]
            lines.append(f"\n[{area}]")
        lines.append(f"  {name}\n      replaces {replaces}\n      implements {rule}")
    return f"{len(rows)} overrides of citeproc-py behaviour\n" + "\n".join(lines) + "\n"
