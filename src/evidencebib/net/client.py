"""The client the commands use: Crossref's REST API, doi.org and NCBI's E-utilities over one
shared transport.

`Client` builds a `Transport` (net/transport.py: session, adapters per origin, deadlines,
limiters and backoff, retries, cache, run limits, typed errors) and the two services on it
(net/crossref.py, net/doiorg.py), identifies politely (a mailto in the User-Agent and in every
Crossref request, for the polite pool), and offers their calls under one roof. A further
service is another thin class on `client.transport`, as NCBI's E-utilities are
(`client.pubmed`, net/eutils.py: the same e-mail as Crossref's polite pool, `tool=evidencebib`
and the NCBI API key on every request).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from evidencebib import __version__
from evidencebib import doi as doimod
from evidencebib.errors import UsageError
from evidencebib.net import crossref as crossref_api
from evidencebib.net import doiorg
from evidencebib.net import eutils as eutils_api
from evidencebib.net.cache import DEFAULT_TTL, ResponseCache, default_cache_dir
from evidencebib.net.errors import OfflineMiss, RunAborted, RunOutOfTime, ServiceStopped
from evidencebib.net.transport import (DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_TIME,
                                       DEFAULT_MAX_TRIES, DEFAULT_TIMEOUT, JSON, MAX_BYTES,
                                       Transport, check_base)

__all__ = ["Client", "OfflineMiss", "RunAborted", "RunOutOfTime", "ServiceStopped"]

PROJECT_URL = "https://pypi.org/project/evidencebib/"
CSL_JSON = doiorg.CSL_JSON

T = TypeVar("T")
R = TypeVar("R")


def check_mailto(mailto: str | None, name: str = "--mailto",
                 file: str | Path | None = None) -> str | None:
    """The address without surrounding blanks (None when empty); a UsageError naming where it
    came from (as `check_ncbi_api_key`) when it is no e-mail address."""
    address = (mailto or "").strip() or None
    if address and ("@" not in address or any(c.isspace() for c in address)):
        raise UsageError(f"{name} must be an e-mail address, got {mailto!r}", file=file)
    return address


def check_ncbi_api_key(key: str | None, name: str = "--ncbi-api-key",
                       file: str | Path | None = None) -> str | None:
    """The key without surrounding blanks (None when empty). NCBI's API keys are letters and
    digits: anything else is a UsageError naming where the key came from, `name` (an option,
    `$VARIABLE`, or a config file's setting) and the `file` that holds it."""
    key = (key or "").strip() or None
    if key is not None and not key.isalnum():
        raise UsageError(f"{name} must be letters and digits (the key from your NCBI account "
                         "settings)", file=file)
    return key


class Client:
    """Crossref + doi.org client. Thread-safe; use one per run, `close()` when done.

    `timeout` is the total deadline of each HTTP exchange (headers and body included),
    `max_time` the time limit of the whole run (None: none), `max_tries` the tries per
    request; see net/transport.py for what is retried and how the client backs off.
    """

    def __init__(self, *, crossref_url: str | None = None, doi_url: str | None = None,
                 mailto: str | None = None, cache_dir: str | os.PathLike | None | bool = True,
                 offline: bool = False, cache_ttl: float = DEFAULT_TTL,
                 timeout: float = DEFAULT_TIMEOUT,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 max_time: float | None = DEFAULT_MAX_TIME, max_tries: int = DEFAULT_MAX_TRIES,
                 backoff: float | None = None, max_bytes: int = MAX_BYTES,
                 max_workers: int = 16, extra_redirect_hosts: Iterable[str] = (),
                 abort_ratio: float = 0.10, abort_min: int = 20, batch: bool = True,
                 batch_size: int = crossref_api.BATCH_SIZE, session: Any | None = None,
                 eutils_url: str | None = None, idconv_url: str | None = None,
                 ncbi_api_key: str | None = None) -> None:
        self.crossref_url = check_base(crossref_url or crossref_api.DEFAULT_URL,
                                       "--crossref-url")
        self.doi_url = check_base(doi_url or doiorg.DEFAULT_URL, "--doi-url")
        self.mailto = check_mailto(mailto)
        self.user_agent = (f"evidencebib/{__version__} ({PROJECT_URL}; mailto:{self.mailto})"
                           if self.mailto else f"evidencebib/{__version__} ({PROJECT_URL})")
        if cache_dir is True:
            cache_dir = default_cache_dir()
        elif cache_dir is False:
            cache_dir = None
        try:
            cache = ResponseCache(cache_dir, ttl=cache_ttl)
        except OSError as error:
            raise UsageError(f"cannot use the cache directory {cache_dir} "
                             f"({error.strerror or error}); choose another with --cache-dir"
                             ) from None
        self.transport = Transport(user_agent=self.user_agent, cache=cache, offline=offline,
                                   timeout=timeout, connect_timeout=connect_timeout,
                                   max_time=max_time, max_tries=max_tries, backoff=backoff,
                                   max_bytes=max_bytes, max_workers=max_workers,
                                   abort_ratio=abort_ratio, abort_min=abort_min,
                                   session=session)
        self.crossref = crossref_api.Crossref(self.transport, self.crossref_url, self.mailto,
                                              batch=batch, batch_size=batch_size)
        self.doiorg = doiorg.DoiOrg(self.transport, self.doi_url,
                                    hands_over_to=self.crossref.origin,
                                    extra_redirect_hosts=extra_redirect_hosts)
        self.eutils_url = check_base(eutils_url or eutils_api.DEFAULT_URL, "--eutils-url")
        self.idconv_url = check_base(idconv_url or eutils_api.DEFAULT_IDCONV_URL,
                                     "--idconv-url")
        key = check_ncbi_api_key(ncbi_api_key)
        self.pubmed = eutils_api.Eutils(self.transport, self.eutils_url,
                                        idconv_url=self.idconv_url, email=self.mailto,
                                        api_key=key)
        self.limiters = {"single": self.crossref.origin.limiters["single"],
                         "array": self.crossref.origin.limiters["array"],
                         "doi": self.doiorg.origin.limiters["doi"],
                         "other": self.transport.other.limiters["other"]}

    # -- construction from options/environment -------------------------------------------
    @classmethod
    def from_options(cls, *, crossref_url: str | None = None, doi_url: str | None = None,
                     mailto: str | None = None, cache_dir: str | os.PathLike | None = None,
                     offline: bool = False, eutils_url: str | None = None,
                     idconv_url: str | None = None, ncbi_api_key: str | None = None,
                     **kwargs: Any) -> "Client":
        """Options given on the command line win over EVIDENCEBIB_* environment variables."""
        env = os.environ
        return cls(
            eutils_url=eutils_url or env.get("EVIDENCEBIB_EUTILS_URL") or None,
            idconv_url=idconv_url or env.get("EVIDENCEBIB_IDCONV_URL") or None,
            ncbi_api_key=ncbi_api_key or env.get("EVIDENCEBIB_NCBI_API_KEY") or None,
            crossref_url=crossref_url or env.get("EVIDENCEBIB_CROSSREF_URL") or None,
            doi_url=doi_url or env.get("EVIDENCEBIB_DOI_URL") or None,
            mailto=mailto or env.get("EVIDENCEBIB_MAILTO") or None,
            cache_dir=cache_dir if cache_dir is not None else True,
            offline=offline, **kwargs)

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- what the run did ------------------------------------------------------------------
    @property
    def stats(self):
        return self.transport.stats

    @property
    def warnings(self) -> list[str]:
        return self.transport.warnings

    @property
    def cache(self) -> ResponseCache:
        return self.transport.cache

    @property
    def offline(self) -> bool:
        return self.transport.offline

    def report(self) -> list[str]:
        """Warnings, time spent backing off, services given up: one line each."""
        return self.transport.report()

    # -- URLs and keys -----------------------------------------------------------------------
    def works_url(self, doi: str, suffix: str = "") -> str:
        return self.crossref.works_url(doi, suffix)

    def cache_key(self, url: str, accept: str = JSON) -> str:
        """The cache key of a GET whose only parameter is mailto (as `work()` asks)."""
        return self.transport.cache_key(url, accept)

    # -- Crossref ----------------------------------------------------------------------------
    def work(self, doi: str) -> dict | None:
        """The Crossref work `message`, or None when Crossref's own 404 says it has none."""
        return self.crossref.work(doi)

    def prefetch_works(self, dois: Iterable[str], batch_size: int | None = None) -> int:
        return self.crossref.prefetch_works(dois, batch_size)

    def agency(self, doi: str) -> str | None:
        return self.crossref.agency(doi)

    def search(self, bibliographic: str, rows: int = 5) -> list[dict]:
        return self.crossref.search(bibliographic, rows)

    # -- doi.org -----------------------------------------------------------------------------
    def registration_agency(self, doi: str) -> str | None:
        return self.doiorg.registration_agency(doi)

    def handle(self, doi: str) -> dict | None:
        return self.doiorg.handle(doi)

    def short_doi_target(self, short: str) -> str | None:
        """The DOI a shortDOI (`10/fqd6hj`) stands for: the HS_ALIAS value of its handle
        record at doi.org (shortDOIs are alias handles); None when doi.org has no such name."""
        record = self.handle(short)
        for value in (record or {}).get("values") or []:
            if isinstance(value, dict) and value.get("type") == "HS_ALIAS":
                data = value.get("data") or {}
                target = doimod.normalize(str(data.get("value") or "")) if isinstance(data, dict) else ""
                if doimod.is_valid(target):
                    return target
        return None

    def csl(self, doi: str) -> dict:
        return self.doiorg.csl(doi)

    # -- concurrency -------------------------------------------------------------------------
    def map(self, fn: Callable[[T], R], items: Sequence[T],
            progress: Callable[[T, R | BaseException], None] | None = None) -> list[R]:
        return self.transport.map(fn, items, progress)
