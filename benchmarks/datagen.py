"""Seeded generators of benchmark data: varied journal articles (CSL-JSON) and `.bib` files.

    from datagen import articles, bib_text
    items = articles(1000)            # same (count, seed) -> same items
    text = bib_text(10000)            # a .bib with @string, LaTeX accents, {} protection

Vocabulary adapted from tests/support/itemgen.py (copied, so that a change there does not move the
benchmark figures). Articles have 1–30 authors (initials and full given names, particles,
accented and non-Latin names, organisations), 3–12-word titles, 12 journals, page ranges of
every kind, 1–3-part dates, DOIs, and same-author-same-year groups (year suffixes). No item is
truncated at the source (`_et_al`), so citeproc-js gets exactly the same CSL-JSON.
"""

from __future__ import annotations

import random
from typing import Any

SEED = 20251123

FAMILIES = [
    "Banjar", "Kadour", "Khoudja", "Empson", "Lassere", "Craig", "Scott", "Wong", "Porter", "Wang",
    "Zhong", "Lou", "Yamada", "Deguchi", "Saito", "Smith", "Jones", "Brown", "Taylor", "Wilson",
    "Nguyen", "Kumar", "Singh", "Garcia", "Martinez", "Rossi", "Müller", "Schmidt", "Dubois",
    "Lefèvre", "Åberg", "Ångström", "Østergaard", "Ødegaard", "Éluard", "Çelik", "Łukasiewicz",
    "Núñez", "Sørensen", "Zhang", "Li", "Chen", "Kim", "Park", "McDonald", "Zimmermann",
    "Young", "Adams", "Baker",
]
NON_LATIN = [{"family": "Иванов", "given": "Иван"}, {"family": "Смирнова", "given": "Ольга"},
             {"family": "Παπαδόπουλος", "given": "Γιώργος"}]
PARTICLES = [
    {"family": "Berg", "given": "Johan", "non-dropping-particle": "van der"},
    {"family": "Souza", "given": "Ana", "non-dropping-particle": "de"},
    {"family": "Humboldt", "given": "Alexander", "dropping-particle": "von"},
    {"family": "Hoek", "given": "Pieter", "non-dropping-particle": "van den"},
]
ORGANISATIONS = ["World Health Organization", "National Blood Authority", "Cochrane Collaboration",
                 "European Medicines Agency"]
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
    ("Reproductive Biomedicine Online", "Reprod Biomed Online"), ("EClinicalMedicine", "EClinicalMedicine"),
    ("The Lancet", "Lancet"), ("BMJ", "BMJ"), ("Blood", "Blood"),
    ("Journal of Clinical Immunology", "J Clin Immunol"),
    ("Transfusion Medicine Reviews", "Transfus Med Rev"), ("Neurology", "Neurology"),
    ("Human Reproduction", "Hum Reprod"), ("Frontiers in Immunology", "Front Immunol"),
]
PAGE_CASES = ["e1-e12", "2-25", "101-9", "1-13", "321-28", "1043-1052", "S1-S9", "720-736",
              "45-49", "1234-1240", "100-104", "e13737", "101527", "17", "99-101"]


class _Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.serial = 0

    def person(self) -> dict[str, Any]:
        roll = self.r.random()
        if roll < 0.03:
            return dict(self.r.choice(NON_LATIN))
        if roll < 0.10:
            return dict(self.r.choice(PARTICLES))
        given = self.r.choice(GIVEN_INITIALS if self.r.random() < 0.6 else GIVEN_FULL)
        return {"family": self.r.choice(FAMILIES), "given": given}

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

    def title(self) -> str:
        text = " ".join(self.r.choice(WORDS) for _ in range(self.r.randint(3, 12)))
        roll = self.r.random()
        if roll < 0.2:
            text += ": a " + self.r.choice(["systematic review", "meta-analysis", "cohort study",
                                             "randomised trial"])
        elif roll < 0.27:
            text += "?"
        return text[0].upper() + text[1:]

    def date(self, year: int | None = None) -> dict[str, Any]:
        year = year or self.r.randint(1995, 2025)
        roll = self.r.random()
        if roll < 0.6:
            return {"date-parts": [[year]]}
        if roll < 0.8:
            return {"date-parts": [[year, self.r.randint(1, 12)]]}
        return {"date-parts": [[year, self.r.randint(1, 12), self.r.randint(1, 28)]]}

    def article(self, index: int, authors=None, year=None) -> dict[str, Any]:
        journal, short = self.r.choice(JOURNALS)
        self.serial += 1
        item: dict[str, Any] = {
            "type": "article-journal",
            "author": authors or [self.person() for _ in range(self.author_count())],
            "title": self.title(), "container-title": journal, "container-title-short": short,
            "issued": self.date(year), "volume": str(self.r.randint(1, 120)),
            "issue": str(self.r.randint(1, 12)), "page": PAGE_CASES[index % len(PAGE_CASES)],
            "DOI": f"10.{self.r.randint(1000, 9999)}/gen.{self.serial:06d}",
        }
        if "Cochrane" in journal:
            item.pop("volume")
            item["page"] = f"CD{self.r.randint(1, 999999):06d}"
        if item["page"].startswith("S"):
            item["issue"] = f"Suppl {self.r.randint(1, 3)}"
        case = index % 11
        if case == 3:
            item.pop("page")
        elif case == 5:
            item.pop("DOI")
        elif case == 7:
            item.pop("issue", None)
        if index % 17 == 0:
            item["author"] = [{"literal": self.r.choice(ORGANISATIONS)}]
        return item


