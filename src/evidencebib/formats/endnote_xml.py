"""EndNote XML files <-> items.

Structure: `<xml><records><record>…</record></records></xml>` as EndNote writes it (and
Zotero, JabRef, Bookends, pandoc and bibutils read it). Parsing uses lxml with a hardened
parser (no DTD loading, no entity resolution, no network, no huge trees) and refuses any
document with a `<!DOCTYPE` (entity tricks live there); malformed XML is a ParseError with
the line. Text may be plain or wrapped in `<style face="…">` runs: runs are concatenated,
`italic`/`bold`/`superscript`/`subscript`/`underline` faces become the CSL rich-text tags
`<i>`, `<b>`, `<sup>`, `<sub>`, `<span style="text-decoration:underline;">`; the writer turns
those tags back into style runs (plain text otherwise). Whitespace runs are collapsed
(pretty-printed exports wrap long titles), except in `abstract` and `notes` where line
breaks are kept; typographic spaces (a thin or no-break space) are characters of the value
and kept, in both directions (model/pages.one_line).

Reference types are EndNote's real numbers with their `name` attribute (17 Journal Article,
6 Book, 28 Edited Book, 5 Book Section, 47 Conference Paper, 10 Conference Proceedings,
27 Report, 32 Thesis, 12 Web Page, 59 Dataset, 13 Generic …). On import the `name` wins
over the number (JabRef writes its own numbering: `<ref-type name="Book">2</ref-type>`).

Field map (CSL <- -> EndNote): author <-> contributors/authors (for 28 Edited Book the
editors are in `authors`), editor <-> secondary-authors, collection-editor <->
tertiary-authors, translator <-> translated-authors (subsidiary-authors also read),
title/container-title/collection-title/title-short <-> titles/{title, secondary-title,
tertiary-title, short-title}, container-title (+ short) also as periodical/{full-title,
abbr-1} for periodicals (a `full-title` longer than `secondary-title` is the container title
and the other its short form: EndNote's journal term list beside a PubMed import's
abbreviation), container-title-short <-> alt-title, pages, volume, issue <->
`number` for periodicals (`issue` elsewhere), number <-> custom7 ("Article Number") for
periodicals and `number` elsewhere, edition, section, number-of-volumes <-> num-vols,
issued <-> dates/{year, pub-dates/date} (the date element holds ISO/EDTF when year alone is
not the whole date), publisher-place <-> pub-location, publisher, ISBN/ISSN <-> isbn (one per
line), PMID/archive_location <-> accession-num (digits = PMID), call-number <-> call-num,
id <-> label (the citation key), genre <-> work-type, available-date <-> edition of
periodicals (EndNote's "Epub Date", `2023/08/01`; an edition that is no date stays edition),
DOI <-> electronic-resource-num, abstract,
note <-> notes, language, URL <-> urls/related-urls/url (web-urls also read), accessed <->
access-date, annote <-> research-notes (with the lines other formats' extras are carried in,
formats/extras.py), PMCID <-> custom2 (periodicals), event-title <-> custom1 and event-place <->
custom4 (conference types), source <-> remote-database-name (or, without one,
remote-database-provider; archive has no element), keyword <-> keywords/keyword.
Option `tags=[…]` adds keywords.

Names are `Last, First`; a corporate author is ended by a comma (EndNote's manual, "Author and
Editor Names"), also one with commas of its own (`Department of Health, Social Services and
Public Safety,`), and is written so. A Date field `12/06/2019`, day/month or month/day by the
locale EndNote ran in, gives only the year (with a warning; the field is kept as an extra);
`25/06/2019`, an ISO date or a month name is read whole.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable, Mapping, cast

from lxml import etree

from evidencebib.errors import ParseError
from evidencebib.formats import extras, protected_case
from evidencebib.model import ET_AL, LINE, Item, doi
from evidencebib.model.dates import day_month_year, format_edtf, normalize_date, parse_date_text
from evidencebib.model.keys import with_ids
from evidencebib.model.keywords import add_tags, join_keywords
from evidencebib.model.names import format_name, organisation_with_comma, parse_name, strip_others
from evidencebib.model.pages import one_line
from evidencebib.model.pubmed_ids import pmid
from evidencebib.model.serials import add_serials, kept_serials

log = logging.getLogger(__name__)

# CSL type -> (EndNote number, name)
TYPE_TO_ENDNOTE: dict[str, tuple[int, str]] = {
    "article-journal": (17, "Journal Article"), "book": (6, "Book"),
    "chapter": (5, "Book Section"), "paper-conference": (47, "Conference Paper"),
    "report": (27, "Report"), "thesis": (32, "Thesis"), "webpage": (12, "Web Page"),
    "dataset": (59, "Dataset"), "document": (13, "Generic"),
    "article-newspaper": (23, "Newspaper Article"), "article-magazine": (19, "Magazine Article"),
    "manuscript": (36, "Manuscript"), "patent": (25, "Patent"),
    "software": (9, "Computer Program"), "entry-encyclopedia": (53, "Encyclopedia"),
    "entry-dictionary": (52, "Dictionary"), "map": (20, "Map"),
    "motion_picture": (21, "Film or Broadcast"), "legal_case": (7, "Case"), "bill": (4, "Bill"),
    "legislation": (31, "Statute"), "graphic": (2, "Artwork"),
    "personal_communication": (26, "Personal Communication"), "post-weblog": (56, "Blog"),
    "standard": (58, "Standard"), "pamphlet": (24, "Pamphlet"), "hearing": (14, "Hearing"),
    "figure": (37, "Figure"), "classic": (49, "Classical Work"), "musical_score": (61, "Music"),
    "regulation": (50, "Legal Rule or Regulation"), "periodical": (57, "Serial"),
}
NAME_TO_TYPE = {name.lower(): csl for csl, (_, name) in TYPE_TO_ENDNOTE.items()} | {
    "edited book": "book", "conference proceedings": "paper-conference",
    "electronic article": "article-journal", "electronic book": "book",
    "electronic book section": "chapter", "unpublished work": "manuscript",
    "government document": "report", "audiovisual material": "motion_picture",
    "online database": "dataset", "online multimedia": "webpage", "ancient text": "classic",
    "chart or table": "figure", "equation": "document", "grant": "document",
    "catalog": "book", "aggregated database": "dataset", "interview": "interview",
    "podcast": "broadcast", "press release": "article-newspaper", "serial": "periodical",
    # JabRef's exporter uses its own names (and numbers)
    "conference": "paper-conference", "article": "article-journal", "misc": "document",
    "phdthesis": "thesis", "mastersthesis": "thesis", "techreport": "report",
    "inproceedings": "paper-conference", "incollection": "chapter", "inbook": "chapter",
    "online": "webpage", "electronic": "webpage",
}
NUMBER_TO_TYPE = {number: csl for csl, (number, _) in TYPE_TO_ENDNOTE.items()} | {
    28: "book", 10: "paper-conference", 43: "article-journal", 44: "book", 60: "chapter",
    34: "manuscript", 46: "report", 3: "motion_picture", 45: "dataset", 48: "webpage",
}
PERIODICAL = {"article-journal", "article-magazine", "article-newspaper", "periodical"}
CONFERENCE = {"paper-conference"}

FACES = {"italic": "i", "bold": "b", "superscript": "sup", "subscript": "sub"}
_UNDERLINE = '<span style="text-decoration:underline;">'
_RICH = re.compile(r'(<(/?)(i|b|sup|sub)>|<span\b[^>]*>|</span>)')
MULTILINE = {"abstract", "notes", "research-notes"}
# The last "author" of a truncated list as EndNote users write it (EndNote's manual)
TRUNCATION = "et al.,"


# --------------------------------------------------------------------------------------
# Reading


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=True,
                           remove_pis=True)


def _rich(element: etree._Element, multiline: bool) -> str:
    """An element's text, `<style face=…>` runs turned into CSL rich-text tags."""
    pieces: list[str] = []

    def visit(node: etree._Element, inherited: str = "") -> None:
        if node.text:
            pieces.append(_wrap(node.text, inherited))
        for child in node:
            if not isinstance(child.tag, str):
                continue
            face = inherited
            if child.tag == "style":
                face = child.get("face", "normal")
            visit(child, face)
            if child.tail:
                pieces.append(_wrap(child.tail, inherited))

    visit(element)
    text = "".join(pieces)
    if multiline:
        lines = [one_line(line) for line in text.replace("\r", "\n").split("\n")]
        return "\n".join(lines).strip("\n ")
    return one_line(text)


