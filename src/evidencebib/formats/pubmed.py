"""PubMed records (EFetch `PubmedArticleSet` XML, ESummary 2.0 JSON) → our CSL items.

Pure functions, no I/O, like `formats/crossref.py` for Crossref. Each record becomes a
`PubmedRecord`: the CSL `item` plus what CSL cannot say and verification needs — the
publication types, the comments/corrections links (retraction, expression of concern,
erratum … with the notice's PMID) and every article identifier PubMed lists.

Policies (sources: NLM's "MEDLINE/PubMed XML Element Descriptions" and "MEDLINE/PubMed Data
Element (Field) Descriptions"; the PubMed DTD `pubmed_250101.dtd`):

* **Dates**: `JournalIssue/PubDate` — `Year`/`Month`/`Day` or `Season`, or the free-text
  `MedlineDate` (`2023 Jan-Feb`, `1998 Dec-1999 Jan`, `2000 Spring`, `Summer 2001`,
  `2001 Dec 1-15`, `1976-1977`), parsed by `parse_pubmed_date` (shared with the MEDLINE `DP`
  tag and ESummary's `pubdate`). Ranges become two date-parts, seasons CSL's `season`. Text
  that is not a date keeps its year (when it has one) and is reported through
  `PubmedRecord.problems`; without a year it becomes a `literal`.
* **Names**: `LastName` + `ForeName` (else `Initials`) + `Suffix` through the same
  `parse_name` as RIS/EndNote (particles: `van der Berg`); `CollectiveName` → `{"literal"}`
  in its place in the author order.
* **Titles**: `ArticleTitle` (or `VernacularTitle`, or `BookTitle`) keeps `<i>`, `<b>`,
  `<sup>`, `<sub>` (CSL's rich-text tags, which the engine renders); `<u>` and MathML keep only
  their text; a title in brackets (PubMed's mark of a translated title) keeps its brackets.
* **Journal**: `Title` → `container-title` (PubMed writes it in sentence case),
  `ISOAbbreviation`, else `MedlineJournalInfo/MedlineTA` → `container-title-short`.
* **Pages**: `MedlinePgn`, with PubMed's dropped digits put back (`123-9` → `123-129`,
  `S12-9` → `S12-S19`); without it, `StartPage`-`EndPage`.
* **Identifiers**: `PubmedData/ArticleIdList` (pubmed, pmc, doi, pii, mid …; never the ids
  inside `ReferenceList`), then `ELocationID` (doi, pii) for what the list lacks.
* **Language**: ISO 639-2 (`eng`) → BCP 47 (`en`) for the codes in `LANGUAGES`; others kept.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from evidencebib.errors import ParseError, UsageError
from evidencebib.model.dates import MONTHS, SEASONS
from evidencebib.model.names import parse_name
from evidencebib.model import LINE, Item

log = logging.getLogger(__name__)

# -- comments and corrections ----------------------------------------------------------------
# XML RefType -> (MEDLINE tag, ESummary reftype). NLM "Comments/Corrections" field table.
RELATIONS: dict[str, tuple[str, str]] = {
    "RetractionIn": ("RIN", "Retraction in"),
    "RetractionOf": ("ROF", "Retraction of"),
    "PartialRetractionIn": ("PRIN", "Partial retraction in"),
    "PartialRetractionOf": ("PROF", "Partial retraction of"),
    "ExpressionOfConcernIn": ("ECI", "Expression of concern in"),
    "ExpressionOfConcernFor": ("ECF", "Expression of concern for"),
    "ErratumIn": ("EIN", "Erratum in"),
    "ErratumFor": ("EFR", "Erratum for"),
    "CorrectedandRepublishedIn": ("CRI", "Corrected and republished in"),
    "CorrectedandRepublishedFrom": ("CRF", "Corrected and republished from"),
    "RetractedandRepublishedIn": ("RRI", "Retracted and republished in"),
    "RetractedandRepublishedFrom": ("RRF", "Retracted and republished from"),
    "CommentIn": ("CIN", "Comment in"),
    "CommentOn": ("CON", "Comment on"),
    "UpdateIn": ("UIN", "Update in"),
    "UpdateOf": ("UOF", "Update of"),
    "RepublishedIn": ("RPI", "Republished in"),
    "RepublishedFrom": ("RPF", "Republished from"),
    "SummaryForPatientsIn": ("SPIN", "Summary for patients in"),
    "OriginalReportIn": ("ORI", "Original report in"),
}
TAG_RELATIONS = {tag: kind for kind, (tag, _) in RELATIONS.items()}
_FOLDED_RELATIONS = {re.sub(r"[^a-z]", "", kind.lower()): kind for kind in RELATIONS}

RETRACTED = "Retracted Publication"
RETRACTION_NOTICE = "Retraction of Publication"
CONCERN_NOTICE = "Expression of Concern"
ERRATUM_NOTICE = "Published Erratum"

# ISO 639-2/B (what PubMed writes) -> ISO 639-1 (what CSL's BCP 47 `language` wants).
LANGUAGES = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
    "rus": "ru", "jpn": "ja", "chi": "zh", "pol": "pl", "swe": "sv", "dan": "da", "nor": "no",
    "fin": "fi", "cze": "cs", "hun": "hu", "tur": "tr", "kor": "ko", "gre": "el", "heb": "he",
    "ara": "ar", "per": "fa", "hrv": "hr", "slo": "sk", "slv": "sl", "srp": "sr", "ukr": "uk",
    "rum": "ro", "bul": "bg", "lit": "lt", "lav": "lv", "est": "et", "ice": "is", "afr": "af",
    "cat": "ca", "tha": "th", "vie": "vi", "ind": "id", "may": "ms", "hin": "hi", "urd": "ur",
}
ISO_639_2 = {two: three for three, two in LANGUAGES.items()}


@dataclass(frozen=True)
class Relation:
    """One comments/corrections link: `kind` is the XML RefType (`RetractionIn` …)."""

    kind: str
    pmid: str | None
    source: str = ""

    @property
    def tag(self) -> str:
        return RELATIONS.get(self.kind, ("", ""))[0]


@dataclass
class PubmedRecord:
    """A PubMed record: the CSL item and what verification needs beyond it."""

    pmid: str
    item: Item
    publication_types: tuple[str, ...] = ()
    relations: tuple[Relation, ...] = ()
    ids: dict[str, str] = field(default_factory=dict)
    status: str = ""
    problems: tuple[str, ...] = ()

    def related(self, *kinds: str) -> list[Relation]:
        return [r for r in self.relations if r.kind in kinds]

    @property
    def retracted(self) -> bool:
        """PubMed marks the article retracted (publication type or a RetractionIn link)."""
        return RETRACTED in self.publication_types or bool(self.related("RetractionIn"))

    @property
    def partially_retracted(self) -> bool:
        return bool(self.related("PartialRetractionIn"))

    @property
    def concern(self) -> bool:
        return bool(self.related("ExpressionOfConcernIn"))

    @property
    def corrected(self) -> bool:
        return bool(self.related("ErratumIn", "CorrectedandRepublishedIn"))

    @property
    def is_notice(self) -> bool:
        """The record is itself a retraction/concern/erratum notice about another article."""
        return bool({RETRACTION_NOTICE, CONCERN_NOTICE, ERRATUM_NOTICE}
                    & set(self.publication_types)) or bool(
            self.related("RetractionOf", "PartialRetractionOf", "ExpressionOfConcernFor",
                         "ErratumFor"))


# What a record's links say about the article, in the words of the import warnings.
MARKS = {"RetractionIn": "retracted", "PartialRetractionIn": "partly retracted",
         "ExpressionOfConcernIn": "under an expression of concern",
         "ErratumIn": "corrected by an erratum",
         "CorrectedandRepublishedIn": "corrected and republished"}


def marks(record: PubmedRecord) -> list[str]:
    """What PubMed says happened to the article (`["retracted", "corrected by an erratum"]`)."""
    found = [text for kind, text in MARKS.items() if record.related(kind)]
    if record.retracted and "retracted" not in found:
        found.insert(0, "retracted")
    return found


def warn_about_records(records: list[PubmedRecord], source: str, logger: Any) -> None:
    """Warn, naming file, line and PMID, about dates not understood and about records PubMed
    marks retracted, corrected or under concern (storage keeps no such mark)."""
    for record in records:
        where = f"{source}: line {record.item.get('_line', '?')}, PMID {record.pmid or '?'}"
        for problem in record.problems:
            logger.warning("%s: %s", where, problem)
        found = marks(record)
        if found:
            logger.warning("%s: PubMed marks it %s; evidencebib stores no such mark, so run "
                           "'evidencebib verify' after importing", where, ", ".join(found))


# -- values shared with medline.py --------------------------------------------------------------

_MONTH_WORD = r"[A-Za-z]{3,9}\.?|[0-9]{1,2}(?=\s|$)"
_PART = re.compile(r"^([0-9]{4})?\s*(?:(" + _MONTH_WORD + r")(?:\s+([0-9]{1,2}))?)?$")


def _month(word: str | None) -> int | None:
    if not word:
        return None
    word = word.rstrip(".").lower()
    if re.fullmatch(r"[0-9]{1,2}", word):
        number = int(word)
        return number if 1 <= number <= 12 else None
    return MONTHS.get(word) or MONTHS.get(word[:3])


def _end(text: str, year: int | None) -> tuple[list[int], int | None] | None:
    """`1999 Jan 2`, `Jan 2`, `15`, `Spring` … -> (date-parts, season) or None."""
    text = text.strip()
    if not text:
        return None
    words = text.split()
    season = None
    if len(words) <= 2 and any(w.lower() in SEASONS for w in words):
        years = [w for w in words if re.fullmatch(r"[0-9]{4}", w)]
        others = [w for w in words if w not in years]
        if len(others) != 1 or others[0].lower() not in SEASONS or len(years) > 1:
            return None
        season = SEASONS[others[0].lower()]
        y = int(years[0]) if years else year
        return ([y], season) if y else None
    if re.fullmatch(r"[0-9]{1,2}", text) and year is not None:
        return None  # a bare day needs its month; the caller handles `Dec 1-15`
    match = _PART.match(text)
    if not match:
        return None
    y_text, month_text, day_text = match.groups()
    y = int(y_text) if y_text else year
    if y is None:
        return None
    parts = [y]
    if month_text:
        month = _month(month_text)
        if month is None:
            return None
        parts.append(month)
        if day_text:
            day = int(day_text)
            if not 1 <= day <= 31:
                return None
            parts.append(day)
    elif day_text:
        return None
    return parts, season


def parse_pubmed_date(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """A PubMed date (`MedlineDate`, MEDLINE `DP`, ESummary `pubdate`) as a CSL date.

    Returns (date, problem): problem is None when the whole text was understood; otherwise it
    says what was not, and the date keeps only the year (or is a `literal` without one).
    """
    text = " ".join(str(text or "").split())
    if not text:
        return None, None
    whole = _end(text, None)
    if whole:
        parts, season = whole
        date: dict[str, Any] = {"date-parts": [parts]}
        if season:
            date["season"] = season
        return date, None
    # ranges: `2023 Jan-Feb`, `1998 Dec-1999 Jan`, `2001 Dec 1-15`, `1976-1977`, `Winter-Spring`
    if "-" in text:
        left, _, right = text.partition("-")
        start = _end(left, None)
        if start:
            first, season = start
            if re.fullmatch(r"[0-9]{1,2}", right.strip()) and len(first) == 3:
                second = first[:2] + [int(right)]
                if 1 <= second[2] <= 31:
                    return {"date-parts": [first, second]}, None
            end = _end(right, first[0])
            if end and not season and not end[1]:
                return {"date-parts": [first, end[0]]}, None
            if season and end and end[1]:  # `2000 Winter-Spring`: CSL has one season only
                return {"date-parts": [[first[0]]], "season": season}, (
                    f"season range {text!r} kept as its first season")
    year = re.search(r"(?<![0-9])([0-9]{4})(?![0-9])", text)
    if year:
        return {"date-parts": [[int(year.group(1))]]}, (
            f"publication date {text!r} not understood; kept its year {year.group(1)}")
    return {"literal": text}, f"publication date {text!r} has no year"


def format_pubmed_date(date: dict[str, Any] | None) -> str:
    """A CSL date in PubMed's `DP` form (`2023 Jan-Feb`, `2000 Spring`, `2006 Mar 1`)."""
    if not date:
        return ""
    if date.get("literal") and not date.get("date-parts"):
        return str(date["literal"])
    parts = []
    for part in date.get("date-parts") or []:
        numbers = []
        for value in part if isinstance(part, (list, tuple)) else []:
            if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
                value = int(value)
            if not isinstance(value, int) or isinstance(value, bool):
                break
            numbers.append(value)
        if numbers:
            parts.append(numbers)
    if not parts:
        return str(date.get("literal") or "")
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    def one(part: list[int], year_shown: bool = True) -> str:
        words = [str(part[0])] if year_shown else []
        if len(part) > 1 and 1 <= int(part[1]) <= 12:
            words.append(names[int(part[1]) - 1])
            if len(part) > 2 and part[2]:
                words.append(str(int(part[2])))
        return " ".join(words)

    text = one(parts[0])
    season = date.get("season")
    if season and len(parts[0]) == 1:
        number = season if isinstance(season, int) else SEASONS.get(str(season).lower())
        label = {1: "Spring", 2: "Summer", 3: "Fall", 4: "Winter"}.get(number or 0)
        if label:
            text += f" {label}"
    if len(parts) > 1 and parts[1] not in ([0],):
        end = parts[1]
        first = parts[0]
        if end[0] == first[0] and len(end) > 1 and len(first) > 1:
            if len(end) > 2 and len(first) > 2 and end[1] == first[1]:
                text += f"-{int(end[2])}"
            else:
                text += "-" + one(end, year_shown=False)
        else:
            text += "-" + one(end)
    return text


