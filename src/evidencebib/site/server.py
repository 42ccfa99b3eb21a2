"""The preview server for a built site (`evidencebib serve`), safe to leave running.

It serves one folder on 127.0.0.1 and promises (tests/site/test_server.py shows each):

* **only regular files inside the folder**: the path is decoded strictly (bad percent-encoding,
  NUL and other control characters, backslashes: 400), `.`/`..` segments and hidden names
  are never served, symbolic links are resolved and must land inside the folder, the file
  is opened without following a last-moment link and checked again on its descriptor;
  anything else is 404. A folder is its `index.html` (`/slug` redirects to `/slug/`); there
  are **no directory listings**;
* **bounded time and threads**: a client has `request_timeout` seconds (10) to send its whole
  request head, however slowly it drips (the deadline is on every receive, not per byte),
  and a response must be taken within `send_timeout` seconds per chunk and
  `response_timeout` in all; at most `max_connections` (32) are served at once, and a
  connection beyond that gets `503` at once instead of a thread;
* **no DNS rebinding**: the `Host` header must name the address the server is bound to
  (`127.0.0.1:PORT`, `localhost:PORT`), otherwise 400, so a page on another site whose
  name resolves to 127.0.0.1 cannot read the preview;
* **security headers** on every answer, errors included (OWASP HTTP Headers Cheat Sheet):
  the page's own Content-Security-Policy plus `frame-ancestors 'none'` (which only a header
  can carry), `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
  `Referrer-Policy: no-referrer`, `Cross-Origin-Opener-Policy` and
  `Cross-Origin-Resource-Policy: same-origin`, `Cache-Control: no-store`; no server version;
* **no traceback**: a request that breaks the handler is logged as one line; request lines
  in the log have their control characters made visible.

Written on http.server rather than taken from a library: SimpleHTTPRequestHandler and
werkzeug's development server both follow symbolic links out of the folder, list
directories, start one thread per connection without a bound and put no deadline on a
request head; what is left of http.server here is request parsing.
"""

from __future__ import annotations

import http.server
import io
import os
import signal
import socket
import stat
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from evidencebib.display import one_line
from evidencebib.site.templates import CONTENT_SECURITY_POLICY

# what the exports are served as (mimetypes does not know these suffixes)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY + "; frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
)

REQUEST_TIMEOUT = 10.0     # seconds to send the whole request head
SEND_TIMEOUT = 10.0        # seconds a client may leave one chunk of the answer untaken
RESPONSE_TIMEOUT = 60.0    # seconds for the whole answer
MAX_CONNECTIONS = 32       # served at once; more get 503
CHUNK = 64 * 1024

_BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
         b"Connection: close\r\n\r\n")


