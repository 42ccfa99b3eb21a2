"""The only code in evidencebib that touches the network (Crossref REST API, doi.org).

`Client` (net/client.py) is what the commands use; it puts the Crossref and doi.org services
(net/crossref.py, net/doiorg.py) on one shared `Transport` (net/transport.py: session,
adapters per origin, deadlines (net/deadline.py), limiters and backoff (net/ratelimit.py),
retries, the cache (net/cache.py), run limits) and raises the typed errors of net/errors.py.
"""

from __future__ import annotations

__all__ = ["Client", "OfflineMiss", "BadAnswer", "RunAborted", "RunOutOfTime",
           "ServiceStopped"]


def __getattr__(name: str):  # lazy: importing evidencebib.net must not import requests
    if name == "Client":
        from evidencebib.net.client import Client
        return Client
    if name in __all__:
        from evidencebib.net import errors
        return getattr(errors, name)
    raise AttributeError(name)
