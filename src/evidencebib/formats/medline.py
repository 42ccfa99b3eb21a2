"""MEDLINE / PubMed `.nbib` files <-> items.

The format (NLM, "MEDLINE/PubMed Data Element (Field) Descriptions"): records separated by a
blank line; each line is a tag of up to four letters padded to four columns, `- `, and the
value (`PMID- 12230038`, `TI  - The Bio* toolkits`); a line that starts with six spaces
continues the value above it (PubMed wraps at about 80 columns). Values repeat by repeating
the tag (`FAU`, `AU`, `PT`, `IS` …).

Reading (tag -> CSL variable):

    PMID -> PMID          TI (BTI for books) -> title     AB -> abstract
    FAU (else AU) -> author, CN -> author {"literal"} in the order of the lines
    FED (else ED) -> editor                               TA -> container-title-short
    JT -> container-title DP -> issued (`2023 Jan-Feb`, `2000 Spring`, `Summer 2001` …)
    VI -> volume  IP -> issue  PG -> page (`123-9` -> `123-129`)
    LID/AID `… [doi]` -> DOI   PMC -> PMCID   IS -> ISSN (`1467-5463 (Print)` -> the number)
    LA -> language (`eng` -> `en`)   OT -> keyword   PB -> publisher

Publication types (`PT`) and comments/corrections (`RIN`/`ROF`, `EIN`/`EFR`, `ECI`/`ECF`,
`CIN`/`CON` …, each with the notice's `PMID:`) have no CSL variable: `records()` returns them
on each `PubmedRecord` (the same record type as PubMed XML, `formats/pubmed.py`), and `read()`
warns, naming file, line and PMID, about every record PubMed marks retracted, corrected or
under an expression of concern, since storage will not keep the mark. Every other tag that no
CSL variable holds (MH, AD, OWN, STAT, PHST, pii article ids …) is kept on the item under the
private key `_medline` as `[tag, value]` pairs, written back by `write`, and listed once per
file in a warning ("not kept: MH in 3 records …"): nothing is dropped silently. `SO` (the
source line) is derived from the other fields: it is not kept and is written anew.

Strict about structure: a line that is neither a tag line, a continuation nor blank, or a
continuation with no tag above it, is a ParseError with its line number — never half a file.

Writing follows PubMed's own files (`PMID-` first, the order of tags PubMed uses, one value
per line, `TI` and `AB` wrapped with 6-space continuation lines at 80 columns, other values
never wrapped, since readers such as Biopython's `Bio.Medline` read a continued list value as
a second value), LF line ends and a blank line between records. Title markup (`<i>` …) has no
MEDLINE form and is written as plain text. Variables MEDLINE cannot hold (URL, note, publisher
place …) are listed in the export's warning (formats/inventory.py, from `carried_fields`, which
the round-trip tests use too). Options: `tags=[…]` adds each tag (condition slugs) as an `OT` line.
"""

from __future__ import annotations

import logging
import re
import textwrap
from collections import Counter
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.model.doi import normalize as normalize_doi
from evidencebib.model.keywords import add_tags, join_keywords
from evidencebib.formats.pubmed import (
    TAG_RELATIONS, PubmedRecord, Relation, expand_pages, format_pubmed_date,
    language_code, name_from_parts, name_from_short, parse_pubmed_date, pubmed_language,
    warn_about_records,
)
from evidencebib.model import LINE, CitationKeys, Item

log = logging.getLogger(__name__)

EXTRA = "_medline"

_TAG_HEAD = re.compile(r"[A-Z][A-Z0-9]{1,3} *")   # a tag padded to four columns
_ID_SUFFIX = re.compile(r"^(.*?)\s*\[([a-z-]+)\]\s*$")
_PMID_IN = re.compile(r"PMID:\s*([0-9]+)")
_ISSN_LABEL = re.compile(r"^([0-9]{4}-?[0-9]{3}[0-9Xx])\s*\((?:Print|Electronic|Linking|Undetermined)\)$")
# values that PubMed wraps as running text; every other value is one line per entry
WRAPPED = ("TI", "AB")
BOOK_TYPES = {"Book", "Book Chapter"}
# tags whose content this module maps to CSL variables (the rest go to `_medline`)
# mapped tags that hold one value (a record with two keeps the second in `_medline`)
SINGLE = ("PMID", "TI", "BTI", "AB", "TA", "JT", "DP", "VI", "IP", "PG", "PMC", "PB")
# (PT and the comments/corrections tags are read onto the record *and* kept in `_medline`,
# so that an item read from a file is written back with them)
MAPPED = {"PMID", "TI", "BTI", "AB", "FAU", "AU", "CN", "FED", "ED", "TA", "JT", "DP", "VI",
          "IP", "PG", "PMC", "IS", "LA", "OT", "PB", "SO"}


