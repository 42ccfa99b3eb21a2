"""Which format a file is in (from its content), and bytes -> text.

`detect(text)` returns one of "ris", "csl-json", "endnote-xml", "bibtex" (BibTeX and
BibLaTeX look alike; the caller chooses), "medline" (PubMed's .nbib: it starts with `PMID- `,
or has no `TY  - ` line but a tag only MEDLINE uses, such as `FAU - `), "pubmed-xml" (a saved
EFetch `PubmedArticleSet`; read only), "csl-yaml" (pandoc's YAML bibliography:
`references:` or `- id:` first; read only), "enw" (EndNote tagged / Refer: two `%X value`
lines, the first `%0 `, `%A `, `%T ` …; read only) or raises ParseError naming what the text
looks like instead, with the next step: Web of Science plain text and spreadsheet (CSV)
exports (export RIS instead), lists of DOIs (`--from doi-list`) and of PMIDs or PMCIDs
(`evidencebib add`), empty files and unknown content.

`decode_bytes(data, source)` decodes a file's bytes. Policy (documented recovery):
1. a UTF-8 BOM is stripped, UTF-16 with a BOM is decoded as UTF-16; text whose every
   other byte is NUL is UTF-16 without a BOM (as some Windows programs save it): decoded so,
   with a warning;
2. strict UTF-8;
3. otherwise, unless `fallback=False`, cp1252 (Windows "ANSI", what EndNote/Excel write
   on Western systems), and when cp1252 cannot decode a byte, latin-1 (which decodes
   anything). The fallback is **reported**: a warning is logged on the
   `evidencebib.formats.detect` logger naming the file and the encoding used, and
   `decode_bytes_ex` returns the encoding so a caller can tell the user;
4. bytes with NULs that are not UTF-16 are binary: ParseError. With `fallback=False` a
   non-UTF-8 file is a ParseError naming the line and byte offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import logging
import re

from evidencebib.errors import ParseError

log = logging.getLogger(__name__)

FORMATS = ("ris", "csl-json", "endnote-xml", "bibtex", "medline", "pubmed-xml", "enw", "csl-yaml")
# What `import --from` accepts, as error messages name it (cli/interop.py builds its choices
# from this list)
FROM_CHOICES = ("ris", "csl-json", "endnote-xml", "bibtex", "biblatex", "medline", "enw",
                "refer", "csl-yaml", "doi-list")
READ_NAMES = ("RIS, CSL-JSON, CSL YAML, EndNote XML, BibTeX/BibLaTeX, MEDLINE (.nbib), "
              "PubMed XML, EndNote tagged/Refer (.enw), a list of DOIs")

# EndNote tagged / Refer: `%` + one character + a space (`%0 Journal Article`, `%A Family, Given`)
_REFER_TAG = re.compile(r"^%[^\s%] ")
_REFER_START = re.compile(r"^%[0ATBJDE] ")

# MEDLINE tags of three or four letters (two-letter ones such as `AU  - ` look like RIS)
_MEDLINE_ONLY = re.compile(r"^(PMID|FAU |OWN |STAT|DCOM|PMC |LID |AID |SO  )- ")

_RIS_TAG = re.compile(r"^[A-Z][A-Z0-9] {1,2}-( |$)")


def _first_lines(text: str, count: int = 20) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line.rstrip())
            if len(lines) >= count:
                break
    return lines


def detect(text: str, *, source: str = "<string>") -> str:
    """The format of `text` (see module docstring); ParseError when it is none we read."""
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    if not stripped:
        raise ParseError("the file is empty", file=source)
    lines = _first_lines(text)
    first = lines[0]
    if re.match(r"^(PMID|OWN|STAT|DCOM)- ", first) or not any(
            re.match(r"^TY {1,2}- ", line) for line in lines) and any(
            _MEDLINE_ONLY.match(line) for line in lines):
        return "medline"
    if re.match(r"^(FN|VR|PT) \S", first):
        raise ParseError("Web of Science plain text is not RIS; export RIS from Web of "
                         "Science instead", file=source, line=1)
    if stripped[0] in "[{":
        return "csl-json"
    if stripped.startswith("<"):
        head = stripped[:2000]
        if re.search(r"<(PubmedArticleSet|PubmedArticle)\b", stripped[:5000]):
            return "pubmed-xml"
        if re.search(r"<(xml|records|record)\b", head) or re.search(r"<\?xml", head) and \
                re.search(r"<records?\b", stripped[:20000]):
            return "endnote-xml"
        if re.search(r"<rdf:RDF\b", head):
            raise ParseError("Zotero RDF (or other RDF/XML) is not a format evidencebib reads: "
                             "export the collection from Zotero as 'CSL JSON' or 'RIS' instead "
                             f"(formats read: {READ_NAMES})", file=source)
        raise ParseError("XML that is not EndNote XML (no <xml><records>) or PubMed XML "
                         f"(formats read: {READ_NAMES}); name the format with --from "
                         f"{'|'.join(FROM_CHOICES)}", file=source)
    if _looks_like_csl_yaml(lines):
        return "csl-yaml"
    header = 0
    for line in lines:
        if re.match(r"^TY {1,2}- ", line):
            return "ris"
        if re.match(r"^\s*\d+\.\s*$", line):
            continue  # record numbers some RIS exporters print
        # up to four lines without a tag before the first `TY  - `, as Zotero's RIS.js
        # `detectImport` allows: JSTOR's and ScienceDirect's `Provider:`/`Database:`/
        # `Content:` header (redteam5 F44), skipped by the reader
        if _RIS_TAG.match(line) or header >= 4:
            break
        header += 1
    if re.search(r"^\s*@\s*[A-Za-z_]+\s*[{(]", text, re.MULTILINE):
        return "bibtex"
    if _looks_like_refer(lines):
        return "enw"
    if any(_RIS_TAG.match(line) for line in lines):
        raise ParseError("tagged text without 'TY  - ' record starts: not RIS (for MEDLINE "
                         "without PMID/FAU lines, name the format: '--from medline')",
                         file=source)
    if lines and all(_DOI_LINE.match(line) for line in lines if line.strip()):
        raise ParseError("a list of DOIs, not a reference file: import it with "
                         "'--from doi-list' (the metadata is fetched from Crossref)", file=source)
    if _looks_like_identifier_list(lines):
        raise ParseError("a list of PMIDs, PMCIDs or DOIs, not a reference file: add them with "
                         "'evidencebib add CONDITION 31234567 PMC6543210 10.1000/x …' (the "
                         "metadata is fetched from PubMed and Crossref), e.g. "
                         "'evidencebib add CONDITION $(cat FILE)'", file=source)
    if _looks_like_csv(lines):
        raise ParseError("a CSV or tab-delimited table (a spreadsheet export of Zotero, Scopus "
                         "or Web of Science), not a reference file: export RIS or BibTeX from "
                         "the program instead", file=source, line=1)
    raise ParseError(f"unknown format: none of those evidencebib reads ({READ_NAMES})"
                     f"{_name_hint(source)}; name the format with --from "
                     f"{'|'.join(FROM_CHOICES)}", file=source)


# the first line of a CSL YAML item (`- id: doe2020`, `- type: book` …), as pandoc writes it
_YAML_ITEM = re.compile(r"^- (?:id|citation-key|type|title|author|editor|issued)\s*:")


def _looks_like_csl_yaml(lines: list[str]) -> bool:
    """pandoc's YAML bibliography: a `references:` line first or in a metadata block opened
    by `---` (pandoc writes `nocite:` before it), or a list whose first item starts with a
    CSL key."""
    if not lines:
        return False
    if lines[0].strip() == "---":
        return any(line.rstrip() == "references:" for line in lines[1:])
    return lines[0].rstrip() == "references:" or bool(_YAML_ITEM.match(lines[0]))


def _name_hint(source: str) -> str:
    """`; the file name suggests enw: try --from enw` when the extension names a format."""
    from evidencebib.formats import registry

    fmt = registry.for_path(source)
    if fmt is None:
        return ""
    return f"; the file name suggests {fmt.name}: try --from {fmt.name}"


def _looks_like_refer(lines: list[str]) -> bool:
    """EndNote tagged / Refer: two tagged lines, the first a type, author or title (`%0 `, `%A `
    …), no other text before them but `#` comment lines (Zotero's rule: two tagged lines)."""
    tagged = [line.lstrip() for line in lines if _REFER_TAG.match(line.lstrip())]
    if len(tagged) < 2 or not _REFER_START.match(tagged[0]):
        return False
    before = lines[:lines.index(next(line for line in lines if line.lstrip() == tagged[0]))]
    return all(line.lstrip().startswith("#") for line in before)


_SEPARATORS = re.compile(r"[\s,;]+")


def _looks_like_identifier_list(lines: list[str]) -> bool:
    """Identifiers `add` takes (`identifiers.parse`: PMIDs, PMCIDs, PubMed and PMC addresses,
    DOIs) separated by line breaks, spaces, commas or semicolons, at least one of them a
    PubMed one (a list of DOIs alone is `--from doi-list`'s)."""
    from evidencebib import identifiers
    from evidencebib.errors import UsageError

    text = re.sub(r"(?i)\b(pmid|pmcid):\s+", r"\1:", " ".join(lines))  # `PMID: 31234567`
    kinds = []
    for token in _SEPARATORS.split(text):
        if token:
            try:
                kinds.append(identifiers.parse(token).kind)
            except UsageError:
                return False
    return any(kind != identifiers.DOI for kind in kinds)


def _looks_like_csv(lines: list[str]) -> bool:
    """A spreadsheet export: a header row of five or more comma- or tab-separated column
    names with a title, a year and an author column, as reference managers and databases
    write them (Scopus `Authors,…,Title,Year`; Zotero `"Key","Item Type","Publication
    Year","Author","Title"`; Web of Science's tab-delimited `PT\tAU\t…\tTI\t…\tPY`)."""
    if not lines:
        return False
    header = lines[0].lstrip("\ufeff")
    for separator in (",", "\t", ";"):
        columns = {column.strip().strip('"').lower() for column in header.split(separator)}
        if len(columns) >= 5 and columns & _TITLE_COLUMNS and columns & _YEAR_COLUMNS \
                and columns & _AUTHOR_COLUMNS:
            return True
    return False


_TITLE_COLUMNS = frozenset({"title", "ti", "article title", "document title"})
_YEAR_COLUMNS = frozenset({"year", "py", "publication year", "date"})
_AUTHOR_COLUMNS = frozenset({"authors", "author", "au", "af", "author full names"})


# One DOI a line, as people paste them (`10.x/y`, `doi:10.x/y`, `https://doi.org/10.x/y`).
_DOI_LINE = re.compile(r"^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/\S+\s*$", re.IGNORECASE)


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" for text whose every other byte is NUL (Latin text saved as
    UTF-16 by a Windows program that wrote no byte-order mark), else None. Real text has no
    NUL bytes, and a binary file has them at both positions."""
    head = data[:4096]
    if len(head) < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.4 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.4 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes_ex(data: bytes, source: str = "<bytes>", *,
                    fallback: bool = True) -> tuple[str, str]:
    """(text, encoding used); see the module docstring for the policy."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise ParseError(f"invalid UTF-16 ({error.reason})", file=source) from None
    else:
        encoding = "utf-8"
        guessed = _utf16_without_bom(data)
        if guessed:
            try:
                text = data.decode(guessed)
            except UnicodeDecodeError:
                pass
            else:
                log.warning("%s: UTF-16 without a byte-order mark; decoded as %s", source, guessed)
                return text, guessed
    try:
        return data.decode("utf-8"), encoding
    except UnicodeDecodeError as error:
        bad = error.start
    if b"\x00" in data:
        raise ParseError("binary file (NUL bytes), not a text format", file=source)
    line = data.count(b"\n", 0, bad) + 1
    if not fallback:
        raise ParseError(f"not UTF-8: byte 0x{data[bad]:02x} at offset {bad}; save the file "
                         "as UTF-8", file=source, line=line)
    try:
        text, used = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, used = data.decode("latin-1"), "latin-1"
    log.warning("%s: not UTF-8 (first bad byte 0x%02x on line %d); decoded as %s",
                source, data[bad], line, used)
    return text, used


def decode_bytes(data: bytes, source: str = "<bytes>", *, fallback: bool = True) -> str:
    """The text of a file's bytes: UTF-8 (BOM stripped), else a reported cp1252/latin-1
    decode (or ParseError with `fallback=False` or for binary data)."""
    return decode_bytes_ex(data, source, fallback=fallback)[0]
