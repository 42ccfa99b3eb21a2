"""The output tree of one rendered entry or cite, and how it becomes a marked string.

Evaluating a style element gives a node (or None for nothing): `Lit` is text, `Span` is the
output of an element, carrying its formatting (font, quotes, affixes, display), a link and a
tag saying what it holds (names, a date, a year suffix, a citation number, a title …), as
jgm/citeproc's `Output` does. Tags are what later passes (disambiguation, collapsing,
subsequent-author-substitute) look for; rendering ignores them.

`render(node)` writes the tree as a marked string (render/marks.py), bottom-up. Wherever two
pieces meet — children and delimiters, an element's content and its affixes — `merge` applies
citeproc-js's punctuation rules for the seam (its `CSL.Output.Queue.adjust` table, as
jgm/citeproc's `fixPunct` also has it): a duplicated mark or space is printed once ("et al." +
"." → "et al."), "?" + "." keeps the "?", ";" + "." keeps ";". The seam is
judged on the visible characters, through any markup (so "*et al.*." loses its full stop
too). An element whose content is empty prints nothing, not even its affixes (CSL 1.0.2
§"Affixes").
"""

from __future__ import annotations

from typing import Any, final

from evidencebib.render.marks import (BOLD, DISPLAY_CLOSE, DISPLAY_MARKERS, DISPLAY_OPENERS, FONT_MARKERS,
                                      INNER_QUOTE_CLOSE, INNER_QUOTE_OPEN, ITALIC, LINK_CLOSE, LINK_OPENERS,
                                      LINK_URL, MARKERS, MARKUP_BOLD, MARKUP_ITALIC, MARKUP_NODECOR,
                                      MARKUP_SMALLCAPS, QUOTE_CLOSE, QUOTE_OPEN, ROMAN, SMALLCAPS, UNBOLD,
                                      UNSMALLCAPS)


@final  # not subclassed: `type(node) is Lit` then tells mypy the other case is a Span
class Lit:
    """Text. `nocase` text is left alone by text-case (CSL 1.0.2 Appendix VI, `nocase` span)."""

    __slots__ = ("text", "nocase")

    def __init__(self, text: str, nocase: bool = False) -> None:
        self.text = text
        self.nocase = nocase

    def __repr__(self) -> str:
        return f"Lit({self.text!r}{', nocase' if self.nocase else ''})"


@final
class Span:
    """The output of an element: children with formatting, a link and a tag."""

    __slots__ = ("kids", "font", "quotes", "prefix", "suffix", "display", "tag", "link")

    def __init__(self, kids: list[Any], font: tuple[tuple[str, str], ...] = (), quotes: bool | str = False,
                 prefix: str = "", suffix: str = "", display: str | None = None, tag: Any = None,
                 link: str | None = None) -> None:
        self.kids = kids
        self.font = font
        self.quotes = quotes
        self.prefix = prefix
        self.suffix = suffix
        self.display = display
        self.tag = tag
        self.link = link

    def __repr__(self) -> str:
        extras = []
        for name in ("font", "quotes", "prefix", "suffix", "display", "tag", "link"):
            value = getattr(self, name)
            if value:
                extras.append(f"{name}={value!r}")
        return f"Span({self.kids!r}{', ' if extras else ''}{', '.join(extras)})"


Node = Lit | Span

# `Span.quotes` of a quote in item data that is an inner quote even at the top (a value's second
# quote form, or the locale's inner marks: render/overrides/quotes.py)
INNER = "inner"
# `Span.quotes` of a quote in item data whose level its surroundings decide (quotes.data-level):
# outer or inner wherever it is nested
DATA_OUTER = "data-outer"
DATA_INNER = "data-inner"


def tagged(node: Node | None, tag: Any) -> Span | None:
    """`node` under a tag (a new span, so shared nodes are never changed)."""
    if node is None:
        return None
    return Span([node], tag=tag)


