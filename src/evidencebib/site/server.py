"""A preview server for a built site: http.server bound to 127.0.0.1 and one directory."""

from __future__ import annotations

import functools
import http.server
import os
import signal
import sys
import threading
from pathlib import Path

# what the exports are served as (http.server does not know these suffixes)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one directory; logs requests to stderr unless quiet; never caches."""

    quiet = False
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **CONTENT_TYPES}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
        if not self.quiet:
            super().log_message(format, *args)


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(directory: str | Path, port: int = 0, *, quiet: bool = False,
                host: str = "127.0.0.1") -> SiteServer:
    """A server for `directory` on host:port (port 0: a free port; see `server_address`)."""
    handler = type("BoundSiteHandler", (SiteHandler,), {"quiet": quiet})
    bound = functools.partial(handler, directory=os.fspath(Path(directory).resolve()))
    return SiteServer((host, port), bound)


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


def serve_in_thread(directory: str | Path, port: int = 0) -> tuple[SiteServer, threading.Thread]:
    """For tests and scripts: a quiet server running in a daemon thread (call shutdown())."""
    httpd = make_server(directory, port, quiet=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    return httpd, thread
