"""The network client against a real HTTP server on loopback playing Crossref and doi.org."""

import time

import pytest

from crossref_emulator import CrossrefEmulator, fast_client, make_work, sample_messages
from evidencebib.errors import NetworkError, UsageError
from evidencebib.net.client import Client, OfflineMiss, RunAborted

PONE = "10.1371/journal.pone.0033693"
ESMO = "10.1136/esmoopen-2020-000776"


@pytest.fixture
def emu():
    with CrossrefEmulator(rate=200, interval=0.5, concurrency=8) as emulator:
        emulator.add_works(sample_messages())
        yield emulator


def test_work_found_identifies_politely(emu):
    client = fast_client(emu)
    work = client.work(PONE.upper())
    assert work["DOI"] == PONE
    entry = emu.log[-1]
    assert entry["query"]["mailto"] == ["tests@example.org"]
    assert entry["user_agent"].startswith("evidencebib/")
    assert "mailto:tests@example.org" in entry["user_agent"]
    assert client.warnings == []
    assert client.limiters["single"].pool == "polite-single"


def test_plain_text_404_and_404_labelled_json(emu):
    client = fast_client(emu)
    assert client.work("10.1371/notarealdoi") is None
    emu.faults["10.5555/jsonlabel"] = ["404json"]
    assert client.work("10.5555/jsonlabel") is None
    assert client.stats.failures == 0


@pytest.mark.parametrize("faults", [
    ["503"], ["500", "502"], ["429"], ["429:0.05"], ["reset"], ["reset", "503", "429"],
    ["timeout:1.5"], ["truncated"], ["html"],
])
def test_transient_failures_are_retried(emu, faults):
    emu.faults[ESMO] = list(faults)
    client = fast_client(emu)
    assert client.work(ESMO)["DOI"] == ESMO
    assert client.stats.retries == len(faults)


def test_429_with_retry_after_is_honoured_and_slows_down(emu):
    emu.faults[ESMO] = ["429:0.3"]
    client = fast_client(emu)
    started = time.monotonic()
    client.work(ESMO)
    assert time.monotonic() - started >= 0.3
    assert client.stats.throttled == 1
    assert client.limiters["single"].snapshot()["factor"] < 1


def test_gives_up_after_bounded_tries_with_network_error(emu):
    emu.always[ESMO] = "503"
    client = fast_client(emu, max_tries=3)
    with pytest.raises(NetworkError, match="gave up after 3 tries"):
        client.work(ESMO)
    assert emu.requests_for("esmoopen") == 3


def test_timeouts_never_hang(emu):
    emu.always[ESMO] = "timeout:3"
    client = fast_client(emu, max_tries=2, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="no complete answer within 0.2 s"):
        client.work(ESMO)
    assert time.monotonic() - started < 2


def test_connection_refused_is_network_error_not_not_found():
    client = Client(crossref_url="http://127.0.0.1:1", doi_url="http://127.0.0.1:1",
                    cache_dir=None, max_tries=2, backoff=0.01, timeout=0.2)
    with pytest.raises(NetworkError, match="connection failed"):
        client.work(PONE)


def test_redirect_to_foreign_host_is_refused(emu):
    emu.always[ESMO] = "redirect-foreign"
    client = fast_client(emu)
    with pytest.raises(NetworkError, match="not a configured service"):
        client.work(ESMO)


def test_alias_redirect_on_same_host_is_followed(emu):
    emu.add_alias("10.5555/old-alias", PONE)
    assert fast_client(emu).work("10.5555/old-alias")["DOI"] == PONE


def test_content_negotiation_redirects_from_doi_org_to_crossref(emu):
    csl = fast_client(emu).csl(PONE)
    assert csl["DOI"] == PONE
    assert [e["server"] for e in emu.log[-2:]] == ["doi", "crossref"]
    assert emu.log[-1]["path"].endswith("/transform")
    assert emu.log[-1]["query"]["mailto"] == ["tests@example.org"]


def test_byte_cap(emu):
    emu.always[ESMO] = "big:200000"
    client = fast_client(emu, max_bytes=100_000)
    with pytest.raises(NetworkError, match="byte limit"):
        client.work(ESMO)


def test_registration_agency_and_handles(emu):
    client = fast_client(emu)
    emu.add_datacite("10.5061/dryad.x", {"title": "x"})
    assert client.registration_agency(PONE) == "Crossref"
    assert client.registration_agency("10.5061/dryad.x") == "DataCite"
    assert client.registration_agency("10.9999/nope") is None
    assert client.handle(PONE)["responseCode"] == 1
    assert client.handle("10.9999/nope") is None
    assert client.agency(PONE) == "crossref"


def test_pool_warning_when_mailto_not_recognised():
    with CrossrefEmulator(pool="public") as emu:
        emu.add_works(sample_messages())
        client = fast_client(emu)
        client.work(PONE)
        assert any("public-single" in w for w in client.warnings)


def test_duplicated_headers_are_parsed():
    with CrossrefEmulator(rate=40, concurrency=4, duplicate_headers=True) as emu:
        emu.add_works(sample_messages())
        client = fast_client(emu)
        client.work(PONE)
        snap = client.limiters["single"].snapshot()
        assert (snap["limit"], snap["interval"], snap["concurrency"]) == (40, 1, 4)


