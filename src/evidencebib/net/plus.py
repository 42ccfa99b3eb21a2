"""Crossref Metadata Plus: subscribers send their token with every request to the REST API
(header `Crossref-Plus-API-Token: Bearer <token>`, as Crossref's REST API documentation
asks). The token is sent to the Crossref base URL only, never to doi.org or a publisher's
host (the transport follows no redirect itself)."""

from __future__ import annotations

import requests


class PlusToken(requests.auth.AuthBase):
    """Adds the Plus header to requests for `base_url` (session-wide `auth`)."""

    def __init__(self, token: str, base_url: str) -> None:
        self.token = token
        self.prefix = base_url.rstrip("/") + "/"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if (request.url or "").startswith(self.prefix):
            request.headers["Crossref-Plus-API-Token"] = f"Bearer {self.token}"
        return request


def use_plus_token(client, token: str) -> None:
    """Send `token` with the client's Crossref requests."""
    client.transport.session.auth = PlusToken(token, client.crossref_url)
