"""`check --fix`: make the copies of a work agree, and merge exact duplicates in a condition.

* **Agreement.** For a work whose copies disagree, one copy is the reference: the one the
  editor names (`--prefer CONDITION:KEY`), or the one a rule picks (`most-complete`: the copy
  with the most descriptive fields, then the longer author list, then the first in condition
  order). Every other copy gets the reference copy's *descriptive* fields (`DESCRIPTIVE`: what
  identifies and describes the work: type, title, creators, date, journal, volume, issue,
  pages, identifiers, publisher); its key, and fields that belong to the condition (note,
  keywords, abstract, annotations, files, anything the program does not model), stay as they
  are. The entry is rewritten through `BibFile.update_item`, which keeps the spelling of every
  field whose meaning did not change.
* **Merging.** Copies of one work in one condition that are *exact* duplicates (every field
  the same after spelling, and the same unmodelled fields) become one: the kept key is the one
  the condition's text cites (`@key`, pandoc's citation syntax, anywhere in its `.toml`), else
  the first in the file; the others are removed, nothing else is rewritten. When several
  copies are cited, nothing is merged (rename-key one of them first).

Every change is made under the locks of all conditions (taken in sorted order), on entries
loaded inside them; `dry_run` returns the diff without writing.
"""

from __future__ import annotations

import contextlib
import copy as copying
import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from evidencebib.check.findings import SPELLING
from evidencebib.check.library import Library
from evidencebib.check.works import Copy
from evidencebib.errors import UsageError
from evidencebib.formats.bibtex import MAPPED_FIELDS
from evidencebib.model import ET_AL, LINE, Item
from evidencebib.store import References

RULES = ("most-complete",)
DESCRIPTIVE = (
    "type", "title", "title-short", "author", "editor", "container-author", "translator",
    "issued", "container-title", "container-title-short", "collection-title", "volume",
    "issue", "page", "number", "edition", "DOI", "ISSN", "ISBN", "PMID", "PMCID", "URL",
    "publisher", "publisher-place", "genre", "chapter-number", "event-title",
    "number-of-pages", "supplement-number",
)


@dataclass
class FixResult:
    synced: list[tuple[str, list[str]]] = field(default_factory=list)   # (reference, updated)
    merged: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (cond, kept, gone)
    skipped: list[str] = field(default_factory=list)                   # why something was not done
    diff: str = ""
    written: list[str] = field(default_factory=list)                   # conditions saved


def fix(refs: References, *, prefer: Sequence[str] = (), rule: str | None = None,
        merge: bool = True, dry_run: bool = False) -> FixResult:
    """Apply `check --fix` to every condition of `refs` (see the module docstring)."""
    if rule is not None and rule not in RULES:
        raise UsageError(f"unknown rule '{rule}' (known: {', '.join(RULES)})")

    def change(library: Library, result: FixResult) -> None:
        _sync(library, _references(library, prefer, rule), result)
        if merge:
            _merge(library, result)

    return _locked(refs, change, dry_run)


def sync(refs: References, condition: str, key: str, *, copies: Sequence[Copy] | None = None,
         dry_run: bool = False) -> FixResult:
    """Make every copy of the work `condition:key` agree with it (nothing merged): what an
    edit of one copy calls so that the edit reaches every condition citing the work.

    `copies`: the copies `copies_of` returned *before* the edit; an edit that corrects the DOI
    or rewrites the title may part the copies (they no longer match), so the ones found before
    are the ones synced (a copy since removed or renamed is skipped, with its reason). Without
    `copies`, the copies are matched again on the files as they are now. Call it after the
    edit is saved and its lock released (it takes every condition's lock).
    """
    if copies is None:
        return fix(refs, prefer=[f"{condition}:{key}"], merge=False, dry_run=dry_run)

    def change(library: Library, result: FixResult) -> None:
        reference = library.index_of(condition, key)
        targets = []
        for found in copies:
            if (found.condition, found.key) == (condition, key):
                continue
            try:
                targets.append(library.index_of(found.condition, found.key))
            except UsageError:
                result.skipped.append(f"{found.where}: no longer in the condition; not synced")
        _agree(library, reference, targets, result)

    return _locked(refs, change, dry_run)


def _locked(refs: References, change, dry_run: bool) -> FixResult:
    """Run `change` on every condition loaded under all their locks (sorted order), diff, and
    save what changed unless `dry_run`."""
    slugs = refs.slugs()
    with contextlib.ExitStack() as stack:
        for slug in slugs:
            stack.enter_context(refs.lock(slug))
        library = Library.load(refs, slugs)
        before = {slug: cond.bib.text() for slug, cond in library.conditions.items()}
        result = FixResult()
        change(library, result)
        result.diff = "".join(
            _diff(library.conditions[slug].bib.path, text, library.conditions[slug].bib.text())
            for slug, text in before.items())
        if not dry_run:
            for slug, cond in library.conditions.items():
                if cond.bib.text() != before[slug]:
                    cond.save()
                    result.written.append(slug)
    return result


# -- choosing the reference copy --------------------------------------------------------------

def _references(library: Library, prefer: Sequence[str], rule: str | None) -> dict[int, int]:
    """work number -> index of its reference copy."""
    chosen: dict[int, int] = {}
    work_of = library.work_of()
    for name in prefer:
        condition, sep, key = name.partition(":")
        if not sep or not condition or not key:
            raise UsageError(f"--prefer takes CONDITION:KEY, not '{name}'")
        index = library.index_of(condition, key)
        if index not in work_of:
            raise UsageError(f"{name} has no other copy to make agree with it")
        if work_of[index] in chosen and chosen[work_of[index]] != index:
            other = library.copies[chosen[work_of[index]]].where
            raise UsageError(f"--prefer names two copies of one work: {other} and {name}")
        chosen[work_of[index]] = index
    if rule == "most-complete":
        for number, members in enumerate(library.works):
            if number not in chosen and _disagree([library.copies[i] for i in members]):
                chosen[number] = max(members, key=lambda i: _completeness(library.copies[i],
                                                                          -i))
    return chosen


