"""A generated criteria document for the site's browser tests: 54 conditions, 1,100+ references.

    from site_document import write_document
    doc = write_document(tmp_path / "references")      # -> Document (what was planted where)

Deterministic (fixed seeds). Written by the site's tests (the `check` work writes its own
generator for duplicate detection; this one only needs to look like a real document to a
reader). What it plants, each named in `Document` so a test can find it:

- condition sizes from 4 to 212 references (`big`: one condition of 212, as in the issue);
- `no_doi`: a condition of 34 references none of which has a DOI (the "No problems · 34
  checked" case); `unparsed`: a condition with two blocks that do not parse;
- `uncategorised`: two conditions whose level of evidence names no category;
- the same work in several conditions, word for word (`shared_doi`) and with disagreements
  (title spelling, year, pages: `disagreeing`), and a duplicate without DOI inside a condition;
- a verify report (`report`) with every status: ok, retracted (with its notice),
  expression of concern, corrected, mismatch, not found, unreachable, and no-doi with the
  command-line hint that `verify` writes into its details;
- a title with markup-like characters and one very long title (for the 390 px layout).
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itemgen import generate_items

from evidencebib.formats.bibtex import item_to_bibtex
from evidencebib.model import Condition
from evidencebib.store import render_meta

CONDITIONS = [
    "Acquired hypogammaglobulinaemia secondary to haematological malignancies",
    "Acute disseminated encephalomyelitis", "Autoimmune encephalitis",
    "Autoimmune haemolytic anaemia", "Autoimmune neutropenia", "Birdshot retinochoroidopathy",
    "Bullous pemphigoid", "Chronic inflammatory demyelinating polyneuropathy",
    "Churg-Strauss syndrome", "Dermatomyositis", "Epidermolysis bullosa acquisita",
    "Foetal and neonatal alloimmune thrombocytopenia", "Guillain-Barre syndrome",
    "Haemophagocytic lymphohistiocytosis", "Haemolytic disease of the foetus and newborn",
    "Immune thrombocytopenic purpura in adults", "Immune thrombocytopenic purpura in children",
    "Inflammatory myopathies", "Kawasaki disease", "Lambert-Eaton myasthenic syndrome",
    "Multifocal motor neuropathy", "Multiple myeloma", "Myasthenia gravis",
    "Neuromyelitis optica spectrum disorder", "Opsoclonus myoclonus ataxia",
    "Paediatric acute-onset neuropsychiatric syndrome", "Pemphigus foliaceus",
    "Pemphigus vulgaris", "Post-transfusion purpura", "Primary immunodeficiency diseases",
    "Rasmussen encephalitis", "Recurrent miscarriage", "Secondary hypogammaglobulinaemia",
    "Solid organ transplantation: antibody-mediated rejection", "Specific antibody deficiency",
    "Stiff person syndrome", "Susac syndrome", "Systemic capillary leak syndrome",
    "Toxic epidermal necrolysis", "Toxic shock syndrome", "Transplant-related immunodeficiency",
    "Vasculitis associated with anti-neutrophil cytoplasmic antibodies",
    "Autoimmune congenital heart block", "Autoimmune uveitis", "Chronic lymphocytic leukaemia",
    "Enteroviral meningoencephalitis", "IgM paraproteinaemic demyelinating neuropathy",
    "Limbic encephalitis", "Measles prophylaxis", "Sjogren syndrome",
    "Thymoma with immunodeficiency (Good syndrome)", "Varicella zoster prophylaxis",
    "Hepatitis B prophylaxis <after> liver transplantation & re-infection",
    "Paraneoplastic and other antibody-associated neurological syndromes presenting with "
    "progressive cognitive decline, seizures and movement disorders in adults and children",
]
LEVELS = [
    "Established therapeutic role (Category 1)",
    "Emerging therapeutic role (Category 2a)",
    "Evidence of probable benefit - more research needed (Category 2b)",
    "Evidence of no probable benefit - more research needed (Category 3)",
    "Exceptional circumstances only (Category 4a)",
    "Insufficient data (Category 4)",
]
NO_CATEGORY = "Evidence is being reviewed"
STATUSES = ["Condition for which Ig is reimbursed.", "Condition for which Ig is not reimbursed."]
SEED = 20261201


@dataclass
class Document:
    references: Path
    report: Path
    slugs: list[str]
    titles: dict[str, str]
    counts: dict[str, int]                 # slug -> parsed references
    big: str = ""
    no_doi: str = ""
    unparsed: str = ""
    uncategorised: list[str] = field(default_factory=list)
    shared_doi: dict[str, list[str]] = field(default_factory=dict)    # DOI -> slugs citing it
    disagreeing: dict[str, list[str]] = field(default_factory=dict)   # DOI -> slugs (differing)
    retracted: tuple[str, str] = ("", "")  # (slug, key)
    retraction_notice: str = ""            # the notice's DOI
    concern: tuple[str, str] = ("", "")
    corrected: tuple[str, str] = ("", "")
    generated: str = "2026-11-30T09:15:00+00:00"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _slug(title: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in title).split()
    return "-".join(words)[:60].rstrip("-")


def _sizes(count: int, rng: random.Random) -> list[int]:
    sizes = [rng.randint(4, 30) for _ in range(count)]
    sizes[0] = 212
    sizes[1] = 34
    return sizes


def write_document(references: Path, *, conditions: int = len(CONDITIONS)) -> Document:
    rng = random.Random(SEED)
    references.mkdir(parents=True, exist_ok=True)
    titles = CONDITIONS[:conditions]
    sizes = _sizes(len(titles), rng)
    pool = generate_items(sum(sizes), seed=SEED)
    slugs = [_slug(t) for t in titles]
    # the 212- and the 34-reference conditions are not first alphabetically
    big, no_doi, unparsed = slugs[0], slugs[1], slugs[2]
    uncategorised = [slugs[5], slugs[9]]
    doc = Document(references, references / "verify-report.json", slugs,
                   dict(zip(slugs, titles, strict=True)), {}, big=big, no_doi=no_doi,
                   unparsed=unparsed, uncategorised=uncategorised)
    per_slug: dict[str, list[dict[str, Any]]] = {}
    start = 0
    for slug, size in zip(slugs, sizes, strict=True):
        items = [copy.deepcopy(item) for item in pool[start:start + size]]
        start += size
        for item in items:
            item["id"] = f"{item['id']}-{slug[:12]}"   # keys unique across the document
        if slug == no_doi:
            for item in items:
                item.pop("DOI", None)
        per_slug[slug] = items

    # the same work in several conditions: word for word, and described differently
    donors = [item for item in per_slug[big] if item.get("DOI")][:12]
    for number, work in enumerate(donors):
        targets = [slugs[3 + (number * 7 + k * 5) % (len(slugs) - 3)] for k in range(1 + number % 3)]
        targets = [t for t in dict.fromkeys(targets) if t not in (no_doi, big)]
        for target in targets:
            twin = copy.deepcopy(work)
            twin["id"] = f"{work['id']}-in-{target[:10]}"
            if number % 2:  # a disagreement: title case and punctuation, year, pages
                twin["title"] = twin["title"].upper().rstrip(".") + "."
                year = twin.get("issued", {}).get("date-parts", [[2000]])[0][0]
                twin["issued"] = {"date-parts": [[int(year) + 1]]}
                twin["page"] = "1-99"
                doc.disagreeing.setdefault(work["DOI"], [big]).append(target)
            else:
                doc.shared_doi.setdefault(work["DOI"], [big]).append(target)
            per_slug[target].append(twin)
    # a duplicate without DOI inside one condition (same title, year ±1, first author)
    victim = slugs[4]
    original = copy.deepcopy(per_slug[victim][0])
    original.pop("DOI", None)
    per_slug[victim][0] = original
    again = copy.deepcopy(original)
    again["id"] = original["id"] + "-again"
    per_slug[victim].append(again)

    report: list[dict[str, Any]] = []
    for number, slug in enumerate(slugs):
        items = per_slug[slug]
        level = NO_CATEGORY if slug in uncategorised else LEVELS[number % len(LEVELS)]
        if slug in uncategorised and number % 2:
            level = ""
        meta = Condition(slug=slug, title=doc.titles[slug], status=STATUSES[number % 2],
                         level_of_evidence=level,
                         specific_conditions=[f"{doc.titles[slug]} (generated)"],
                         statement=[f"A generated statement about {doc.titles[slug].lower()}."])
        (references / f"{slug}.toml").write_text(render_meta(meta), encoding="utf-8")
        blocks = [item_to_bibtex(item, item["id"]) for item in items]
        if slug == unparsed:
            blocks.insert(3, "@article{broken-one,\n  title = {Twice},\n  title = {Two titles},\n}")
            blocks.append("@article{broken-two,\n  title = {Unbalanced {brace},\n  year = 2001,\n")
        (references / f"{slug}.bib").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        doc.counts[slug] = len(items)
        for position, item in enumerate(items):
            report.append(_result(slug, item, position, number, doc))
    doc.report.write_text(json.dumps({"generated": doc.generated, "results": report}, indent=1),
                          encoding="utf-8")
    return doc


def _result(slug: str, item: dict[str, Any], position: int, number: int, doc: Document) -> dict:
    key, doi = item["id"], item.get("DOI")
    base = {"condition": slug, "key": key, "line": None, "doi": doi, "fields": [],
            "source": "crossref", "notices": []}
    if not doi:
        return {**base, "status": "no-doi", "details": "no DOI (try `evidencebib find-doi`)",
                "source": None}
    if slug == doc.big and position == 3:
        doc.retracted = (slug, key)
        doc.retraction_notice = "10.5555/retraction.notice.0001"
        return {**base, "status": "retracted",
                "details": f"Retraction notice {doc.retraction_notice}, 2024-03-05, Retraction Watch",
                "notices": [{"DOI": doc.retraction_notice, "type": "retraction",
                             "label": "Retraction", "source": "retraction-watch",
                             "updated": {"date-parts": [[2024, 3, 5]]}}]}
    if slug == doc.big and position == 5:
        doc.concern = (slug, key)
        return {**base, "status": "expression-of-concern",
                "details": "Expression of Concern notice 10.5555/eoc.0002",
                "notices": [{"DOI": "10.5555/eoc.0002", "type": "expression_of_concern",
                             "label": "Expression of Concern", "source": "publisher"}]}
    if slug == doc.big and position == 8:
        doc.corrected = (slug, key)
        return {**base, "status": "corrected", "details": "Erratum notice 10.5555/erratum.0003",
                "notices": [{"DOI": "10.5555/erratum.0003", "type": "erratum",
                             "label": "Erratum", "source": "publisher"}]}
    if number % 11 == 7 and position == 1:
        return {**base, "status": "mismatch", "details": "title differs: Crossref has 'Another work'",
                "fields": ["title"]}
    if number % 13 == 6 and position == 2:
        return {**base, "status": "not-found", "source": None,
                "details": "Crossref and doi.org do not know this DOI"}
    if number % 9 == 4 and position == 0:
        return {**base, "status": "unreachable", "source": None,
                "details": "offline: not in the cache (run `evidencebib verify` online)"}
    return {**base, "status": "ok", "details": ""}
