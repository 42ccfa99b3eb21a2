"""A `.bib` file as an ordered list of blocks that remembers its own bytes.

bibtexparser 2 cuts the file into blocks and keeps each block's raw text; we locate every
block in the original text, so the file is the concatenation of untouched spans. Saving an
unchanged file reproduces it byte for byte; editing one entry replaces that entry's span
only; appending adds a span at the end. Blocks that fail to parse (unbalanced braces,
duplicate keys, duplicate fields) stay in the file verbatim and are reported as problems,
never dropped and never annotated with warning comments.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencebib import doi as doi_module
from evidencebib import gcpause
from evidencebib.errors import ParseError, UsageError, read_user_file
from evidencebib.formats import bibtex
from evidencebib.model import NOTES, CitationKeys, Item
from evidencebib.store.atomic import write_atomic
from evidencebib.store.encoding import UTF8, FileEncoding, decode_file, fit, readable

log = logging.getLogger("evidencebib.store")


# the entry type as the file spells it (bibtexparser lower-cases it)
_WRITTEN_TYPE = re.compile(r"@\s*([^\s{(]+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NEEDS_FITTING = re.compile("[\r\n\ud800-\udfff]")   # line breaks, and what UTF-8 cannot hold


@dataclass
class Span:
    """A stretch of the file: a parsed block, or the text between blocks (block is None)."""

    text: str
    block: Any = None
    line: int = 1
    replaced: str | None = None   # new text for an edited entry; None while untouched

    @property
    def current(self) -> str:
        return self.text if self.replaced is None else self.replaced


@dataclass
class EntryRecord:
    key: str
    entry_type: str
    fields: dict[str, str]           # field name (lower-case) -> raw value as written
    span: Span
    field_order: list[str] = field(default_factory=list)
    # the entry's `%` comments (formats/bibtex.py parse_library), each as (the field it
    # follows, None for the head line; its text; whether it ends that field's line): an
    # edit that rewrites the entry writes them back where they were
    comments: list[tuple[str | None, str, bool]] = field(default_factory=list)


class BibFile:
    """One condition's bibliography on disk; see the module docstring for the guarantees."""

    def __init__(self, text: str = "", path: str | Path | None = None,
                 encoding: str | FileEncoding = UTF8, notice: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.file_encoding = encoding if isinstance(encoding, FileEncoding) else FileEncoding(encoding)
        self.notice = notice      # what a person should know about how the file was read
        self._original = text
        self.newline = _dominant_newline(text)   # what new and edited entries end lines with
        self.spans: list[Span] = []
        self.entries: dict[str, EntryRecord] = {}
        self.problems: list[ParseError] = []
        # entries commented out with `%` (not read; bibtex.commented_entry_errors): reported
        # with the unparsed blocks, never a reason to refuse the file
        self.commented: list[ParseError] = []
        self._string_cache: dict[str, str] | None = None
        with gcpause.paused(promote=True):
            self._parse(text)
        # what add_item needs, kept up to date by every edit so that adding n entries is O(n)
        self._newlines = text.count("\n")
        # the keys of unparsed blocks and of entries commented out stay taken: removing the
        # `%` (or fixing the block) must not make two entries of one key
        self._keys = CitationKeys(list(self.entries) + [p.location.entry for p in
                                                        self.problems + self.commented
                                                        if p.location.entry])
        self._dois: dict[str, str] | None = None   # DOI key -> first entry with it, built lazily

    # -- loading -------------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        """The Python codec of the file's encoding (see store/encoding.py for the policy)."""
        return self.file_encoding.codec

    @classmethod
    def load(cls, path: str | Path) -> "BibFile":
        """The file at `path`; its encoding is decided once (store/encoding.py), and a file
        that is not plain UTF-8 is reported in `notice` and on the `evidencebib.store` log."""
        path = Path(path)
        decoded = decode_file(read_user_file(path), str(path))
        if decoded.notice:
            log.warning("%s", decoded.notice)
        return cls(decoded.text, path, decoded.encoding, decoded.notice)

    def _resolve(self, raw: str, strings: dict[str, str]) -> str:
        value = bibtex.resolve(raw, strings)
        return readable(value, self.file_encoding) if self.file_encoding.stray_bytes else value

    def _parse(self, text: str) -> None:
        from bibtexparser.model import Entry, String

        library = bibtex.parse_library(text)
        position = 0
        line_of = _LineCounter(text)
        for block in library.blocks:
            raw = block.raw or ""
            start = text.find(raw, position) if raw else -1
            if start < 0:
                continue  # an empty implicit comment; the gap text keeps its bytes
            if start > position:
                self.spans.append(Span(text[position:start], None, line_of(position)))
            span = Span(raw, block, line_of(start))
            self.spans.append(span)
            position = start + len(raw)
            if isinstance(block, Entry):
                order = [fld.key for fld in block.fields]
                fields = {name.lower(): str(fld.value) for name, fld in zip(order, block.fields, strict=True)}
                written_type = _WRITTEN_TYPE.match(raw)
                entry_type = written_type.group(1) if written_type else block.entry_type
                self.entries[block.key] = EntryRecord(block.key, entry_type, fields, span, order,
                                                      bibtex.comment_places(block))
            elif type(block).__name__ in ("ParsingFailedBlock", "DuplicateBlockKeyBlock",
                                          "DuplicateFieldKeyBlock", "MiddlewareErrorBlock"):
                self.problems.append(bibtex.failed_block_error(block, str(self.path or "<string>")))
            elif isinstance(block, String):
                pass
        if position < len(text):
            self.spans.append(Span(text[position:], None, line_of(position)))
        self.commented = bibtex.commented_entry_errors(library, str(self.path or "<string>"))
        if "".join(s.text for s in self.spans) != text:  # pragma: no cover - defensive
            raise ParseError("could not map the file's blocks back onto its text; refusing to "
                             "manage it (it would not be saved exactly)", file=self.path)

    # -- reading -------------------------------------------------------------------------

    def _strings(self) -> dict[str, str]:
        """The file's @string macros (only loading makes blocks, so they are read once)."""
        if self._string_cache is None:
            self._string_cache = bibtex.string_definitions(
                s.block for s in self.spans if s.block is not None)
        return self._string_cache

    def keys(self) -> list[str]:
        return list(self.entries)

    def items(self) -> list[Item]:
        """Every parsed entry as a CSL item, in file order (crossref parents resolved)."""
        with gcpause.paused(promote=True):
            strings = self._strings()
            resolve = self._resolve if self.file_encoding.stray_bytes else bibtex.resolve
            resolved = {key: (rec, {name: resolve(raw, strings) for name, raw in rec.fields.items()})
                        for key, rec in self.entries.items()}
            items = []
            sets = bibtex.entry_sets(resolved)  # a biblatex @set is its members, no reference
            for key, (rec, fields) in resolved.items():
                if key in sets or bibtex.is_data_container(rec.entry_type):
                    continue  # a biblatex @xdata container is no reference either
                fields = bibtex.inherit_crossref(fields, resolved)
                items.append(bibtex.entry_to_item(rec.entry_type, key, fields, line=rec.span.line))
                if rec.comments:  # an export to BibTeX or BibLaTeX writes them back
                    items[-1][bibtex.COMMENTS_KEY] = [list(c) for c in rec.comments]
                if bibtex.set_notes(key, sets):
                    items[-1][NOTES] = bibtex.set_notes(key, sets) + list(items[-1].get(NOTES) or ())
        return items

    def item(self, key: str) -> Item:
        """One entry as a CSL item (only it and its crossref parents are interpreted)."""
        record = self.entries.get(key)
        if record is None:
            raise UsageError(f"no entry with key '{key}'", file=self.path)
        strings = self._strings()
        resolved = _LazyResolved(self.entries, strings, self._resolve)
        fields = bibtex.inherit_crossref(resolved[key][1], resolved)
        item = bibtex.entry_to_item(record.entry_type, key, fields, line=record.span.line)
        if record.comments:
            item[bibtex.COMMENTS_KEY] = [list(c) for c in record.comments]
        return item

    def line_of(self, key: str) -> int | None:
        record = self.entries.get(key)
        return record.span.line if record else None

    def find_doi(self, doi: str) -> str | None:
        """The key of the first entry whose DOI equals `doi` (DOIs compare case-insensitively).

        The entries' DOIs are indexed on the first call and the index follows every edit, so
        checking each of n imported items against the file costs O(n), not O(n * entries)."""
        wanted = doi_module.key(doi)
        if not wanted:
            return None
        if self._dois is None:
            strings = self._strings()
            self._dois = {}
            for key, record in self.entries.items():
                found = self._doi_key(record, strings)
                if found:
                    self._dois.setdefault(found, key)
        return self._dois.get(wanted)

    @staticmethod
    def _doi_key(record: EntryRecord, strings: dict[str, str]) -> str:
        raw = record.fields.get("doi")
        if raw is None:
            return ""
        return doi_module.key(bibtex._verbatim("doi", bibtex.resolve(raw, strings)))

    def check(self) -> None:
        """Raise the first parse problem, if any (commands that render refuse broken files)."""
        if self.problems:
            raise self.problems[0]

    # -- editing -------------------------------------------------------------------------

    def add_item(self, item: Item, key: str | None = None) -> str:
        """Append `item` as a new entry and return its key (readable, unique in this file)."""
        if key is None or not bibtex.is_valid_key(key) or key in self._keys or not all(
                map(self.file_encoding.can_hold, key)):
            key = self._keys.new(item)
        else:
            self._keys.add(key)
        entry_type, fields = bibtex.item_to_fields(item)
        entry_type = bibtex.own_entry_type(item, entry_type)  # an imported @bookinbook stays one
        fields = bibtex.kept_type_fields(entry_type, fields)
        fields = [(name, self._fit(key, name, raw)) for name, raw in fields]
        comments = bibtex.item_comments(item)  # an imported entry's `%` comments
        text = bibtex.format_entry(entry_type, key, fields, newline=self.newline,
                                   comments=comments)
        tail = self._tail().replace("\r", "")
        if not tail or tail.endswith("\n\n"):
            separator = ""
        elif tail.endswith("\n"):
            separator = self.newline
        else:
            separator = self.newline * 2
        span = Span("", None, self._newlines + separator.count("\n") + 1)
        self.spans.append(span)
        self._set_text(span, separator + text + self.newline)
        record = EntryRecord(key, entry_type, dict((n.lower(), v) for n, v in fields),
                             span, [n for n, _ in fields], comments)
        self.entries[key] = record
        if self._dois is not None:
            found = self._doi_key(record, self._strings())
            if found:
                self._dois.setdefault(found, key)
        return key

    def update_item(self, key: str, item: Item) -> bool:
        """Rewrite entry `key` from `item`; returns whether its text changed.

        Fields the CSL item cannot represent (file, groups, custom fields …) are kept, and a
        field whose value means the same as before keeps its original spelling, so that an
        edit touches as few bytes as possible.
        """
        record = self.entries.get(key)
        if record is None:
            raise UsageError(f"no entry with key '{key}'", file=self.path)
        entry_type, new_fields = bibtex.item_to_fields(item)
        new = {name: self._fit(key, name, raw) for name, raw in new_fields}
        strings = self._strings()
        merged: list[tuple[str, str]] = []
        for name in record.field_order:
            lower = name.lower()
            old_raw = record.fields[lower]
            if lower in new:
                new_raw = new.pop(lower)
                same = self._field_meaning(record.entry_type, lower, old_raw, strings) == \
                    self._field_meaning(record.entry_type, lower, new_raw, strings)
                merged.append((name, old_raw if same else new_raw))
            elif lower not in bibtex.MAPPED_FIELDS or lower == "crossref":
                merged.append((name, old_raw))
            elif lower in ("journal", "journaltitle", "booktitle") and any(
                    n in new for n in ("journal", "journaltitle", "booktitle")):
                continue
        merged.extend(new.items())
        old_type = record.entry_type
        if bibtex.ENTRY_TYPES.get(old_type.lower()) == bibtex.ENTRY_TYPES.get(entry_type) or (
                old_type.lower() == entry_type):
            entry_type = old_type
        unchanged = entry_type == record.entry_type and [(n.lower(), v) for n, v in merged] == [
            (n.lower(), record.fields[n.lower()]) for n in record.field_order]
        if unchanged:
            return False
        kept = {n.lower() for n, _ in merged}
        comments = []
        for after, comment, inline in record.comments:
            # a comment after a field the edit drops goes after the nearest field kept before it
            if after is not None and after not in kept:
                earlier = record.field_order[:[n.lower() for n in record.field_order].index(after)]
                after = next((n.lower() for n in reversed(earlier) if n.lower() in kept), None)
                inline = False
            comments.append((after, comment, inline))
        text = bibtex.format_entry(entry_type, key, merged, newline=self.newline,
                                   comments=comments)
        self._set_text(record.span, text)
        record.comments = comments
        self._dois = None  # the DOI may have changed; rebuilt when next asked
        record.entry_type = entry_type
        record.fields = {n.lower(): v for n, v in merged}
        record.field_order = [n for n, _ in merged]
        return True

    def remove(self, key: str) -> None:
        """Drop entry `key` and the blank lines that separated it from the next entry, so
        that removing entries never leaves runs of blank lines; comments stay."""
        record = self.entries.pop(key, None)
        if record is None:
            raise UsageError(f"no entry with key '{key}'", file=self.path)
        self._set_text(record.span, "")
        index = self.spans.index(record.span)
        after = [s for s in self.spans[index + 1:] if s.current]
        gap = self.spans[index + 1] if index + 1 < len(self.spans) else None
        before = next((s for s in reversed(self.spans[:index]) if s.current), None)
        if gap is not None and gap.block is None and not gap.current.strip() and len(after) > 1:
            self._set_text(gap, "")   # "A\n\nB\n\nC" -> "A\n\nC"
        elif before is not None and before.block is None and not before.current.strip() \
                and (gap is None or not gap.current.strip()):
            self._set_text(before, "")  # the last entry: its separator goes with it
        self._keys.discard(key)
        self._dois = None

    def raw_entry(self, key: str) -> str:
        """Entry `key` exactly as the file spells it (from `@` to its closing brace)."""
        record = self.entries.get(key)
        if record is None:
            raise UsageError(f"no entry with key '{key}'", file=self.path)
        return record.span.current

    def replace_raw(self, key: str, text: str) -> str:
        """Replace entry `key` by `text`, one BibTeX entry (checked first: a ParseError names
        the line of `text`); returns the entry's key, which `text` may change."""
        record = self.entries.get(key)
        if record is None:
            raise UsageError(f"no entry with key '{key}'", file=self.path)
        parsed = self._one_entry(text)
        if parsed.key.lower() != key.lower() and parsed.key in self._keys:
            raise UsageError(f"the key '{parsed.key}' is already used by another entry",
                             file=self.path, entry=parsed.key)
        del self.entries[key]
        self._keys.discard(key)
        self._adopt(parsed, record.span, text)
        return parsed.key

    def add_raw(self, text: str) -> str:
        """Append `text`, one BibTeX entry kept byte for byte (a move or copy between
        conditions); returns its key. A key already used here is a UsageError."""
        parsed = self._one_entry(text)
        if parsed.key in self._keys:
            raise UsageError(f"the key '{parsed.key}' is already used by another entry",
                             file=self.path, entry=parsed.key)
        tail = self._tail().replace("\r", "")
        separator = "" if not tail or tail.endswith("\n\n") else \
            self.newline if tail.endswith("\n") else self.newline * 2
        span = Span("", None, self._newlines + separator.count("\n") + 1)
        self.spans.append(span)
        self._adopt(parsed, span, separator + text.rstrip("\r\n") + self.newline)
        return parsed.key

    def rename_key(self, old: str, new: str) -> None:
        """Give entry `old` the key `new`, changing only the key's bytes in the entry (and
        `crossref = {old}` in entries that inherit from it)."""
        if not bibtex.is_valid_key(new):
            raise UsageError(f"'{new}' is not a usable citation key", file=self.path)
        raw = self.raw_entry(old)
        renamed, count = re.subn(r"^(@\s*[^\s{(]+\s*[{(]\s*)" + re.escape(old) + r"(?=\s*,)",
                                 lambda m: m.group(1) + new, raw, count=1)
        if not count:  # pragma: no cover - a parsed entry always starts so
            raise UsageError(f"cannot find the key of entry '{old}' in its text", file=self.path)
        self.replace_raw(old, renamed)
        for key, record in list(self.entries.items()):
            if record.fields.get("crossref", "").strip("{}\" ").lower() == old.lower():
                text = re.sub(r"(crossref\s*=\s*[{\"]\s*)" + re.escape(old) + r"(?=\s*[}\"])",
                              lambda m: m.group(1) + new, record.span.current,
                              flags=re.IGNORECASE)
                self.replace_raw(key, text)

    def _one_entry(self, text: str) -> "EntryRecord":
        probe = BibFile(text, self.path, self.file_encoding)
        if probe.problems:
            raise probe.problems[0]
        if len(probe.entries) != 1:
            raise ParseError(f"expected one BibTeX entry, found {len(probe.entries)}",
                             file=self.path)
        return next(iter(probe.entries.values()))

    def _adopt(self, parsed: "EntryRecord", span: Span, text: str) -> None:
        self._set_text(span, text)
        parsed.span = span
        self.entries[parsed.key] = parsed
        self._keys.add(parsed.key)
        self._dois = None
        self._string_cache = None

    def _field_meaning(self, entry_type: str, name: str, raw: str, strings: dict[str, str]) -> Any:
        """What one field contributes to the item: equal meanings keep the original spelling."""
        value = self._resolve(raw, strings)
        if name == "month":
            return value.strip().lower()[:3]
        return bibtex.entry_to_item(entry_type, "k", {name: value})

    def _fit(self, key: str, name: str, raw: str) -> str:
        """A new field value with the file's line ending, in characters its encoding holds."""
        if self.file_encoding.is_utf8 and not _NEEDS_FITTING.search(raw):
            return raw  # the common case, checked with one scan
        if "\n" in raw or "\r" in raw:
            raw = _LINE_BREAK.sub(self.newline, raw)
        return fit(raw, self.file_encoding, verbatim=name.lower() in bibtex.VERBATIM_FIELDS,
                   source=str(self.path or "<string>"), entry=key, field=name)

    def _set_text(self, span: Span, text: str) -> None:
        """Give a span new text (every edit goes through here, which keeps the count of
        lines that add_item numbers new entries from)."""
        self._newlines += text.count("\n") - span.current.count("\n")
        span.replaced = text

    def _tail(self) -> str:
        """The last two characters of the text, without joining the whole text."""
        tail = ""
        for span in reversed(self.spans):
            tail = span.current[-2:] + tail
            if len(tail) >= 2:
                return tail[-2:]
        return tail

    # -- saving --------------------------------------------------------------------------

    def text(self) -> str:
        return "".join(span.current for span in self.spans)

    @property
    def changed(self) -> bool:
        return self.text() != self._original

    def save(self, path: str | Path | None = None) -> bool:
        """Write the file atomically if its text changed (or to a new path); True if written."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("BibFile has no path to save to")
        text = self.text()
        if text == self._original and path is None and target.exists():
            return False
        write_atomic(target, self.file_encoding.encode(text))
        self._original = text
        return True


def _dominant_newline(text: str) -> str:
    """CRLF when most of the file's lines end so, else LF (a file with none: LF)."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 > text.count("\n") else "\n"


class _LazyResolved(dict):
    """key -> (record, resolved fields), computed on first access (for crossref lookups)."""

    def __init__(self, entries: dict[str, EntryRecord], strings: dict[str, str], resolve) -> None:
        super().__init__()
        self._entries = entries
        self._strings = strings
        self._resolve = resolve

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self):  # every entry's key, resolved or not (bibtex._aliases looks at all)
        return self._entries.keys()

    def __missing__(self, key: str):
        record = self._entries[key]
        value = (record, {name: self._resolve(raw, self._strings) for name, raw in record.fields.items()})
        self[key] = value
        return value


class _LineCounter:
    """1-based line numbers of offsets, computed incrementally (offsets only grow)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def __call__(self, offset: int) -> int:
        if offset < self.offset:
            return self.text.count("\n", 0, offset) + 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line
