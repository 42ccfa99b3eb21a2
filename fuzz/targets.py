"""Fuzz targets: one function per reader, shared by the atheris fuzzers and the hypothesis tests.

Each target takes the raw bytes of one input and feeds them to one of evidencebib's readers the
way a user's file (or a server's answer) reaches it. The contract every target checks:

* the reader returns, or raises an `EvidenceError` (a clear, one-line error of ours) that names
  the input's file when the reader was given one;
* nothing else escapes: any other exception is a bug (`Bug` wraps it with the input's target);
* it finishes in bounded time: `time_limit(seconds)` turns a hang into `Hang` (a BaseException,
  so a reader's `except Exception` cannot swallow it), which counts as a failure too.

Some targets check a few more invariants that cost nothing: `BibFile` keeps the text byte for
byte, `doi.path_segment` never changes the URL prefix, items that were read render in the house
style without escaping errors.

    from targets import TARGETS, run_input
    run_input("ris", b"TY  - JOUR\\nER  - \\n")      # raises Bug / Hang on failure
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import random
import signal
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEEDS = HERE / "seeds"
FIXTURES = REPO / "tests" / "fixtures"
CORPUS = Path(os.environ.get("EVIDENCEBIB_CORPUS", REPO.parent / "shared" / "corpus"))
SOURCE = "fuzz-input"

# ---------------------------------------------------------------------------------------------
# failures


class Bug(AssertionError):
    """A reader broke its contract on an input (uncaught exception, or an invariant)."""


class Hang(BaseException):
    """An input took longer than the per-input time limit."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the main thread if the block runs longer than `seconds` (SIGALRM)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise Hang(f"input took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_error(error: BaseException, *, needs_file: bool = True) -> None:
    """An EvidenceError is allowed when it is one line and names the input when it should."""
    from evidencebib.errors import EvidenceError

    if not isinstance(error, EvidenceError):
        raise Bug(f"uncaught {type(error).__name__}: {error}") from error
    text = str(error)
    # the message proper is ours; the location quotes user data (an entry key can hold a
    # newline: see tests/formats/test_hostile_inputs.py::test_error_location_is_one_line)
    if "\n" in error.message or "\r" in error.message:
        raise Bug(f"error message is not one line: {text!r}") from error
    if needs_file and error.location.file is None:
        raise Bug(f"error does not name the input file: {text!r}") from error


@contextlib.contextmanager
def contract(*, needs_file: bool = True) -> Iterator[None]:
    try:
        yield
    except (Bug, Hang):
        raise
    except Exception as error:  # noqa: BLE001 - the point of the harness
        _check_error(error, needs_file=needs_file)


def _text(data: bytes) -> str:
    """What a reader gets after decoding: decode_bytes never fails on non-binary input, and
    readers are also called directly with text (from the CLI's stdin, the API)."""
    return data.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# items that were read must survive the rest of the pipeline

RENDER_ITEMS = os.environ.get("EVIDENCEBIB_FUZZ_RENDER", "1") != "0"


def _after_read(items: list[dict], *, render: bool = RENDER_ITEMS) -> None:
    """Read items are plain data that render in the house style and export to every format."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Bug(f"reader returned {type(items).__name__}, not a list of dicts")
    if not render or not items:
        return
    items = items[:5]
    from evidencebib.errors import EvidenceError
    from evidencebib.render import render_bibliography

    try:
        render_bibliography(items, "ig-criteria", "html")
    except EvidenceError as error:
        _check_error(error, needs_file=False)
    except (Bug, Hang):
        raise
    except Exception as error:  # noqa: BLE001
        raise Bug(f"rendering read items: uncaught {type(error).__name__}: {error}") from error


# ---------------------------------------------------------------------------------------------
# targets


def target_bibtex(data: bytes) -> None:
    from evidencebib.formats import bibtex

    with contract():
        _after_read(bibtex.read(_text(data), source=SOURCE))


def target_bibfile(data: bytes) -> None:
    """The store's own reader: parse, list items; the text must be kept byte for byte."""
    from evidencebib.store import BibFile

    text = _text(data)
    with contract():
        bib = BibFile(text, SOURCE)
        if bib.text() != text:
            raise Bug("BibFile.text() differs from the text it was given")
        _after_read(bib.items())


def target_ris(data: bytes) -> None:
    from evidencebib.formats import ris

    with contract():
        _after_read(ris.read(_text(data), source=SOURCE))


def target_csl_json(data: bytes) -> None:
    from evidencebib.formats import csl_json

    with contract():
        _after_read(csl_json.read(_text(data), source=SOURCE))


def target_endnote_xml(data: bytes) -> None:
    from evidencebib.formats import endnote_xml

    with contract():
        _after_read(endnote_xml.read(_text(data), source=SOURCE))


