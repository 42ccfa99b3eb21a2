"""Condition pages of the Ig Criteria: read a published page, write one from data.

The layout is the published one, byte for byte (see tests/fixtures/recurrent-miscarriage.txt):
two leading blank lines, `# title`, the status line, the labelled rows, the statement
paragraphs, `## Bibliography` with one house-style entry per paragraph, and
`Generated on: D Month YYYY` without a final newline.

The labelled rows are one block of consecutive lines. A row starts a line with `<b>Label</b>`
and a tab; a line that does not start a row continues the row before it (a second paragraph,
a list after a paragraph); the first blank line ends the rows. Any label is a row, in any
order, and a row may be empty. The short page of the seed has exactly two rows, Specific
Conditions (a `<ul>` of bullets) and Level of Evidence, and is kept as those two fields; any
other page keeps its rows, in order, as `Condition.rows`, each row's text exactly as printed
(lists, nested lists and `<p>` paragraphs are HTML on the page and stay so), so that `page`
gives the imported page back byte for byte.

Reading a bibliography line inverts the house style (styles/ig-criteria.csl) for journal
articles, Cochrane reviews and complete works (books, reports). A line that does not fit is
never dropped: `read_page` raises ParseError with its line number, or, when asked to keep
unparsed lines, stores the line's text as an entry marked unparsed.
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from dataclasses import dataclass, field

from evidencebib.errors import ParseError
from evidencebib.model import ET_AL, CitationKeys, Condition, Item, Row, ascii_fold, doi

SPECIFIC_LABEL = "<b>Specific Conditions</b>\t"
LEVEL_LABEL = "<b>Level of Evidence</b>\t"
UL_OPEN = '<ul style="list-style-type: none">'
BULLET = "\u2022 "
UNPARSED_KEYWORD = "evidencebib-unparsed"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass
class ParsedPage:
    condition: Condition
    items: list[Item]
    generated_on: _dt.date | None = None
    unparsed_lines: list[int] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Writing

def write_page(condition: Condition, bibliography: list[str],
               generated_on: _dt.date) -> str:
    """The page text; `bibliography` holds the entries already rendered (markdown)."""
    paragraphs: list[str] = [f"# {condition.title}"]
    if condition.status:
        paragraphs.append(condition.status)
    paragraphs.append(_label_block(condition))
    paragraphs.extend(condition.statement)
    paragraphs.append("## Bibliography")
    paragraphs.extend(bibliography)
    paragraphs.append(f"Generated on: {format_day(generated_on)}")
    return "\n\n" + "\n\n".join(paragraphs)


def _label_block(condition: Condition) -> str:
    """The labelled rows, one `<b>Label</b>` + tab + text per row, rows on consecutive lines."""
    if condition.rows:
        return "\n".join(f"<b>{row.label}</b>\t{row.text}" for row in condition.rows)
    items = "".join(f"<li>{BULLET}{html.escape(text, quote=False)}</li>"
                    for text in condition.specific_conditions)
    # no specific conditions (a new condition's) is an empty row, as the layout prints any row
    # with nothing in it: the label and the tab
    specific = f"{UL_OPEN}{items}</ul>" if items else ""
    return f"{SPECIFIC_LABEL}{specific}\n{LEVEL_LABEL}{condition.level_of_evidence}"


def format_day(day: _dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_day(text: str) -> _dt.date | None:
    match = re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})", text.strip())
    if not match or match.group(2) not in MONTHS:
        return None
    try:
        return _dt.date(int(match.group(3)), MONTHS.index(match.group(2)) + 1, int(match.group(1)))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------
# Reading

def read_page(text: str, *, source: str = "<page>", slug: str | None = None,
              keep_unparsed: bool = False) -> ParsedPage:
    """Parse a published condition page into its metadata and bibliography items."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").split("\n")
    paragraphs = _paragraphs(lines)
    if not paragraphs:
        raise ParseError("the page is empty", file=source)

    line_no, first = paragraphs[0]
    if not first.startswith("# "):
        raise ParseError("expected the condition title as '# Title'", file=source, line=line_no)
    title = first[2:].strip()
    index = 1

    status = ""
    if index < len(paragraphs) and not _ROW_START.match(paragraphs[index][1]):
        status = paragraphs[index][1]
        index += 1
    if index >= len(paragraphs) or not _ROW_START.match(paragraphs[index][1]):
        where = paragraphs[index][0] if index < len(paragraphs) else len(lines)
        raise ParseError("expected the labelled rows ('<b>Specific Conditions</b>', a tab, then "
                         "a <ul> list; '<b>Level of Evidence</b>', a tab, then the level) after "
                         "the title and status line", file=source, line=where)
    label_line, label_block = paragraphs[index]
    rows = _rows(label_block)
    specific: list[str] = []
    level = ""
    if [row.label for row in rows] == ["Specific Conditions", "Level of Evidence"]:
        # the short page (the seed, or a new condition's with an empty first row): kept as the
        # two fields when they give the block back
        try:
            specific = _specific_conditions(label_block.split("\n")[0], source, label_line)
        except ParseError:
            specific = []
        level = rows[1].text
        short = Condition(slug="", title="", specific_conditions=specific, level_of_evidence=level)
        if _label_block(short) == label_block:
            rows = []
        else:
            specific, level = [], ""
    index += 1

    statement = []
    while index < len(paragraphs) and paragraphs[index][1] != "## Bibliography":
        statement.append(paragraphs[index][1])
        index += 1
    if index >= len(paragraphs):
        raise ParseError("missing the '## Bibliography' heading", file=source, line=len(lines))
    index += 1

    items: list[Item] = []
    generated_on = None
    unparsed: list[int] = []
    taken = CitationKeys()
    for line_no, paragraph in paragraphs[index:]:
        if paragraph.startswith("Generated on:"):
            generated_on = parse_day(paragraph[len("Generated on:"):])
            if generated_on is None:
                raise ParseError("expected 'Generated on: D Month YYYY'", file=source, line=line_no)
            continue
        if "\n" in paragraph:
            raise ParseError("a bibliography entry must be a single line", file=source, line=line_no)
        try:
            item = parse_reference(paragraph)
        except ValueError as error:
            if not keep_unparsed:
                raise ParseError(f"cannot read this bibliography entry ({error}); fix the line "
                                 "or use --keep-unparsed to keep it as an unparsed entry",
                                 file=source, line=line_no) from None
            item = unparsed_item(paragraph)
            unparsed.append(line_no)
        item["id"] = taken.new(item)
        items.append(item)

    condition = Condition(slug=slug or slug_from_title(title), title=title, status=status,
                          specific_conditions=specific, level_of_evidence=level,
                          statement=statement, rows=rows)
    return ParsedPage(condition, items, generated_on, unparsed)


