"""RIS files <-> items.

Reading is tolerant of what real exporters write (EndNote, Zotero, Mendeley, Citavi, RefWorks,
Scopus, Web of Science, Ovid, Google Scholar): a UTF-8 BOM, LF/CRLF/CR line ends, blank lines
and `1.`-style record numbers between records, continuation lines (a line without a tag
continues the previous value), the old tags `T1`/`A1`/`Y1`/`JO`/`JF`/`JA`/`N2`, `DA` in
`YYYY/MM/DD/other` form or as free text (`SEP 22`, year taken from `PY`), DOIs written as
URLs, and `UR` lines that only repeat the DOI (dropped). It is strict about structure: a
tagged line before `TY`, a `TY` inside an open record, or a record without `ER` (a
truncated file) is a ParseError with the line number — never half a file. MEDLINE (.nbib)
and Web of Science plain text are recognised and rejected with a message saying so (MEDLINE
is read by `formats/medline.py`).
Tags that have no CSL variable (`AD`, `L1`, `L2`, vendor tags …) are kept on the item under
the private key `_ris` as `[tag, value]` pairs, written back by the RIS writer (after the
mapped tags, in their order) and counted as fields other formats cannot hold
(formats/inventory.py).

Writing follows Zotero's RIS map: CRLF line ends, `TY  - ` first, `ER  - ` + blank line last,
one value per line (layout whitespace collapsed, a thin or no-break space kept, as the reader
keeps it: model/pages.one_line) and no continuation lines (a multi-line abstract or note is written as
repeated `AB`/`N1` lines, which this reader joins with newlines again), persons always as
`Family, Given[, Suffix]` with particles in the family part (`van der Berg, Jan`),
organisations of several words with a trailing comma (EndNote's corporate author;
Zotero reads both forms as one field), `PY` (year) + `DA  - YYYY/MM/DD/other` where `other` holds
the full EDTF date when year/month/day cannot say it (ranges, circa, seasons), pages split
into `SP`/`EP`, `SN` = ISSN for periodicals and ISBN otherwise (both may be written), never a
doi.org URL in `UR`. Options: `bom=True` prepends a UTF-8 BOM (EndNote/Windows users);
`tags=[…]` adds each tag (e.g. the condition slug) as an extra `KW` line.

Type-dependent tags (Zotero): `A2` editor / `A3` series editor, except BOOK and RPRT where
`A2` is the series editor and `A3` the editor; `T2` container title, except CONF (`T2` =
event-title, `C3` = proceedings title) and BOOK/RPRT/COMP/MAP (`T2` = series); `T3` series;
`C7` article number for periodicals, `M1` number otherwise; `C2` = container-author for CHAP;
`SP` alone of a BOOK/THES = number of pages.

A season in DA's "other info" part (RIS spec: "e.g. Spring") is the CSL season, also beside a
month and day (`2019/06/15/Summer`, `Y1  - 2018/11//Fall`), and is written so when EDTF
cannot say it. A name the `Family, Given` form reads back in other parts (BibTeX's braced
`{van Gogh}, Vincent`, written `van Gogh, Vincent` as every other program expects) is carried
in an `RN` line for our own import (formats/extras.name_lines).

PMID and PMCID are written as `M2  - PMID: …` and `M2  - PMCID: …`: Zotero's RIS translator
(zotero/translators `RIS.js`) reads `M2` into Extra, one line each, and Extra's `PMID: …` line
is where Zotero keeps a PMID (its `PubMed XML.js`) and what it exports as CSL `PMID`; it reads
`AN` as "Loc. in Archive" and has no field for `C2` of a journal article. Read back from those
`M2`/`N1` lines, from `AN` when it is all digits (EndNote's accession number; else archive
location) and from `C2` of a periodical (EndNote's "PMCID", Custom 2).
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.formats import extras, protected_case
from evidencebib.model import ET_AL, LINE, NOTES, Item, doi
from evidencebib.model.dates import (
    SEASONS, day_month_year, format_edtf, normalize_date, parse_date_text, parse_edtf,
)
from evidencebib.model.keys import with_ids
from evidencebib.model.keywords import add_tags, join_keywords
from evidencebib.model.names import (
    format_name, is_placeholder, organisation_with_comma, parse_name, strip_others,
)
from evidencebib.model.pages import join_pages, one_line, split_pages
from evidencebib.model.pubmed_ids import pmcid, pmid
from evidencebib.model.serials import add_serials, kept_serials

EXTRA = "_ris"
log = logging.getLogger(__name__)

TYPE_TO_RIS = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "book": "BOOK", "chapter": "CHAP", "paper-conference": "CONF", "report": "RPRT",
    "thesis": "THES", "webpage": "ELEC", "dataset": "DATA", "manuscript": "MANSCPT",
    "patent": "PAT", "legal_case": "CASE", "bill": "BILL", "legislation": "STAT",
    "hearing": "HEAR", "software": "COMP", "entry-dictionary": "DICT",
    "entry-encyclopedia": "ENCYC", "map": "MAP", "speech": "SLIDE", "song": "SOUND",
    "motion_picture": "MPCT", "broadcast": "VIDEO", "graphic": "ART", "post-weblog": "BLOG",
    "personal_communication": "PCOMM", "pamphlet": "PAMP", "standard": "STAND",
    "periodical": "JFULL", "figure": "FIGURE", "musical_score": "MUSIC", "regulation": "LEGAL",
    "document": "GEN",
}
RIS_TO_TYPE = {code: csl for csl, code in TYPE_TO_RIS.items()} | {
    "ABST": "article-journal", "EJOUR": "article-journal", "INPR": "article-journal",
    "CPAPER": "paper-conference", "EBOOK": "book", "EDBOOK": "book", "CLSWK": "book",
    "SER": "book", "ECHAP": "chapter", "WEB": "webpage", "GOVDOC": "report",
    "UNPB": "manuscript", "UNPD": "manuscript", "DBASE": "dataset", "AGGR": "dataset",
    "ICOMM": "personal_communication", "ADVS": "motion_picture", "CHART": "figure",
    "MULTI": "broadcast", "CTLG": "book", "ANCIENT": "classic", "GRNT": "document",
    "EQUA": "document", "UNBILL": "bill",
}
LONG_TYPE_NAMES = {
    "journal article": "JOUR", "article": "JOUR", "book": "BOOK", "book section": "CHAP",
    "book chapter": "CHAP", "edited book": "BOOK", "conference paper": "CONF",
    "conference proceedings": "CONF", "report": "RPRT", "thesis": "THES",
    "dissertation": "THES", "web page": "ELEC", "webpage": "ELEC", "electronic source": "ELEC",
    "dataset": "DATA", "generic": "GEN", "newspaper article": "NEWS",
    "magazine article": "MGZN",
}
PERIODICAL = {"JOUR", "MGZN", "NEWS", "JFULL", "EJOUR", "ABST", "INPR"}
SERIES_IN_T2 = {"BOOK", "RPRT", "COMP", "MAP"}
EDITOR_IN_A3 = {"BOOK", "RPRT"}
PAGES_ARE_COUNT = {"BOOK", "THES"}

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|)$")
_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}- ?(.*)$")
_RECORD_NUMBER = re.compile(r"^\s*\d+\.\s*$")
_FIRST_TY = re.compile(r"^\ufeff?TY {1,2}-", re.MULTILINE)
_PMCID = re.compile(r"^PMC\d+$", re.IGNORECASE)
_DOI_LIKE = re.compile(r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+", re.IGNORECASE)
_EXTRA_ID = re.compile(r"(PMID|PMCID):\s*(\S+)", re.IGNORECASE)

# fields whose repeated lines / continuation lines are joined with a newline
MULTILINE = {"AB", "N2", "N1"}
LIST_TAGS = {"AU", "A1", "A2", "A3", "A4", "ED", "KW", "SN", "UR", "C2", "AN", "L1", "L2", "L4"}


# --------------------------------------------------------------------------------------
# Reading


def _not_ris_message(line: str) -> str | None:
    if re.match(r"^(PMID|OWN|STAT|DCOM)- ", line):
        return ("this is MEDLINE/PubMed (.nbib) text, not RIS (4-letter tags such as "
                "'PMID- '); read it as MEDLINE ('--from medline', or let the format be detected)")
    if re.match(r"^(FN|VR|PT) \S", line):
        return ("this is Web of Science plain text ('FN'/'PT' tags without ' - '), not RIS; "
                "export 'Other file formats > RIS' from Web of Science instead")
    return None


def _records(text: str, source: str) -> list[tuple[int, list[tuple[str, list[str], int]]]]:
    """[(line of TY, [(tag, value lines, line)])] — the file's structure, validated."""
    if text.startswith("\ufeff"):
        text = text[1:]
    records: list[tuple[int, list[tuple[str, list[str], int]]]] = []
    current: list[tuple[str, list[str], int]] | None = None
    start = 0
    # Lines without a tag before the first `TY  - ` are a header (JSTOR's and ScienceDirect's
    # `Provider: JSTOR http://www.jstor.org`, `Database: JSTOR`, `Content: text/plain; …`):
    # skipped with a warning, as Zotero's, JabRef's and EndNote's RIS importers skip text
    # before the first record (redteam5 F44). A tagged line there is still an error.
    first_ty = _FIRST_TY.search(text)
    header_end = len(text[:first_ty.start()].splitlines()) + 1 if first_ty else 0
    skipped = 0
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\ufeff", "")
        match = _TAG_LINE.match(line.rstrip()) or _LOOSE_TAG.match(line.rstrip())
        if current is None:
            if not line.strip() or _RECORD_NUMBER.match(line):
                continue
            if number < header_end and not records and not match \
                    and not _not_ris_message(line):
                skipped += 1
                continue
            if match and match.group(1) == "TY":
                current, start = [("TY", [(match.group(2) or "").strip()], number)], number
                continue
            if match and match.group(1) == "ER" and records:
                continue  # a stray second ER between records (seen in exports): harmless
            message = _not_ris_message(line) or (
                f"expected a record starting with 'TY  - ', found {line[:60]!r}")
            raise ParseError(message, file=source, line=number)
        if match:
            tag, value = match.group(1), (match.group(2) or "").strip()
            if tag == "ER":
                records.append((start, current))
                current = None
            elif tag == "TY":
                # as Zotero's RIS.js reads a file, a `TY` starts the next record: the one
                # before ends there (redteam6 G18: the whole file was refused for it)
                log.warning("%s: the record starting at line %d has no 'ER  - ' end tag before "
                            "the next 'TY' (line %d); read up to there", source, start, number)
                records.append((start, current))
                current, start = [("TY", [value], number)], number
            else:
                current.append((tag, [value], number))
        else:
            current[-1][1].append(line.strip())
    if current is not None:
        log.warning("%s: the record starting at line %d has no 'ER  - ' end tag (truncated "
                    "file?); read to the end of the file", source, start)
        records.append((start, current))
    if not records and text.strip():
        raise ParseError("no RIS records found", file=source, line=1)
    if skipped:
        log.warning("%s: %d line%s before the first record (line %d) skipped", source, skipped,
                    "" if skipped == 1 else "s", records[0][0])
    return records


