"""Quote marks and apostrophes in item data (and in `cs:text value`, terms and labels, cite
affixes, name parts: every string citeproc-js appends to its output queue; not the style's affixes).

citeproc-js reads the text of every variable it prints for quotes (its `CSL.Util.FlipFlopper`,
documented at citeproc-js.readthedocs.io "CSL-JSON markup"; jgm/citeproc's `parseCslJson` does
the same), and so do pandoc and Zotero:

- a straight `"` or `'` after a space, an opening parenthesis or at the start opens a quote,
  one elsewhere closes it; the locale's own quote marks (`open-quote`/`close-quote`,
  `open-inner-quote`/`close-inner-quote`, when they are not straight) open and close too. A
  pair becomes a quoted span printed with the locale's quote terms, nested quotes alternating
  outer and inner as CSL 1.0.2 §"Quotes" prints `quotes="true"` inside `quotes="true"`;
  a data quote takes its level from the outermost element around it that sets `quotes`:
  inner under `quotes="true"`, outer under `quotes="false"` (quotes.data-level, citeproc-js
  TagReg);
- the first straight form used in a value (`"…"` or `'…'`) is its outer form, the other its
  inner one; a locale inner mark (‘…’) at the top stays inner;
- a `'` that is not part of a pair is an apostrophe and prints as ’ ("Plato's", "d'", "'09");
  an unpaired `"` or a quote that closes across another prints as written;
- a space before `: ; ? ! »` or after `«` becomes a narrow no-break space (citeproc-js
  `CSL.Output.Queue.append`, French orthography, in every locale as citeproc-js does).

Pairs are found within one level of the value's markup (render/richtext.py `parse`): a pair
may enclose markup (`"<i>Title</i>"`), a quote opened inside `<i>` closes inside it.

A style can ask for item data printed as written (no quote pairs, no typographic apostrophes,
no narrow spaces) with the processing instruction `<?evidencebib data-typography="as-written"?>`
before its root element (read in render/stylesheet.py): the house style `ig-criteria` does, so
its published pages keep the straight characters their references were written with.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from evidencebib.render.marks import QUOTE_END_IN_DATA
from evidencebib.render.output import DATA_INNER, DATA_OUTER, INNER, Lit, Span, render
from evidencebib.render.overrides import override, upstream

_APOSTROPHE = "\u2019"
_DATA_QUOTE = ("data-quote",)  # the tag of a quoted span of item data
_NARROW = "\u202f"
# citeproc-js CSL.Output.Queue.append: " :" " ;" " ?" " !" " »" and "« " take a narrow no-break space
_FRENCH = re.compile(r" ([:;?!\u00bb])|(\u00ab) ")
_STRAIGHT = ("\"", "'")
_SPACE_BEFORE_SINGLE = re.compile(r"\s+'")
_SPACE_THEN_QUOTE = re.compile("\\s+[\"']")
# no straight quote, apostrophe, locale mark or French spacing in the text: nothing to do
_QUICK = re.compile("[\"'\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u300c\u300d]| [:;?!]")


class QuoteMarks:
    """The quote marks a locale adds to the straight ones (CSL 1.0.2 §"Quotes" terms): opening
    mark -> (kind, closing mark); a straight locale mark is not registered (citeproc-js)."""

    __slots__ = ("openers", "closers", "key")

    def __init__(self, open_quote: str | None, close_quote: str | None, open_inner: str | None,
                 close_inner: str | None) -> None:
        self.openers: dict[str, str] = {}
        self.closers: dict[str, str] = {}
        for kind, opener, closer in (("outer", open_quote, close_quote),
                                     ("inner", open_inner, close_inner)):
            # (a term of several characters, French "« " with its no-break space, is matched
            # as a whole by citeproc-js; data rarely holds it, so it is not registered)
            opener, closer = opener or "", closer or ""
            if len(opener) == 1 and len(closer) == 1 and opener not in _STRAIGHT \
                    and opener not in self.openers:
                self.openers[opener] = kind
                self.closers.setdefault(closer, kind)
        self.key = (tuple(sorted(self.openers.items())), tuple(sorted(self.closers.items())))


def quote_marks(locale) -> QuoteMarks:
    return QuoteMarks(locale.text("open-quote"), locale.text("close-quote"), locale.text("open-inner-quote"),
                      locale.text("close-inner-quote"))


class _Mark:
    """A quote character found in the text; `state` is decided by `_pair`."""

    __slots__ = ("kind", "char", "opener", "spaced", "state", "nocase", "span")

    def __init__(self, kind: str, char: str, opener: bool, nocase: bool, spaced: bool = False) -> None:
        self.kind = kind        # '"', "'", "outer", "inner"
        self.char = char
        self.opener = opener
        self.spaced = spaced    # an opener after a space or at the start (not after "(")
        self.state = "literal"  # "pair", "apostrophe" or "literal"
        self.nocase = nocase
        self.span: Span | None = None


def _scan(kids: list[Any], marks: QuoteMarks, at_start: bool) -> list[Any]:
    """The kids as a token list: Lit pieces, quote `_Mark`s, and markup spans (processed
    on their own, their content starting as after an opening tag)."""
    tokens: list[Any] = []
    # what precedes the next character: "start" (start of the value or of a tag's content, or
    # right after an opening mark), "space", "paren" or "other"
    before = "start" if at_start else "other"
    for kid in kids:
        if type(kid) is not Lit:
            tokens.append(kid)
            before = "other"
            continue
        text, nocase = _FRENCH.sub(_narrow, kid.text), kid.nocase
        if "'" in text:
            text = _SPACE_BEFORE_SINGLE.sub(" '", text)  # citeproc-js Queue.append: /\s+'/ -> " '"
        start = 0
        length = len(text)
        for index, char in enumerate(text):
            kind = None
            opener = False
            if char in _STRAIGHT:
                kind = char
                opener = before in ("start", "paren", "space")
                if char == '"' and before == "space" and index and text[index - 1] != " ":
                    opener = False  # citeproc-js opens `"` after a plain space only
            elif char == _APOSTROPHE and 0 < index < length - 1 and text[index - 1].isalpha() \
                    and text[index + 1].isalpha():
                kind = None  # "Plato’s": already an apostrophe
            elif char in marks.openers:
                kind, opener = marks.openers[char], True
            elif char in marks.closers:
                kind = marks.closers[char]
            if kind is None:
                before = "space" if char.isspace() else "paren" if char == "(" else "other"
                continue
            if index > start:
                tokens.append(Lit(text[start:index], nocase))
            tokens.append(_Mark(kind, char, opener, nocase, opener and before != "paren"))
            start = index + 1
            before = "start" if opener else "other"
        if start < length:
            tokens.append(Lit(text[start:], nocase))
    return tokens


def _following(tokens: list[Any], index: int) -> str:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following.text if type(following) is Lit else ""


def _pair(tokens: list[Any], top: bool) -> None:
    """citeproc-js FlipFlopper.processTags on one level: openers nest, a closer closes the
    innermost opener of its kind or makes the openers it crosses literal; `'` not in a pair
    is an apostrophe."""
    stack: list[_Mark] = []
    for index, token in enumerate(tokens):
        if type(token) is not _Mark:
            continue
        following = _following(tokens, index)
        if token.kind == "'":
            if not token.opener and following and following[0] not in ",.?:; ":
                token.state = "apostrophe"  # "Plato's", "l'eau"
                continue
            if token.opener and token.spaced and following[:1] == " ":
                token.state = "apostrophe"  # "d ' eau"
                continue
        if token.opener:
            stack.append(token)
            continue
        while True:
            if stack and stack[-1].kind == token.kind:
                opener = stack.pop()
                opener.state = token.state = "pair"
                break
            if token.kind == "'":
                token.state = "apostrophe"
                break
            if stack:
                stack.pop().state = "literal"
                continue
            token.state = "literal"
            break
    # never closed: "'90s" is an apostrophe, "('" stays as written, and so does an opener inside
    # a tag's content (the closing tag fails it: "<i>'Start</i>")
    for token in stack:
        token.state = "apostrophe" if token.kind == "'" and token.spaced and top else "literal"


def _closers_only(tokens: list[Any]) -> bool:
    """Whether the data ends here: nothing follows but the closing quotes of pairs around this
    one ('"Title"' ends with both), so a style's punctuation after the text moves inside all of
    them under punctuation-in-quote (citeproc-js: "2015.’”")."""
    return all(type(token) is _Mark and token.state == "pair" and not token.opener for token in tokens)


def _build(tokens: list[Any], marks: QuoteMarks, found: list[Span]) -> list[Any]:
    root: list[Any] = []
    levels = [root]
    for index, token in enumerate(tokens):
        if type(token) is _Mark:
            if token.state == "pair":
                if token.opener:
                    span = Span([], quotes=token.kind, tag=_DATA_QUOTE)  # the kind, replaced by `_forms`
                    levels[-1].append(span)
                    levels.append(span.kids)
                    found.append(span)
                else:
                    levels.pop()
                    if not _closers_only(tokens[index + 1:]):  # the data goes on: its punctuation
                        levels[-1].append(Lit(QUOTE_END_IN_DATA, token.nocase))  # stays its own
            else:
                char = _APOSTROPHE if token.state == "apostrophe" else token.char
                levels[-1].append(Lit(char, token.nocase))
        elif type(token) is Lit:
            levels[-1].append(token)
        else:  # markup: its own content, on its own
            levels[-1].append(_quoted_span(token, marks, found))
    return _joined(root)


def _quoted_span(span: Span, marks: QuoteMarks, found: list[Span]) -> Span:
    kids = _build(_tokens_paired(span.kids, marks, True, False), marks, found)
    return Span(kids, span.font, span.quotes, span.prefix, span.suffix, span.display, span.tag, span.link)


def _tokens_paired(kids: list[Any], marks: QuoteMarks, at_start: bool, top: bool) -> list[Any]:
    tokens = _scan(kids, marks, at_start)
    _pair(tokens, top)
    return tokens


def _joined(nodes: list[Any]) -> list[Any]:
    """Adjacent texts of the same case protection as one Lit."""
    out: list[Any] = []
    for node in nodes:
        if type(node) is Lit and out and type(out[-1]) is Lit and out[-1].nocase == node.nocase:
            out[-1] = Lit(out[-1].text + node.text, node.nocase)
        else:
            out.append(node)
    return out


def _forms(found: list[Span]) -> None:
    """The first straight form in the value is its outer quote, the other its inner one; the
    locale's outer marks are outer, its inner marks inner (citeproc-js `_setOuterQuoteForm`)."""
    outer = next((span.quotes for span in found if span.quotes in _STRAIGHT), '"')
    for span in found:
        kind = span.quotes
        span.quotes = True if kind == outer or kind == "outer" else INNER