# a row starts a line: `<b>Label</b>` then a tab (any label: the page's rows are not a fixed set)
_ROW_START = re.compile(r"<b>([^<>\n]+)</b>\t")


def _rows(block: str) -> list[Row]:
    """The rows of the label block; a line that does not start a row continues the one
    before (a row's second paragraph or list), joined with "\n" as on the page."""
    rows: list[Row] = []
    for line in block.split("\n"):
        match = _ROW_START.match(line)
        if match:
            rows.append(Row(match.group(1), line[match.end():]))
        else:
            rows[-1].text += "\n" + line  # the block starts with a row (checked by the caller)
    return rows


def _paragraphs(lines: list[str]) -> list[tuple[int, str]]:
    """(first line number, text) of each run of non-blank lines."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            out.append((start, "\n".join(current)))
            current = []
    if current:
        out.append((start, "\n".join(current)))
    return out


def _specific_conditions(line: str, source: str, line_no: int) -> list[str]:
    body = line[len(SPECIFIC_LABEL):]
    match = re.fullmatch(r"<ul[^>]*>(.*)</ul>", body)
    if not match:
        raise ParseError("expected a <ul>…</ul> list after 'Specific Conditions'", file=source,
                         line=line_no)
    entries = re.findall(r"<li>(.*?)</li>", match.group(1))
    rest = re.sub(r"<li>.*?</li>", "", match.group(1))
    if rest.strip() or not entries:
        raise ParseError("expected only <li> items in the Specific Conditions list", file=source,
                         line=line_no)
    out = []
    for entry in entries:
        if entry.startswith(BULLET):
            entry = entry[len(BULLET):]
        out.append(html.unescape(entry))
    return out


def slug_from_title(title: str) -> str:
    """A readable slug: the title before any ' / ' or parenthesis, up to six words."""
    head = re.split(r"\s/\s|\(", title, maxsplit=1)[0]
    head = re.sub(r"[\u2010-\u2015]", " ", head)
    words = re.findall(r"[a-z0-9]+", ascii_fold(head).lower()) or \
        re.findall(r"[a-z0-9]+", ascii_fold(title).lower())
    return "-".join(words[:6]) or "condition"


# ---------------------------------------------------------------------------------------
# One bibliography line in the house style

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_LINE = re.compile(
    r"^(?P<authors>.+?) \((?P<year>\d{4}[a-z]?|n\.d\.)\) "
    r"(?:'(?P<title>.+?)', \*(?P<journal>.+?)\*(?:, (?P<locator>[^<]+?))?"
    r"|\*(?P<work>.+?)\*(?:, (?P<publisher>[^<]+?))?)"
    r"(?:, <(?P<link>[^>\s]+)>)?\.$"
)
_LOCATOR = re.compile(
    r"^(?:Issue (?P<cissue>[^,]+), (?P<cpage>\S+)"
    r"|(?P<volume>[^():,\s]+)(?:\((?P<issue>[^)]+)\))?(?::(?P<page>\S+))?"
    r"|\((?P<issue_only>[^)]+)\)(?::(?P<page2>\S+))?)$"
)
_DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/.")
_INITIALS = re.compile(r"^[A-Z](?:-?[A-Z]){0,4}$")


def _unescape(text: str) -> str:
    return _MD_ESCAPE.sub(r"\1", text)


def parse_reference(line: str) -> Item:
    """A house-style bibliography line as an item; ValueError says what did not fit."""
    match = _LINE.match(line.strip())
    if not match:
        raise ValueError("expected 'Authors (Year) 'Title', *Journal*, volume(issue):pages, "
                         "<https://doi.org/DOI>.'")
    item: Item = {}
    authors, truncated = parse_authors(match.group("authors"))
    if authors:
        item["author"] = authors
    if truncated:
        item[ET_AL] = ["author"]
    year = match.group("year")
    if year != "n.d.":
        item["issued"] = {"date-parts": [[int(year[:4])]]}
    if match.group("title") is not None:
        item["type"] = "article-journal"
        item["title"] = _unescape(match.group("title"))
        item["container-title"] = _unescape(match.group("journal"))
        if match.group("locator"):
            item.update(parse_locator(match.group("locator")))
    else:
        item["type"] = "book"
        item["title"] = _unescape(match.group("work"))
        if match.group("publisher"):
            publisher, _, place = _unescape(match.group("publisher")).partition(", ")
            item["publisher"] = publisher
            if place:
                item["publisher-place"] = place
    link = match.group("link")
    if link:
        if _DOI_LINK.match(link):
            item["DOI"] = doi.normalize(link)
        else:
            item["URL"] = link
    # Keys in a fixed order make the stored entries predictable.
    order = ["type", "author", ET_AL, "issued", "title", "container-title", "volume", "issue",
             "page", "publisher", "publisher-place", "DOI", "URL"]
    return {k: item[k] for k in order if k in item}


def _quoted(text: str, limit: int = 80) -> str:
    """Page text quoted for a one-line error message: control characters (a lone CR, an
    escape sequence) are shown escaped, never sent to the terminal, and long text is cut."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown):
        return repr(shown)
    return f"'{shown}'"


