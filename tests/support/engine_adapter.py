"""The one place where the measuring instruments meet a CSL processor.

The CSL test-suite runner (tests/render/csl_suite/) and the everyday-items comparison
(tests/render/everyday/) never call evidencebib's rendering directly: they ask an `Adapter`
for a bibliography or for citation clusters, in one neutral vocabulary (`CiteSpec`,
`ClusterSpec`, `BibEntry`). `OURS` at the bottom of this module names the adapter measured.

Adapters:
- `NewEngine`: our engine (`evidencebib.render.Engine(style, locale=None, options=None)` with
  `bibliography(items, fmt)` and `citations(clusters, fmt, items, register)`; `Cite` and
  `Cluster` from `evidencebib.render.citations`), links off through `EngineOptions(links=False)`
  as citeproc-js links nothing. A cite's stated position and near-note reach `Cite` in
  independent clusters (makeCitationCluster takes them) and are dropped in a document
  (processCitationCluster decides every position itself).
- `CiteprocJs`: citeproc-js through tests/citeproc_js/suite.js, the reference; used to check
  the instruments themselves (a driver that citeproc-js does not pass through is wrong).

Semantics every adapter implements:
- `bibliography(style, items, fmt)`: the items registered in this order (it decides
  citation numbers when the style does not sort), one `BibEntry` per printed entry in the
  style's order;
- `citations(style, items, clusters, fmt, document)`: `items` are the registered items (all
  of them take part in disambiguation and numbering, cited or not). With `document=False` each
  cluster is rendered on its own, as citeproc-js's `makeCitationCluster` does (no position
  tracking: a cite is "first" unless it says otherwise); with `document=True` the clusters are
  one document in this order, with their note numbers, as `processCitationCluster` builds it
  (positions ibid/subsequent, near-note, disambiguation across clusters).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Sequence


class Unsupported(Exception):
    """The engine behind this adapter cannot express the request (counts as a failure)."""


@dataclass(frozen=True)
class CiteSpec:
    """One cite of a cluster, in CSL's citation-item vocabulary."""

    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    author_only: bool = False
    position: int | None = None      # explicit position (0 first … 4 ibid-with-locator); rare
    near_note: bool | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "CiteSpec":
        locator = data.get("locator")
        return cls(id=str(data["id"]),
                   locator=None if locator is None else str(locator),
                   label=data.get("label"), prefix=data.get("prefix"), suffix=data.get("suffix"),
                   suppress_author=bool(data.get("suppress-author")),
                   author_only=bool(data.get("author-only")),
                   position=data.get("position"), near_note=data.get("near-note"))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        for key, value in (("locator", self.locator), ("label", self.label), ("prefix", self.prefix),
                           ("suffix", self.suffix), ("position", self.position),
                           ("near-note", self.near_note)):
            if value is not None:
                data[key] = value
        if self.suppress_author:
            data["suppress-author"] = True
        if self.author_only:
            data["author-only"] = True
        return data


@dataclass(frozen=True)
class ClusterSpec:
    cites: tuple[CiteSpec, ...]
    note_number: int | None = None
    id: str | None = None


@dataclass(frozen=True)
class BibEntry:
    """A printed entry: the item's id and its text (HTML: the whole `<div class="csl-entry">`)."""

    id: str
    text: str


class Adapter(Protocol):
    name: str

    def bibliography(self, style: Path, items: Sequence[dict[str, Any]],
                     fmt: str = "html") -> list[BibEntry]: ...

    def citations(self, style: Path, items: Sequence[dict[str, Any]], clusters: Sequence[ClusterSpec],
                  fmt: str = "html", document: bool = False) -> list[str]: ...


def _paired(bibliography: dict[str, list[str]]) -> list[BibEntry]:
    """citeproc-js's entries with their ids. suite.js pairs them (`bibliographyOf`); should its
    pairing ever leave the lists unequal, the shorter decides, as it always has."""
    return [BibEntry(key, text)
            for key, text in zip(bibliography["ids"], bibliography["entries"], strict=False)]


def wrap_entry(text: str) -> str:
    """citeproc-js's HTML wrapper of one bibliography entry."""
    return f'<div class="csl-entry">{text}</div>'


