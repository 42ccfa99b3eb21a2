"""Temporary files of saves: swept only when their writer is gone, never under a live writer."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest

from evidencebib.errors import EvidenceError
from evidencebib.store import References
from evidencebib.store import atomic
from evidencebib.store.atomic import TEMP_PREFIX, sweep_temp_files, write_atomic


def _paused_writer(path: str, started, resume, done) -> None:
    """Runs in a forked child: a save that stops after writing its temporary file."""
    real_fsync = os.fsync
    paused = []

    def fsync_then_wait(fd):
        real_fsync(fd)
        if not paused:  # the temp file's fsync, before the rename
            paused.append(True)
            started.send(True)
            resume.recv()

    os.fsync = fsync_then_wait
    try:
        write_atomic(path, b"@article{b, title = {Written by the other process}}\n" * 1000)
    except BaseException as error:  # reported to the parent, which asserts on it
        done.send(f"{type(error).__name__}: {error}")
        return
    done.send("ok")


def _start_paused_writer(path):
    context = multiprocessing.get_context("fork")
    started_r, started_w = context.Pipe(duplex=False)
    resume_r, resume_w = context.Pipe(duplex=False)
    done_r, done_w = context.Pipe(duplex=False)
    child = context.Process(target=_paused_writer, args=(str(path), started_w, resume_r, done_w))
    child.start()
    assert started_r.poll(30), "the writer did not reach its rename"
    started_r.recv()
    return child, resume_w, done_r


def test_taking_one_conditions_lock_leaves_another_writers_temp_file(tmp_path):
    child, resume, done = _start_paused_writer(tmp_path / "other.bib")
    try:
        assert list(tmp_path.glob(TEMP_PREFIX + "other.bib.*"))
        with References(tmp_path).lock("mine"):
            pass
        assert list(tmp_path.glob(TEMP_PREFIX + "other.bib.*")), "a live writer's file was swept"
    finally:
        resume.send(True)
        child.join(30)
    assert done.recv() == "ok"
    assert (tmp_path / "other.bib").read_bytes().startswith(b"@article{b,")


def test_a_save_without_the_lock_is_not_swept_by_a_lock_holder(tmp_path):
    # BibFile.save() from the Python API does not take the lock; its temp file is still safe
    child, resume, done = _start_paused_writer(tmp_path / "mine.bib")
    try:
        with References(tmp_path).lock("mine"):
            pass
        assert list(tmp_path.glob(TEMP_PREFIX + "mine.bib.*"))
    finally:
        resume.send(True)
        child.join(30)
    assert done.recv() == "ok"


def test_a_killed_writers_temp_file_is_swept_by_the_next_lock_of_any_condition(tmp_path):
    child, resume, done = _start_paused_writer(tmp_path / "other.bib")
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    assert list(tmp_path.glob(TEMP_PREFIX + "other.bib.*"))
    with References(tmp_path).lock("mine"):
        pass
    assert not list(tmp_path.glob(TEMP_PREFIX + "*"))
    assert not (tmp_path / "other.bib").exists()


def test_a_temp_file_swept_before_its_writer_locked_it_is_written_again(tmp_path, monkeypatch):
    # The window between creating a temp file and locking it: a sweep that lands there takes
    # the file; the writer notices (the name no longer leads to its file) and starts over.
    real_lock = atomic._lock_temp
    calls = []

    def sweep_first(fd, name):
        if not calls:
            calls.append(name)
            assert sweep_temp_files(tmp_path) == [atomic.Path(name)]
        return real_lock(fd, name)

    monkeypatch.setattr(atomic, "_lock_temp", sweep_first)
    write_atomic(tmp_path / "x.bib", b"new")
    assert (tmp_path / "x.bib").read_bytes() == b"new"
    assert calls and not list(tmp_path.glob(TEMP_PREFIX + "*"))


def test_a_lock_that_is_a_directory_is_a_one_line_error(tmp_path):
    (tmp_path / ".mine.lock").mkdir()
    with pytest.raises(EvidenceError, match=r"\.mine\.lock.*directory"):
        with References(tmp_path).lock("mine"):
            pass


def test_a_lock_in_a_references_folder_that_is_a_file_is_a_one_line_error(tmp_path):
    (tmp_path / "references").write_text("not a folder")
    with pytest.raises(EvidenceError, match="cannot lock condition 'mine'"):
        with References(tmp_path / "references").lock("mine"):
            pass


def test_a_references_file_that_is_a_symlink_stays_one(tmp_path):
    elsewhere = tmp_path / "shared" / "rm.bib"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"@book{a, title = {A}}\n")
    refs = tmp_path / "references"
    refs.mkdir()
    (refs / "rm.bib").symlink_to(elsewhere)
    from evidencebib import api

    api.add_items(References(refs), "rm",
                  [{"type": "book", "title": "B", "issued": {"date-parts": [[2020]]}}])
    assert (refs / "rm.bib").is_symlink()
    assert elsewhere.read_bytes().startswith(b"@book{a, title = {A}}\n\n@book{")
    assert not list(elsewhere.parent.glob(TEMP_PREFIX + "*"))