def _completeness(copy: Copy, tie: int) -> tuple[int, int, int, int]:
    item = copy.item
    filled = sum(1 for name in DESCRIPTIVE if item.get(name))
    truncated = "author" in (item.get(ET_AL) or ())
    return filled, 0 if truncated else 1, len(item.get("author") or ()), tie


def _disagree(copies: Iterable[Copy]) -> bool:
    copies = list(copies)
    return any(len({SPELLING[name](c.item) for c in copies}) > 1 for name in SPELLING)


# -- agreement -----------------------------------------------------------------------------

def _sync(library: Library, chosen: dict[int, int], result: FixResult) -> None:
    for number, reference_index in sorted(chosen.items()):
        _agree(library, reference_index,
               [i for i in library.works[number] if i != reference_index], result)


def _agree(library: Library, reference_index: int, targets: Sequence[int],
           result: FixResult) -> None:
    reference = library.copies[reference_index]
    updated = []
    for index in targets:
        target = library.copies[index]
        bib = library.conditions[target.condition].bib
        if bib.update_item(target.key, agreeing(target.item, reference.item)):
            updated.append(target.where)
            library.copies[index] = Copy(target.condition, target.key, target.line,
                                         bib.item(target.key))
    if updated:
        result.synced.append((reference.where, updated))


def agreeing(target: Item, reference: Item) -> Item:
    """`target` with `reference`'s descriptive fields (and its truncated-list marker); a field
    whose two values differ only in spelling (`findings.SPELLING`) keeps the target's."""
    item = {k: v for k, v in target.items() if k not in DESCRIPTIVE and k != ET_AL}
    for name in DESCRIPTIVE:
        if reference.get(name) in (None, "", []):
            continue
        spell = SPELLING.get(name)
        if spell is not None and name in target and spell(target) == spell(reference):
            item[name] = target[name]
        else:
            item[name] = copying.deepcopy(reference[name])
    if reference.get(ET_AL):
        item[ET_AL] = list(reference[ET_AL])
    return item


# -- merging -------------------------------------------------------------------------------

def _merge(library: Library, result: FixResult) -> None:
    for members in library.works:
        by_condition: dict[str, list[Copy]] = {}
        for index in members:
            copy = library.copies[index]
            by_condition.setdefault(copy.condition, []).append(copy)
        for condition, copies in by_condition.items():
            if len(copies) > 1:
                _merge_in(library, condition, copies, result)


def _merge_in(library: Library, condition: str, copies: list[Copy], result: FixResult) -> None:
    bib = library.conditions[condition].bib
    copies.sort(key=lambda c: c.line or 0)
    first = copies[0]
    exact = [c for c in copies[1:] if _exact(bib, first, c)]
    different = [c.key for c in copies[1:] if c not in exact]
    if different:
        result.skipped.append(f"{condition}: {', '.join(different)} not merged into {first.key}: "
                              "not exact duplicates (make them agree first: --prefer or --rule)")
    group = [first] + exact
    if len(group) < 2:
        return
    cited = [c for c in group if _cites(library.texts.get(condition, ""), c.key)]
    if len(cited) > 1:
        result.skipped.append(f"{condition}: {', '.join(c.key for c in cited)} are one work and "
                              "all are cited in the condition's text; not merged")
        return
    kept = cited[0] if cited else first
    gone = [c.key for c in group if c is not kept]
    for key in gone:
        _remove(bib, key)
    result.merged.append((condition, kept.key, gone))


def _remove(bib, key: str) -> None:
    """Remove the entry and the blank lines that separated it from the next block, so that the
    file reads as if it had never been there."""
    span = bib.entries[key].span
    bib.remove(key)
    position = next(i for i, s in enumerate(bib.spans) if s is span)
    if position + 1 < len(bib.spans):
        following = bib.spans[position + 1]
        if following.block is None and following.replaced is None and not following.text.strip():
            following.replaced = ""


def _exact(bib, one: Copy, two: Copy) -> bool:
    """Nothing is lost by removing `two`: the same item (after spelling) and the same fields
    the program does not model (file, groups, custom fields)."""
    a, b = _comparable(one.item), _comparable(two.item)
    if a != b:
        return False
    raw_a, raw_b = (bib.entries[c.key].fields for c in (one, two))
    unmodelled = lambda raw: {k: v for k, v in raw.items() if k not in MAPPED_FIELDS}  # noqa: E731
    return unmodelled(raw_a) == unmodelled(raw_b)


def _comparable(item: Item) -> dict:
    spelled = {name: spell(item) for name, spell in SPELLING.items()}
    rest = {k: v for k, v in item.items() if k not in ("id", LINE) and k not in
            ("title", "author", "issued", "container-title", "volume", "issue", "page", "DOI")}
    return {"spelled": spelled, "rest": repr(sorted(rest.items()))}


def _cites(text: str, key: str) -> bool:
    """`@key` in the text, as pandoc writes a citation (`[@key]`, `@key`, `@{key}`)."""
    return bool(re.search(r"(?<![\w@])@\{?" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w)",
                          text))


def _diff(path, old: str, new: str) -> str:
    if old == new:
        return ""
    name = str(path)
    return "".join(difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        fromfile=f"a/{name}", tofile=f"b/{name}"))
