"""The references/ directory: one condition = `<slug>.bib` + `<slug>.toml` side by side.

The `.bib` holds the evidence bibliography (see `bibfile.py` for the byte-exact guarantees);
the `.toml` holds the page text (title, status, specific conditions, level of evidence,
statement paragraphs) in a format that diffs line by line and round-trips every character.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from evidencebib.errors import ParseError, StorageError, UsageError
from evidencebib.model import Condition
from evidencebib.store.atomic import sweep_temp_files, write_atomic
from evidencebib.store.bibfile import BibFile

__all__ = ["References", "ConditionFile", "BibFile", "valid_slug"]

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_META_FIELDS = ("title", "status", "level_of_evidence", "specific_conditions", "statement")
_HEADER = "# Condition page of evidencebib; its bibliography is {slug}.bib beside this file.\n"


def valid_slug(slug: str) -> bool:
    return bool(_SLUG.match(slug))


class ConditionFile:
    """A loaded condition: its page metadata and its bibliography, saved together."""

    def __init__(self, references: "References", meta: Condition, bib: BibFile,
                 meta_text: str | None) -> None:
        self.references = references
        self.meta = meta
        self.bib = bib
        self._meta_text = meta_text

    @property
    def slug(self) -> str:
        return self.meta.slug

    def items(self):
        return self.bib.items()

    def save(self) -> None:
        """Write what changed, each file atomically; untouched files are not rewritten."""
        self.bib.save()
        text = render_meta(self.meta)
        if text != self._meta_text:
            write_atomic(self.references.meta_path(self.slug), text.encode("utf-8"))
            self._meta_text = text


class References:
    """A references directory. Nothing here touches the network."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"References({str(self.path)!r})"

    def path_of(self, slug: str) -> Path:
        return self.path / f"{self._checked(slug)}.bib"

    def meta_path(self, slug: str) -> Path:
        return self.path / f"{self._checked(slug)}.toml"

    def _checked(self, slug: str) -> str:
        if not valid_slug(slug):
            raise UsageError(f"'{slug}' is not a condition name (use lower-case letters, digits "
                             "and hyphens, e.g. recurrent-miscarriage)")
        return slug

    def slugs(self) -> list[str]:
        if not self.path.is_dir():
            raise UsageError("references directory not found (use --references DIR or set "
                             "EVIDENCEBIB_REFERENCES)", file=self.path)
        found = {p.stem for p in self.path.iterdir()
                 if p.suffix in (".bib", ".toml") and valid_slug(p.stem)}
        return sorted(found)

    def exists(self, slug: str) -> bool:
        return self.path_of(slug).exists() or self.meta_path(slug).exists()

    def load(self, slug: str) -> ConditionFile:
        if not self.path.is_dir():
            raise UsageError("references directory not found (use --references DIR or set "
                             "EVIDENCEBIB_REFERENCES)", file=self.path)
        if not self.exists(slug):
            known = ", ".join(self.slugs()) or "none"
            raise UsageError(f"unknown condition '{slug}' (known: {known})", file=self.path)
        meta_path = self.meta_path(slug)
        meta_text = None
        if meta_path.exists():
            meta_text = meta_path.read_text(encoding="utf-8")
            meta = parse_meta(meta_text, slug, meta_path)
        else:
            meta = Condition(slug=slug, title=slug.replace("-", " ").capitalize())
        bib_path = self.path_of(slug)
        bib = BibFile.load(bib_path) if bib_path.exists() else BibFile("", bib_path)
        return ConditionFile(self, meta, bib, meta_text)

    def create(self, meta: Condition, bib_text: str = "") -> ConditionFile:
        """A new condition (not yet on disk until saved); refuses to overwrite one."""
        if self.exists(meta.slug):
            raise UsageError(f"condition '{meta.slug}' already exists", file=self.path_of(meta.slug))
        self.path.mkdir(parents=True, exist_ok=True)
        return ConditionFile(self, meta, BibFile(bib_text, self.path_of(meta.slug)), None)

    def load_or_create(self, slug: str) -> ConditionFile:
        if self.exists(slug):
            return self.load(slug)
        return self.create(Condition(slug=slug, title=slug.replace("-", " ").capitalize()))

    @contextlib.contextmanager
    def lock(self, slug: str, *, wait: bool = True) -> Iterator[None]:
        """An exclusive inter-process lock for a read-modify-write of one condition.

        Two evidencebib processes editing the same condition take turns; with wait=False the
        second one is refused with a clear error instead. Taking it sweeps the temporary files
        of killed writers in the folder, and only those (store/atomic.py: a live writer's
        temporary file is locked by it, whichever condition it belongs to).
        """
        lock_path = self.path / f".{self._checked(slug)}.lock"
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except IsADirectoryError:
            raise StorageError(f"cannot lock condition '{slug}': its lock file is a directory; "
                               "remove it (no evidencebib process keeps anything there)",
                               file=lock_path) from None
        except OSError as error:
            raise StorageError(f"cannot lock condition '{slug}' ({error.strerror or error})",
                               file=lock_path) from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise UsageError(f"condition '{slug}' is being changed by another evidencebib "
                                 "process; try again", file=self.path_of(slug)) from None
            sweep_temp_files(self.path)
            yield
        finally:
            os.close(fd)


def parse_meta(text: str, slug: str, path: Path | str = "<meta>") -> Condition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = None
        match = re.search(r"line (\d+)", str(error))
        if match:
            line = int(match.group(1))
        raise ParseError(f"not valid TOML ({error})", file=path, line=line) from None
    unknown = set(data) - set(_META_FIELDS)
    if unknown:
        raise ParseError(f"unknown field(s) {', '.join(sorted(unknown))}; expected "
                         f"{', '.join(_META_FIELDS)}", file=path)
    for name in ("title", "status", "level_of_evidence"):
        if not isinstance(data.get(name, ""), str):
            raise ParseError(f"'{name}' must be a string", file=path)
    for name in ("specific_conditions", "statement"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ParseError(f"'{name}' must be a list of strings", file=path)
    if not data.get("title"):
        raise ParseError("'title' is missing", file=path)
    return Condition(slug=slug, **{k: data[k] for k in _META_FIELDS if k in data})


def render_meta(meta: Condition) -> str:
    """The .toml text of a condition: fixed field order, one list item per line."""
    import tomli_w

    data = {k: v for k, v in asdict(meta).items() if k != "slug"}
    ordered = {k: data[k] for k in _META_FIELDS}
    return _HEADER.format(slug=meta.slug) + tomli_w.dumps(ordered, multiline_strings=False)
