"""Output formats: one finisher per format, from a marked string (render/marks.py).

The engine renders an entry as a marked string: text plus private-use markers for formatting
(italic, bold, …), links (DOIs and URLs) and display blocks. A finisher writes it in the output
format: every character that is not a marker is text, escaped once for the format (item data and
the style's own affixes alike); markers become markup; link spans become links.

- markdown: `*italic*`, `**bold**`, `<sup>`/`<sub>`, text escaped with backslashes, DOIs and
  URLs as autolinks `<https://doi.org/…>` (inside `<…>` backslashes are literal, so `<`, `>`,
  spaces … are percent-encoded instead).
- html: escaped text, `<i>`, `<b>`, `<sup>`, `<sub>`, small caps as a span, links as `<a href>`,
  display blocks as citeproc-js writes them (`<div class="csl-left-margin">` …); a Unicode
  superscript character of citeproc-js's table is its base character in a `<sup>` ("1ʳᵉ" ->
  "1<sup>r</sup><sup>e</sup>", as citeproc-js's HTML writer prints it).
- a PMID or PMCID the style prints links to PubMed or PMC (model/pubmed_ids.py) in markdown,
  html and rtf, as a DOI does; a value that is not a PMID (PMCID) stays text.
- text: plain text, markers removed.
- rtf: an RTF fragment (`rtf_document` wraps entries for Word).

Display blocks (CSL 1.0.2 §"Display") other than in HTML: the parts are separated by a space
("1. Banjar" for a second-field-align style).
`MarkingFormatter` is the formatter citeproc-py's own methods get (the upstream side of an
override, render/overrides/upstream.py): it writes the same markers.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from evidencebib.model.pubmed_ids import pmc_url, pubmed_url
from evidencebib.render.marks import (BASELINE, BLOCK, BOLD, DISPLAY_CLASSES, DISPLAY_CLOSE,  # noqa: F401
                                      DISPLAY_MARKERS, FONT_PAIRS, INDENT, ITALIC, LEFT_MARGIN, LINK_CLOSE,
                                      LINK_DOI, LINK_MARKERS, LINK_OPENERS, LINK_URL, MARKERS,
                                      NO_DECORATION, RIGHT_INLINE, ROMAN, SMALLCAPS, SUB, SUP, UNBOLD,
                                      UNDERLINE, UNSMALLCAPS, strip_private_use)

def _wrapper(marks: tuple[str, str]):
    def wrap(text):
        from citeproc.string import String  # lazy: keep `import evidencebib.render.formats` light

        return String(marks[0] + str(text) + marks[1])

    return wrap


def _identity(text):
    from citeproc.string import String

    return String(str(text))


class MarkingFormatter:
    """What citeproc-py calls a formatter: preformat + one callable per font property."""

    preformat = staticmethod(lambda text: text)
    Italic = staticmethod(_wrapper(ITALIC))
    Oblique = staticmethod(_wrapper(ITALIC))
    Bold = staticmethod(_wrapper(BOLD))
    Light = staticmethod(_identity)
    Underline = staticmethod(_wrapper(UNDERLINE))
    Superscript = staticmethod(_wrapper(SUP))
    Subscript = staticmethod(_wrapper(SUB))
    SmallCaps = staticmethod(_wrapper(SMALLCAPS))


class SortFormatter:
    """No markup at all, for sort keys (so the order never depends on the output format)."""

    preformat = staticmethod(lambda text: text)
    Italic = Oblique = Bold = Light = Underline = Superscript = Subscript = SmallCaps = \
        staticmethod(_identity)


# superscript characters ------------------------------------------------------------------

# the characters citeproc-js's HTML writer prints as <sup> (CSL.SUPERSCRIPTS, src/load.js): code
# points and ranges; each one's base character is its Unicode <super> decomposition, except for
# four modifier letters Unicode does not decompose
_SUPERSCRIPT_POINTS = ("\u00aa\u00b2\u00b3\u00b9\u00ba\u02b0-\u02b8\u02c0\u02c1\u02e0-\u02e4\u06e5\u06e6"
                       "\u1d2c-\u1d2e\u1d30-\u1d3a\u1d3c-\u1d4d\u1d4f-\u1d61\u2070\u2071\u2074-\u207f"
                       "\u2120\u2122\u3192-\u319f")
_SUPERSCRIPT = re.compile(f"[{_SUPERSCRIPT_POINTS}]")
_UNDECOMPOSED = {"\u02c0": "\u0294", "\u02c1": "\u0295", "\u06e5": "\u0648", "\u06e6": "\u064a"}


def _base_character(char: str) -> str:
    import unicodedata

    parts = unicodedata.decomposition(char).split()
    if parts[:1] == ["<super>"]:
        return "".join(chr(int(code, 16)) for code in parts[1:])
    return _UNDECOMPOSED.get(char, char)


# (line breaks excepted: citeproc-js escapes each piece apart, so a delimiter's "\n" and a
# "\n" that starts the next piece stay two line breaks)
_DOUBLE_SPACE = re.compile(r"[^\S\n\r]{2}")


def _html_text(text: str) -> str:
    """Text as citeproc-js's HTML `text_escape` writes it: `&`, `<`, `>` escaped, two white-space
    characters (not line breaks) as a no-break space and a space (so a browser keeps both),
    superscript characters as <sup> elements."""
    escaped = _DOUBLE_SPACE.sub("\u00a0 ", html.escape(text, quote=False))
    if _SUPERSCRIPT.search(escaped) is None:
        return escaped
    return _SUPERSCRIPT.sub(lambda match: f"<sup>{html.escape(_base_character(match.group(0)))}</sup>",
                            escaped)


# links --------------------------------------------------------------------------------------

DOI_RESOLVER = "https://doi.org/"
_DOI_URL_PREFIX = re.compile(r"(?:https?://(?:dx\.)?doi\.org/)$", re.IGNORECASE)
# characters allowed unencoded in a DOI placed in a URL path (RFC 3986 pchar minus %)
_DOI_SAFE = "/:;()@!$&'*+,=-._~"


def doi_url(doi: str) -> str:
    """`https://doi.org/` + the DOI, percent-encoded where a URL needs it (`<` `>` `#` `?` …)."""
    return DOI_RESOLVER + quote(doi, safe=_DOI_SAFE)


def safe_url(url: str) -> str:
    """A URL usable in an autolink or href: spaces, `<`, `>`, quotes and controls encoded."""
    out = []
    for char in url:
        if char in ' <>"`\\{}|^' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(quote(char, safe=""))
        else:
            out.append(char)
    return "".join(out)


def _is_web_url(url: str) -> bool:
    return re.match(r"(?i)(https?|ftp)://\S", url) is not None


def _is_link(kind: str, value: str, href: str | None) -> bool:
    """A DOI always links; a URL when it is a web address; a PMID/PMCID when it is one."""
    return _is_web_url(value) if kind == "url" else href is not None


_LINK_KINDS = {opener: kind for kind, opener in LINK_OPENERS.items()}
_LINK_OPEN = "".join(LINK_OPENERS.values())


# tokenising ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    "(?P<link>[" + _LINK_OPEN + "][^" + LINK_CLOSE + "]*" + LINK_CLOSE + "?)"
    "|(?P<mark>[" + re.escape("".join(mark for pair in FONT_PAIRS for mark in pair)) + "])"
    "|(?P<display>[" + DISPLAY_MARKERS + "])"
    "|(?P<text>[^" + MARKERS + "]+)"
    "|(?P<stray>[" + LINK_CLOSE + "])"
)


def _tokens(marked: str, spaced_display: bool = True, reopen: bool = False):
    """('text', s) / ('mark', m) / ('link', kind, value) / ('display', m) tokens of a marked
    string; with `spaced_display`, display markers become a space between two parts that
    would otherwise touch ("1." + "Banjar" -> "1. Banjar"); with `reopen`, a mark closed and
    opened again at once stays (two elements of the same font side by side)."""
    tokens: list[tuple[str, ...]] = []  # (kind, text) or ("link", kind, value)
    pending_space = False
    for match in _TOKEN.finditer(marked):
        if match.group("display"):
            if spaced_display:
                pending_space = pending_space or match.group("display") == DISPLAY_CLOSE
            else:
                tokens.append(("display", match.group("display")))
            continue
        if pending_space:
            pending_space = False
            previous = _last_text(tokens)
            following = match.group("text") or ""
            if previous and not previous[-1].isspace() and not following[:1].isspace():
                tokens.append(("text", " "))
        if match.group("link"):
            raw = match.group("link")
            kind = _LINK_KINDS[raw[0]]
            value = raw[1:].rstrip(LINK_CLOSE)
            tokens.append(("link", kind, value))
        elif match.group("mark"):
            tokens.append(("mark", match.group("mark")))
        elif match.group("text"):
            tokens.append(("text", match.group("text")))
    return _merge_adjacent_marks(tokens, reopen)


def _last_text(tokens) -> str:
    for token in reversed(tokens):
        if token[0] == "text":
            return token[1]
        if token[0] == "link":
            return token[2]
    return ""


def _merge_adjacent_marks(tokens, reopen: bool = False):
    """Drop empty spans (open immediately closed) and, unless `reopen`, close+reopen of the
    same mark."""
    closes = {pair[1]: pair[0] for pair in FONT_PAIRS}
    opens = {pair[0]: pair[1] for pair in FONT_PAIRS}
    changed = True
    while changed:
        changed = False
        for i in range(len(tokens) - 1):
            a, b = tokens[i], tokens[i + 1]
            if a[0] == "mark" and b[0] == "mark":
                if (a[1] in opens and opens[a[1]] == b[1]) or \
                        (not reopen and a[1] in closes and closes[a[1]] == b[1]):
                    del tokens[i:i + 2]
                    changed = True
                    break
    return tokens


def _link_parts(tokens, index, kind, value):
    """(text before the link without a doi.org prefix it printed, href, display text)."""
    prefix = ""
    if kind == "doi":
        href = doi_url(value)
        if index > 0 and tokens[index - 1][0] == "text":
            match = _DOI_URL_PREFIX.search(tokens[index - 1][1])
            if match:
                prefix = match.group(0)
        return prefix, href
    if kind == "pmid":
        return prefix, pubmed_url(value)
    if kind == "pmcid":
        return prefix, pmc_url(value)
    return prefix, value


# finishers ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)]))")
# Line breaks in item data would start new Markdown blocks (a list, a heading, a table, a new
# page paragraph) or new text entries: an entry is one line, so they become spaces.
_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark/GFM would read as markup in running text."""
    text = _MD_SPECIAL.sub(r"\\\1", one_line(text))
    return _MD_ENTITY.sub(r"\\&", text)


