"""The only code in evidencebib that touches the network (Crossref REST API, doi.org).

`Client` (net/client.py) owns the session, identification, rate limiting, retries,
redirect policy and the on-disk cache; everything else asks it.
"""

from __future__ import annotations

__all__ = ["Client", "OfflineMiss", "RunAborted"]


def __getattr__(name: str):  # lazy: importing evidencebib.net must not import requests
    if name in __all__:
        from evidencebib.net import client
        return getattr(client, name)
    raise AttributeError(name)
