"""Bad input never crashes a reader: property-based tests over mutated real files.

Every reader gets the real corpus and our fixtures, mutated by hypothesis (bytes inserted,
deleted, flipped, format tokens spliced in, pieces of other files pasted), plus raw random
bytes. The contract is in fuzz/targets.py, shared with the atheris fuzzers (`fuzz/run.py`):
each input returns or raises an EvidenceError of one line naming the input, within a per-input
time limit (a hang fails like a crash). A known, not yet fixed bug may be pinned by a strict
xfail test and listed in KNOWN_BUGS so the property tests tolerate it meanwhile (none is open);
any other failure fails the test.

The number of inputs tried per target is printed at the end of the module (pytest -s, or in the
terminal summary).
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fuzz"))

import targets  # noqa: E402  (fuzz/targets.py)

from evidencebib.errors import EvidenceError, ParseError  # noqa: E402

EXAMPLES = {  # per target; together about a minute on the 2-core CI machine
    "bibtex": 120, "bibfile": 120, "ris": 120, "csl_json": 150, "csl_json_struct": 150,
    "endnote_xml": 150, "detect": 300, "ig_page": 150, "api_read_file": 120, "crossref": 150,
    "style": 60, "doi": 500,
}
PER_INPUT_SECONDS = 10.0
TRIED: collections.Counter[str] = collections.Counter()
TOLERATED: collections.Counter[str] = collections.Counter()


# -- known bugs: none open. A bug found later is pinned by a strict xfail test and listed here
# (name -> predicate on the failure) until it is fixed, so the property tests tolerate it.

KNOWN_BUGS: dict = {}


def known_bug(failure: BaseException) -> str | None:
    for name, matches in KNOWN_BUGS.items():
        if matches(failure):
            return name
    return None


# -- strategies ----------------------------------------------------------------------------

TOKENS = [b"{", b"}", b"@", b",", b"=", b'"', b"\\", b"\n", b"\r", b"\r\n", b"ER  - ",
          b"TY  - JOUR", b"<", b">", b"</", b"&", b"&amp;", b"&#0;", b"%", b"#", b"\x00", b"\xff",
          b"\xc3", b"\xef\xbb\xbf", b"[", b"]", b":", b"null", b"-", b"\t", b"0", b"99999999999",
          b"<record>", b"</record>", b'<style face="italic">', b"crossref = {", b"@string{",
          b"\xe2\x80\xae", b"\\ud800", b"{\\rtf1", b"\\par", b"<script>", b"<!DOCTYPE x>",
          b"<!ENTITY a 'b'>", b"date-parts", b"<i>", b"</i>", b"et al", b"(2020)", b"'", b"*",
          b"<https://doi.org/", b"10.1000/", b"%2F", b"..", b"Infinity"]

_SEEDS: dict[str, list[bytes]] = {}


def seeds(name: str) -> list[bytes]:
    if name not in _SEEDS:
        found = targets.seed_bytes(name, limit=12 * 1024)
        _SEEDS[name] = found or [b""]
    return _SEEDS[name]


@st.composite
def mutated(draw, name: str) -> bytes:
    pool = seeds(name)
    data = bytearray(draw(st.sampled_from(pool)))
    steps = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1 << 20),
                                    st.integers(1, 256), st.sampled_from(TOKENS),
                                    st.binary(max_size=6)), max_size=8))
    for op, where, length, token, blob in steps:
        at = where % (len(data) + 1)
        if op == 0:
            data[at:at] = token
        elif op == 1:
            del data[at:at + length]
        elif op == 2:
            data[at:at] = blob
        elif op == 3 and data:
            data[at % len(data)] ^= 1 << (length % 8)
        elif op == 4:
            other = pool[where % len(pool)]
            start = length * 7 % (len(other) + 1)
            data[at:at] = other[start:start + length]
        else:
            del data[at:]
    return bytes(data)


def inputs(name: str):
    return st.one_of(mutated(name), mutated(name), mutated(name), st.binary(max_size=512),
                     st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))


def check(name: str, data: bytes) -> None:
    TRIED[name] += 1
    try:
        targets.run_input(name, data, seconds=PER_INPUT_SECONDS)
    except targets.Hang as failure:
        pytest.fail(f"{name}: hang: {failure}; input {data[:300]!r}")
    except targets.Bug as failure:
        bug = known_bug(failure)
        if bug:
            TOLERATED[name] += 1
            return
        raise


def _property(name: str):
    @settings(max_examples=EXAMPLES[name], deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(data=inputs(name))
    def test(data: bytes) -> None:
        check(name, data)

    return test


@pytest.fixture(scope="module", autouse=True)
def _report_counts(request):
    yield
    line = "hostile inputs tried per target (hypothesis): " + ", ".join(
        f"{name} {TRIED[name]}" + (f" ({TOLERATED[name]} hit a known bug)" if TOLERATED[name]
                                   else "") for name in EXAMPLES)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    context = capture.global_and_fixture_disabled() if capture else None
    if context is None:  # pragma: no cover
        print(line)
        return
    with context:
        print("\n" + line)


# -- the property tests: one per target ------------------------------------------------------

test_bibtex_reader_never_crashes = _property("bibtex")
test_bibfile_store_reader_never_crashes_and_keeps_bytes = _property("bibfile")
test_ris_reader_never_crashes = _property("ris")
test_csl_json_reader_never_crashes = _property("csl_json")
test_csl_json_reader_survives_type_confusion = _property("csl_json_struct")
test_endnote_xml_reader_never_crashes = _property("endnote_xml")
test_detect_and_decode_never_crash = _property("detect")
test_condition_page_reader_never_crashes = _property("ig_page")
test_api_read_file_never_crashes = _property("api_read_file")
test_crossref_conversion_survives_any_message = _property("crossref")
test_csl_style_from_a_path_never_crashes = _property("style")
test_doi_functions_never_crash_and_stay_url_safe = _property("doi")


# -- hand-made nasties, every target ----------------------------------------------------------

NASTY = [
    b"", b"\xef\xbb\xbf", b"\x00" * 64, b"\xff\xfe" + "x".encode("utf-16-le") * 10,
    b"\xfe\xff\xd8\x00", b"{" * 50_000, b"[" * 50_000, b"<a>" * 20_000, b"\n" * 200_000,
    b"x" * 1_000_000, b"@article{" + b"{" * 20_000, b"@string{a = a # a}\n@article{k, title = a}",
    b"@article{a, crossref = {b}}\n@article{b, crossref = {a}}",
    b"@article{k, title = {" + b"\\textit{" * 5000 + b"}",
    b"TY  - JOUR\r\nTI  - " + b"A" * 100_000 + b"\r\nER  - ", b"ER  - \n" * 1000,
    b'[{"type": "book", "issued": {"date-parts": [[1e999]]}, "author": [{"family": {}}]}]',
    b'[{"type": "book", "title": "\\ud800", "DOI": "10.1000/\\udfff"}]',
    b'[{"type": "article", "issued": {"date-parts": "2020"}, "accessed": {"raw": 5}}]',
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<xml><records><record><titles><title>&b;</title></titles></record></records></xml>",
    b'<xml><records><record><titles><title><style face="italic">' * 500 + b"x",
    b"\n\n# T\n\n<b>Specific Conditions</b>\t<ul style=\"list-style-type: none\"></ul>\n"
    b"<b>Level of Evidence</b>\tx\n\n## Bibliography\n\n" + b"A (2020) 'x', *J*.\n\n" * 2000,
    b"10." + b"/.." * 10_000, b"https://doi.org/" * 1000,
]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_hand_made_nasty_inputs(name):
    for data in NASTY:
        check(name, data)


# -- regressions for bugs found by fuzzing and fixed ---------------------------------------------

@pytest.mark.parametrize("message", [
    {"title": 5, "author": "Smith", "container-title": {"x": 1}, "ISSN": 1234,
     "issued": {"date-parts": [[float("inf")]]}, "published-print": {"date-parts": "2020"},
     "updated-by": True, "editor": 3.5, "short-container-title": [None, 7]},
    {"author": [{"family": ["x"], "given": {"a": 1}, "suffix": 5}], "ISBN": "978",
     "type": "book", "issued": {"date-parts": [[2020, "x"]]}, "update-to": "retraction"},
    [], "text", None,
])
def test_crossref_conversion_ignores_values_of_the_wrong_type(message):
    from evidencebib.formats import crossref
    from evidencebib.verify import status_from_work

    item = crossref.work_to_item(message)
    assert isinstance(item, dict) and all(isinstance(v, (str, list, dict)) for v in item.values())
    crossref.csl_to_item(message)
    assert crossref.updates(message) == [] or isinstance(message, dict)
    if isinstance(message, dict):
        status, details, _, _ = status_from_work(targets.LOCAL_ITEM, message)
        assert isinstance(status, str) and isinstance(details, str)


def test_path_segment_refuses_dot_and_empty_names():
    from evidencebib import doi

    for name in ("", ".", "..", "..."):
        with pytest.raises(doi.InvalidDOI):
            doi.path_segment(name)


def test_lone_surrogates_are_not_a_valid_doi_and_never_reach_a_url():
    from evidencebib import doi

    assert not doi.is_valid("10.1000/a\ud800b")
    with pytest.raises(doi.InvalidDOI):
        doi.parse("10.1000/a\ud800b")
    with pytest.raises(doi.InvalidDOI):
        doi.path_segment("10.1000/a\udfffb")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "rtf"])
def test_lone_surrogates_in_item_data_render_in_every_format(fmt):
    from evidencebib.render import render_bibliography

    item = {"type": "article-journal", "title": "a\ud800b", "DOI": "10.1000/x\udfff",
            "author": [{"family": "Sm\ud83dith"}], "container-title": "J",
            "issued": {"date-parts": [[2020]]}}
    [entry] = render_bibliography([item], "ig-criteria", fmt)
    entry.encode("utf-8")  # no surrogate left to fail the output's encoding
    assert "ab" in entry


def test_condition_page_error_quotes_control_characters_escaped():
    from evidencebib.formats import ig_page

    page = (ROOT / "tests" / "fixtures" / "pages" / "shapes.txt").read_text(encoding="utf-8")
    bad = page.replace("25(2):101-109", "25(2):101\r-109\x1b[2J")
    with pytest.raises(ParseError) as caught:
        ig_page.read_page(bad, source="page.txt")
    text = str(caught.value)
    assert "\r" not in text and "\x1b" not in text and "line " in text


def test_style_xml_error_is_one_line(tmp_path):
    from evidencebib.render import resolve_style

    path = tmp_path / "bad.csl"
    path.write_bytes(b'<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl">\x00')
    with pytest.raises(EvidenceError) as caught:
        resolve_style(path)
    assert "\n" not in str(caught.value) and "bad" in str(caught.value)


# -- regressions of bugs the fuzzers found (fixed) --------------------------------------------

def test_nul_in_a_bibtex_title_is_not_a_crash():
    from evidencebib.formats import bibtex

    try:
        bibtex.read("@article{k, title = {An amazing\x00 title}}", source="x.bib")
    except EvidenceError:
        pass


def test_nul_in_a_stored_bibtex_title_is_not_a_crash():
    from evidencebib.store import BibFile

    try:
        BibFile("@article{k, title = {\\textit{a}\x00b}}\n", "x.bib").items()
    except EvidenceError:
        pass


def test_endnote_xml_syntax_error_is_one_line():
    from evidencebib.formats import endnote_xml

    with pytest.raises(ParseError) as caught:
        endnote_xml.read("<xml><records><record>\x00</record></records></xml>", source="e.xml")
    assert "\n" not in str(caught.value)


def test_error_location_is_one_line():
    from evidencebib.formats import csl_json

    text = json.dumps([{"id": "a\nb\x1b[2J", "type": "book", "author": "no list"}])
    with pytest.raises(ParseError) as caught:
        csl_json.read(text, source="x.json")
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
