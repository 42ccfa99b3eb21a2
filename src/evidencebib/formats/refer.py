"""EndNote tagged / Refer (`.enw`, `.refer`) files -> items; read only.

The format: one field a line, `%` + one character + a space + the value (`%0 Journal Article`,
`%A Family, Given`, `%T`, `%J`, `%D` …); a line without a tag continues the value before it;
records are separated by blank lines (a `%0` after other tags also starts a record). This is
what EndNote's "Export > Refer/BibIX" and its `.enw` "direct export" write, and what Google
Scholar, Web of Science, CNKI/Wanfang and many publishers' "download citation" links give.

The tags are read as EndNote's "tagged import format" defines them and as Zotero's translator
"Refer/BibIX" (zotero/translators `ReferBibIX.js`) and JabRef's `EndnoteImporter` read them:

* `%0` the reference type, mapped as Zotero maps it (`TYPE_NAMES`; no `%0`, or `Generic`, is
  a book, as in Zotero); EndNote types Zotero leaves unmapped (Blog, Pamphlet, Standard …) get
  the CSL type of the RIS reader's equivalent. An unknown type is a `document`, named in a note.
  Several `%0` lines before any other tag: the last one counts (Zotero), the others are kept.
* names: `%A` author, `%E` editor, `%Y` and `%?` translator (Zotero), `%Q` an organisation as
  author (Zotero: corporate author). `Family, Given[, Suffix]`; a name without a comma is
  `Given Family` (Zotero's `cleanAuthor`), one word is a family name (`余敏`), and a name
  ending in its only comma is an organisation (EndNote's rule: `World Health Organization,`).
* `%T` title, `%!` short title, `%J` journal (the first; a second `%J`, an alternative title
  such as CNKI's English journal name, is kept as an extra), `%B` the container (a book's
  series, as EndNote and JabRef read it), `%S` series, `%V`, `%N` (issue), `%P` pages,
  `%7` edition, `%6` number of volumes, `%C` place, `%I` publisher, `%9` type of work
  (genre), `%&` section, `%G` language, `%L` call number, `%F` label (the citation key).
* dates: `%D` the year, `%8` the date (`June 1`, `2018-06-01`) completed with it; `%[` the
  date accessed.
* identifiers: `%R` DOI when it is one (EndNote's Electronic Resource Number; Zotero's old
  Refer meaning, a report number, is taken for reports; anything else is kept as an extra),
  `%@` ISBN/ISSN (classified by form, as RIS `SN`), `%U` URL (the first that is no doi.org
  link of the DOI; the others kept), `%M` accession number (a PMID when it is all digits,
  as PubMed's EndNote records have it; else `archive_location`), `%W` database provider and
  `%~` name of database -> `source` (as the RIS reader reads `DP`/`DB`; Zotero puts `%W` in
  Archive Location, which styles print as where the work is held).
* text: `%X` abstract, `%K` keywords (one a line or one a tag), `%Z` and `%O` notes -> `note`,
  `%<` research notes -> `annote` (with the lines formats/extras.py writes read back).
* a journal (magazine, newspaper) article, as EndNote's own "EndNote Import" filter for the
  Journal Article type reads it: `%O` alternate journal -> `container-title-short`, `%7` Epub
  date -> `available-date` (as the EndNote XML reader reads Edition), `%2` PMCID.
* a conference paper without `%E`: `%Y` are the proceedings' editors and `%S` (with no `%B`)
  their title, as bibutils writes them (the ACL Anthology's "Endnote" export).

Every other tag (`%+` author address, `%H` translated author, `%>` file link, `%1`–`%4` custom
fields, `%*` …) is kept on the item under `_refer` as `["%+", value]` pairs: CSL-JSON, RIS and
EndNote XML carry them (formats/extras.py), and an import into a condition (BibTeX) names them
in its warning (formats/inventory.py) — nothing is dropped silently. What could not be read
exactly (an unknown type, a `%R` that is no DOI) is a note on the item (`api.import_notes`:
file, line and record).

No writer: people bring `.enw` files in; what they take out goes to RIS or EndNote XML, which
EndNote, Zotero and JabRef read with more fields than Refer has (see README, Known limitations).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from evidencebib.errors import ParseError, UsageError
from evidencebib.formats import extras
from evidencebib.model import LINE, NOTES, Item, doi
from evidencebib.model.dates import parse_date_text
from evidencebib.model.keys import with_ids
from evidencebib.model.keywords import join_keywords
from evidencebib.model.names import parse_name
from evidencebib.model.pages import join_pages, split_pages
from evidencebib.model.pubmed_ids import pmcid, pmid
from evidencebib.model.serials import add_serials

EXTRA = "_refer"
log = logging.getLogger(__name__)

# Zotero item type -> CSL type (Zotero's own CSL mapping)
_ZOTERO_TO_CSL = {
    "book": "book", "bookSection": "chapter", "journalArticle": "article-journal",
    "magazineArticle": "article-magazine", "newspaperArticle": "article-newspaper",
    "thesis": "thesis", "letter": "personal_communication", "manuscript": "manuscript",
    "film": "motion_picture", "artwork": "graphic", "webpage": "webpage", "report": "report",
    "bill": "bill", "case": "legal_case", "hearing": "hearing", "patent": "patent",
    "statute": "legislation", "map": "map", "audioRecording": "song",
    "videoRecording": "motion_picture", "computerProgram": "software",
    "conferencePaper": "paper-conference", "document": "document",
    "encyclopediaArticle": "entry-encyclopedia", "dictionaryEntry": "entry-dictionary",
}
# `%0` value -> Zotero item type: ReferBibIX.js `inputTypeMap`, then its `typeMap` read
# backwards (the first Zotero type with that name)
_ZOTERO_TYPES = {
    "Book": "book", "Book Section": "bookSection", "Journal Article": "journalArticle",
    "Magazine Article": "magazineArticle", "Newspaper Article": "newspaperArticle",
    "Thesis": "thesis", "Personal Communication": "letter", "Unpublished Work": "manuscript",
    "Film or Broadcast": "film", "Artwork": "artwork", "Web Page": "webpage",
    "Report": "report", "Bill": "bill", "Case": "case", "Hearing": "hearing",
    "Patent": "patent", "Statute": "statute", "Map": "map",
    "Computer Program": "computerProgram", "Conference Paper": "conferencePaper",
    "Encyclopedia": "encyclopediaArticle", "Dictionary": "dictionaryEntry",
    # inputTypeMap
    "Ancient Text": "book", "Audio": "audioRecording", "Audiovisual Material": "videoRecording",
    "Generic": "book", "Chart or Table": "artwork", "Classical Work": "book",
    "Conference Proceedings": "conferencePaper", "Edited Book": "book",
    "Electronic Article": "journalArticle", "Electronic Book": "book", "Equation": "artwork",
    "Figure": "artwork", "Government Document": "document", "Grant": "document",
    "Legal Rule or Regulation": "statute", "Online Database": "webpage",
    "Online Multimedia": "webpage", "Electronic Source": "webpage",
}
# EndNote's default types Zotero's translator has no entry for (its TODO): the CSL type the
# RIS reader gives the same EndNote type (BLOG, CTLG, MUSIC, PAMP, SER, STAND, DATA, AGGR …)
_MORE_TYPES = {
    "Blog": "post-weblog", "Catalog": "book", "Music": "musical_score", "Pamphlet": "pamphlet",
    "Serial Publication": "book", "Serial": "book", "Standard": "standard",
    "Dataset": "dataset", "Aggregated Database": "dataset", "Interview": "interview",
    "Electronic Book Section": "chapter", "Podcast": "song", "Press Release": "article",
    "Discussion Forum": "post", "Social Media": "post", "Multimedia Application": "software",
}
TYPE_NAMES = {name.lower(): _ZOTERO_TO_CSL[zotero] for name, zotero in _ZOTERO_TYPES.items()} | {
    name.lower(): csl for name, csl in _MORE_TYPES.items()}
DEFAULT_TYPE = "book"  # Zotero: `new Zotero.Item(inputTypeMap.Generic)`
PERIODICAL = {"article-journal", "article-magazine", "article-newspaper", "periodical"}

_TAG = re.compile(r"^%(\S)(?: (.*)|)$")
_DOI = re.compile(r"(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+", re.IGNORECASE)
# tags whose continuation lines are separate values (Zotero splits `%K` on line breaks)
_LINE_LIST = {"K", "@", "U"}
_KEEP_LINES = {"X", "Z", "O", "<"}


def _records(text: str, source: str) -> list[tuple[int, list[tuple[str, str, int]]]]:
    """[(line of the first tag, [(tag, value, line)])] — blank lines end a record."""
    records: list[tuple[int, list[tuple[str, str, int]]]] = []
    current: list[tuple[str, str, int]] = []
    lines: list[list[str]] = []  # each field's lines

    def close() -> None:
        if current:
            fields = [(tag, "\n".join(part).strip(), number)
                      for (tag, _, number), part in zip(current, lines, strict=True)]
            records.append((current[0][2], fields))
        current.clear()
        lines.clear()

    if text.startswith("\ufeff"):
        text = text[1:]
    skipped = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\ufeff", "")
        if not line:
            close()
            continue
        match = _TAG.match(line)
        if match is None:
            if not records and not current:
                skipped += 1  # text before the first tag: Zotero skips it too
                continue
            if not current:
                raise ParseError(f"expected a tagged line such as '%0 Journal Article' after "
                                 f"the blank line, found {line[:60]!r}", file=source, line=number)
            lines[-1].append(line)
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "0" and current and any(t != "0" for t, _, _ in current):
            close()  # a new `%0` without a blank line before it (JabRef, EndNote)
        current.append((tag, value, number))
        lines.append([value])
    close()
    if not records:
        raise ParseError("no EndNote tagged (Refer) records found", file=source, line=1)
    if skipped:
        log.warning("%s: %d line%s before the first record (line %d) skipped", source, skipped,
                    "" if skipped == 1 else "s", records[0][0])
    return records


def _name(text: str) -> dict[str, str]:
    """One `%A`/`%E`/`%Y` name (see the module docstring)."""
    text = " ".join(text.split())
    if text.endswith(",") and text.count(",") == 1:
        return {"literal": text[:-1].strip()}
    if "," in text:
        return parse_name(text)
    words = text.split(" ")
    if len(words) == 1:
        return {"family": text}
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].islower():
        cut -= 1  # `Jan van der Berg`: the particle goes with the family name
    name = {"family": " ".join(words[len(words) - 1:]), "given": " ".join(words[:cut])}
    particle = " ".join(words[cut:len(words) - 1])
    if particle:
        name["non-dropping-particle"] = particle
    return name


def _date(year: str | None, full: str | None) -> dict[str, Any] | None:
    """`%D` (year) completed by `%8` (date): Zotero joins them, `%D 2018` + `%8 June 1`."""
    if full:
        if year and year.strip() not in full:
            found = parse_date_text(full, year=year.strip())
        else:
            found = parse_date_text(full)
        if found and found.get("date-parts"):
            return found
    if year:
        return parse_date_text(year)
    return None


def _item(fields: list[tuple[str, str, int]], line: int) -> Item:
    notes: list[str] = []
    extra: list[list[str]] = []
    types = [value for tag, value, _ in fields if tag == "0"]
    item: Item = {"type": DEFAULT_TYPE}
    if types:
        raw = types[-1]
        extra += [["%0", value] for value in types[:-1] if value]
        if raw.lower() in TYPE_NAMES:
            item["type"] = TYPE_NAMES[raw.lower()]
        else:
            item["type"] = "document"
            extra.append(["%0", raw])
            notes.append(f"reference type '{raw}' is not one EndNote or Zotero defines: read "
                         "as a document (kept as %0)")
    csl_type = item["type"]
    values: dict[str, list[str]] = {}
    for tag, value, _ in fields:
        if tag == "0":
            continue
        parts = [v.strip() for v in value.split("\n")] if tag in _LINE_LIST else [value]
        if tag not in _KEEP_LINES:
            parts = [" ".join(p.split()) for p in parts]
        values.setdefault(tag, []).extend(p for p in parts if p)

    def take(tag: str) -> list[str]:
        return values.pop(tag, [])

    def first(tag: str) -> str | None:
        found = take(tag)
        if found[1:]:
            extra.extend([f"%{tag}", value] for value in found[1:])
        return found[0] if found else None

    periodical = csl_type in PERIODICAL
    if csl_type == "paper-conference" and "E" not in values:
        # bibutils (ACL Anthology): the proceedings' editors in %Y, their title in %S
        values["E"] = values.pop("Y", [])
        if not ({"B", "J"} & set(values)) and "S" in values:
            values["B"] = values.pop("S")
    if periodical:
        # EndNote's Journal Article (its "EndNote Import" filter, X8.2): %O Alternate
        # Journal, %7 Epub Date, %2 PMCID
        alternate = values.pop("O", [])
        if alternate:
            item["container-title-short"] = alternate[0]
            alternate = alternate[1:]
        extra.extend(["%O", value] for value in alternate)
        for value in values.pop("2", []):
            found = pmcid(value)
            if found and "PMCID" not in item:
                item["PMCID"] = found
            else:
                extra.append(["%2", value])
        for value in values.pop("7", []):
            epub = parse_date_text(value)
            if epub and epub.get("date-parts") and "available-date" not in item:
                item["available-date"] = epub  # as the EndNote XML reader reads Edition
            else:
                extra.append(["%7", value])
    for variable, tags in (("author", "AQ"), ("editor", "E"), ("translator", "Y?")):
        names = [_name(v) if tag != "Q" else {"literal": v}
                 for tag in tags for v in take(tag)]
        if names:
            item[variable] = names
    title = first("T")
    if title:
        item["title"] = title
    short = first("!")
    if short:
        item["title-short"] = short
    journal, secondary = first("J"), first("B")
    if csl_type == "book" and secondary:
        item["collection-title"] = secondary
        secondary = None
    container = journal or secondary
    if journal and secondary:
        extra.append(["%B", secondary])
    if container:
        item["container-title"] = container
    series = first("S")
    if series:
        if "collection-title" in item:
            extra.append(["%S", series])
        else:
            item["collection-title"] = series
    issued = _date(first("D"), first("8"))
    if issued:
        item["issued"] = issued
    accessed = first("[")
    if accessed:
        date = parse_date_text(accessed)
        if date and date.get("date-parts"):
            item["accessed"] = date
        else:
            extra.append(["%[", accessed])
    simple = {"V": "volume", "N": "number" if csl_type == "report" else "issue",
              "7": "edition", "6": "number-of-volumes",
              "C": "publisher-place", "I": "publisher", "9": "genre", "&": "section",
              "G": "language", "L": "call-number"}
    for tag, variable in simple.items():
        given = take(tag)
        if given:
            # Zotero joins repeated fields with ", " (`%G` Flerspråklig, Norsk, …)
            item[variable] = ", ".join(given)
    page = first("P")
    if page:
        item["page"] = join_pages(*split_pages(page)) or page
    for value in take("@"):
        add_serials(item, value, periodical=periodical)
    for value in take("R"):
        if _DOI.fullmatch(value) and "DOI" not in item:
            item["DOI"] = doi.normalize(value)
        elif csl_type == "report" and "number" not in item:
            item["number"] = value
        else:
            extra.append(["%R", value])
            notes.append(f"%R {value!r} is no DOI: not read as the DOI (kept as a %R tag)")
    urls = [u for u in take("U") if not doi.is_doi_url(u, item.get("DOI"))]
    if urls:
        item["URL"] = urls[0]
        extra.extend(["%U", u] for u in urls[1:])
    for value in take("M"):
        if pmid(value) and value.isdigit() and "PMID" not in item:
            item["PMID"] = value
        elif "archive_location" not in item:
            item["archive_location"] = value
        else:
            extra.append(["%M", value])
    source = [v for tag in "W~" for v in take(tag)]
    if source:
        item["source"] = source[0]
        extra.extend(["%~", v] for v in source[1:])
    key = first("F")
    if key:
        item["id"] = key
    abstract = "\n".join(take("X")).strip()
    if abstract:
        item["abstract"] = abstract
    note = "\n".join(take("Z") + take("O")).strip()
    if note:
        item["note"] = note
    keywords = take("K")
    if keywords:
        item["keyword"] = join_keywords(keywords)
    research = []
    for value in take("<"):
        carried, cut, rest = extras.from_lines(value)
        for kind, pairs in carried.items():
            item.setdefault(kind, []).extend(pairs)
        extras.restore_truncated(item, cut)
        if rest.strip():
            research.append(rest)
    if research:
        item["annote"] = "\n".join(research)
    for tag, tag_values in values.items():
        extra.extend([f"%{tag}", value] for value in tag_values)
    if extra:
        item[EXTRA] = extra
    if notes:
        item[NOTES] = notes
    item[LINE] = line
    return item


def read(text: str, *, source: str = "<string>") -> list[Item]:
    """All records of an EndNote tagged / Refer file as items (ParseError when it is none)."""
    return with_ids([_item(fields, line) for line, fields in _records(text, source)])


def write(items: Any, **options: Any) -> str:
    raise UsageError("EndNote tagged (.enw) files are read, not written: export 'ris' or "
                     "'endnote-xml', which EndNote reads with every field")