def _joined(tag: str, lines: list[str]) -> list[str]:
    """A field's value(s): KW/SN continuation lines are separate values; others are joined."""
    while lines and not lines[-1]:
        lines = lines[:-1]
    if tag in ("KW", "SN", "UR"):
        return [v for v in (line.strip() for line in lines) if v]
    if tag in MULTILINE:
        return ["\n".join(lines).strip()]
    return [one_line(" ".join(lines))]


# Zotero's RIS export writes each child note as HTML in an `N1` line (its notes are HTML,
# always one or more blocks: `<p>`, `<div data-schema-version=…>`, `<h1>`; RIS.js wraps a text
# note in <p>…</p>). Only a note that starts with a block is read as HTML: a text note with a
# tag inside (Mendeley's `references.<br/><br/>Includes …`) is kept as written.
_HTML_NOTE = re.compile(r"\s*<(?:p|div|h[1-6]|ul|ol|blockquote|pre|table)\b[^<>]*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|u|s|sub|sup|a|ul|ol|li|h[1-6]|"
                       r"blockquote|pre|code|table|tr|td|th|hr)\b[^<>]*/?>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"\s*<br\b[^<>]*>\s*", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"\s*</?(?:p|div|li|h[1-6]|blockquote|pre|tr|hr)\b[^<>]*>\s*",
                         re.IGNORECASE)


