"""A content-addressed, on-disk cache of rendered bibliography entries.

`engine.render_bibliography` uses it transparently (disable with `cache=False`, or
`EVIDENCEBIB_NO_RENDER_CACHE=1`, or `EVIDENCEBIB_NO_SPEEDUPS=1`). Two kinds of record:

- **bibliography** — key: code fingerprint, style digest, the digests of all items in input
  order. Value: the marked entries in bibliography order. A hit does no formatting at all (no
  style load, no sort, not even an import of citeproc-py).
- **entry** — key: code fingerprint, style digest, the item's digest and its bibliography
  context. Value: the one marked entry (or None when the style prints nothing for it). On a
  bibliography miss the items are registered and sorted as usual (sort keys are cheap next to
  entries) and only entries without a record are formatted.

What an entry's text can depend on besides the item and the style (its *context*) is what the
engine's plan of the bibliography decides for it (`engine.BibliographyPlan.context`): its
citation number (when the style prints `citation-number`) and its disambiguation (year
suffix …). `subsequent-author-substitute` makes an entry depend on its predecessor: styles that
set it get no entry records (bibliography records only). Nothing else leaks between entries:
each is evaluated from a fresh render context.

Entries are stored *marked* (private-use markers, see formats.py), so one record serves every
output format. A third kind of record, **finished** (key: the bibliography key and the output
format), holds a whole bibliography as finished text, so a warm render does not even run the
finisher; it is written after the marked records, from them.

Keys hash content, never names or times: the style by its file bytes, with the locale
override and the engine options that change text (`variant_digest`; the locale files ship with
citeproc-py, whose installed files are part of the fingerprint), the items by a canonical JSON
of what the engine reads (`intake.prepare_item`, ids excluded: they are never printed), the
code by the source of evidencebib.render, of the model normalisers it reads items with
(evidencebib.model) and the installed citeproc-py files.

Storage: `$EVIDENCEBIB_CACHE_DIR/render`, else `$XDG_CACHE_HOME/evidencebib/render`, else
`~/.cache/evidencebib/render`; one small JSON file per record in 256 sub-folders, written to a
temporary file and renamed (atomic; two processes writing the same record write the same
bytes), unreadable or truncated files count as misses. Size is bounded
(`EVIDENCEBIB_RENDER_CACHE_MB`, default 64): after every 200 writes the folder is measured and
the least recently used records are deleted down to 80 % of the bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Sequence

VERSION = "1"
_CITEPROC_FILES = ("__init__.py", "_version.py", "model.py", "frontend.py", "string.py",
                   "source/__init__.py", "source/json.py")
_PRUNE_EVERY = 200
_TOUCH_AFTER = 3600.0


def enabled_by_environment() -> bool:
    from evidencebib.render.options import settings

    return settings().render_cache


def default_directory() -> Path:
    from evidencebib.render.options import cache_directory

    return cache_directory()


def max_bytes() -> int:
    from evidencebib.render.options import settings

    return max(1, int(settings().cache_megabytes * 1024 * 1024))


# --- keys ------------------------------------------------------------------------------------

_fingerprint: str | None = None
_style_digests: dict[tuple[str, int, int], tuple[str, bool, bool]] = {}
_lock = threading.Lock()


def fingerprinted_sources() -> list[Path]:
    """The sources whose text is part of the code fingerprint: evidencebib.render, and
    evidencebib.model, whose normalisers the engine reads items with (render/intake.py: names,
    dates, DOIs, vocabulary)."""
    here = Path(__file__).resolve().parent
    return sorted(here.rglob("*.py")) + sorted((here.parent / "model").glob("*.py"))


def code_fingerprint() -> str:
    """Hash of the rendering code: evidencebib.render and evidencebib.model sources and
    citeproc-py's files."""
    global _fingerprint
    if _fingerprint is None:
        import importlib.util

        digest = hashlib.sha256(f"evidencebib-render-cache {VERSION} {sys.version_info[:2]}".encode())
        here = Path(__file__).resolve().parent
        for path in fingerprinted_sources():
            name = str(path.relative_to(here.parent))
            try:
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
            except OSError:
                digest.update(name.encode() + b"\0missing\0")
        spec = importlib.util.find_spec("citeproc")
        origin = Path(spec.origin).parent if spec and spec.origin else None
        for name in _CITEPROC_FILES:
            try:
                stat = (origin / name).stat() if origin else None
                digest.update(f"{name} {stat.st_size} {stat.st_mtime_ns}\0".encode() if stat else b"none")
            except OSError:
                digest.update(name.encode() + b" missing\0")
        _fingerprint = digest.hexdigest()
    return _fingerprint


