"""Runs one CSL test-suite fixture through an adapter (tests/support/engine_adapter.py) the way
citeproc-js's test runner runs it, and compares the output with the fixture's RESULT.

What citeproc-test-runner does (Juris-M/citeproc-test-runner, lib/sys.js `Sys.run`), and how it
maps onto an adapter:

- Registered items: the last list of BIBENTRIES, else every INPUT item in file order — except
  with CITATIONS, where citeproc-js registers only the cited items, in the order first cited.
- CITATION-ITEMS: each cluster through makeCitationCluster, i.e. on its own against the
  registered items (`citations(..., document=False)`); outputs joined with newlines.
- Neither CITATION-ITEMS nor CITATIONS: one cluster of every registered item in registry order,
  which is the bibliography's sort order when the style's bibliography has a `cs:sort` (asked of
  the adapter), else registration order.
- CITATIONS: processCitationCluster(citation, pre, post) one call after another. After each call
  the document is pre + [citation] + post (note numbers from those lists). The runner prints
  every cluster of the final document as `>>[i] text` when the last call returned it (the new or
  changed cluster and every cluster the change re-rendered) and `..[i] text` otherwise. An
  adapter renders whole documents, so the driver renders the document before and after the
  last call and marks a cluster `>>` when it is the one of the last call, is new, or its text
  changed. (citeproc-js also returns a cluster whose position changed without changing its text;
  a cluster whose text the last call did not change may carry either marker: the final
  renderings cannot tell whether citeproc-js re-sent it, so `compare` accepts both there.)
- bibliography mode: the registered items' bibliography, filtered by BIBSECTION (select /
  include / exclude / quash, the suite README's rules), wrapped as citeproc-js's makeBibliography
  does (`<div class="csl-bib-body">` … `</div>`).
- Not supported (reported as failures with the reason): MODE submodes, INPUT2, OPTIONS,
  ABBREVIATIONS, LANGPARAMS, MULTIAFFIX (none of the 612 shared fixtures has them).

Comparison (the brief: "compared with RESULT after collapsing whitespace"):
- strict: runs of ASCII whitespace collapsed to one space, ends trimmed, and character references
  canonicalised (`&#38;` and `&amp;` are the same character; issue 14, item 3), tags untouched;
- forgiving (markup-only differences forgiven): tags removed (a `div` counts as a space), text
  decoded, then whitespace collapsed as above.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

SUPPORT = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT) not in sys.path:
    sys.path.insert(0, str(SUPPORT))

from csl_fixtures import Fixture  # noqa: E402
from engine_adapter import Adapter, BibEntry, CiteSpec, ClusterSpec, Unsupported  # noqa: E402

CS = "{http://purl.org/net/xbiblio/csl}"
UNSUPPORTED_SECTIONS = ("INPUT2", "OPTIONS", "ABBREVIATIONS", "LANGPARAMS", "MULTIAFFIX")
BIB_START = '<div class="csl-bib-body">\n'
BIB_END = "</div>"


@dataclass(frozen=True)
class Outcome:
    name: str
    mode: str
    output: str | None          # None when the processor failed
    error: str | None = None    # why it failed (an exception's first line, or Unsupported)
    # CITATIONS lines whose text the last call left unchanged: citeproc-js may have re-sent
    # them (">>") or not (".."); the final renderings cannot tell, so either marker is right
    loose_markers: frozenset[int] = frozenset()


# comparison ------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")
_TAG = re.compile(r"<[^<>]*>")
_DIV = re.compile(r"</?div\b[^<>]*>", re.IGNORECASE)


def collapse(text: str) -> str:
    """ASCII whitespace runs -> one space, trimmed (a no-break space is text, not layout)."""
    return _WHITESPACE.sub(" ", text).strip()


def canonical_html(text: str) -> str:
    """The same HTML with one spelling per character (`&#38;` = `&amp;` = `&`, re-escaped as
    `&amp;`), whitespace collapsed; tags are compared as written."""
    out, pos = [], 0
    for match in _TAG.finditer(text):
        out.append(html.escape(html.unescape(text[pos:match.start()]), quote=False))
        out.append(match.group(0))
        pos = match.end()
    out.append(html.escape(html.unescape(text[pos:]), quote=False))
    return collapse("".join(out))


def visible_text(text: str) -> str:
    """What a reader sees: tags removed (a div boundary is a space), characters decoded."""
    return collapse(html.unescape(_TAG.sub("", _DIV.sub(" ", text))))


_MARKED_LINE = re.compile(r"^(>>|\.\.)\[(\d+)\]", re.MULTILINE)


def _loosen(expected: str, actual: str, loose: frozenset[int]) -> str:
    """`expected` with the marker of each loose line replaced by the marker `actual` has."""
    ours = {int(m.group(2)): m.group(1) for m in _MARKED_LINE.finditer(actual)}
    return _MARKED_LINE.sub(lambda m: (ours.get(int(m.group(2)), m.group(1)) if int(m.group(2)) in loose
                                       else m.group(1)) + f"[{m.group(2)}]", expected)


def compare(expected: str, actual: str | None, loose: frozenset[int] = frozenset()) -> tuple[bool, bool]:
    """(identical after collapsing whitespace, identical apart from markup)."""
    if actual is None:
        return False, False
    if loose:
        expected = _loosen(expected, actual, loose)
    strict = canonical_html(expected) == canonical_html(actual)
    return strict, strict or visible_text(expected) == visible_text(actual)


# BIBSECTION ------------------------------------------------------------------------------------

def _matches(item: dict[str, Any], rule: dict[str, Any]) -> bool:
    """A BIBSECTION match object: the field equals the value (a list field: contains it); an
    empty value matches a missing or empty field."""
    value = item.get(rule["field"])
    wanted = rule["value"]
    if wanted == "":
        return value in (None, "", [])
    if isinstance(value, list):
        return wanted in value
    return value == wanted


def bibsection_keeps(item: dict[str, Any], section: dict[str, Any]) -> bool:
    keep = True
    if "select" in section:
        keep = all(_matches(item, rule) for rule in section["select"])
    elif "include" in section:
        keep = any(_matches(item, rule) for rule in section["include"])
    elif "exclude" in section:
        keep = not any(_matches(item, rule) for rule in section["exclude"])
    if keep and section.get("quash"):
        keep = not all(_matches(item, rule) for rule in section["quash"])
    return keep


# the runner's steps ------------------------------------------------------------------------------

def _has_bibliography_sort(csl: str) -> bool:
    from lxml import etree

    try:
        root = etree.fromstring(csl.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return root.find(f"{CS}bibliography/{CS}sort") is not None


def cluster_of(cites: Sequence[dict[str, Any]], note_number: int | None = None,
               cluster_id: str | None = None) -> ClusterSpec:
    return ClusterSpec(tuple(CiteSpec.from_json(one) for one in cites), note_number, cluster_id)


def document_states(citations: Sequence[Any]) -> list[list[ClusterSpec]]:
    """The document after each processCitationCluster call of a CITATIONS section: pre +
    [citation] + post, each cluster as last defined, with the note numbers those lists give."""
    defined: dict[str, dict[str, Any]] = {}
    states = []
    for citation, pre, post in citations:
        current_id = citation["citationID"]
        defined[current_id] = citation
        order = [(entry[0], entry[1]) for entry in pre]
        order.append((current_id, (citation.get("properties") or {}).get("noteIndex", 0)))
        order.extend((entry[0], entry[1]) for entry in post)
        states.append([cluster_of(defined[cid]["citationItems"], note or 0, cid) for cid, note in order])
    return states


def _cited_items(state: Sequence[ClusterSpec], by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for cluster in state:
        for one in cluster.cites:
            if one.id in by_id and one.id not in seen:
                seen[one.id] = by_id[one.id]
    return list(seen.values())


def _run_citations_section(fixture: Fixture, adapter: Adapter, style: Path,
                           by_id: dict[str, dict[str, Any]]
                           ) -> tuple[str, list[dict[str, Any]], frozenset[int]]:
    states = document_states(fixture.get("CITATIONS"))
    final = states[-1]
    after = adapter.citations(style, _cited_items(final, by_id), final, document=True)
    before: dict[str, str] = {}
    if len(states) > 1:
        previous = states[-2]
        # an engine's answer is paired as far as it goes (strict=False, as the driver always
        # has): a citation it left out shows as a difference in the texts compared
        before = dict(zip((c.id for c in previous),
                          adapter.citations(style, _cited_items(previous, by_id), previous, document=True),
                          strict=False))
    last_id = final and fixture.get("CITATIONS")[-1][0]["citationID"]
    lines, loose = [], set()
    for index, (cluster, text) in enumerate(zip(final, after, strict=False)):  # (as `before`)
        fresh = cluster.id == last_id or cluster.id not in before or before[cluster.id] != text
        if not fresh:
            loose.add(index)
        lines.append(f"{'>>' if fresh else '..'}[{index}] {text}")
    return "\n".join(lines), _cited_items(final, by_id), frozenset(loose)


def registry(items: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """id -> item as citeproc-js's runner holds them: ids as strings (JavaScript object keys; an
    item without an id is filed under "undefined"), a repeated id keeps its last item and its
    first place (updateItems registers an id once)."""
    by_id: dict[str, dict[str, Any]] = {}
    for item in items:
        key = "undefined" if item.get("id") is None else str(item["id"])
        by_id[key] = dict(item, id=key)
    return by_id


def run_fixture(fixture: Fixture, adapter: Adapter, workdir: Path) -> Outcome:
    """The fixture's output from `adapter`, as citeproc-test-runner would print it."""
    try:
        for section in UNSUPPORTED_SECTIONS:
            if fixture.get(section) is not None:
                raise Unsupported(f"the driver does not support {section}")
        if fixture.submodes:
            raise Unsupported(f"the driver does not support MODE {fixture.sections['MODE'].strip()}")
        style = workdir / f"{fixture.name}.csl"
        style.write_text(fixture.csl, encoding="utf-8")
        by_id = registry(fixture.items)
        loose: frozenset[int] = frozenset()
        if fixture.get("CITATIONS"):
            text, registered, loose = _run_citations_section(fixture, adapter, style, by_id)
        else:
            if fixture.get("BIBENTRIES"):
                registered = [by_id[str(key)] for key in fixture.get("BIBENTRIES")[-1]]
            else:
                registered = list(by_id.values())
            clusters = fixture.get("CITATION-ITEMS")
            if clusters is None:
                order = registered
                if _has_bibliography_sort(fixture.csl):
                    printed = [entry.id for entry in adapter.bibliography(style, registered)]
                    rest = [str(item["id"]) for item in registered if str(item["id"]) not in printed]
                    order = [by_id[key] for key in printed + rest]
                clusters = [[{"id": item["id"]} for item in order]]
            if fixture.mode == "citation":
                outputs = [adapter.citations(style, registered, [cluster_of(cluster)])[0]
                           for cluster in clusters]
                text = "\n".join(outputs)
        if fixture.mode == "bibliography":
            entries: list[BibEntry] = adapter.bibliography(style, registered)
            section = fixture.get("BIBSECTION")
            if section:
                entries = [entry for entry in entries if bibsection_keeps(by_id.get(entry.id, {}), section)]
            text = BIB_START + "".join(f"  {entry.text}\n" for entry in entries) + BIB_END
            loose = frozenset()
        return Outcome(fixture.name, fixture.mode, text, loose_markers=loose)
    except Unsupported as error:
        return Outcome(fixture.name, fixture.mode, None, f"unsupported: {error}")
    except Exception as error:  # a processor failure is a failed fixture, with its reason
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return Outcome(fixture.name, fixture.mode, None, f"{type(error).__name__}: {first}"[:300])


# measuring a whole suite -------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One fixture's verdict."""

    name: str
    group: str
    mode: str
    single_cluster: bool    # citation mode with at most one cluster (the citation figure)
    strict: bool
    forgiving: bool
    error: str | None
    output: str | None


def is_single_cluster(fixture: Fixture) -> bool:
    return (fixture.mode == "citation" and not fixture.get("CITATIONS")
            and len(fixture.get("CITATION-ITEMS") or [[]]) <= 1)


def measure(fixtures: Sequence[Fixture], adapter: Adapter) -> list[Row]:
    """Every fixture through `adapter`, one Row each, in the order given."""
    import tempfile

    rows = []
    with tempfile.TemporaryDirectory(prefix="csl-suite-") as folder:
        for fixture in fixtures:
            outcome = run_fixture(fixture, adapter, Path(folder))
            strict, forgiving = compare(fixture.result, outcome.output, outcome.loose_markers)
            rows.append(Row(fixture.name, fixture.group, fixture.mode, is_single_cluster(fixture),
                            strict, forgiving, outcome.error, outcome.output))
    return rows