def target_detect(data: bytes) -> None:
    from evidencebib.formats import detect

    with contract():
        text = detect.decode_bytes(data, SOURCE)
        name = detect.detect(text, source=SOURCE)
        if name not in detect.FORMATS:
            raise Bug(f"detect returned {name!r}")


def target_ig_page(data: bytes) -> None:
    from evidencebib.formats import ig_page

    with contract():
        for keep in (False, True):
            page = ig_page.read_page(_text(data), source=SOURCE, keep_unparsed=keep)
            _after_read(page.items)


_TMP: Path | None = None


def _scratch() -> Path:
    global _TMP
    if _TMP is None:
        _TMP = Path(tempfile.mkdtemp(prefix="evidencebib-fuzz-"))
    return _TMP


def target_api_read_file(data: bytes) -> None:
    """What `evidencebib import FILE` does: bytes on disk -> decode -> detect -> read."""
    from evidencebib import api

    path = _scratch() / "input.dat"
    path.write_bytes(data)
    with contract():
        _after_read(api.read_file(path))


def target_crossref(data: bytes) -> None:
    """A Crossref `message` (or doi.org CSL-JSON) as the client hands it over: parsed JSON."""
    from evidencebib.formats import crossref

    try:
        message = json.loads(data.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        message = mutate_json(data)
    if isinstance(message, dict) and isinstance(message.get("message"), dict):
        message = message["message"]
    if not isinstance(message, dict):
        message = {"title": message}
    with contract(needs_file=False):
        item = crossref.work_to_item(message, key="k")
        crossref.work_years(message)
        crossref.updates(message)
        crossref.updates(message, "update-to")
        csl = crossref.csl_to_item(message, key="k")
        _after_read([item, csl])
        from evidencebib.verify import compare, status_from_work

        compare(item, csl)
        for local in (LOCAL_ITEM, csl):       # what `verify` does with the answer
            status, details, fields, notices = status_from_work(local, message)
            if not isinstance(status, str) or not isinstance(details, str):
                raise Bug(f"status_from_work returned {status!r}, {details!r}")
            json.dumps(notices)


LOCAL_ITEM = {"id": "k", "type": "article-journal", "title": "A trial of things",
              "author": [{"family": "Smith", "given": "A"}], "container-title": "J Things",
              "issued": {"date-parts": [[2020]]}, "DOI": "10.1000/x"}


def target_csl_json_struct(data: bytes) -> None:
    """Structure-aware: a seed item with values replaced by values of other JSON types."""
    from evidencebib.formats import csl_json

    value = mutate_json(data, seeds=_csl_json_seed_items())
    text = json.dumps(value if isinstance(value, list) else [value])
    with contract():
        _after_read(csl_json.read(text, source=SOURCE))


STYLE_ITEMS = [
    {"id": "a", "type": "article-journal", "title": "A <i>trial</i> & more",
     "author": [{"family": "Smith", "given": "A. B."}, {"literal": "WHO"}],
     "container-title": "Journal", "issued": {"date-parts": [[2020, 3]]}, "volume": "12",
     "issue": "3", "page": "100-110", "DOI": "10.1000/abc"},
    {"id": "b", "type": "book", "title": "Book", "editor": [{"family": "Roe", "given": "J"}],
     "publisher": "P", "issued": {"date-parts": [[1999]]}, "URL": "https://example.org/x"},
]


def target_style(data: bytes) -> None:
    """A CSL file given by path: resolve it, then render two items in each output format."""
    from evidencebib.errors import EvidenceError
    from evidencebib.render import render_bibliography, resolve_style

    folder = _scratch() / "styles"
    folder.mkdir(exist_ok=True)
    global _STYLE_COUNTER
    _STYLE_COUNTER += 1
    path = folder / f"s{_STYLE_COUNTER % 50}-{_STYLE_COUNTER}.csl"  # a fresh name: no stale cache
    path.write_bytes(data)
    try:
        with contract(needs_file=False):
            try:
                resolved = resolve_style(path)
                for fmt in ("text", "html"):
                    render_bibliography(STYLE_ITEMS, resolved, fmt)
            except EvidenceError as error:
                if path.stem not in str(error):       # a style error names the style
                    raise Bug(f"style error does not name the style: {error}") from error
                raise
    finally:
        path.unlink(missing_ok=True)


_STYLE_COUNTER = 0


def target_doi(data: bytes) -> None:
    """normalize never fails; parse fails only with InvalidDOI; a parsed DOI is URL-safe."""
    from urllib.parse import unquote, urlsplit

    from evidencebib import doi

    # surrogatepass: a DOI from a JSON file can hold lone surrogates ("\ud800")
    try:
        text = data.decode("utf-8", "surrogatepass") if data[:1] == b"\x01" else _text(data)
    except UnicodeDecodeError:
        text = _text(data)
    try:
        name = doi.normalize(text)
        doi.key(text)
        doi.same(text, text)
        doi.find_in_text(text)
        try:
            name = doi.parse(text)
        except doi.InvalidDOI:
            pass
        if name.strip(".") == "":
            try:
                doi.path_segment(name)
            except doi.InvalidDOI:
                return
            raise Bug(f"path_segment accepted {name!r}")
        prefix = "https://api.crossref.org/v1/works/"
        for encode in (False, True):
            segment = doi.path_segment(name, encode_slashes=encode)
            url = urlsplit(prefix + segment)
            if (url.scheme, url.netloc) != ("https", "api.crossref.org") or url.query or \
                    url.fragment or not url.path.startswith("/v1/works/"):
                raise Bug(f"DOI {name!r} changes the URL: {prefix + segment}")
            tail = url.path[len("/v1/works/"):]
            if any(part in (".", "..") for part in tail.split("/")):
                raise Bug(f"DOI {name!r} yields a dot segment: {tail}")
            if unquote(tail) != name:
                raise Bug(f"DOI {name!r} does not round-trip: {tail}")
    except (Bug, Hang):
        raise
    except Exception as error:  # noqa: BLE001
        _check_error(error, needs_file=False)


@dataclass
class Target:
    name: str
    function: Callable[[bytes], None]
    corpus: tuple[str, ...] = ()          # globs under the shared corpus
    fixtures: tuple[str, ...] = ()        # globs under tests/fixtures and the repo
    dictionary: tuple[bytes, ...] = ()
    time_limit: float = 10.0
    extra: dict[str, Any] = field(default_factory=dict)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("bibtex", target_bibtex, ("bibtex/*.bib",), ("references/*.bib",)),
    Target("bibfile", target_bibfile, ("bibtex/*.bib",), ("references/*.bib",)),
    Target("ris", target_ris, ("ris/*.ris", "ris/*.txt", "ris/*.nbib"),
           ("tests/fixtures/formats/*.ris",)),
    Target("csl_json", target_csl_json, ("csl-json/*.json",),
           ("tests/fixtures/formats/*.json", "tests/fixtures/seed-items.json")),
    Target("csl_json_struct", target_csl_json_struct, ("csl-json/*.json",),
           ("tests/fixtures/seed-items.json",)),
    Target("endnote_xml", target_endnote_xml, ("endnote-xml/*.xml",),
           ("tests/fixtures/formats/*.xml",)),
    Target("detect", target_detect, ("*/*.bib", "*/*.ris", "*/*.json", "*/*.xml"),
           ("tests/fixtures/formats/*",)),
    Target("ig_page", target_ig_page, (), ("tests/fixtures/recurrent-miscarriage.txt",
                                           "tests/fixtures/pages/*.txt")),
    Target("api_read_file", target_api_read_file, ("*/*.bib", "*/*.ris", "*/*.json", "*/*.xml"),
           ("tests/fixtures/formats/*",)),
    Target("crossref", target_crossref, (), ("tests/fixtures/crossref/*.json",)),
    Target("style", target_style, (), ("styles/*.csl",), time_limit=20.0),
    Target("doi", target_doi, (), ()),
)}