def _note_text(value: str) -> str:
    """An `N1` note as text: an HTML note (Zotero's) without its tags and entities, its
    paragraphs and blocks separated by a blank line and `<br>` kept as a line break, the
    inverse of RIS.js's text-to-HTML (`\\n\\n` <-> paragraphs, `\\n` <-> `<br/>`)."""
    if not _HTML_NOTE.match(value):
        return value
    text = _HTML_BREAK.sub("\x00", value)
    text = _HTML_BLOCK.sub("\x01", text)
    text = html.unescape(_HTML_TAG.sub("", text))
    paragraphs = [" ".join(p.split()) for p in text.split("\x01")]
    return "\n\n".join("\n".join(line.strip() for line in p.split("\x00")).strip("\n")
                         for p in paragraphs if p.replace("\x00", "").strip())


def _ris_date(text: str, *, year: Any = None, notes: list[str] | None = None
              ) -> dict[str, Any] | None:
    """`YYYY/MM/DD/other` (any part may be empty); `other` may hold a full EDTF date. A date
    written day/month/year or month/day/year (`15/06/2019`: not the RIS form, but what EBSCO
    and hand-edited files hold) is read as such (`model.dates.day_month_year`), never as the
    year 15; when day and month could be either, only the year, and `notes` says so."""
    text = text.strip()
    if not text:
        return None
    slashed = day_month_year(text)
    if slashed is not None:
        if slashed[1] and notes is not None:
            notes.append(f"date {text!r} may be day/month or month/day; only the year is read")
        return slashed[0]
    match = re.fullmatch(r"(-?\d{1,4})?/(\d{0,2})/?(\d{0,2})/?(.*)", text)
    if match:
        y, m, d, other = match.groups()
        other = other.strip()
        if other:
            edtf = parse_edtf(other)
            if edtf:
                return edtf
        if not y:
            if other and year is None:
                # other info alone, no year (`///3.6.2019`): how the writer keeps a CSL literal
                # date, so it is one (the RIS spec's "other info" is free text beside a year;
                # parsed, `3.6.2019` came back as a date of a day/month order guessed)
                return {"literal": " ".join(other.split())}
            if other:
                return parse_date_text(other, year=year)
            return None
        parts = [int(y)]
        if m and 1 <= int(m) <= 12:
            parts.append(int(m))
            if d and 1 <= int(d) <= 31:
                parts.append(int(d))
        date: dict[str, Any] = {"date-parts": [parts]}
        if other:
            # the 4th part is "other info, e.g. Spring" (RIS spec): a season beside a month
            # and day (`2019/06/15/Summer`, `2018/11//Fall`) is the CSL season too (F29)
            extra = parse_date_text(other, year=parts[0]) or {}
            if "season" in extra:
                date["season"] = extra["season"]
            if extra.get("circa"):
                date["circa"] = True
        return date
    return parse_date_text(text, year=year)