def articles(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """`count` journal articles with ids `a000000` …; deterministic for (count, seed)."""
    g = _Gen(seed)
    items: list[dict[str, Any]] = []
    index = 0
    while len(items) < count:
        items.append(g.article(index))
        index += 1
        if index % 23 == 0:  # same author(s), same year: year suffixes in author-date styles
            authors = [g.person() for _ in range(g.r.choice([1, 1, 2, 3, 6]))]
            year = g.r.randint(2000, 2024)
            for _ in range(g.r.randint(2, 3)):
                items.append(g.article(g.r.randint(0, 1000), [dict(a) for a in authors], year))
    items = items[:count]
    for number, item in enumerate(items):
        item["id"] = f"a{number:06d}"
    return items


# .bib files -----------------------------------------------------------------------------------

_LATEX = {"ü": r"{\"u}", "è": r"{\`e}", "Å": r"{\AA}", "ø": r"{\o}", "Ø": r"{\O}", "É": r"{\'E}",
          "Ç": r"{\c{C}}", "Ł": r"{\L}", "ú": r"{\'u}", "ñ": r"{\~n}", "é": r"{\'e}", "ö": r"{\"o}",
          "ë": r"{\"e}", "å": r"{\aa}"}


def _tex(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _bib_name(name: dict[str, Any]) -> str:
    if "literal" in name:
        return "{" + name["literal"] + "}"
    family = _tex(name["family"])
    particle = name.get("non-dropping-particle") or name.get("dropping-particle")
    if particle:
        family = particle + " " + family
    return f"{family}, {_tex(name['given'])}"


def bib_text(count: int, seed: int = SEED) -> str:
    """A .bib file of `count` @article entries: @string journals, LaTeX accents, `--` page
    ranges, protected acronyms, `and others`, a 40-word abstract, month macros."""
    r = random.Random(seed + 1)
    out = ["% generated by benchmarks/datagen.py\n"]
    macros = {}
    for number, (journal, _) in enumerate(JOURNALS):
        macros[journal] = f"j{number}"
        out.append(f"@string{{j{number} = {{{journal}}}}}\n")
    out.append("\n")
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    for index, item in enumerate(articles(count, seed)):
        names = [_bib_name(n) for n in item["author"]]
        if index % 13 == 0 and len(names) > 2:
            names = names[:2] + ["others"]
        title = item["title"]
        if index % 5 == 0:
            title = title + " in {IVIg} and {DNA} repair"
        if index % 9 == 0:
            title = r"Effect of \textit{in vitro} " + title[0].lower() + title[1:]
        if index % 7 == 0:
            title += r" --- a 5\% sample \& more"
        fields = [("author", "{" + " and ".join(names) + "}"), ("title", "{" + title + "}"),
                  ("journal", macros[item["container-title"]])]
        date = item["issued"]["date-parts"][0]
        fields.append(("year", str(date[0]) if index % 2 else "{" + str(date[0]) + "}"))
        if len(date) > 1:
            fields.append(("month", months[date[1] - 1]))
        if "volume" in item:
            fields.append(("volume", '"' + item["volume"] + '"'))
        if "issue" in item:
            fields.append(("number", "{" + item["issue"] + "}"))
        if "page" in item:
            fields.append(("pages", "{" + item["page"].replace("-", "--") + "}"))
        if "DOI" in item:
            fields.append(("doi", "{" + item["DOI"] + "}"))
        abstract = " ".join(r.choice(WORDS) for _ in range(40))
        fields.append(("abstract", "{" + abstract[0].upper() + abstract[1:] + ".}"))
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        out.append(f"@article{{{item['id']},\n{body},\n}}\n\n")
    return "".join(out)
