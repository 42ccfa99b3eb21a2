"""A condition page's text, everything except its bibliography (which is items)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Condition:
    """A condition page's text, everything except its bibliography."""

    slug: str
    title: str
    status: str = ""
    specific_conditions: list[str] = field(default_factory=list)
    level_of_evidence: str = ""
    statement: list[str] = field(default_factory=list)
