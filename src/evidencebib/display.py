"""Text for a person: every control character made visible, so data cannot drive a terminal.

Titles, names, entry keys, file names and Crossref labels reach the screen. A terminal acts
on control characters: `ESC[2J` clears it, `ESC]0;…BEL` sets the window title, `ESC]8;;URL`
makes a link whose text lies about its target, C1 controls (U+0080–U+009F, e.g. U+009B CSI)
do the same in one character, `CR` overwrites what was printed, and the bidirectional
overrides and isolates reorder what is shown (CVE-2021-42574, "Trojan Source"). So text
meant for a person is passed through `visible` (multi-line text) or `one_line` (a cell, a
message) before it is printed; data files are written exact (see `evidencebib.cli.output`).

What is made visible, as the Python escape of the character (`\\x1b`, `\\x9b`, `\\u202e`):
every character of Unicode category Cc (C0, DEL, C1), the line and paragraph separators
U+2028/U+2029, and the bidirectional embeddings, overrides and isolates U+202A–U+202E,
U+2066–U+2069. `visible` keeps tab, newline and a CR that ends a CRLF line break;
`one_line` makes those visible too, so one value can never become two lines.
"""

from __future__ import annotations

import re

_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
# one character class each (a class is scanned several times faster than an alternation:
# ~6 ms per MB); in multi-line text tab, LF and the CR of a CRLF pair are layout
_MULTI_LINE = re.compile(f"[{_ALWAYS}\r]")
_ONE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _escape_keeping_crlf(match: re.Match[str]) -> str:
    if match.group() == "\r" and match.string.startswith("\n", match.end()):
        return "\r"
    return _escape(match)


def visible(text: str) -> str:
    """`text` with every control character shown as its escape (tab and line breaks kept)."""
    return _MULTI_LINE.sub(_escape_keeping_crlf, text)


def one_line(text: str) -> str:
    """`text` as one line: every control character, tab and line break shown as its escape."""
    return _ONE_LINE.sub(_escape, text)