def _narrow(match: re.Match[str]) -> str:
    return _NARROW + match.group(1) if match.group(1) else match.group(2) + _NARROW


def parse(value: str | Span, marks: QuoteMarks) -> Lit | Span:
    """The output tree of a value of item data with its quotes and apostrophes read."""
    if isinstance(value, str) and value[:1].isspace() and _SPACE_THEN_QUOTE.match(value):
        value = value.lstrip()  # citeproc-js processTags keeps no leading space before a quote
    kids = [Lit(value)] if isinstance(value, str) else value.kids
    found: list[Span] = []
    nodes = _build(_tokens_paired(kids, marks, True, True), marks, found)
    _forms(found)
    if isinstance(value, str):
        node: Lit | Span = nodes[0] if len(nodes) == 1 else Span(nodes)
    else:
        node = Span(nodes, value.font, value.quotes, value.prefix, value.suffix, value.display, value.tag,
                    value.link)
    return node


@functools.lru_cache(maxsize=8192)
def _parse_text(text: str, marks_key: Any, marks: QuoteMarks) -> Lit | Span:
    return parse(text, marks)


def _needs_parse(value: Any) -> bool:
    if isinstance(value, str):
        return _QUICK.search(value) is not None
    return True


@override("quotes.in-data", replaces="citeproc.model.Text._variable",
          rule="citeproc-js FlipFlopper / CSL-JSON markup: straight and locale quote pairs in item data "
               "print as the locale's quotes, nested outer/inner (CSL 1.0.2 §Quotes); an unpaired ' is an "
               "apostrophe (’); a space before : ; ? ! » or after « is a narrow no-break space; the data's "
               "punctuation after a quote stays outside it, a style's after data that ends with quotes goes "
               "inside all of them under punctuation-in-quote (\"2015.’”\")",
          fingerprint="6c60676c7c731cf31e280adf25ce101f04ba8d29de71f36bb8bc3cd6a3520011",
          tests=("tests/render/test_render_quotes.py::test_straight_quotes_in_a_title_print_as_the_locale_quotes",
                 "tests/render/test_render_quotes.py::test_apostrophe_in_a_title_is_typographic",
                 "tests/render/test_render_quotes.py::test_quotes_in_a_quoted_title_are_inner_quotes",
                 "tests/render/test_render_quotes.py::"
                 "test_punctuation_in_quote_moves_the_styles_full_stop_inside_nested_quotes_that_end_the_data"))
