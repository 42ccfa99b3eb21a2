"""Every condition's references loaded at once, with the works they form.

A *work* is a set of copies (one reference in one condition) that the matcher joined
(`dedupe`); each condition stores its own copy of a work it cites, and `check` keeps the
copies in agreement. `Library.copies_of` is how a command that edits one copy finds the others
(`document`'s `edit`, `check --fix --prefer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from evidencebib.check.dedupe import Match, find_matches, groups
from evidencebib import gcpause
from evidencebib.check.works import Copy, Fingerprint, copy_of, fingerprint
from evidencebib.errors import ParseError, UsageError
from evidencebib.store import ConditionFile, References


@dataclass
class Library:
    """The copies of a references folder (or of any lists of items, for tests and the corpus)."""

    copies: list[Copy]
    fingerprints: list[Fingerprint]
    matches: list[Match]
    works: list[list[int]]                        # indices into copies, two copies or more
    problems: list[tuple[str, ParseError]] = field(default_factory=list)
    conditions: dict[str, ConditionFile] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)    # condition -> its .toml text
    # entries commented out with `%` (not read, as biber and pandoc skip them): a warning
    commented: list[tuple[str, ParseError]] = field(default_factory=list)

    @classmethod
    def from_items(cls, items_by_condition: dict[str, Sequence[dict]], *,
                   problems: Sequence[tuple[str, ParseError]] = ()) -> "Library":
        with gcpause.paused(promote=True):   # ~10 objects per copy, none of them cyclic
            copies = [copy_of(slug, item) for slug, items in items_by_condition.items()
                      for item in items]
            fps = [fingerprint(c.item) for c in copies]
            matches = find_matches(fps)
        return cls(copies, fps, matches, groups(len(copies), matches), list(problems))

    @classmethod
    def load(cls, refs: References, slugs: Sequence[str] | None = None) -> "Library":
        """Every condition of `refs` (or the named ones); unparsed blocks are kept as problems,
        and so, when no condition is named, is a condition whose page text cannot be read (a
        `.toml` that is not TOML: reported like an unparsed block, the others checked)."""
        conditions: dict[str, ConditionFile] = {}
        unreadable: list[tuple[str, ParseError]] = []
        for slug in slugs or refs.slugs():
            try:
                conditions[slug] = refs.load(slug)
            except ParseError as error:
                if slugs:
                    raise
                unreadable.append((slug, error))
        library = cls.from_items(
            {slug: cond.bib.items() for slug, cond in conditions.items()},
            problems=unreadable + [(slug, p) for slug, cond in conditions.items() for p in cond.bib.problems])
        library.commented = [(slug, p) for slug, cond in conditions.items() for p in cond.bib.commented]
        library.conditions = conditions
        for slug in conditions:
            path = refs.meta_path(slug)
            library.texts[slug] = path.read_text(encoding="utf-8") if path.exists() else ""
        return library

    # -- looking up --------------------------------------------------------------------------

    def work_of(self) -> dict[int, int]:
        """copy index -> work index (copies of no other work are absent)."""
        return {index: number for number, members in enumerate(self.works) for index in members}

    def index_of(self, condition: str, key: str) -> int:
        for index, copy in enumerate(self.copies):
            if copy.condition == condition and copy.key == key:
                return index
        raise UsageError(f"no entry '{key}' in condition '{condition}'")

    def copies_of(self, condition: str, key: str) -> list[Copy]:
        """The copy `condition:key` first, then every other copy of the same work."""
        index = self.index_of(condition, key)
        for members in self.works:
            if index in members:
                return [self.copies[index]] + [self.copies[i] for i in members if i != index]
        return [self.copies[index]]
