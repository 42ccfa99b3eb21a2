"""A condition page's text, everything except its bibliography (which is items)."""

from __future__ import annotations

from dataclasses import dataclass, field

LEVEL_LABEL = "Level of Evidence"
SPECIFIC_LABEL = "Specific Conditions"


@dataclass
class Row:
    """One labelled row of a condition page (`<b>Label</b>`, a tab, then `text`).

    `text` is the row's content exactly as the page prints it: plain text, `<ul>` lists with
    nested lists, `<p>` paragraphs, and continuation lines joined by "\\n" (see
    formats/ig_page.py for the layout). An empty `text` is an empty row.
    """

    label: str
    text: str = ""


@dataclass
class Condition:
    """A condition page's text, everything except its bibliography.

    A short page (the seed, "Ig not supported") has two rows, kept as `specific_conditions`
    and `level_of_evidence`. A longer page keeps every labelled row, in its order, in
    `rows`; then those two fields are empty and `level()` reads the Level of Evidence row.
    """

    slug: str
    title: str
    status: str = ""
    specific_conditions: list[str] = field(default_factory=list)
    level_of_evidence: str = ""
    statement: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def level(self) -> str:
        """The level of evidence, wherever the page keeps it."""
        if self.level_of_evidence:
            return self.level_of_evidence
        for row in self.rows:
            if row.label == LEVEL_LABEL:
                return row.text
        return ""
