"""A small on-disk cache of definitive HTTP answers (200 and 404), one file per request.

Why not requests-cache: the batch lookups (`/works?filter=doi:a,doi:b…`) must fill the
cache of the *single-record* requests (`/works/{doi}`) so that a later run, or a run that
was killed half-way, answers every DOI from the cache without asking again; and the
rate limiter must never see cache hits. Both are simplest with a cache we key ourselves.

Keys are strings like `GET application/json https://api.crossref.org/works/10.1000%2Fx`
(the URL without the `mailto` parameter, so a changed address does not empty the cache);
a file is named by the SHA-256 of its key and written atomically (temporary file +
`os.replace`), so a process killed mid-run leaves complete entries or none.
Entries older than `ttl` seconds are treated as missing (retractions are added to
records after publication), except in offline mode, which takes any age.
"""

from __future__ import annotations

import hashlib
import json
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

    def __init__(self, directory: str | Path | None, ttl: float = DEFAULT_TTL) -> None:
        self.directory = Path(directory) / "http" / FORMAT if directory is not None else None
        self.ttl = ttl
        self._memory: dict[str, CachedAnswer] = {}
        self._memory_bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
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
            with open(self._path(key), encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("key") != key:
                return None
            return CachedAnswer(int(data["status"]), str(data.get("content_type", "")),
                                str(data["body"]).encode("utf-8"), float(data["stored_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, or damaged by a crash of another tool: refetch

    def put(self, key: str, status: int, content_type: str, body: bytes) -> None:
        entry = CachedAnswer(status, content_type, body, time.time())
        if self.directory is None:
            with self._lock:
                self._memory[key] = entry
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {"key": key, "status": status, "content_type": content_type,
                  "stored_at": entry.stored_at,
                  "body": body.decode("utf-8", errors="replace")}
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
        entry = CachedAnswer(status, content_type, record["body"].encode("utf-8"),
                             entry.stored_at)         # exactly what a read from disk gives
        with self._lock:
            previous = self._memory.pop(key, None)
            if previous is not None:
                self._memory_bytes -= len(previous.body)
            if self._memory_bytes + len(entry.body) <= MEMORY_BYTES:
                self._memory[key] = entry
                self._memory_bytes += len(entry.body)
