"""Text case and strip-periods, applied to an element's output tree.

CSL 1.0.2 §"Text-case" (lowercase, uppercase, capitalize-first, capitalize-all, sentence,
title; title case only for English items, or items without a language in an English style),
§"Strip-periods", Appendix VI (text in a `nocase` span keeps its case).

The tree's text is transformed as one string (so words are found across formatting), and the
result is written back leaf by leaf; `nocase` leaves are never changed.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from citeproc import model

from evidencebib.render.output import Lit, Span, plain_text
from evidencebib.render.overrides import override, upstream

# citeproc-py's title-case stop words (model.TextCased._stop_words)
STOP_WORDS = frozenset(["a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into",
                        "nor", "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via",
                        "with", "yet"])
# citeproc-js's, for the parts of hyphenated words
HYPHEN_STOP_WORDS = frozenset(
    "a according across against along amid among an and anti around as at before behind beyond but by "
    "down during for from in into like near nor of off on onto or out over past per plus so than the "
    "till to toward towards up upon v versus via vs with within without yet".split())
_HYPHEN_PART = re.compile(r"(?<=[^\W\d_])-([^\W\d_][^\s\-]*)")
_WORD = re.compile(r"\S+")


def _capitalize_first(word: str) -> str:
    return word[:1].upper() + word[1:] if word else word


def _map_words(text: str, function: Callable[[int, str, str], str]) -> str:
    """`function(index, word, previous word)` for each word, the spaces between kept."""
    out = []
    position = 0
    previous = ""
    for index, match in enumerate(_WORD.finditer(text)):
        out.append(text[position:match.start()])
        word = function(index, match.group(0), previous)
        out.append(word)
        previous = word
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def title_case_words(text: str) -> str:
    """citeproc-py's title case: each lower-case word capitalised, stop words kept lower case
    unless first or after a colon or full stop; words in mixed or upper case left alone."""
    def word_case(index: int, word: str, previous: str) -> str:
        if word.islower() and (word not in STOP_WORDS or index == 0 or previous[-1:] in (":", ".")):
            return _capitalize_first(word)
        return word

    return _map_words(text, word_case)


def title_case_hyphens(text: str) -> str:
    """Title case capitalises each part of a hyphenated word, as citeproc-js does
    ("Long-term" -> "Long-Term", "Meta-analysis" -> "Meta-Analysis"); a stop word stays lower
    case ("Follow-up: A Trial") unless it ends the title ("Safety Follow-Up")."""
    end = len(text.rstrip(".?!"))

    def upper(match):
        part = match.group(1)
        core = part.rstrip(".,;:?!")
        last = match.start(1) + len(core) >= end
        if not core.islower() or (core in HYPHEN_STOP_WORDS and not last):
            return match.group(0)
        return "-" + part[0].upper() + part[1:]

    return _HYPHEN_PART.sub(upper, text)


def sentence_case(text: str) -> str:
    upper = text.isupper()

    def word_case(index: int, word: str, previous: str) -> str:
        if not upper and not word.isupper():
            word = word.lower()
        return _capitalize_first(word) if index == 0 else word

    return _map_words(text, word_case)


def _leaves(node: Any, out: list[Lit]) -> None:
    if type(node) is Lit:
        out.append(node)
    else:
        for kid in node.kids:
            _leaves(kid, out)


def _rebuild(node: Any, replacement: dict[int, str]) -> Any:
    if type(node) is Lit:
        text = replacement.get(id(node))
        return node if text is None or text == node.text else Lit(text, node.nocase)
    return Span([_rebuild(kid, replacement) for kid in node.kids], node.font, node.quotes, node.prefix,
                node.suffix, node.display, node.tag, node.link)


def apply_to_tree(node: Any, function: Callable[[str], str]) -> Any:
    """`function` applied to the text of a tree as one string, written back to its leaves;
    `nocase` leaves keep their text. A transformation that changes the length of the text
    (uncommon: "ß".upper()) is written back word by word."""
    if type(node) is Lit:
        if node.nocase:
            return node
        text = function(node.text)
        return node if text == node.text else Lit(text)
    leaves: list[Lit] = []
    _leaves(node, leaves)
    if not leaves:
        return node
    whole = "".join(leaf.text for leaf in leaves)
    if not any(leaf.nocase for leaf in leaves) and len(leaves) == 1:
        return _rebuild(node, {id(leaves[0]): function(whole)})
    # protect nocase text: transform with placeholders of the same length that the case
    # functions leave alone, then put the protected text back
    masked = []
    for leaf in leaves:
        masked.append("\u0378" * len(leaf.text) if leaf.nocase else leaf.text)
    result = function("".join(masked))
    if len(result) != len(whole):
        result = _length_preserving(masked, function)
    replacement = {}
    position = 0
    for leaf in leaves:
        size = len(leaf.text)
        if not leaf.nocase:
            replacement[id(leaf)] = result[position:position + size]
        position += size
    return _rebuild(node, replacement)


def _length_preserving(masked: list[str], function: Callable[[str], str]) -> str:
    whole = "".join(masked)
    out = list(whole)
    for match in _WORD.finditer(whole):
        word = match.group(0)
        changed = function(word)
        if len(changed) == len(word):
            out[match.start():match.end()] = list(changed)
    return "".join(out)


def _plain_case(case: str, text: str, english: bool, hyphens: Callable[[str], str]) -> str:
    if case == "lowercase":
        return text.lower()
    if case == "uppercase":
        return text.upper()
    if case == "capitalize-first":
        index = next((i for i, char in enumerate(text) if not char.isspace()), None)
        if index is None:
            return text
        return text[:index] + text[index].upper() + text[index + 1:]
    if case == "capitalize-all":
        return re.sub(r"(^|(?<=\s))(\S)", lambda m: m.group(1) + m.group(2).upper(), text)
    if case == "sentence":
        return sentence_case(text)
    if case == "title":
        if not english:
            return text
        return hyphens(title_case_words(text))
    return text


def english(ctx) -> bool:
    item_english = ctx.item.english if ctx.item is not None else None
    return ctx.locale.is_english if item_english is None else item_english


@override("textcase.transform", replaces="citeproc.model.TextCased.case",
          rule="CSL 1.0.2 §Text-case (on any element's output, plain strings included; title case for "
               "English items only, terms and labels in the style's locale), Appendix VI (nocase spans "
               "keep their case)",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_fixes_agreement.py::test_title_case_on_labels",))
def transform(el, node, ctx):
    case = el.c_case
    is_english = english(ctx)
    hyphens = ctx.b.textcase_title_hyphens
    return apply_to_tree(node, lambda text: _plain_case(case, text, is_english, hyphens))


@upstream("textcase.transform")
def transform_upstream(el, node, ctx):
    """citeproc-py's TextCased.case: cs:text passes the item's language (or the style's), labels,
    dates and numbers pass none, so title case skips them."""
    from citeproc.string import String

    language = None
    if isinstance(el, model.Text):
        language = ctx.item.language if ctx.item is not None and ctx.item.language else \
            (ctx.style.root.get("default-locale") or "en")
        language = language[:2]
    return Lit(str(model.TextCased.case(el, String(plain_text(node)), language)))


@override("textcase.title-hyphens", replaces="citeproc.model.TextCased.case",
          rule="citeproc-js title case: each part of a hyphenated word is capitalised (\"Long-Term\", "
               "\"Meta-Analysis\"), stop words inside kept lower case (\"Follow-up: A\")",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_fixes_agreement.py::test_title_case_capitalises_parts_of_hyphenated_words",))
def title_hyphens(text: str) -> str:
    return title_case_hyphens(text)


@upstream("textcase.title-hyphens")
def title_hyphens_upstream(text: str) -> str:
    return text

