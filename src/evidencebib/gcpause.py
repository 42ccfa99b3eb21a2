"""Pausing Python's cyclic garbage collector while a large file is turned into objects
(or a large bibliography is rendered).

Parsing a 10,000-entry .bib creates a few million small, acyclic objects (strings, dicts,
lists, bibtexparser blocks). Each 700 allocations trigger a young-generation collection and,
as the heap grows, full collections that re-walk everything already built, none of which can
free anything: about 40 % of the loading time. Reference counting still frees garbage at
once; only the cycle detector waits until the block ends. With `promote`, at the end, what the
block built is moved to the oldest generation as it stands (`gc.freeze()` + `gc.unfreeze()`), where full
collections still examine it on their usual schedule; otherwise the first young collection
after the block would walk millions of new objects at once. Nested use and a collector
already disabled by the caller are respected.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused(promote: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block. `promote`: what the block built is kept (a
    loaded file), so move it to the oldest generation at the end without a scan, instead of
    letting the next young collection walk it all. Without it (rendering, whose objects are
    mostly freed by reference counting before the block ends) young objects stay young."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if promote:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
