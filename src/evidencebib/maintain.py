"""Maintaining conditions: create one, remove, move, copy, re-key and edit its entries.

Every function here works under the condition's lock (two conditions: both locks, taken in
name order so that two commands never wait for each other), changes the files through the
store (atomic writes, untouched bytes kept), and with `dry_run=True` writes nothing and returns
the same `Outcome`, whose `diff()` shows what would change.

When one work is cited by several conditions, each condition holds a copy of its entry;
`edit_entry` changes every copy at once (`copies`: check's matching of one work's copies,
taken before the edit, since an edited DOI or title may no longer match the others).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from evidencebib.errors import ParseError, UsageError
from evidencebib.model import Condition
from evidencebib.store import ConditionFile, FileChange, References, valid_slug

__all__ = ["Outcome", "new_condition", "remove_entries", "transfer_entries", "rename_key",
           "entry_text", "check_entry", "edit_entry", "copies"]


@dataclass
class Outcome:
    """What a maintaining command changed (or, with dry_run, would change)."""

    changes: list[FileChange] = field(default_factory=list)
    written: bool = False
    notes: list[str] = field(default_factory=list)

    def diff(self) -> str:
        return "".join(change.diff() for change in self.changes)


@contextlib.contextmanager
def _locked(refs: References, slugs: Sequence[str]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for slug in sorted(set(slugs)):
            stack.enter_context(refs.lock(slug))
        yield


def _commit(conditions: Sequence[ConditionFile], dry_run: bool, notes: list[str] | None = None
            ) -> Outcome:
    """Save the conditions in the order given (a move saves the target first: a crash in
    between leaves the entry in both, never in neither)."""
    changes = [change for condition in conditions for change in condition.changes()]
    if not dry_run:
        for condition in conditions:
            condition.save()
    return Outcome(changes, not dry_run and bool(changes), notes or [])


# -- new ----------------------------------------------------------------------------------

def new_condition(refs: References, slug: str, *, title: str, status: str = "",
                  level_of_evidence: str = "", dry_run: bool = False) -> Outcome:
    """A new condition: a commented `<slug>.toml` and an empty `<slug>.bib`."""
    from evidencebib.store.meta import new_meta_text

    if not valid_slug(slug):
        raise UsageError(f"'{slug}' is not a condition name (use lower-case letters, digits "
                         "and hyphens, e.g. recurrent-miscarriage)")
    if not title.strip():
        raise UsageError("the title must not be empty (--title)")
    meta = Condition(slug=slug, title=title, status=status, level_of_evidence=level_of_evidence)
    text = new_meta_text(meta)
    changes = [FileChange(refs.meta_path(slug), None, text), FileChange(refs.path_of(slug), None, "")]
    if refs.exists(slug):
        raise UsageError(f"condition '{slug}' already exists", file=refs.meta_path(slug))
    if dry_run:
        return Outcome(changes)
    from evidencebib.store.atomic import write_atomic

    with refs.lock(slug):
        if refs.exists(slug):  # made by another process meanwhile
            raise UsageError(f"condition '{slug}' already exists", file=refs.meta_path(slug))
        write_atomic(refs.path_of(slug), b"")
        write_atomic(refs.meta_path(slug), text.encode("utf-8"))
    return Outcome(changes, True)


# -- remove, move, copy ---------------------------------------------------------------------

def _need_keys(condition: ConditionFile, keys: Sequence[str]) -> None:
    missing = [key for key in keys if key not in condition.bib.entries]
    if missing:
        raise UsageError(f"no entry with key {', '.join(repr(k) for k in missing)} in "
                         f"'{condition.slug}'", file=condition.bib.path)


def remove_entries(refs: References, slug: str, keys: Sequence[str], *,
                   dry_run: bool = False) -> Outcome:
    """Remove entries by key; an unknown key stops the command before anything changes."""
    with _locked(refs, [slug]):
        condition = refs.load(slug)
        _need_keys(condition, keys)
        for key in dict.fromkeys(keys):
            condition.bib.remove(key)
        return _commit([condition], dry_run)


def transfer_entries(refs: References, keys: Sequence[str], *, source: str, target: str,
                     move: bool, dry_run: bool = False) -> Outcome:
    """Copy (or move) entries from `source` to `target`, each entry's text byte for byte.

    Refused before anything changes: an unknown key, a key the target already uses, or a
    work (same DOI) the target already holds."""
    if source == target:
        raise UsageError("--from and --to name the same condition")
    with _locked(refs, [source, target]):
        origin = refs.load(source)
        destination = refs.load(target)
        _need_keys(origin, keys)
        for key in dict.fromkeys(keys):
            doi = origin.bib.item(key).get("DOI")
            held = destination.bib.find_doi(doi) if doi else None
            if held:
                raise UsageError(f"'{target}' already holds this work (DOI {doi}) as '{held}'",
                                 file=origin.bib.path, entry=key)
            if _depends_on_its_file(origin, key):
                # its text names @string macros or a crossref parent of the source file:
                # written with its values resolved, so that it means the same in the target
                destination.bib.add_item(origin.bib.item(key), key=key)
            else:
                destination.bib.add_raw(origin.bib.raw_entry(key).strip("\r\n"))
            if move:
                origin.bib.remove(key)
        return _commit([destination, origin] if move else [destination], dry_run)


_BARE_VALUE = re.compile(r"^\s*(?:\d+\s*)?$")


def _depends_on_its_file(condition: ConditionFile, key: str) -> bool:
    """Whether entry `key` reads anything else of its file: a `crossref` parent, or a value
    that is (or concatenates) an @string macro rather than `{…}`, `"…"` or a number."""
    record = condition.bib.entries[key]
    if "crossref" in record.fields:
        return True
    for raw in record.fields.values():
        text = raw.strip()
        if text.startswith(("{", '"')) and "#" not in text:
            continue
        if not _BARE_VALUE.match(text):
            return True
    return False


# -- rename-key -------------------------------------------------------------------------------

_KEY_CHAR = r"[\w:.#$%&+?<>~/-]"


def _cite_pattern(key: str) -> re.Pattern[str]:
    """`@key`, pandoc's citation syntax (a trailing `.` or `,` is punctuation, not the key)."""
    return re.compile(rf"(?<![\w@])@{re.escape(key)}(?!{_KEY_CHAR}*\w)")