def find_tags(node: Node | None, kind: str) -> list[Span]:
    """The spans tagged `(kind, …)` in `node`, in document order."""
    found: list[Span] = []

    def walk(current: Node) -> None:
        if type(current) is Span:
            if current.tag is not None and current.tag[0] == kind:
                found.append(current)
            for kid in current.kids:
                walk(kid)

    if node is not None:
        walk(node)
    return found


def _is_delimiter(node: Node) -> bool:
    return type(node) is Lit and not node.text.strip(" ,;:")


def _rebuilt(node: Node, choose) -> Node | None:
    """A copy of `node` in which `choose(span)` replaced each span it picks (a span, or None to
    drop it: the delimiter that joined a dropped span to its neighbours goes with it)."""
    if type(node) is Lit:
        return node
    picked = choose(node)
    if picked is not node:
        return picked
    kids: list[Node] = []
    changed = skip_delimiter = False
    for kid in node.kids:
        new = _rebuilt(kid, choose)
        if new is not kid:
            changed = True
        if new is None:
            if kids and _is_delimiter(kids[-1]):
                kids.pop()
            elif not kids:
                skip_delimiter = True
            continue
        if skip_delimiter and _is_delimiter(new):
            skip_delimiter = False
            continue
        skip_delimiter = False
        kids.append(new)
    if not changed:
        return node
    if not kids:
        return None
    return Span(kids, node.font, node.quotes, node.prefix, node.suffix, node.display, node.tag, node.link)


def replace_tags(node: Node | None, kind: str, function) -> Node | None:
    """A copy of `node` with every span tagged `(kind, …)` replaced by `function(span)` (None
    drops it, with the delimiter that joined it)."""
    if node is None:
        return None
    return _rebuilt(node, lambda span: function(span) if span.tag is not None and span.tag[0] == kind
                    else span)


def without(node: Node | None, target: Span) -> Node | None:
    """A copy of `node` without the span `target` (and the delimiter that joined it)."""
    if node is None:
        return None
    return _rebuilt(node, lambda span: None if span is target else span)


def plain_text(node: Node | None) -> str:
    """The text of a tree, affixes included, without formatting or seam rules."""
    if node is None:
        return ""
    if type(node) is Lit:
        return node.text
    inner = "".join(plain_text(kid) for kid in node.kids)
    return node.prefix + inner + node.suffix if inner else ""


def map_text(node: Node, function, own_affixes: bool = False) -> Node:
    """A copy of `node` with `function` applied to every text (children's affixes included;
    the node's own affixes only with `own_affixes`)."""
    if type(node) is Lit:
        text = function(node.text)
        return node if text == node.text else Lit(text, node.nocase)
    copy = Span([map_text(kid, function, True) for kid in node.kids], node.font, node.quotes,
                node.prefix, node.suffix, node.display, node.tag, node.link)
    if own_affixes:
        copy.prefix = function(copy.prefix) if copy.prefix else ""
        copy.suffix = function(copy.suffix) if copy.suffix else ""
    return copy


# seams ----------------------------------------------------------------------------------------

_KEEP_FIRST, _KEEP_SECOND = 1, 2
# (last visible character on the left, first on the right) -> which one stays
# (citeproc-js CSL.Output.Queue.adjust, via jgm/citeproc fixPunct); pairs not listed keep both
_SEAMS = {
    ("!", "."): _KEEP_FIRST, ("!", ":"): _KEEP_FIRST,
    ("?", "."): _KEEP_FIRST, ("?", ":"): _KEEP_FIRST,
    (":", "!"): _KEEP_SECOND, (":", "?"): _KEEP_SECOND, (":", "."): _KEEP_FIRST,
    (";", "!"): _KEEP_SECOND, (";", "?"): _KEEP_SECOND, (";", ":"): _KEEP_FIRST, (";", "."): _KEEP_FIRST,
    ("!", "!"): _KEEP_FIRST, ("?", "?"): _KEEP_FIRST, (".", "."): _KEEP_FIRST, (":", ":"): _KEEP_FIRST,
    (";", ";"): _KEEP_FIRST, (",", ","): _KEEP_FIRST,
    (" ", " "): _KEEP_SECOND,  # (jgm/citeproc also drops a space before "," or "."; citeproc-js keeps it)
}
_SEAM_CHARS = frozenset(".,;:!? ")
_CLOSING_QUOTES = frozenset((QUOTE_CLOSE, INNER_QUOTE_CLOSE, "\u201d", "\u2019", '"', "'"))