def _wrap(text: str, face: str) -> str:
    """`text` in the tags of `face`; whitespace at its edges stays outside them (a run
    `<style face="italic"> Catharacta</style>` is ` <i>Catharacta</i>`: EndNote prints both
    alike, and a space inside markup next to one outside would be a run of two)."""
    core = text.strip()
    if not core or not face or face == "normal":
        return text
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    text = core
    for word in reversed(face.split()):
        if word in FACES:
            text = f"<{FACES[word]}>{text}</{FACES[word]}>"
        elif word == "underline":
            text = f"{_UNDERLINE}{text}</span>"
    return lead + text + trail


def _record_type(record: etree._Element) -> str:
    ref_type = record.find("ref-type")
    if ref_type is None:
        return "document"
    name = (ref_type.get("name") or "").strip().lower()
    if name in NAME_TO_TYPE:
        return NAME_TO_TYPE[name]
    try:
        return NUMBER_TO_TYPE.get(int((ref_type.text or "").strip()), "document")
    except ValueError:
        return "document"


def _line(element: etree._Element) -> int | None:
    # lxml-stubs 0.5.1 leaves `sourceline` untyped (`= ...`); lxml's is the line or None
    return cast("int | None", element.sourceline)


class _Record:
    """One `<record>` as the reader takes values from it: every leaf element a value is taken
    from is marked used, so that the ones left over are kept as `_endnote` extras (issue 15:
    every field a reader meets is mapped or reported, never dropped without a word)."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        # lxml returns the same proxy for a node while one is alive: this set keeps them
        self.used: set[etree._Element] = set()

    def text(self, path: str, multiline: bool = False, *, use: bool = True) -> str | None:
        element = self.element.find(path)
        if element is None:
            return None
        value = _rich(element, multiline) or None
        if value and use:
            self.used.add(element)
        return value

    def texts(self, path: str, *, use: bool = True, multiline: bool = False) -> list[str]:
        return [value for _, value in self.elements(path, use=use, multiline=multiline)]

    def elements(self, path: str, *, use: bool = False,
                 multiline: bool = False) -> list[tuple[etree._Element, str]]:
        found = [(e, v) for e in self.element.findall(path) if (v := _rich(e, multiline))]
        if use:
            self.used.update(e for e, _ in found)
        return found

    def use(self, path: str) -> None:
        element = self.element.find(path)
        if element is not None:
            self.used.add(element)


# Elements that identify the record in the EndNote library it came from, not the work (the
# library file, the program, the record's number there): not reference data, never reported.
BOOKKEEPING = frozenset({"database", "source-app", "rec-number", "foreign-keys/key"})
# Extras kept under this private key as [path below <record>, text] pairs; the EndNote writer
# writes them back, the other formats report them ("EndNote auth-address ×2",
# formats/inventory.py) or carry them (CSL-JSON, formats/extras.py).
EXTRA = "_endnote"
# Elements that hold a title or its abbreviation, several of which often repeat one
TITLE_TAGS = frozenset({"title", "secondary-title", "tertiary-title", "alt-title", "short-title",
                        "translated-title", "full-title", "abbr-1", "abbr-2", "abbr-3"})


def _path(element: etree._Element, record: etree._Element) -> str:
    tags = [element.tag]
    for ancestor in element.iterancestors():
        if ancestor is record:
            break
        tags.append(ancestor.tag)
    return "/".join(reversed([str(t) for t in tags]))


def _leftovers(reader: _Record) -> list[list[str]]:
    """[path, text] of every leaf element with text the reader took no value from; a title
    repeating one taken from another element (the journal in `periodical/full-title`,
    `alt-periodical/full-title` and `titles/secondary-title`) is held already and left out,
    as are BOOKKEEPING elements."""
    record = reader.element
    used_texts = {_rich(e, False) for e in reader.used if e.tag in TITLE_TAGS}
    out: list[list[str]] = []
    # entity references have a function as their tag (lxml-stubs say str)
    for element in record.iter():
        tag = element.tag
        if not isinstance(tag, str) or element is record:  # type: ignore[redundant-expr]
            continue
        if tag == "style" or element in reader.used:
            continue
        if any(isinstance(c.tag, str) and c.tag != "style"  # type: ignore[redundant-expr]
               for c in element):
            continue  # a container (titles, dates …): its leaves are looked at
        if any(a in reader.used for a in element.iterancestors()):
            continue
        path = _path(element, record)
        value = _rich(element, element.tag in MULTILINE)
        if not value or path in BOOKKEEPING or (element.tag in TITLE_TAGS
                                                  and value in used_texts):
            continue
        out.append([path, value])
    return out


def _ambiguous_day_month(text: str) -> bool:
    """`12/06/2019` (either could be the month); not `25/06/2019`, `06/25/2019`, `06/06/2019`,
    an ISO date or a month name (`model.dates.day_month_year`, shared with the RIS reader)."""
    slashed = day_month_year(text)
    return slashed is not None and slashed[1]


def _name(text: str) -> dict[str, str]:
    """An author as EndNote writes it: `Last, First`, or a corporate author ended by a comma
    (EndNote's manual, "Author and Editor Names": a comma after the name keeps EndNote from
    splitting it into last and first names) — which may hold commas of its own (`Department of
    Health, Social Services and Public Safety,`: redteam5 F37), read as one organisation; else
    as model/names.parse_name reads a name."""
    text = " ".join(text.split())
    body = text[:-1].rstrip()
    if text.endswith(",") and "," in body and " " in body and not body[:1].islower():
        return {"literal": body}
    return parse_name(text)


def _name_text(name: Mapping[str, Any]) -> str:
    """`format_name`, and an organisation with a comma of its own ended by one (`_name`)."""
    return format_name(name) + ("," if organisation_with_comma(name) else "")


def _record_item(element: etree._Element, source: str = "<string>") -> Item:
    record = _Record(element)
    csl_type = _record_type(element)
    record.use("ref-type")
    ref_type = element.find("ref-type")
    edited_book = ref_type is not None and (
        (ref_type.get("name") or "").strip().lower() == "edited book"
        or (not ref_type.get("name") and (ref_type.text or "").strip() == "28"))
    item: Item = {"type": csl_type}
    names = {
        "author": record.texts("contributors/authors/author"),
        "editor": record.texts("contributors/secondary-authors/author"),
        "collection-editor": record.texts("contributors/tertiary-authors/author"),
        "translator": record.texts("contributors/translated-authors/author")
        or record.texts("contributors/subsidiary-authors/author"),
    }
    if edited_book and not names["editor"]:
        names["editor"], names["author"] = names["author"], []
    for variable, values in names.items():
        parsed, truncated = strip_others([_name(v) for v in values])
        if parsed:
            item[variable] = parsed
        if truncated:
            item.setdefault(ET_AL, []).append(variable)
    title = record.text("titles/title") or record.text("title")
    if title:
        item["title"] = title
    secondary = record.text("titles/secondary-title") or record.text("secondary-title")
    full = record.text("periodical/full-title", use=False)
    if csl_type in PERIODICAL and secondary and full and len(full) > len(secondary):
        # EndNote's journal term list: `full-title` is the journal's full name, the record's
        # Journal field (`secondary-title`, what PubMed imports fill) its abbreviation
        item["container-title"] = full
        record.use("periodical/full-title")
    elif secondary or full:
        item["container-title"] = secondary or record.text("periodical/full-title")
    short = (record.text("periodical/abbr-1") or record.text("titles/alt-title")
             or record.text("alt-periodical/abbr-1"))
    if not short and item.get("container-title") == full and secondary and secondary != full:
        short = secondary
    if short:
        item["container-title-short"] = short
    series = record.text("titles/tertiary-title") or record.text("tertiary-title")
    if series:
        item["collection-title"] = series
    short_title = record.text("titles/short-title")
    if short_title:
        item["title-short"] = short_title
    edition = record.text("edition", use=False)
    if edition and csl_type in PERIODICAL:
        # EndNote's Journal Article keeps its "Epub Date" in Edition (`2023/08/01`): the date
        # the article was made available, CSL available-date
        epub = _read_epub_date(edition)
        if epub:
            item["available-date"] = epub
            record.use("edition")
    simple = {"pages": "page", "volume": "volume", "edition": "edition", "section": "section",
              "num-vols": "number-of-volumes", "pub-location": "publisher-place",
              "publisher": "publisher", "call-num": "call-number", "label": "id",
              "work-type": "genre", "language": "language"}
    for tag, variable in simple.items():
        value = record.text(tag) if variable not in item else None
        if value and not (variable == "edition" and "available-date" in item):
            item[variable] = value
    # remote-database-name is the database the record came from (PubMed, MEDLINE, Embase),
    # remote-database-provider its provider (NLM, Ovid; kept as an extra when there is a
    # name): CSL `source`, "a library catalog or database", as RIS DB/DP (ris.py, issue 15
    # item 6). Neither is an archive, which styles print as where the work is held (APA
    # "… e101–e110. PubMed.", Vancouver "Located at: PubMed.": redteam5 F38).
    database = record.text("remote-database-name") or record.text("remote-database-provider")
    if database:
        item["source"] = database
    if csl_type in PERIODICAL:
        issue = record.text("number") or record.text("issue")
        number = record.text("custom7")
        pmcid = record.text("custom2", use=False)
        if pmcid and re.fullmatch(r"PMC\d+", pmcid, re.IGNORECASE):
            item["PMCID"] = pmcid.upper()
            record.use("custom2")
    else:
        issue = record.text("issue")
        number = record.text("number")
    if issue:
        item["issue"] = issue
    if number:
        item["number"] = number
    if csl_type in CONFERENCE:
        for tag, variable in (("custom1", "event-title"), ("custom4", "event-place")):
            value = record.text(tag)
            if value:
                item[variable] = value
    # dates
    year = record.text("dates/year", use=False)
    date_text = record.text("dates/pub-dates/date", use=False)
    issued = None
    if date_text and _ambiguous_day_month(date_text):
        # EndNote writes the Date field in the locale of the machine: `12/06/2019` is 12 June
        # in the UK and December 6 in the US. Only the year is read (redteam5 F39); the field
        # stays an extra, written back as it was and named by other formats' exports
        log.warning("%s: record at line %s: the date %r may be day/month or month/day; only "
                    "the year is read", source, _line(element), date_text)
        if not year:
            issued = parse_date_text(date_text[-4:])
        date_text = None
    if date_text:
        issued = parse_date_text(date_text, year=year)
        if issued and "date-parts" not in issued and year:
            issued = None
        if issued:
            record.use("dates/pub-dates/date")
    if issued is None and year:
        issued = parse_date_text(year)
    if issued:
        item["issued"] = issued
        if year:
            record.use("dates/year")
    month = record.text("dates/month", use=False)  # JabRef writes <month>12</month>
    if month and month.isdigit() and item.get("issued", {}).get("date-parts") \
            and len(item["issued"]["date-parts"][0]) == 1 and 1 <= int(month) <= 12:
        item["issued"]["date-parts"][0].append(int(month))
        record.use("dates/month")
    accessed = record.text("access-date")
    if accessed:
        item["accessed"] = parse_date_text(accessed)
    # identifiers
    for value in record.texts("isbn", multiline=True):  # an ISBN and an ISSN: one a line
        add_serials(item, value, periodical=csl_type in PERIODICAL)
    for node, value in record.elements("accession-num"):
        if value.isdigit() and "PMID" not in item:
            item["PMID"] = value
        elif not value.isdigit() and "archive_location" not in item:
            item["archive_location"] = value
        else:
            continue
        record.used.add(node)
    doi_text = record.text("electronic-resource-num")
    if doi_text:
        item["DOI"] = doi.normalize(doi_text)
    urls = (record.elements("urls/related-urls/url") + record.elements("urls/web-urls/url"))
    for node, url in urls:
        if doi.is_doi_url(url, item.get("DOI")):
            record.used.add(node)  # only repeats the DOI, which every style links
        elif "URL" not in item:
            item["URL"] = url
            record.used.add(node)
    abstract = record.text("abstract", multiline=True)
    if abstract:
        item["abstract"] = abstract
    notes = record.text("notes", multiline=True)
    if notes:
        item["note"] = notes
    keywords = record.texts("keywords/keyword")
    if keywords:
        item["keyword"] = join_keywords(keywords)
    research = record.text("research-notes", multiline=True)
    if research:  # our carried lines (formats/extras.py); the rest is the user's note
        carried, cut, rest = extras.from_lines(extras.restore_names(item, research))
        for key, pairs in carried.items():
            item.setdefault(key, []).extend(pairs)
        extras.restore_truncated(item, cut)
        if rest:  # EndNote's Research Notes: the user's annotation of the item, CSL annote
            item["annote"] = rest
    leftover = _leftovers(record)
    if leftover:
        item.setdefault(EXTRA, []).extend(leftover)
    return item


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """All records of an EndNote XML file as items."""
    if text.startswith("\ufeff"):
        text = text[1:]
    declaration = re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE)
    if declaration:
        line = text[:declaration.start()].count("\n") + 1
        raise ParseError("EndNote XML with a DOCTYPE/ENTITY declaration is refused "
                         "(not needed by EndNote, used for entity attacks)",
                         file=source, line=line)
    # lxml refuses str input with an encoding declaration; the text is already decoded.
    body = re.sub(r"^\s*<\?xml[^>]*\?>", lambda m: "\n" * m.group(0).count("\n"), text, count=1)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as error:
        # (lxml's `position` is (lineno, offset + 1): it adds nothing to `lineno`)
        raise ParseError(f"malformed XML: {' '.join(str(error.msg).split())}", file=source,
                         line=error.lineno) from None
    except ValueError as error:
        raise ParseError(f"not XML text: {error}", file=source) from None
    if root is None or root.tag not in ("xml", "records"):
        raise ParseError(f"not EndNote XML: the root element is <{getattr(root, 'tag', '?')}>, "
                         "expected <xml><records>", file=source, line=1)
    items: list[Item] = []
    for record in root.iter("record"):
        try:
            item = _record_item(record, source)
        except (ValueError, TypeError) as error:
            raise ParseError(f"record does not parse: {error}", file=source,
                             line=_line(record)) from None
        item[LINE] = record.sourceline
        items.append(item)
    return with_ids(items)


# --------------------------------------------------------------------------------------
# Writing


def _set_rich(element: etree._Element, value: str) -> None:
    """Plain text, or `<style face=…>` runs when the value holds CSL rich-text tags. CSL's
    nocase/nodecor spans have no face and are dropped, their words kept (formats/
    protected_case.py; EndNote showed `<span class="nocase">` as text; the export warns)."""
    value = protected_case.strip(_clean(value))
    if not _RICH.search(value):
        element.text = value
        return
    stack: list[str] = []
    spans: list[bool] = []  # per open <span>: is it the underline one?
    pos = 0
    pending = ""
    for match in _RICH.finditer(value):
        token = match.group(0)
        text = pending + value[pos:match.start()]
        pending = ""
        pos = match.end()
        if token.startswith("<span"):
            underline = token == _UNDERLINE
            spans.append(underline)
            if not underline:
                pending = text + token  # another span (not nocase, small caps) stays text
                continue
        elif token == "</span>":
            underline = spans.pop() if spans else False
            if not underline:
                pending = text + token
                continue
        if text:
            _run(element, text, stack)
        if token.startswith("<span"):
            stack.append("underline")
        elif token == "</span>":
            if "underline" in stack:
                stack.remove("underline")
        elif match.group(2):
            face = {v: k for k, v in FACES.items()}[match.group(3)]
            if face in stack:
                stack.remove(face)
        else:
            stack.append({v: k for k, v in FACES.items()}[match.group(3)])
        pos = match.end()
    if pending or pos < len(value):
        _run(element, pending + value[pos:], stack)


def _run(element: etree._Element, text: str, faces: list[str]) -> None:
    style = etree.SubElement(element, "style", face=" ".join(faces) or "normal",
                             font="default", size="100%")
    style.text = text


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> str:
    """Text XML 1.0 can carry (control characters removed)."""
    return _XML_BAD.sub("", str(value))


def unwritable(value: Any) -> bool:
    """Whether `value` (text, a name, a list of them) holds a character XML 1.0 cannot."""
    if isinstance(value, str):
        return bool(_XML_BAD.search(value))
    if isinstance(value, Mapping):
        return any(unwritable(v) for v in value.values())
    if isinstance(value, list):
        return any(unwritable(v) for v in value)
    return False


def _add(parent: etree._Element, tag: str, value: Any, *, multiline: bool = False) -> None:
    if value is None or value == "":
        return
    text = str(value) if multiline else one_line(value)
    if not text:
        return
    _set_rich(etree.SubElement(parent, tag), text)


def _record(item: Mapping[str, Any], number: int, tags: list[str]) -> etree._Element:
    csl_type = item.get("type") or "document"
    authors = list(item.get("author") or ())
    editors = list(item.get("editor") or ())
    edited_book = csl_type == "book" and editors and not authors
    ref_number, ref_name = (28, "Edited Book") if edited_book else \
        TYPE_TO_ENDNOTE.get(csl_type, (13, "Generic"))
    record = etree.Element("record")
    etree.SubElement(record, "rec-number").text = str(number)
    etree.SubElement(record, "ref-type", name=ref_name).text = str(ref_number)
    contributors = etree.SubElement(record, "contributors")
    groups = (("authors", editors if edited_book else authors,
               "editor" if edited_book else "author"),
              ("secondary-authors", [] if edited_book else editors, "editor"),
              ("tertiary-authors", item.get("collection-editor") or (), "collection-editor"),
              ("translated-authors", item.get("translator") or (), "translator"))
    truncated = item.get(ET_AL) or ()
    for tag, names, variable in groups:
        if names:
            group = etree.SubElement(contributors, tag)
            for name in names:
                _add(group, "author", _name_text(name))
            if variable in truncated:
                # EndNote's own mark of a truncated list (its manual, "Author and Editor
                # Names": the last author "et al." followed by a comma); read back as such
                _add(group, "author", TRUNCATION)
    if not len(contributors):
        record.remove(contributors)
    titles = etree.SubElement(record, "titles")
    _add(titles, "title", item.get("title"))
    _add(titles, "secondary-title", item.get("container-title"))
    _add(titles, "tertiary-title", item.get("collection-title"))
    _add(titles, "alt-title", item.get("container-title-short"))
    _add(titles, "short-title", item.get("title-short"))
    if not len(titles):
        record.remove(titles)
    if csl_type in PERIODICAL and item.get("container-title"):
        periodical = etree.SubElement(record, "periodical")
        _add(periodical, "full-title", item.get("container-title"))
        _add(periodical, "abbr-1", item.get("container-title-short"))
    _add(record, "pages", item.get("page"))
    _add(record, "volume", item.get("volume"))
    if csl_type in PERIODICAL:
        _add(record, "number", item.get("issue"))
    else:
        _add(record, "number", item.get("number"))
        _add(record, "issue", item.get("issue"))
    available = normalize_date(item.get("available-date")) if item.get("available-date") else None
    if csl_type in PERIODICAL and available and available.get("date-parts"):
        _add(record, "edition", _epub_date(available))  # EndNote's Epub Date
    else:
        _add(record, "edition", item.get("edition"))
    _add(record, "section", item.get("section"))
    _add(record, "num-vols", item.get("number-of-volumes"))
    words = add_tags(item, tags)
    if words:
        keywords = etree.SubElement(record, "keywords")
        for word in words:
            _add(keywords, "keyword", word)
    issued = normalize_date(item.get("issued")) if item.get("issued") else None
    if issued:
        dates = etree.SubElement(record, "dates")
        parts = issued.get("date-parts") or []
        if parts:
            _add(dates, "year", str(parts[0][0]))
            plain_year = len(parts) == 1 and len(parts[0]) == 1 and not issued.get("circa") \
                and not issued.get("season")
            if not plain_year:
                pub = etree.SubElement(dates, "pub-dates")
                _add(pub, "date", readable_date(issued) or format_edtf(issued))
        elif issued.get("literal"):
            pub = etree.SubElement(dates, "pub-dates")
            _add(pub, "date", issued["literal"])
    _add(record, "pub-location", item.get("publisher-place"))
    _add(record, "publisher", item.get("publisher"))
    serials = [str(item[k]) for k in ("ISBN", "ISSN") if item.get(k)]
    if serials:
        _add(record, "isbn", "\n".join(serials), multiline=True)
    # a `pmid` holding no PMID (a publisher in Papers' `pmid` field) is not written as one: it
    # would read back as the archive location; the export names it (`carried_fields`)
    accession = [str(item[k]) for k in ("PMID", "archive_location") if item.get(k)
                 and (k != "PMID" or pmid(item[k]))]
    for value in accession:
        _add(record, "accession-num", value)
    _add(record, "call-num", item.get("call-number"))
    _add(record, "label", item.get("id"))
    _add(record, "work-type", item.get("genre"))
    _add(record, "electronic-resource-num", item.get("DOI"))
    _add(record, "abstract", item.get("abstract"), multiline=True)
    _add(record, "notes", item.get("note"), multiline=True)
    _add(record, "remote-database-name", item.get("source"))  # archive: no element (F38)
    _add(record, "language", item.get("language"))
    url = item.get("URL")
    if url:
        if not doi.is_doi_url(str(url), item.get("DOI")):
            urls = etree.SubElement(record, "urls")
            related = etree.SubElement(urls, "related-urls")
            _add(related, "url", url)
    if item.get("accessed"):
        accessed = normalize_date(item["accessed"]) or {}
        _add(record, "access-date", format_edtf(accessed) or accessed.get("literal"))
    if csl_type in CONFERENCE:
        _add(record, "custom1", item.get("event-title"))
    if csl_type in PERIODICAL:
        _add(record, "custom2", item.get("PMCID"))
    if csl_type in CONFERENCE:
        _add(record, "custom4", item.get("event-place"))
    if csl_type in PERIODICAL:
        _add(record, "custom7", item.get("number"))
    _write_extras(record, item)
    return record


# An element path of `_endnote` the writer can create (XML names; no style run)
_PATH = re.compile(r"(?!style(?:/|$))[A-Za-z_][\w.-]*(?:/(?!style(?:/|$))[A-Za-z_][\w.-]*)*")


def _write_extras(record: etree._Element, item: Mapping[str, Any]) -> None:
    """The item's `_endnote` elements where they were read from, and as Research Notes lines
    the other readers' extras and its truncated name lists (formats/extras.py)."""
    research = [str(item["annote"])] if item.get("annote") else []
    for path, value in extras.pairs(item, EXTRA):
        if path == "research-notes":
            research.append(value)
            continue
        if not _PATH.fullmatch(path) or path in BOOKKEEPING:
            continue
        *parents, leaf = path.split("/")
        parent = record
        for tag in parents:
            found = parent.find(tag)
            parent = found if found is not None else etree.SubElement(parent, tag)
        _add(parent, leaf, value, multiline=leaf in MULTILINE)
    # the truncated lists are marked in the names themselves (`TRUNCATION`)
    research += extras.to_lines({k: v for k, v in item.items() if k != ET_AL},
                                EXTRAS_HELD - {EXTRA}) + extras.name_lines(item)
    _add(record, "research-notes", "\n".join(research), multiline=True)