# --------------------------------------------------------------------------------------
# Reading


def _split_records(text: str, source: str) -> list[tuple[int, list[tuple[str, str, int]]]]:
    """[(first line, [(tag, value, line)])], continuation lines joined to their value."""
    if text.startswith("\ufeff"):
        text = text[1:]
    records: list[tuple[int, list[tuple[str, str, int]]]] = []
    current: list[tuple[str, str, int]] = []
    parts: list[str] = []          # the value of the last tag line, with its continuations
    heads: dict[str, str] = {}     # the first four columns of a line -> its tag ('' if none)
    start = 0

    def close_value() -> None:
        if parts:
            tag, _, at = current[-1]
            current[-1] = (tag, " ".join(p for p in parts if p), at)
            parts.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith(("      ", "\t")):
            piece = raw.strip()
            if not piece:
                continue
            if not current:
                raise ParseError("a continuation line (6 spaces) with no tag line above it",
                                 file=source, line=number)
            if not parts:
                parts.append(current[-1][1])
            parts.append(piece)
            continue
        line = raw.rstrip()
        if not line:
            close_value()
            if current:
                records.append((start, current))
                current = []
            continue
        head = line[:4]
        tag = heads.get(head)
        if tag is None:
            tag = heads[head] = head.rstrip() if _TAG_HEAD.fullmatch(head) else ""
        if tag == "TY" and not current:
            raise ParseError("this is RIS, not MEDLINE (.nbib): read it as RIS", file=source,
                             line=number)
        if not tag or line[4:5] != "-":   # the dash is always in column 5
            raise ParseError(f"expected a MEDLINE tag line such as 'PMID- 123', found "
                             f"{line[:60]!r}", file=source, line=number)
        close_value()
        if not current:
            start = number
        current.append((tag, line[5:].strip(), number))
    close_value()
    if current:
        records.append((start, current))
    if not records:
        raise ParseError("no MEDLINE records found", file=source, line=1)
    return records