def merge(left: str, right: str) -> str:
    """`left + right` with the seam's punctuation rule applied (see the module docstring)."""
    if not left:
        return right
    pieces = [left]
    append(pieces, right)
    return "".join(pieces)


def _last_visible(pieces: list[str]) -> tuple[int, int]:
    """(piece, index) of the last character that is not a marker, or (-1, -1) when there is
    none or a display div ends in between (a div is a wall for seams, as in citeproc-js, whose
    seam rules never reach into a display part: "1] " and " Banjar" both keep their space)."""
    for p in range(len(pieces) - 1, -1, -1):
        piece = pieces[p]
        i = len(piece) - 1
        while i >= 0 and piece[i] in MARKERS:
            if piece[i] in DISPLAY_MARKERS:
                return -1, -1
            i -= 1
        if i >= 0:
            return p, i
    return -1, -1


def append(pieces: list[str], right: str) -> None:
    """Add `right` after `pieces` (a string in parts), applying the seam's punctuation rule;
    only the characters at the seam change, so joining many pieces stays linear."""
    if not right:
        return
    first = right[0]
    j = 0
    if first in MARKERS:
        length = len(right)
        while j < length and right[j] in MARKERS:
            if right[j] in DISPLAY_MARKERS:  # a display div starts: no seam (see _last_visible)
                pieces.append(right)
                return
            j += 1
        if j == length:
            pieces.append(right)
            return
        first = right[j]
    if first not in _SEAM_CHARS:
        pieces.append(right)
        return
    p, i = _last_visible(pieces)
    if p < 0:
        pieces.append(right)
        return
    left = pieces[p]
    last = left[i]
    if first == "." and last in _CLOSING_QUOTES:
        # "“Why?”" + "." keeps "?" (the terminal mark inside the quotes counts; jgm/citeproc #179)
        k = i
        while k >= 0 and (left[k] in MARKERS or left[k] in _CLOSING_QUOTES or left[k] == " "):
            k -= 1
        if k >= 0 and _SEAMS.get((left[k], first)) == _KEEP_FIRST:
            right = right[:j] + right[j + 1:]
        pieces.append(right)
        return
    action = _SEAMS.get((last, first))
    if first == " " and (any(mark in FONT_MARKERS for mark in left[i + 1:]) or
                         any(mark in FONT_MARKERS for piece in pieces[p + 1:] for mark in piece) or
                         any(mark in FONT_MARKERS for mark in right[:j])):
        # a space in italics (or bold …) and one outside both print: citeproc-js merges doubled
        # spaces only between pieces without font formatting
        action = None
    if action is None:
        pieces.append(right)
    elif action == _KEEP_FIRST:
        end = j + 1
        while end < len(right) and right[end] == first:
            end += 1
        pieces.append(right[:j] + right[end:])
    else:
        start = i
        while start > 0 and left[start - 1] == last:
            start -= 1
        pieces[p] = left[:start] + left[i + 1:]
        pieces.append(right)


def _has_text(marked: str) -> bool:
    if not marked:
        return False
    if marked[0] not in MARKERS:
        return True
    return any(char not in MARKERS for char in marked)


# rendering ------------------------------------------------------------------------------------

_PLAIN = (False, None, None, None, "", "")


def _recent(order: str, attribute: str) -> str:
    return attribute + order.replace(attribute, "")


