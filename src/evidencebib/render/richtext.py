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


def _styled_chars(tree: Span) -> list[tuple[str, tuple[Any, ...], bool]]:
    """(character, the fonts around it innermost first, nocase) for each character of a tree."""
    out: list[tuple[str, tuple[Any, ...], bool]] = []

    def walk(current: Any, fonts: tuple[Any, ...]) -> None:
        if type(current) is Lit:
            out.extend((char, fonts, current.nocase) for char in current.text)
            return
        inner = current.font + fonts
        for kid in current.kids:
            walk(kid, inner)

    walk(tree, ())
    return out


def text_of(text: str) -> str:
    """The text of `text` without its markup."""
    parsed = parse(text)
    return parsed if isinstance(parsed, str) else "".join(char for char, _, _ in _styled_chars(parsed))


def restyled(changed: str, source: str) -> Any:
    """`changed` — a transformation of `text_of(source)` that keeps some of its letters in order
    and adds punctuation and spaces (initials: "<b>J</b> Q" -> "J. Q.") — as a node with the
    source's markup on the letters it kept; punctuation right after a letter takes that letter's
    markup ("<b>J.</b> Q."), spaces and hyphens none, as citeproc-js prints initials."""
    parsed = parse(source)
    if isinstance(parsed, str):
        return Lit(changed)
    chars = _styled_chars(parsed)
    styles: list[tuple[tuple[Any, ...], bool]] = []
    position = 0
    previous: tuple[tuple[Any, ...], bool] = ((), False)
    for char in changed:
        found = None
        if char.isalnum():
            for index in range(position, len(chars)):
                if chars[index][0] == char:
                    found = index
                    break
        if found is not None:
            previous = (chars[found][1], chars[found][2])
            position = found + 1
            styles.append(previous)
        elif char in " -\u2013\u00a0":
            styles.append(((), False))
            previous = ((), False)
        else:
            styles.append(previous)
    kids: list[Any] = []
    start = 0
    for end in range(1, len(changed) + 1):
        if end == len(changed) or styles[end] != styles[start]:
            fonts, nocase = styles[start]
            leaf: Any = Lit(changed[start:end], nocase)
            for font in fonts:
                leaf = Span([leaf], (font,))
            kids.append(leaf)
            start = end
    return kids[0] if len(kids) == 1 else Span(kids)
