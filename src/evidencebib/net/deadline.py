"""A total deadline for one HTTP exchange — connect, TLS, status line, headers and body —
whatever the server does.

requests and urllib3 time out each *wait for the next bytes* (the connect, then every socket
read), never an exchange: "timeout is not a time limit on the entire response download"
(requests' documentation; requests#4276 declines a wall-clock timeout). A server that sends
its status line, its header lines or its body one byte every few seconds keeps a request alive
for as long as it likes. urllib3 2.3's `HTTPResponse.shutdown()` can stop a body read from
another thread, but nothing covers the status line and headers, which arrive before there is
a response object.

How it is done here:

* The transport runs each exchange inside `Deadline(seconds).active()`, which puts the
  deadline in a thread-local and arms one process-wide watchdog thread.
* The connections of `DeadlineAdapter` (an `HTTPAdapter` whose urllib3 pools make our
  connection classes) register their socket with the active deadline when they connect and
  when they send a request; the connect timeout is clamped to the time left.
* When the deadline passes, the watchdog shuts the socket down (`shutdown(SHUT_RDWR)` wakes a
  read or write blocked on it in another thread). The read then fails or sees an end of file,
  and the transport, which checks `deadline.fired`, reports "no complete answer within N s"
  whatever urllib3 made of the cut.

The watchdog holds a duplicate of each registered socket's descriptor until the exchange ends,
so a shutdown can never reach a descriptor number that was closed and reused meanwhile, nor a
TLS socket's descriptor after `ssl` detached it from the plain socket; and it only shuts a
connection down while that connection still belongs to the expired exchange (a keep-alive
connection handed back to the pool and taken by another request is left alone).

Not covered: a DNS look-up that hangs inside the system resolver (`getaddrinfo` cannot be
interrupted); proxies reached through SOCKS (their connection classes are urllib3's own).
"""

from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

from requests.adapters import HTTPAdapter
from urllib3 import ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

__all__ = ["Deadline", "DeadlineAdapter", "current", "quiesce"]

_local = threading.local()
_OWNER = "_evidencebib_deadline"      # attribute on a connection: the exchange it serves


class Deadline:
    """`seconds` from now; `fired` once the watchdog has cut the exchange."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.fired = False
        self._done = False
        self._sockets: list[tuple[Any, socket.socket]] = []

    def remaining(self) -> float:
        return self.at - time.monotonic()

    @contextmanager
    def active(self) -> Iterator["Deadline"]:
        """Make this the deadline of the exchanges this thread runs until the block ends."""
        previous = getattr(_local, "deadline", None)
        _local.deadline = self
        _WATCHDOG.arm(self)
        try:
            yield self
        finally:
            _local.deadline = previous
            _WATCHDOG.disarm(self)


def current() -> Deadline | None:
    """The deadline of the exchange this thread is running, if any."""
    return getattr(_local, "deadline", None)


def _duplicate(sock: Any) -> socket.socket | None:
    try:
        return socket.fromfd(sock.fileno(), sock.family, sock.type, sock.proto)
    except (OSError, ValueError, AttributeError):
        return None


class _Watchdog:
    """One daemon thread that cuts the exchanges whose deadline has passed, earliest first.

    It runs only while some exchange is under way, and ends when none is: a process that
    forks worker processes (render/parallel.py forks only a single-threaded process) must not
    find it lingering after a network run; `quiesce()` waits for that end."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._live = 0

    def arm(self, deadline: Deadline) -> None:
        with self._cond:
            self._live += 1
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="evidencebib-deadlines",
                                                daemon=True)
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._cond.notify()         # it sleeps until the earliest; this one is earlier

    def disarm(self, deadline: Deadline) -> None:
        with self._cond:
            deadline._done = True
            self._live -= 1
            held, deadline._sockets = deadline._sockets, []
            if not self._live:
                self._cond.notify()         # nothing left to watch: let the thread end
        for _connection, duplicate in held:
            duplicate.close()

    def quiesce(self, timeout: float = 1.0) -> None:
        """Wait (up to `timeout`) for the thread to end if no exchange is under way."""
        with self._cond:
            thread = self._thread if not self._live else None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def register(self, deadline: Deadline, connection: Any, sock: Any) -> None:
        """`connection` now serves `deadline`'s exchange over `sock`."""
        duplicate = _duplicate(sock)
        with self._cond:
            if deadline._done:
                if duplicate is not None:
                    duplicate.close()
                return
            setattr(connection, _OWNER, deadline)
            if duplicate is not None:
                deadline._sockets.append((connection, duplicate))
                if deadline.fired:
                    _cut(duplicate)

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2]._done:
                    heapq.heappop(self._heap)
                if not self._live:
                    self._heap.clear()
                    self._thread = None
                    return
                if not self._heap:
                    self._cond.wait()               # all cut, not yet over
                    continue
                at, _, deadline = self._heap[0]
                wait = at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                deadline.fired = True
                for connection, duplicate in deadline._sockets:
                    if getattr(connection, _OWNER, None) is deadline:
                        _cut(duplicate)


def _cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass                                   # already closed by the other side or by us


_WATCHDOG = _Watchdog()


def quiesce(timeout: float = 1.0) -> None:
    """Wait for the watchdog thread to end when no exchange is under way (`Transport.close`)."""
    _WATCHDOG.quiesce(timeout)


class _DeadlineConnectionMixin:
    """Registers the connection's socket with the active deadline (see the module text)."""

    timeout: Any
    sock: Any

    def _new_conn(self) -> Any:
        deadline = current()
        if deadline is not None:
            left = max(0.001, deadline.remaining())
            if not isinstance(self.timeout, (int, float)) or self.timeout > left:
                self.timeout = left
        sock = super()._new_conn()  # type: ignore[misc]
        if deadline is not None:
            _WATCHDOG.register(deadline, self, sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> Any:
        deadline = current()
        if deadline is not None and self.sock is not None:
            _WATCHDOG.register(deadline, self, self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_DeadlineConnectionMixin, HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineConnectionMixin, HTTPSConnection):
    pass


class _HTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPConnectionPool, "https": _HTTPSConnectionPool}


class DeadlineAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose connections honour the active `Deadline`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):
            manager.pool_classes_by_scheme = dict(_POOLS)
        return manager
