"""Atomic, durable file replacement.

A references file is replaced by writing a temporary file in the same directory, flushing
and fsync-ing it, then `os.replace`-ing it over the target and fsync-ing the directory. A
reader (or a crash) therefore sees either the old bytes or the new bytes, never a mix.
Temporary files carry a recognisable prefix so that leftovers of a killed process can be
swept on the next run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".evidencebib-tmp-"


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the file's permissions are kept if it existed."""
    path = Path(path)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + ".", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def sweep_temp_files(directory: str | Path) -> list[Path]:
    """Remove temporary files left behind by a killed writer; return what was removed."""
    removed = []
    directory = Path(directory)
    if not directory.is_dir():
        return removed
    for leftover in directory.glob(TEMP_PREFIX + "*"):
        try:
            leftover.unlink()
            removed.append(leftover)
        except OSError:
            pass
    return removed
