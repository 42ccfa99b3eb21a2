"""Text case and strip-periods, applied to an element's output tree.

CSL 1.0.2 §"Text-case" (lowercase, uppercase, capitalize-first, capitalize-all, sentence,
title; title case only for English items, or items without a language in an English style),
§"Strip-periods", Appendix VI (text in a `nocase` span keeps its case).

How words are found follows citeproc-js (its `CSL.Output.Formatters`, which the CSL test suite
was written against): the text is cut at punctuation — hyphens, en and em dashes, slashes,
quotes, brackets, `.,;:?!` — and at markup, and each piece is cut into words at spaces. So
"self-esteem", "cat/mouse", "scientist–practitioner" and "“new career”" have two words each.
A leaf of the output tree is such a piece (markup in data, a span of the style, ends one);
`nocase` leaves — a nocase span, and text inside small caps, superscript or subscript markup in
the data (citeproc-js's implicit nocase) — are never changed but still count as words. Letters
are cased by the item's language where it differs from the default (Turkish and Azeri dotted
and dotless i, as JavaScript's toLocaleUpperCase does).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from citeproc import model

from evidencebib.render.output import Lit, Span, plain_text
from evidencebib.render.overrides import override, upstream

# citeproc-js's title-case stop words (CSL.SKIP_WORDS): the spec's list ("a", "an", "and", "as",
# "at", "but", "by", "down", "for", "from", "in", "into", "nor", "of", "on", "onto", "or", "over",
# "so", "the", "till", "to", "up", "via", "with", "yet") plus prepositions and name particles
SKIP_WORDS = (
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos "
    "apud around as aside astride at athwart atop barring before behind below beneath beside besides "
    "between beyond but by circa despite down during et except for forenenst from given in inside into "
    "lest like modulo near next notwithstanding of off on onto out over per plus pro qua sans since than "
    "through thru throughout thruout till to toward towards under underneath until unto up upon versus "
    "vs. v. vs v via vis-à-vis with within without or yet so and nor a an the de d' von van c ca").split()
# (as citeproc-js builds it: the list joined unescaped, so "v." also matches "vo")
_SKIP = re.compile("(?:(?:[?!:]*\\s+|-|^)(?:" + "|".join(SKIP_WORDS) + ")(?=[!?:]*\\s+|-|$))")
# citeproc-js's case "tags": where a piece of text ends
_PUNCTUATION = re.compile("(\u2018|\u2019|\u201c|\u201d| \"| '|\"|'|[-\u2013\u2014/.,;?!:]|\\[|\\]|\\(|\\))")
_SPACES = re.compile("([\u00a0 \u2000-\u200b\u205f\u3000]+)")
_AFTER_PUNCTUATION = re.compile(r"[!?:]$")
_QUOTE_TAG = re.compile("(^(?:\u2018|\u2019|\u201c|\u201d|\"|')|(?: \"| ')$)")
_QUOTE_OPENERS = {" \"": (" '", "\""), " '": (" \"", "'"), "\u2018": ("\u2018", "\u2019"),
                  "\u201c": ("\u201c", "\u201d")}  # opener -> (the opener nested in it, its closer)
_LONE_GREEK = re.compile("^[\u0370-\u03ff]$")


# letters --------------------------------------------------------------------------------------

def _special_language(language: str | None) -> str | None:
    return language if language in ("tr", "az") else None


def upper(text: str, language: str | None = None) -> str:
    if language in ("tr", "az"):
        text = text.replace("i", "\u0130")
    return text.upper()


def lower(text: str, language: str | None = None) -> str:
    if language in ("tr", "az"):
        text = text.replace("I", "\u0131").replace("\u0130", "i")
    return text.lower()


def _length(word: str) -> int:
    """A word's length as JavaScript counts it (UTF-16 code units)."""
    return len(word) if word.isascii() else len(word.encode("utf-16-le")) // 2