def _record(fields: list[tuple[str, str, int]], line: int, source: str) -> PubmedRecord:
    item: Item = {}
    extra: list[list[str]] = []
    values: dict[str, list[str]] = {}
    for tag, value, _ in fields:
        values.setdefault(tag, []).append(value)

    def first(tag: str) -> str:
        return next((v for v in values.get(tag, ()) if v), "")

    types = tuple(v for v in values.get("PT", ()) if v)
    is_book = bool(BOOK_TYPES & set(types)) or ("BTI" in values and "JT" not in values)
    item["type"] = ("chapter" if first("TI") and first("BTI") else "book") if is_book \
        else "article-journal"
    title = first("TI") or first("BTI")
    if title:
        item["title"] = title
    if first("TI") and first("BTI"):
        item["container-title"] = first("BTI")
    # names, in the order of their lines: a FAU line is a person, the AU after it its short
    # form; an AU with no FAU before it (records before 2002) is read from the short form
    for variable, full_tag, short_tag, group_tag in (("author", "FAU", "AU", "CN"),
                                                     ("editor", "FED", "ED", None)):
        names: list[dict] = []
        pending_full = False
        for tag, value, _ in fields:
            if not value:
                continue
            if tag == full_tag:
                names.append(name_from_parts(*_full_name(value)))
                pending_full = True
            elif tag == short_tag:
                if not pending_full:
                    names.append(name_from_short(value))
                pending_full = False
            elif group_tag and tag == group_tag:
                names.append({"literal": value})
                pending_full = False
        if names:
            item[variable] = names
    if first("JT"):
        item.setdefault("container-title", first("JT"))
    if first("TA"):
        item["container-title-short"] = first("TA")
        # a record with the abbreviation only (older citation-manager files, hand-made ones):
        # it is the journal's name as PubMed gives it, and styles print container-title
        if item["type"] == "article-journal":
            item.setdefault("container-title", first("TA"))
    problems = []
    if first("DP"):
        date, problem = parse_pubmed_date(first("DP"))
        if date:
            item["issued"] = date
        if problem:
            problems.append(problem)
    for tag, variable in (("VI", "volume"), ("IP", "issue"), ("PB", "publisher")):
        if first(tag):
            item[variable] = first(tag)
    if first("PG"):
        item["page"] = expand_pages(first("PG"))
    ids: dict[str, str] = {}
    for tag in ("LID", "AID"):
        for value in values.get(tag, ()):
            match = _ID_SUFFIX.match(value)
            kind, ident = (match.group(2), match.group(1)) if match else ("", value)
            if kind == "doi" and "DOI" not in item:
                item["DOI"] = normalize_doi(ident)
                ids["doi"] = item["DOI"]
            elif kind == "doi" and normalize_doi(ident).lower() == str(item["DOI"]).lower():
                continue   # LID and AID repeat the same DOI
            else:
                if kind:
                    ids.setdefault(kind, ident)
                extra.append([tag, value])
    pmid = first("PMID")
    if pmid:
        item["PMID"] = pmid
        ids["pubmed"] = pmid
    pmc = first("PMC")
    if pmc:
        item["PMCID"] = pmc.upper() if pmc.upper().startswith("PMC") else f"PMC{pmc}"
        ids["pmc"] = item["PMCID"]
    # `1467-5463 (Print)`: PubMed's label is not part of the ISSN; other text is kept as written
    issns = [_ISSN_LABEL.sub(r"\1", v) for v in values.get("IS", ()) if v]
    if issns:
        item["ISSN"] = ", ".join(dict.fromkeys(issns))
    languages = [v for v in values.get("LA", ()) if v]
    if languages:
        item["language"] = language_code(languages[0])
        extra.extend(["LA", v] for v in languages[1:])
    if first("AB"):
        item["abstract"] = first("AB")
    keywords = [v for v in values.get("OT", ()) if v]
    if keywords:
        item["keyword"] = join_keywords(keywords)
    relations = []
    for tag, value, _ in fields:
        kind = TAG_RELATIONS.get(tag)
        if kind and value:
            match = _PMID_IN.search(value)
            relations.append(Relation(kind, match.group(1) if match else None, value))
    for tag, value, _ in fields:
        if tag not in MAPPED and tag not in ("LID", "AID") and value:
            extra.append([tag, value])
    for tag in SINGLE:   # a second TI, VI, PG … has no place in the item: kept, not dropped
        later = [v for v in values.get(tag, ()) if v][1:]
        extra.extend([tag, v] for v in later)
    if extra:
        item[EXTRA] = extra
    item[LINE] = line
    return PubmedRecord(pmid=pmid, item=item, publication_types=types,
                        relations=tuple(relations), ids=ids, status=first("STAT"),
                        problems=tuple(problems))


def _full_name(value: str) -> tuple[str, str, str, str]:
    """`Casbon, James A` / `Smith, John, Jr` -> (last, fore, initials, suffix)."""
    last, _, rest = (part.strip() for part in value.partition(","))
    fore, _, suffix = (part.strip() for part in rest.partition(","))
    return last, fore, "", suffix


def records(text: str, *, source: str = "<string>") -> list[PubmedRecord]:
    """Every record of a MEDLINE file, with publication types and corrections beside the item."""
    out = []
    taken = CitationKeys()   # a plain list of keys made 5,000 records quadratic
    for line, fields in _split_records(text, source):
        if not any(value for _, value, _ in fields):
            log.warning("%s: line %d: a record with only empty values, skipped", source, line)
            continue
        record = _record(fields, line, source)
        record.item["id"] = taken.new(record.item)
        record.item = {"id": record.item.pop("id"), **record.item}
        out.append(record)
    return out


def _report(found: list[PubmedRecord], source: str) -> None:
    """Say, once per file, what the items cannot hold (see the module docstring)."""
    warn_about_records(found, source, log)
    not_kept: Counter[str] = Counter()
    for record in found:
        not_kept.update({_label(tag, value) for tag, value in record.item.get(EXTRA, ())})
    if not_kept:
        listed = ", ".join(f"{tag} in {count} record{'s' if count > 1 else ''}"
                           for tag, count in sorted(not_kept.items()))
        log.warning("%s: MEDLINE tags that references have no field for (not stored on "
                    "import): %s", source, listed)