def test_batch_prefetch_fills_single_record_cache(emu):
    dois = [f"10.5555/batch.{i}" for i in range(120)]
    emu.add_works(make_work(d) for d in dois)
    emu.add_work(make_work("10.5555/with,comma"))
    client = fast_client(emu)
    assert client.prefetch_works(dois + ["10.5555/with,comma", "10.5555/missing"]) == 120
    assert emu.array.requests == 2            # 100 + 20 (+ the missing one)
    emu.reset_counters()
    for d in dois:
        assert client.work(d)["DOI"] == d
    assert emu.crossref_requests == 0
    assert client.work("10.5555/with,comma")["DOI"] == "10.5555/with,comma"
    assert emu.crossref_requests == 1
    assert not any("comma" in ",".join(e["query"].get("filter", [""])) for e in emu.log)


def test_disk_cache_second_run_makes_no_request_and_offline(emu, tmp_path):
    first = fast_client(emu, cache_dir=tmp_path)
    first.work(PONE)
    assert first.work("10.1371/notarealdoi") is None
    emu.reset_counters()
    second = fast_client(emu, cache_dir=tmp_path)
    assert second.work(PONE)["DOI"] == PONE
    assert second.work("10.1371/notarealdoi") is None
    assert emu.log == []
    offline = fast_client(emu, cache_dir=tmp_path, offline=True)
    assert offline.work(PONE)["DOI"] == PONE
    with pytest.raises(OfflineMiss):
        offline.work(ESMO)
    assert emu.log == []


def test_cache_survives_a_killed_run(emu, tmp_path):
    """Entries are written one by one, atomically: what was fetched before a crash stays."""
    dois = [f"10.5555/kill.{i}" for i in range(10)]
    emu.add_works(make_work(d) for d in dois)
    client = fast_client(emu, cache_dir=tmp_path, batch=False)
    for d in dois[:6]:
        client.work(d)
    # a crash mid-write leaves at most a temporary file, which is ignored
    (tmp_path / "http" / "v1" / "00").mkdir(parents=True, exist_ok=True)
    (tmp_path / "http" / "v1" / "00" / ".tmp-crash.json").write_text('{"key": ')
    emu.reset_counters()
    rerun = fast_client(emu, cache_dir=tmp_path, batch=False)
    for d in dois:
        rerun.work(d)
    assert emu.crossref_requests == 4


def test_run_aborts_when_ten_percent_fail(emu):
    emu.add_works(make_work(f"10.5555/ab.{i}") for i in range(40))
    for i in range(0, 40, 4):
        emu.always[f"10.5555/ab.{i}"] = "503"
    client = fast_client(emu, max_tries=1, abort_min=20)
    outcomes = []
    for i in range(40):
        try:
            client.work(f"10.5555/ab.{i}")
            outcomes.append("ok")
        except RunAborted:
            outcomes.append("aborted")
        except NetworkError:
            outcomes.append("failed")
    assert "aborted" in outcomes
    assert outcomes.index("aborted") >= 20
    assert any("stopped asking" in w for w in client.warnings)


def test_bad_options():
    with pytest.raises(UsageError):
        Client(crossref_url="ftp://x", cache_dir=None)
    with pytest.raises(UsageError):
        Client(mailto="not an address", cache_dir=None)


def test_environment_options(monkeypatch, emu, tmp_path):
    monkeypatch.setenv("EVIDENCEBIB_CROSSREF_URL", emu.crossref_url)
    monkeypatch.setenv("EVIDENCEBIB_DOI_URL", emu.doi_url)
    monkeypatch.setenv("EVIDENCEBIB_MAILTO", "env@example.org")
    monkeypatch.setenv("EVIDENCEBIB_CACHE_DIR", str(tmp_path / "c"))
    client = Client.from_options()
    assert client.crossref_url == emu.crossref_url and client.mailto == "env@example.org"
    assert client.cache.directory.is_relative_to(tmp_path / "c")
    monkeypatch.delenv("EVIDENCEBIB_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Client.from_options().cache.directory.is_relative_to(tmp_path / "xdg" / "evidencebib")


def test_search(emu):
    items = fast_client(emu).search("Methylphenidate dopamine neuron loss microglia mice", rows=2)
    assert items[0]["DOI"] == PONE
    assert emu.log[-1]["query"]["rows"] == ["2"]


@pytest.mark.parametrize("name", [
    "10.1175/1520-0493(1987)115<1606:GARSPP>2.0.CO;2",
    "10.1002/(SICI)1097-4636(199706)35:4<443::AID-JBM4>3.0.CO;2-J",
    "10.5555/a b?c#d%e",
    "10.5555/../../admin",
    "10.5555/x/agency",
    "10.5555/ünïcode",
])
def test_awkward_dois_reach_the_server_intact(emu, name):
    emu.add_work(make_work(name))
    assert fast_client(emu).work(name)["DOI"] == name
    raw = emu.log[-1]["raw"]
    assert raw.startswith("/works/") and "?mailto=" in raw and "#" not in raw
    assert emu.log[-1]["path"].lower() == "/works/" + name.lower()