def finish_markdown(marked: str) -> str:
    tokens = _hoist_spaces(_tokens(marked))
    out: list[str] = []
    depth = {ITALIC[0]: 0, BOLD[0]: 0}
    close_of = {ITALIC[1]: ITALIC[0], BOLD[1]: BOLD[0]}
    symbol = {ITALIC[0]: "*", BOLD[0]: "**"}
    html_tags = {SUP[0]: "<sup>", SUP[1]: "</sup>", SUB[0]: "<sub>", SUB[1]: "</sub>"}
    for index, token in enumerate(tokens):
        if token[0] == "text":
            out.append(escape_markdown(token[1]))
        elif token[0] == "mark":
            mark = token[1]
            if mark in ROMAN:  # upright inside italics: close the emphasis, reopen it after
                if depth[ITALIC[0]]:
                    out.append("*")
            elif mark in UNBOLD:  # normal weight inside bold, likewise
                if depth[BOLD[0]]:
                    out.append("**")
            elif mark in depth:
                depth[mark] += 1
                if depth[mark] == 1:
                    out.append(symbol[mark])
            elif mark in close_of:
                opener = close_of[mark]
                depth[opener] = max(0, depth[opener] - 1)
                if depth[opener] == 0:
                    out.append(symbol[opener])
            elif mark in html_tags:
                out.append(html_tags[mark])
        else:
            _, kind, value = token
            prefix, href = _link_parts(tokens, index, kind, value)
            if kind == "doi":
                if prefix:
                    out[-1] = out[-1][: len(out[-1]) - len(escape_markdown(prefix))]
                    out.append(f"<{safe_url(href)}>")
                else:
                    out.append(f"[{escape_markdown(value)}](<{safe_url(href)}>)")
            elif kind == "url" and _is_web_url(value):
                out.append(f"<{safe_url(value)}>")
            elif href is not None and _is_link(kind, value, href):
                out.append(f"[{escape_markdown(value)}](<{safe_url(href)}>)")
            else:
                out.append(escape_markdown(value))
    text = "".join(out).lstrip(" \t")      # 4 leading spaces would make a code block
    return _MD_LINE_START.sub(_escape_line_start, text, count=1)


