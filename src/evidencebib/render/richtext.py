"""Markup in item data and in the style's literal text, as an output tree.

CSL 1.0.2 Appendix VI ("Rich text markup") and citeproc-js's reading of it (its
`CSL.Util.FlipFlopper`): in any field value, in a `cs:text value=…` and in a cite's prefix or
suffix,

- `<i>`, `<b>`, `<sc>` and `<span style="font-variant:small-caps;">` are italics, bold and small
  caps that flip-flop against the formatting around them (output.resolve_font);
- `<sup>` and `<sub>` are superscript and subscript;
- `<span class="nocase">` protects its text from text-case, and so does small-caps,
  superscript and subscript markup (citeproc-js's implicit nocase);
- `<span class="nodecor">` turns the style's font style, weight and variant back to normal
  there (and protects its text from text-case, as citeproc-js does).

`<em>` and `<strong>` (which some sources write) read as `<i>` and `<b>`. Only balanced pairs are
markup; a stray `<`, an unknown tag or an unpaired one stays text (escaped by the HTML writer).
"""

from __future__ import annotations

import re
from typing import Any

from evidencebib.render import marks
from evidencebib.render.output import Lit, Span

_TAG = re.compile(
    r"<(?:(?P<open>i|b|sc|sup|sub|em|strong)"
    r"|span\s+class\s*=\s*[\"'](?P<span_class>nocase|nodecor)[\"'][^<>]*"
    r"|span\s+style\s*=\s*[\"']\s*font-variant\s*:\s*(?P<small_caps>small-caps)\s*;?\s*[\"'][^<>]*"
    r"|/(?P<close>i|b|sc|sup|sub|em|strong|span))>", re.IGNORECASE)
# tag -> (what it closes with, its font, whether its text is protected from text-case)
_KINDS: dict[str, tuple[str, Any, bool]] = {
    "i": ("i", marks.MARKUP_ITALIC, False), "em": ("em", marks.MARKUP_ITALIC, False),
    "b": ("b", marks.MARKUP_BOLD, False), "strong": ("strong", marks.MARKUP_BOLD, False),
    "sc": ("sc", marks.MARKUP_SMALLCAPS, True), "small-caps": ("span", marks.MARKUP_SMALLCAPS, True),
    "sup": ("sup", marks.SUP, True), "sub": ("sub", marks.SUB, True),
    "nocase": ("span", None, True), "nodecor": ("span", marks.MARKUP_NODECOR, True),
}


def _kind(match: re.Match[str]) -> str:
    return (match.group("open") or match.group("span_class") or match.group("small_caps") or "").lower()


def parse(text: str) -> str | Span:
    """The tree of `text` when it holds balanced markup, else `text` itself."""
    if "<" not in text:
        return text
    tokens = list(_TAG.finditer(text))
    if not tokens:
        return text
    # pair openers with closers (a closer closes the innermost opener when it is its kind)
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for index, match in enumerate(tokens):
        closing = match.group("close")
        if closing:
            if stack and stack[-1][0] == closing.lower():
                pairs[stack.pop()[1]] = index
        else:
            stack.append((_KINDS[_kind(match)][0], index))
    if not pairs:
        return text
    closers = set(pairs.values())
    root = Span([])
    path = [root]
    protected = [False]
    position = 0
    for index, match in enumerate(tokens):
        if index not in pairs and index not in closers:
            continue
        before = text[position:match.start()]
        position = match.end()
        if before:
            path[-1].kids.append(Lit(before, nocase=protected[-1]))
        if index in pairs:
            _, font, protects = _KINDS[_kind(match)]
            span = Span([], (font,) if font is not None else ())
            path[-1].kids.append(span)
            path.append(span)
            protected.append(protected[-1] or protects)
        else:
            path.pop()
            protected.pop()
    tail = text[position:]
    if tail:
        root.kids.append(Lit(tail))
    return root


def node(text: str) -> Any:
    """`text` as a node: a `Lit`, or the tree of its markup."""
    parsed = parse(text)
    return Lit(parsed) if isinstance(parsed, str) else parsed