_PAGE_RANGE = re.compile(r"^([A-Za-z]*)([0-9]+)([A-Za-z]*)-([A-Za-z]*)([0-9]+)([A-Za-z]*)$")


def expand_pages(text: str) -> str:
    """PubMed's `MedlinePgn` with the dropped digits restored: `123-9` -> `123-129`,
    `S12-9` -> `S12-S19`, `1116-1122` unchanged; `; discussion 130` and other parts after the
    first range are kept as they are."""
    text = " ".join(str(text or "").split())
    head, sep, rest = text.partition(";")
    head = head.strip()
    match = _PAGE_RANGE.match(head.replace(" ", ""))
    if match:
        prefix, start, suffix, prefix2, end, suffix2 = match.groups()
        if len(end) < len(start) and not prefix2:
            end = start[:len(start) - len(end)] + end
        prefix2 = prefix2 or prefix
        head = f"{prefix}{start}{suffix}-{prefix2}{end}{suffix2}"
    return head + (f";{rest}" if sep else "")


def language_code(code: str) -> str:
    code = (code or "").strip()
    return LANGUAGES.get(code.lower(), code)


def pubmed_language(code: str) -> str:
    """The inverse of `language_code` (`en` -> `eng`); other codes as they are."""
    code = (code or "").strip()
    return ISO_639_2.get(code.lower(), code)