def capitalise(word: str, language: str | None = None) -> str:
    """The first letter upper case (after leading spaces); a lone Greek letter stays as it is
    (a symbol in a scientific title: "β-blockers"), as citeproc-js has it."""
    stripped = word.lstrip()
    if not stripped:
        return word
    lead = word[:len(word) - len(stripped)]
    if _LONE_GREEK.match(stripped):
        return word
    return lead + upper(stripped[0], language) + stripped[1:]


# the case engine ------------------------------------------------------------------------------

class _Pieces:
    """The texts of a tree's leaves cut into strings and punctuation (citeproc-js's doppel):
    `strings[(leaf, k)]` is the k-th string of a leaf, with its original text kept."""

    def __init__(self, leaves: list[tuple[str, bool]]) -> None:
        self.parts: list[list[str] | None] = []   # per leaf: [s0, t0, s1, …] or None (protected)
        self.original: dict[tuple[int, int], str] = {}
        for index, (text, protected) in enumerate(leaves):
            if protected:
                self.parts.append(None)
                continue
            parts = _PUNCTUATION.split(text)
            self.parts.append(parts)
            for k in range(0, len(parts), 2):
                self.original[(index, k)] = parts[k]

    def restore_first(self, position: tuple[int, int]) -> None:
        """The string at `position` gets back its original first character (a quote that
        matched nothing was an apostrophe: "o'neil" keeps its lower-case n)."""
        leaf, k = position
        parts = self.parts[leaf]
        if parts is None:
            return
        original = self.original[position]
        if parts[k] and original:
            parts[k] = original[0] + parts[k][1:]

    def texts(self, leaves: list[tuple[str, bool]]) -> list[str]:
        return [text if parts is None else "".join(parts)
                for (text, _), parts in zip(leaves, self.parts, strict=True)]


