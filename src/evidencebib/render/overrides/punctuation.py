"""Punctuation and quotes: seams between pieces, quotes, punctuation-in-quote.

- Seams (CSL 1.0.2 §"Affixes", citeproc-js `CSL.Output.Queue.adjust`): where two rendered pieces
  meet, duplicated punctuation and spaces are printed once and "?"/"!" absorb a following full
  stop, judged through markup (render/output.py `merge`).
- Quotes (CSL 1.0.2 §"Quotes"): `quotes="true"` prints the locale's open-quote/close-quote
  terms, and a quoted span inside another the open-inner-quote/close-inner-quote terms.
- punctuation-in-quote (CSL 1.0.2 §"Locale Options"): with the locale option set, a comma or full
  stop right after a closing quote moves inside it ("Loss”." -> "Loss.”"), in bibliographies and
  citations; a mark already ending the quoted text absorbs it as at a seam ("Why?”." -> "Why?”").
"""

from __future__ import annotations

from evidencebib.render import output
from evidencebib.render.marks import (INNER_QUOTE_CLOSE, INNER_QUOTE_OPEN, MARKERS, QUOTE_CLOSE,
                                      QUOTE_END_IN_DATA, QUOTE_MARKERS, QUOTE_OPEN)
from evidencebib.render.overrides import override, upstream

_QUOTE_CLOSERS = (QUOTE_CLOSE, INNER_QUOTE_CLOSE)


merge = override("punctuation.seams", replaces="citeproc.string.normalize_seam",
                 rule="citeproc-js CSL.Output.Queue.adjust (via jgm/citeproc fixPunct): duplicated "
                      "punctuation and spaces printed once, \"?\"/\"!\" + \".\" keep the first, \";\" + "
                      "\".\" keeps \";\", judged through markup (\"*et al.*.\" -> \"*et al.*\"); a "
                      "sibling's prefix punctuation is not merged after a sibling with font formatting of "
                      "its own (queue.js leftward/downward: no merge when a blob has decorations)",
                 fingerprint="f8e87b822f57b0c11772f6fea30481b1f443a5bfe6de6229be48a911883fd94b",
                 tests=("tests/render/test_engine_output.py::test_full_stop_after_italic_et_al_is_printed_once",
                        "tests/render/test_render_fixes_agreement.py::test_no_full_stop_after_a_question_mark",
                        "tests/render/test_html_conventions.py::"
                        "test_prefix_punctuation_after_a_formatted_sibling_is_not_merged"),
                 )(output.merge)


@upstream("punctuation.seams")
def merge_upstream(left: str, right: str) -> str:
    from citeproc.string import normalize_seam

    return left + str(normalize_seam(left, right)) if left else right


def move_into_quotes(marked: str) -> str:
    """A "," or "." right after closing quotes (through markup) moves before them."""
    if QUOTE_CLOSE not in marked and INNER_QUOTE_CLOSE not in marked:
        return marked
    out = marked
    index = 0
    while True:
        positions = [out.find(closer, index) for closer in _QUOTE_CLOSERS]
        positions = [position for position in positions if position >= 0]
        if not positions:
            return out
        start = min(positions)
        end = start
        while end < len(out) and (out[end] in _QUOTE_CLOSERS or out[end] in MARKERS) \
                and out[end] != QUOTE_END_IN_DATA:
            end += 1
        if end < len(out) and out[end] in ".,":
            mark = out[end]
            before = out[:start]
            # the mark joins the quoted text as at any seam ("Why?" + "." keeps "?")
            inner = output.merge(before, mark)
            out = inner + out[start:end] + out[end + 1:]
            index = len(inner) + (end - start)
        else:
            index = end
        if index >= len(out):
            return out


@override("punctuation.in-quote", replaces="citeproc.model.Quoted.quote",
          rule="CSL 1.0.2 §Locale Options punctuation-in-quote: commas and full stops after a closing quote "
               "are placed inside it (bibliographies and citations)",
          fingerprint="659f45847dbf7c2a1aaf64128f5c9108862786858b009dc487065865bb498044",
          tests=("tests/render/test_render_fixes_agreement.py::test_punctuation_in_quote_moves_the_full_stop_inside",
                 "tests/render/test_render_fixes_agreement.py::test_punctuation_in_quote_comma_in_ieee"))
def in_quote(marked: str, enabled: bool) -> str:
    return move_into_quotes(marked) if enabled else marked


@upstream("punctuation.in-quote")
def in_quote_upstream(marked: str, enabled: bool) -> str:
    return marked  # citeproc-py 0.11.1: the option is read, the code that would use it commented out


@override("punctuation.nested-quotes", replaces="citeproc.model.Quoted.quote",
          rule="CSL 1.0.2 §Quotes: a quoted element inside another uses the inner quote terms "
               "(open-inner-quote, close-inner-quote)",
          fingerprint="659f45847dbf7c2a1aaf64128f5c9108862786858b009dc487065865bb498044",
          tests=("tests/render/test_engine_output.py::test_quotes_inside_quotes_are_inner_quotes",))
def localize_quotes(marked: str, locale) -> str:
    if not any(mark in marked for mark in QUOTE_MARKERS):
        return marked
    outer_open, outer_close = locale.text("open-quote") or "\u201c", locale.text("close-quote") or "\u201d"
    inner_open = locale.text("open-inner-quote") or outer_open
    inner_close = locale.text("close-inner-quote") or outer_close
    return (marked.replace(QUOTE_OPEN, outer_open).replace(QUOTE_CLOSE, outer_close)
            .replace(INNER_QUOTE_OPEN, inner_open).replace(INNER_QUOTE_CLOSE, inner_close))


@upstream("punctuation.nested-quotes")
def localize_quotes_upstream(marked: str, locale) -> str:
    outer_open, outer_close = locale.text("open-quote"), locale.text("close-quote")
    return (marked.replace(QUOTE_OPEN, outer_open).replace(QUOTE_CLOSE, outer_close)
            .replace(INNER_QUOTE_OPEN, outer_open).replace(INNER_QUOTE_CLOSE, outer_close))