_SEASONS = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter"}
_SEASON_WORDS = frozenset({"spring", "summer", "autumn", "fall", "winter"})


def readable_date(date: Mapping[str, Any]) -> str | None:
    """A year's season or circa as EndNote users write the Date field beside Year (`Winter`,
    `ca. 2019`), which this reader takes back; None for what only EDTF says (ranges, months
    with circa), written as EDTF."""
    parts = date.get("date-parts") or []
    if len(parts) != 1 or len(parts[0]) != 1 or (date.get("season") and date.get("circa")):
        return None
    if date.get("season"):
        season = str(date["season"]).strip()
        if season.isdigit():
            return _SEASONS.get(int(season))
        return season.capitalize() if season.lower() in _SEASON_WORDS else None
    if date.get("circa"):
        return f"ca. {parts[0][0]}" if parts[0][0] > 0 else None
    return None


_EPUB = re.compile(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?")


def _read_epub_date(text: str) -> dict[str, Any] | None:
    """An Epub Date as EndNote writes it (`2023/08/01`, `2023/08`) or any single date with a
    year of four digits: a bare small number (`2`, `12`) is an edition, the field's meaning in
    EndNote's other reference types (EndNote manual, "Edition"), never the year 2."""
    match = _EPUB.fullmatch(text.strip())
    if match:
        parts = [int(p) for p in match.groups() if p]
        if 1 <= parts[1] <= 12 and (len(parts) < 3 or 1 <= parts[2] <= 31):
            return {"date-parts": [parts]}
        return None
    date = parse_date_text(text)
    if date and len(date.get("date-parts") or ()) == 1 and date["date-parts"][0][0] >= 1000:
        return date
    return None


def _epub_date(date: Mapping[str, Any]) -> str:
    """A date as EndNote writes an Epub Date (`2023/08/01`), EDTF when it is more than one day."""
    parts = date["date-parts"]
    if len(parts) == 1 and not date.get("circa") and not date.get("season"):
        return "/".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[0]))
    return format_edtf(date) or ""


