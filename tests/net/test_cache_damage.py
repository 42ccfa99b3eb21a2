"""The HTTP cache is a convenience, never a reason to crash: a damaged entry (any JSON, any
bytes) is a miss, and a cache that cannot be written (disk full, file-size limit, read-only)
leaves the run going with one warning; what was asked is still answered."""

from __future__ import annotations

import json
import resource
import signal
from pathlib import Path

import pytest

from crossref_emulator import SHIPPED, CrossrefEmulator, fast_client, make_work, shipped_emulator
from evidencebib.net.client import OfflineMiss
from network_cli import run, run_process

DOI = "10.5555/cached"

DAMAGED = {
    "empty list": b"[]",
    "huge number": b"1e400",
    "deep array": b"[" * 100_000 + b"]" * 100_000,
    "deep object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "string": b'"x"',
    "wrong types": None,            # filled in below: the right key, nonsense values
    "infinite stored_at": None,
    "not utf-8": b"\xff\xfe\x00garbage",
    "empty file": b"",
    "truncated": b'{"key": "GET',
}


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=500, interval=1, concurrency=16) as emulator:
        emulator.add_work(make_work(DOI))
        yield emulator


def cache_file(client) -> Path:
    key = client.cache_key(client.works_url(DOI))
    return client.cache.path_for(key)


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_damaged_cache_entry_is_a_miss_not_a_crash(emu, tmp_path, name):
    first = fast_client(emu, cache_dir=tmp_path)
    first.work(DOI)
    path = cache_file(first)
    key = first.cache_key(first.works_url(DOI))
    content = DAMAGED[name]
    if name == "wrong types":
        content = json.dumps({"key": key, "status": "two hundred", "content_type": 5,
                              "stored_at": [], "body": {"a": 1}}).encode()
    elif name == "infinite stored_at":
        record = json.loads(path.read_text(encoding="utf-8"))
        content = json.dumps(record).replace(str(record["stored_at"]), "1e400").encode()
    path.write_bytes(content)
    offline = fast_client(emu, cache_dir=tmp_path, offline=True)
    with pytest.raises(OfflineMiss):
        offline.work(DOI)
    emu.reset_counters()
    again = fast_client(emu, cache_dir=tmp_path)
    assert again.work(DOI)["DOI"] == DOI
    assert emu.crossref_requests == 1                        # asked again, and cached again
    assert fast_client(emu, cache_dir=tmp_path, offline=True).work(DOI)["DOI"] == DOI


def _file_size_limit() -> None:
    """In the child: files may not grow past 64 bytes (writes fail with EFBIG, as a full disk
    fails with ENOSPC: the same OSError on write), and SIGXFSZ is ignored so that the write
    fails instead of killing the process."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_verify_with_a_cache_that_cannot_be_written_still_reports_every_entry(references,
                                                                            tmp_path):
    with shipped_emulator() as emu:
        ran = run_process(emu, references, "verify", "--format", "json",
                          cache=tmp_path / "cache", preexec=_file_size_limit)
    assert ran.exit_code == 0, ran
    assert "Traceback" not in ran.stderr
    assert json.loads(ran.stdout)["summary"] == {"ok": len(SHIPPED)}
    warnings = [line for line in ran.stderr.splitlines() if "cache" in line]
    assert len(warnings) == 1 and "not cached" in warnings[0], ran


def test_a_cache_directory_that_is_a_file_is_a_one_line_error(references, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a directory")
    with CrossrefEmulator() as emu:
        ran = run(emu, references, "verify", cache=blocker)
        assert ran.exit_code == 2 and "cache" in ran.stderr, ran
        assert len(ran.stderr.strip().splitlines()) == 1
        assert emu.log == []
