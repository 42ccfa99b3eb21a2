"""BibTeX entries <-> CSL items: the one place where BibTeX is interpreted and produced.

Storage (`store/bibfile.py`) keeps every block's raw text and calls `entry_to_item` to read
an entry and `item_to_fields` / `format_entry` to write one that changed. The `read`/`write`
pair at the bottom serves import and export of whole files.

Field values arrive here as raw BibTeX (enclosing braces or quotes, macros, `#`
concatenations) and are resolved with the file's @string definitions; LaTeX is decoded for
text fields only, never for DOIs and URLs.
"""

from __future__ import annotations

import functools
import logging
import re
import types
from typing import Any, Iterable, Mapping

from evidencebib.errors import ParseError
from evidencebib.formats import latex
from evidencebib.model import ET_AL, LINE, NOTES, Item, citation_key, doi, eprints
from evidencebib.model.dates import (
    days_in_month, format_edtf, has_time, normalize_date, parse_date, parse_date_text, parse_edtf,
)
from evidencebib.model.keys import is_valid_key, unique_keys, with_ids  # noqa: F401 - this API
from evidencebib.model.keywords import with_tags
from evidencebib.model.names import (list_problem, placeholder_parts, strip_others,
                                      without_placeholders)
from evidencebib.model.vocabulary import (
    ALIASES, DATE_VARIABLES, ITEM_KEYS, ITEM_TYPES, NAME_VARIABLES, SCHEMA_SPELLINGS,
)

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
MONTH_MACROS = {v: k for k, v in MONTHS.items()}
_MONTH_NAMES = {name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}

# BibTeX entry type -> CSL type.
ENTRY_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "suppbook": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "proceedings": "book", "mvproceedings": "book", "collection": "book", "mvcollection": "book",
    "techreport": "report", "report": "report", "manual": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "online": "webpage", "www": "webpage", "electronic": "webpage", "webpage": "webpage",
    "misc": "document", "unpublished": "manuscript", "patent": "patent",
    "dataset": "dataset", "data": "dataset", "software": "software", "standard": "standard",
    "periodical": "periodical", "reference": "book", "inreference": "entry-encyclopedia",
    "review": "review", "audio": "song", "video": "motion_picture", "music": "song",
    "movie": "motion_picture", "artwork": "graphic", "image": "graphic", "letter": "personal_communication",
    "legislation": "legislation", "jurisdiction": "legal_case", "legal": "legislation",
    # biblatex: a book published inside another (collected works), supplements
    "bookinbook": "chapter", "suppcollection": "chapter", "suppperiodical": "article-journal",
    "mvreference": "book", "commentary": "book", "masterthesis": "thesis",
    "book_section": "chapter", "booksection": "chapter",
}
# CSL type -> BibTeX entry type (what we write).
CSL_TYPES = {
    "article-journal": "article", "article": "article", "article-magazine": "article",
    "article-newspaper": "article", "book": "book", "chapter": "incollection",
    "paper-conference": "inproceedings", "report": "techreport", "thesis": "phdthesis",
    "webpage": "online", "post": "online", "post-weblog": "online", "dataset": "dataset",
    "manuscript": "unpublished", "pamphlet": "booklet", "patent": "patent",
    "software": "software", "standard": "standard", "entry-encyclopedia": "inreference",
    "review": "article", "review-book": "article",
    "entry-dictionary": "inreference", "periodical": "periodical", "document": "misc",
}
_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
# biblatex entry types (biblatex manual §2.1.1 regular, §2.1.3 non-standard types) that no
# CSL type gives back: read, the item keeps its own (under ENTRY_TYPE) for the BibLaTeX
# writer and the store to write (own_entry_type); the BibTeX writer maps the CSL type.
KEPT_TYPES = frozenset({
    "mvbook", "inbook", "bookinbook", "suppbook", "collection", "mvcollection",
    "suppcollection", "proceedings", "mvproceedings", "reference", "mvreference",
    "suppperiodical", "manual", "review", "commentary", "audio", "video", "music", "movie",
    "artwork", "image", "letter", "legislation", "jurisdiction", "legal"})
ENTRY_TYPE = "_entrytype"

# biblatex `type` values that name a standard kind of report or thesis.
TYPE_VALUES = {"phdthesis": "PhD thesis", "mathesis": "Master's thesis", "techreport": None,
               "resreport": "Research report", "candthesis": "Candidate thesis"}
# CSL language codes <-> babel/polyglossia names used by biblatex's `langid`.
LANGIDS = {"en": "english", "en-us": "american", "en-gb": "british", "en-au": "australian",
           "de": "ngerman", "de-de": "ngerman", "fr": "french", "fr-fr": "french",
           "es": "spanish", "it": "italian", "nl": "dutch", "pt": "portuguese",
           "ru": "russian", "ja": "japanese", "zh": "chinese", "sv": "swedish", "da": "danish",
           "fi": "finnish", "no": "norsk", "pl": "polish", "tr": "turkish"}
LANGUAGE_CODES = {name: code for code, name in LANGIDS.items() if "-" not in code} | {
    "american": "en-US", "british": "en-GB", "australian": "en-AU"}

# Fields whose value is verbatim (no LaTeX decoding, no escaping).
VERBATIM_FIELDS = {"doi", "url", "file", "eprint", "pmid", "pmcid", "isbn", "issn"}
# BibTeX field -> CSL variable for plain text fields.
TEXT_FIELDS = {
    "title": "title", "shorttitle": "title-short", "journal": "container-title",
    "journaltitle": "container-title", "shortjournal": "container-title-short",
    "journal-abbrev": "container-title-short", "series": "collection-title",
    "volume": "volume", "edition": "edition", "publisher": "publisher",
    "address": "publisher-place", "location": "publisher-place", "abstract": "abstract",
    "keywords": "keyword", "note": "note", "language": "language", "langid": "language",
    "type": "genre", "chapter": "chapter-number", "version": "version",
    "eventtitle": "event-title", "venue": "event-place", "howpublished": "medium",
    "annote": "annote", "annotation": "annote", "isbn": "ISBN", "issn": "ISSN",
    "doi": "DOI", "url": "URL", "pmid": "PMID", "pmcid": "PMCID", "volumes": "number-of-volumes",
    "pagetotal": "number-of-pages",
    "origtitle": "original-title", "origpublisher": "original-publisher",
    "origlocation": "original-publisher-place", "pubstate": "status", "addendum": "references",
}
# BibLaTeX fields with no CSL variable that an item carries in `custom`, under the field's
# name, so that they survive exports (BibTeX, BibLaTeX, CSL-JSON's `custom`).
CUSTOM_FIELDS = ("origlanguage",)
# `custom` key of an article's biblatex `issue` (its CSL `issue` holds `number, issue`)
ISSUE_NAME = "issue"
NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator",
               "bookauthor": "container-author"}
DATE_FIELDS = {"date": "issued", "urldate": "accessed", "origdate": "original-date",
               "eventdate": "event-date"}
# Fields item_to_fields may produce; an existing entry's other fields survive an update.
MAPPED_FIELDS = (set(TEXT_FIELDS) | set(NAME_FIELDS) | set(DATE_FIELDS) | set(CUSTOM_FIELDS)
                 | {"year", "month", "day", "booktitle", "number", "pages", "eid", "school",
                    "institution", "organization", "entrysubtype", "issue"}
                 | {v.lower() for v in ("archive", "archive_location", "call-number",
                                        "collection-number", "part-title", "source",
                                        "volume-title", "section", "dimensions")})
# CSL variables with no BibTeX/BibLaTeX field of their own are stored under their CSL name
# (BibTeX ignores unknown fields), so that storage loses nothing an item can say.

FIELD_ORDER = ["author", "editor", "bookauthor", "translator", "title", "shorttitle",
               "journal", "shortjournal", "booktitle", "series", "edition", "year", "month",
               "day", "date", "volume", "number", "eid", "pages", "chapter", "publisher",
               "institution", "school", "address", "type", "entrysubtype", "howpublished",
               "eventtitle", "venue", "isbn", "issn", "doi", "pmid", "pmcid", "url", "urldate",
               "language", "keywords", "note", "annote", "abstract"]

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


# ---------------------------------------------------------------------------------------
# Raw values

_BRACE_TOKEN = re.compile(r"\\.?|[{}]", re.S)


def _brace_end(raw: str, start: int) -> int:
    """Index just past the `}` closing the group whose content starts at `start` (the
    scanner below, with a regular expression: a backslash hides the next character); for an
    unclosed group, len(raw) (len(raw) + 1 when the text ends in a lone backslash)."""
    depth = 1
    last = None
    for match in _BRACE_TOKEN.finditer(raw, start):
        token = match.group()
        last = match
        if token[0] == "\\":
            continue
        depth += 1 if token == "{" else -1
        if depth == 0:
            return match.end()
    n = len(raw)
    if last is not None and last.group() == "\\" and last.end() == n:
        return n + 1
    return n


def _nested_group(depth: int) -> str:
    inner = r"[^{}\\]++|\\." + ("" if depth == 1 else "|" + _nested_group(depth - 1))
    return r"\{(?:" + inner + r")*+\}"


# A value that is one braced group, nested up to four deep, by the tokens of _BRACE_TOKEN:
# the common case, recognised without _brace_end's loop (deeper values still go through it).
_ONE_GROUP = re.compile(_nested_group(4), re.S)


@functools.lru_cache(maxsize=65536)
def _value_parts(raw: str) -> tuple[tuple[str, str], ...]:
    n = len(raw)
    if n > 1 and raw[0] == "{" and (_ONE_GROUP.fullmatch(raw) or _brace_end(raw, 1) == n):
        return (("brace", raw[1:-1]),)  # the common case: one braced value
    parts: list[tuple[str, str]] = []
    i = 0
    while i < n:
        ch = raw[i]
        if ch.isspace() or ch == "#":
            i += 1
            continue
        if ch == "{":
            j = _brace_end(raw, i + 1)
            parts.append(("brace", raw[i + 1:j - 1]))
            i = j
        elif ch == '"':
            depth, j = 0, i + 1
            while j < n and not (raw[j] == '"' and depth == 0):
                if raw[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(raw[j], 0)
                j += 1
            parts.append(("quote", raw[i + 1:j]))
            i = j + 1
        else:
            j = i
            while j < n and not raw[j].isspace() and raw[j] != "#":
                j += 1
            token = raw[i:j]
            parts.append(("number" if token.isdigit() else "macro", token))
            i = j
    return tuple(parts)


def value_parts(raw: str) -> list[tuple[str, str]]:
    """Split a raw field value into (kind, text) parts at top-level `#`.

    kind is "brace", "quote", "number" or "macro"; text is the content without delimiters.
    """
    return list(_value_parts(raw))


def clear_caches() -> None:
    """Forget memoised parses (benchmarks measure cold runs with it)."""
    _value_parts.cache_clear()
    _parse_names.cache_clear()
    _parse_one_name.cache_clear()


def resolve(raw: str, strings: Mapping[str, str]) -> str:
    """The LaTeX text of a raw value, with @string macros and month names resolved."""
    if raw[:1] == "{" and raw[-1:] == "}" and len(raw) > 1:
        inner = raw[1:-1]
        if "{" not in inner and "}" not in inner and "\\" not in inner:
            return inner  # one braced group with nothing nested: what _value_parts would say
    parts = _value_parts(raw)
    if len(parts) == 1 and parts[0][0] != "macro":
        return parts[0][1]
    out = []
    for kind, text in parts:
        if kind == "macro":
            name = text.lower()
            if name in strings:
                out.append(strings[name])
            elif name in MONTHS:
                out.append(str(MONTHS[name]))
            else:
                out.append(text)
        else:
            out.append(text)
    return "".join(out)


def string_definitions(blocks: Iterable[Any]) -> dict[str, str]:
    """@string macros of a parsed library, keyed lower-case, resolved in file order."""
    from bibtexparser.model import String

    strings: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, String):
            raw = str(block.value)
            strings[block.key.lower()] = resolve(raw, strings)
    return strings


# ---------------------------------------------------------------------------------------
# Names

_NAME_SEPARATOR = re.compile(r"[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


def _split_names(text: str) -> list[str]:
    """Names of a BibTeX name list, split at top-level `and` (bibtexparser's rules, but for a
    backslash outside braces: `_mask_groups`).

    bibtexparser's splitter walks the string character by character; a list without braces
    or backslashes (nearly all of them) has no brace level to track, and its rule comes down
    to this: a run of spaces/tabs/newlines, `and` in any case, another run, then the next
    name. tests/formats/test_loading_equivalence.py compares the two on generated strings.
    """
    stripped = text.strip(" \r\n\t")
    if not stripped:
        return []
    if "{" in stripped or "}" in stripped or "\\" in stripped:
        masked = _mask_groups(stripped)
        names, start = [], 0
        for match in _NAME_SEPARATOR.finditer(masked):
            names.append(stripped[start:match.start()])
            start = match.end()
        names.append(stripped[start:])
    else:
        names = _NAME_SEPARATOR.split(stripped)
    return [n for n in names if n.strip()]


_GROUP_TOKEN = re.compile(r"[{}\\]")


def _xs(match: re.Match[str]) -> str:
    return "x" * (match.end() - match.start())


def _mask_groups(text: str) -> str:
    """`text` with every brace group (braces included), and every backslash outside braces
    with the character after it, replaced by `x`s of the same length. bibtexparser's splitter
    is not followed for a backslash outside braces: after ` and ` it drops the backslash and
    the next character (`Smith, J. and \\"{O}zil` gave `{O}zil`, `and \\textsc{Koe}` gave
    `extsc{Koe}`), where BibTeX keeps the command as part of the name.

    For the splitter a group is one run of non-space characters that are not `and`: a `{`
    resets its search for ` and ` or starts the next name exactly where `x` would, and
    everything inside is ignored. Inside a group a backslash hides the next character from
    the brace count; an unclosed group runs to the end; a stray `}` is an ordinary character.
    """
    # Most lists have only closed groups nested a few deep: mask them with one substitution
    # (_ONE_GROUP uses the same tokens). Anything left over, a `{` that opens no closed group or
    # a backslash outside braces, goes through the scan below.
    masked = _ONE_GROUP.sub(_xs, text)
    if "{" not in masked and "\\" not in masked:
        return masked
    out, depth, position, group_start = [], 0, 0, 0
    skip_to = -1
    for match in _GROUP_TOKEN.finditer(text):
        index = match.start()
        if index < skip_to:
            continue
        char = match.group()
        if char == "\\":
            if depth == 0:  # a command in a name (`\"{O}zil`): never a separator, kept whole
                out.append(text[position:index] + "x" * len(text[index:index + 2]))
                position = index + 2
            skip_to = index + 2
        elif char == "{":
            if depth == 0:
                out.append(text[position:index])
                group_start = index
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                out.append("x" * (index + 1 - group_start))
                position = index + 1
    if depth:
        out.append("x" * (len(text) - group_start))
    else:
        out.append(text[position:])
    return "".join(out)


def parse_names(text: str) -> tuple[list[dict[str, str]], bool]:
    """BibTeX name list -> CSL names, and whether it ended in `and others`."""
    names, truncated, _, _ = _parse_names(text)
    return [dict(name) for name in names], truncated


def parse_names_report(text: str) -> tuple[list[dict[str, str]], bool, tuple[str, ...],
                                           tuple[str, ...]]:
    """`parse_names`, what the decoder kept as written in the names' parts (the list is
    decoded once, part by part, never again whole just to find that), and the names that
    look like no single person (`names.list_problem`: "name: why"); empty names are left out."""
    names, truncated, problems, odd = _parse_names(text)
    return [dict(name) for name in names], truncated, problems, odd


@functools.lru_cache(maxsize=16384)
def _parse_names(text: str) -> tuple[tuple[dict[str, str], ...], bool, tuple[str, ...],
                                     tuple[str, ...]]:
    names, truncated = [], False
    problems: dict[str, None] = {}
    odd: list[str] = []
    trailing = 0
    for raw_name in _split_names(text):
        stripped = raw_name.strip()
        if stripped.endswith(";") and not stripped.endswith("\\;"):
            # `Baibich, M.N.; and Broto, J.M.;`: a list separator written as well as `and`
            stripped = stripped.rstrip("; ")
            trailing += 1
        if stripped.lower() == "others":
            truncated = True
            continue
        name, kept = _parse_one_name(stripped)
        missing = placeholder_parts(name)
        if missing:
            # Mendeley's `van den Hoven, null`, `Doe, NULL`, `null, John`, `{null}`: an
            # exporter's word for a missing part. Noted where the family is missing: a given
            # name alone prints as if it belonged to the name before it (`Smith, John`)
            cleaned = without_placeholders(name)
            shown = " ".join(stripped.split())
            if cleaned is name:
                odd.append(f"'{shown}': '{name[missing[0]]}' stands for a missing name "
                           "(left out)")
                continue
            if "family" in missing:
                odd.append(f"'{shown}': '{name['family']}' stands for a missing family name "
                           "(left out: the given name alone is kept)")
            name = cleaned
        why = list_problem(name)
        if why:
            odd.append(f"'{' '.join(stripped.split())}': {why}")
            if why.startswith("an empty name"):
                continue
        names.append(name)
        problems.update(dict.fromkeys(kept))
    if trailing:
        odd.append(f"the ';' after {trailing} name{'s' if trailing > 1 else ''} is left out")
    names, others = strip_others(names)  # `and {Others}`, `and {et al.}`: no person either
    return tuple(names), truncated or others, tuple(problems), tuple(odd)


_CONTROL_SPACE = re.compile(r"(?<!\\)\\ ")
# `{\relax Ch}ristopher`: BibTeX's (and biber's) way to make a digraph one letter, so that the
# initial is "Ch." (btxdoc, 4 "Helpful hints": a special character; `\relax` starts the group
# with a control sequence). A CSL name has no such initial (its given name is "Christopher"), so
# the list is kept as written and BibTeX writers write it back so (`_kept_as_written`): BibTeX
# and biber still print "Ch."; CSL styles print "C." (redteam5 F7).
_DIGRAPH_INITIAL = re.compile(r"\{\\relax\s+[^\W\d_]{2,}\}[^\W\d_]")


@functools.lru_cache(maxsize=65536)
def _parse_one_name(stripped: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """One BibTeX name as CSL name parts, and what the decoder kept as written in them
    (memoised: the same people recur; callers copy)."""
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    # TeX's control space (`L.\ Thiele`) is a space between words; a name split into words
    # at it would keep the backslash
    stripped = _CONTROL_SPACE.sub(" ", stripped) if "\\ " in stripped else stripped
    if "{\\" in stripped:
        # a foreign letter (`{\AA}ke`, `{\O}ster`) has the case of the letter it is: BibTeX's
        # von test looks at it so (btxdoc §4 "special characters"; bibtex.web von_token_found),
        # bibtexparser takes any `{\…}` for lower case and `{\AA}ke Persson` for a particle
        stripped = _FOREIGN_LETTER.sub(lambda m: _FOREIGN_LETTERS[m.group(1)], stripped)
    if _is_single_group(stripped):
        text, kept = latex.decode_report(stripped[1:-1])
        return {"literal": text}, kept
    if "=" in stripped and _EXTENDED_NAME.match(stripped):
        extended = _extended_name(stripped)
        if extended is not None:
            return extended
    try:
        parts = parse_single_name_into_parts(stripped, strict=False)
    except Exception:
        text, kept = latex.decode_report(stripped)
        return {"literal": text}, kept
    name: dict[str, str] = {}
    problems: dict[str, None] = {}
    for key, words in (("family", parts.last), ("given", parts.first),
                       ("non-dropping-particle", parts.von), ("suffix", parts.jr)):
        text, kept = latex.decode_report(" ".join(words)) if words else ("", ())
        problems.update(dict.fromkeys(kept))
        if text:
            name[key] = text
    if name:  # placeholders (`null`) are dropped, and noted, by `_parse_names`
        return name, tuple(problems)
    # a name the decoder reduces to nothing stays visible
    text, kept = latex.decode_report(stripped)
    return {"literal": text or stripped}, tuple(problems | dict.fromkeys(kept))


_FOREIGN_LETTERS = {"AA": "Å", "aa": "å", "O": "Ø", "o": "ø", "AE": "Æ", "ae": "æ", "OE": "Œ",
                    "oe": "œ", "L": "Ł", "l": "ł", "ss": "ß"}
_FOREIGN_LETTER = re.compile(r"\{\\(AA|aa|AE|ae|OE|oe|ss|O|o|L|l)\s*\}")


# biber's extended name format (biblatex manual, 3.4 "Name lists"; Better BibTeX writes it for
# every name with a particle): `family=Berg, given=Anna, prefix=van der, useprefix=true`
_EXTENDED_NAME = re.compile(r"\s*(?:family|given|prefix|suffix)\s*=", re.IGNORECASE)
_EXTENDED_PARTS = {"family": "family", "given": "given", "suffix": "suffix"}


def _extended_name(text: str) -> tuple[dict[str, str], tuple[str, ...]] | None:
    """A name in the extended format as CSL parts: `prefix` is the non-dropping particle with
    `useprefix=true` (cited and sorted with it, "van der Berg"), else the dropping one."""
    pairs: dict[str, str] = {}
    for piece in _split_top_level_commas(text):
        key, sep, value = piece.partition("=")
        if not sep:
            return None
        value = value.strip()
        if value.startswith("{") and value.endswith("}") and _is_single_group(value):
            value = value[1:-1]
        pairs[key.strip().lower()] = value
    name: dict[str, str] = {}
    problems: dict[str, None] = {}
    for key, variable in _EXTENDED_PARTS.items():
        if pairs.get(key):
            decoded, kept = latex.decode_report(pairs[key])
            problems.update(dict.fromkeys(kept))
            name[variable] = decoded
    if pairs.get("prefix"):
        decoded, kept = latex.decode_report(pairs["prefix"])
        problems.update(dict.fromkeys(kept))
        use = pairs.get("useprefix", "false").strip().lower() in ("true", "1", "yes")
        name["non-dropping-particle" if use else "dropping-particle"] = decoded
    if not name.get("family"):
        return None
    return name, tuple(problems)


def _split_top_level_commas(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p for p in pieces if p.strip()]


def _is_single_group(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _comma_safe(part: str) -> str:
    """A name part with a comma or the word `and` in any case (`{and} Oliver`: at the start
    of a first name too, after the `, `) must be braced or BibTeX splits it (btxdoc §4)."""
    return "{" + part + "}" if ("," in part or _AND_WORD.search(part)) else part


_AND_WORD = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def format_names(names: list[dict[str, Any]], truncated: bool = False) -> str:
    """CSL names -> a BibTeX name list (`von Last, Jr, First and …`)."""
    out = []
    for name in names:
        if not name.get("literal") and not name.get("family") and name.get("given"):
            # a given name alone (Zotero's two-field name with an empty last name): an empty
            # last part, which BibTeX's grammar reads back as a first name alone (btxdoc §4:
            # `von Last, First`); braced alone it would come back as an organisation
            out.append("{}, " + _comma_safe(latex.encode(str(name["given"]))))
            continue
        if "literal" in name or not name.get("family"):
            literal = name.get("literal") or name.get("given") or ""
            out.append("{" + latex.encode(str(literal)) + "}")
            continue
        family = latex.encode(str(name["family"]))
        words = str(name["family"]).split()
        if "," in family or family.lower() == "others" or _AND_WORD.search(family) or (
                len(words) > 1 and any(_reads_lower(word) for word in words)):
            # a lower-case word would read back as a particle (`{Matos da Silva}`, not `da`),
            # after a particle too (`a {van Dam}`: BibTeX's von part ends at its last
            # lower-case word); a single word is the last name whatever its case
            family = "{" + family + "}"
        particle = name.get("non-dropping-particle") or name.get("dropping-particle")
        last = f"{latex.encode(particle)} {family}" if particle else family
        given = _comma_safe(latex.encode(str(name.get("given", ""))))
        suffix = name.get("suffix")
        if suffix:
            out.append(f"{last}, {_comma_safe(latex.encode(suffix))}, {given or '{}'}")
        elif given:
            out.append(f"{last}, {given}")
        elif " " in family and not particle and not family.startswith("{"):
            # a several-word family name alone: braced, as BibTeX spells any single-field name
            # (it reads back as a literal name, which prints the same)
            out.append("{" + family + "}")
        else:
            out.append(last)
    if truncated:
        out.append("others")
    return " and ".join(out)


def _reads_lower(word: str) -> bool:
    """Whether BibTeX's name parser takes `word` for a von word: its first letter is lower
    case, whatever precedes it (`'t Hooft`: `'t` is one)."""
    return next((char for char in word if char.isalpha()), "").islower()


# ---------------------------------------------------------------------------------------
# Dates

def read_date_field(value: str) -> dict[str, Any] | None:
    """A date field's value: EDTF as written (`~` is circa there, not a tie), else decoded
    LaTeX text as a literal date."""
    plain = value.replace("{", "").replace("}", "").strip()
    if not plain:
        return None
    edtf = parse_edtf(plain)
    if edtf and normalize_date(edtf) is None:
        # EDTF's year 0 (`0000`, 1 BC) alone is no CSL date (a lone [0] is an empty date in
        # CSL-JSON, which every writer leaves out): kept as written, as any date we cannot hold
        edtf = None
    return edtf or {"literal": latex.decode(value).strip()}


def write_date_field(date: Mapping[str, Any]) -> str | None:
    """The braced value of a date field, or None when the date says nothing."""
    text = format_edtf(date)
    if text:
        return "{" + text + "}"
    literal = date.get("literal") or date.get("raw")
    return "{" + latex.encode(str(literal)) + "}" if literal else None


def _month_number(text: str) -> int | None:
    key = text.strip().lower().rstrip(".")
    if key.isdigit() and 1 <= int(key) <= 12:
        return int(key)
    if key[:3] in MONTHS and (key in _MONTH_NAMES or len(key) == 3 or key[:4] == "sept"):
        return MONTHS[key[:3]]
    return None


# ---------------------------------------------------------------------------------------
# Entry -> item

# Fields decoded with CSL rich-text markup and BibTeX's case protection (formats/latex.py).
RICH_FIELDS = frozenset({"title", "shorttitle", "journal", "journaltitle", "shortjournal",
                         "booktitle", "series", "eventtitle", "origtitle", "subtitle",
                         "titleaddon", "booksubtitle", "booktitleaddon", "journalsubtitle",
                         "maintitle", "mainsubtitle", "maintitleaddon"})
# Fields whose line breaks are kept (paragraphs of an abstract or a note).
MULTILINE_FIELDS = frozenset({"abstract", "note", "annote", "annotation"})
# biblatex title parts CSL has no variable for, joined to the title they belong to as
# biblatex prints them ("Title: Subtitle. Addon"); (title field, subtitle, addon).
TITLE_PARTS = (("title", "subtitle", "titleaddon"), ("booktitle", "booksubtitle", "booktitleaddon"),
               ("journaltitle", "journalsubtitle", None), ("journal", "journalsubtitle", None),
               ("maintitle", "mainsubtitle", "maintitleaddon"))
# Types whose container is a book (`booktitle`): a biblatex `maintitle` there is the
# multi-volume work, CSL 1.0.2's container-title, and `booktitle` the volume's title,
# `volume-title` (as pandoc reads them: "In Collected: Vol. 2. Complete works").
IN_VOLUME_TYPES = frozenset({"chapter", "paper-conference", "entry-encyclopedia",
                             "entry-dictionary"})
_MAIN_TITLE_FIELDS = ("maintitle", "mainsubtitle", "maintitleaddon")
# Entry types whose `number` is the number in the series (`series`), CSL collection-number.
SERIES_NUMBERED = frozenset({"book", "mvbook", "inbook", "bookinbook", "suppbook", "collection",
                             "mvcollection", "incollection", "suppcollection", "proceedings",
                             "mvproceedings", "inproceedings", "conference", "reference",
                             "mvreference", "inreference", "booklet", "manual"})
# Where an item keeps the BibTeX fields it has no variable for, and the raw text of fields
# whose LaTeX could not be decoded: [[field, resolved value], …]. BibTeX writers write them
# back as they were; other writers report them (`unmapped_fields`).
EXTRA = "_bibtex"


class _Fields:
    """An entry's resolved fields, decoded on demand; what could not be decoded is noted."""

    __slots__ = ("fields", "notes", "verbatim")

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields
        self.notes: list[str] = []
        self.verbatim: list[list[str]] = []

    def text(self, field: str) -> str:
        value = self.fields.get(field, "")
        if not value:
            return ""
        decoded, problems = latex.decode_report(value, field in RICH_FIELDS,
                                                field in MULTILINE_FIELDS)
        if problems:
            self.noted(field, problems)
        return decoded

    def noted(self, field: str, problems: Iterable[str]) -> None:
        self.notes.append(f"{field}: {', '.join(problems)} kept as written (not LaTeX we can read)")
        if field in self.fields and all(f != field for f, _ in self.verbatim):
            self.verbatim.append([field, self.fields[field]])


def _joined_title(parts: _Fields, title_field: str, subtitle_field: str,
                  addon_field: str | None) -> str:
    """`title: subtitle. addon` (biblatex's parts of one title), or '' without a title."""
    title = parts.text(title_field)
    subtitle = parts.text(subtitle_field)
    addon = parts.text(addon_field) if addon_field else ""
    if not title:
        return ""
    if subtitle:
        title = title + (" " if latex.strip_markup(title)[-1:] in ":?!." else ": ") + subtitle
    if addon:
        title = title + (" " if latex.strip_markup(title)[-1:] in ".?!" else ". ") + addon
    return title


def entry_to_item(entry_type: str, key: str, fields: Mapping[str, str],
                  line: int | None = None) -> Item:
    """A BibTeX entry (field values already resolved to LaTeX text) as a CSL item.

    Every field is read into a variable, or kept as written under `_bibtex` (fields CSL has
    no variable for: JabRef's `groups`, `owner`, `timestamp`, `file` …); LaTeX that cannot be
    decoded is kept visibly and noted under `_notes`."""
    fields = {k.lower(): v for k, v in fields.items()}
    entry_type = entry_type.lower()
    parts = _Fields(fields)
    csl_type = ENTRY_TYPES.get(entry_type, "document")
    subtype = parts.text("entrysubtype").lower()
    if entry_type == "article" and subtype in ("magazine", "newspaper"):
        csl_type = "article-" + subtype
    elif subtype in ITEM_TYPES:
        csl_type = subtype
    item: Item = {"id": key, "type": csl_type}
    if line is not None:
        item[LINE] = line
    if entry_type in KEPT_TYPES and ENTRY_TYPES[entry_type] == csl_type:
        item[ENTRY_TYPE] = entry_type

    for field, variable in NAME_FIELDS.items():
        if fields.get(field, "").strip():
            text = fields[field]
            if "and" in text.lower() and _STRAY_AND.search(text):
                # `author = {and}`, `{Smith, J. and}`: an empty name, not a person named "and"
                text = _STRAY_AND.sub("", text)
                parts.notes.append(f"{field}: a stray 'and' (a name left empty) is left out")
                if not text.strip():
                    continue
            names, truncated, problems, odd = parse_names_report(text)
            for what in odd:
                parts.notes.append(f"{field}: {what}")
            if problems:  # a name part may end inside a command (`L.\ Thiele`): the whole says
                problems = latex.decode_report(fields[field])[1]
            if problems:
                parts.noted(field, problems)
            elif "\\relax" in text and _DIGRAPH_INITIAL.search(text):
                parts.verbatim.append([field, fields[field]])
            if names:
                item[variable] = names
            if truncated:
                item.setdefault(ET_AL, []).append(variable)

    # an @online's titleaddon is its website (the container), as our BibLaTeX writer puts it
    website = entry_type in ("online", "dataset")
    joined = {title_field: _joined_title(parts, title_field, subtitle,
                                         None if website and title_field == "title" else addon)
              for title_field, subtitle, addon in TITLE_PARTS
              if subtitle in fields or (addon and addon in fields and not website)}
    for field in _present_text_fields(fields):
        variable = TEXT_FIELDS[field]
        value = fields[field]
        if variable in item or not value.strip():
            continue
        if field == "doi":
            text = doi.normalize(_verbatim(field, value))
        elif field in VERBATIM_FIELDS:
            text = _verbatim(field, value)
        elif field in joined:
            text = joined[field]
        else:
            text = parts.text(field)
        if text:  # `{}` or `{\relax}` is no value
            item[variable] = text
    for field in CUSTOM_FIELDS:
        text = parts.text(field)
        if text:
            item.setdefault("custom", {})[field] = text

    # biblatex's `eprinttype = {pubmed}`; Better BibTeX writes `pmid` (and `pmcid`)
    eprint_variable = _EPRINT_TYPES.get(fields.get("eprinttype", "").strip().lower())
    if eprint_variable and fields.get("eprint", "").strip() and eprint_variable not in item:
        item[eprint_variable] = fields["eprint"].strip()
    if website and fields.get("titleaddon", "").strip() and "booktitle" not in fields:
        fields["booktitle"] = fields["titleaddon"]
    if "booktitle" in fields:
        container = joined.get("booktitle") or parts.text("booktitle")
        if container and csl_type in ("chapter", "paper-conference", "entry-encyclopedia",
                                      "entry-dictionary"):
            item["container-title"] = container
        elif container:
            item.setdefault("container-title", container)
    main_title = (joined.get("maintitle") or parts.text("maintitle")) \
        if csl_type in IN_VOLUME_TYPES and fields.get("maintitle", "").strip() else ""
    if main_title:
        if item.get("container-title") and not fields.get("volume-title", "").strip():
            item["volume-title"] = item["container-title"]
        item["container-title"] = main_title
    number = parts.text("number")
    issue = parts.text("issue")
    if csl_type.startswith("article"):
        # biblatex's `issue` names an issue ("Spring", "Christmas issue") beside its `number`;
        # CSL has one `issue`, which gets both as pandoc reads them ("2, Spring"); the field
        # itself is kept in `custom` so that BibTeX writers write `number` and `issue` back
        if number and issue:
            item["issue"] = f"{number}, {issue}"
        elif number or issue:
            item["issue"] = number or issue
        if issue:
            item.setdefault("custom", {})[ISSUE_NAME] = issue
    else:
        if number and entry_type in SERIES_NUMBERED and fields.get("series", "").strip() \
                and "collection-number" not in fields:
            item["collection-number"] = number  # biblatex: the book's number in its series
        elif number:
            item["number"] = number
        if issue:
            item["issue"] = issue
    pages = fields.get("pages", "").strip()
    eid = parts.text("eid")
    if pages:
        pages = latex.decode(pages.replace("--", "-"))
        if pages:
            item["page"] = pages
    if eid:
        item["number"] = eid
    for field in ("institution", "school", "organization"):
        if fields.get(field, "").strip() and "publisher" not in item:
            publisher = parts.text(field)
            if publisher:
                item["publisher"] = publisher
    if "genre" in item and item["genre"].lower() in TYPE_VALUES:
        genre = TYPE_VALUES[item["genre"].lower()]
        if genre:
            item["genre"] = genre
        else:
            del item["genre"]
    if fields.get("langid", "").strip() and "language" not in fields:
        babel = parts.text("langid")
        item["language"] = LANGUAGE_CODES.get(babel.lower(), babel)
    if csl_type == "thesis" and "genre" not in item:
        item["genre"] = "Master's thesis" if entry_type == "mastersthesis" else "PhD thesis" \
            if entry_type == "phdthesis" else None
        if item["genre"] is None:
            del item["genre"]
    if "medium" in item:
        # `howpublished = {\url{…}}` is how classic BibTeX styles print a URL: it is the URL
        # (its escapes undone as in a `url` field); so is one that decodes to a bare URL
        # (`\href{https://x.org}{\texttt{https://x.org}}`), which is how the export writes it
        match = (re.fullmatch(r"\s*(?:\\url\s*\{([^{}]*)\}|(https?://\S+))\s*", fields["howpublished"])
                 or re.fullmatch(r"\s*()(https?://\S+)\s*", str(item["medium"])))
        if match:
            url = _verbatim("url", match.group(1) or match.group(2))
            if "URL" not in item:
                item["URL"] = url
            if item["URL"] == url:
                del item["medium"]

    for field, variable in DATE_FIELDS.items():
        if fields.get(field, "").strip():
            date = read_date_field(fields[field])
            if date:
                item[variable] = date
                _note_literal_date(parts, field, date)
    generic = generic_fields()
    for field, value in fields.items():
        generic_variable = generic.get(field) or OLD_SPELLINGS.get(field)
        if generic_variable is None or generic_variable in item or not value.strip():
            continue
        if generic_variable in NAME_VARIABLES:
            names, truncated = parse_names(value)
            if names:
                item[generic_variable] = names
            if truncated:
                item.setdefault(ET_AL, []).append(generic_variable)
        elif generic_variable in DATE_VARIABLES:
            date = read_date_field(value)
            if date:
                item[generic_variable] = date
        else:
            text = parts.text(field)
            if text:
                item[generic_variable] = text
    # arXiv, Handle, JSTOR, Google Books, DOI eprints: said with the CSL variables styles
    # print (model/eprints.py); the eprint fields stay below as written, for BibTeX writers
    for variable, value in eprints.variables(_eprint_fields(fields), item["type"]).items():
        item.setdefault(variable, value)
    if item.get("ISBN") and _ISSN_ONLY.fullmatch(str(item["ISBN"])):
        # Mendeley writes a journal's ISSN to `isbn`: an ISSN's form (1234-567X) is no ISBN's
        # (10 or 13 digits), the ISO 3297 / ISO 2108 forms model/serials.py classifies by
        issn = item.pop("ISBN")
        item["ISSN"] = f"{item['ISSN']}, {issn}" if item.get("ISSN") else issn
    if fields.get("pubstate", "").strip().lower() in PUBSTATES:
        # biblatex's pubstate values are localisation keys (biblatex manual, 4.9.2.11); a
        # braced one (`{{inpress}}`, what a CSL status "inpress" is written as) is text
        item["status"] = PUBSTATES[fields["pubstate"].strip().lower()]
    pubstate = parts.text("pubstate").lower()
    if "issued" not in item and not fields.get("year", "").strip() and pubstate in _PUBSTATE_DATES:
        item["issued"] = {"literal": _PUBSTATE_DATES[pubstate]}
    if "issued" not in item and fields.get("year", "").strip():
        issued = _year_month_day(parts)
        if issued:
            item["issued"] = issued
            _note_literal_date(parts, "year", issued)
    # a PubMed eprint is the item's PMID/PMCID (read above); any other is kept as written
    pubmed = {"eprint", "eprinttype"} if eprint_variable else set()
    if main_title:
        pubmed |= set(_MAIN_TITLE_FIELDS)
    extra = parts.verbatim + [[field, value] for field, value in fields.items()
                              if field not in _consumed_fields() and field not in generic
                              and field not in OLD_SPELLINGS and field not in pubmed
                              and value.strip()]
    if extra:
        item[EXTRA] = extra
    if parts.notes:
        item[NOTES] = parts.notes
    return item


_EPRINT_TYPES = {"pubmed": "PMID", "pmid": "PMID", "pmc": "PMCID", "pmcid": "PMCID"}
_EPRINT_FIELDS = ("eprint", "eprinttype", "eprintclass", *eprints.ALIASES)


def _eprint_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """An entry's eprint fields (`eprint`, `eprinttype`, `eprintclass` and their BibTeX
    aliases `archiveprefix`, `primaryclass`), verbatim."""
    return {field: _verbatim(field, str(fields[field])) for field in _EPRINT_FIELDS
            if isinstance(fields.get(field), str)}
# one or more ISSNs (ISO 3297: 1234-567X), comma or semicolon separated
_ISSN_ONLY = re.compile(r"\d{4}-\d{3}[\dXx](?:\s*[,;]\s*\d{4}-\d{3}[\dXx])*")
# `and` opening or closing a whole name list: a separator with no name on one side
_STRAY_AND = re.compile(r"^\s*(?:and\s+)*and\s*$|^\s*and\s+|\s+and\s*$", re.IGNORECASE)


def _note_literal_date(parts: _Fields, field: str, date: Mapping[str, Any]) -> None:
    """A date field that reads as no date (`2019-13-45`, an access date `yesterday`) is kept
    as written, a CSL literal date that every style prints as it is: the reader says so. A
    literal of words (`n.d.`, `in press`) is one on purpose and no note."""
    literal = str(date.get("literal") or "")
    plain = parts.fields.get(field, "").replace("{", "").replace("}", "").strip()
    if field != "year" and has_time(plain):
        parts.notes.append(f"{field}: the time of day of {plain!r} is left out (a CSL date "
                           "holds no time); the date is kept")
    if set(date) != {"literal"} or not (field == "urldate" or any(c.isdigit() for c in literal)):
        return
    if field == "date" and latex.decode(parts.fields.get("year", "")).strip() == literal:
        return  # `date` and `year` alike: a literal our writers keep as written on purpose
    if re.match(r"\s*(\.\.)?/", literal):
        what = "is an open start (EDTF '../'), which no CSL date holds"
    elif re.fullmatch(r"[\dX]{4}(-[\dX]{2}){0,2}", literal) and "X" in literal:
        what = "has unspecified digits (EDTF 'X'), which no CSL date holds"
    else:
        what = "is no date we can read"
    parts.notes.append(f"{field}: {literal!r} {what}; kept as written (styles print it as "
                       "it is)")


def _year_date(text: str) -> dict[str, Any] | None:
    """The date a `year` field's text reads as (a year range with an en or em dash too)."""
    if _YEAR.fullmatch(text):
        return {"date-parts": [[int(text)]]}
    return parse_date_text(text.replace("–", "/").replace("—", "/"))


def _year_month_day(parts: _Fields) -> dict[str, Any] | None:
    """`year` (+ `month`, `day`) as a CSL date: a year or a year range (`1990--1991`), a
    month as a name, number or macro, a season (`Spring`) or a month range (`jan # "--" #
    feb`); a month that is none of these is noted (the year is kept)."""
    year_text = parts.text("year")
    if not year_text:
        return None
    month_text = parts.text("month")
    if not _YEAR.fullmatch(year_text):
        date = _year_date(year_text)
        if date and "date-parts" in date and month_text and len(date["date-parts"][0]) == 1 \
                and len(date["date-parts"]) == 1:
            year_text = str(date["date-parts"][0][0])  # `2019?`, `c2019` with a month: below
        else:
            return date
    year = int(year_text)
    if not month_text:
        return {"date-parts": [[year]]}
    month = _month_number(month_text)
    if month:
        parts_ = [year, month]
        day = parts.text("day")
        if day.isdigit() and 1 <= int(day) <= days_in_month(year, month):
            parts_.append(int(day))
        elif day:
            parts.notes.append(f"day: {day!r} is no day of that month; the year and month are "
                               "read alone")
            parts.verbatim.append(["day", parts.fields["day"]])
        return {"date-parts": [parts_]}
    with_day = _MONTH_AND_DAY.fullmatch(month_text)
    tied_month = _month_number(with_day.group(1)) if with_day else None
    if with_day and tied_month:
        # btxdoc §4's own `month = jul # "~4,"`: the month macro, a tie and the day
        day_number = int(with_day.group(2))
        if 1 <= day_number <= days_in_month(year, tied_month):
            return {"date-parts": [[year, tied_month, day_number]]}
    date = parse_date_text(f"{month_text} {year}")
    if date and "date-parts" in date and date["date-parts"][0][0] == year:
        return date  # `Spring` (a season), `15 March`, `Jan.` …
    months = [_month_number(piece) for piece in re.split(r"\s*[-–—/]+\s*", month_text)]
    if len(months) == 2 and all(months):
        return {"date-parts": [[year, months[0]], [year, months[1]]]}
    shown = month_text.replace("\u00a0", "~")  # a tie as written, not Python's '\xa0'
    parts.notes.append(f"month: '{shown}' is no month or season; the year is read alone")
    parts.verbatim.append(["month", parts.fields["month"]])
    return {"date-parts": [[year]]}


_MONTH_AND_DAY = re.compile(r"(\S+?)[\s\u00a0~]+(\d{1,2}),?")


@functools.lru_cache(maxsize=1)
def _consumed_fields() -> frozenset[str]:
    """Fields entry_to_item reads into variables (an entry's other fields go to `_bibtex`)."""
    return frozenset(set(TEXT_FIELDS) | set(NAME_FIELDS) | set(DATE_FIELDS) | set(CUSTOM_FIELDS)
                     | {"year", "month", "day", "booktitle", "number", "issue", "pages", "eid",
                        "institution", "school", "organization", "entrysubtype",
                        "crossref", "xref", "subtitle", "titleaddon", "booksubtitle",
                        "booktitleaddon", "journalsubtitle"})


def _balanced(text: str) -> bool:
    depth = 0
    for char in text.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def carried_fields(item: Mapping[str, Any]) -> set[str]:
    """The CSL variables of `item` BibTeX stores (those without a field of their own under
    their CSL name): all but `categories` and a `custom` object holding more than the
    CUSTOM_FIELDS it stores."""
    fields = set(ITEM_KEYS) - {"categories"}
    custom = item.get("custom")
    if isinstance(custom, Mapping) and set(custom) - set(CUSTOM_FIELDS) - {ISSUE_NAME}:
        fields.discard("custom")
    return fields


# The reader extras a BibTeX writer writes back (unmapped fields, as they were).
EXTRAS_HELD = frozenset({EXTRA})


def unmapped_fields(item: Mapping[str, Any]) -> list[str]:
    """The BibTeX fields of an item read from BibTeX that no CSL variable holds (kept under
    `_bibtex` for BibTeX writers); other formats report them as fields they cannot hold."""
    consumed = _consumed_fields()
    return [field for field, _ in item.get(EXTRA) or () if field not in consumed]


_PUBSTATE_DATES = {"inpress": "in press", "forthcoming": "forthcoming"}
# biblatex's `pubstate` keys and the phrases its English localisation prints for them
PUBSTATES = {"inpreparation": "in preparation", "submitted": "submitted",
             "forthcoming": "forthcoming", "inpress": "in press", "prepublished": "pre-published"}
_PUBSTATE_KEYS = {phrase: key for key, phrase in PUBSTATES.items()}
_YEAR = re.compile(r"\d{1,4}")


def _present_text_fields(fields: Mapping[str, str]) -> list[str]:
    """The entry's fields that TEXT_FIELDS maps, in TEXT_FIELDS order (which decides which of
    two fields for one variable wins), without looking up every TEXT_FIELDS name."""
    order = _text_field_order()
    return sorted((field for field in fields if field in order), key=order.__getitem__)


@functools.lru_cache(maxsize=1)
def _text_field_order() -> dict[str, int]:
    return {field: index for index, field in enumerate(TEXT_FIELDS)}


@functools.lru_cache(maxsize=1)
def generic_fields() -> Mapping[str, str]:
    """BibTeX field name -> CSL variable, for the variables stored under their own CSL name
    (lower-cased: BibTeX field names are case-insensitive). Computed once and shared, hence
    read-only."""
    mapped = set(TEXT_FIELDS.values()) | set(NAME_FIELDS.values()) | set(DATE_FIELDS.values()) | {
        "issued", "page", "number", "issue", "container-title", "publisher", "genre"}
    variables = ITEM_KEYS - mapped - {"id", "type", "categories", "custom"}
    taken = set(TEXT_FIELDS) | set(NAME_FIELDS) | set(DATE_FIELDS) | {
        "year", "month", "day", "booktitle", "number", "pages", "eid", "school", "institution",
        "organization", "entrysubtype", "issue", "crossref", "xref", "keywords", "file"}
    return types.MappingProxyType({variable.lower(): variable for variable in variables
                                   if variable.lower() not in taken})


# Older spellings of variables stored under their CSL name, read as the CSL 1.0.2 variable:
# the CSL-JSON data schema's (`supplement` …, written before items used 1.0.2 names) and
# the legacy aliases (`event`, Zotero's `journalAbbreviation`).
OLD_SPELLINGS = types.MappingProxyType({spelling.lower(): variable for spelling, variable in
                                        (SCHEMA_SPELLINGS | ALIASES).items()
                                        if spelling.lower() not in TEXT_FIELDS})


def _verbatim(field: str, value: str) -> str:
    value = value.strip()
    if field == "url":
        match = re.fullmatch(r"\\url\{(.*)\}", value)
        if match:
            value = match.group(1)
    if field in ("doi", "url"):
        # `\_` from LaTeX-escaping exporters (Mendeley writes `a\_b` in URLs) is undone, as
        # Zotero's BibTeX import and Better BibTeX do: a backslash is no URL character (RFC
        # 3986), and kept it made a dead link `a%5C_b`. biblatex's \url would print it; we read
        # what the exporter meant. (entry_to_item then normalises the DOI.)
        # So are `\{` and `\}` (TeX's other escaped specials; `e\{_\}057` from an exporter that
        # escaped the braces of `{\_}`): kept, the export percent-encoded the brace after the
        # backslash and the backslash then read as the escape of that `%`.
        value = value.replace("\\_", "_").replace("\\%", "%").replace("\\#", "#").replace("\\&", "&")
        value = value.replace("\\{", "{").replace("\\}", "}")
    return value


# ---------------------------------------------------------------------------------------
# Item -> entry

def own_entry_type(item: Mapping[str, Any], entry_type: str) -> str:
    """The biblatex entry type the item was read from (KEPT_TYPES) while its CSL type is still
    the one that type reads as, else `entry_type`: a `@bookinbook` stays one (its title is a
    book's title, biblatex prints it in italics), as do `@mvbook` and a biblatex `@inbook`
    (a part of a book with its own title; a BibTeX @inbook without `booktitle` is not one)."""
    kept = str(item.get(ENTRY_TYPE) or "")
    if kept not in KEPT_TYPES or ENTRY_TYPES.get(kept) != item.get("type"):
        return entry_type
    if kept == "inbook" and not item.get("container-title"):
        return entry_type
    return kept


# BibTeX's own entry types (btxdoc §3) that the CSL mapping writes as another (a manual is
# CSL `report`, written @techreport; proceedings are a `book`): an entry read as one is
# written back as one by the BibTeX writer too
CLASSIC_KEPT_TYPES = frozenset({"manual", "proceedings"})
# a manual's publishing body is its `organization` (btxdoc, biblatex §2.1.1), not a report's
# `institution`
_KEPT_TYPE_FIELDS = {"manual": {"institution": "organization"}}


def kept_type_fields(entry_type: str, fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`fields` as the kept entry type `entry_type` names them (`own_entry_type`)."""
    renames = _KEPT_TYPE_FIELDS.get(entry_type)
    if not renames:
        return fields
    names = {name for name, _ in fields}
    # biblatex's `type = {techreport}` says which kind of @report: no field of a manual's
    return [(renames[name] if name in renames and renames[name] not in names else name, raw)
            for name, raw in fields if (name, raw) != ("type", "{techreport}")]


def item_to_fields(item: Mapping[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    """The BibTeX entry type and (field, raw value) pairs that store a CSL item."""
    extra = dict(item.get(EXTRA) or ())
    if extra.get("eprint"):
        # the variables the reader derives from the eprint fields (written back below, as
        # they were) are left out: reading the entry derives them again
        derived = eprints.derived(item, _eprint_fields(extra))
        if derived:
            item = {name: value for name, value in item.items() if name not in derived}
    csl_type = item.get("type") or "document"
    entry_type = CSL_TYPES.get(csl_type, "misc")
    if csl_type == "thesis" and "master" in str(item.get("genre", "")).lower():
        entry_type = "mastersthesis"
    fields: dict[str, str] = {}
    truncated = set(item.get(ET_AL) or ())
    as_written = _kept_as_written(item)

    for field, variable in NAME_FIELDS.items():
        names = item.get(variable)
        if variable in as_written:
            fields[field] = as_written[variable]
        elif names or variable in truncated:
            fields[field] = "{" + format_names(list(names or []), variable in truncated) + "}"

    written_variables = set()
    for field, variable in TEXT_FIELDS.items():
        if variable in written_variables or variable not in item:
            continue
        if (field in ("journal", "journaltitle", "shortjournal", "journal-abbrev")
                and entry_type != "article" and variable == "container-title"):
            continue
        if field == "type" and csl_type == "thesis" and item.get("genre") in ("PhD thesis",
                                                                               "Master's thesis"):
            continue
        value = str(item[variable])
        if value == "":
            continue
        written_variables.add(variable)
        fields[field] = as_written.get(variable) or (
            _pubstate(value) if field == "pubstate" else _braced(value, field))

    container = item.get("container-title")
    if container and entry_type != "article":
        fields["booktitle" if entry_type in ("incollection", "inproceedings", "inreference")
               else "journal" if entry_type == "misc" else "booktitle"] = (
            as_written.get("container-title") or _braced(str(container), "booktitle"))
    if item.get("issue"):
        _issue_fields(fields, entry_type, str(item["issue"]), item.get("custom"))
    if item.get("number"):
        fields["eid" if entry_type == "article" else "number"] = _braced(str(item["number"]), "eid")

    if item.get("page"):
        fields["pages"] = "{" + latex.encode(str(item["page"])).replace("-", "--").replace(
            "-{}-", "--").replace("----", "--") + "}"
    if item.get("publisher") and entry_type in ("techreport", "phdthesis", "mastersthesis"):
        fields.pop("publisher", None)
        fields["institution" if entry_type == "techreport" else "school"] = _braced(
            str(item["publisher"]), "institution")
    if csl_type in _SUBTYPES:
        fields["entrysubtype"] = "{" + _SUBTYPES[csl_type] + "}"
    elif ENTRY_TYPES.get(entry_type) != csl_type and not (entry_type == "article" and csl_type in (
            "article-journal",)):
        fields["entrysubtype"] = "{" + latex.encode(csl_type) + "}"

    for variable, value in item.items():
        field = variable.lower()
        if generic_fields().get(field) != variable or value in (None, "", []):
            continue
        if variable in NAME_VARIABLES and isinstance(value, list):
            fields[field] = "{" + format_names(value, variable in truncated) + "}"
        elif variable in DATE_VARIABLES and isinstance(value, Mapping):
            written = write_date_field(value)
            if written:
                fields[field] = written
        elif isinstance(value, (str, int, float)):
            fields[field] = _braced(str(value), field)

    if "number" not in fields and item.get("collection-number") and item.get("collection-title") \
            and entry_type in SERIES_NUMBERED:
        # `number` of a book in a `series` is its number there (what BibTeX styles and biber
        # print, and what our reader reads back as collection-number)
        fields.pop("collection-number", None)
        fields["number"] = _braced(str(item["collection-number"]), "number")
    custom = item.get("custom")
    if isinstance(custom, Mapping):
        for field in CUSTOM_FIELDS:
            if custom.get(field) not in (None, ""):
                fields[field] = _braced(str(custom[field]), field)

    issued = item.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts") or []
        if (len(parts) == 1 and parts[0] and parts[0][0] not in (None, "") and not issued.get("circa")
                and not issued.get("season") and isinstance(parts[0][0], int) and parts[0][0] > 0):
            first = parts[0]
            fields["year"] = "{" + str(first[0]) + "}"
            if len(first) > 1 and str(first[1]).isdigit() and 1 <= int(first[1]) <= 12:
                fields["month"] = MONTH_MACROS[int(first[1])]
                if len(first) > 2 and first[2] not in (None, ""):
                    fields["day"] = "{" + str(first[2]) + "}"
        elif parts and parts[0] and (date_field := write_date_field(issued)):
            fields["date"] = date_field
            fields["year"] = "{" + str(parts[0][0]) + "}"
        elif issued.get("literal") or issued.get("raw"):
            literal = str(issued.get("literal") or issued.get("raw"))
            date = parse_date(literal)
            if date and "date-parts" in date:
                fields["date"] = "{" + literal + "}"
                fields["year"] = "{" + str(date["date-parts"][0][0]) + "}"
            else:
                fields["year"] = _braced(literal, "year")
                if _year_date(literal) != {"literal": literal}:
                    # `year` would read back as a date (a CSL literal `Spring 2019` as 2019 +
                    # spring, `../2019` as 2019): `date` beside it keeps the text as written
                    fields["date"] = write_date_field({"literal": literal}) or fields["year"]
    for field, variable in DATE_FIELDS.items():
        if field == "date" or not isinstance(item.get(variable), Mapping):
            continue
        written = write_date_field(item[variable])
        if written:
            fields[field] = written
    for field in unmapped_fields(item):  # JabRef's groups, owner, file …: back as they were
        raw = dict(item.get(EXTRA) or ()).get(field)
        if field not in fields and isinstance(raw, str) and _balanced(raw):
            fields[field] = "{" + raw + "}"
    ordered = sorted(fields.items(), key=lambda kv: (FIELD_ORDER.index(kv[0])
                                                     if kv[0] in FIELD_ORDER else len(FIELD_ORDER), kv[0]))
    return entry_type, ordered


def _kept_as_written(item: Mapping[str, Any]) -> dict[str, str]:
    """CSL variable -> `{raw}`: the LaTeX of the fields the reader kept as written (a command
    it cannot read, `\\SI{37}{\\celsius}`) while the variable still holds what that LaTeX reads
    as. BibTeX writers write these back as they were, which is what "kept as written" promises
    (escaped, LaTeX would print the command's source); a variable edited since is encoded."""
    out: dict[str, str] = {}
    for field, raw in item.get(EXTRA) or ():
        if not isinstance(raw, str) or not _balanced(raw) or raw.endswith("\\"):
            continue
        if field in NAME_FIELDS:
            variable = NAME_FIELDS[field]
            names, truncated = parse_names(raw)
            if names and names == item.get(variable) and truncated == (
                    variable in (item.get(ET_AL) or ())):
                out.setdefault(variable, "{" + raw + "}")
        elif (field in TEXT_FIELDS or field == "booktitle") and field not in VERBATIM_FIELDS:
            variable = TEXT_FIELDS.get(field, "container-title")
            text = latex.decode_report(raw, field in RICH_FIELDS, field in MULTILINE_FIELDS)[0]
            if text and text == item.get(variable):
                out.setdefault(variable, "{" + raw + "}")
    return out


IN_BOOK_ENTRIES = frozenset({"incollection", "inproceedings", "inreference"})


def _pubstate(status: str) -> str:
    """A CSL status as biblatex's `pubstate`: a phrase biblatex localises as its key
    ("in press" -> `inpress`); a status that is itself a key's spelling is braced, text."""
    if status in _PUBSTATE_KEYS:
        return "{" + _PUBSTATE_KEYS[status] + "}"
    if status.lower() in PUBSTATES:
        return "{" + _braced(status, "pubstate") + "}"
    return _braced(status, "pubstate")


def custom_is_derived(item: Mapping[str, Any]) -> bool:
    """Whether the item's `custom` holds only what its variables also say: an article's
    biblatex `issue`, which its CSL `issue` ends with ("2, Spring")."""
    custom = item.get("custom")
    if not isinstance(custom, Mapping) or set(custom) != {ISSUE_NAME}:
        return False
    issue, named = str(item.get("issue") or ""), str(custom[ISSUE_NAME])
    return bool(named) and (issue == named or issue.endswith(", " + named))


def _issue_fields(fields: dict[str, str], entry_type: str, issue: str, custom: Any) -> None:
    """An article's CSL `issue` as `number`, and as `number` + `issue` when the reader made
    it of both (`custom` keeps biblatex's `issue`, the named issue: "2, Spring")."""
    named = str(custom.get(ISSUE_NAME) or "") if isinstance(custom, Mapping) else ""
    if entry_type != "article":
        fields["issue"] = _braced(issue, "number")
    elif named and issue == named:
        fields["issue"] = _braced(named, "issue")
    elif named and issue.endswith(", " + named):
        fields["number"] = _braced(issue[:-len(named) - 2], "number")
        fields["issue"] = _braced(named, "issue")
    else:
        fields["number"] = _braced(issue, "number")


def braced(value: str, field: str) -> str:
    """`value` as the braced raw value of `field` (LaTeX-encoded unless verbatim)."""
    return _braced(value, field)


def _braced(value: str, field: str) -> str:
    if field in VERBATIM_FIELDS:
        body = latex.encode_verbatim(value)
    elif field in RICH_FIELDS:
        body = _encode_rich(value)
    elif field in MULTILINE_FIELDS and "\n" in value:
        # a line break is a paragraph: TeX reads one blank line as one; a note's field lines
        # (`PMID: …⏎PMCID: …`, Zotero's Extra) one line each, as Zotero and Better BibTeX
        # write them and the reader keeps them (latex.note_field_lines)
        lines = value.split("\n")
        joiner = "\n" if latex.note_field_lines([line.strip() for line in lines]) else "\n\n"
        body = joiner.join(latex.encode(line) for line in lines)
    else:
        body = latex.encode(value)
    # BibTeX readers (bibtexparser, biber) start a new entry at an `@` that opens a line
    return "{" + _LINE_START_AT.sub(r"\n\1{}@", body) + "}"


_LINE_START_AT = re.compile(r"\n([ \t]*)@")


_TAG_RE = re.compile(r"<(/?)(i|b|sup|sub|span[^>]*)>")
_TAG_MACROS = {"i": r"\textit{", "b": r"\textbf{", "sup": r"\textsuperscript{", "sub": r"\textsubscript{"}


def _encode_rich(value: str) -> str:
    """CSL title markup (<i>, <sup> …) -> LaTeX; other text escaped."""
    if "<" not in value:
        return latex.encode(value)
    out, pos, depth = [], 0, 0
    for match in _TAG_RE.finditer(value):
        out.append(latex.encode(value[pos:match.start()]))
        closing, tag = match.group(1), match.group(2)
        if tag.startswith("span"):
            # a nocase span is a brace group; small caps is `\textsc{…}`, as the reader
            # decodes `{\sc …}` and `\textsc{…}` (formats/latex.py)
            small_caps = not closing and "font-variant:small-caps" in tag
            out.append("}" if closing else "\\textsc{" if small_caps else "{")
        elif closing:
            if depth:
                out.append("}")
                depth -= 1
        else:
            out.append(_TAG_MACROS[tag])
            depth += 1
        pos = match.end()
    out.append(latex.encode(value[pos:]))
    out.append("}" * depth)
    return "".join(out)


def format_entry(entry_type: str, key: str, fields: Iterable[tuple[str, str]], *,
                 newline: str = "\n",
                 comments: Iterable[tuple[str | None, str, bool]] = ()) -> str:
    """One entry in our house layout: two-space indent, one field per line, trailing commas;
    lines end with `newline` (a CRLF file's new entries use CRLF).

    `comments` are `%` comments to write back (the store's rewrite of an edited entry keeps
    an editor's comments): (the field, lower-case, whose line it follows, or None for the
    head line; the text from `%`; True to end that line, else a line of its own)."""
    after: dict[str | None, list[tuple[str, bool]]] = {}
    for name, text, inline in comments:
        after.setdefault(name, []).append((text, inline))
    lines = [f"@{entry_type}{{{key},"]

    def place(name: str | None) -> None:
        for text, inline in after.pop(name, ()):
            if inline:
                lines[-1] += " " + text
            else:
                lines.append("  " + text)

    place(None)
    for name, raw in fields:
        lines.append(f"  {name} = {raw},")
        place(name.lower())
    for name in list(after):  # a field no longer written: its comments still are
        place(name)
    lines.append("}")
    return newline.join(lines)


def item_to_bibtex(item: Mapping[str, Any], key: str | None = None) -> str:
    entry_type, fields = item_to_fields(item)
    return format_entry(entry_type, key or str(item.get("id") or citation_key(dict(item))), fields)


# ---------------------------------------------------------------------------------------
# Whole files

COMMENTS = "evidencebib_comments"   # an entry block's `%` comments (parser metadata)
# an item's `%` comments, as (the field they follow or None, text, ends that field's line)
# lists: the BibLaTeX writer (biber reads them as comments) and the store write them back
# (comment_places); the BibTeX writer does not (bibtex.exe reads them as a syntax error)
COMMENTS_KEY = "_comments"


def parse_library(text: str):
    """bibtexparser's block library with no middleware: raw values, every block kept.

    `%` comments outside values are comments, as biber and pandoc read them
    (bibtex_split.comments): bibtexparser reads the text with them blanked out, so a line
    `% note = {old},` between two fields is no field and is not read into the next field's
    name, and an entry commented out as `% @article{…}` is no entry. Each block's raw text is
    the file's own (comments included), so the store rewrites nothing it did not change; an
    entry's comments are in its parser metadata under COMMENTS as (0-based line, text,
    whether it follows other text on its line), and the entries commented out are in
    `library.commented_entries` as (0-based line, `@type{key`, key).

    Well-formed files take the faster route of formats/bibtex_split.py, which builds the same
    blocks; anything else goes through bibtexparser's own splitter."""
    from evidencebib.formats import bibtex_split

    found = bibtex_split.comments(text)
    parsed = bibtex_split.masked(text, found)
    library: Any = bibtex_split.split(parsed)
    if library is None:
        import bibtexparser

        library = bibtexparser.parse_string(parsed, parse_stack=[])
    library.commented_entries = []
    if found:
        _restore_comments(library, text, parsed, found)
    return library


def _restore_comments(library: Any, text: str, parsed: str, found: list[Any]) -> None:
    """Give every block its raw text as the file has it and its comments (parse_library)."""
    lines, line_pos, line = [], 0, 0
    for comment in found:
        line += parsed.count("\n", line_pos, comment.start)
        line_pos = comment.start
        lines.append(line)
        if comment.commented_entry:
            library.commented_entries.append((line, comment.commented_entry, comment.key))
    position, index = 0, 0
    for block in library.blocks:
        raw = block.raw
        if not raw:
            continue
        start = parsed.find(raw, position)
        if start < 0:  # pragma: no cover - every block is a stretch of the text it came from
            continue
        end = start + len(raw)
        position = end
        original = text[start:end]
        inner = getattr(block, "ignore_error_block", None)
        for one in (block, inner):
            if one is not None and one.raw == raw:
                one._raw = original
        while index < len(found) and found[index].start < start:
            index += 1
        held = []
        while index < len(found) and found[index].end <= end:
            comment = found[index]
            if comment.entry:
                line_start = text.rfind("\n", 0, comment.start) + 1
                held.append((lines[index], text[comment.start:comment.end].rstrip(),
                             bool(text[line_start:comment.start].strip())))
            index += 1
        if held:
            for one in (block, inner):
                if one is not None:
                    one.set_parser_metadata(COMMENTS, held)


def read(text: str, *, source: str = "<string>", strict: bool = True,
         problems: list[ParseError] | None = None) -> list[Item]:
    """All entries of a BibTeX/BibLaTeX file as items (crossref parents resolved).

    With `problems`, every block that does not parse is appended to it (a ParseError naming
    its line and key) and the others are read; else, with `strict`, the first raises.
    """
    from bibtexparser.model import Entry

    library = parse_library(text)
    # a key used twice is no reason to lose the second entry: it is read under a fresh key
    # and the item says so (`_notes`), for the command to report
    failed = [b for b in library.failed_blocks if type(b).__name__ != "DuplicateBlockKeyBlock"]
    if problems is not None:
        problems.extend(failed_block_error(block, source) for block in failed)
        problems.extend(commented_entry_errors(library, source))
    elif strict and failed:
        raise failed_block_error(failed[0], source)
    strings = string_definitions(library.blocks)
    raw_entries: dict[str, tuple[Entry, dict[str, str]]] = {}  # key -> (entry, fields resolved)
    renamed: dict[str, str] = {}
    for block in library.blocks:
        if type(block).__name__ == "DuplicateBlockKeyBlock":
            first_line = (getattr(block.previous_block, "start_line", None) or 0) + 1
            block = block.ignore_error_block
            if not isinstance(block, Entry):
                continue
            fresh = next(f"{block.key}-{n}" for n in range(2, len(raw_entries) + 3)
                         if f"{block.key}-{n}" not in raw_entries)
            renamed[fresh] = (f"key: '{block.key}' is also the key of the entry at line "
                              f"{first_line}; this one is read as '{fresh}'")
            raw_entries[fresh] = (block, {f.key.lower(): resolve(str(f.value), strings)
                                          for f in block.fields})
        elif isinstance(block, Entry):
            raw_entries[block.key] = (block, {f.key.lower(): resolve(str(f.value), strings)
                                              for f in block.fields})
    items = []
    sets = entry_sets(raw_entries)
    for key, (block, fields) in raw_entries.items():
        if key in sets or is_data_container(block.entry_type):
            continue
        notes = [renamed[key]] if key in renamed else []
        notes += set_notes(key, sets)
        notes += _undefined_macros(block, strings)
        parent = fields.get("crossref") or fields.get("xref")
        if parent and latex.decode(parent).strip() not in raw_entries:
            field = "crossref" if fields.get("crossref") else "xref"
            notes.append(f"{field}: no entry '{latex.decode(parent).strip()}' in this file; "
                         "nothing is inherited from it")
        notes += xdata_notes(fields, raw_entries)
        fields = inherit_crossref(fields, raw_entries)
        item = entry_to_item(block.entry_type, key, fields, line=(block.start_line or 0) + 1)
        places = comment_places(block)
        if places:
            item[COMMENTS_KEY] = [list(place) for place in places]
        if notes:
            item[NOTES] = notes + list(item.get(NOTES) or ())
        items.append(item)
    return with_ids(items)  # an entry with an empty key (`@article{,`) gets a readable one


def commented_entry_errors(library: Any, source: str) -> list[ParseError]:
    """One error per entry commented out with `%` (`% @article{key, …`), naming its file,
    line and key. biber (btparse) and pandoc skip such an entry, and so do we; classic BibTeX
    has no comment character and would read it. It stays in the file, and every command that
    reports unparsed blocks names it, so that nobody loses an entry without a word."""
    return [ParseError(f"an entry commented out with '%' ('{head}'): not read, as biber and "
                       "pandoc skip it (classic BibTeX would read it); remove the '%' to use it",
                       file=source, line=line + 1, entry=key or None)
            for line, head, key in library.commented_entries]


def comment_places(block: Any) -> list[tuple[str | None, str, bool]]:
    """An entry block's `%` comments placed after the field they follow: the last field that
    starts on or before the comment's line (None: the comment is on the head line or before
    the first field); the text from `%`; whether it ends a line that holds more."""
    held = block.get_parser_metadata(COMMENTS)
    if not held:
        return []
    places = []
    for line, text, inline in held:
        after = None
        for fld in block.fields:
            if fld.start_line is not None and fld.start_line <= line:
                after = fld.key.lower()
        places.append((after, text, inline))
    return places


def entry_sets(raw_entries: Mapping[str, Any]) -> dict[str, list[str]]:
    """biblatex `@set` entries (key -> member keys) whose members are entries of the file: a
    set only groups them (biblatex manual 3.13.5), no reference of its own; a set none of
    whose members is here is read as an entry."""
    sets = {}
    for key, (block, fields) in raw_entries.items():
        if block.entry_type.lower() == "set" and fields.get("entryset", "").strip():
            members = [m.strip() for m in latex.decode(fields["entryset"]).split(",") if m.strip()]
            present = [m for m in members if m in raw_entries and m != key]
            if present:
                sets[key] = present
    return sets


def set_notes(key: str, sets: Mapping[str, list[str]]) -> list[str]:
    """The note on a set's first member saying the set is not read (`entry_sets`)."""
    return [f"entryset: the biblatex @set '{name}' ({', '.join(members)}) is not read as a "
            "reference of its own; its members are read as references" for name, members in
            sets.items() if members[0] == key]


def _undefined_macros(block: Any, strings: Mapping[str, str]) -> list[str]:
    """Notes on the @string macros an entry uses but the file does not define (BibTeX warns
    and reads nothing; we keep the macro's name as the text, visibly, and say so). A month
    that is none is noted where the month is read."""
    notes = []
    for field in block.fields:
        raw = str(field.value)
        if raw[:1] in ("{", '"') and "#" not in raw or field.key.lower() == "month":
            continue
        for kind, text in _value_parts(raw):
            if kind == "macro" and text.lower() not in strings and text.lower() not in MONTHS:
                notes.append(f"{field.key.lower()}: @string '{text}' is not defined in this "
                             f"file; read as the text '{text}'")
    return notes


def is_data_container(entry_type: str) -> bool:
    """A biblatex `@xdata` entry: a container of fields for other entries to take (biblatex
    manual §3.13.6 "Data containers"), never printed as a reference nor exported as one."""
    return entry_type.lower() == "xdata"


def _xdata_keys(value: str) -> list[str]:
    return [key.strip() for key in latex.decode(value).split(",") if key.strip()]


def _aliases(entries: Mapping[str, Any]) -> dict[str, str]:
    """`ids` aliases (biblatex §2.2.3 "ids") -> the key of the entry that names them."""
    found: dict[str, str] = {}
    for key in list(entries.keys()):
        for alias in _xdata_keys(entries[key][1].get("ids", "")):
            found.setdefault(alias, key)
    return found


def xdata_notes(fields: Mapping[str, str], entries: Mapping[str, Any]) -> list[str]:
    """Notes on the `xdata` keys of an entry that name no entry of the file."""
    missing = [key for key in _xdata_keys(fields.get("xdata", "")) if key not in entries]
    if missing:
        aliases = _aliases(entries)
        missing = [key for key in missing if key not in aliases]
    return [f"xdata: no entry '{key}' in this file; nothing is inherited from it"
            for key in missing]


def inherit_xdata(fields: dict[str, str], entries: Mapping[str, Any]) -> dict[str, str]:
    """The fields of the `@xdata` containers an entry names in `xdata` (a comma-separated
    list of keys or `ids` aliases), added where the entry has none, as biber does (biblatex
    manual §3.13.6: all the container's fields are inherited, without crossref's type rules;
    a container may name containers in its own `xdata`, resolved first; a loop stops). The
    `xdata` field is dropped once every container it names is found: the fields it stood for
    are now the entry's own, and no writer writes the containers. Granular references inside
    a value (`xdata=key-field-n`) are kept as written."""
    if "xdata" not in fields:
        return fields
    aliases: dict[str, str] | None = None  # built only when a key is no entry's own
    merged = {name: value for name, value in fields.items() if name != "xdata"}
    complete = True

    def take(keys: list[str], seen: set[str]) -> None:
        nonlocal complete, aliases
        for key in keys:
            if key not in entries:
                aliases = _aliases(entries) if aliases is None else aliases
                key = aliases.get(key, key)
            if key in seen or key not in entries:
                complete = complete and key in seen
                continue
            container = entries[key][1]
            take(_xdata_keys(container.get("xdata", "")), seen | {key})
            for name, value in container.items():
                if name not in merged and name not in ("xdata", "ids"):
                    merged[name] = value

    take(_xdata_keys(fields["xdata"]), set())
    if not complete:
        merged["xdata"] = fields["xdata"]
    return merged


def inherit_crossref(fields: dict[str, str], entries: Mapping[str, Any]) -> dict[str, str]:
    """Fill missing fields from `xdata` containers (inherit_xdata), then from `crossref`/`xref`
    parents (biber's inheritance, simplified)."""
    seen: set[str] = set()
    fields = inherit_xdata(fields, entries)
    parent_key = fields.get("crossref") or fields.get("xref")
    merged = dict(fields)
    while parent_key:
        parent_key = latex.decode(parent_key).strip()
        if parent_key in seen or parent_key not in entries:
            break
        seen.add(parent_key)
        parent = entries[parent_key][1]
        for name, value in parent.items():
            if name == "title" and "booktitle" not in merged:
                merged["booktitle"] = value
            elif name not in merged and name not in ("crossref", "xref", "ids"):
                merged[name] = value
        parent_key = parent.get("crossref") or parent.get("xref")
    return merged


def failed_block_error(block: Any, source: str) -> ParseError:
    line = (getattr(block, "start_line", None) or 0) + 1
    key = None
    match = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", block.raw or "")
    if match:
        key = match.group(1)
    kind = type(block).__name__
    if kind == "DuplicateBlockKeyBlock":
        message = "duplicate citation key"
    elif kind == "DuplicateFieldKeyBlock":
        message = "a field appears twice in this entry"
    else:
        error = getattr(block, "error", None)
        lines = str(error or "").strip().splitlines()
        detail = lines[0] if lines else "syntax error, e.g. unbalanced braces"
        message = f"entry does not parse ({detail})"
    return ParseError(message, file=source, line=line, entry=key)


# a word: a letter, then letters, digits, apostrophes and hyphens, ending on a letter or digit
# or in a plural's possessive apostrophe (`Readers'`); a closing quote is no part of it (braced,
# `'eyes-{Free'}`, styles no longer pair the quotes)
_WORD = re.compile(r"(?<![\\\w])[^\W\d_](?:[\w'’-]*\w)?(?:(?<=[sS])['’])?")
_HYPHEN = re.compile(r"(-)")
_BRACED_OR_MACRO = re.compile(r"(\\[A-Za-z]+\s*)?\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}|\\[A-Za-z]+")
_FORMATTING_MACROS = {"\\textit", "\\textbf", "\\emph", "\\textsuperscript",
                      "\\textsubscript", "\\textsc"}
# Title-like fields that BibTeX styles, biblatex and pandoc change to sentence case.
CASE_CHANGED_FIELDS = ("title", "shorttitle", "booktitle", "series", "subtitle", "titleaddon",
                       "maintitle")


def protect_case(value: str) -> str:
    """Brace what a sentence-casing reader must not change, so the title reads back as stored.

    Our titles are already in the case they should be printed in. BibTeX's `change.case$`
    only ever lower-cases (btxhak, "change.case$": `t` keeps the first character and
    lower-cases the rest; text in braces is left alone), so every word with a capital other
    than the title's first letter is braced (`Williams {Obstetrics}`, `{IVIg}`), as Zotero
    and Better BibTeX do. A word with no capital is never braced (redteam5 F15): it protects
    nothing in BibTeX, and a reader that takes braces as case protection (our import, pandoc)
    would then leave it lower-case in a title-case style ("trailing And"). What the item
    itself protects (nocase spans) is already a brace group (`_encode_rich`); text in braces
    or macro arguments is left as it is.
    """
    out, pos, first = [], 0, True

    def protect(text: str) -> str:
        nonlocal first
        pieces, last = [], 0
        for match in _WORD.finditer(text):
            word = match.group(0)
            before = text[:match.start()].rstrip().rstrip("([{\"'‘“").rstrip()
            first = first and not any(c.isalnum() for c in before)
            pieces.append(text[last:match.start()])
            for index, part in enumerate(_HYPHEN.split(word)):
                # each part of a hyphenated word on its own (`{Self}-reference`, `k-{Colored}`):
                # a part with no capital stays free, which CSL's title case capitalises
                # (`Self-Reference`) as it did in the item before the trip
                at_start = first and index == 0
                braced = part[:1] != "-" and (any(c.isupper() for c in part[1:])
                                              or (part[:1].isupper() and not at_start))
                pieces.append("{" + part + "}" if braced else part)
            last = match.end()
            first = False
        pieces.append(text[last:])
        return "".join(pieces)

    for match in _BRACED_OR_MACRO.finditer(value):
        out.append(protect(value[pos:match.start()]))
        group = match.group(0)
        macro = match.group(1)
        if macro and macro.strip() in _FORMATTING_MACROS and group.endswith("}"):
            # pandoc changes case inside \textit{…}; only braces around the macro protect it
            group = "{" + group + "}"
        out.append(group)
        first = False
        pos = match.end()
    out.append(protect(value[pos:]))
    return "".join(out)


def protect_titles(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, "{" + protect_case(raw[1:-1]) + "}" if name in CASE_CHANGED_FIELDS
             and raw.startswith("{") else raw) for name, raw in fields]


def classic_fields(entry_type: str, fields: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Our stored fields as classic BibTeX 0.99 styles (plain, unsrt, natbib) expect them."""
    names = dict(fields)
    out = []
    classic_type = {"online": "misc", "dataset": "misc", "software": "misc", "standard": "misc",
                    "inreference": "incollection", "periodical": "misc", "patent": "misc"}.get(
        entry_type, entry_type)
    for name, raw in fields:
        out.append((name, raw))
    if classic_type != entry_type and "entrysubtype" not in names and ENTRY_TYPES.get(entry_type):
        out.append(("entrysubtype", "{" + ENTRY_TYPES[entry_type] + "}"))
    if classic_type == "misc" and "url" in names and "howpublished" not in names:
        out.append(("howpublished", "{\\url{" + names["url"][1:-1] + "}}"))
    return classic_type, protect_titles(out)


def write(items: Iterable[Mapping[str, Any]], *, tags: Iterable[str] | None = None) -> str:
    """Items as a BibTeX file that BibTeX itself and biber accept (keys made unique)."""
    chunks = []
    for key, item in unique_keys(with_tags(items, tags)):
        entry_type, fields = item_to_fields(item)
        own = own_entry_type(item, entry_type)
        if own in CLASSIC_KEPT_TYPES:  # an imported @manual stays one (redteam6 G6)
            entry_type, fields = own, kept_type_fields(own, fields)
        # no `%` comments: BibTeX itself has no comment character inside an entry ("You're
        # missing a field name", and the rest of the entry is skipped); api.export_warnings
        # names the entries that had some
        chunks.append(format_entry(*classic_fields(entry_type, fields)[:1], key,
                                   classic_fields(entry_type, fields)[1]))
    return "\n\n".join(chunks) + ("\n" if chunks else "")


def item_comments(item: Mapping[str, Any],
                  renames: Mapping[str, str] | None = None) -> list[tuple[str | None, str, bool]]:
    """The item's `%` comments (COMMENTS_KEY) as format_entry takes them; `renames` maps the
    fields they follow to the names a writer writes them under (BibLaTeX `journaltitle`)."""
    out = []
    for place in item.get(COMMENTS_KEY) or ():
        if isinstance(place, (list, tuple)) and len(place) == 3 and str(place[1]).startswith("%"):
            after = None if place[0] is None else str(place[0])
            if after is not None and renames:
                after = renames.get(after, after)
            out.append((after, str(place[1]), bool(place[2])))
    return out
