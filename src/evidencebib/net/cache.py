"""A small on-disk cache of definitive HTTP answers (200 and 404), one file per request.

Why not requests-cache: the batch lookups (`/works?filter=doi:a,doi:b…`) must fill the
cache of the *single-record* requests (`/works/{doi}`) so that a later run, or a run that
was killed half-way, answers every DOI from the cache without asking again; and the
rate limiter must never see cache hits. Both are simplest with a cache we key ourselves.

Keys are strings like `GET application/json https://api.crossref.org/works/10.1000%2Fx`
(the URL without the parameters that say who asks — `mailto`, `api_key` …, see
`transport.CALLER_PARAMS` — so a changed address does not empty the cache);
a file is named by the SHA-256 of its key and written atomically (temporary file +
`os.replace`), so a process killed mid-run leaves complete entries or none.
Entries older than `ttl` seconds are treated as missing (retractions are added to
records after publication), except in offline mode, which takes any age.

The cache is a convenience, never a reason to fail: an entry that is not exactly what this
module writes (any JSON, any bytes, a huge file, a nested array 100,000 deep, `1e400`) is a
miss, and a cache that cannot be written (disk full, a file-size limit, a read-only
directory) stops writing for the rest of the run, keeps answers in memory, and says so once
(`write_error`). Which answers may be cached at all is the caller's decision.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TTL = 7 * 24 * 3600.0
# Answers written by this process are also kept in memory (up to this many bytes of bodies),
# so a run that prefetches thousands of works in batches reads them back without the disk.
MEMORY_BYTES = 48 * 1024 * 1024
FORMAT = "v1"
# No entry this module writes is larger: bodies are capped at 10 MB by the client, and JSON
# escaping at most sextuples them. A bigger file was not written here.
MAX_ENTRY_BYTES = 64 * 1024 * 1024


def default_cache_dir() -> Path:
    """$EVIDENCEBIB_CACHE_DIR, else $XDG_CACHE_HOME/evidencebib, else ~/.cache/evidencebib."""
    explicit = os.environ.get("EVIDENCEBIB_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and os.path.isabs(os.path.expanduser(xdg)) \
        else Path.home() / ".cache"
    return base / "evidencebib"


@dataclass(frozen=True)
class CachedAnswer:
    status: int
    content_type: str
    body: bytes
    stored_at: float


class ResponseCache:
    """Directory-backed cache; `ResponseCache(None)` keeps entries in memory only."""

    def __init__(self, directory: str | os.PathLike[str] | None,
                 ttl: float | None = DEFAULT_TTL) -> None:
        """`ttl`: seconds an answer stays fresh (None: it never expires)."""
        self.directory = Path(directory) / "http" / FORMAT if directory is not None else None
        self.ttl = ttl
        self._memory: dict[str, CachedAnswer] = {}
        self._memory_bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self.write_error: str | None = None     # why the disk is no longer written, if so
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, key: str) -> Path:
        """The file that holds (or would hold) the answer for `key`."""
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        assert self.directory is not None
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str, *, any_age: bool = False) -> CachedAnswer | None:
        entry = self._memory.get(key)
        if entry is None and self.directory is not None:
            entry = self._read(key)
        if entry is not None and not any_age and self.ttl is not None \
                and time.time() - entry.stored_at > self.ttl:
            entry = None
        with self._lock:
            if entry is None:
                self.misses += 1
            else:
                self.hits += 1
        return entry

    def _read(self, key: str) -> CachedAnswer | None:
        try:
            with open(self.path_for(key), "rb") as handle:
                data = handle.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None                              # missing or unreadable: refetch
        if len(data) > MAX_ENTRY_BYTES:
            return None
        try:
            record = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError, MemoryError):
            return None                              # damaged by a crash or another tool
        return _entry(record, key)

    def discard(self, key: str) -> None:
        """Forget `key` (an entry its reader cannot use), in memory and on disk."""
        with self._lock:
            previous = self._memory.pop(key, None)
            if previous is not None:
                self._memory_bytes -= len(previous.body)
        if self.directory is not None and self.write_error is None:
            try:
                self.path_for(key).unlink()
            except OSError:
                pass

    def put(self, key: str, status: int, content_type: str, body: bytes) -> None:
        entry = CachedAnswer(status, content_type, body, time.time())
        if self.directory is None or self.write_error is not None:
            self._remember(key, entry)
            return
        text = body.decode("utf-8", errors="replace")
        record = {"key": key, "status": status, "content_type": content_type,
                  "stored_at": entry.stored_at, "body": text}
        try:
            self._write(self.path_for(key), record)
        except OSError as error:
            # disk full, a file-size limit, a read-only directory …: answers stay in memory
            self.write_error = (f"cannot write the HTTP cache in {self.directory} "
                                f"({error.strerror or error}); answers of this run are not "
                                f"cached on disk")
            self._remember(key, entry)
            return
        entry = CachedAnswer(status, content_type, text.encode("utf-8"),
                             entry.stored_at)         # exactly what a read from disk gives
        self._remember(key, entry, bounded=True)

    @staticmethod
    def _write(path: Path, record: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _remember(self, key: str, entry: CachedAnswer, bounded: bool = False) -> None:
        """Keep `entry` in memory; `bounded`: only within MEMORY_BYTES (it is also on disk)."""
        with self._lock:
            previous = self._memory.pop(key, None)
            if previous is not None:
                self._memory_bytes -= len(previous.body)
            if not bounded or self._memory_bytes + len(entry.body) <= MEMORY_BYTES:
                self._memory[key] = entry
                self._memory_bytes += len(entry.body)


def _entry(record: object, key: str) -> CachedAnswer | None:
    """The answer in a decoded cache file, or None unless it is exactly what `put` writes."""
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    status, content_type = record.get("status"), record.get("content_type", "")
    body, stored_at = record.get("body"), record.get("stored_at")
    if type(status) is not int or not 100 <= status <= 599:
        return None
    if not isinstance(content_type, str) or not isinstance(body, str):
        return None
    # a JSON number: int or float, not bool (the decoder makes no other subclass)
    if isinstance(stored_at, bool) or not isinstance(stored_at, (int, float)) \
            or not math.isfinite(stored_at):
        return None
    try:
        data = body.encode("utf-8")
    except UnicodeEncodeError:
        return None                    # a lone surrogate from "\ud800" in the JSON
    return CachedAnswer(status, content_type, data, float(stored_at))
