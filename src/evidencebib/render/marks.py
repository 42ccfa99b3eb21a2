"""The private-use characters a rendered entry carries before it is written in an output format.

A rendered entry is a *marked string*: its text plus these markers, one character each. Item
data never contains them (`strip_private_use` removes every private-use character on intake),
so a marker is always ours. One marked string serves every output format (render/formats.py
writes it as Markdown, HTML, plain text or RTF), which is also what the render cache stores.
"""

from __future__ import annotations

import re

# font formatting (open, close)
ITALIC = ("\ue000", "\ue001")
BOLD = ("\ue002", "\ue003")
SUP = ("\ue004", "\ue005")
SUB = ("\ue006", "\ue007")
SMALLCAPS = ("\ue008", "\ue009")
UNDERLINE = ("\ue00a", "\ue00b")
# CSL 1.0.2 §"Formatting" values that undo another: font-style="normal" (upright), font-weight="normal",
# font-variant="normal" print only inside text the style set italic, bold or small caps (citeproc-js's
# normalDecorIsOrphan); text-decoration="none" and vertical-align="baseline" always print (its HTML
# spans)
ROMAN = ("\ue00c", "\ue00d")
# normal weight inside bold, normal variant inside small caps: the style's font-weight="normal" and
# font-variant="normal" inside bold or small caps, or bold or small-caps markup in the data meeting
# the same formatting around it (citeproc-js's flip-flop)
UNBOLD = ("\ue00e", "\ue00f")
UNSMALLCAPS = ("\ue01a", "\ue01b")
# the style's text-decoration="none" and vertical-align="baseline" (citeproc-js's HTML spans)
NO_DECORATION = ("\ue01c", "\ue01d")
BASELINE = ("\ue01e", "\ue01f")
FONT_PAIRS = (ITALIC, BOLD, SUP, SUB, SMALLCAPS, UNDERLINE, ROMAN, UNBOLD, UNSMALLCAPS, NO_DECORATION,
              BASELINE)

# markup in item data (CSL 1.0.2 Appendix VI: <i>, <b>, <sc>, small-caps spans, nodecor spans) as a
# span's font before rendering: not markers; output.render turns each into the markers above,
# flip-flopped against the formatting around it
MARKUP_ITALIC = ("markup", "italic")
MARKUP_BOLD = ("markup", "bold")
MARKUP_SMALLCAPS = ("markup", "small-caps")
MARKUP_NODECOR = ("markup", "nodecor")
MARKUP_FONTS = (MARKUP_ITALIC, MARKUP_BOLD, MARKUP_SMALLCAPS, MARKUP_NODECOR)

# links: the DOI, URL, PMID or PMCID value between the opener and LINK_CLOSE
LINK_DOI = "\ue010"
LINK_URL = "\ue011"
LINK_CLOSE = "\ue012"
LINK_PMID = "\ue013"
LINK_PMCID = "\ue018"
LINK_OPENERS = {"doi": LINK_DOI, "url": LINK_URL, "pmid": LINK_PMID, "pmcid": LINK_PMCID}

# CSL `display` (CSL 1.0.2 §"Display"): an opener per kind, one closer
BLOCK = "\ue014"
LEFT_MARGIN = "\ue015"
RIGHT_INLINE = "\ue016"
INDENT = "\ue017"
DISPLAY_CLOSE = "\ue019"
DISPLAY_OPENERS = {"block": BLOCK, "left-margin": LEFT_MARGIN, "right-inline": RIGHT_INLINE,
                   "indent": INDENT}
DISPLAY_CLASSES = {BLOCK: "csl-block", LEFT_MARGIN: "csl-left-margin", RIGHT_INLINE: "csl-right-inline",
                   INDENT: "csl-indent"}

# quotes while an entry is being rendered (replaced by the locale's quote marks before the
# entry leaves the engine): outer and inner level
QUOTE_OPEN = "\ue020"
QUOTE_CLOSE = "\ue021"
INNER_QUOTE_OPEN = "\ue022"
INNER_QUOTE_CLOSE = "\ue023"

# after a quote in item data that the same data continues ("'God willing'. Another"): the
# punctuation there is the data's own, never moved inside the quote (punctuation-in-quote moves
# only the style's punctuation, as citeproc-js moves only affixes and delimiters)
QUOTE_END_IN_DATA = "\ue024"

FONT_MARKERS = "".join(mark for pair in FONT_PAIRS for mark in pair)
LINK_MARKERS = LINK_DOI + LINK_URL + LINK_PMID + LINK_PMCID + LINK_CLOSE
DISPLAY_MARKERS = BLOCK + LEFT_MARGIN + RIGHT_INLINE + INDENT + DISPLAY_CLOSE
QUOTE_MARKERS = QUOTE_OPEN + QUOTE_CLOSE + INNER_QUOTE_OPEN + INNER_QUOTE_CLOSE
# markers that print nothing themselves (formatting, links, display)
MARKERS = FONT_MARKERS + LINK_MARKERS + DISPLAY_MARKERS + QUOTE_END_IN_DATA
ALL_MARKERS = MARKERS + QUOTE_MARKERS

# private-use characters (our markers live there) and lone surrogates, which JSON's "\ud800"
# escapes let into item data and which no output encoding can write
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\ud800-\udfff]")


def strip_private_use(text: str) -> str:
    """Item data must not carry our markers (or any private-use character), nor lone
    surrogates (they would make every output format fail to encode)."""
    if text.isascii():  # most data; nothing to strip
        return text
    return _PRIVATE_USE.sub("", text)


def visible(marked: str) -> str:
    """The text of a marked string without any marker."""
    return marked.translate(_DROP_MARKERS)


_DROP_MARKERS = {ord(mark): None for mark in ALL_MARKERS}
