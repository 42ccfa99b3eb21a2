"""Engine options, and the only place the render package reads `EVIDENCEBIB_*` variables.

`EngineOptions` is what an `Engine` is told; nothing in the render path reads the environment.
The module-level wrappers (`render_bibliography` …) build their options from `settings()`, which
reads the environment when they are called:

- `EVIDENCEBIB_NO_SPEEDUPS=1`: the unoptimised path (no render cache, no worker processes);
- `EVIDENCEBIB_NO_RENDER_CACHE=1`: no render cache;
- `EVIDENCEBIB_RENDER_WORKERS=N`: worker processes for large bibliographies (1 = none; default:
  the CPUs this process may use);
- `EVIDENCEBIB_CACHE_DIR`, else `XDG_CACHE_HOME`: where the render cache lives;
- `EVIDENCEBIB_RENDER_CACHE_MB`: its size bound (default 64).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_ELEMENTS = 20_000


@dataclass(frozen=True)
class EngineOptions:
    """How an Engine renders.

    - `disabled`: overrides to switch off (names from `python -m evidencebib.render.overrides`):
      the engine then does what citeproc-py does there;
    - `optimised`: False formats everything in one process (the unoptimised path the
      equivalence tests compare against);
    - `workers`: processes for large bibliographies (None: `settings().workers`);
    - `max_elements`: how many style elements one entry or cite may evaluate before the render
      stops with a StyleError naming the style;
    - `links`: DOIs and URLs as links in HTML, Markdown and RTF.
    """

    disabled: frozenset[str] = field(default_factory=frozenset)
    optimised: bool = True
    workers: int | None = None
    max_elements: int = DEFAULT_MAX_ELEMENTS
    links: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "disabled", frozenset(self.disabled))


@dataclass(frozen=True)
class Settings:
    speedups: bool
    render_cache: bool
    workers: int | None
    cache_directory: Path
    cache_megabytes: float


def _flag_off(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("", "0", "false", "no")


def cache_directory() -> Path:
    explicit = os.environ.get("EVIDENCEBIB_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser() / "render"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = (Path(xdg).expanduser() if xdg and os.path.isabs(os.path.expanduser(xdg))
            else Path.home() / ".cache")
    return base / "evidencebib" / "render"


def settings() -> Settings:
    """The environment's settings, read now."""
    workers_text = os.environ.get("EVIDENCEBIB_RENDER_WORKERS", "").strip()
    workers: int | None = None
    if workers_text:
        try:
            workers = max(1, int(workers_text))
        except ValueError:
            workers = 1
    try:
        megabytes = float(os.environ.get("EVIDENCEBIB_RENDER_CACHE_MB", "64"))
    except ValueError:
        megabytes = 64.0
    return Settings(speedups=_flag_off("EVIDENCEBIB_NO_SPEEDUPS"),
                    render_cache=_flag_off("EVIDENCEBIB_NO_RENDER_CACHE"),
                    workers=workers, cache_directory=cache_directory(), cache_megabytes=megabytes)


def from_environment(**changes) -> EngineOptions:
    """EngineOptions as the environment asks for them (the wrappers' defaults)."""
    current = settings()
    options = EngineOptions(optimised=current.speedups, workers=current.workers)
    if changes:
        from dataclasses import replace

        options = replace(options, **changes)
    return options