def style_info(path: Path) -> tuple[str, bool, bool]:
    """(sha256 of the style file, mentions citation-number, sets subsequent-author-substitute)."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    info = _style_digests.get(key)
    if info is None:
        data = path.read_bytes()
        info = (hashlib.sha256(data).hexdigest(), b"citation-number" in data,
                b"subsequent-author-substitute" in data)
        with _lock:
            _style_digests[key] = info
    return info


def item_digest(clean: dict[str, Any], truncated: list[str]) -> str:
    """Digest of a prepared item (what citeproc-py is given), without its positional id."""
    body = {k: v for k, v in clean.items() if k != "id"}
    text = json.dumps([body, truncated], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def bibliography_key(style_digest: str, digests: Sequence[str]) -> str:
    h = hashlib.sha256(f"bib\0{code_fingerprint()}\0{style_digest}\0".encode())
    for digest in digests:
        h.update(digest.encode())
    return h.hexdigest()


def finished_key(bib_key: str, fmt: str) -> str:
    """The finished (output-format) entries of the bibliography `bib_key`."""
    return hashlib.sha256(f"finished\0{bib_key}\0{fmt}".encode()).hexdigest()


def entry_key(style_digest: str, digest: str, context: dict[str, Any]) -> str:
    text = json.dumps(context, sort_keys=True, separators=(",", ":"))
    key = f"entry\0{code_fingerprint()}\0{style_digest}\0{digest}\0{text}"
    return hashlib.sha256(key.encode()).hexdigest()


def variant_digest(style_digest: str, locale: str | None, options: Any) -> str:
    """The style digest of a style rendered with a locale override and engine options that
    change text (overrides switched off, links)."""
    disabled = sorted(getattr(options, "disabled", ()) or ())
    links = getattr(options, "links", True)
    if locale is None and not disabled and links:
        return style_digest
    text = json.dumps([style_digest, locale, disabled, links])
    return hashlib.sha256(text.encode()).hexdigest()


# --- storage ---------------------------------------------------------------------------------

class RenderCache:
    """Records as JSON files under `directory` (created on first write)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None, limit: int | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.limit = limit if limit is not None else max_bytes()
        self._writes = 0
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / (key[2:] + ".json")

    def get(self, key: str) -> Any:
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            record = json.loads(data)
            if not isinstance(record, dict) or record.get("k") != key:
                raise ValueError("not this record")
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        try:
            if time.time() - os.stat(path).st_mtime > _TOUCH_AFTER:
                os.utime(path)  # least-recently-used order for pruning
        except OSError:
            pass
        return record

    def put(self, key: str, value: dict[str, Any]) -> None:
        record = dict(value, k=key)
        path = self._path(key)
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temporary, path)
            except BaseException:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
                raise
        except OSError:
            return  # a read-only or full disk only costs speed
        self._writes += 1
        if self._writes % _PRUNE_EVERY == 0:
            self.prune()

    def size(self) -> int:
        return sum(size for _, size, _ in self._records())

    def _records(self):
        try:
            folders = list(os.scandir(self.directory))
        except OSError:
            return []
        records = []
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            try:
                for entry in os.scandir(folder.path):
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    records.append((entry.path, stat.st_size, stat.st_mtime))
            except OSError:
                continue
        return records

    def prune(self) -> int:
        """Delete least recently used records (and stale temporary files) down to 80 % of the
        limit when over it; returns the number of files removed. Safe to run concurrently."""
        records = self._records()
        now = time.time()
        removed = 0
        kept = []
        for path, size, mtime in records:
            if os.path.basename(path).startswith(".tmp-"):
                if now - mtime > 3600:
                    try:
                        os.unlink(path)
                        removed += 1
                    except OSError:
                        pass
                continue
            kept.append((mtime, path, size))
        total = sum(size for _, _, size in kept)
        if total <= self.limit:
            return removed
        target = int(self.limit * 0.8)
        for _mtime, path, size in sorted(kept):  # oldest first
            if total <= target:
                break
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                pass
            total -= size
        return removed

    def clear(self) -> None:
        for path, _, _ in self._records():
            try:
                os.unlink(path)
            except OSError:
                pass


_default: RenderCache | None = None
_default_dir: Path | None = None


def default_cache() -> RenderCache:
    """The per-user cache (re-created when the environment points elsewhere)."""
    global _default, _default_dir
    directory = default_directory()
    if _default is None or directory != _default_dir:
        _default, _default_dir = RenderCache(directory), directory
    return _default