def name_from_parts(last: str, fore: str = "", initials: str = "", suffix: str = "") -> dict:
    """PubMed's LastName/ForeName/Initials/Suffix as a CSL name (particles split)."""
    given = fore or " ".join(initials.replace(".", ""))  # `JA` -> `J A` (initialisable)
    text = f"{last}, {given}" if given else f"{last},"
    if suffix:
        text += f", {suffix}"
    name = parse_name(text)
    if not name.get("family") and not name.get("literal"):
        return {"literal": last}
    return name


def name_from_short(text: str) -> dict:
    """A MEDLINE `AU`/ESummary author (`Casbon JA`, `Hambrick GW Jr`) as a CSL name."""
    words = text.split()
    suffix = ""
    if len(words) > 2 and words[-1].rstrip(".") in ("Jr", "Sr", "II", "III", "IV", "2nd", "3rd"):
        suffix = words.pop()
    if len(words) >= 2 and re.fullmatch(r"[A-Z]{1,4}", words[-1]):
        return name_from_parts(" ".join(words[:-1]), initials=words[-1], suffix=suffix)
    return {"literal": text}


# -- EFetch XML --------------------------------------------------------------------------------

_RICH = {"i": "i", "b": "b", "sup": "sup", "sub": "sub"}


def _parser() -> etree.XMLParser:
    # no DTD, no entities from outside, no network: PubMed's answer is data, not instructions
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True)