def _indent(element: etree._Element, level: int = 0) -> None:
    """Pretty-print layout that never touches mixed content (`<style>` runs stay tight)."""
    # comments and processing instructions have a function as their tag (lxml-stubs say str)
    children = [c for c in element if isinstance(c.tag, str)]  # type: ignore[redundant-expr]
    if not children or any(c.tag == "style" for c in children):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in children:
        _indent(child, level + 1)
        child.tail = pad
    children[-1].tail = "\n" + "  " * level


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None) -> str:
    """Items as an EndNote XML document (UTF-8 declaration, pretty-printed)."""
    tags = list(tags or ())
    root = etree.Element("xml")
    records = etree.SubElement(root, "records")
    for number, item in enumerate(items, start=1):
        records.append(_record(item, number, tags))
    _indent(root)
    body = etree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# The reader extras this writer carries: its own elements, the others in Research Notes.
EXTRAS_HELD = frozenset(extras.KINDS)


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """The CSL variables of `item` this format can carry (for round-trip accounting)."""
    fields = set(FIELDS)
    csl_type = item.get("type")
    if csl_type not in PERIODICAL:
        fields.discard("PMCID")
    else:
        fields.add("available-date")  # in Edition, EndNote's Epub Date
        if item.get("available-date") and item.get("edition"):
            fields.discard("edition")
    if csl_type not in CONFERENCE:
        fields -= {"event-title", "event-place"}
    # a C0 control character (`300\x01C`, pasted from a PDF) is no XML 1.0 character, not even
    # as a reference (XML 1.0 §2.2 Char): the writer leaves it out (`_clean`), the export names
    # the variable
    fields -= {variable for variable in fields if unwritable(item.get(variable))}
    if item.get("PMID") and not pmid(item["PMID"]):
        fields.discard("PMID")  # not written: in accession-num it would be read as one
    fields -= read_back_otherwise(item)
    if item.get("archive_location") and str(item["archive_location"]).isdigit():
        fields.discard("archive_location")  # read back as PMID
    # an organisation with a comma of its own is written ended by a comma, EndNote's corporate
    # author, and read back as one (`_name`)
    # `isbn` holds ISBNs and ISSNs, told apart by their form when read (model/serials.py)
    fields -= {"ISSN", "ISBN"} - kept_serials(item, periodical=csl_type in PERIODICAL)
    return fields


