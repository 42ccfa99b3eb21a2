"""CSL's protected-case markup in formats that cannot hold it (redteam5 F36).

`<span class="nocase">…</span>` (what BibTeX braces `{DNA}` and Mendeley's `{{Whole Title}}`
read as) and `<span class="nodecor">…</span>` are instructions to a CSL processor (CSL 1.0.2,
"Rich Text Markup" of the data schema / citeproc-js's inline markup), not text. RIS and EndNote
XML have no way to say them: EndNote, citation-js and JabRef show the tag as text. Their
writers write the words without these spans (`strip`); what other markup those formats do hold
stays (EndNote XML's `<style face=…>` runs; RIS's `<i>`, `<b>`, `<sup>`, `<sub>`, see
formats/ris.py). The export names what is lost (`api.export_warnings`, `count`).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

LABEL = "protected case ({…})"
_SPAN = re.compile(r"<span\b[^>]*>|</span>")
_PROTECTING = re.compile(r'<span class="(?:nocase|nodecor)">')


def has(text: Any) -> bool:
    return isinstance(text, str) and bool(_PROTECTING.search(text))


def strip(text: str) -> str:
    """`text` without its nocase/nodecor spans (their words kept); other spans, nested in or
    around them, stay as they were."""
    if not has(text):
        return text
    out: list[str] = []
    opened: list[bool] = []  # per open <span>: is it a protecting one (dropped)?
    pos = 0
    for match in _SPAN.finditer(text):
        out.append(text[pos:match.start()])
        pos = match.end()
        token = match.group(0)
        if token == "</span>":
            if not (opened.pop() if opened else False):
                out.append(token)
        else:
            protecting = bool(_PROTECTING.fullmatch(token))
            opened.append(protecting)
            if not protecting:
                out.append(token)
    out.append(text[pos:])
    return "".join(out)


def count(items: Iterable[Mapping[str, Any]]) -> int:
    """How many values of `items` (CSL variables, not private keys) hold protected case."""
    return sum(1 for item in items for key, value in item.items()
               if not key.startswith("_") and has(value))