def in_data(value: str | Span, ctx) -> Lit | Span:
    """The node of a value of item data (a variable, a `cs:text value`, a name part)."""
    style = ctx.style
    if style.data_as_written or not _needs_parse(value):
        return Lit(value) if isinstance(value, str) else value
    marks = style.quote_marks
    if isinstance(value, str):
        return _parse_text(value, marks.key, marks)
    return parse(value, marks)


@upstream("quotes.in-data")
def in_data_upstream(value: str | Span, ctx) -> Lit | Span:
    return Lit(value) if isinstance(value, str) else value  # citeproc-py prints the data as written


@override("quotes.data-level", replaces="citeproc.model.Quoted.quote",
          rule="citeproc-js FlipFlopper (TagReg.set): a quote in item data takes its level from the "
               "outermost element around it that sets quotes: quotes=\"true\" makes it an inner quote, "
               "quotes=\"false\" an outer one (<text macro=\"title\" quotes=\"false\"/> around a quoted "
               "title: “What Is “Quality”…”), however many quotes lie between; quotes nested in it "
               "alternate from there",
          fingerprint="659f45847dbf7c2a1aaf64128f5c9108862786858b009dc487065865bb498044",
          tests=("tests/render/test_render_quotes.py::"
                 "test_a_data_quote_under_quotes_false_around_quotes_true_is_an_outer_quote",))
