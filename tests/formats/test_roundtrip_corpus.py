"""Round trips on real data: every record of the shared corpus (RIS, CSL-JSON, EndNote XML)
and of our sample fixtures (samples.json, the real .enw files of fixtures/formats/refer),
imported, exported to each of our formats and imported again,
keeps every field both formats can hold.

The fields a format cannot hold are listed explicitly in tests/tools/fieldcompare.py
(CANNOT_HOLD); a field outside that list that does not come back is a failure. A summary
(records, fields compared, losses and cannot-hold counts per format pair) is printed in
pytest's terminal summary.

The targets are all five export formats: RIS, CSL-JSON, EndNote XML, BibTeX and BibLaTeX.
Nothing changes silently: every field a target cannot hold, and every reader extra (RIS tags,
EndNote elements, BibTeX fields without a variable: `_ris`, `_endnote`, `_bibtex`) it does not
carry, is named in the warning the export prints (`api.export_warnings`); the extras a target
carries (its own, written back; any, in CSL-JSON's `custom` and EndNote XML's Research Notes,
formats/extras.py) come back from the trip. (A URL that only repeats
the DOI is left out of RIS and EndNote XML by design: styles link the DOI.)

Each record is in the development or the held-back part of the corpus (tests/support/holdout.py);
the rates of records whose trip is exact or warned are printed per part at the end of the run,
and failures are listed for the development part only: the held-back part is never used to
choose a fix.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from fieldcompare import CANNOT_HOLD, MODULES, PairStats, compare, rekeyed, unwarned  # noqa: E402

import holdout  # noqa: E402
from evidencebib import api  # noqa: E402
from evidencebib.formats import csl_json, endnote_xml, registry, ris  # noqa: E402

TESTS = Path(__file__).resolve().parents[1]
CORPUS = TESTS.parent.parent / "shared" / "corpus"
SAMPLES = TESTS / "fixtures" / "formats" / "samples.json"
REFER = TESTS / "fixtures" / "formats" / "refer"  # real .enw files (README there)
NOT_RIS = {"asreview-pubmed.ris", "rispy-wos.ris"}
TARGETS = ["ris", "csl-json", "endnote-xml", "bibtex", "biblatex"]
TAGS = ("recurrent-miscarriage",)


def _sources() -> list[tuple[str, str, Path | None]]:
    sources: list[tuple[str, str, Path | None]] = [("csl-json", "samples.json", SAMPLES)]
    sources += [("enw", path.name, path) for path in sorted(REFER.glob("*.enw"))]
    if CORPUS.is_dir():
        for path in sorted((CORPUS / "ris").glob("*.ris")):
            if path.name not in NOT_RIS:
                sources.append(("ris", path.name, path))
        for path in sorted((CORPUS / "csl-json").glob("*.json")):
            sources.append(("csl-json", path.name, path))
        for path in sorted((CORPUS / "endnote-xml").glob("*.xml")):
            sources.append(("endnote-xml", path.name, path))
    return sources


SOURCES = _sources()
STATS: dict[tuple[str, str], PairStats] = defaultdict(PairStats)


class _Summary:
    """A plugin registered at session start that prints the figures at the end."""

    def pytest_terminal_summary(self, terminalreporter):  # noqa: D401 - pytest hook
        if not STATS:
            return
        write = terminalreporter.write_line
        terminalreporter.section("format round trips (source format -> target format)")
        for title, table in (("round trips", STATS),):
            if not table:
                continue
            write(f"[{title}]")
            for (src, dst), stats in sorted(table.items()):
                losses = ", ".join(f"{k}×{v}" for k, v in stats.losses.most_common()) or "none"
                write(f"  {src:>11} -> {dst:<11} records {stats.records:4d}  fields compared "
                      f"{stats.fields:5d}  losses {sum(stats.losses.values()):3d} ({losses})")
                if stats.cannot_hold:
                    held = ", ".join(f"{k}×{v}" for k, v in sorted(stats.cannot_hold.items()))
                    write(f"  {'':>11}    cannot hold: {held}")
        total = sum(s.records for s in STATS.values())
        fields = sum(s.fields for s in STATS.values())
        lost = sum(sum(s.losses.values()) for s in STATS.values())
        write(f"total: {total} records, {fields} fields compared, {lost} lost")


@pytest.fixture(scope="session", autouse=True)
def roundtrip_summary(request):
    plugin = _Summary()
    request.config.pluginmanager.register(plugin, "evidencebib-roundtrip-summary")
    yield STATS


def _read_source(fmt: str, path: Path) -> list[dict]:
    read = MODULES[fmt].read if fmt in MODULES else registry.get(fmt).read  # enw: read only
    return read(path.read_text(encoding="utf-8-sig"), source=str(path))


def test_corpus_is_present():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus ({CORPUS}) is not present; CI always has it")
    assert len(SOURCES) == 1 + 3 + 13 + 13 + 4


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source_format,name,path", SOURCES, ids=[s[1] for s in SOURCES])
def test_round_trip(source_format, name, path, target):
    items = _read_source(source_format, path)
    assert items, f"{name}: no records read"
    written = MODULES[target].write(items, tags=TAGS)
    back = MODULES[target].read(written, source=f"{name} -> {target}")
    assert len(back) == len(items), f"{name} -> {target}: record count changed"
    stats = STATS[(source_format, target)]
    rates = holdout.shared_measure("round trips: records exact or warned (all five targets)",
                                   "records")
    failures: list[tuple[str, str]] = []
    for before, after in zip(items, back, strict=True):
        if rekeyed(target, before, items):
            after = dict(after, id=before["id"])  # BibTeX keys must be unique and valid: re-keyed
        else:
            assert after["id"] == before["id"]
        mine = PairStats()
        lost = [f"{variable}: {want!r} -> {got!r}"
                for variable, want, got in compare(target, before, after, mine, tags=TAGS)]
        for counter, own in ((stats.cannot_hold, mine.cannot_hold), (stats.losses, mine.losses)):
            counter.update(own)
        stats.records += mine.records
        stats.fields += mine.fields
        lost += [f"not named by the export: {what}" for what in
                 unwarned(target, before, after, mine, api.export_warnings([before], target))]
        failure = f"{name} -> {target}: {before['id']}: " + "; ".join(lost) if lost else None
        where = rates.check(name, str(before["id"]), failure)
        if failure:
            failures.append((where, failure))
    unexpected = set(stats.cannot_hold) - CANNOT_HOLD[target]
    assert not unexpected, f"{target} dropped fields not listed in CANNOT_HOLD: {unexpected}"
    holdout.fail_on(f"{name} -> {target}", failures)


@pytest.mark.parametrize("target", TARGETS)
def test_second_trip_is_stable(target):
    """Writing what we read back gives the same text (a fixed point after one trip)."""
    items = json.loads(SAMPLES.read_text(encoding="utf-8"))
    module = MODULES[target]
    once = module.write(module.read(module.write(items), source="once"))
    twice = module.write(module.read(once, source="twice"))
    assert once == twice


def test_samples_cover_the_required_kinds():
    items = json.loads(SAMPLES.read_text(encoding="utf-8"))
    types = {item["type"] for item in items}
    assert {"article-journal", "book", "chapter", "report", "thesis", "webpage",
            "paper-conference", "dataset"} <= types
    assert max(len(item.get("author", [])) for item in items) == 13
    assert any(len(item.get("issued", {}).get("date-parts", [])) == 2 for item in items)


def test_modules_expose_the_same_api():
    for module in (ris, csl_json, endnote_xml):
        assert callable(module.read) and callable(module.write)