class _Quotes:
    """citeproc-js's quote state while casing: a quote that opens or closes nothing is an
    apostrophe, and the letter after it keeps its case."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, str, tuple[int, int] | None]] = []  # (next opener, closer, position)

    def tag(self, tag: str, position: tuple[int, int]) -> tuple[int, int] | None:
        """The position whose first character must be restored, if any."""
        match = _QUOTE_TAG.search(tag)
        if match is None:
            return None
        quote = match.group(1)
        if quote in _QUOTE_OPENERS:
            nested, closer = _QUOTE_OPENERS[quote]
            if not self.stack or quote == self.stack[-1][0]:
                self.stack.append((nested, closer, position))
                return None
            previous = self.stack.pop()[2]
            self.stack.append((nested, closer, None))
            return previous
        if self.stack and quote == self.stack[-1][1]:
            self.stack.pop()
            return None
        return position

    def unclosed(self) -> list[tuple[int, int]]:
        return [position for _, _, position in self.stack if position is not None]


class _Engine:
    """One text-case transformation over the leaves of a tree (citeproc-js _textcaseEngine)."""

    def __init__(self, case: str, language: str | None) -> None:
        self.case = case
        self.language = language
        self.first = True
        self.after_punctuation = False
        self.last_word: tuple[int, int, int] | None = None

    def words(self, text: str, position: tuple[int, int], following: str | None) -> str:
        case, language = self.case, self.language
        if case == "lowercase":
            return lower(text, language)
        if case == "uppercase":
            return upper(text, language)
        if not text.strip():
            return text
        if case == "sentence":
            return self.sentence_words(text)
        words = _SPACES.split(text)
        count = (len(words) + 1) // 2
        for j in range(count):
            word = words[2 * j]
            if not word:
                continue
            lowered = lower(word, language)
            if case == "title":
                capital = (_length(word) > 1 and not _SKIP.search(lowered)) \
                    or (j == count - 1 and following == "-") or self.first or self.after_punctuation
                if capital and word == lowered:
                    words[2 * j] = capitalise(word, language)
                self.after_punctuation = self.first = False
                self.last_word = (position[0], position[1], j)
            elif case == "capitalize-all":
                if word == lowered:
                    words[2 * j] = capitalise(word, language)
            elif case == "capitalize-first":
                if self.first:
                    if word == lowered:
                        words[2 * j] = capitalise(word, language)
                    self.first = False
                    break
        return "".join(words)

    def sentence_words(self, text: str) -> str:
        """citeproc-js's sentence case (CSL.Output.Formatters.sentence): words at plain spaces;
        the first word of the text gets a capital first letter (the rest of it as written),
        every other word is lower case — words written in capitals too ("NASA" -> "nasa")."""
        words = text.split(" ")
        for j, word in enumerate(words):
            if not word:
                continue
            if self.first:
                words[j] = capitalise(word, self.language)
                self.first = False
            else:
                words[j] = lower(word, self.language)
        return " ".join(words)

    def in_word_apostrophe(self, tag: str, pieces: _Pieces, position: tuple[int, int]) -> bool:
        """Sentence case: an apostrophe with text after it belongs to that text (citeproc-js's
        CSL.Doppeler joins a straight ' to the string after it, so the quote state never sees it
        and "O'Neil" becomes "O'neil"). Our text holds the ’ that quotes.in-data made of the
        data's straight apostrophe, so ’ is read as the ' it was written as."""
        return self.case == "sentence" and tag in ("'", "\u2019") and bool(pieces.original[position])

    def run(self, leaves: list[tuple[str, bool]]) -> list[str]:
        pieces = _Pieces(leaves)
        quotes = _Quotes() if self.case in ("title", "capitalize-first", "capitalize-all", "sentence") \
            else None
        very_first = True
        for index, parts in enumerate(pieces.parts):
            if parts is None:  # protected: unchanged, but it is text
                if leaves[index][0].strip():
                    self.first = self.after_punctuation = False
                    self.last_word = None
                very_first = False
                continue
            for k in range(0, len(parts), 2):
                if k and _AFTER_PUNCTUATION.search(parts[k - 1]):
                    self.after_punctuation = True
                text = parts[k]
                # (citeproc-js passes the following punctuation to the first string only)
                following = parts[k + 1] if very_first and k + 1 < len(parts) else None
                parts[k] = self.words(text, (index, k), following)
                if quotes is not None and k and not self.in_word_apostrophe(parts[k - 1], pieces, (index, k)):
                    restore = quotes.tag(parts[k - 1], (index, k))
                    if restore is not None:
                        pieces.restore_first(restore)
                        self.last_word = None
                if text.strip():
                    self.first = self.after_punctuation = False
                very_first = False
        if quotes is not None:
            for position in quotes.unclosed():
                pieces.restore_first(position)
        if self.case == "title" and self.last_word is not None:
            # the last word is capitalised even when it is a stop word ("Follow-Up")
            leaf, k, j = self.last_word
            parts = pieces.parts[leaf]
            if parts is not None:
                words = _SPACES.split(parts[k])
                word = words[2 * j]
                if _length(word) > 1 and _SKIP.search(lower(word, self.language)):
                    words[2 * j] = capitalise(word, self.language)
                    parts[k] = "".join(words)
        return pieces.texts(leaves)


def sentence_case(text: str) -> str:
    upper_case = text.isupper()
    out = []
    position = 0
    for index, match in enumerate(re.finditer(r"\S+", text)):
        word = match.group(0)
        if not upper_case and not word.isupper():
            word = word.lower()
        out.append(text[position:match.start()])
        out.append(word[:1].upper() + word[1:] if index == 0 else word)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def case_leaves(case: str, leaves: list[tuple[str, bool]], english: bool = True,
                language: str | None = None) -> list[str]:
    """The texts of `leaves` ((text, protected) in document order) in `case`."""
    if case == "title" and not english:
        return [text for text, _ in leaves]
    language = _special_language(language)
    if case == "sentence":
        return sentence_leaves(leaves, language)
    if case not in ("lowercase", "uppercase", "capitalize-first", "capitalize-all", "title"):
        return [text for text, _ in leaves]
    return _Engine(case, language).run(leaves)


@override("textcase.sentence", replaces="citeproc.model.TextCased.case",
          rule="CSL 1.0.2 §Text-case \"sentence\" as citeproc-js does it (src/util_case.js, "
               "CSL.Output.Formatters.sentence): the first word's first letter upper case, every other "
               "word lower case, words written in capitals included (\"NASA\" -> \"nasa\", \"THE EFFECT\" "
               "-> \"THE effect\": the first word as written); nocase text kept; an apostrophe joins the "
               "text after it (CSL.Doppeler): \"O'Neil\" -> \"O'neil\"",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_textcase.py::test_sentence_case_lowercases_words_written_in_capitals",
                 "tests/render/test_render_textcase.py::"
                 "test_sentence_case_keeps_the_rest_of_the_first_word_as_written"))
def sentence_leaves(leaves: list[tuple[str, bool]], language: str | None = None) -> list[str]:
    return _Engine("sentence", language).run(leaves)


@upstream("textcase.sentence")
def sentence_leaves_upstream(leaves: list[tuple[str, bool]], language: str | None = None) -> list[str]:
    """citeproc-py's sentence case: the first letter upper case, other words lower case unless
    written in capitals, and a text all in capitals left as it is."""
    return _sentence_leaves(leaves)


def _sentence_leaves(leaves: list[tuple[str, bool]]) -> list[str]:
    """Sentence case over the whole text (its words judged together); protected leaves keep
    their text (written with placeholders of the same length, then put back)."""
    whole = "".join(text for text, _ in leaves)
    masked = "".join("\u0378" * len(text) if protected else text for text, protected in leaves)
    result = sentence_case(masked)
    if len(result) != len(whole):
        return [text if protected else sentence_case(text) for text, protected in leaves]
    out = []
    position = 0
    for text, protected in leaves:
        out.append(text if protected else result[position:position + len(text)])
        position += len(text)
    return out


# the tree -------------------------------------------------------------------------------------

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


def apply_to_tree(node: Any, function: Callable[[list[tuple[str, bool]]], list[str]]) -> Any:
    """`function` applied to the leaves of a tree ((text, nocase) in order), its answers
    written back; `nocase` leaves keep their text."""
    leaves: list[Lit] = []
    _leaves(node, leaves)
    if not leaves:
        return node
    texts = function([(leaf.text, leaf.nocase) for leaf in leaves])
    replacement = {id(leaf): text for leaf, text in zip(leaves, texts, strict=True) if not leaf.nocase}
    return _rebuild(node, replacement)


def english(ctx) -> bool:
    item_english = ctx.item.english if ctx.item is not None else None
    return ctx.locale.is_english if item_english is None else item_english


def item_language(ctx) -> str | None:
    """The item's language code ("tr" of "tr-TR"), as citeproc-js reads it (leading letters)."""
    language = ctx.item.language if ctx.item is not None else None
    if not language:
        return None
    match = re.match(r"[A-Za-z]+", language)
    return match.group(0).lower() if match else None


