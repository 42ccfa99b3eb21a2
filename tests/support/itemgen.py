"""Deterministic generator of varied CSL-JSON items, for differential tests and benchmarks.

    import sys; sys.path.insert(0, "tests")
    from itemgen import generate_items
    items = generate_items(600, seed=20251123)    # same seed -> same items, always

Every item is a plain CSL-JSON dict (the pivot model of evidencebib) with a unique `id`; a few
carry the private `_et_al: ["author"]` marker (author list truncated at the source). Only
variables that both citeproc-py 0.11.1 and citeproc-js know are used, and dates are
`date-parts` except for a few deliberate `raw` dates ("2017-05-03").

What the items cover (each case is produced at fixed positions, so small runs cover them too):
- 1 to 30 authors; particles (van der, de, von, dropping and non-dropping); organisations as
  `literal` names; accented and non-Latin names (Østergaard, Ångström, Éluard, 王, Иванов,
  Παπαδόπουλος); hyphenated given names; given names as initials and in full;
- groups of items with the same first author(s) and year (year suffixes 2020a, 2020b …);
- page ranges `e1-e12`, `2-25`, `101-9`, `1-13`, `321-28`, `1043-1052`, supplements `S1-S9`,
  single pages, article numbers (`e13737`, `101527`, `CD002859`);
- missing fields: no date, no pages, no DOI, no issue, no volume;
- types: article-journal, book, chapter (with editors), report (by an organisation), thesis,
  webpage (URL + accessed date), paper-conference, dataset.
"""

from __future__ import annotations

import random
from typing import Any

DEFAULT_SEED = 20251123
DEFAULT_COUNT = 600

