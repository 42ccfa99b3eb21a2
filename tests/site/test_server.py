"""`evidencebib serve`: only regular files inside the folder, no listings, bounded time and
threads, the Host header checked, security headers on every answer, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from evidencebib.site import server

SLUG = "some-condition"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / SLUG).mkdir(parents=True)
    (root / "index.html").write_text("<!DOCTYPE html><p>index</p>", encoding="utf-8")
    (root / SLUG / "index.html").write_text("<p>condition</p>", encoding="utf-8")
    (root / SLUG / f"{SLUG}.bib").write_text("@article{a,\n  title = {T},\n}\n", encoding="utf-8")
    (root / ".evidencebib-site").write_text("marker", encoding="utf-8")
    (root / "no-index").mkdir()
    (root / "no-index" / "file.txt").write_text("listed?", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    (root / "etclink").symlink_to(tmp_path)              # a folder outside
    (root / "secret-link.txt").symlink_to(tmp_path / "secret.txt")
    (root / "inside-link.bib").symlink_to(root / SLUG / f"{SLUG}.bib")
    os.mkfifo(root / "fifo.bib")
    return root


@pytest.fixture
def serving(site: Path):
    httpd, thread = server.serve_in_thread(site, request_timeout=1.0, max_connections=8)
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def raw(httpd, request: bytes, *, timeout: float = 5.0) -> bytes:
    """Send `request` as is and read the whole answer (HTTP/1.0: the server closes)."""
    with socket.create_connection(httpd.server_address[:2], timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def get(httpd, path: str, *, host: str | None = None, version: str = "HTTP/1.1",
        method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    port = httpd.server_address[1]
    host_line = b"" if host == "" else f"Host: {host or f'127.0.0.1:{port}'}\r\n".encode()
    answer = raw(httpd, f"{method} {path} {version}\r\n".encode("latin-1") + host_line + b"\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


# -- what is served ------------------------------------------------------------------------------

def test_files_inside_the_folder_are_served_with_their_type(serving):
    status, headers, body = get(serving, f"/{SLUG}/{SLUG}.bib")
    assert status == 200 and body.startswith(b"@article{a")
    assert headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert int(headers["content-length"]) == len(body)


def test_a_folder_is_its_index_and_without_its_slash_a_redirect(serving):
    assert get(serving, "/")[2] == b"<!DOCTYPE html><p>index</p>"
    assert get(serving, f"/{SLUG}/")[2] == b"<p>condition</p>"
    status, headers, _ = get(serving, f"/{SLUG}")
    assert status == 301 and headers["location"] == f"/{SLUG}/"


def test_a_folder_without_an_index_is_not_listed(serving):
    status, _, body = get(serving, "/no-index/")
    assert status == 404 and b"file.txt" not in body
    assert get(serving, "/no-index")[0] == 404


@pytest.mark.parametrize("path", ["/etclink/secret.txt", "/secret-link.txt", "/etclink/"])
def test_symbolic_links_out_of_the_folder_are_not_followed(serving, path):
    status, _, body = get(serving, path)
    assert status == 404 and b"outside the site" not in body


def test_a_symbolic_link_that_stays_inside_is_served(serving):
    assert get(serving, "/inside-link.bib")[0] == 200


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", f"/{SLUG}/..%2f..%2fsecret.txt",
                                  "//secret.txt", "/./index.html", f"/{SLUG}/%2e%2e/%2e%2e/secret.txt"])
def test_dot_segments_plain_or_encoded_never_leave_the_folder(serving, path):
    status, _, body = get(serving, path)
    assert status in (400, 404) and b"outside the site" not in body


def test_hidden_files_are_not_served(serving):
    assert get(serving, "/.evidencebib-site")[0] == 404


def test_special_files_are_not_served_and_do_not_hang(serving):
    started = time.monotonic()
    assert get(serving, "/fifo.bib")[0] == 404
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("path", ["/%00", "/index.html%00.bib", "/%ff%fe", "/a%0d%0aSet-Cookie:%20x=1",
                                  "/a%1b%5b2J", "/a\\..\\secret.txt"])
def test_nul_controls_and_bad_encoding_are_400(serving, path):
    status, headers, _ = get(serving, path)
    assert status == 400
    assert "set-cookie" not in headers


def test_methods_other_than_get_and_head_are_refused(serving):
    assert get(serving, "/", method="POST")[0] == 501
    status, headers, body = get(serving, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


# -- DNS rebinding --------------------------------------------------------------------------------

def test_the_host_header_must_name_the_bound_address(serving):
    port = serving.server_address[1]
    assert get(serving, "/", host=f"127.0.0.1:{port}")[0] == 200
    assert get(serving, "/", host=f"LOCALHOST:{port}")[0] == 200
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}",
                 f"127.0.0.1.evil.example:{port}", "127.0.0.1"):
        status, _, body = get(serving, "/", host=host)
        assert status == 400 and b"index" not in body.split(b"<title>")[0], host


def test_a_request_without_host_is_refused_unless_http_1_0(serving):
    assert get(serving, "/", host="", version="HTTP/1.1")[0] == 400
    assert get(serving, "/", host="", version="HTTP/1.0")[0] == 200


# -- headers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, status", [("/", 200), ("/nothing-here", 404), ("/%00", 400)])
def test_every_answer_carries_the_security_headers(serving, path, status):
    got, headers, _ = get(serving, path)
    assert got == status
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "python" not in headers.get("server", "").lower()


# -- time and threads ---------------------------------------------------------------------------------

def test_a_request_head_sent_a_byte_at_a_time_is_cut_at_the_deadline(serving):
    started = time.monotonic()
    with socket.create_connection(serving.server_address[:2], timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\n")
        closed = False
        for byte in b"X-Drip: " + b"a" * 100:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            conn.settimeout(0.25)
            try:
                if conn.recv(1) == b"":
                    closed = True
                    break
            except socket.timeout:
                pass
    elapsed = time.monotonic() - started
    assert closed, "the server kept the dripping connection open"
    assert elapsed < 1.0 + 2.0  # the deadline (1 s) plus scheduling slack, not 100 × 0.25 s


@pytest.mark.slow
def test_many_half_sent_requests_hold_a_bounded_number_of_threads(serving):
    before = threading.active_count()
    conns = []
    try:
        for _ in range(100):
            conn = socket.create_connection(serving.server_address[:2], timeout=5)
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x")  # never finished
            conns.append(conn)
        time.sleep(0.3)
        assert threading.active_count() - before <= serving.max_connections
        assert serving.busy_answers >= 50  # answered 503 at once, not given a thread
        time.sleep(serving.request_timeout + 1.0)  # the deadline frees every slot
        assert get(serving, "/")[0] == 200
    finally:
        for conn in conns:
            conn.close()


# -- the command --------------------------------------------------------------------------------------

def test_serve_logs_hostile_requests_as_visible_lines_and_never_a_traceback(site):
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCEBIB_DEBUG"}
    process = subprocess.Popen([sys.executable, "-m", "evidencebib", "serve", "-d", str(site),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env)
    try:
        line = process.stdout.readline().decode()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        address = ("127.0.0.1", port)

        class Bound:
            server_address = address

        for path in ("/%00", "/\x1b]0;pwned\x07", "/%ff", "/../../etc/passwd"):
            raw(Bound, f"GET {path} HTTP/1.0\r\n\r\n".encode("latin-1"))
        raw(Bound, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)))  # TLS hello
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert "\x1b" not in text and "\\x1b]0;pwned\\x07" in text