class NewEngine:
    """Our engine: `Engine(style, locale, options)` with
    `bibliography(items, fmt) -> [Entry(text, position, key)]` and
    `citations(clusters, fmt, items, register)`; links off (`EngineOptions(links=False)`), as
    citeproc-js prints none. Independent clusters are each rendered as a one-cluster document
    with every item registered in input order (`register="items"`, as updateItems +
    makeCitationCluster); a document registers the items as first cited (`register="cited"`,
    as processCitationCluster)."""

    name = "evidencebib"

    def __init__(self, **options: Any) -> None:
        self.options = options

    def _engine(self, style: Path):
        from evidencebib.render import Engine, EngineOptions

        return Engine(style, options=EngineOptions(links=False, **self.options))

    def bibliography(self, style: Path, items: Sequence[dict[str, Any]], fmt: str = "html") -> list[BibEntry]:
        items = list(items)
        out = []
        for entry in self._engine(style).bibliography(items, fmt):
            text = entry.text
            if fmt == "html" and not text.lstrip().startswith('<div class="csl-entry"'):
                text = wrap_entry(text)
            out.append(BibEntry(str(items[entry.position]["id"]), text))
        return out

    def citations(self, style: Path, items: Sequence[dict[str, Any]], clusters: Sequence[ClusterSpec],
                  fmt: str = "html", document: bool = False) -> list[str]:
        from evidencebib.render.citations import Cite, Cluster, as_cite

        def convert(cluster: ClusterSpec):
            cites = []
            for one in cluster.cites:
                # processCitationCluster decides every position itself (a stated one is
                # overwritten); makeCitationCluster takes the stated one
                cites.append(Cite(one.id, locator=one.locator, label=one.label, prefix=one.prefix,
                                  suffix=one.suffix, suppress_author=one.suppress_author,
                                  author_only=one.author_only,
                                  position=None if document else as_cite(one.to_json()).position,
                                  near_note=None if document else one.near_note))
            return Cluster(cites, note_number=cluster.note_number, id=cluster.id)

        items = list(items)
        engine = self._engine(style)
        if document:
            return list(engine.citations([convert(cluster) for cluster in clusters], fmt, items=items,
                                         register="cited"))
        return [engine.citations([convert(cluster)], fmt, items=items, register="items")[0]
                for cluster in clusters]


