"""The references/ directory: one condition = `<slug>.bib` + `<slug>.toml` side by side.

The `.bib` holds the evidence bibliography (see `bibfile.py` for the byte-exact guarantees);
the `.toml` holds the page text (title, status, specific conditions, level of evidence,
statement paragraphs) in a format that diffs line by line and round-trips every character.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from evidencebib.errors import StorageError, UsageError, read_user_file
from evidencebib.model import Condition
from evidencebib.store.atomic import sweep_temp_files, write_atomic
from evidencebib.store.bibfile import BibFile
from evidencebib.store.meta import edit_meta, parse_meta, read_meta, render_meta

__all__ = ["References", "ConditionFile", "FileChange", "BibFile", "valid_slug", "parse_meta", "render_meta"]

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")


def valid_slug(slug: str) -> bool:
    return bool(_SLUG.match(slug))


class ConditionFile:
    """A loaded condition: its page metadata and its bibliography, saved together.

    `meta` may be changed freely; `save()` writes the .toml only when it no longer says what
    it said when loaded, and then edits it in place (store/meta.py).
    """

    def __init__(self, references: "References", meta: Condition, bib: BibFile,
                 meta_text: str | None, *, saved_meta: Condition | None = None,
                 meta_bom: bool = False) -> None:
        self.references = references
        self.meta = meta
        self.bib = bib
        self._meta_text = meta_text     # the .toml as read, edited in place (None: none yet)
        self._saved_meta = copy.deepcopy(saved_meta)  # what the page text says on disk (None: new)
        self._meta_bom = meta_bom

    @property
    def slug(self) -> str:
        return self.meta.slug

    def items(self):
        return self.bib.items()

    def _new_meta_text(self) -> str | None:
        """The .toml text `save()` would write, or None when the page text is unchanged."""
        if self._saved_meta is not None and self.meta == self._saved_meta:
            return None
        if self._meta_text is None:
            return render_meta(self.meta)
        return edit_meta(self._meta_text, self.meta, self.references.meta_path(self.slug))

    def changes(self) -> list["FileChange"]:
        """What `save()` would write, file by file, without writing (for --dry-run)."""
        out = []
        bib_path = self.bib.path or self.references.path_of(self.slug)
        if self.bib.changed or not bib_path.exists():
            out.append(FileChange(bib_path, self.bib._original if bib_path.exists() else None,
                                  self.bib.text()))
        meta_text = self._new_meta_text()
        if meta_text is not None:
            out.append(FileChange(self.references.meta_path(self.slug), self._meta_text, meta_text))
        return out

    def save(self) -> None:
        """Write what changed, each file atomically; untouched files are not rewritten."""
        self.bib.save()
        text = self._new_meta_text()
        if text is None:
            return
        path = self.references.meta_path(self.slug)
        write_atomic(path, ("\ufeff" if self._meta_bom else "").encode("utf-8") + text.encode("utf-8"))
        self._meta_text = text
        self._saved_meta = copy.deepcopy(self.meta)


@dataclass(frozen=True)
class FileChange:
    """One file a command writes: its text before (None: a new file) and after."""

    path: Path
    before: str | None
    after: str

    def diff(self) -> str:
        """A unified diff (`--- a/… +++ b/…`), as `git diff` shows it."""
        import difflib

        old = [] if self.before is None else self.before.splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, "/dev/null" if self.before is None else
                                     f"a/{self.path.name}", f"b/{self.path.name}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)


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
            slugs = self.slugs()
            known = ", ".join(slugs[:12]) + (f" and {len(slugs) - 12} more" if len(slugs) > 12
                                             else "") if slugs else "none"
            raise UsageError(f"unknown condition '{slug}' (known: {known}); create it with "
                             f"`evidencebib new {slug} --title \"…\"`", file=self.path)
        meta, meta_text, bom = self.read_meta(slug)
        bib_path = self.path_of(slug)
        bib = BibFile.load(bib_path) if bib_path.exists() else BibFile("", bib_path)
        # without a .toml the page text is the default one, and a .toml is written only if
        # something changes it
        return ConditionFile(self, meta, bib, meta_text, saved_meta=meta, meta_bom=bom)

    def read_meta(self, slug: str) -> tuple[Condition, str | None, bool]:
        """(page text, the .toml's text or None when there is none, whether it has a BOM)."""
        meta_path = self.meta_path(slug)
        if not meta_path.exists():
            return Condition(slug=slug, title=slug.replace("-", " ").capitalize()), None, False
        data = read_user_file(meta_path)
        text = read_meta(data, meta_path)
        return parse_meta(text, slug, meta_path), text, data.startswith(codecs.BOM_UTF8)

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