def parse_locator(text: str) -> dict[str, str]:
    match = _LOCATOR.match(text.strip())
    if not match:
        raise ValueError(f"cannot read volume/issue/pages {_quoted(text)}")
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    out: dict[str, str] = {}
    if "cissue" in groups:
        out["issue"] = groups["cissue"]
        out["page"] = groups["cpage"]
        return out
    if "volume" in groups:
        out["volume"] = groups["volume"]
    if "issue" in groups or "issue_only" in groups:
        out["issue"] = groups.get("issue") or groups["issue_only"]
    if "page" in groups or "page2" in groups:
        out["page"] = groups.get("page") or groups["page2"]
    return out


def parse_authors(text: str) -> tuple[list[dict[str, str]], bool]:
    """`Empson MB, Lassere M, Craig JC and Scott JR` / `Banjar S, … et al` as CSL names."""
    text = text.strip()
    truncated = False
    if text.endswith(" et al"):
        truncated = True
        text = text[: -len(" et al")]
    head, sep, last = text.rpartition(" and ")
    pieces = (head.split(", ") + [last]) if sep else text.split(", ")
    names = []
    for piece in pieces:
        piece = _unescape(piece.strip())
        if not piece:
            raise ValueError("an empty author name")
        names.append(parse_author(piece))
    return names, truncated


def parse_author(text: str) -> dict[str, str]:
    tokens = text.split(" ")
    if len(tokens) >= 2 and _INITIALS.match(tokens[-1]):
        given = initials_to_given(tokens[-1])
        family_tokens = tokens[:-1]
        particle = []
        while len(family_tokens) > 1 and family_tokens[0][:1].islower():
            particle.append(family_tokens.pop(0))
        name = {"family": " ".join(family_tokens), "given": given}
        if particle:
            name["non-dropping-particle"] = " ".join(particle)
        return name
    if len(tokens) == 1:
        return {"family": text}
    return {"literal": text}


def initials_to_given(initials: str) -> str:
    """`MB` -> `M. B.`, `M-J` -> `M.-J.`: BibTeX-style initials that every style can use."""
    out = ""
    for letter in re.findall(r"-?[A-Z]", initials):
        if letter.startswith("-"):
            out += f"-{letter[1]}."
        else:
            out += (" " if out else "") + f"{letter}."
    return out


def unparsed_item(line: str) -> Item:
    """An entry that keeps a line we could not read, marked so that editors can find it."""
    return {"type": "document", "title": line, "keyword": UNPARSED_KEYWORD,
            "note": "Imported verbatim: evidencebib could not read this bibliography line."}
