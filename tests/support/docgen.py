"""A generated criteria document: many conditions, shared works, planted duplicates and
disagreements, and the truth about each, for `check`'s tests and the site's browser tests.

    import sys; sys.path.insert(0, "tests/support")
    from docgen import generate_document
    truth = generate_document(tmp_path / "references")          # 52 conditions, ~1,050 copies
    truth = generate_document(path, conditions=100, per_condition=200, seed=7)   # 20k, benchmark

The folder is written through the product's own store (`References.create`, `BibFile.add_item`),
so it is what `new`/`add`/`import` would have written; same seed, same files. `Truth` says,
for every copy (`condition:key`), which work it is a copy of, and lists what was planted:

* **shared works**: one work cited by 2-4 conditions, each with its own identical copy;
* **duplicates** (`truth.planted`, each with `scope` within/across and a `variant`):
  `doi-spelling` (the DOI as `https://doi.org/…`, `doi:…`, upper case), `no-doi-title-typo`,
  `no-doi-subtitle-dropped`, `no-doi-first-author-typo`, `no-doi-initials` (given names in full
  vs initials), `no-doi-year` (a year one apart), `one-lacks-doi`;
* **disagreements** (`truth.disagreements`, (work, field)): the same work (same DOI) with a
  different title, author list, year, journal or pages in another condition, and every field
  a duplicate variant changes when the work is in several conditions;
* **spelling only** (`truth.spelling_only`, (work, field)): differences that must *not* be
  reported: markup in a title, the dash of a page range, the case of a DOI, `M.B.` vs `M. B.`;
* **look-alikes** (`truth.lookalikes`, pairs of different works): a Cochrane review and its
  update (same title and authors, `.pub2`/`.pub3`, years apart), the same title and authors
  four years apart without DOI, `Part 1`/`Part 2`, an erratum and its article, the same title
  in another volume;
* **key clashes** (`truth.key_clashes`): one key for different works in two conditions;
* **gaps**: journal articles without DOI, entries without a journal (`truth.missing_fields`),
  truncated author lists (`and others`), and `unparsed` broken blocks (`truth.unparsed`;
  pass `unparsed=0` for a document every command can render).

Conditions have a title, a status and a level of evidence with a category (one has none), so
that the site can be built from them.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from itemgen import FAMILIES, GIVEN_FULL, JOURNALS

from evidencebib.model import Condition
from evidencebib.store import References

INTERVENTIONS = [
    "intravenous immunoglobulin", "subcutaneous immunoglobulin", "high-dose immunoglobulin",
    "plasma exchange", "rituximab", "corticosteroids", "eculizumab", "hyperimmune globulin",
    "low-dose immunoglobulin", "facilitated subcutaneous immunoglobulin", "immunoadsorption",
    "anti-D immunoglobulin", "efgartigimod", "tacrolimus", "mycophenolate mofetil"]
DISEASES = [
    "chronic inflammatory demyelinating polyneuropathy", "Guillain-Barré syndrome",
    "immune thrombocytopenia", "myasthenia gravis", "Kawasaki disease",
    "multifocal motor neuropathy", "primary immunodeficiency", "dermatomyositis",
    "pemphigus vulgaris", "stiff person syndrome", "autoimmune encephalitis",
    "toxic epidermal necrolysis", "recurrent miscarriage", "fetal and neonatal alloimmune "
    "thrombocytopenia", "haemolytic disease of the fetus and newborn",
    "Lambert-Eaton myasthenic syndrome", "chronic lymphocytic leukaemia", "multiple myeloma",
    "antibody-mediated rejection", "sepsis", "streptococcal toxic shock syndrome",
    "opsoclonus-myoclonus ataxia", "Rasmussen encephalitis", "birdshot retinochoroidopathy",
    "secondary hypogammaglobulinaemia", "autoimmune haemolytic anaemia", "measles exposure",
    "varicella exposure", "necrotising fasciitis", "IgM paraproteinaemic neuropathy"]
POPULATIONS = ["in children", "in adults", "in pregnancy", "in older adults", "in neonates",
               "after haematopoietic stem cell transplantation", "in intensive care", "", "",
               "", ""]
LINKS = ["for", "in the treatment of", "versus placebo in", "compared with plasma exchange for",
         "as maintenance therapy for", "as first-line treatment of"]
SUBTITLES = ["", "", "", ": a randomised controlled trial", ": a systematic review",
             ": a retrospective cohort study", ": a multicentre observational study",
             ": a national registry analysis", ": a cost-effectiveness analysis",
             ": a prospective open-label study", ": long-term outcomes"]
STATUSES = ["Condition for which Ig has an established therapeutic role.",
            "Condition for which Ig has an emerging therapeutic role.",
            "Condition for which Ig use is in exceptional circumstances only.",
            "Condition for which Ig is not supported."]
LEVELS = ["Evidence of probable benefit – more research needed (Category 2a)",
          "Evidence of no probable benefit – more research needed (Category 2b)",
          "Insufficient data (Category 4a)", "Clear evidence of benefit (Category 1)",
          "Small case studies only (Category 4b)"]
DOI_SPELLINGS = ["https://doi.org/{}", "doi:{}", "{upper}", "http://dx.doi.org/{}"]


@dataclass
class Truth:
    """What was generated; every list holds JSON-ready values (`to_json`)."""

    work_of: dict[str, int] = field(default_factory=dict)            # "condition:key" -> work
    planted: list[dict[str, Any]] = field(default_factory=list)      # duplicates planted
    disagreements: set[tuple[int, str]] = field(default_factory=set)
    spelling_only: set[tuple[int, str]] = field(default_factory=set)
    lookalikes: list[tuple[str, str]] = field(default_factory=list)  # copies of different works
    key_clashes: list[list[str]] = field(default_factory=list)
    missing_fields: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)                # "condition:line"
    conditions: list[str] = field(default_factory=list)

    def same_work_pairs(self) -> set[frozenset[str]]:
        """Every pair of copies of one work (what a perfect duplicate finder joins)."""
        by_work: dict[int, list[str]] = {}
        for where, work in self.work_of.items():
            by_work.setdefault(work, []).append(where)
        return {frozenset((a, b)) for copies in by_work.values()
                for i, a in enumerate(copies) for b in copies[i + 1:]}

    def to_json(self) -> str:
        data = asdict(self)
        data["disagreements"] = sorted(map(list, self.disagreements))
        data["spelling_only"] = sorted(map(list, self.spelling_only))
        return json.dumps(data, ensure_ascii=False, indent=1)


class _Document:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.serial = 0
        self.titles: set[str] = set()
        self.truth = Truth()
        self.works: list[dict[str, Any]] = []
        self.copies: dict[str, list[tuple[str, dict[str, Any], int]]] = {}  # slug -> (key, item, work)
        self.varied: dict[int, set[str]] = {}     # work -> fields some copy varies
        self.keys: dict[int, str] = {}            # work -> its key
        self.owner: dict[str, int] = {}           # key (lower case) -> the work it names

    # -- works --------------------------------------------------------------------------------
    def title(self) -> str:
        while True:
            text = (f"{self.r.choice(INTERVENTIONS)} {self.r.choice(LINKS)} "
                    f"{self.r.choice(DISEASES)} {self.r.choice(POPULATIONS)}").replace("  ", " ")
            text = text.strip() + self.r.choice(SUBTITLES)
            text = text[0].upper() + text[1:]
            if text not in self.titles:
                self.titles.add(text)
                return text

    def person(self) -> dict[str, str]:
        given = self.r.choice(GIVEN_FULL)
        initials = " ".join(part[0] + "." for part in given.replace("-", " ").split())
        return {"family": self.r.choice(FAMILIES), "given": initials}

    def work(self, *, doi: bool = True, kind: str = "article-journal") -> int:
        self.serial += 1
        journal, _short = self.r.choice(JOURNALS)
        first = self.r.randint(1, 1900)
        item: dict[str, Any] = {
            "type": kind, "title": self.title(),
            "author": [self.person() for _ in range(self.r.choice([1, 2, 3, 3, 4, 5, 6, 8]))],
            "issued": {"date-parts": [[self.r.randint(1995, 2025)]]},
            "container-title": journal, "volume": str(self.r.randint(1, 140)),
            "issue": str(self.r.randint(1, 12)), "page": f"{first}-{first + self.r.randint(3, 14)}",
        }
        if doi:
            item["DOI"] = f"10.{self.r.randint(1000, 9999)}/gen.{self.serial:05d}"
        if self.r.random() < 0.12:
            item["_et_al"] = ["author"]
        self.works.append(item)
        return len(self.works) - 1

    def copy_of(self, work: int) -> dict[str, Any]:
        return json.loads(json.dumps(self.works[work]))

    # -- placing copies -----------------------------------------------------------------------
    def place(self, slug: str, work: int, item: dict[str, Any] | None = None,
              key: str | None = None) -> str:
        """Put a copy of `work` into `slug`. Keys are unique across the document except
        between copies of one work (a work keeps its key in every condition, as an import
        gives it) and the planted key clashes."""
        item = item if item is not None else self.copy_of(work)
        taken = {k.lower() for k, _i, _w in self.copies[slug]}
        if key is None:
            key = self.keys.get(work)
            if key is None or key.lower() in taken:
                stem = "".join(c for c in item["author"][0]["family"].lower() if c.isalnum()) \
                    if item.get("author") else "anon"
                base = f"{stem}{item['issued']['date-parts'][0][0]}"
                key, suffix = base, 0
                while key.lower() in taken or self.owner.get(key.lower(), work) != work:
                    suffix += 1
                    key = f"{base}{chr(96 + suffix % 26 or 26)}{suffix // 27 or ''}"
            self.keys.setdefault(work, key)
        self.owner.setdefault(key.lower(), work)
        self.copies[slug].append((key, item, work))
        self.truth.work_of[f"{slug}:{key}"] = work
        return key

    def vary(self, work: int, *fields: str) -> None:
        self.varied.setdefault(work, set()).update(fields)


def _typo(text: str, r: random.Random) -> str:
    """Two neighbouring letters of one long word swapped."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    i = r.choice(long_words)
    w = words[i]
    j = r.randint(1, len(w) - 3)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return " ".join(words)