def _escape_line_start(match: re.Match[str]) -> str:
    """`# x`, `> x`, `- x`, `+ x`, `=` (setext), `1. x`, `1) x` at the start stay text."""
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)


def _hoist_spaces(tokens):
    """`* a*` and `*a *` are not emphasis in CommonMark: move edge spaces outside the marks."""
    # (upright text, normal weight: they end the emphasis and start it again)
    opens = {pair[0] for pair in (ITALIC, BOLD)} | {ROMAN[1], UNBOLD[1]}
    closes = {pair[1] for pair in (ITALIC, BOLD)} | {ROMAN[0], UNBOLD[0]}
    result = list(tokens)
    i = 0
    while i < len(result):
        token = result[i]
        if token[0] == "text":
            text = token[1]
            if i > 0 and result[i - 1][0] == "mark" and result[i - 1][1] in opens:
                stripped = text.lstrip()
                if stripped and stripped != text:
                    lead = text[: len(text) - len(stripped)]
                    result[i - 1:i + 1] = [("text", lead), result[i - 1], ("text", stripped)]
                    i += 1
                    continue
            if i + 1 < len(result) and result[i + 1][0] == "mark" and result[i + 1][1] in closes:
                stripped = text.rstrip()
                if stripped and stripped != text:
                    trail = text[len(stripped):]
                    result[i:i + 2] = [("text", stripped), result[i + 1], ("text", trail)]
        i += 1
    return result