def _text(element: Any) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def rich_text(element: Any) -> str:
    """An element's text with CSL's rich-text tags kept (`<i>`, `<b>`, `<sup>`, `<sub>`)."""
    if element is None:
        return ""
    out: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            out.append(html.escape(node.text, quote=False))
        for child in node:
            tag = etree.QName(child).localname.lower() if isinstance(child.tag, str) else ""
            kept = _RICH.get(tag)
            if kept:
                out.append(f"<{kept}>")
            if tag in ("math",):  # MathML: its text only
                out.append(html.escape("".join(child.itertext()), quote=False))
            else:
                walk(child)
            if kept:
                out.append(f"</{kept}>")
            if child.tail:
                out.append(html.escape(child.tail, quote=False))

    walk(element)
    text = " ".join("".join(out).split())
    for tag in _RICH.values():  # no empty runs, no blanks just inside a run
        text = re.sub(rf"<{tag}>\s*</{tag}>", "", text)
        text = re.sub(rf"<{tag}>\s+", f" <{tag}>", text)
        text = re.sub(rf"\s+</{tag}>", f"</{tag}> ", text)
    return " ".join(text.split()).replace(" </", "</")


def _pub_date(issue: Any) -> tuple[dict[str, Any] | None, str | None]:
    pub = issue.find("PubDate") if issue is not None else None
    if pub is None:
        return None, None
    medline = pub.findtext("MedlineDate")
    if medline:
        return parse_pubmed_date(medline)
    year = (pub.findtext("Year") or "").strip()
    if not re.fullmatch(r"[0-9]{4}", year):
        return None, f"PubDate without a usable Year ({year!r})"
    parts = [int(year)]
    month = _month(pub.findtext("Month"))
    if month:
        parts.append(month)
        day = (pub.findtext("Day") or "").strip()
        if re.fullmatch(r"[0-9]{1,2}", day) and 1 <= int(day) <= 31:
            parts.append(int(day))
    date: dict[str, Any] = {"date-parts": [parts]}
    season = (pub.findtext("Season") or "").strip().lower()
    if season in SEASONS and len(parts) == 1:
        date["season"] = SEASONS[season]
    return date, None


