"""Atomic, durable file replacement, and the sweeping of what killed writers left behind.

A references file is replaced by writing a temporary file in the same directory, flushing
and fsync-ing it, then `os.replace`-ing it over the target and fsync-ing the directory. A
reader (or a crash) therefore sees either the old bytes or the new bytes, never a mix.

Temporary files carry a recognisable prefix, and their writer holds an exclusive `flock` on
each one from just after creating it until it has been renamed. The kernel drops that lock
when the writer ends, however it ends (`kill -9` included), so a temporary file whose lock
can be taken is provably abandoned, and only such files are swept: a save of one condition
never deletes the temporary file another process is writing for another condition, or for a
save of its own made without the condition lock (`BibFile.save()` from the Python API).
A sweep can land between a writer's `mkstemp` and its `flock`; the writer then finds that its
name no longer leads to its file and starts again with a new one.

A write that fails (disk full, file-size limit, permissions, a read-only or virtual file
system) raises `StorageError` naming the file, after removing its temporary file: the target
keeps its old bytes. A target that is a symbolic link stays one: the file it leads to is
replaced (as a shell's `>` or an editor's save would write through it). Hard links to the
target are not kept (the rename gives it a new inode).
"""

from __future__ import annotations

import errno
import fcntl
import os
import tempfile
from pathlib import Path

from evidencebib.errors import StorageError

TEMP_PREFIX = ".evidencebib-tmp-"
_ATTEMPTS = 5   # temporary files taken by sweeps before this writer could lock them


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the file's permissions are kept if it existed.

    Raises StorageError (one line: the file and the system's reason) when it cannot be
    written; the old file is then untouched and no temporary file is left behind.
    """
    path = Path(path)
    if path.is_symlink():  # replace the file the link leads to, and keep the link
        path = Path(os.path.realpath(path))
    try:
        _write_atomic(path, data)
    except OSError as error:
        failure = StorageError(f"cannot write the file ({_reason(error)}); it was left as it was",
                               file=path)
        failure.reason = _reason(error)  # for callers that phrase the message themselves
        raise failure from None


def _write_atomic(path: Path, data: bytes) -> None:
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    for _ in range(_ATTEMPTS):
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX + path.name + ".", dir=directory)
        try:
            if not _lock_temp(fd, tmp_name):
                os.close(fd)
                continue
            with os.fdopen(os.dup(fd), "wb") as handle:   # the lock stays on `fd`
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
            except OSError:
                pass
            os.close(fd)
            raise
        os.close(fd)
        _fsync_directory(directory)
        return
    raise OSError(errno.EAGAIN, "temporary files kept disappearing while being written")


def _lock_temp(fd: int, name: str) -> bool:
    """Lock a new temporary file; False if a sweep removed it before the lock was taken."""
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        return os.stat(name).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _reason(error: OSError) -> str:
    if error.errno == errno.EFBIG:
        return "the file-size limit was reached"
    return error.strerror or str(error)


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
    """Remove the temporary files of writers that are gone; return what was removed.

    A file whose writer is alive is locked by it and is left alone (see the module docstring).
    """
    removed: list[Path] = []
    directory = Path(directory)
    if not directory.is_dir():
        return removed
    for leftover in directory.glob(TEMP_PREFIX + "*"):
        try:
            fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # gone already, not ours, or not a regular file we may open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live writer holds it
        try:
            if os.path.samestat(os.fstat(fd), os.lstat(leftover)):
                os.unlink(leftover)
                removed.append(leftover)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed
