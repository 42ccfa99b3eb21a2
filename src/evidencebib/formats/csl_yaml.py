"""CSL YAML (pandoc's YAML bibliography) -> items; read only.

pandoc reads and writes a bibliography as YAML: a mapping whose `references` key holds a list
of CSL items (`pandoc refs.bib -s -t markdown` writes one between `---` lines; pandoc's
manual, "Citations": "a YAML bibliography … with a `references` field"), or the list on its
own. The items are CSL-JSON items in YAML, with three differences pandoc makes, each undone
here so that the item is the one `csl_json.read` gives for pandoc's CSL-JSON of the same
bibliography (tests/formats/test_format_csl_yaml.py compares the two):

* **Values are Markdown** (pandoc parses every string as Markdown inlines): `*italic*`,
  `**bold**`, `^sup^`, `~sub~`, `[DNA]{.nocase}`, `[Sc]{.smallcaps}`, `$\\alpha$`, backslash
  escapes, and with pandoc's `smart` extension (curly quotes, `--` an en dash). They become
  CSL rich text (`<i>`, `<b>`, `<sup>`, `<sub>`, nocase and small-caps spans; math and raw
  LaTeX inlines through formats/latex.py, as BibTeX is read). An `id`, a date and an
  identifier (DOI, URL, ISBN …) are the text of their Markdown (`parkerjr.\\_1967`,
  `1996 \\[1985\\]`), without smart quotes; `type` and `language` are taken as written.
  The Markdown is parsed by markdown-it-py with the mdit-py-plugins for bracketed spans, `$`
  math, sub- and superscripts — pandoc's own syntax for these.
* **Keys are lower-case** where CSL spells them in capitals (`doi`, `url`, `isbn`, `issn`,
  `pmid`, `pmcid`).
* **Dates are EDTF strings** (`issued: 2019-23`, `issued: 2020-05`), or pandoc-citeproc's
  older list of `{year, month, day}` mappings. YAML's own timestamps and YAML 1.1's `yes`/`no`
  are not applied: like pandoc (YAML 1.2), only `true`, `false` and `null` are more than
  text, so `issued: 2020-05-01` stays the EDTF string it is and a `volume: 3` is "3".

Every item then goes through the CSL-JSON item normaliser (`csl_json.normalize_item`): the
same variables, names, dates, `custom` and problems (a ParseError naming file, line and id).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from evidencebib.errors import ParseError
from evidencebib.formats import latex
from evidencebib.formats.csl_json import normalize_item
from evidencebib.model import Item
from evidencebib.model.keys import with_ids
from evidencebib.model.vocabulary import DATE_VARIABLES, NAME_VARIABLES

__all__ = ["read", "markdown_to_rich_text", "markdown_text"]

# pandoc writes these CSL variables in lower case
_UPPER = {name.lower(): name for name in ("DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID")}
# taken as written: no Markdown in them
_VERBATIM = frozenset({"type", "language"})
# Markdown read for its text only (pandoc escapes `\_` and `\[` in them), without pandoc's
# smart quotes, which would change a URL's `'`
_IDENTIFIERS = frozenset({"DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID", "license"})


class _Loader(yaml.SafeLoader):
    """YAML as pandoc reads it (YAML 1.2's core schema, less numbers): `true`, `false`, `null`
    and an empty value are typed, everything else is text."""

    yaml_implicit_resolvers: dict = {}


_Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                              re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:null",
                              re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])

# the closing line of a Markdown file's YAML block (`---` or `...`)
_FENCE = re.compile(r"^(?:---|\.\.\.)\s*$", re.MULTILINE)


def read(text: str, *, source: str = "<string>",
         problems: list[ParseError] | None = None) -> list[Item]:
    """Items of a CSL YAML file (see the module docstring). With `problems`, an item of the
    wrong shape is appended to it and the others are read; else the first raises. A file
    that is not YAML, or holds no list of items, always raises."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # YAML allows no C0 control character in a document, but pandoc writes them as they
    # are in the data (an abstract's \x01): carried through the parser as private-use
    # characters and put back in the values
    document = _yaml_block(text).translate(_HIDE_CONTROLS)
    loader = _Loader(document)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ParseError(f"invalid YAML: {problem}", file=source,
                         line=mark.line + 1 if mark else None) from None
    finally:
        loader.dispose()
    if _HIDDEN.search(document):
        data = _reveal(data)
    references, sequence = _references(data, node)
    if references is None:
        raise ParseError("CSL YAML must be a list of items, or a mapping with a 'references' "
                         "list (pandoc's YAML bibliography)", file=source, line=1)
    items: list[Item] = []
    for index, raw in enumerate(references):
        line = sequence.value[index].start_mark.line + 1 if sequence is not None else None
        try:
            if not isinstance(raw, dict):
                raise ParseError(f"item {index + 1} is a {type(raw).__name__}, not a mapping",
                                 file=source, line=line)
            items.append(normalize_item(_as_csl_json(raw), source=source, index=index + 1,
                                        line=line))
        except ParseError as error:
            if problems is None:
                raise
            problems.append(error)
    return with_ids(items)


_CONTROLS = [c for c in range(32) if chr(c) not in "\t\n\r"] + [0x7F]
_HIDE_CONTROLS = {c: 0xF0000 + c for c in _CONTROLS}
_SHOW_CONTROLS = {0xF0000 + c: c for c in _CONTROLS}
_HIDDEN = re.compile("[\U000F0000-\U000F007F]")


def _reveal(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SHOW_CONTROLS)
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    if isinstance(value, dict):
        return {_reveal(k): _reveal(v) for k, v in value.items()}
    return value


def _yaml_block(text: str) -> str:
    """The YAML of a file: all of it, or, when it starts with `---` (a Markdown file's
    metadata block, as pandoc writes it), the lines up to the closing `---`/`...` (the lines
    are kept where they were, for error messages)."""
    if not text.lstrip("\n").startswith("---"):
        return text
    start = text.index("---") + 3
    closing = _FENCE.search(text, start)
    return text[:closing.start()] if closing else text


def _references(data: Any, node: Any) -> tuple[list | None, Any]:
    """(the list of items, its YAML node) of the document, or (None, None)."""
    if isinstance(data, list):
        return data, node
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        for key, value in node.value:
            if key.value == "references":
                return data["references"], value
    return None, None


def _as_csl_json(raw: dict) -> dict:
    """One pandoc YAML item as the CSL-JSON object pandoc would write for it."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        key = _UPPER.get(str(key), str(key))
        if key in DATE_VARIABLES:
            out[key] = _date(markdown_text(value) if isinstance(value, str) else value)
        elif key in NAME_VARIABLES and isinstance(value, list):
            out[key] = [_name(name) for name in value]
        elif key in ("id", "citation-key") and isinstance(value, str):
            # pandoc writes a key as Markdown text too (`parkerjr.\_1967`): its text
            out[key] = latex.strip_markup(markdown_to_rich_text(value))
        elif isinstance(value, str) and key in _IDENTIFIERS:
            out[key] = markdown_text(value)
        elif isinstance(value, str) and key not in _VERBATIM:
            out[key] = markdown_to_rich_text(value)
        else:
            out[key] = value
    return out


def _name(name: Any) -> Any:
    if isinstance(name, dict):
        return {part: markdown_to_rich_text(value) if isinstance(value, str) else value
                for part, value in name.items()}
    return markdown_to_rich_text(name) if isinstance(name, str) else name


def _date(value: Any) -> Any:
    """pandoc-citeproc's `[{year: 2019, month: 5}]` as `date-parts`; anything else as given
    (an EDTF string, a CSL-JSON date object) for the date normaliser."""
    if isinstance(value, list) and value and all(isinstance(part, dict) for part in value):
        parts = [[part[name] for name in ("year", "month", "day") if part.get(name) is not None]
                 for part in value]
        if all(parts):
            return {"date-parts": parts}
    if isinstance(value, dict) and set(value) & {"year", "month", "day"}:
        return _date([value])
    return value


# -- Markdown inlines -> CSL rich text -------------------------------------------------------

_TAGS = {"em": ("<i>", "</i>"), "strong": ("<b>", "</b>"), "sup": ("<sup>", "</sup>"),
         "sub": ("<sub>", "</sub>")}
_SPANS = {"nocase": latex.NOCASE_OPEN, "smallcaps": latex.SMALLCAPS_OPEN}
_MARKDOWN_SIGNS = re.compile(r"[*_\\^~\[`$<&\n\t'\"]|--|\.\.\.|  ")


@functools.cache
def _parser() -> MarkdownIt:
    # pandoc's Markdown has `smart` on: curly quotes and apostrophes (markdown-it's
    # smartquotes), dashes and ellipses (`_smart_punctuation`); an escaped character stays as
    # written, so text_join is off to keep escapes apart from the text around them
    return (MarkdownIt("commonmark", {"html": True, "typographer": True})
            .enable(["smartquotes"]).disable(["text_join"])
            .use(attrs_plugin, spans=True).use(dollarmath_plugin)
            .use(sub_plugin).use(superscript_plugin))


def _smart_punctuation(text: str) -> str:
    """pandoc's `smart` extension: `---` an em dash, `--` an en dash, `...` an ellipsis, and a
    single quote that opens no quotation an apostrophe (`'t Hooft`, `SESS '06`; markdown-it's
    smartquotes leaves an unpaired one straight)."""
    if "'" in text:
        text = text.replace("'", "\u2019")
    if '"' in text:  # one that opens nothing, before a space or at the end, closes (pandoc)
        text = _CLOSING_DOUBLE.sub("\u201d", text)
    if "--" in text:
        text = text.replace("---", "\u2014").replace("--", "\u2013")
    return text.replace("...", "\u2026") if "..." in text else text


_CLOSING_DOUBLE = re.compile(r'"(?=\s|$)')
_BLANKS = re.compile(r"[ \t]{2,}")

# a raw inline of another format: `` `\textendash{}`{=latex} `` (pandoc writes LaTeX it did not
# read so); LaTeX is decoded as BibTeX is, where pandoc leaves it out of other formats
_RAW_FORMAT = re.compile(r"^\{=([A-Za-z]+)\}")


@functools.cache
def _plain_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def markdown_text(value: str) -> str:
    """The text of a Markdown value, escapes and entities read, nothing else changed
    (`10.1000/a\\_b` -> `10.1000/a_b`, `a&amp;b` -> `a&b`)."""
    if "\\" not in value and "&" not in value:
        return value
    blocks = _plain_parser().parseInline(value)
    tokens: list[Token] = (blocks[0].children or []) if blocks else []
    return "".join(" " if t.type in ("softbreak", "hardbreak") else t.content for t in tokens
                   if t.type in ("text", "text_special", "code_inline", "softbreak",
                                 "hardbreak", "html_inline")).strip()


@functools.lru_cache(maxsize=16384)
def markdown_to_rich_text(value: str) -> str:
    """A Markdown inline value (pandoc's syntax) as CSL rich text: emphasis `<i>`, strong
    `<b>`, `^sup^`, `~sub~`, `[…]{.nocase}`, `[…]{.smallcaps}`, `$math$` and raw LaTeX as
    readable Unicode, pandoc's smart quotes and dashes; a link, code or a span of another
    class is its text; a line break a space, a run of spaces one (Markdown's whitespace)."""
    if not _MARKDOWN_SIGNS.search(value):
        return value
    blocks = _parser().parseInline(value)
    tokens: list[Token] = (blocks[0].children or []) if blocks else []
    out: list[str] = []
    spans: list[str] = []
    raw_after = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "text":
            text = token.content
            if raw_after:
                text = _RAW_FORMAT.sub("", text, count=1)
                raw_after = False
            out.append(_smart_punctuation(text))
        elif kind == "text_special":  # an escaped character, as written
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "code_inline":
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            raw = following is not None and following.type == "text" and \
                _RAW_FORMAT.match(following.content)
            if raw and raw.group(1).lower() in ("latex", "tex"):
                out.append(latex.decode(token.content, rich=True))
                raw_after = True
            elif raw:
                raw_after = True  # HTML, RTF …: no text of ours
            else:
                out.append(token.content)
        elif kind == "math_inline":
            out.append(latex.decode(f"${token.content}$", rich=True))
        elif kind == "html_inline":  # CSL rich text already (`<i>`), as pandoc keeps it
            out.append(token.content)
        elif kind.endswith("_open") and kind[:-5] in _TAGS:
            out.append(_TAGS[kind[:-5]][0])
        elif kind.endswith("_close") and kind[:-6] in _TAGS:
            out.append(_TAGS[kind[:-6]][1])
        elif kind == "span_open":
            classes = str(token.attrs.get("class", "")).split()
            opening = next((_SPANS[c] for c in classes if c in _SPANS), "")
            spans.append("</span>" if opening else "")
            out.append(opening)
        elif kind == "span_close":
            out.append(spans.pop() if spans else "")
        # link_open/link_close, image and other markup: their text is kept, the markup not
    text = "".join(out).strip()
    return _BLANKS.sub(" ", text) if "  " in text or "\t" in text else text
