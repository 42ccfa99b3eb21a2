"""The transport is shared: a second service (as NCBI's E-utilities will be) registers its
origin and pools on the same `Transport` and gets the session, deadlines, backoff, cache and
typed errors without copying them; its failures back off its own pools only."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug import Request, Response

from crossref_emulator import CrossrefEmulator, LoopbackServer, fast_client, make_work
from evidencebib.errors import NetworkError


class Example:
    """A minimal second service: one pool of 3/s, POST for long ID lists."""

    def __init__(self, transport, base_url: str) -> None:
        self.transport = transport
        self.base_url = base_url
        self.origin = transport.add_origin("Example", base_url, {"ids": (3, 1.0, 1)})

    def summary(self, ids: list[str]) -> dict:
        answer = self.transport.request(f"{self.base_url}/summary", method="POST",
                                        data={"id": ",".join(ids), "tool": "evidencebib"},
                                        expect_json=True)
        return answer.json()


@pytest.fixture
def crossref():
    with CrossrefEmulator(rate=100, concurrency=8) as emulator:
        emulator.add_work(make_work("10.5555/shared"))
        yield emulator


def serve(handler):
    """A loopback server answering every request with `handler(request)`."""
    return LoopbackServer(Request.application(handler))


def test_a_second_service_posts_through_the_shared_transport_and_its_answers_are_cached(
        crossref):
    seen = []

    def handler(request: Request) -> Response:
        seen.append((request.method, request.form.get("id"), request.headers["User-Agent"]))
        return Response(json.dumps({"ids": request.form["id"].split(",")}),
                        content_type="application/json")

    with serve(handler) as server:
        client = fast_client(crossref)
        example = Example(client.transport, server.url)
        assert example.summary(["1", "2"]) == {"ids": ["1", "2"]}
        assert example.summary(["1", "2"]) == {"ids": ["1", "2"]}       # from the cache
        assert example.summary(["3"]) == {"ids": ["3"]}                 # another form, asked
        assert client.work("10.5555/shared")["DOI"] == "10.5555/shared"
        client.close()
    assert [(m, i) for m, i, _ in seen] == [("POST", "1,2"), ("POST", "3")]
    assert all(agent.startswith("evidencebib/") for _, _, agent in seen)
    assert client.stats.by_kind.get("Example") == 2


def test_a_second_services_failures_back_off_its_own_pool_only(crossref):
    def handler(request: Request) -> Response:
        return Response("<h1>429 Too Many Requests</h1>", status=429, content_type="text/html")

    with serve(handler) as server:
        client = fast_client(crossref, backoff=0.5, max_tries=2)
        example = Example(client.transport, server.url)
        with pytest.raises(NetworkError, match="429"):
            example.summary(["1"])
        started = time.monotonic()
        assert client.work("10.5555/shared")["DOI"] == "10.5555/shared"   # not held
        assert time.monotonic() - started < 0.4
        client.close()
    assert example.origin.limiters["ids"].circuit.waited >= 0.5
    assert any("Example: 2 × 429" in line for line in client.report()), client.report()


def test_who_asks_is_not_part_of_the_cache_key_and_an_api_key_never_reaches_the_disk(
        crossref, tmp_path):
    """E-utilities identify the caller with `tool`, `email` and `api_key` (Crossref with
    `mailto`): a changed address or key must not empty the cache, and a key is a secret."""
    seen = []

    def handler(request: Request) -> Response:
        seen.append(request.values.get("api_key"))
        return Response(json.dumps({"id": request.values["id"]}),
                        content_type="application/json")

    with serve(handler) as server:
        client = fast_client(crossref, cache_dir=tmp_path)
        Example(client.transport, server.url)          # registers the origin and its pool
        for key in ("SECRET-ONE", "SECRET-TWO"):
            answer = client.transport.request(
                f"{server.url}/summary", expect_json=True,
                params={"id": "7", "tool": "evidencebib", "email": "a@example.org",
                        "api_key": key})
            assert answer.json() == {"id": "7"}
        posted = client.transport.request(
            f"{server.url}/summary", method="POST", expect_json=True,
            data={"id": "8", "api_key": "SECRET-THREE"})
        assert posted.json() == {"id": "8"}
        client.close()
    assert seen == ["SECRET-ONE", "SECRET-THREE"]          # the second GET came from the cache
    assert client.stats.by_kind.get("Example") == 2        # paced by the service's own pool
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert stored and b"SECRET" not in stored