class _DeadlineSocketReader(io.RawIOBase):
    """The connection's bytes, each receive bounded by what is left of one deadline, so a
    client dripping a byte at a time still runs out of time (TimeoutError)."""

    def __init__(self, connection: socket.socket, deadline: float) -> None:
        self._connection = connection
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request head took too long")
        self._connection.settimeout(remaining)
        return self._connection.recv_into(buffer)


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for the files of one folder (see the module docstring)."""

    server_version = "evidencebib"
    sys_version = ""
    protocol_version = "HTTP/1.0"   # one request per connection: nothing to keep alive
    server: "SiteServer"

    def setup(self) -> None:
        super().setup()
        deadline = time.monotonic() + self.server.request_timeout
        self.rfile = io.BufferedReader(_DeadlineSocketReader(self.connection, deadline))

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except TimeoutError:
            self.close_connection = True
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    # -- answers ----------------------------------------------------------------------------

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        super().end_headers()

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host"), self.request_version):
            self.send_error(400, "Unexpected Host header",
                            "This preview server answers only to the address it is bound to.")
            return
        target = self.path.split("?", 1)[0].split("#", 1)[0]
        if not target.startswith("/"):
            self.send_error(400, "Bad request target")
            return
        try:
            decoded = urllib.parse.unquote(target, errors="strict")
        except UnicodeDecodeError:
            self.send_error(400, "Bad percent-encoding in the path")
            return
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c == "\\" for c in decoded):
            self.send_error(400, "Control characters or backslashes in the path")
            return
        found = self.server.locate(decoded)
        if found is None:
            self.send_error(404, "Not found")
            return
        if isinstance(found, str):  # a folder asked for without its slash
            self.send_response(301)
            self.send_header("Location", found)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send_file(found, send_body)

    def _send_file(self, path: Path, send_body: bool) -> None:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            self.send_error(404, "Not found")
            return
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                self.send_error(404, "Not found")
                return
            self.send_response(200)
            self.send_header("Content-Type",
                             CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE))
            self.send_header("Content-Length", str(info.st_size))
            self.end_headers()
            if not send_body:
                return
            deadline = time.monotonic() + self.server.response_timeout
            while chunk := handle.read(CHUNK):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the answer was not taken in time")
                self.connection.settimeout(min(self.server.send_timeout, remaining))
                self.wfile.write(chunk)

    # -- the log --------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        if not self.server.quiet:
            line = f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}"
            sys.stderr.write(one_line(line) + "\n")


class SiteServer(http.server.HTTPServer):
    """One folder on one address, at most `max_connections` served at once."""

    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], root: Path, *, quiet: bool = False,
                 request_timeout: float = REQUEST_TIMEOUT, send_timeout: float = SEND_TIMEOUT,
                 response_timeout: float = RESPONSE_TIMEOUT,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.root = Path(os.path.realpath(root))
        self.quiet = quiet
        self.request_timeout = request_timeout
        self.send_timeout = send_timeout
        self.response_timeout = response_timeout
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self.busy_answers = 0
        super().__init__(address, SiteHandler)
        host, port = str(self.server_address[0]), int(self.server_address[1])
        names = {host.lower()} | ({"127.0.0.1", "localhost"} if host == "127.0.0.1" else set())
        if ":" in host:
            names = {f"[{host.lower()}]"} | ({"localhost"} if host == "::1" else set())
        self.allowed_hosts = {f"{name}:{port}" for name in names} | (names if port == 80 else set())

    # -- what is served ----------------------------------------------------------------------

    def host_allowed(self, host: str | None, request_version: str) -> bool:
        if host is None:  # HTTP/1.0 clients may omit it; browsers never do
            return request_version == "HTTP/1.0"
        return host.strip().lower() in self.allowed_hosts

    def locate(self, decoded_path: str) -> Path | str | None:
        """The regular file inside the folder that `decoded_path` names, a redirect target
        for a folder named without its slash, or None (404)."""
        parts = decoded_path.split("/")[1:]
        if any(part in (".", "..") or part.startswith(".") for part in parts):
            return None
        names = [part for part in parts if part]
        candidate = self.root.joinpath(*names)
        real = os.path.realpath(candidate)
        if real != str(self.root) and not real.startswith(str(self.root) + os.sep):
            return None
        try:
            mode = os.stat(real).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISDIR(mode):
            index = os.path.join(real, "index.html")
            try:
                if not stat.S_ISREG(os.lstat(index).st_mode):
                    return None
            except OSError:
                return None
            if decoded_path.endswith("/"):
                return Path(index)
            return urllib.parse.quote(decoded_path) + "/"
        if decoded_path.endswith("/") or not stat.S_ISREG(mode):
            return None
        return Path(real)

    # -- connections ---------------------------------------------------------------------------

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.busy_answers += 1
            try:
                request.settimeout(1.0)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        threading.Thread(target=self._serve_one, args=(request, client_address),
                         daemon=True).start()

    def _serve_one(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one broken request must not end the server
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback (the request has already been answered or dropped)."""
        problem = sys.exc_info()[1]
        if os.environ.get("EVIDENCEBIB_DEBUG"):
            super().handle_error(request, client_address)
            return
        sys.stderr.write(one_line(f"evidencebib: serve: a request from {client_address[0]} "
                                  f"failed: {type(problem).__name__}: {problem}") + "\n")


def make_server(directory: str | Path, port: int = 0, *, quiet: bool = False,
                host: str = "127.0.0.1", **limits: Any) -> SiteServer:
    """A server for `directory` on host:port (port 0: a free port; see `server_address`).
    `limits`: request_timeout, send_timeout, response_timeout, max_connections."""
    return SiteServer((host, port), Path(directory), quiet=quiet, **limits)


def serve_until_stopped(httpd: SiteServer) -> None:
    """serve_forever until Ctrl-C or SIGTERM; the socket is always closed."""
    previous = None
    if threading.current_thread() is threading.main_thread():
        def _terminate(_signum, _frame):
            raise KeyboardInterrupt
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("", file=sys.stderr)
    finally:
        httpd.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def serve_in_thread(directory: str | Path, port: int = 0,
                    **limits: Any) -> tuple[SiteServer, threading.Thread]:
    """For tests and scripts: a quiet server running in a daemon thread (call shutdown())."""
    httpd = make_server(directory, port, quiet=True, **limits)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    return httpd, thread


__all__ = ["SiteServer", "SiteHandler", "make_server", "serve_until_stopped", "serve_in_thread",
           "CONTENT_TYPES", "SECURITY_HEADERS"]