def generate_document(path: str | Path, *, conditions: int = 52, per_condition: int = 20,
                      seed: int = 20261201, unparsed: int = 1) -> Truth:
    """Write the document into `path` (created; must not hold conditions) and return its truth."""
    doc = _Document(seed)
    r = doc.r
    slugs = [f"condition-{n:03d}" for n in range(1, conditions + 1)]
    doc.truth.conditions = list(slugs)
    for slug in slugs:
        doc.copies[slug] = []

    def two_slugs() -> tuple[str, str]:
        a, b = r.sample(slugs, 2)
        return a, b

    # planted duplicates across and within conditions
    count = max(2, conditions // 4)
    for n in range(count * 2):
        a, b = two_slugs() if n % 2 == 0 else (r.choice(slugs),) * 2
        scope = "across" if a != b else "within"
        variant = ["doi-spelling", "no-doi-title-typo", "no-doi-subtitle-dropped",
                   "no-doi-first-author-typo", "no-doi-initials", "no-doi-year",
                   "one-lacks-doi"][n % 7]
        work = doc.work(doi=not variant.startswith("no-doi"))
        if variant == "no-doi-subtitle-dropped":
            doc.works[work]["title"] += ": " + r.choice(["a systematic review",
                                                         "results of a national audit"])
        if variant == "no-doi-first-author-typo":
            doc.works[work]["author"][0]["family"] = r.choice(
                ["Lassere", "Khoudja", "Yamada", "Martinez", "Zimmermann", "McDonald"])
        first = doc.place(a, work)
        other = doc.copy_of(work)
        if variant == "doi-spelling":
            form = r.choice(DOI_SPELLINGS)
            other["DOI"] = other["DOI"].upper() if form == "{upper}" else form.format(other["DOI"])
        elif variant == "no-doi-title-typo":
            other["title"] = _typo(other["title"], r)
            doc.vary(work, "title")
        elif variant == "no-doi-subtitle-dropped":
            other["title"] = other["title"].rsplit(":", 1)[0]
            doc.vary(work, "title")
        elif variant == "no-doi-first-author-typo":
            family = other["author"][0]["family"]   # the last two different neighbours swapped
            j = max(i for i in range(len(family) - 1) if family[i] != family[i + 1])
            other["author"][0]["family"] = family[:j] + family[j + 1] + family[j] + family[j + 2:]
            doc.vary(work, "author")
        elif variant == "no-doi-initials":
            initials = other["author"][0]["given"]
            other["author"][0]["given"] = r.choice(
                [g for g in GIVEN_FULL if g[0] == initials[0]])
            doc.vary(work, "author")
        elif variant == "no-doi-year":
            other["issued"] = {"date-parts": [[other["issued"]["date-parts"][0][0] + 1]]}
            doc.vary(work, "year")
        elif variant == "one-lacks-doi":
            del other["DOI"]
            doc.vary(work, "DOI")
        second = doc.place(b, work, other)
        doc.truth.planted.append({"a": f"{a}:{first}", "b": f"{b}:{second}", "scope": scope,
                                  "variant": variant, "work": work})

    # disagreements: same DOI, one field described differently in another condition
    for _n in range(count):
        for name in ("title", "author", "year", "container-title", "page"):
            work = doc.work()
            a, b = two_slugs()
            doc.place(a, work)
            other = doc.copy_of(work)
            if name == "title":
                other["title"] = other["title"].replace(" for ", " in ", 1) \
                    if " for " in other["title"] else other["title"] + " revisited"
            elif name == "author":
                other["author"] = other["author"][:-1] or [doc.person()]
                if other["author"] == doc.works[work]["author"]:
                    other["author"].append(doc.person())
            elif name == "year":
                other["issued"] = {"date-parts": [[other["issued"]["date-parts"][0][0] - 1]]}
            elif name == "container-title":
                journals = [j for j, _s in JOURNALS if j != other["container-title"]]
                other["container-title"] = r.choice(journals)
            else:
                start = int(other["page"].split("-")[0]) + 1
                other["page"] = f"{start}-{start + 5}"
            doc.place(b, work, other)
            doc.vary(work, name)

    # spelling only: must not be reported as disagreements
    for _n in range(count):
        for name in ("title", "page", "DOI", "author"):
            work = doc.work()
            a, b = two_slugs()
            item = doc.copy_of(work)
            other = doc.copy_of(work)
            if name == "title":
                word = other["title"].split(" ")[0]
                other["title"] = other["title"].replace(word, f"<i>{word}</i>", 1)
            elif name == "page":
                other["page"] = other["page"].replace("-", "–")
            elif name == "DOI":
                other["DOI"] = other["DOI"].upper()
            else:
                item["author"][0]["given"] = item["author"][0]["given"].replace(" ", "")
            doc.place(a, work, item)
            doc.place(b, work, other)
            doc.truth.spelling_only.add((work, name))

    # look-alikes: different works that a careless matcher would join
    for n in range(count):
        base = doc.work(doi=True)
        a, b = two_slugs()
        lookalike = doc.copy_of(base)
        shape = ["cochrane-update", "years-apart", "part-2", "erratum", "other-volume"][n % 5]
        if shape == "cochrane-update":
            doc.works[base]["DOI"] = f"10.1002/14651858.CD{base:06d}.pub2"
            lookalike["DOI"] = f"10.1002/14651858.CD{base:06d}.pub3"
            lookalike["issued"] = {"date-parts": [[doc.works[base]["issued"]["date-parts"][0][0]
                                                   + 6]]}
        else:
            doc.works[base].pop("DOI")
            lookalike.pop("DOI")
            if shape == "years-apart":
                year = doc.works[base]["issued"]["date-parts"][0][0]
                lookalike["issued"] = {"date-parts": [[year + 4 if year < 2021 else year - 4]]}
            elif shape == "part-2":
                doc.works[base]["title"] += ", part 1"
                lookalike["title"] = doc.works[base]["title"][:-1] + "2"
                lookalike["page"] = "1-9"
            elif shape == "erratum":
                lookalike["title"] = "Erratum: " + lookalike["title"]
                lookalike["page"] = "2001"
            else:
                lookalike["volume"] = str(int(lookalike["volume"]) + 1)
                lookalike["page"] = "3-9"
        first = doc.place(a, base)
        doc.works.append(lookalike)
        second = doc.place(b, len(doc.works) - 1, lookalike)
        doc.truth.lookalikes.append((f"{a}:{first}", f"{b}:{second}"))

    # key clashes: one key, two different works, two conditions
    for n in range(max(1, count // 4)):
        a, b = two_slugs()
        key = f"clash{n}2020"
        doc.place(a, doc.work(), key=key)
        doc.place(b, doc.work(), key=key)
        doc.truth.key_clashes.append([f"{a}:{key}", f"{b}:{key}"])

    # shared works (identical copies) and single-condition works fill every condition
    target = per_condition
    for slug in slugs:
        while len(doc.copies[slug]) < target:
            if r.random() < 0.15:
                work = doc.work()
                for other in r.sample(slugs, r.randint(2, 4)):
                    if len(doc.copies[other]) < target + 2:
                        doc.place(other, work)
            else:
                work = doc.work(doi=r.random() < 0.85)
                item = doc.copy_of(work)
                if r.random() < 0.03:
                    item.pop("container-title")
                key = doc.place(slug, work, item)
                if "container-title" not in item:
                    doc.truth.missing_fields.append(f"{slug}:{key}")

    for work, fields in doc.varied.items():
        owners = {where.split(":")[0] for where, w in doc.truth.work_of.items() if w == work}
        if len(owners) > 1:
            doc.truth.disagreements.update((work, name) for name in fields)

    _write(Path(path), doc, slugs, unparsed)
    return doc.truth


def _write(path: Path, doc: _Document, slugs: list[str], unparsed: int) -> None:
    refs = References(path)
    r = doc.r
    for number, slug in enumerate(slugs):
        disease = DISEASES[number % len(DISEASES)]
        meta = Condition(slug=slug, title=f"{disease[0].upper()}{disease[1:]} ({number + 1})",
                         status=r.choice(STATUSES),
                         level_of_evidence="" if number == 3 else r.choice(LEVELS),
                         specific_conditions=[disease], statement=[
                             f"The use of Ig therapy for {disease} is described here; "
                             f"see the evidence below."])
        condition = refs.create(meta)
        for key, item, _work in doc.copies[slug]:
            written = condition.bib.add_item(dict(item, id=key), key=key)
            assert written == key, (slug, key, written)
        condition.save()
    for n in range(unparsed):
        slug = slugs[(7 * n + 5) % len(slugs)]
        bib = refs.path_of(slug)
        text = bib.read_text(encoding="utf-8")
        line = text.count("\n") + 2
        bib.write_text(text + "\n@article{broken" + str(n) + ",\n  title = {Unbalanced {brace},\n",
                       encoding="utf-8")
        doc.truth.unparsed.append(f"{slug}:{line}")
