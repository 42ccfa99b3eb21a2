"""`not-found` only when the services themselves say the DOI is unknown: Crossref's own 404
(plain text `Resource not found.`) *and* doi.org's `/ra/` answer `"status": "DOI does not
exist"` (HTTP 200). Any other 404 — a proxy's HTML page, a mistyped mirror path — or a DOI
that doi.org says is registered but whose record cannot be had is `unreachable`, and such an
answer is never cached (a rerun with the server gone must not repeat it).
"""

from __future__ import annotations

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work
from evidencebib.errors import NetworkError
from evidencebib.net.cache import ResponseCache
from evidencebib.verify import Verifier

ITEM = {"id": "k", "_line": 3, "type": "article-journal", "title": "A trial of heparin",
        "author": [{"family": "Smith"}], "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Tests"}
KNOWN = "10.5555/known"
MISSING = "10.9999/missing"


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=500, interval=1, concurrency=16) as emulator:
        emulator.add_work(make_work(KNOWN, title=ITEM["title"]))
        yield emulator


def verify(client, doi):
    return Verifier(client).verify_item(dict(ITEM, DOI=doi), "cond")


def test_crossref_404_and_doi_org_does_not_exist_is_not_found_and_is_cached(emu, tmp_path):
    result = verify(fast_client(emu, cache_dir=tmp_path), MISSING)
    assert result.status == "not-found", result
    offline = verify(fast_client(emu, cache_dir=tmp_path, offline=True), MISSING)
    assert offline.status == "not-found", offline


def test_a_proxy_html_404_on_works_is_unreachable_and_not_cached(emu, tmp_path):
    emu.always[KNOWN] = "html404"
    result = verify(fast_client(emu, cache_dir=tmp_path), KNOWN)
    assert result.status == "unreachable", result
    assert "404" in result.details and "text/html" in result.details
    # the server gone, the cache must not answer for it
    rerun = verify(fast_client(emu, cache_dir=tmp_path, offline=True), KNOWN)
    assert rerun.status == "unreachable" and "not in the cache" in rerun.details, rerun


def test_a_proxy_html_404_for_a_missing_doi_is_unreachable(emu):
    emu.always[MISSING] = "html404"
    assert verify(fast_client(emu), MISSING).status == "unreachable"


def test_a_mistyped_crossref_mirror_path_is_unreachable_not_not_found(emu):
    client = fast_client(emu, crossref_url=emu.crossref_url + "/typo")
    result = verify(client, KNOWN)
    assert result.status == "unreachable", result
    assert "Crossref" in result.details and "registered" in result.details


@pytest.mark.parametrize("fault", ["html404", "404json"])
def test_a_404_from_doi_org_ra_is_unreachable(emu, fault):
    emu.always["ra:" + MISSING] = fault
    result = verify(fast_client(emu), MISSING)
    assert result.status == "unreachable", result


def test_a_mistyped_doi_org_mirror_path_is_unreachable(emu):
    client = fast_client(emu, doi_url=emu.doi_url + "/typo")
    assert verify(client, MISSING).status == "unreachable"


def test_a_datacite_doi_whose_content_negotiation_fails_is_unreachable(emu, tmp_path):
    emu.add_datacite("10.5061/dryad.gone", None)
    result = verify(fast_client(emu, cache_dir=tmp_path), "10.5061/dryad.gone")
    assert result.status == "unreachable", result
    assert "DataCite" in result.details and "404" in result.details
    offline = verify(fast_client(emu, cache_dir=tmp_path, offline=True), "10.5061/dryad.gone")
    assert offline.status == "unreachable"


def test_an_html_404_cached_by_an_older_version_is_not_believed(emu, tmp_path):
    """Earlier versions cached any 404; such an entry must not say `not-found` now."""
    client = fast_client(emu, cache_dir=tmp_path)
    key = client.cache_key(client.works_url(KNOWN))
    ResponseCache(tmp_path).put(key, 404, "text/html", b"<html><h1>404 Not Found</h1></html>")
    offline = verify(fast_client(emu, cache_dir=tmp_path, offline=True), KNOWN)
    assert offline.status == "unreachable", offline
    online = verify(fast_client(emu, cache_dir=tmp_path), KNOWN)
    assert online.status == "ok", online


def test_the_handle_api_answers_none_only_for_its_own_not_found(emu):
    assert fast_client(emu).handle(MISSING) is None
    emu.always["handle:" + MISSING] = "html404"
    with pytest.raises(NetworkError, match="404"):
        fast_client(emu).handle(MISSING)


def test_add_says_unreachable_not_unregistered_for_an_html_404(emu):
    from evidencebib import lookup

    emu.always[KNOWN] = "html404"
    emu.agencies[KNOWN] = "Crossref"
    with pytest.raises(NetworkError, match="unreachable"):
        lookup.resolve_all(fast_client(emu), [KNOWN])


def test_an_unknown_doi_ending_in_a_full_stop_names_the_registered_doi_without_it(emu):
    result = verify(fast_client(emu), KNOWN + ".")
    assert result.status == "not-found", result
    assert f"{KNOWN} (without the trailing '.') is registered: correct the DOI" in result.details


def test_an_unknown_doi_ending_in_a_full_stop_gets_no_hint_when_the_bare_doi_is_unknown_too(emu):
    result = verify(fast_client(emu), MISSING + ".")
    assert result.status == "not-found", result
    assert "trailing" not in result.details


def test_an_entry_whose_doi_is_only_in_its_url_is_told_to_store_it(emu):
    item = {k: v for k, v in ITEM.items()}
    item["URL"] = f"https://doi.org/{KNOWN}"
    result = Verifier(fast_client(emu)).verify_item(item, "cond")
    assert result.status == "no-doi", result
    assert f"its URL is the DOI link of {KNOWN}: store that as its doi" in result.details
