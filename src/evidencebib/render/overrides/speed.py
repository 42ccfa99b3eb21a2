"""Speed: formatting the entries (and sort keys) of a large bibliography on several processes.

Our evaluator needs none of citeproc-py's speed-ups (render/elements.py compiles the style once;
nothing runs XPath while rendering). What remains is work spread over processes
(render/parallel.py): each entry of a registered, sorted and disambiguated bibliography depends
only on its item and that shared state, so slices of entries are formatted in forked children.
`EngineOptions(optimised=False)` (the unoptimised path of the equivalence tests) formats
everything in one process, like switching this override off.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from evidencebib.render.overrides import override, upstream


@override("speed.workers", replaces="citeproc.frontend.CitationStylesBibliography.bibliography",
          rule="evidencebib: entries and sort keys of bibliographies of 800 entries or more formatted on "
               "several processes (render/parallel.py); the same text as in one process",
          fingerprint="26ca66208bc5dc4c87e8b4ff3a81b75475d04d6f6caf1da2eec4547536783fd1", tests=("tests/render/test_render_parallel.py::test_two_workers_give_the_text_of_one",))
def map_items(function: Callable[[Any], Any], items: Sequence[Any], what: str,
              cap: int | None = None) -> list[Any]:
    from evidencebib.render import parallel

    return parallel.format_all(function, items, what=what, cap=cap)


@upstream("speed.workers")
def map_items_upstream(function: Callable[[Any], Any], items: Sequence[Any], what: str,
                       cap: int | None = None) -> list[Any]:
    return [function(item) for item in items]