FAMILIES = [
    "Banjar", "Kadour", "Khoudja", "Empson", "Lassere", "Craig", "Scott", "Wong", "Porter", "Wang",
    "Zhong", "Lou", "Yamada", "Deguchi", "Saito", "Smith", "Jones", "Brown", "Taylor", "Wilson",
    "Nguyen", "Kumar", "Singh", "Garcia", "Martinez", "Rossi", "Müller", "Schmidt", "Dubois",
    "Lefèvre", "Åberg", "Ångström", "Østergaard", "Ødegaard", "Éluard", "Çelik", "Łukasiewicz",
    "Núñez", "Sørensen", "Zhang", "Li", "Chen", "Kim", "Park", "O'Neil", "McDonald", "Zimmermann",
    "Young", "Adams", "Baker",
]
NON_LATIN = [
    {"family": "王", "given": "小明"},
    {"family": "李", "given": "华"},
    {"family": "Иванов", "given": "Иван"},
    {"family": "Смирнова", "given": "Ольга"},
    {"family": "Παπαδόπουλος", "given": "Γιώργος"},
]
PARTICLES = [
    {"family": "Berg", "given": "Johan", "non-dropping-particle": "van der"},
    {"family": "Souza", "given": "Ana", "non-dropping-particle": "de"},
    {"family": "Humboldt", "given": "Alexander", "dropping-particle": "von"},
    {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"},
    {"family": "Hoek", "given": "Pieter", "non-dropping-particle": "van den"},
]
ORGANISATIONS = [
    "World Health Organization", "National Blood Authority", "Cochrane Collaboration",
    "Australian Red Cross Lifeblood", "European Medicines Agency",
    "National Institute for Health and Care Excellence",
]
GIVEN_FULL = ["Shorooq", "Elina", "Rabea", "Mary", "John", "Li-Fen", "Jean-Pierre", "Mary-Jane",
              "Hiroshi", "Anna", "Thomas", "Sofia", "Ahmed", "Ingrid", "Lars", "Émilie", "Zoë"]
GIVEN_INITIALS = ["S.", "E.", "R.", "M. B.", "J. C.", "J. R.", "L. F.", "T. F.", "S. W.", "H.",
                  "A.", "K.", "P. J."]

WORDS = ["immunoglobulin", "intravenous", "recurrent", "pregnancy", "loss", "miscarriage",
         "randomised", "trial", "outcomes", "patients", "therapy", "neuropathy", "chronic",
         "inflammatory", "demyelinating", "polyneuropathy", "dose", "response", "safety",
         "efficacy", "cohort", "review", "analysis", "children", "adults", "immune",
         "thrombocytopenia", "treatment", "subcutaneous", "replacement", "deficiency",
         "primary", "secondary", "long-term", "follow-up", "placebo-controlled", "evidence"]
JOURNALS = [
    ("American Journal of Reproductive Immunology", "Am J Reprod Immunol"),
    ("Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev"),
    ("Reproductive Biomedicine Online", "Reprod Biomed Online"),
    ("EClinicalMedicine", "EClinicalMedicine"),
    ("The Lancet", "Lancet"),
    ("BMJ", "BMJ"),
    ("Blood", "Blood"),
    ("Journal of Clinical Immunology", "J Clin Immunol"),
    ("Transfusion Medicine Reviews", "Transfus Med Rev"),
    ("Neurology", "Neurology"),
    ("Human Reproduction", "Hum Reprod"),
    ("Frontiers in Immunology", "Front Immunol"),
]
PUBLISHERS = [("Oxford University Press", "Oxford"), ("Elsevier", "Amsterdam"),
              ("Springer", "Cham"), ("Wiley-Blackwell", "Hoboken, NJ"),
              ("National Blood Authority", "Canberra"), ("World Health Organization", "Geneva")]
PAGE_CASES = ["e1-e12", "2-25", "101-9", "1-13", "321-28", "1043-1052", "S1-S9", "720-736",
              "45-49", "1234-1240", "100-104", "e13737", "101527", "CD002859", "17", "99-101"]
TYPES = ["article-journal"] * 10 + ["book", "chapter", "chapter", "report", "thesis", "webpage",
                                     "paper-conference", "dataset"]


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.serial = 0

    # names ------------------------------------------------------------------------------------
    def person(self) -> dict[str, Any]:
        roll = self.r.random()
        if roll < 0.06:
            return dict(self.r.choice(NON_LATIN))
        if roll < 0.13:
            return dict(self.r.choice(PARTICLES))
        given = self.r.choice(GIVEN_INITIALS if self.r.random() < 0.6 else GIVEN_FULL)
        return {"family": self.r.choice(FAMILIES), "given": given}

    def authors(self, count: int) -> list[dict[str, Any]]:
        return [self.person() for _ in range(count)]

    def author_count(self) -> int:
        roll = self.r.random()
        if roll < 0.25:
            return 1
        if roll < 0.55:
            return self.r.randint(2, 3)
        if roll < 0.8:
            return self.r.randint(4, 7)
        if roll < 0.93:
            return self.r.randint(8, 12)
        return self.r.randint(13, 30)

    # text -------------------------------------------------------------------------------------
    def title(self) -> str:
        words = [self.r.choice(WORDS) for _ in range(self.r.randint(3, 10))]
        text = " ".join(words)
        roll = self.r.random()
        if roll < 0.2:
            text += ": a " + self.r.choice(["systematic review", "meta-analysis", "cohort study",
                                             "randomised trial"])
        elif roll < 0.27:
            text += "?"
        elif roll < 0.32:
            text = "Patients' " + text
        return text[0].upper() + text[1:]

    def date(self, year: int | None = None) -> dict[str, Any]:
        year = year or self.r.randint(1995, 2025)
        roll = self.r.random()
        if roll < 0.6:
            return {"date-parts": [[year]]}
        if roll < 0.8:
            return {"date-parts": [[year, self.r.randint(1, 12)]]}
        return {"date-parts": [[year, self.r.randint(1, 12), self.r.randint(1, 28)]]}

    def doi(self) -> str:
        self.serial += 1
        return f"10.{self.r.randint(1000, 9999)}/gen.{self.serial:05d}"


def _article(g: _Gen, index: int) -> dict[str, Any]:
    journal, short = g.r.choice(JOURNALS)
    item: dict[str, Any] = {
        "type": "article-journal",
        "title": g.title(),
        "container-title": journal,
        "container-title-short": short,
        "issued": g.date(),
        "volume": str(g.r.randint(1, 120)),
        "issue": str(g.r.randint(1, 12)),
        "page": PAGE_CASES[index % len(PAGE_CASES)],
        "DOI": g.doi(),
    }
    if "Cochrane" in journal:
        item.pop("volume")
        item["page"] = f"CD{g.r.randint(1, 999999):06d}"
    if item["page"].startswith("S"):
        item["issue"] = f"Suppl {g.r.randint(1, 3)}"
    return item


def _book(g: _Gen) -> dict[str, Any]:
    publisher, place = g.r.choice(PUBLISHERS)
    item = {"type": "book", "title": g.title(), "publisher": publisher, "publisher-place": place,
            "issued": g.date()}
    if g.r.random() < 0.4:
        item["edition"] = str(g.r.randint(2, 6))
    if g.r.random() < 0.3:
        item["ISBN"] = (f"978-{g.r.randint(0, 9)}-{g.r.randint(100, 999)}-"
                        f"{g.r.randint(10000, 99999)}-{g.r.randint(0, 9)}")
    return item


def _chapter(g: _Gen) -> dict[str, Any]:
    publisher, place = g.r.choice(PUBLISHERS)
    start = g.r.randint(1, 400)
    return {"type": "chapter", "title": g.title(), "container-title": g.title(),
            "editor": g.authors(g.r.randint(1, 4)), "publisher": publisher,
            "publisher-place": place, "page": f"{start}-{start + g.r.randint(5, 40)}",
            "issued": g.date()}


def _report(g: _Gen) -> dict[str, Any]:
    org = g.r.choice(ORGANISATIONS)
    return {"type": "report", "author": [{"literal": org}], "title": g.title(), "publisher": org,
            "publisher-place": g.r.choice(["Canberra", "Geneva", "London", "Amsterdam"]),
            "number": f"{g.r.choice(['WHO/MCA', 'NBA', 'TR'])}/{g.r.randint(1, 99)}",
            "genre": "Technical report", "issued": g.date()}


def _thesis(g: _Gen) -> dict[str, Any]:
    return {"type": "thesis", "title": g.title(), "genre": g.r.choice(["PhD thesis", "MD thesis"]),
            "publisher": g.r.choice(["University of Sydney", "Monash University", "Karolinska Institutet"]),
            "publisher-place": g.r.choice(["Sydney", "Melbourne", "Stockholm"]), "issued": g.date()}


def _webpage(g: _Gen) -> dict[str, Any]:
    g.serial += 1
    return {"type": "webpage", "title": g.title(),
            "container-title": g.r.choice(["Healthdirect", "NHS website", "MedlinePlus"]),
            "URL": f"https://example.org/pages/{g.serial}",
            "accessed": {"date-parts": [[2025, g.r.randint(1, 12), g.r.randint(1, 28)]]},
            "issued": g.date()}


def _conference(g: _Gen) -> dict[str, Any]:
    start = g.r.randint(1, 300)
    return {"type": "paper-conference", "title": g.title(),
            "container-title": "Proceedings of the " + g.r.choice(["International", "Annual", "European"])
            + " Congress on " + g.r.choice(["Immunology", "Haematology", "Reproduction"]),
            "publisher": g.r.choice(["IEEE", "ACM", "Karger"]),
            "publisher-place": g.r.choice(["Vienna", "Boston", "Kyoto"]),
            "page": f"{start}-{start + g.r.randint(3, 12)}", "issued": g.date(), "DOI": g.doi()}


def _dataset(g: _Gen) -> dict[str, Any]:
    return {"type": "dataset", "title": g.title(), "publisher": g.r.choice(["Zenodo", "Dryad", "Figshare"]),
            "issued": g.date(), "DOI": g.doi()}


_MAKERS = {"book": _book, "chapter": _chapter, "report": _report, "thesis": _thesis,
           "webpage": _webpage, "paper-conference": _conference, "dataset": _dataset}


def _drop_fields(g: _Gen, item: dict[str, Any], index: int) -> None:
    """Missing fields at fixed positions (so every case occurs in a small run)."""
    case = index % 11
    if case == 3:
        item.pop("issued", None)
    elif case == 5:
        item.pop("page", None)
    elif case == 7:
        item.pop("DOI", None)
    elif case == 9 and item["type"] == "article-journal":
        item.pop("issue", None)
    elif case == 10 and item["type"] == "article-journal":
        item.pop("volume", None)


def generate_items(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[dict[str, Any]]:
    """`count` CSL-JSON items (ids `gen0000` …); the same (count, seed) always gives the same items."""
    g = _Gen(seed)
    items: list[dict[str, Any]] = []
    index = 0
    while len(items) < count:
        kind = TYPES[index % len(TYPES)] if index % 3 else "article-journal"
        item = _article(g, index) if kind == "article-journal" else _MAKERS[kind](g)
        if kind != "report":
            item["author"] = g.authors(g.author_count())
        if kind == "chapter" and index % 4 == 0:
            # edited volume cited as a whole: editors, no authors
            item["type"] = "book"
            item.pop("author", None)
            item.pop("page", None)
            item["title"] = item.pop("container-title")
        _drop_fields(g, item, index)
        if index % 17 == 0 and item.get("author"):
            # a single organisation as author, now and then on any type
            item["author"] = [{"literal": g.r.choice(ORGANISATIONS)}]
        if index % 29 == 0 and item.get("issued"):
            year = item["issued"]["date-parts"][0][0]
            item["issued"] = {"raw": f"{year}-0{g.r.randint(1, 9)}-1{g.r.randint(0, 9)}"}
        if index % 13 == 0 and len(item.get("author") or ()) >= 2 and "literal" not in item["author"][0]:
            item["_et_al"] = ["author"]   # truncated at the source after the listed names
        items.append(item)
        index += 1
        if index % 23 == 0 and len(items) < count:
            items.extend(_same_author_year_group(g, min(count - len(items), g.r.randint(2, 4))))
    items = items[:count]
    for number, item in enumerate(items):
        item["id"] = f"gen{number:04d}"
    return items


def _same_author_year_group(g: _Gen, size: int) -> list[dict[str, Any]]:
    """Items by the same author(s) in the same year: they need year suffixes (2020a, 2020b …)."""
    authors = g.authors(g.r.choice([1, 1, 2, 3, 6]))
    year = g.r.randint(2000, 2024)
    group = []
    for position in range(size):
        item = _article(g, g.r.randint(0, 1000))
        item["author"] = [dict(name) for name in authors]
        item["issued"] = {"date-parts": [[year]]} if position % 2 == 0 else \
            {"date-parts": [[year, g.r.randint(1, 12)]]}
        group.append(item)
    return group


if __name__ == "__main__":  # pragma: no cover - `python tests/support/itemgen.py 5` prints sample items
    import json
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(json.dumps(generate_items(count), ensure_ascii=False, indent=1))
