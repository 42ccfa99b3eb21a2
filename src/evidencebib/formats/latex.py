"""LaTeX in BibTeX field values <-> Unicode text.

Decoding has a fast path for what real bibliographies contain (accent macros, escaped
specials, dashes, protective braces) and hands anything it does not recognise to pylatexenc,
the library bibtexparser itself uses. pylatexenc alone decodes about 470 entries/s and
deletes or truncates some values (notes/formats-and-corpus.md §3.4); the fast path keeps the
common case at tens of thousands of values per second and never touches URL or DOI fields.

Encoding writes UTF-8 as is (biber and BibTeX 0.99d with inputenc read it) and escapes only
the characters that would otherwise change the meaning of the value: `& % $ # _ { } \\ ~ ^`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters produced by escapes are held as private-use placeholders until the end, so that
# the later steps (dashes, ties, brace removal) cannot reinterpret them.
_HOLD = {"{": "\ue000", "}": "\ue001", "\\": "\ue002", "~": "\ue003", "-": "\ue004", "^": "\ue005"}
_RELEASE = str.maketrans({v: k for k, v in _HOLD.items()})
# Accent macros -> combining characters.
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}
# Letter-like macros.
_SYMBOLS = {
    "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "textregistered": "®",
    "texttrademark": "™", "textcopyright": "©", "textdegree": "°", "textbullet": "•",
    "textellipsis": "…", "ldots": "…", "dots": "…", "textasciitilde": _HOLD["~"],
    "textasciicircum": _HOLD["^"], "textbackslash": _HOLD["\\"], "textbar": "|", "textless": "<",
    "textgreater": ">", "S": "§", "P": "¶", "pounds": "£", "euro": "€", "textmu": "µ",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "copyright": "©",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "omega": "ω",
    "Delta": "Δ", "Omega": "Ω", "pm": "±", "times": "×", "leq": "≤", "geq": "≥",
}
_ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": _HOLD["{"], "}": _HOLD["}"],
            " ": " ", ",": "\u2009", "-": "", "@": "", "/": ""}

_ACCENT_RE = re.compile(
    r"""\\(['`^"~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))"""   # \'e \'{e} \'\i
    r"""|\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+(\\?[A-Za-z]))"""  # \v{c} \c c
)
_SYMBOL_RE = re.compile(r"\\([A-Za-z]+)(?:\{\}| *)")
_ESCAPE_RE = re.compile(r"\\([&%$#_{} ,\-@/])")
_FORMAT_RE = re.compile(r"\\(?:emph|textit|textbf|textsc|textrm|textsf|texttt|textup|textnormal|mbox|text)\s*\{")
_FAST_SAFE = re.compile(r"[\\{}~$]|--")
_TIE_RE = re.compile(r"(?<!\\)~")


def _accented(base: str, accent: str) -> str:
    base = {"\\i": "i", "\\j": "j"}.get(base, base)
    return unicodedata.normalize("NFC", base + accent)


def _replace_accent(match: re.Match[str]) -> str:
    if match.group(1):
        return _accented(match.group(2) or match.group(3), _ACCENTS[match.group(1)])
    return _accented(match.group(5) or match.group(6), _ACCENTS[match.group(4)])


def _replace_symbol(match: re.Match[str]) -> str:
    name = match.group(1)
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    return match.group(0)


@lru_cache(maxsize=65536)
def decode(value: str) -> str:
    """LaTeX markup -> readable Unicode (for display and CSL); braces removed."""
    if not _FAST_SAFE.search(value):
        return value
    text = _TIE_RE.sub("\u00a0", value)
    text = _ACCENT_RE.sub(_replace_accent, text)
    text = _FORMAT_RE.sub("{", text)
    text = _SYMBOL_RE.sub(_replace_symbol, text)
    text = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(1)], text)
    if "\\" in text:
        text = _pylatexenc(text)
    text = text.replace("---", "—").replace("--", "–")
    text = _strip_braces(text)
    return text.translate(_RELEASE)


def _strip_braces(text: str) -> str:
    return text.replace("{", "").replace("}", "") if ("{" in text or "}" in text) else text


def _pylatexenc(text: str) -> str:
    """Fallback for macros the fast path does not know; keeps the text if decoding fails."""
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:  # pragma: no cover - pylatexenc comes with bibtexparser
        return text
    try:
        return LatexNodes2Text(keep_braced_groups=True, math_mode="verbatim").latex_to_text(text)
    except Exception:  # pylatexenc raises on malformed input; the raw text is better than nothing
        return text


_ENCODE_TABLE = str.maketrans({
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "\u00a0": "~",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})


_DOUBLE_HYPHEN = re.compile(r"-(?=-)")


def encode(text: str) -> str:
    """Unicode text -> a BibTeX value body that reads back as the same text."""
    return _DOUBLE_HYPHEN.sub("-{}", text.translate(_ENCODE_TABLE))


_ACCENT_COMMANDS = {mark: command for command, mark in _ACCENTS.items()}
# letter-like commands that are valid in text mode (the Greek and math ones are not)
_TEXT_SYMBOLS = {_SYMBOLS[name]: name for name in (
    "ss", "ae", "AE", "oe", "OE", "aa", "AA", "o", "O", "l", "L", "i", "dh", "DH", "th", "TH",
    "ng", "NG", "dj", "DJ", "textendash", "textemdash", "textquoteright", "textquoteleft",
    "textquotedblleft", "textquotedblright", "textregistered", "texttrademark",
    "textcopyright", "textdegree", "textbullet", "textellipsis", "S", "P", "pounds", "euro")}


def ascii_command(char: str) -> str | None:
    """The LaTeX spelling of one character, in ASCII (`ć` -> `{\\'c}`, `ł` -> `{\\l}`), that
    `decode` reads back as the same character; None when there is none (`王`).

    For files whose encoding cannot hold a character (store/encoding.py)."""
    if char in _TEXT_SYMBOLS:
        return "{\\" + _TEXT_SYMBOLS[char] + "}"
    decomposed = unicodedata.normalize("NFD", char)
    if len(decomposed) != 2 or not ("a" <= decomposed[0].lower() <= "z"):
        return None
    command = _ACCENT_COMMANDS.get(decomposed[1])
    if command is None:
        return None
    if command.isalpha():
        return f"{{\\{command}{{{decomposed[0]}}}}}"
    return f"{{\\{command}{decomposed[0]}}}"


def encode_verbatim(text: str) -> str:
    """For url/doi/file fields: biber and url.sty read them verbatim; only unbalanced braces
    must be avoided, so those are percent-encoded (they are not valid in URLs anyway)."""
    return text.replace("{", "%7B").replace("}", "%7D")