def _date_for_ris(date: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(PY, DA) for a CSL date."""
    date = normalize_date(date) or {}
    parts = date.get("date-parts") or []
    if not parts:
        literal = date.get("literal")
        return None, (f"///{literal}" if literal else None)
    first = parts[0]
    year = first[0]
    simple = len(parts) == 1 and not date.get("circa") and not date.get("season") \
        and (len(first) < 2 or 1 <= first[1] <= 12)
    ymd = [f"{abs(year):04d}" if year >= 0 else f"-{abs(year):04d}", "", ""]
    for index, value in enumerate(first[1:3], start=1):
        if index == 1 and not 1 <= value <= 12:
            break
        ymd[index] = f"{value:02d}"
    other = "" if simple else (format_edtf(date) or "")
    season = date.get("season")
    if season and len(parts) == 1 and len(first) > 1 and not date.get("circa"):
        # EDTF has no season beside a month: the season as the RIS spec's "other info" word
        # (`2019/06/15/Summer`), which the reader takes back (`_ris_date`)
        number = SEASONS.get(str(season).lower()) or _to_int(season)
        word = _SEASON_WORDS.get(number) if isinstance(number, int) else None
        other = word or str(season)
    return ymd[0], "/".join(ymd) + "/" + other


_SEASON_WORDS = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter",
                 21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}


def _to_int(value: Any) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _item(fields: list[tuple[str, list[str], int]], line: int, source: str) -> Item:
    raw_type = fields[0][1][0].strip()
    code = raw_type.upper()
    if code not in RIS_TO_TYPE:
        code = LONG_TYPE_NAMES.get(raw_type.lower(), code)
    item: Item = {"type": RIS_TO_TYPE.get(code, "document")}
    extra: list[list[str]] = []
    if code not in RIS_TO_TYPE:
        extra.append(["TY", raw_type])
    values: dict[str, list[str]] = {}
    for tag, lines, _ in fields[1:]:
        for value in _joined(tag, lines):
            values.setdefault(tag, []).append(value)

    consumed: set[tuple[str, int]] = set()

    def first(*tags: str) -> str | None:
        for tag in tags:
            for index, value in enumerate(values.get(tag, ())):
                if value:
                    consumed.add((tag, index))
                    return value
        return None

    def take(*tags: str, keep_empty: bool = False) -> list[str]:
        out = []
        for tag in tags:
            for index, value in enumerate(values.get(tag, ())):
                consumed.add((tag, index))
                if value or keep_empty:
                    out.append(value)
        return out

    # names
    editor_tag, series_tag = ("A3", "A2") if code in EDITOR_IN_A3 else ("A2", "A3")
    for variable, tags in (("author", ("AU", "A1")), ("editor", (editor_tag, "ED")),
                           ("collection-editor", (series_tag,)), ("translator", ("A4",))):
        written = take(*tags)
        names, truncated = strip_others([parse_name(v) for v in written])
        for value in written:
            if "," in value and is_placeholder(value.split(",", 1)[0]):
                # Mendeley's `null, John`: as the BibTeX reader notes it (redteam6, F52 in RIS)
                item[NOTES] = list(item.get(NOTES) or ()) + [
                    f"{variable}: '{' '.join(value.split())}': '{value.split(',')[0].strip()}' "
                    "stands for a missing family name (left out: the given name alone is kept)"]
        if names:
            item[variable] = names
        if truncated:
            item.setdefault(ET_AL, []).append(variable)
    # titles
    title = first("TI", "T1", "CT") or (first("BT") if code == "BOOK" else None)
    if title:
        item["title"] = title
    t2 = first("T2")
    if code in ("CONF", "CPAPER"):
        if t2:
            item["event-title"] = t2
        container = first("C3", "BT", "JF")
    elif code in SERIES_IN_T2:
        if t2:
            item["collection-title"] = t2
        container = first("JF") if code != "BOOK" else None
    else:
        container = t2 or first("JF", "BT")
    short_container = first("J2", "JA", "J1")
    jo = next((v for v in values.get("JO", ()) if v), None)
    if jo:
        if container is None and code not in SERIES_IN_T2:
            container = first("JO")
        elif short_container is None and jo != container:
            short_container = first("JO")
        elif jo == container:
            first("JO")
    if container:
        item["container-title"] = container
    if short_container:
        item["container-title-short"] = short_container
    if "collection-title" not in item:
        series = first("T3")
        if series:
            item["collection-title"] = series
    short_title = first("ST")
    if short_title:
        item["title-short"] = short_title
    # dates
    year_text = first("PY", "Y1")
    date_notes: list[str] = []
    issued = _ris_date(year_text, notes=date_notes) if year_text else None
    year = (issued or {}).get("date-parts", [[None]])[0][0]
    da = first("DA")
    if da:
        full = _ris_date(da, year=year, notes=date_notes)
        if full and full.get("date-parts") or (full and not issued):
            issued = full
        else:
            consumed.discard(("DA", values["DA"].index(da)))
    if issued:
        item["issued"] = issued
    if date_notes:
        item[NOTES] = list(dict.fromkeys(list(item.get(NOTES) or ()) + date_notes))
    accessed = first("Y2")
    if accessed and _ris_date(accessed):
        item["accessed"] = _ris_date(accessed)
    # numbers
    simple = {"VL": "volume", "IS": "issue", "ET": "edition", "NV": "number-of-volumes",
              "SE": "section", "PB": "publisher", "CY": "publisher-place",
              "LA": "language", "CN": "call-number", "DB": "source", "ID": "id"}
    for tag, variable in simple.items():
        given = first(tag)
        if given:
            item[variable] = given
    # M3 is the type of work (genre); Mendeley writes the DOI there again (`M3  - doi: 10.…`),
    # which Zotero's RIS translator reads as the DOI: a DOI is never a genre
    m3_dois = []
    for index, value in enumerate(values.get("M3", ())):
        if value and _DOI_LIKE.fullmatch(value.strip()):
            m3_dois.append((index, doi.normalize(value)))
        elif value and "genre" not in item:
            item["genre"] = value
            consumed.add(("M3", index))
    # DB is the database the record came from (Medline, Embase, Scopus), DP its provider
    # (Ovid): CSL `source` is "a library catalog or database". Neither is an archive, which
    # styles print as where the work is held (APA printed "Medline.").
    if "source" not in item:
        provider = first("DP")
        if provider:
            item["source"] = provider
    if code in ("CONF", "CPAPER"):
        place = first("C1")
        if place:
            item["event-place"] = place
    number = first("C7") if code in PERIODICAL else first("M1", "C7")
    if number:
        item["number"] = number
    start, end = first("SP"), first("EP")
    if code in PAGES_ARE_COUNT and start and not end and not split_pages(start)[1]:
        item["number-of-pages"] = start
    elif start or end:
        if start and not end:
            item["page"] = join_pages(*split_pages(start))
        else:
            item["page"] = join_pages(start, end)
    # identifiers
    for value in take("SN"):
        add_serials(item, value, periodical=code in PERIODICAL)
    doi_text = first("DO")
    if doi_text:
        item["DOI"] = doi.normalize(doi_text)
    for index, found in m3_dois:
        if "DOI" not in item:
            item["DOI"] = found
        if doi.same(item["DOI"], found):
            consumed.add(("M3", index))  # else kept as a tag, written back
    urls = [u for u in take("UR") if not doi.is_doi_url(u, item.get("DOI"))]
    if urls:
        item["URL"] = urls[0]
        extra.extend(["UR", u] for u in urls[1:])
    _extra_identifiers(item, values, consumed)
    for value in take("AN"):
        if value.isdigit() and "PMID" not in item:
            item["PMID"] = value
        elif "archive_location" not in item:
            item["archive_location"] = value
        else:
            extra.append(["AN", value])
    if code == "CHAP":
        names = [parse_name(v) for v in take("C2")]
        if names:
            item["container-author"] = names
    elif code in PERIODICAL:
        for value in take("C2"):
            if _PMCID.match(value):
                item["PMCID"] = value.upper()
            elif value.isdigit() and "PMID" not in item:
                item["PMID"] = value
            else:
                extra.append(["C2", value])
    # text
    abstract = "\n".join(take("AB", keep_empty=True)).strip()
    if not abstract:
        abstract = "\n".join(take("N2", keep_empty=True)).strip()
    if abstract:
        item["abstract"] = abstract
    note_lines = [_note_text(v) for i, v in enumerate(values.get("N1", ()))
                  if ("N1", i) not in consumed]
    take("N1")
    notes = "\n".join(note_lines).strip()
    if notes:
        item["note"] = notes
    keywords = take("KW")
    if keywords:
        item["keyword"] = join_keywords(keywords)
    research = []  # RN, Research Notes: our carried lines (formats/extras.py), else annote
    for index, value in enumerate(values.get("RN", ())):
        carried, cut, rest = extras.from_lines(extras.restore_names(item, value))
        for key, pairs in carried.items():
            item.setdefault(key, []).extend(pairs)
        extras.restore_truncated(item, cut)
        if rest.strip():
            research.append(rest)
        consumed.add(("RN", index))
    if research:
        item["annote"] = "\n".join(research)
    for tag, tag_values in values.items():
        for index, value in enumerate(tag_values):
            if (tag, index) not in consumed and value:
                extra.append([tag, value])
    if extra:
        item[EXTRA] = extra
    item[LINE] = line
    return item


def _extra_identifiers(item: Item, values: Mapping[str, list[str]],
                       consumed: set[tuple[str, int]]) -> None:
    """PMID/PMCID from `M2` or `N1` lines that are exactly `PMID: …` / `PMCID: …` (Zotero's
    Extra lines); a value that is no PMID (PMCID) stays where it was."""
    for tag in ("M2", "N1"):
        for index, value in enumerate(values.get(tag, ())):
            match = _EXTRA_ID.fullmatch(value.strip())
            if not match:
                continue
            variable = match.group(1).upper()
            found = (pmid if variable == "PMID" else pmcid)(match.group(2))
            if found and variable not in item:
                item[variable] = found
                consumed.add((tag, index))


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """All records of a RIS file as items (ParseError on anything that is not RIS)."""
    return with_ids([_item(fields, line, source) for line, fields in _records(text, source)])


# --------------------------------------------------------------------------------------
# Writing


def _one_line(value: Any) -> str:
    return one_line(value)


def record_lines(item: Mapping[str, Any], *, tags: Iterable[str] | None = None) -> list[str]:
    """One item as RIS lines (without line ends).

    Rich text: CSL's nocase/nodecor spans are dropped (formats/protected_case.py: no RIS reader
    knows them; EndNote and citation-js show them as text; the export warns). `<i>`, `<b>`,
    `<sup>`, `<sub>` are kept: they are Zotero's rich text in its title fields, which its RIS
    translator (zotero/translators RIS.js, `doExport`: `value = item[field]`) writes as they are
    and reads back into those fields, as our reader does; a plain-text reader shows a tag of
    them, never loses a word.
    """
    csl_type = item.get("type") or "document"
    code = TYPE_TO_RIS.get(csl_type, "GEN")
    out: list[tuple[str, str]] = [("TY", code)]

    def put(tag: str, value: Any, *, variable: bool = True) -> None:
        if value is None or value == "":
            return
        text = protected_case.strip(str(value)) if variable else str(value)
        out.append((tag, _one_line(text)))

    def put_lines(tag: str, value: Any) -> None:
        if value in (None, ""):
            return
        lines = [line.rstrip() for line in protected_case.strip(str(value)).strip().splitlines()]
        for line in lines:
            out.append((tag, line.strip()))

    put("ID", item.get("id"))
    editor_tag, series_tag = ("A3", "A2") if code in EDITOR_IN_A3 else ("A2", "A3")
    for variable, tag in (("author", "AU"), ("editor", editor_tag),
                          ("collection-editor", series_tag), ("translator", "A4")):
        for name in item.get(variable) or ():
            put(tag, format_name(name))
    if code == "CHAP":
        for name in item.get("container-author") or ():
            put("C2", format_name(name))
    put("TI", item.get("title"))
    put("ST", item.get("title-short"))
    if code == "CONF":
        put("T2", item.get("event-title"))
        put("C3", item.get("container-title"))
        put("T3", item.get("collection-title"))
    elif code in SERIES_IN_T2:
        put("T2", item.get("collection-title"))
        if code != "BOOK":
            put("JF", item.get("container-title"))
    else:
        put("T2", item.get("container-title"))
        put("T3", item.get("collection-title"))
    put("J2", item.get("container-title-short"))
    if item.get("issued"):
        year, full = _date_for_ris(item["issued"])
        put("PY", year)
        put("DA", full)
    put("VL", item.get("volume"))
    put("IS", item.get("issue"))
    page = item.get("page")
    if page not in (None, ""):
        start, end = split_pages(page)
        put("SP", start)
        put("EP", end)
    elif code in PAGES_ARE_COUNT:
        put("SP", item.get("number-of-pages"))
    put("ET", item.get("edition"))
    put("NV", item.get("number-of-volumes"))
    put("SE", item.get("section"))
    put("C7" if code in PERIODICAL else "M1", item.get("number"))
    put("M3", item.get("genre"))
    put("PB", item.get("publisher"))
    put("CY", item.get("publisher-place"))
    if code == "CONF":
        put("C1", item.get("event-place"))
    for kind in ("ISSN", "ISBN"):
        put("SN", item.get(kind))
    item_doi = item.get("DOI")
    put("DO", item_doi)
    url = item.get("URL")
    if url and not doi.is_doi_url(str(url), item_doi):
        put("UR", url)
    if item.get("accessed"):
        _, accessed = _date_for_ris(item["accessed"])
        put("Y2", accessed)
    for variable in ("PMID", "PMCID"):
        if item.get(variable):
            put("M2", f"{variable}: {item[variable]}")
    put("AN", item.get("archive_location"))
    put("CN", item.get("call-number"))
    put("DB", item.get("source"))
    put("LA", item.get("language"))
    put_lines("AB", item.get("abstract"))
    for keyword in add_tags(item, tags):
        put("KW", keyword)
    for line in _note_lines(item):
        out.append(("N1", line))
    for tag, value in extra_tags(item):
        put(tag, value, variable=False)
    put_lines("RN", item.get("annote"))
    for line in extras.to_lines(item, EXTRAS_HELD - {EXTRA}) + extras.name_lines(item):
        put("RN", line, variable=False)
    lines = [f"{tag}  - {value}" for tag, value in out]
    lines.append("ER  - ")
    return lines


def _note_lines(item: Mapping[str, Any]) -> list[str]:
    """The `N1` lines of the item's note. A line this reader would take as the item's PMID or
    PMCID (`PMID: 23439512`, Zotero's Extra form, `_extra_identifiers`) while the item has none
    is written as an HTML note, `<p>PMID: 23439512</p>`: the form Zotero's RIS translator
    (zotero/translators RIS.js) writes every child note in and reads as the same text, which
    this reader reads as the note's text (`_note_text`), never as an identifier: a note that
    says a PMID is no PMID of the item, and the two stay apart."""
    note = item.get("note")
    if note in (None, ""):
        return []
    out = []
    for line in protected_case.strip(str(note)).strip().splitlines():
        line = line.strip()
        match = _EXTRA_ID.fullmatch(line)
        if match:
            variable = match.group(1).upper()
            found = (pmid if variable == "PMID" else pmcid)(match.group(2))
            if found and not item.get(variable):
                line = f"<p>{html.escape(line, quote=False)}</p>"
        out.append(line)
    return out


_TAG = re.compile(r"[A-Z][A-Z0-9]")


def extra_tags(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The item's `_ris` tags a RIS record can hold again (a tag, not TY/ER, and a value)."""
    return [(str(pair[0]), str(pair[1])) for pair in item.get(EXTRA) or ()
            if len(pair) == 2 and _TAG.fullmatch(str(pair[0])) and pair[0] not in ("TY", "ER")
            and str(pair[1]).strip()]


# The reader extras this writer carries: its own tags, the others' as Research Notes lines.
EXTRAS_HELD = frozenset(extras.KINDS)


def write(items: Iterable[Mapping[str, Any]], *, bom: bool = False,
          tags: Iterable[str] | None = None) -> str:
    """Items as RIS text with CRLF line ends (a blank line after each record)."""
    tags = list(tags or ())
    chunks = []
    for item in items:
        chunks.append("\r\n".join(record_lines(item, tags=tags)) + "\r\n\r\n")
    return ("\ufeff" if bom else "") + "".join(chunks)


# CSL variables this module maps (for round-trip accounting); type via TYPE_TO_RIS.
FIELDS = frozenset("""
id type author editor collection-editor translator container-author title title-short
container-title container-title-short collection-title event-title event-place issued accessed
volume issue page number-of-pages edition number-of-volumes section number genre publisher
publisher-place ISSN ISBN DOI URL PMID PMCID archive_location call-number archive source
language abstract keyword note annote
""".split())


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """The CSL variables of `item` this format can carry (for round-trip accounting)."""
    code = TYPE_TO_RIS.get(item.get("type") or "document", "GEN")
    fields = set(FIELDS)
    if code != "CHAP":
        fields.discard("container-author")
    if item.get("PMID") and not pmid(item["PMID"]):
        fields.discard("PMID")  # kept in the file, read back only when it is a PMID
    if item.get("PMCID") and not pmcid(item["PMCID"]):
        fields.discard("PMCID")
    if code != "CONF":
        fields -= {"event-title", "event-place"}
    if code == "BOOK":
        fields.discard("container-title")
    if code not in PAGES_ARE_COUNT:
        fields.discard("number-of-pages")
    else:
        page = item.get("page")
        count = item.get("number-of-pages")
        if page not in (None, "") or (count not in (None, "")
                                       and split_pages(count)[1] is not None):
            # one SP, the number of pages of a BOOK/THES (RIS spec); a lone SP range is read
            # as the pages (EndNote writes `SP  - 549-565`), so a range here is not carried
            fields.discard("number-of-pages")
            if split_pages(page)[1] is None:
                fields.discard("page")  # a lone SP of a book is its number of pages
    if str(item.get("archive_location") or "").isdigit() and not item.get("PMID"):
        fields.discard("archive_location")  # read back as PMID
    # a name is `Family, Given`, an organisation has no comma: one with a comma would read
    # back as a person (model/names.py), so its list is not carried and the export names it
    fields -= {variable for variable in fields if isinstance(item.get(variable), list)
               and any(organisation_with_comma(name) for name in item[variable])}
    # SN holds ISSNs and ISBNs, told apart by their form when read (model/serials.py)
    fields -= {"ISSN", "ISBN"} - kept_serials(item, periodical=code in PERIODICAL)
    return fields