@override("textcase.transform", replaces="citeproc.model.TextCased.case",
          rule="CSL 1.0.2 §Text-case (on any element's output, plain strings included; title case for "
               "English items only, terms and labels in the style's locale), Appendix VI (nocase spans "
               "keep their case); words found as citeproc-js finds them (cut at punctuation and markup; "
               "small caps, superscript and subscript markup are implicitly nocase; capitalize-first and "
               "capitalize-all leave words with capitals alone)",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_fixes_agreement.py::test_title_case_on_labels",
                 "tests/render/test_render_textcase.py::test_capitalize_all_capitalises_each_part_of_a_hyphenated_word"))
def transform(el, node, ctx):
    case = el.c_case
    is_english = ctx.b.textcase_title_language(el, ctx) if case == "title" else english(ctx)
    language = item_language(ctx)
    if case == "title":
        title = ctx.b.textcase_title
        return apply_to_tree(node, lambda leaves: title(leaves, is_english, language))
    if case == "sentence":
        sentence = ctx.b.textcase_sentence
        special = _special_language(language)
        return apply_to_tree(node, lambda leaves: sentence(leaves, special))
    return apply_to_tree(node, lambda leaves: case_leaves(case, leaves, is_english, language))


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


@override("textcase.macro-call", replaces="citeproc.model.TextCased.case",
          rule="citeproc-js (CSL.expandMacro; CSL.Output.Queue.append and .string apply a token's text-case "
               "only to a string it appends): text-case on a cs:text macro= call is not applied; CSL 1.0.2 "
               "allows it, but the styles of the CSL repository are written and previewed against "
               "citeproc-js, where it has no effect",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_textcase.py::test_text_case_on_a_macro_call_is_not_applied",))
def macro_call(el, node, ctx):
    """The output of a `cs:text macro=` call with the call's formatting, but not its text-case."""
    return el.c_finish(node, ctx, case=False)


@upstream("textcase.macro-call")
def macro_call_upstream(el, node, ctx):
    """citeproc-py (and CSL 1.0.2): the call's text-case applies to the macro's whole output."""
    return el.c_finish(node, ctx)


def _prints_locale_text(el) -> bool:
    """A cs:label, or a cs:text printing a term or a value: text of the style, not of the item."""
    from evidencebib.render.elements import _TERM, _VALUE

    if isinstance(el, model.Label):
        return True
    return isinstance(el, model.Text) and getattr(el, "c_kind", None) in (_TERM, _VALUE)


@override("textcase.title-language", replaces="citeproc.model.TextCased.case",
          rule="citeproc-js (CSL.Output.Formatters.title, CSL.Transform getOutputFunction): title case is "
               "withheld from non-English title variables only; a term, a label or a cs:text value is "
               "title-cased in any locale (\"éd.\" -> \"Éd.\" in a French style), as citeproc-js applies "
               "the formatter to every string a token with text-case=\"title\" appends",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_textcase.py::test_title_case_on_a_label_applies_in_any_locale",
                 "tests/render/test_render_textcase.py::test_title_case_on_a_term_applies_in_any_locale"))