def resolve_font(font: tuple[tuple[str, str], ...],
                 state: tuple, last_child: str = "") -> tuple[tuple[tuple[str, str], ...], tuple]:
    """The markers a span's font prints inside the formatting `state` of its ancestors, and the
    state inside it (CSL 1.0.2 §"Formatting", Appendix VI; citeproc-js's flip-flop):

    - the style's formatting nests as written (italics in italics print `<i><i>`, as citeproc-js
      prints them); font-style, font-weight and font-variant "normal" print only inside
      italics, bold and small caps: inside any the style set around them, however far out, so
      a "normal" inside a "normal" inside bold prints as well (citeproc-js's
      normalDecorIsOrphan, src/util_processor.js, looks for a non-normal one among all the
      decorations of the ancestors, not the nearest only);
    - markup in the data flips against the nearest formatting of its kind around it: `<i>` in
      italics prints upright, `<b>` in bold normal weight, `<sc>` in small caps normal variant,
      and back again one level further in; a nodecor span turns every font style, weight and
      variant around it back to normal.

    `state` is (italic now, then the nearest font-style, font-weight and font-variant around:
    None, "on" or "off", the order in which they were set, most recent first, and the
    attributes the style set to italic, bold or small caps anywhere around); font pairs are
    innermost first, as `render` wraps them."""
    italic, style, weight, variant, order, styled = state
    # citeproc-js tests a parent blob's "normal" against the decorations of its last child
    # (normalDecorIsOrphan(blobjr, …) in renderBlobs, src/queue.js): italic et-al as the last
    # child of a cs:name font-style="normal" list prints the list's normal span
    styled_here = styled + last_child
    out: list[tuple[str, str]] = []  # outermost first
    for pair in reversed(font):
        if pair is ITALIC:
            out.append(ITALIC)
            italic, style, order, styled = True, "on", _recent(order, "s"), styled + "s"
        elif pair is ROMAN:
            if italic or "s" in styled_here:
                out.append(ROMAN)
                italic = False
        elif pair is BOLD:
            out.append(BOLD)
            weight, order, styled = "on", _recent(order, "w"), styled + "w"
        elif pair is SMALLCAPS:
            out.append(SMALLCAPS)
            variant, order, styled = "on", _recent(order, "v"), styled + "v"
        elif pair is UNBOLD:  # the style's font-weight="normal": only inside bold (normalDecorIsOrphan)
            if weight == "on" or "w" in styled_here:
                out.append(UNBOLD)
                weight, order = "off", _recent(order, "w")
        elif pair is UNSMALLCAPS:  # font-variant="normal": only inside small caps
            if variant == "on" or "v" in styled_here:
                out.append(UNSMALLCAPS)
                variant, order = "off", _recent(order, "v")
        elif pair is MARKUP_ITALIC:
            if style == "on":
                out.append(ROMAN)
                italic, style = False, "off"
            else:
                out.append(ITALIC)
                italic, style = True, "on"
            order = _recent(order, "s")
        elif pair is MARKUP_BOLD:
            out.append(UNBOLD if weight == "on" else BOLD)
            weight, order = ("off" if weight == "on" else "on"), _recent(order, "w")
        elif pair is MARKUP_SMALLCAPS:
            out.append(UNSMALLCAPS if variant == "on" else SMALLCAPS)
            variant, order = ("off" if variant == "on" else "on"), _recent(order, "v")
        elif pair is MARKUP_NODECOR:
            for attribute in order:
                if attribute == "s":
                    out.append(ROMAN)
                    italic, style = False, "off"
                elif attribute == "w":
                    out.append(UNBOLD)
                    weight = "off"
                else:
                    out.append(UNSMALLCAPS)
                    variant = "off"
        else:
            out.append(pair)
    out.reverse()
    return tuple(out), (italic, style, weight, variant, order, styled)


_PUNCTUATION = frozenset(".,;:!?")
_NORMALS = frozenset((ROMAN, UNBOLD, UNSMALLCAPS))
_STYLED = {ITALIC: "s", BOLD: "w", SMALLCAPS: "v"}