def _label(tag: str, value: str) -> str:
    """A kept tag as the import names it: `AID [pii]` for an article identifier, whose DOI
    line was read into the DOI (only its other kinds are not stored)."""
    match = _ID_SUFFIX.match(value) if tag in ("LID", "AID") else None
    return f"{tag} [{match.group(2)}]" if match else tag


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """All records of a MEDLINE (.nbib) file as items (ParseError on anything else)."""
    found = records(text, source=source)
    _report(found, source)
    return [record.item for record in found]


# --------------------------------------------------------------------------------------
# Writing

def _line(tag: str, value: str) -> list[str]:
    value = " ".join(str(value).split())
    head = f"{tag:<4}- "
    if tag not in WRAPPED or len(head) + len(value) <= 80:
        return [head + value]
    wrapped = textwrap.wrap(value, width=80 - 6, break_long_words=False,
                            break_on_hyphens=False)
    return [head + wrapped[0]] + ["      " + part for part in wrapped[1:]]


_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span|sc)(?:\s[^>]*)?>", re.IGNORECASE)


def _plain(text: Any) -> str:
    """CSL rich text without its tags (`<i>`, `<sup>`, `<span class="nocase">` …): MEDLINE
    has plain text only. Everything else, spacing included, is kept."""
    return _MARKUP.sub("", str(text))


def _short_name(name: Mapping[str, Any]) -> str:
    """`Casbon JA` from family/given (what PubMed's AU lines hold)."""
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    initials = "".join(w[0] for w in re.split(r"[\s.\-]+", str(name.get("given") or "")) if w)
    text = f"{family} {initials}".strip()
    if name.get("suffix"):
        text += f" {name['suffix']}"
    return text


def _full(name: Mapping[str, Any]) -> str:
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)
    text = f"{family}, {given}" if given else family
    if name.get("suffix"):
        text += f", {name['suffix']}" if given else f", , {name['suffix']}"
    return text


def record_lines(item: Mapping[str, Any], *, tags: Iterable[str] | None = None) -> list[str]:
    """One item as MEDLINE lines (without line ends)."""
    out: list[tuple[str, str]] = []
    extra = [list(pair) for pair in item.get(EXTRA) or () if len(pair) == 2]

    def put(tag: str, value: Any) -> None:
        if value not in (None, ""):
            out.append((tag, " ".join(str(value).split())))

    put("PMID", item.get("PMID"))
    for issn in (s.strip() for s in str(item.get("ISSN") or "").split(",")):
        put("IS", issn)
    put("VI", item.get("volume"))
    put("IP", item.get("issue"))
    put("DP", format_pubmed_date(item.get("issued")))
    # PubMed's Bookshelf records: a chapter has TI and its book's BTI, a whole book BTI alone
    if item.get("type") == "book":
        put("BTI", _plain(item.get("title") or ""))
    else:
        put("TI", _plain(item.get("title") or ""))
    if item.get("type") == "chapter":
        put("BTI", _plain(item.get("container-title") or ""))
    put("PG", item.get("page"))
    doi = item.get("DOI")
    if doi:
        put("LID", f"{doi} [doi]")
    put("AB", item.get("abstract"))
    # a person is a full line and its short form; an organisation is CN (editors: ED alone)
    for variable, full_tag, short_tag, group_tag in (("author", "FAU", "AU", "CN"),
                                                     ("editor", "FED", "ED", "ED")):
        for name in item.get(variable) or ():
            if name.get("family"):
                put(full_tag, _full(name))
                put(short_tag, _short_name(name))
            elif name.get("literal"):
                put(group_tag, name["literal"])
    put("LA", pubmed_language(str(item.get("language") or "")))
    if item.get("type") not in ("book", "chapter"):
        put("TA", _plain(item.get("container-title-short") or ""))
        put("JT", _plain(item.get("container-title") or ""))
    put("PB", item.get("publisher"))
    put("PMC", item.get("PMCID"))
    for keyword in add_tags(item, tags):
        put("OT", keyword)
    for tag, value in extra:
        if tag == "LID" and doi:
            tag = "AID"   # one LID per record: the DOI's
        put(tag, value)
    if doi:
        put("AID", f"{doi} [doi]")
    put("SO", _source(item))
    lines: list[str] = []
    for tag, value in out:
        lines.extend(_line(tag, value))
    return lines


