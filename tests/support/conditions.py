"""Test helper: make an empty condition (what `evidencebib new` writes) before adding to it;
`import`, `add` and `find-doi` refuse a condition that does not exist."""

from __future__ import annotations

from pathlib import Path


def new_condition(references: Path | str, slug: str) -> None:
    from evidencebib import maintain
    from evidencebib.store import References

    maintain.new_condition(References(references), slug, title=slug.replace("-", " ").capitalize())