# ---------------------------------------------------------------------------------------------
# seeds


MAX_SEED_BYTES = 64 * 1024


def seed_files(name: str, *, corpus: bool = True) -> list[Path]:
    """The seeds of a target: fuzz/seeds/<name>/*, our fixtures, and the shared corpus's files
    (each at most MAX_SEED_BYTES; larger files are cut by the caller)."""
    target = TARGETS[name]
    files: list[Path] = sorted((SEEDS / name).glob("*")) if (SEEDS / name).is_dir() else []
    for pattern in target.fixtures:
        files.extend(sorted(REPO.glob(pattern)))
    if corpus and CORPUS.is_dir():
        for pattern in target.corpus:
            files.extend(sorted(CORPUS.glob(pattern)))
    seen, unique = set(), []
    for path in files:
        if path.is_file() and path.resolve() not in seen and path.name != "MANIFEST.md":
            seen.add(path.resolve())
            unique.append(path)
    return unique


def seed_bytes(name: str, *, corpus: bool = True, limit: int = MAX_SEED_BYTES) -> list[bytes]:
    out = []
    for path in seed_files(name, corpus=corpus):
        data = path.read_bytes()
        out.append(data[:limit])
    if name == "doi":
        out.extend(DOI_SEEDS)
    return out


DOI_SEEDS = [s.encode() for s in (
    "10.1000/xyz123", "doi:10.1000/XYZ123", "https://doi.org/10.1136/jclinpath-2020-206745",
    "http://dx.doi.org/10.1002/jor.1100150407", "info:doi/10.1371/journal.pone.0033693",
    "10.1000%2Fabc", "https://doi.org/10.1175/1520-0493(1987)115%3C1606%3AGARSPP%3E2.0.CO%3B2",
    "10.1000/../../admin", "10.1000/a b?c#d%e", "https://doi.org/10.1000/a%3Fb%23c",
    "10.1002/(SICI)1097-4636(199706)35:4<443::AID-JBM4>3.0.CO;2-J", "10.5555/x/agency",
    "doi: https://doi.org/10.1000/%2E%2E/%2e%2e/x", "10.1000/\u00fc\u00efcode",
    "10.1000/@evil.example:80/x", "10.1000//evil.example/x", "10.1000/\\..\\x",
)]


