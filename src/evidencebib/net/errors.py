"""What can go wrong when a service is asked, as types a caller can tell apart.

Every one of them is a `NetworkError` (an `EvidenceError`: one line, no traceback), and none
of them means "the service answered that the thing does not exist" — that is an answer, not
an error, and the services return it as `None`. The split follows requests' own hierarchy
(`ConnectionError`, `Timeout`, `RetryError` under `RequestException`): "could not ask" and
"answered: unknown" are never confused.
"""

from __future__ import annotations

from evidencebib.errors import NetworkError

__all__ = ["NetworkError", "OfflineMiss", "BadAnswer", "RunAborted", "RunOutOfTime",
           "ServiceStopped"]


class OfflineMiss(NetworkError):
    """Offline mode, and the answer is not in the cache."""


class BadAnswer(NetworkError):
    """The server answered, but not with an answer of the service: a proxy's HTML page, a
    404 that is not the service's own, JSON of the wrong shape. Never cached."""


class RunAborted(NetworkError):
    """The run stopped asking: too many requests failed (Crossref's api_tips: stop at 10 %)."""


class RunOutOfTime(RunAborted):
    """The run's time limit (`max_time`, `--max-time`) was reached."""


class ServiceStopped(RunAborted):
    """One service refused or failed several times in a row, or asked us to wait longer than
    the run allows; the run stopped asking it."""
