"""CSL's protected-case and small-caps markup in formats that cannot hold it (redteam5 F36, F26).

`<span class="nocase">…</span>` (what BibTeX braces `{DNA}` and Mendeley's `{{Whole Title}}`
read as) and `<span class="nodecor">…</span>` are instructions to a CSL processor (CSL 1.0.2,
"Rich Text Markup" of the data schema / citeproc-js's inline markup), not text. So is
`<span style="font-variant:small-caps;">…</span>`, CSL rich text's small caps (what BibTeX's
`\\textsc{…}` reads as, and citeproc-js and Zotero write). RIS and EndNote XML have no way to
say them: EndNote, citation-js and JabRef show the tag as text. Their writers write the words
without these spans (`strip`); what other markup those formats do hold stays (EndNote XML's
`<style face=…>` runs; RIS's `<i>`, `<b>`, `<sup>`, `<sub>`, see formats/ris.py). The export
names what is lost (`api.export_warnings`, `counts`).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

LABEL = "protected case ({…})"
SMALL_CAPS_LABEL = "small caps (\\textsc)"
_SPAN = re.compile(r"<span\b[^>]*>|</span>")
_PROTECTING = re.compile(r'<span class="(?:nocase|nodecor)">')
_SMALL_CAPS = re.compile(r'<span\s+style\s*=\s*"\s*font-variant\s*:\s*small-caps\s*;?\s*">')


def has(text: Any) -> bool:
    """Whether `text` holds protected case (a nocase or nodecor span)."""
    return isinstance(text, str) and bool(_PROTECTING.search(text))


def has_small_caps(text: Any) -> bool:
    return isinstance(text, str) and "small-caps" in text and bool(_SMALL_CAPS.search(text))


def lost(text: Any) -> list[str]:
    """The labels of what `strip` drops from `text` (protected case, small caps)."""
    return [label for label, present in ((LABEL, has(text)),
                                         (SMALL_CAPS_LABEL, has_small_caps(text))) if present]


def strip(text: str) -> str:
    """`text` without its nocase/nodecor and small-caps spans (their words kept); other spans,
    nested in or around them, stay as they were."""
    if not has(text) and not has_small_caps(text):
        return text
    out: list[str] = []
    opened: list[bool] = []  # per open <span>: is it one of ours (dropped)?
    pos = 0
    for match in _SPAN.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        if token == "</span>":
            if not (opened.pop() if opened else False):
                out.append(token)
        else:
            dropped = bool(_PROTECTING.fullmatch(token) or _SMALL_CAPS.fullmatch(token))
            opened.append(dropped)
            if not dropped:
                out.append(token)
    out.append(text[pos:])
    return "".join(out)


def count(items: Iterable[Mapping[str, Any]]) -> int:
    """How many values of `items` (CSL variables, not private keys) hold protected case."""
    return counts(items).get(LABEL, 0)


def counts(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Label -> how many values of `items` (CSL variables, not private keys) hold it."""
    out: dict[str, int] = {}
    for item in items:
        for key, value in item.items():
            if not key.startswith("_"):
                for label in lost(value):
                    out[label] = out.get(label, 0) + 1
    return out