# the line breaks citeproc-js's html formatter writes around each display div (its
# `@display/...` functions): a left margin and its right-inline part touch, a block or an indent
# stands on its own line; whitespace only, so a browser lays the parts out the same either way
_DISPLAY_BEFORE = {BLOCK: "\n\n    ", LEFT_MARGIN: "\n    ", RIGHT_INLINE: "", INDENT: ""}
_DISPLAY_AFTER = {BLOCK: "\n", LEFT_MARGIN: "", RIGHT_INLINE: "\n  ", INDENT: "\n  "}


def finish_html(marked: str) -> str:
    # two elements of the same font side by side print as two: citeproc-js's HTML output
    # (CSL.Output.Formats.html, src/formats.js) wraps each blob's decorations around its own
    # text and never joins "</b><b>"
    tokens = _tokens(marked, spaced_display=False, reopen=True)
    tags = {
        ITALIC[0]: "<i>", ITALIC[1]: "</i>", BOLD[0]: "<b>", BOLD[1]: "</b>",
        SUP[0]: "<sup>", SUP[1]: "</sup>", SUB[0]: "<sub>", SUB[1]: "</sub>",
        SMALLCAPS[0]: '<span style="font-variant:small-caps;">', SMALLCAPS[1]: "</span>",
        # citeproc-js's CSL.Output.Formats.html spans for the rest
        UNDERLINE[0]: '<span style="text-decoration:underline;">', UNDERLINE[1]: "</span>",
        ROMAN[0]: '<span style="font-style:normal;">', ROMAN[1]: "</span>",
        UNBOLD[0]: '<span style="font-weight:normal;">', UNBOLD[1]: "</span>",
        UNSMALLCAPS[0]: '<span style="font-variant:normal;">', UNSMALLCAPS[1]: "</span>",
        NO_DECORATION[0]: '<span style="text-decoration:none;">', NO_DECORATION[1]: "</span>",
        BASELINE[0]: '<span style="baseline">', BASELINE[1]: "</span>",
    }
    out: list[str] = []
    open_displays: list[str] = []
    for index, token in enumerate(tokens):
        if token[0] == "text":
            out.append(_html_text(token[1]))
        elif token[0] == "mark":
            out.append(tags[token[1]])
        elif token[0] == "display":
            if token[1] == DISPLAY_CLOSE:
                # a space that ends the entry inside a block goes after the block (citeproc-js
                # moves an entry's trailing spaces up out of the blobs that end it)
                trailing = ""
                if out and index and tokens[index - 1][0] == "text" and \
                        all(token[0] != "text" for token in tokens[index + 1:]):
                    text = out.pop()
                    kept = text.rstrip(" ")
                    trailing = text[len(kept):]
                    if kept:
                        out.append(kept)
                after = _DISPLAY_AFTER[open_displays.pop()] if open_displays else ""
                out.append("</div>" + after + trailing)
            else:
                open_displays.append(token[1])
                out.append(f'{_DISPLAY_BEFORE[token[1]]}<div class="{DISPLAY_CLASSES[token[1]]}">')
        else:
            _, kind, value = token
            prefix, href = _link_parts(tokens, index, kind, value)
            if kind == "doi":
                if prefix:
                    out[-1] = out[-1][: len(out[-1]) - len(html.escape(prefix, quote=False))]
                display = prefix + value
            else:
                display = safe_url(value)
            if href is not None and _is_link(kind, value, href):
                out.append(f'<a href="{html.escape(safe_url(href), quote=True)}">'
                           f"{html.escape(display, quote=False)}</a>")
            else:
                out.append(html.escape(value, quote=False))
    return _balance_html(out)


