"""doi.org over the shared transport: which agency registered a DOI (`/ra/`), the handle
record (`/api/handles/`), and metadata by content negotiation.

What counts as doi.org saying "no such DOI" (shared notes §2): `/ra/{doi}` answers **HTTP 200**
with `[{"DOI": …, "status": "DOI does not exist"}]`; the handle API answers JSON with
`responseCode` 100. A 404 from `/ra/` (no such route: a mistyped mirror path, a proxy) says
nothing about the DOI and is a `BadAnswer`. Content negotiation is asked only for a DOI that
doi.org says is registered, so any failure there — a 404 included — means the metadata could
not be had, not that the DOI does not exist: `BadAnswer`, never None.
"""

from __future__ import annotations

from typing import Iterable

from evidencebib.model import doi as doimod
from evidencebib.net.errors import BadAnswer
from evidencebib.net.transport import Answer, Origin, Transport, snippet

DEFAULT_URL = "https://doi.org"
CSL_JSON = "application/vnd.citationstyles.csl+json"
# Content-negotiation services doi.org may redirect to (DataCite, mEDRA).
CN_HOSTS = ("data.crosscite.org", "api.datacite.org", "data.datacite.org", "www.medra.org",
            "api.medra.org")


def _ra_entry(answer: Answer) -> dict | None:
    if answer.status != 200 or not answer.parses():
        return None
    data = answer.json()
    entry = data[0] if isinstance(data, list) and data else data
    return entry if isinstance(entry, dict) else None


def _ra_final(answer: Answer) -> bool:
    entry = _ra_entry(answer)
    return entry is not None and bool(entry.get("RA") or entry.get("status"))


def _handle_code(answer: Answer) -> object:
    if not answer.parses():
        return None
    data = answer.json()
    return data.get("responseCode") if isinstance(data, dict) else None


def _handle_final(answer: Answer) -> bool:
    return (answer.status, _handle_code(answer)) in ((200, 1), (200, 200), (404, 100),
                                                     (400, 102))


class DoiOrg:
    """`registration_agency`, `handle`, `csl`: thread-safe, one per run."""

    def __init__(self, transport: Transport, base_url: str = DEFAULT_URL, *,
                 hands_over_to: Origin | None = None,
                 extra_redirect_hosts: Iterable[str] = ()) -> None:
        self.transport = transport
        self.base_url = base_url
        self.origin = transport.add_origin("doi.org", base_url, {"doi": (5, 1.0, 2)})
        transport.allow_handover(self.origin, hands_over_to,
                                 hosts=(*CN_HOSTS, *extra_redirect_hosts))

    def url(self, path: str, doi: str) -> str:
        return f"{self.base_url}/{path}{doimod.path_segment(doi)}"

    def registration_agency(self, doi: str) -> str | None:
        """"Crossref", "DataCite", "mEDRA" …; None when doi.org says the DOI does not exist;
        raises doimod.InvalidDOI when it calls the DOI invalid, BadAnswer otherwise."""
        answer = self.transport.request(self.url("ra/", doi), expect_json=True,
                                        cacheable=_ra_final)
        entry = _ra_entry(answer)
        if entry is None:
            kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
            hint = " (a proxy, or a wrong --doi-url?)" if answer.status == 404 else ""
            raise BadAnswer(f"doi.org answered HTTP {answer.status} for the agency of {doi} "
                            f"({kind}: {snippet(answer.body)!r}), not an agency record{hint}")
        if entry.get("RA"):
            return str(entry["RA"])
        status = str(entry.get("status", "")).lower()
        if "invalid" in status:
            raise doimod.InvalidDOI(f"doi.org: invalid DOI {doi!r}")
        if "not exist" in status or "not found" in status:
            return None
        raise BadAnswer(f"doi.org answered an unknown agency status for {doi}: {status!r}")

    def handle(self, doi: str) -> dict | None:
        """The handle record (responseCode 1), or None (100: not found; 200: no values)."""
        answer = self.transport.request(self.url("api/handles/", doi), cacheable=_handle_final)
        code = _handle_code(answer)
        if (answer.status, code) == (200, 1):
            return answer.json()
        if (answer.status, code) in ((404, 100), (200, 200)):
            return None
        if code == 102:
            raise doimod.InvalidDOI(f"doi.org: invalid handle {doi!r}")
        raise BadAnswer(f"doi.org's handle API answered HTTP {answer.status} for {doi} "
                        f"(responseCode {code!r}: {snippet(answer.body)!r})")

    def csl(self, doi: str) -> dict:
        """CSL-JSON by content negotiation (DataCite, mEDRA …). Asked only for registered
        DOIs, so every failure is a BadAnswer, never "not found"."""
        answer = self.transport.request(self.url("", doi), accept=CSL_JSON, expect_json=True)
        if answer.status != 200:
            kind = answer.content_type.split(";", 1)[0].strip() or "no content type"
            raise BadAnswer(f"doi.org content negotiation answered HTTP {answer.status} for "
                            f"{doi} ({kind}: {snippet(answer.body)!r})")
        data = answer.json()
        if not isinstance(data, dict):
            raise BadAnswer(f"doi.org content negotiation answered nonsense for {doi}")
        return data