def data_level(node: Any, quotes: bool) -> Any:
    """`node` with its data quotes (those not inside another data quote) at the level an element
    with `quotes` set (true or false) gives them; applied by every such element from the inside
    out, so the outermost one decides."""
    level = DATA_INNER if quotes else DATA_OUTER

    def walk(current: Any) -> Any:
        if type(current) is Lit:
            return current
        if current.tag == _DATA_QUOTE:
            if current.quotes == level:
                return current
            return Span(current.kids, current.font, level, current.prefix, current.suffix, current.display,
                        current.tag, current.link)
        kids = [walk(kid) for kid in current.kids]
        if all(new is old for new, old in zip(kids, current.kids, strict=True)):
            return current
        return Span(kids, current.font, current.quotes, current.prefix, current.suffix, current.display,
                    current.tag, current.link)

    return walk(node)


@upstream("quotes.data-level")
def data_level_upstream(node: Any, quotes: bool) -> Any:
    return node  # nested as CSL 1.0.2 nests quotes: by how many quotes are around it


def in_affix(text: str, ctx) -> str:
    """A cite's prefix or suffix with its quotes read (as a marked string: affixes are text)."""
    if not text:
        return text
    body = text.lstrip()
    lead = text[:len(text) - len(body)]  # a cite's affix keeps its leading space
    node = ctx.b.quotes_in_data(body, ctx)
    return lead + (node.text if type(node) is Lit else render(node))