def read_back_otherwise(item: Mapping[str, Any]) -> set[str]:
    """The variables of `item` the writer puts where the reader reads another value, so the
    export names them (never a silent change):
    - an edition of a periodical that reads as a date (`Fall 2015`, `2016/01/30`): Edition is
      a Journal Article's Epub Date in EndNote, read back as available-date;
    - a literal date (`12/06/2019`, `3.6.2019`, kept as written by the BibTeX reader): the
      writer puts it in the free-text Date / Access Date, which the reader parses as
      EndNote's dates (EndNote manual, "Date")."""
    out = set()
    edition = item.get("edition")
    if (item.get("type") in PERIODICAL and edition and not item.get("available-date")
            and _read_epub_date(str(edition))):
        out.add("edition")
    for variable in ("issued", "accessed"):
        date = item.get(variable)
        if not isinstance(date, Mapping) or date.get("date-parts") or not date.get("literal"):
            continue
        literal = " ".join(str(date["literal"]).split())
        if parse_date_text(literal) != {"literal": literal}:
            out.add(variable)
    return out


FIELDS = frozenset("""
id type author editor collection-editor translator title title-short container-title
container-title-short collection-title event-title event-place issued accessed volume issue
page number edition number-of-volumes section genre publisher publisher-place ISSN ISBN DOI
URL PMID PMCID archive_location call-number source language abstract keyword note annote
""".split())
