"""LaTeX in BibTeX field values <-> Unicode text (with CSL rich-text markup where CSL has it).

Decoding (`decode`, `decode_report`) reads a field value the way TeX would typeset it and
writes what a reader sees, never less:

* accents and letters (`\\'e`, `\\v{c}`, `{\\"\\i}`, `\\ss`, `\\o`), escaped specials
  (`\\% \\& \\$ \\# \\_ \\{ \\}`), ties (`~` -> no-break space), dashes and TeX quotes
  (`--` `---` ``` `` ``` `''`, and `` ` `` `'` in a value that opens a quote with `` ` ``), babel's
  quotation marks (`\\glqq`, `\\og`, ngerman's `"``), an accent over nothing (`\\~{}` is `~`),
  textgreek's `\\textalpha`, and the symbol macros pylatexenc knows (`\\textdegree`,
  `\\copyright`, `\\alpha`, `\\geq` … about 800, read from its tables);
* math to readable Unicode: `TNF-$\\alpha$` -> `TNF-α`, `$\\geq$` -> `≥`, `37$^\\circ$C` ->
  `37°C`, `$x^2$` / `H$_2$O` -> a superscript / subscript, `\\frac{a}{b}` -> `a/b`;
* markup where CSL-JSON's rich-text subset has it (with `rich=True`, for title-like fields):
  italic `<i>` (`\\emph`, `\\textit`, `{\\it …}`, `{\\em …}`), bold `<b>`, small caps
  `<span style="font-variant:small-caps;">`, `<sup>`, `<sub>`, and case protection: a braced
  group at the top of the value that does not start with a command (`{DNA}`, BibTeX's rule
  for what case changes must not touch) becomes `<span class="nocase">`. Without `rich`,
  markup is dropped and its text kept (super/subscript digits as Unicode ones);
* macros that print nothing or only their argument: `\\noopsort{1973c}` (a sort key: nothing),
  `\\vspace{2mm}` (nothing), `\\url{…}` and `\\verb|…|` (verbatim, without the delimiters),
  `\\href{url}{text}` (the text), `\\mbox`, `\\ensuremath`, `\\text…`, font switches
  (`\\tt`, `\\rm` …), spacing (`\\,`, `\\quad`, `\\\\`, `\\newline`, RTF's `\\line`),
  `\\relax`, `\\protect`, and the TeX-world logos (`\\LaTeX`, `\\BibTeX`, `\\MF` …);
* whitespace as TeX reads it: runs of spaces, tabs and line breaks are one space (the line
  wraps of JabRef and Emacs vanish), spaces after a control word belong to it; with
  `multiline=True` (abstracts, notes) a blank line or `\\par` (TeX's paragraph) is one
  line break, and so is the line break before a note's `name: value` line (Zotero's Extra,
  `PMID: 31234567⏎PMCID: PMC1234567`, as citeproc-js reads note fields);
* `%` is a percent sign, never a comment: in a .bib field it is text (a URL's `%20`, "10%"
  written without a backslash), and reading it as TeX's comment character cut values.

What cannot be decoded — a command neither we nor pylatexenc know, a `$` that opens math
never closed, a lone backslash — is **kept as written** in the text (`\\foo{bar}` stays
`\\foo{bar}`) and named in the problems `decode_report` returns, which the BibTeX reader
reports with file, line and key. Nothing is ever cut.

The parser is ours (a tokenizer and a recursive reader, about 25x faster than
pylatexenc's LatexNodes2Text on the corpus's 77,024 distinct values, benchmarks/latex_decode.py)
because
LatexNodes2Text cannot meet the rules above: it reads `%` as a comment (values were cut
there), deletes unknown macros (`\\LaTeX` -> ``), and has no rich-text output. pylatexenc
remains the table of symbol names.

Encoding writes UTF-8 as is (biber and BibTeX 0.99d with inputenc read it) and escapes only
the characters that would otherwise change the meaning of the value: `& % $ # _ { } \\ ~ ^`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from evidencebib.model.vocabulary import ITEM_KEYS

__all__ = ["decode", "decode_report", "encode", "encode_verbatim", "strip_markup",
           "NOCASE_OPEN", "SMALLCAPS_OPEN"]

NOCASE_OPEN = '<span class="nocase">'
SMALLCAPS_OPEN = '<span style="font-variant:small-caps;">'
_TAGS = {"i": ("<i>", "</i>"), "b": ("<b>", "</b>"), "sup": ("<sup>", "</sup>"),
         "sub": ("<sub>", "</sub>"), "sc": (SMALLCAPS_OPEN, "</span>"),
         "nocase": (NOCASE_OPEN, "</span>")}

# Accent commands -> combining characters (`\t` is the tie accent over two letters).
_ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
    "t": "\u0361", "G": "\u030f", "U": "\u030e", "h": "\u0309", "f": "\u0311",
    "textogonekcentered": "\u0328", "textcircled": "\u20dd",
    # MathSciNet's exports define these in @preamble
    "ocirc": "\u030a", "polhk": "\u0328", "cftil": "\u0303", "lfhook": "\u0327",
}
# An accent over nothing (`\~{}`, `\'{}`, `{\'}`) prints the accent itself. pandoc's LaTeX reader
# (Text/Pandoc/Readers/LaTeX/Inline.hs, accentCommands: the fallback of accentWith) gives the
# ASCII character for `\~ \^ \``  (`\~{}user` is a tilde in a path); the acute is the acute
# TeX prints (´, as this reader always gave for `{\'}`; pandoc's `'` would turn `Ji{\'{}\i}`
# into an apostrophe), the others Unicode's spacing form of the accent (pandoc leaves a bare
# combining mark, which would join the character before it).
_ACCENT_ALONE = {
    "'": "\u00b4", "`": "`", "^": "^", "~": "~", '"': "\u00a8", "=": "\u00af", ".": "\u02d9",
    "u": "\u02d8", "v": "\u02c7", "H": "\u02dd", "c": "\u00b8", "k": "\u02db", "r": "\u02da",
    "textogonekcentered": "\u02db", "ocirc": "\u02da", "polhk": "\u02db", "cftil": "~",
    "lfhook": "\u00b8",
}
_OVERLAID_ACCENTS = {alone: _ACCENTS[name] for name, alone in _ACCENT_ALONE.items()
                     if len(name) == 1}
# Letters and symbols (ours first; pylatexenc's table fills in the rest).
_SYMBOLS = {
    "ss": "ß", "SS": "SS", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ", "dj": "đ", "DJ": "Đ", "ij": "ĳ", "IJ": "Ĳ",
    "textendash": "–", "textemdash": "—", "textquoteright": "’", "textquoteleft": "‘",
    "textquotedblleft": "“", "textquotedblright": "”", "textquotedbl": '"',
    "textquotesingle": "'", "guillemotleft": "«", "guillemotright": "»",
    "guilsinglleft": "‹", "guilsinglright": "›", "quotedblbase": "„", "quotesinglbase": "‚",
    "textregistered": "®", "texttrademark": "™", "textcopyright": "©", "copyright": "©",
    "textdegree": "°", "degree": "°", "textcelsius": "℃", "textbullet": "•",
    "textperiodcentered": "·", "textellipsis": "…", "ldots": "…", "dots": "…",
    "textasciitilde": "~", "textasciicircum": "^", "textbackslash": "\\", "bs": "\\",
    "textbar": "|", "textless": "<", "textgreater": ">", "textunderscore": "_",
    "textbraceleft": "{", "textbraceright": "}", "textdollar": "$", "textsterling": "£",
    "S": "§", "P": "¶", "pounds": "£", "euro": "€", "texteuro": "€", "textyen": "¥",
    "textmu": "µ", "textperthousand": "‰", "textonehalf": "½", "textonequarter": "¼",
    "textthreequarters": "¾", "texttimes": "×", "textdiv": "÷", "textpm": "±",
    "textminus": "−", "textdagger": "†", "textdaggerdbl": "‡", "dag": "†", "ddag": "‡",
    "textexclamdown": "¡", "textquestiondown": "¿", "textsection": "§",
    "textparagraph": "¶", "textordfeminine": "ª", "textordmasculine": "º",
    "textasciimacron": "¯", "textasciiacute": "´", "textasciidieresis": "¨",
    "textnumero": "№", "textdiscount": "%", "textpercent": "%", "textampersand": "&",
    "slash": "/", "textslash": "/", "Dash": "—", "dash": "—", "textvisiblespace": "␣",
    "checkmark": "✓", "textmusicalnote": "♪", "textrecipe": "℞", "textestimated": "℮",
    "micro": "µ", "ohm": "Ω", "textohm": "Ω", "textdegreecelsius": "℃", "hyphen": "-",
    "cprime": "ʹ", "cdprime": "ʺ", "Dbar": "Đ", "dbar": "đ", "textprime": "′",
    # babel's quotation marks (ngerman, also defined by babel's core for every language), as
    # pandoc's LaTeX reader has them (Text/Pandoc/Readers/LaTeX/Inline.hs, charCommands)
    "glq": "‚", "grq": "‘", "glqq": "„", "grqq": "“", "flq": "‹", "frq": "›", "flqq": "«",
    "frqq": "»", "dq": '"', "guillemetleft": "«", "guillemetright": "»",
    # TeX-world names and logos (TUGboat, biblatex and the classic bibliography styles)
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "LaTeXTeX": "(La)TeX",
    "AllTeX": "(La)TeX", "BibTeX": "BibTeX", "BibLaTeX": "BibLaTeX", "biber": "Biber",
    "AmS": "AMS", "AMS": "AMS", "AmSTeX": "AMS-TeX", "AmSLaTeX": "AMS-LaTeX",
    "MF": "Metafont", "METAFONT": "METAFONT", "MP": "MetaPost", "METAPOST": "METAPOST",
    "ConTeXt": "ConTeXt", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "ε-TeX",
    "PiCTeX": "PiCTeX", "SliTeX": "SliTeX", "LyX": "LyX", "MiKTeX": "MiKTeX",
    "TeXLive": "TeX Live", "TUB": "TUGboat", "TUG": "TUG", "CTAN": "CTAN", "PS": "PostScript",
    "PDF": "PDF", "XML": "XML", "HTML": "HTML", "SGML": "SGML", "DVI": "DVI", "NTS": "NTS",
    "OMEGA": "Omega", "TeXXeT": "TeX-XeT", "XyMTeX": "XyMTeX", "Xy": "Xy", "VAX": "VAX",
    "MathML": "MathML", "JTeX": "JTeX", "PCTeX": "PCTeX", "TeXtures": "Textures",
    "BibTeXe": "BibTeX", "ABW": "ABW", "DTD": "DTD", "CSS": "CSS", "PNG": "PNG",
    "TFM": "TFM", "UNIX": "UNIX", "ASCII": "ASCII", "OT1": "OT1", "TEX": "TeX",
}
# Spacing and commands that print nothing (their argument, if any, is handled below).
_SPACES = {"quad": " ", "qquad": " ", "enspace": " ", "enskip": " ", "space": " ",
           "thinspace": "\u2009", "medspace": " ", "thickspace": " ", "negthinspace": "",
           "nobreakspace": "\u00a0", "nbsp": "\u00a0", "newline": " ", "linebreak": " ",
           "par": "\n\n", "line": " ", "break": "", "allowbreak": "", "nobreak": "",
           "relax": "", "protect": "", "ignorespaces": "", "unskip": "", "leavevmode": "",
           "noindent": "", "null": "", "empty": "", "hfill": " ", "hfil": " ", "vfill": "",
           "smallskip": " ", "medskip": " ", "bigskip": " ", "strut": "", "xspace": "",
           "normalfont": "", "nolinebreak": "", "noexpand": "", "unkern": "",
           "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "",
           "bigl": "", "bigr": "", "Bigl": "", "Bigr": "", "displaystyle": "",
           "textstyle": "", "scriptstyle": "", "limits": "", "nolimits": "",
           "makeatletter": "", "makeatother": "", "@": ""}  # `\@.`: a sentence-end mark
# Font switches that apply to the rest of their group ({\it text}); None: no markup.
_DECLARATIONS = {
    "it": "i", "itshape": "i", "em": "i", "sl": "i", "slshape": "i", "bf": "b",
    "bfseries": "b", "sc": "sc", "scshape": "sc", "smc": "sc", "tt": None, "ttfamily": None,
    "rm": None, "rmfamily": None, "sf": None, "sffamily": None, "upshape": None,
    "mdseries": None, "normalsize": None, "small": None, "footnotesize": None,
    "scriptsize": None, "tiny": None, "large": None, "Large": None, "LARGE": None,
    "huge": None, "Huge": None, "boldmath": None, "unboldmath": None, "sfseries": None,
    "ssf": None, "slnine": None, "eightrm": None, "ninesmc": "sc", "sltt": None, "slc": None,
    "cal": None, "frenchspacing": None,
    "nonfrenchspacing": None, "raggedright": None, "centering": None, "selectfont": None,
}
# One-argument commands -> markup around the argument (None: the argument as it is).
_WRAPPERS = {
    "emph": "i", "textit": "i", "textsl": "i", "mathit": "i", "mkbibemph": "i",
    "mkbibitalic": "i", "textbf": "b", "mathbf": "b", "boldsymbol": "b", "bm": "b",
    "mkbibbold": "b", "textsc": "sc", "textsuperscript": "sup", "mkbibsuperscript": "sup",
    "textsubscript": "sub", "NoCaseChange": "nocase", "nocase": "nocase",
    "text": None, "textrm": None, "textsf": None, "texttt": None, "textup": None,
    "textmd": None, "textnormal": None, "textlatin": None, "mbox": None, "hbox": None,
    "fbox": None, "makebox": None, "mathrm": None, "mathsf": None, "mathtt": None,
    "mathcal": None, "mathbb": None, "mathfrak": None, "mathscr": None, "mathnormal": None,
    "operatorname": None, "acro": None, "textsmaller": None, "textlarger": None,
    "underline": None, "uline": None, "ul": None, "sout": None, "st": None,
    "emphasize": None, "singleletter": None, "textcase": None, "footnote": None,
    "thanks": None, "ensuremath": None, "textsuperior": "sup", "textinferior": "sub",
    "lowercase": "lower", "MakeLowercase": "lower", "uppercase": "upper",
    "MakeUppercase": "upper", "MakeTextLowercase": "lower", "MakeTextUppercase": "upper",
    "enquote": "quote", "mkbibquote": "quote", "textquote": "quote", "emshape": "i",
    "overline": None, "widehat": None, "widetilde": None, "vec": None, "hat": None,
    "bar": None, "tilde": None, "dot": None, "ddot": None, "llap": None, "rlap": None,
    "smash": None, "nth": "ordinal",
}
# Commands whose arguments print nothing (sort keys, invisible boxes, lengths).
_SWALLOW = {"noopsort": 1, "SortNoop": 1, "sortnoop": 1, "noop": 1, "nosort": 1,
            "vphantom": 1, "hphantom": 1, "phantom": 1, "vspace": 1, "hyphenation": 1,
            "label": 1, "index": 1, "pagestyle": 1, "thispagestyle": 1, "color": 1,
            "usepackage": 1, "RequirePackage": 1, "bibstring": 0}
# Commands whose argument is verbatim (no decoding inside): URLs, paths.
_VERBATIM_ARG = {"url", "path", "nolinkurl", "verb", "doi", "urlstyle"}
_MATH_FUNCTIONS = frozenset(
    "cos sin tan cot sec csc arccos arcsin arctan cosh sinh tanh coth ln log lg exp max "
    "min sup inf lim limsup liminf det dim gcd hom ker Pr arg deg mod bmod pmod".split())
_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUPERSCRIPTABLE = frozenset("0123456789+-=()ni")
_SUBSCRIPTABLE = frozenset("0123456789+-=()")

_TOKEN = re.compile(r"""
    (?P<word>\\[A-Za-z@]+\*?)[ \t\r\n]*             # control word; the spaces after it are its
  | (?P<sym>\\[^A-Za-z@])                           # control symbol: \% \' \\ \, …
  | (?P<bs>\\)                                      # a backslash that ends the value
  | (?P<open>\{) | (?P<close>\})
  | (?P<math>\$)                                   # `$$` is two: an empty formula, or `$a$$b$`
  | (?P<space>[ \t\r\n]+)
  | (?P<tie>~)
  | (?P<dash>---?)
  | (?P<shorthand>"[`'])                            # ngerman's "` "' (babel-german: \glqq \grqq)
  | (?P<quote>``|'')
  | (?P<script>[\^_])
  | (?P<text>[^\\{}$~\^_`'"\[-]+|[`'"\[-])        # starts with no space (taken above)
""", re.VERBOSE)
# Values without these are plain text (most abstracts, many titles): whitespace is all
# there is to read. (A single quote is text; `''` and ``` `` ``` are TeX's curly quotes.)
_SPECIAL = re.compile(r"[\\{}~$^_]")  # one character class: scanned fast (an alternation is not)


def _plain(value: str) -> bool:
    """No LaTeX to read in `value` (the test decode_report starts with)."""
    return (not _SPECIAL.search(value) and "--" not in value and "`" not in value
            and "''" not in value and "\"'" not in value)


# A run of TeX's blanks becomes one space; a lone space is left as it is (substituting every
# space of every value was a fifth of a large file's load; `_collapse` looks first).
_BLANK = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")
_PARAGRAPH = re.compile(r"[ \t\r]*\n(?:[ \t\r]*\n)+[ \t\r\n]*")  # a blank line
_CHAR_CODE = re.compile(r"'([0-7]+)|\"([0-9A-Fa-f]+)|(\d+)|`\\?(.)")
# an unknown command's `[optional]` argument before its braced one (`\\weird[opt]{arg}`)
_OPTIONAL_BEFORE_GROUP = re.compile(r"\s*\[[^\]{}]*\](?=\s*\{)")
_DIMENSION = re.compile(r"\s*=?\s*[-+]?\s*(?:\d+\.?\d*|\.\d+)\s*"
                        r"(?:true)?(?:em|ex|pt|pc|in|bp|cm|mm|dd|cc|sp|mu)"
                        r"(?:\s*plus\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*(?:em|ex|pt|fil+))?")
# Commands followed by a TeX dimension (`\kern-.1em`), which prints nothing.
_DIMENSION_COMMANDS = {"kern": "", "mkern": "", "raise": "", "lower": "", "hskip": " ",
                       "mskip": "", "vskip": "", "hglue": " "}
# A verbatim argument between two copies of one character (not a letter, digit, space, brace,
# `*` or backslash): `\verb|x_y|` (LaTeX's \verb; url.sty's \url and \path take it right
# after the command).
_DELIMITED = re.compile(r"([^\w\s{}*\\])(.*?)\1", re.DOTALL)
_TEX_OPENING_QUOTE = re.compile(r"(?<!\\)`")  # not the grave accent \`
_NEVER_CLOSED = "'{}' opens math that is never closed"


@functools.lru_cache(maxsize=1)
def _pylatexenc_symbols() -> dict[str, str]:
    """Symbol macros pylatexenc knows (one character, or a math function name), read once."""
    try:
        from pylatexenc.latex2text import get_default_latex_context_db
    except ImportError:  # pragma: no cover - pylatexenc is a declared dependency
        return {}
    table: dict[str, str] = {}
    db = get_default_latex_context_db()
    for category in db.categories():
        for spec in db.iter_macro_specs([category]):
            replacement = spec.simplify_repl
            if isinstance(replacement, str) and "%" not in replacement and (
                    len(replacement) == 1 or spec.macroname in _MATH_FUNCTIONS):
                table.setdefault(spec.macroname, replacement)
    return table


def _symbol(name: str) -> str | None:
    text = _SYMBOLS.get(name)
    return _pylatexenc_symbols().get(name) if text is None else text


# The textgreek package's letters (`\textalpha`, `\textOmega`; CTAN textgreek, its table of
# commands): `\text` + the Greek letter's name, `\textmugreek` (textcomp has `\textmu`),
# `\textomikron`, `\textfinalsigma` / `\textvarsigma`.
_GREEK_LETTERS = frozenset(
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omikron pi rho "
    "sigma tau upsilon phi chi psi omega".split())


def _text_greek(name: str) -> str | None:
    letter = name[4:] if name.startswith("text") else ""
    if letter in ("finalsigma", "varsigma"):
        return "ς"
    if letter == "mugreek":
        letter = "mu"
    if letter.lower() not in _GREEK_LETTERS or not (letter.islower() or letter.istitle()):
        return None
    case = "SMALL" if letter.islower() else "CAPITAL"
    spelled = {"omikron": "omicron", "mu": "mu"}.get(letter.lower(), letter.lower())
    return unicodedata.lookup(f"GREEK {case} LETTER {spelled.upper()}")


# A token: (kind, text, start, end); `text` of a control word is its name without `\\`.
Token = tuple[str, str, int, int]


def _tokens(source: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "text"
        text = match.group(kind)
        out.append((kind, text[1:] if kind == "word" else text, match.start(), match.end()))
    return out


class _Reader:
    """One value's tokens read into text; `problems` lists what was kept as written.

    Render state is explicit: `math` (inside `$…$`) and `depth` (brace level, 0 = the top of
    the value, where BibTeX's case protection applies) are passed down, never stored."""

    __slots__ = ("source", "tokens", "pos", "rich", "protect", "problems", "tex_quotes",
                 "overlaid")

    def __init__(self, source: str, rich: bool, protect: bool) -> None:
        self.source = source
        self.tokens = _tokens(source)
        self.pos = 0
        self.rich = rich
        self.protect = protect
        self.problems: list[str] = []
        # A value with TeX's opening quote (`` `sq' ``) uses TeX's quote ligatures: every ` is
        # ‘ and every ' is ’, as TeX prints them (one ' alone is left as written: an apostrophe
        # the exporter wrote as ASCII, which styles print as they print any other).
        self.tex_quotes = _TEX_OPENING_QUOTE.search(source) is not None
        self.overlaid = False  # a combining accent was written (composed in decode_report)

    # -- helpers ------------------------------------------------------------------------

    def tag(self, kind: str | None, inner: str) -> str:
        """`inner` with the markup `kind` (or what stands for it without rich text)."""
        if not inner or kind is None:
            return inner
        if kind == "upper":
            return inner.upper()
        if kind == "lower":
            return inner.lower()
        if kind == "quote":
            return f"“{inner}”"
        if kind == "ordinal":  # \nth{3}: 3rd
            if inner.isdigit():
                last_two = int(inner) % 100
                suffix = ("th" if 11 <= last_two <= 13
                          else {1: "st", 2: "nd", 3: "rd"}.get(last_two % 10, "th"))
                return inner + suffix
            return inner
        if self.rich:
            opening, closing = _TAGS[kind]
            return opening + inner + closing
        if kind == "sup" and set(inner) <= _SUPERSCRIPTABLE:
            return inner.translate(_SUPERSCRIPTS)
        if kind == "sub" and set(inner) <= _SUBSCRIPTABLE:
            return inner.translate(_SUBSCRIPTS)
        return inner

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def skip_spaces(self) -> None:
        while self.peek() == "space":
            self.pos += 1

    def skip_group(self) -> tuple[int, int] | None:
        """The source span inside the braced group at the reading position (which moves past
        it); None when no group follows."""
        self.skip_spaces()
        if self.peek() != "open":
            return None
        start, depth = self.tokens[self.pos][3], 0
        while self.pos < len(self.tokens):
            kind, _, begin, _ = self.tokens[self.pos]
            self.pos += 1
            if kind == "open":
                depth += 1
            elif kind == "close":
                depth -= 1
                if depth == 0:
                    return start, begin
        return start, len(self.source)

    def argument(self, math: bool, depth: int) -> str | None:
        """The next argument decoded: a braced group, or one character or command
        (`\\'e`, `x^2`, `^\\alpha`); None when there is none."""
        self.skip_spaces()
        kind = self.peek()
        if kind is None or kind == "close" or kind == "math":
            return None
        if kind == "open":
            self.pos += 1
            return self.sequence(math, depth + 1, in_group=True)
        if kind == "text":
            _, text, start, end = self.tokens[self.pos]
            if len(text) > 1:
                self.tokens[self.pos] = ("text", text[1:], start + 1, end)
            else:
                self.pos += 1
            return text[0]
        return self.one(math, depth + 1)

    def optional_argument(self) -> None:
        """Skip `[...]` right after a command (\\sqrt[3]{x}, \\\\[2pt], \\makebox[2cm]{…})."""
        if self.peek() != "text" or self.tokens[self.pos][1] != "[":
            return
        close = self.source.find("]", self.tokens[self.pos][2])
        if close < 0:
            return
        while self.pos < len(self.tokens) and self.tokens[self.pos][3] <= close + 1:
            self.pos += 1
        if self.pos < len(self.tokens) and self.tokens[self.pos][2] <= close:
            kind, text, start, end = self.tokens[self.pos]
            self.tokens[self.pos] = (kind, text[close + 1 - start:], close + 1, end)

    # -- reading -------------------------------------------------------------------------

    def sequence(self, math: bool, depth: int, in_group: bool) -> str:
        """Tokens up to the `}` closing this group (consumed), the `$` closing this formula
        (left for the caller) or the end."""
        out: list[str] = []
        tokens = self.tokens
        while self.pos < len(tokens):
            kind = tokens[self.pos][0]
            if kind == "close":
                self.pos += 1
                if in_group:
                    break
                continue  # a stray `}` at the top is no text
            if kind == "math" and math:
                break
            if kind == "word" and tokens[self.pos][1] == "fg":  # babel-french: \unskip first
                while out and not out[-1].strip(" \t\r\n"):
                    out.pop()
                if out:
                    out[-1] = out[-1].rstrip(" \t\r\n")
                self.pos += 1
                out.append(_FRENCH_QUOTES["fg"])
                continue
            if kind == "word" and tokens[self.pos][1] in _DECLARATIONS:
                name = tokens[self.pos][1]
                self.pos += 1
                out.append(self.tag(_DECLARATIONS[name], self.sequence(math, depth, in_group)))
                break
            out.append(self.one(math, depth))
        return "".join(out)

    def one(self, math: bool, depth: int) -> str:
        kind, text, start, end = self.tokens[self.pos]
        self.pos += 1
        if kind == "text":
            if self.tex_quotes and text in "`'" and not math:
                return "‘" if text == "`" else "’"
            return text
        if kind == "space":
            return text  # runs are collapsed at the end (line breaks kept in multi-line fields)
        if kind == "open":
            command_first = self.peek() in ("word", "sym")
            inner = self.sequence(math, depth + 1, in_group=True)
            if self.protect and depth == 0 and not math and not command_first:
                return self.tag("nocase", inner)
            return inner
        if kind == "close":
            return ""
        if kind == "tie":
            return "\u00a0"
        if kind == "dash":
            return text if math else ("—" if len(text) == 3 else "–")
        if kind == "quote":
            return "“" if text == "``" else "”"
        if kind == "shorthand":
            return "„" if text == '"`' else "“"
        if kind == "math":
            return self.formula(text, depth)
        if kind == "script":
            return self.script(text, math, depth)
        if kind == "sym":
            return self.control_symbol(text[1], math, depth)
        if kind == "bs":
            self.problems.append("a lone backslash")
            return "\\"
        return self.control_word(text, math, depth, start)

    def formula(self, delimiter: str, depth: int) -> str:
        """`$…$` (or `$$…$$`): math read into text. A `$` with no closing `$` in its own
        group is text, kept and reported."""
        level = 0
        for kind, *_ in self.tokens[self.pos:]:
            if kind == "open":
                level += 1
            elif kind == "close":
                level -= 1
                if level < 0:
                    break
            elif kind == "math" and level == 0:
                break
        else:
            level = -1
        if level < 0:
            self.problems.append(_NEVER_CLOSED.format(delimiter))
            return delimiter
        inner = self.sequence(True, depth, in_group=False)
        self.pos += 1  # the closing `$`
        return inner.strip(" \t\r\n")  # TeX ignores spaces in math; inside, they read better

    def script(self, mark: str, math: bool, depth: int) -> str:
        """`^x`, `_{12}` in math; outside math `^` and `_` are text."""
        if not math:
            return mark
        self.skip_spaces()
        if mark == "^" and self.peek() == "word" and self.tokens[self.pos][1] in ("circ", "prime"):
            name = self.tokens[self.pos][1]
            self.pos += 1
            return "°" if name == "circ" else "′"
        inner = self.argument(True, depth)
        if not inner:
            return ""
        if mark == "^" and inner in ("∘", "\\circ"):
            return "°"
        return self.tag("sup" if mark == "^" else "sub", inner)

    def control_symbol(self, char: str, math: bool, depth: int) -> str:
        if char in _ACCENTS:
            return self.accent(char, math, depth)
        if char in "%&$#_{}":
            return char
        if char in " \t\r\n;:>":
            return " "
        if char == "\\":
            self.optional_argument()  # \\[2pt]
            return " "
        if char == ",":
            return "\u2009"
        if char in "-/@!()[]":  # hyphenation point, italic correction, math delimiters …
            return ""
        if char == "|":
            return "‖" if math else "|"
        self.problems.append("\\" + char)
        return "\\" + char

    def accent(self, name: str, math: bool, depth: int) -> str:
        base = self.argument(math, depth)
        if not base:  # `\~{}`, `{\'}`: the accent over nothing, which TeX prints as it is
            if name in _ACCENT_ALONE:
                return _ACCENT_ALONE[name]
            self.problems.append("\\" + name)  # an accent below or a tie over nothing
            return "\\" + name + ("{}" if base == "" else "")
        mark = _ACCENTS[name]
        base = _DOTLESS.get(base[0], base[0]) + base[1:]  # \'\i is í, not a dotless ı́
        if name == "t" and len(base) >= 2:
            return unicodedata.normalize("NFC", base[0] + mark + base[1:])
        return unicodedata.normalize("NFC", base[0] + mark) + base[1:]

    def control_word(self, name: str, math: bool, depth: int, start: int) -> str:
        name = name.rstrip("*")
        if name in _ACCENTS:
            return self.accent(name, math, depth)
        if name in _SPACES:
            return _SPACES[name]
        if name == "og":
            self.skip_spaces()
            if self.peek() == "open" and self.pos + 1 < len(self.tokens) \
                    and self.tokens[self.pos + 1][0] == "close":
                self.pos += 2
                self.skip_spaces()
        if name in _FRENCH_QUOTES:
            return _FRENCH_QUOTES[name]
        if name in _SWALLOW:  # before the symbol table: pylatexenc has `\vspace` as a newline
            for _ in range(_SWALLOW[name]):
                self.argument(math, depth)
            return ""
        text = _symbol(name)
        if text is None:
            text = _text_greek(name)
        if text is not None:
            return text + " " if name in _MATH_FUNCTIONS else text
        if name in _WRAPPERS:
            self.optional_argument()
            inner = self.argument(math or name in _MATH_ARGUMENT, depth)
            if name in ("llap", "rlap") and inner in _OVERLAID_ACCENTS:
                # `Th{\^e}\llap{\raise0.5ex\hbox{\'{}}}`: an accent set over the letter before
                # (Vietnamese's second accent, TUGboat): that letter with the accent, ế
                self.overlaid = True
                return _OVERLAID_ACCENTS[inner]
            return self.tag(_WRAPPERS[name], inner or "")
        if name in _VERBATIM_ARG:
            # `\verb|x_y|`, `\url!…!`: LaTeX's \verb (and url.sty's \url) take the text
            # between two copies of any other character as well as a braced group
            right_after = self.tokens[self.pos - 1][3] == start + 1 + len(name)
            delimited = self.skip_match(_DELIMITED) if name == "verb" or right_after else None
            if delimited:
                return delimited.group(2)
            span = self.skip_group()
            return self.source[span[0]:span[1]] if span else ""
        if name in _SECOND_ARGUMENT:
            self.skip_group()
            return self.argument(math, depth) or ""
        if name in ("hspace", "hskip"):
            self.argument(math, depth)
            return " "
        if name in ("texorpdfstring", "printfirst"):
            first = self.argument(math, depth)
            self.argument(math, depth)
            return first or ""
        if name == "switchargs":
            first, second = self.argument(math, depth), self.argument(math, depth)
            return (second or "") + (first or "")
        if name in ("frac", "nicefrac", "tfrac", "dfrac", "textfrac", "sfrac"):
            top, bottom = self.argument(True, depth), self.argument(True, depth)
            return f"{top or ''}/{bottom or ''}"
        if name == "sqrt":
            self.optional_argument()
            return "√" + (self.argument(True, depth) or "")
        if name == "char":
            code = self.char_code()
            if code is not None:
                return code
        elif name in _DIMENSION_COMMANDS:
            if self.skip_match(_DIMENSION):
                return _DIMENSION_COMMANDS[name]
        elif name == "not":
            following = self.argument(math, depth) or ""
            return following + "\u0338" if following else ""
        # unknown: the command and its arguments, braced and `[optional]`, stay as written,
        # and are reported
        while True:
            save = self.pos
            self.skip_spaces()
            if self.peek() == "text" and self.tokens[self.pos][1].startswith("["):
                self.pos = save
                if self.skip_match(_OPTIONAL_BEFORE_GROUP):
                    continue  # `\weird[opt]{arg}`: kept with its group
                break
            if self.peek() != "open":
                self.pos = save
                break
            self.skip_group()
        self.problems.append("\\" + name)
        end = self.tokens[self.pos - 1][3]
        return _BLANK.sub(" ", self.source[start:end])

    def skip_match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Match `pattern` in the source right after the last token read, and read past it
        (a dimension `-.1em`, a character code `'134`)."""
        match = pattern.match(self.source, self.tokens[self.pos - 1][3])
        if not match:
            return None
        while self.pos < len(self.tokens) and self.tokens[self.pos][3] <= match.end():
            self.pos += 1
        if self.pos < len(self.tokens) and self.tokens[self.pos][2] < match.end():
            kind, text, begin, end = self.tokens[self.pos]
            self.tokens[self.pos] = (kind, text[match.end() - begin:], match.end(), end)
        return match

    def char_code(self) -> str | None:
        """`\\char92`, `\\char'134`, `\\char"5C`, ``\\char`\\x`` -> the character; None when
        malformed."""
        match = self.skip_match(_CHAR_CODE)
        if not match:
            return None
        octal, hexa, decimal, char = match.groups()
        if char is not None:
            return char
        value = int(octal, 8) if octal else int(hexa, 16) if hexa else int(decimal)
        return chr(value) if 0 < value < 0x110000 else ""


_DOTLESS = {"ı": "i", "ȷ": "j"}
# babel-french's `\og … \fg{}`: « and » with the no-break space babel puts inside them
# (\FBguillspace), whatever spaces the source has there: \og ignores the spaces after it
# (and an empty group), \fg removes those before it (`sequence`).
_FRENCH_QUOTES = {"og": "«\u00a0", "fg": "\u00a0»"}
_MATH_ARGUMENT = frozenset({"ensuremath", "mathrm", "mathit", "mathbf", "mathsf", "mathtt",
                            "mathcal", "mathbb", "mathfrak", "mathscr", "boldsymbol", "bm",
                            "operatorname"})
# Commands whose first argument is a target and second the text (\href{url}{text}).
_SECOND_ARGUMENT = frozenset({"href", "foreignlanguage", "textcolor", "hyperlink",
                              "hyperref", "colorbox", "otherlanguage", "textlang"})


def _finish(text: str, multiline: bool) -> str:
    """Whitespace as TeX reads it: a run is one space; with `multiline`, a blank line (TeX's
    paragraph) is one line break."""
    if multiline and "\n" in text:
        paragraphs = (_paragraph(paragraph) for paragraph in _PARAGRAPH.split(text))
        text = "\n".join(p for p in paragraphs if p)
    else:
        text = _collapse(text)
    if "<" in text and " " in text:  # a space inside markup next to one outside: one space
        text = _SPACE_BEFORE_CLOSE.sub(r"\1 ", text)
        text = _SPACE_AFTER_OPEN.sub(r" \1", text)
        text = _EDGE_SPACE.sub(lambda m: m.group(1) or m.group(2), text)
    if "></" in text:  # markup around nothing (`\textbf{ }`, its space moved out) says nothing
        while _EMPTY_MARKUP.search(text):
            text = _EMPTY_MARKUP.sub("", text)
    return text


# A `name: value` line of a note, as citeproc-js reads the lines of a note (CSL.NOTE_FIELD_REGEXP,
# `^([\-_a-z]+|[A-Z]+):\s*([^}]+)$`; citeproc-js CSL.parseNoteFieldHacks): lower-case CSL names
# ("original-date") or upper-case ones ("PMID"). Zotero's Extra is written so, one per line
# ("PMID: 31234567⏎PMCID: PMC1234567", what Zotero and Better BibTeX export as `note`). Zotero's
# Extra also holds its own field labels ("Citation Key: k5", "Original Date: 1899") and Better
# BibTeX's `tex.` fields ("tex.ids: old1"), read by Zotero and BBT the same way.
_NOTE_FIELD = re.compile(r"(?:(?P<csl>[\-_a-z]+)|[A-Z]+|tex\.[\w.-]+|[A-Z][a-z]+(?: [A-Za-z][a-z]+)+)"
                         r":\s*[^}\s][^}]*")


def note_field_lines(lines: list[str]) -> bool:
    """Whether `lines` (two or more, stripped) are a note's field lines: every line after the
    first (which citeproc-js skips when it is other text) a `name: value` line whose lower-case
    name is a CSL variable (a wrapped line `grounds: …` is none), an upper-case one (`PMID`),
    a Zotero label of two or more words (`Citation Key`) or a Better BibTeX `tex.` field."""
    if len(lines) < 2:
        return False
    for line in lines[1:]:
        match = _NOTE_FIELD.fullmatch(line)
        if not match or (match.group("csl") and match.group("csl") not in ITEM_KEYS):
            return False
    return True


def _paragraph(text: str) -> str:
    """One paragraph of a multi-line field: its line breaks are TeX's spaces (the wraps of
    JabRef and Emacs), unless its lines are note fields (`note_field_lines`), which stay lines
    (redteam5 F40: joined, `PMID: …` and `PMCID: …` were no longer read as fields)."""
    if "\n" in text:
        lines = [line for line in (_collapse(line) for line in text.split("\n")) if line]
        if note_field_lines(lines):
            return "\n".join(lines)
    return _collapse(text)


_EMPTY_MARKUP = re.compile(r"<(i|b|sup|sub)></\1>|<span [^>]*></span>")


def _collapse(text: str) -> str:
    """A run of blanks as one space, none at the ends (most values have no run to find)."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _BLANK.sub(" ", text)
    return text.strip()


_SPACE_BEFORE_CLOSE = re.compile(r" ((?:</(?:i|b|sup|sub|span)>)+) ")
_SPACE_AFTER_OPEN = re.compile(r" ((?:<(?:i|b|sup|sub|span[^>]*)>)+) ")
_EDGE_SPACE = re.compile(r"^((?:<(?:i|b|sup|sub|span[^>]*)>)+) | ((?:</(?:i|b|sup|sub|span)>)+)$")


@functools.lru_cache(maxsize=65536)
def decode_report(value: str, rich: bool = False, multiline: bool = False,
                  protect: bool | None = None) -> tuple[str, tuple[str, ...]]:
    """(the text of a LaTeX field value, what was kept as written because it could not be
    decoded). `rich`: CSL rich-text markup (see the module docstring); `protect`: top-level
    braces become nocase spans (default: the same as `rich`); `multiline`: keep line
    breaks (abstracts, notes)."""
    if _plain(value):
        return _finish(value, multiline), ()
    reader = _Reader(value.replace("\x00", ""), rich, rich if protect is None else protect)
    text = reader.sequence(False, 0, in_group=False)
    if reader.overlaid:
        text = unicodedata.normalize("NFC", text)
    return _finish(text, multiline), tuple(dict.fromkeys(reader.problems))


def decode(value: str, rich: bool = False, multiline: bool = False) -> str:
    """LaTeX markup -> readable Unicode (for display and CSL); see the module docstring."""
    return decode_report(value, rich, multiline)[0]


_MARKUP = re.compile(r"</?(?:i|b|sup|sub)>"
                     r"|<span (?:class=\"nocase\"|style=\"font-variant:small-caps;\")>|</span>")


def strip_markup(text: str) -> str:
    """CSL rich text without its tags (`<i>`, `<sup>`, nocase and small-caps spans)."""
    return _MARKUP.sub("", text) if "<" in text else text


_ENCODE_TABLE = str.maketrans({
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "\u00a0": "~",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "`": r"\textasciigrave{}",  # a backtick would make the value's ' read as TeX's quote ’
})


# TeX ligatures that would read back as other characters: `--` (a dash), `''` (a curly
# quote), ngerman's `"'`; an empty group between the two characters keeps them apart.
_LIGATURE = re.compile(r"-(?=-)|'(?=')|\"(?=')")


def encode(text: str) -> str:
    """Unicode text -> a BibTeX value body that reads back as the same text."""
    return _LIGATURE.sub(lambda m: m.group() + "{}", text.translate(_ENCODE_TABLE))


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
    """For url/doi/file/isbn fields: biber and url.sty read them verbatim; only unbalanced braces
    must be avoided, so a value whose braces do not balance, or that has a brace after a
    backslash (which readers count differently), has all its braces percent-encoded (they are
    not valid in URLs anyway). Balanced braces are written as they are: BibTeX and biber read
    them back unchanged (`\\textbackslash{}r` in an `isbn` Mendeley wrote)."""
    if "\\{" not in text and "\\}" not in text and _balanced_braces(text):
        return text
    return text.replace("{", "%7B").replace("}", "%7D")


def _balanced_braces(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def clear_cache() -> None:
    decode_report.cache_clear()