def _source(item: Mapping[str, Any]) -> str:
    """PubMed's `SO` citation line: `Brief Bioinform. 2002 Sep;3(3):296-302. doi: 10.x/y.`"""
    journal = item.get("container-title-short") or item.get("container-title") or ""
    date = format_pubmed_date(item.get("issued"))
    text = f"{_plain(journal)}. {date}" if journal else date
    volume, issue, page = item.get("volume"), item.get("issue"), item.get("page")
    if volume:
        text += f";{volume}"
        if issue:
            text += f"({issue})"
    if page:
        text += f":{page}"
    if not text:
        return ""
    text += "."
    if item.get("DOI"):
        text += f" doi: {item['DOI']}."
    return text.strip()


def exact_date(date: object) -> bool:
    """Whether PubMed's `DP` form can say this CSL date exactly (no circa, no open end, months
    1-12, years from 1000, at most a season on a single year)."""
    if not isinstance(date, Mapping) or date.get("circa"):
        return False
    parts = date.get("date-parts") or []
    if not parts:
        return bool(date.get("literal"))
    for part in parts:
        if not part or not isinstance(part[0], int) or part[0] < 1000:
            return False
        if len(part) > 1 and not (isinstance(part[1], int) and 1 <= part[1] <= 12):
            return False
    return not (date.get("season") and (len(parts) > 1 or len(parts[0]) > 1))


# CSL variables this module writes (for round-trip accounting and the export warning).
FIELDS = frozenset("""
type author editor title container-title container-title-short issued volume issue page DOI
PMID PMCID ISSN language abstract keyword publisher
""".split())


# The reader extras this writer writes back (MEDLINE tags without a variable).
EXTRAS_HELD = frozenset({EXTRA})


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """The CSL variables of `item` this format can carry (for round-trip accounting)."""
    fields = set(FIELDS)
    if item.get("type") == "book":
        fields -= {"container-title", "container-title-short"}
    if item.get("type") == "chapter":
        fields.discard("container-title-short")
    if item.get("type") not in ("article-journal", "book", "chapter"):
        fields.discard("type")   # read back as a journal article
    return fields


def unsupported(item: Mapping[str, Any]) -> list[str]:
    """The item's variables a MEDLINE record cannot hold (`id` aside: no MEDLINE tag)."""
    carried = carried_fields(item) | {"id"}
    return sorted(k for k, v in item.items()
                  if not k.startswith("_") and v not in (None, "", [], {}) and k not in carried)


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None) -> str:
    """Items as a MEDLINE (.nbib) file (what MEDLINE cannot hold: `api.export_warnings`)."""
    tags = list(tags or ())
    chunks = []
    marked_up = empty = broken = inexact = 0
    for item in items:
        if any(_MARKUP.search(str(item.get(v) or "")) for v in
               ("title", "container-title", "container-title-short")):
            marked_up += 1
        if "\n" in str(item.get("abstract") or "").strip():
            broken += 1
        if item.get("issued") and not exact_date(item["issued"]):
            inexact += 1
        lines = record_lines(item, tags=tags)
        if not lines:
            empty += 1
            continue
        chunks.append("\n".join(lines) + "\n")
    if empty:
        log.warning("MEDLINE export: %d item%s with nothing a MEDLINE record can hold, not "
                    "written", empty, "s" if empty > 1 else "")
    if inexact:
        log.warning("MEDLINE export: dates MEDLINE's DP cannot say exactly (circa, open ranges, "
                    "seasons in ranges, years before 1000) in %d record%s", inexact,
                    "s" if inexact > 1 else "")
    if broken:
        log.warning("MEDLINE export: abstracts written as one paragraph (MEDLINE has no line "
                    "breaks) in %d record%s", broken, "s" if broken > 1 else "")
    if marked_up:
        log.warning("MEDLINE export: title markup (italics, superscripts …) written as plain "
                    "text in %d record%s", marked_up, "s" if marked_up > 1 else "")
    return "\n" + "\n".join(chunks) if chunks else ""