def _balance_html(parts: list[str]) -> str:
    """Join, and close any tag a malformed marker sequence left open (keeps the HTML well-formed)."""
    text = "".join(parts)
    stack: list[str] = []
    for match in re.finditer(r"<(/?)(i|b|sup|sub|span|u|div)\b[^>]*>", text):
        closing, name = match.group(1), match.group(2)
        if not closing:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
    return text + "".join(f"</{name}>" for name in reversed(stack))


def finish_text(marked: str) -> str:
    out = []
    for token in _tokens(marked):
        if token[0] == "text":
            out.append(one_line(token[1]))
        elif token[0] == "link":
            out.append(one_line(token[2]))
    return "".join(out)


def escape_rtf(text: str) -> str:
    """RTF text: `\\`, `{`, `}` escaped, non-ASCII as `\\uN?`, so item data stays inert."""
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\line ")
        elif ord(char) < 0x20:
            continue
        elif ord(char) < 0x80:
            out.append(char)
        else:
            for unit in char.encode("utf-16-le").hex(" ", 2).split():
                value = int.from_bytes(bytes.fromhex(unit), "little")
                out.append(f"\\u{value - 0x10000 if value > 0x7FFF else value}?")
    return "".join(out)


def finish_rtf(marked: str) -> str:
    """An RTF fragment (one paragraph's content); `rtf_document` wraps entries for Word."""
    groups = {
        ITALIC[0]: "{\\i ", BOLD[0]: "{\\b ", SUP[0]: "{\\super ", SUB[0]: "{\\sub ",
        SMALLCAPS[0]: "{\\scaps ", UNDERLINE[0]: "{\\ul ", ROMAN[0]: "{\\i0 ",
        UNBOLD[0]: "{\\b0 ", UNSMALLCAPS[0]: "{\\scaps0 ", NO_DECORATION[0]: "{\\ulnone ",
        BASELINE[0]: "{\\nosupersub ",
    }
    closes = {pair[1] for pair in FONT_PAIRS}
    tokens = _tokens(marked)
    out: list[str] = []
    depth = 0
    for index, token in enumerate(tokens):
        if token[0] == "text":
            out.append(escape_rtf(token[1]))
        elif token[0] == "mark":
            if token[1] in groups:
                out.append(groups[token[1]])
                depth += 1
            elif token[1] in closes and depth:
                out.append("}")
                depth -= 1
        else:
            _, kind, value = token
            prefix, href = _link_parts(tokens, index, kind, value)
            if kind == "doi" and prefix:
                out[-1] = out[-1][: len(out[-1]) - len(escape_rtf(prefix))]
            display = prefix + value if kind == "doi" else value
            if href is not None and _is_link(kind, value, href):
                target = safe_url(href).replace('"', "%22")
                out.append('{\\field{\\*\\fldinst{HYPERLINK "' + escape_rtf(target) + '"}}'
                           "{\\fldrslt{\\ul " + escape_rtf(display) + "}}}")
            else:
                out.append(escape_rtf(value))
    return "".join(out) + "}" * depth


def rtf_document(paragraphs: list[str]) -> str:
    """A whole RTF file (Word, LibreOffice) with one paragraph per entry or heading."""
    body = "\n".join("{\\pard\\sa180 " + paragraph + "\\par}" for paragraph in paragraphs)
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0\\uc1{\\fonttbl{\\f0\\froman Times New Roman;}}"
            "\\f0\\fs24\n" + body + "\n}\n")


FORMATS = ("markdown", "html", "text", "rtf")
FINISHERS = {"markdown": finish_markdown, "html": finish_html, "text": finish_text,
             "rtf": finish_rtf}


def unlinked(marked: str) -> str:
    """A marked string whose links are plain text."""
    if not any(marker in marked for marker in LINK_MARKERS):
        return marked
    return marked.translate({ord(marker): None for marker in LINK_MARKERS})


def finisher(fmt: str, links: bool = True):
    """The finisher of `fmt`; with `links` false, DOIs and URLs are printed as text."""
    finish = FINISHERS[fmt]
    if links:
        return finish
    return lambda marked: finish(unlinked(marked))