class CiteprocJs:
    """citeproc-js, one long-lived node process (tests/citeproc_js/suite.js --lines)."""

    name = "citeproc-js"

    def __init__(self) -> None:
        self._proc: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _send(self, job: dict[str, Any]):
        """Sends a job; returns a function that waits for its answer (so that the caller can
        render with our engine while citeproc-js works: one job outstanding at a time)."""
        import citeproc_js_runner

        self._lock.acquire()
        try:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = subprocess.Popen(
                    ["node", str(citeproc_js_runner.SUITE_JS), "--lines", citeproc_js_runner.locales_dir()],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
                    env=dict(os.environ, NODE_OPTIONS=""))
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(job) + "\n")
            self._proc.stdin.flush()
        except BaseException:
            self._lock.release()
            raise

        def receive() -> dict[str, Any]:
            try:
                assert self._proc is not None and self._proc.stdout is not None
                line = self._proc.stdout.readline()
            finally:
                self._lock.release()
            if not line:
                raise RuntimeError("citeproc-js (suite.js --lines) stopped")
            answer = json.loads(line)
            if "error" in answer:
                raise Unsupported(f"citeproc-js: {answer['error']}")
            return answer

        return receive

    def _ask(self, job: dict[str, Any]) -> dict[str, Any]:
        return self._send(job)()

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            self._proc.wait(timeout=30)
            self._proc = None

    @staticmethod
    def _style(style: Path) -> str:
        return style.read_text(encoding="utf-8")

    def bibliography(self, style: Path, items: Sequence[dict[str, Any]],
                     fmt: str = "html") -> list[BibEntry]:
        fixture = {"NAME": style.stem, "MODE": "bibliography", "CSL": self._style(style),
                   "INPUT": list(items), "CITATION-ITEMS": []}
        answer = self._ask({"kind": "fixture", "fixture": fixture, "format": fmt})
        bibliography = answer.get("bibliography") or {"ids": [], "entries": []}
        return _paired(bibliography)

    def bibliography_and_citations(self, style: Path, items: Sequence[dict[str, Any]],
                                   clusters: Sequence[ClusterSpec], fmt: str = "html"
                                   ) -> tuple[list[BibEntry] | None, list[str]]:
        """Both from one engine (constructing a citeproc-js engine is most of the cost of a big
        style): the entries (None when the style has no bibliography) and each cluster on its
        own, as `citations(..., document=False)`."""
        return self.start_bibliography_and_citations(style, items, clusters, fmt)()

    def start_bibliography_and_citations(self, style: Path, items: Sequence[dict[str, Any]],
                                         clusters: Sequence[ClusterSpec], fmt: str = "html"):
        """`bibliography_and_citations` started; call the returned function for its answer."""
        fixture = {"NAME": style.stem, "MODE": "citation", "CSL": self._style(style), "INPUT": list(items),
                   "CITATION-ITEMS": [[one.to_json() for one in cluster.cites] for cluster in clusters]}
        receive = self._send({"kind": "fixture", "fixture": fixture, "format": fmt})

        def answer() -> tuple[list[BibEntry] | None, list[str]]:
            reply = receive()
            bibliography = reply.get("bibliography")
            entries = None if bibliography is None else _paired(bibliography)
            return entries, list(reply["citations"])

        return answer


    def citations(self, style: Path, items: Sequence[dict[str, Any]], clusters: Sequence[ClusterSpec],
                  fmt: str = "html", document: bool = False) -> list[str]:
        if document:
            jsclusters = [{"citationID": cluster.id or f"CLUSTER-{index}",
                           "citationItems": [one.to_json() for one in cluster.cites],
                           "properties": {"noteIndex": cluster.note_number or 0}}
                          for index, cluster in enumerate(clusters)]
            answer = self._ask({"kind": "document", "CSL": self._style(style), "INPUT": list(items),
                                "clusters": jsclusters, "format": fmt})
            return [answer["citations"].get(c["citationID"], "") for c in jsclusters]
        fixture = {"NAME": style.stem, "MODE": "citation", "CSL": self._style(style), "INPUT": list(items),
                   "CITATION-ITEMS": [[one.to_json() for one in cluster.cites] for cluster in clusters]}
        return list(self._ask({"kind": "fixture", "fixture": fixture, "format": fmt})["citations"])



def zotero_style_xml(xml: str) -> str:
    """A style as Zotero hands it to citeproc-js: Zotero.Style.prototype._eventToEventTitle
    (zotero/zotero chrome/content/zotero/xpcom/style.js, "Temporarily substitute `event-title`
    for `event`", since August 2022): unless some `variable` attribute already names
    `event-title`, the first word `event` of every `variable` attribute becomes `event-title`."""
    import re

    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    with_variable = [element for element in root.iter() if isinstance(element.tag, str)
                     and element.get("variable") is not None]
    if any("event-title" in element.get("variable") for element in with_variable):
        return xml
    changed = False
    for element in with_variable:
        value = element.get("variable")
        if re.search(r"event( |$)", value):
            element.set("variable", re.sub(r"event(?= |$)", "event-title", value, count=1))
            changed = True
    return etree.tostring(root, encoding="unicode") if changed else xml


class CiteprocJsAsZotero(CiteprocJs):
    """citeproc-js given each style as Zotero gives it (`zotero_style_xml`): what a Zotero user
    sees, the reference benchmarks/everyday.py --as-zotero compares with."""

    name = "citeproc-js (as Zotero runs it)"

    @staticmethod
    def _style(style: Path) -> str:
        return zotero_style_xml(style.read_text(encoding="utf-8"))


# The engine the instruments measure.
OURS: type = NewEngine

REFRESH_COMMAND = "scripts/refresh-conformance"


def expected_file(folder: Path, stem: str, suffix: str) -> Path:
    """The committed expectations (fixtures expected to pass, differences expected) of the
    engine measured: `<folder>/<stem>.<adapter class><suffix>` (one file per engine measured).
    `scripts/refresh-conformance` rewrites the measured engine's files from a run."""
    return folder / f"{stem}.{OURS.__name__}{suffix}"


def ours() -> Adapter:
    return OURS()