def _last_child_styled(node: Span) -> str:
    """The attributes ("s", "w", "v") the last child of `node` sets italic, bold or small caps."""
    kid = node.kids[-1] if node.kids else None
    if type(kid) is Span and kid.font:
        return "".join(_STYLED.get(pair, "") for pair in kid.font)
    return ""


def blob(nodes: list) -> Node:
    """The output of a cs:group or a macro call: its one node, or a span of several. A single
    node with font formatting of its own keeps a plain span around it, the group's or macro's
    own blob in citeproc-js's output queue, which has no decorations: what follows it is joined
    to that blob, not to the formatted node (see `render`)."""
    if len(nodes) != 1:
        return Span(nodes)
    node = nodes[0]
    if type(node) is Span and node.font and not node.display:
        return Span([node])
    return node


def _prefix_punctuation(node: Node) -> bool:
    """Whether `node` starts with punctuation from a prefix: its own, or that of its first
    descendants through spans with no formatting (citeproc-js's upward pass moves a first
    child's leading prefix punctuation up to a parent without decorations or prefix)."""
    while type(node) is Span:
        if node.prefix:
            return node.prefix[0] in _PUNCTUATION
        if node.font or node.quotes or node.display or not node.kids:
            return False
        node = node.kids[0]
    return False


def render(node: Node | None, depth: int = 0, seam: Any = None, fonts: tuple = _PLAIN) -> str:
    """The marked string of a tree (quotes as quote markers, outer and inner by nesting;
    markup in the data flip-flopped: `resolve_font`); `seam` joins two pieces (`merge` unless
    given)."""
    if node is None:
        return ""
    if type(node) is Lit:
        return node.text
    join = seam or merge
    if node.quotes:
        quotes = node.quotes
        if quotes == DATA_OUTER or quotes == DATA_INNER:
            depth = 0 if quotes == DATA_OUTER else 1
        else:
            depth = 1 if quotes == INNER and not depth else depth
        inner_depth = depth + 1
    else:
        inner_depth = depth
    font = node.font
    if font:
        # (only where our tree has citeproc-js's blobs: the level _joinEtAl opens, a name list
        # cut short by et-al with the cs:name formatting, its names and the et-al term as children)
        last = _last_child_styled(node) if node.tag is not None and node.tag[0] == "name-list" \
            and _NORMALS.intersection(font) else ""
        font, fonts = resolve_font(font, fonts, last)
    pieces: list[str] = []
    if join is merge:
        decorated = False  # the previous sibling that printed has font formatting of its own
        for kid in node.kids:
            text = kid.text if type(kid) is Lit else render(kid, inner_depth, join, fonts)
            if text:
                if decorated and _prefix_punctuation(kid):
                    # citeproc-js (CSL.Output.Queue.adjust, src/queue.js: leftward and downward)
                    # merges a sibling's leading prefix punctuation with what comes before only
                    # when neither blob has decorations: after a formatted sibling both print
                    # ("<b>3rd edition.</b>" + ". Wiley" -> "<b>3rd edition.</b>. Wiley")
                    pieces.append(text)
                else:
                    append(pieces, text)
                decorated = type(kid) is Span and bool(kid.font)
        content = "".join(pieces)
    else:
        content = ""
        for kid in node.kids:
            text = kid.text if type(kid) is Lit else render(kid, inner_depth, join, fonts)
            if text:
                content = join(content, text) if content else text
    if not _has_text(content):
        return ""
    if node.link is not None:
        content = LINK_OPENERS.get(node.link, LINK_URL) + content + LINK_CLOSE
    for opener, closer in font:
        content = opener + content + closer
    if node.quotes:
        if depth % 2:
            content = INNER_QUOTE_OPEN + content + INNER_QUOTE_CLOSE
        else:
            content = QUOTE_OPEN + content + QUOTE_CLOSE
    if node.prefix:
        content = join(node.prefix, content)
    if node.suffix:
        content = join(content, node.suffix)
    if node.display:
        content = DISPLAY_OPENERS[node.display] + content + DISPLAY_CLOSE
    return content