def _csl_json_seed_items() -> list[Any]:
    global _CSL_SEEDS
    if _CSL_SEEDS is None:
        items: list[Any] = []
        for data in seed_bytes("csl_json_struct"):
            try:
                value = json.loads(data.decode("utf-8-sig"))
            except (ValueError, UnicodeDecodeError):
                continue
            items.extend(value if isinstance(value, list) else [value])
        _CSL_SEEDS = items or [{"type": "article", "title": "x"}]
    return _CSL_SEEDS


_CSL_SEEDS: list[Any] | None = None


# ---------------------------------------------------------------------------------------------
# structure-aware JSON mutation (driven by the input bytes, so it is deterministic)

_ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 1e308, -1e308, 2**70, "", " ", "\u0000",
    "\ud800", "<script>alert(1)</script>", "\n\nER  - \n", "}@article{x,", [], {}, [None], [{}],
    [[]], {"date-parts": []}, {"date-parts": [[]]}, {"date-parts": [["x"]]},
    {"date-parts": [[2020, 13, 45]]}, {"date-parts": [[99999999999]]}, {"raw": "2020-99-99"},
    {"literal": None}, {"family": 5}, [{"family": None, "given": []}], "10.1000/\ud800",
    "\u202e\u200b", "x" * 5000, {"date-parts": [[2020], [2019], [1]]}, {"season": "spring"},
]


def mutate_json(data: bytes, seeds: list[Any] | None = None) -> Any:
    """A JSON value: a seed (chosen by the bytes) with a few values replaced by odd ones."""
    rng = random.Random(data)
    if seeds is None:
        seeds = _crossref_seed_messages()
    value = json.loads(json.dumps(rng.choice(seeds)))
    for _ in range(rng.randint(1, 6)):
        value = _mutate_once(value, rng, depth=0)
    return value


def _mutate_once(value: Any, rng: random.Random, depth: int) -> Any:
    if depth > 6 or not isinstance(value, (dict, list)) or not value or rng.random() < 0.15:
        choice = rng.random()
        if choice < 0.6:
            # a copy: the later mutations of this message change it in place, and the shared
            # odd value itself must stay as written (else it can come to contain itself)
            return copy.deepcopy(rng.choice(_ODD_VALUES))
        if choice < 0.8 and isinstance(value, str):
            cut = rng.randint(0, len(value))
            return value[:cut] + rng.choice(["\u0000", "{", "}", "\\", "<", "&", "\n", "%", "\ud800",
                                             "\u00e9", "ER  - "]) + value[cut:]
        return [value] if rng.random() < 0.5 else {"x": value}
    if isinstance(value, dict):
        key = rng.choice(list(value))
        if rng.random() < 0.1:
            del value[key]
        else:
            value[key] = _mutate_once(value[key], rng, depth + 1)
        return value
    index = rng.randrange(len(value))
    value[index] = _mutate_once(value[index], rng, depth + 1)
    return value


def _crossref_seed_messages() -> list[Any]:
    global _CROSSREF_SEEDS
    if _CROSSREF_SEEDS is None:
        out: list[Any] = []
        for path in sorted((FIXTURES / "crossref").glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("message"), dict):
                out.append(data["message"])
            for key in ("works",):
                if isinstance(data.get(key), dict):
                    out.extend(data[key].values())
            if isinstance(data.get("datacite"), dict) and isinstance(data["datacite"].get("csl"), dict):
                out.append(data["datacite"]["csl"])
        _CROSSREF_SEEDS = out or [{"DOI": "10.1000/x", "title": ["t"]}]
    return _CROSSREF_SEEDS


_CROSSREF_SEEDS: list[Any] | None = None


def run_input(name: str, data: bytes, *, seconds: float | None = None) -> None:
    """Run one input through a target under its time limit (raises Bug or Hang)."""
    target = TARGETS[name]
    with time_limit(target.time_limit if seconds is None else seconds):
        target.function(data)