def _names(author_list: Any) -> list[dict]:
    names: list[dict] = []
    if author_list is None:
        return names
    for author in author_list.findall("Author"):
        if author.get("ValidYN", "Y") == "N":
            continue
        collective = _text(author.find("CollectiveName"))
        if collective:
            names.append({"literal": collective})
            continue
        last = _text(author.find("LastName"))
        if not last:
            continue
        names.append(name_from_parts(last, _text(author.find("ForeName")),
                                     _text(author.find("Initials")), _text(author.find("Suffix"))))
    return names


def _ids(article: Any, citation_article: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    data = article.find("PubmedData")
    if data is not None:
        for node in data.findall("ArticleIdList/ArticleId"):
            kind = (node.get("IdType") or "").strip().lower()
            value = _text(node)
            if kind and value and kind not in ids:
                ids[kind] = value
    if citation_article is not None:
        for node in citation_article.findall("ELocationID"):
            kind = (node.get("EIdType") or "").strip().lower()
            value = _text(node)
            if node.get("ValidYN", "Y") != "N" and kind and value and kind not in ids:
                ids[kind] = value
    return ids


def _relations(citation: Any) -> tuple[Relation, ...]:
    out = []
    for node in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        kind = node.get("RefType") or ""
        if kind not in RELATIONS:
            continue
        pmid = _text(node.find("PMID")) or None
        out.append(Relation(kind, pmid, _text(node.find("RefSource"))))
    return tuple(out)


def article_to_record(article: Any) -> PubmedRecord:
    """One `<PubmedArticle>` element as a PubmedRecord."""
    citation = article.find("MedlineCitation")
    if citation is None:
        raise ValueError("PubmedArticle without MedlineCitation")
    pmid = _text(citation.find("PMID"))
    art = citation.find("Article")
    item: Item = {"type": "article-journal"}
    problems: list[str] = []
    if art is not None:
        title = rich_text(art.find("ArticleTitle")) or rich_text(art.find("VernacularTitle"))
        if title:
            item["title"] = title
        authors = _names(art.find("AuthorList"))
        if authors:
            item["author"] = authors
        journal = art.find("Journal")
        issue = journal.find("JournalIssue") if journal is not None else None
        date, problem = _pub_date(issue)
        if date:
            item["issued"] = date
        if problem:
            problems.append(problem)
        if journal is not None:
            container = _text(journal.find("Title"))
            if container:
                item["container-title"] = container
            short = _text(journal.find("ISOAbbreviation")) or \
                _text(citation.find("MedlineJournalInfo/MedlineTA"))
            if short and short != container:
                item["container-title-short"] = short
            issns = [_text(n) for n in journal.findall("ISSN")]
            issns = list(dict.fromkeys(i for i in issns if i))
            if issns:
                item["ISSN"] = ", ".join(issns)
        if issue is not None:
            for tag, variable in (("Volume", "volume"), ("Issue", "issue")):
                value = _text(issue.find(tag))
                if value:
                    item[variable] = value
        pagination = art.find("Pagination")
        if pagination is not None:
            medline_pgn = _text(pagination.find("MedlinePgn"))
            start, end = _text(pagination.find("StartPage")), _text(pagination.find("EndPage"))
            page = expand_pages(medline_pgn) if medline_pgn else \
                (f"{start}-{end}" if start and end and end != start else start)
            if page:
                item["page"] = page
        language = _text(art.find("Language"))
        if language:
            item["language"] = language_code(language)
    ids = _ids(article, art)
    if ids.get("doi"):
        item["DOI"] = ids["doi"]
    if pmid:
        item["PMID"] = pmid
    pmc = ids.get("pmc") or ids.get("pmcid")
    if pmc:
        item["PMCID"] = pmc if pmc.upper().startswith("PMC") else f"PMC{pmc}"
    types = tuple(_text(n) for n in citation.findall("Article/PublicationTypeList/PublicationType"))
    return PubmedRecord(pmid=pmid, item=item, publication_types=tuple(t for t in types if t),
                        relations=_relations(citation), ids=ids,
                        status=citation.get("Status") or "", problems=tuple(problems))


def book_to_record(book_article: Any) -> PubmedRecord:
    """A `<PubmedBookArticle>` (NCBI Bookshelf chapters such as GeneReviews) as a record."""
    document = book_article.find("BookDocument")
    pmid = _text(document.find("PMID")) if document is not None else ""
    item: Item = {"type": "chapter"}
    problems: list[str] = []
    if document is not None:
        book = document.find("Book")
        title = rich_text(document.find("ArticleTitle"))
        book_title = rich_text(book.find("BookTitle")) if book is not None else ""
        if title:
            item["title"] = title
            if book_title:
                item["container-title"] = book_title
        elif book_title:
            item["title"] = book_title
            item["type"] = "book"
        authors = _names(document.find("AuthorList[@Type='authors']")) or \
            _names(document.find("AuthorList"))
        if authors:
            item["author"] = authors
        if book is not None:
            editors = _names(book.find("AuthorList[@Type='editors']"))
            if editors:
                item["editor"] = editors
            publisher = _text(book.find("Publisher/PublisherName"))
            place = _text(book.find("Publisher/PublisherLocation"))
            if publisher:
                item["publisher"] = publisher
            if place:
                item["publisher-place"] = place
            date, problem = _pub_date(book)
            if date:
                item["issued"] = date
            if problem:
                problems.append(problem)
        language = _text(document.find("Language"))
        if language:
            item["language"] = language_code(language)
    if pmid:
        item["PMID"] = pmid
    ids: dict[str, str] = {}
    for node in book_article.findall("PubmedBookData/ArticleIdList/ArticleId"):
        kind = (node.get("IdType") or "").lower()
        if kind and _text(node):
            ids.setdefault(kind, _text(node))
    if ids.get("doi"):
        item["DOI"] = ids["doi"]
    types = tuple(_text(n) for n in (document.findall("PublicationType")
                                     if document is not None else []))
    return PubmedRecord(pmid=pmid, item=item, publication_types=types, ids=ids,
                        problems=tuple(problems))


def _line(node: Any) -> int | None:
    line = getattr(node, "sourceline", None)
    return line if isinstance(line, int) else None


def parse_efetch(data: str | bytes, *, source: str = "<efetch>") -> list[PubmedRecord]:
    """Every article of an EFetch `PubmedArticleSet` answer (an empty set is no records).

    Raises ParseError naming the line when the answer is not well-formed XML or is not a
    PubmedArticleSet (NCBI answers errors as `<eFetchResult><ERROR>…` or as HTML pages).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno if isinstance(error.lineno, int) else None
        raise ParseError(f"not well-formed PubMed XML ({error.msg})", file=source,
                         line=line) from None
    if root is None:
        raise ParseError("empty PubMed XML answer", file=source)
    tag = etree.QName(root).localname
    if tag != "PubmedArticleSet":
        message = _text(root.find(".//ERROR")) if tag == "eFetchResult" else ""
        raise ParseError(f"not a PubmedArticleSet (<{tag}>)" +
                         (f": {message}" if message else ""), file=source,
                         line=_line(root))
    records = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        try:
            if name == "PubmedArticle":
                records.append(article_to_record(node))
            elif name == "PubmedBookArticle":
                records.append(book_to_record(node))
            else:
                continue
            records[-1].item[LINE] = _line(node)
        except (ValueError, AttributeError) as error:
            raise ParseError(f"malformed <{name}>: {error}", file=source,
                             line=_line(node)) from None
    return records


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """A saved EFetch answer (a `PubmedArticleSet` file) as items, for `import`.

    Publication types and comments/corrections have no CSL variable: they are not stored, and
    records PubMed marks retracted, corrected or under concern are named in a warning.
    """
    from evidencebib.model import CitationKeys

    found = parse_efetch(text, source=source)
    taken = CitationKeys()
    for record in found:
        record.item["id"] = taken.new(record.item)
    warn_about_records(found, source, log)
    return [record.item for record in found]


def write(items: Any, **options: Any) -> str:
    raise UsageError("PubMed XML is read, not written: export 'medline' for PubMed's own format")


# -- ESummary 2.0 JSON -------------------------------------------------------------------------


def _str(value: Any) -> str:
    """A JSON string, tidied; anything else (a number, null, a list) is ''."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _pmid(value: Any) -> str:
    """A PMID, which ESummary writes as a number in `references` and as a string elsewhere."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value > 0 else ""
    text = _str(value)
    return text if re.fullmatch(r"[0-9]+", text) else ""


def summary_to_record(summary: object) -> PubmedRecord | None:
    """One ESummary 2.0 DocSum (`result[uid]`) as a record; None for an `error` entry
    (`{"uid": "…", "error": "cannot get document summary"}`) or a value of the wrong shape."""
    if not isinstance(summary, dict) or summary.get("error") or not _pmid(summary.get("uid")):
        return None
    pmid = _pmid(summary.get("uid"))
    item: Item = {"type": "article-journal"}
    problems: list[str] = []
    title = _str(summary.get("title"))
    if title:
        item["title"] = title
    authors = []
    for author in summary.get("authors") or []:
        if not isinstance(author, dict):
            continue
        name = _str(author.get("name"))
        if not name:
            continue
        authtype = _str(author.get("authtype")).lower()
        if authtype == "collectivename":
            authors.append({"literal": name})
        elif authtype in ("", "author"):
            authors.append(name_from_short(name))
    if authors:
        item["author"] = authors
    date, problem = parse_pubmed_date(_str(summary.get("pubdate")))
    if date:
        item["issued"] = date
    if problem:
        problems.append(problem)
    full = _str(summary.get("fulljournalname"))
    short = _str(summary.get("source"))
    if full:
        item["container-title"] = full
    if short and short != full:
        item["container-title-short"] = short
    for key, variable in (("volume", "volume"), ("issue", "issue")):
        if _str(summary.get(key)):
            item[variable] = _str(summary.get(key))
    if _str(summary.get("pages")):
        item["page"] = expand_pages(_str(summary.get("pages")))
    issns = [v for v in (_str(summary.get("issn")), _str(summary.get("essn"))) if v]
    if issns:
        item["ISSN"] = ", ".join(dict.fromkeys(issns))
    langs = [v for v in (summary.get("lang") or []) if isinstance(v, str) and v]
    if langs:
        item["language"] = language_code(langs[0])
    ids: dict[str, str] = {}
    for entry in summary.get("articleids") or []:
        if isinstance(entry, dict) and _str(entry.get("idtype")) and _str(entry.get("value")):
            ids.setdefault(_str(entry.get("idtype")).lower(), _str(entry.get("value")))
    if ids.get("doi"):
        item["DOI"] = ids["doi"]
    item["PMID"] = pmid
    pmc = ids.get("pmc") or ""
    if re.fullmatch(r"PMC[0-9]+", pmc, re.IGNORECASE):
        item["PMCID"] = pmc.upper()
    relations = []
    for ref in summary.get("references") or []:
        if not isinstance(ref, dict):
            continue
        kind = _FOLDED_RELATIONS.get(re.sub(r"[^a-z]", "", _str(ref.get("reftype")).lower()))
        if kind:
            relations.append(Relation(kind, _pmid(ref.get("pmid")) or None,
                                      _str(ref.get("refsource"))))
    types = tuple(t for t in (summary.get("pubtype") or []) if isinstance(t, str) and t)
    return PubmedRecord(pmid=pmid, item=item, publication_types=types,
                        relations=tuple(relations), ids=ids,
                        status=_str(summary.get("recordstatus")), problems=tuple(problems))


def parse_esummary(data: object) -> tuple[list[PubmedRecord], list[str]]:
    """An ESummary 2.0 JSON answer (`{"result": {"uids": […], uid: DocSum …}}`) as
    (records in the order of `uids`, uids PubMed could not summarise)."""
    if not isinstance(data, dict) or not isinstance(data.get("result"), dict):
        raise ValueError("not an ESummary JSON answer (no 'result' object)")
    result = data["result"]
    uids = [u for u in (result.get("uids") or []) if isinstance(u, str)]
    records, missing = [], []
    for uid in uids:
        record = summary_to_record(result.get(uid))
        if record is None:
            missing.append(uid)
        else:
            records.append(record)
    return records, missing