def title_language(el, ctx) -> bool:
    """Whether title case applies to `el`'s output (CSL 1.0.2: for English items only)."""
    return True if _prints_locale_text(el) else english(ctx)


@upstream("textcase.title-language")
def title_language_upstream(el, ctx) -> bool:
    """citeproc-py passes a language to title case for cs:text only (labels get none: no title case)."""
    return isinstance(el, model.Text) and english(ctx)


@override("textcase.title", replaces="citeproc.model.TextCased.case",
          rule="CSL 1.0.2 §Text-case \"title\" as citeproc-js does it: each lower-case word capitalised "
               "unless a stop word (citeproc-js's list) that is neither first, last nor after : ? !; words "
               "end at hyphens, dashes, slashes and quotes (\"Self-Esteem\", \"Scientist–Practitioner\", "
               "\"Cat/Mouse\", \"“New Career”\"); one-letter words and lone Greek letters stay",
          fingerprint="ff17f96b956992d26a1ab29cfd02d9cc525dfdb5fd542ee62bdf4fc4227c75a5",
          tests=("tests/render/test_render_fixes_agreement.py::test_title_case_capitalises_parts_of_hyphenated_words",
                 "tests/render/test_render_textcase.py::test_title_case_words_end_at_dashes_slashes_and_quotes"))
def title(leaves: list[tuple[str, bool]], is_english: bool, language: str | None) -> list[str]:
    return case_leaves("title", leaves, is_english, language)


_CITEPROC_PY_STOP_WORDS = frozenset(model.TextCased._stop_words)


@upstream("textcase.title")
def title_upstream(leaves: list[tuple[str, bool]], is_english: bool, language: str | None) -> list[str]:
    """citeproc-py's title case: words at spaces, lower-case words capitalised unless a stop
    word that does not follow a colon or full stop."""
    if not is_english:
        return [text for text, _ in leaves]
    out = []
    previous = ":"
    for text, protected in leaves:
        if protected:
            out.append(text)
            continue
        words = re.split(r"(\s+)", text)
        for index in range(0, len(words), 2):
            word = words[index]
            if not word:
                continue
            if word.islower() and (word not in _CITEPROC_PY_STOP_WORDS or previous in (":", ".")):
                words[index] = word[:1].upper() + word[1:]
            previous = word[-1]
        out.append("".join(words))
    return out