def _rename_in_text(text: str, old: str, new: str) -> str:
    text = _cite_pattern(old).sub("@" + new, text)

    def in_command(match: re.Match[str]) -> str:
        keys = [part.replace(old, new) if part.strip() == old else part for part in match.group(2).split(",")]
        return match.group(1) + ",".join(keys) + "}"

    return re.sub(r"(\\[a-zA-Z]*cite[a-zA-Z]*\*?(?:\[[^\]]*\])*\{)([^}]*)\}", in_command, text)


def rename_key(refs: References, slug: str, old: str, new: str, *,
               dry_run: bool = False) -> Outcome:
    """Give an entry a new key, in the .bib (and `crossref` fields that name it) and where
    the condition's page text cites it (`@old`, `\\cite{old}`)."""
    with _locked(refs, [slug]):
        condition = refs.load(slug)
        _need_keys(condition, [old])
        if new != old and new in condition.bib.entries:
            raise UsageError(f"the key '{new}' is already used in '{slug}'",
                             file=condition.bib.path, entry=new)
        condition.bib.rename_key(old, new)
        meta = condition.meta
        meta.statement = [_rename_in_text(p, old, new) for p in meta.statement]
        meta.specific_conditions = [_rename_in_text(p, old, new) for p in meta.specific_conditions]
        for row in meta.rows:
            row.text = _rename_in_text(row.text, old, new)
        return _commit([condition], dry_run)


# -- edit -------------------------------------------------------------------------------------

def entry_text(refs: References, slug: str, key: str) -> str:
    """The entry as the file spells it, for an editor."""
    return refs.load(slug).bib.raw_entry(key)


def check_entry(text: str, source: str = "<edited entry>") -> str:
    """The key of `text` if it is one valid BibTeX entry; else a ParseError naming the line."""
    from evidencebib.store import BibFile

    probe = BibFile(text, source)
    if probe.problems:
        raise probe.problems[0]
    if len(probe.entries) != 1:
        raise ParseError(f"expected one BibTeX entry, found {len(probe.entries)}", file=source)
    key = next(iter(probe.entries))
    probe.item(key)  # every field reads as a value (a date, a name list …)
    return key


def copies(refs: References, slug: str, key: str) -> list[tuple[str, str]]:
    """(condition, key) of every other copy of the work slug:key describes: the same DOI in
    any spelling, the same ISBN, or a duplicate match of title, authors and year — `check`'s
    matching (`check.copies_of`), so that `edit` and `check` agree on what one work is."""
    from evidencebib.check import copies_of

    return [(copy.condition, copy.key) for copy in copies_of(refs, slug, key)[1:]]


def edit_entry(refs: References, slug: str, key: str, text: str, *, all_copies: bool = True,
               dry_run: bool = False) -> Outcome:
    """Replace entry `slug:key` by `text` (checked first; nothing is written when it is not
    one valid entry); the rest of the file keeps every byte. With `all_copies`, every other
    condition's copy of the work is changed to say the same, keeping its own key and the
    spelling of the fields that already agree."""
    check_entry(text)
    others = copies(refs, slug, key) if all_copies else []
    with _locked(refs, [slug] + [other for other, _ in others]):
        condition = refs.load(slug)
        _need_keys(condition, [key])
        new_key = condition.bib.replace_raw(key, text.strip("\r\n"))
        item = condition.bib.item(new_key)
        touched = [condition]
        notes = []
        for other, other_key in others:
            copy = refs.load(other)
            if copy.bib.update_item(other_key, dict(item, id=other_key)):
                touched.append(copy)
                notes.append(f"also changed the copy in '{other}' ('{other_key}')")
        return _commit(touched, dry_run, notes)
