"""What a user types to cite: `banjar2023:p.33` on the command line, or pandoc's citation syntax
`[see @banjar2023, p. 33; -@wang2016]` — read into the `Cite`s and `Cluster`s of
`render/citations.py`.

- **Pandoc's syntax** (pandoc's manual, "Citation syntax"; pandoc's
  `Text.Pandoc.Citeproc.Locator`): a bracketed cluster of cites separated by `;`; each cite is
  a prefix, `@key` (`@{key}` for any key), and after a comma a locator and a suffix; `-@key`
  suppresses the author. A locator is a locator term of the locale (long or short, singular or
  plural, case ignored: `p.`, `pp.`, `chap.`, `page`, `§` …) followed by its value (digits,
  roman numerals, ranges, lists such as `33-35, 38`), a bare number (a page), or any text in
  braces after a term (`p. {iv, 33}`); what follows the locator is the suffix (`and passim`).
- **Command-line cites**: `key`, or `key:LOCATOR` with a locator as above (`banjar2023:p.33`,
  `banjar2023:33`, `banjar2023:chap. 3`). A key that itself holds `:` is taken whole when the
  condition has it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Sequence

from evidencebib.errors import UsageError
from evidencebib.render.citations import Cite, Cluster

# CSL 1.0.2 §"Locators": the locator types (a Cite's label); "sub-verbo" as the term is named.
LOCATOR_TYPES = ("act", "appendix", "article-locator", "book", "canon", "chapter", "column",
                 "elocation", "equation", "figure", "folio", "issue", "line", "note", "opus",
                 "page", "paragraph", "part", "rule", "scene", "section", "sub-verbo",
                 "supplement", "table", "timestamp", "title-locator", "verse", "version", "volume")
# the symbol forms of CSL 1.0.2's locales (`form="symbol"`) pandoc also reads
_SYMBOLS = {"§": "section", "§§": "section", "¶": "paragraph", "¶¶": "paragraph"}

# @key as pandoc reads it: letters, digits and `_`, with internal punctuation :.#$%&-+?<>~/
# followed by a letter or digit; or @{any key}
_KEY = re.compile(r"@(?:\{([^{}]*)\}|(\w(?:\w|[:.#$%&\-+?<>~/](?=\w))*))")
# a locator value as pandoc reads one: tokens that hold a digit (33, 33a, e13, 2.3) or are roman
# numerals (iv, XII), ranges of them (33-35, 33 – 35), and lists continued by a comma (33-35, 38)
_TOKEN = r"(?:[^\s,;\]]*\d[^\s,;\]]*|[ivxlcdm]+(?![^\s,;\]\-–—])|[IVXLCDM]+(?![^\s,;\]\-–—]))"
_RANGE = rf"{_TOKEN}(?:\s*[-–—]\s*{_TOKEN})*"
_VALUE = re.compile(rf"{_RANGE}(?:,\s*{_RANGE})*")


@lru_cache(maxsize=8)
def locator_terms(locale: str | None = None) -> tuple[tuple[str, str], ...]:
    """(spelling, locator type) for every form of the locator terms of en-US and `locale`
    (citeproc-py's locale files), longest spelling first."""
    from pathlib import Path

    import citeproc
    from lxml import etree

    found: dict[str, str] = {symbol: kind for symbol, kind in _SYMBOLS.items()}
    wanted = set(LOCATOR_TYPES) | {"sub verbo"}
    for language in dict.fromkeys(("en-US", locale or "en-US")):
        if language not in citeproc.LANGUAGE_NAMES:
            language = citeproc.PRIMARY_DIALECTS.get(language.split("-")[0], "")
        path = Path(citeproc.LOCALES_PATH) / f"locales-{language}.xml"
        if not path.is_file():
            continue
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for term in tree.iter("{*}term"):
            name = term.get("name") or ""
            if name not in wanted:
                continue
            kind = "sub-verbo" if name == "sub verbo" else name
            texts = [term.text or ""] + [child.text or "" for child in term
                                         if isinstance(child.tag, str)]  # single, multiple
            for text in texts:
                text = " ".join(text.split()).lower()
                if text and not text[0].isdigit():
                    found.setdefault(text, kind)
    return tuple(sorted(found.items(), key=lambda pair: -len(pair[0])))


def parse_locator(text: str, locale: str | None = None) -> tuple[str | None, str | None, str]:
    """(label, locator, rest) of the text after a cite's comma: `p. 33 and passim` gives
    ("page", "33", " and passim"); text that starts with no locator gives (None, None, text)."""
    stripped = text.lstrip()
    for spelling, kind in locator_terms(locale):
        if stripped[:len(spelling)].lower() != spelling:
            continue
        after = stripped[len(spelling):]
        # a term is a whole word: `p.33`, `p. 33`, `§ 3`, `page 3`, never `pages` read as `page`+`s`
        if spelling[-1].isalpha() and after[:1].isalpha():
            continue
        value_text = after.lstrip()
        if value_text.startswith("{"):
            end = value_text.find("}")
            if end > 0:
                return kind, value_text[1:end], value_text[end + 1:]
        match = _VALUE.match(value_text)
        if match and value_text:
            return kind, match.group(0), value_text[match.end():]
    match = _VALUE.match(stripped) if stripped[:1].isdigit() else None
    if match:
        return "page", match.group(0), stripped[match.end():]
    return None, None, text


def _suffix(rest: str) -> str | None:
    """A cite's suffix as pandoc keeps it: what follows the key or locator, spaced from it."""
    if rest.strip() in ("", ","):  # `[@key, ]`: a comma with nothing after it is no suffix
        return None
    rest = rest.rstrip()
    if rest[0].isspace() or rest[0] in ",.;:)":
        return rest
    return " " + rest


def parse_pandoc(text: str, locale: str | None = None) -> Cluster:
    """One cluster from pandoc's bracketed citation syntax, `[see @a, p. 33; -@b]`."""
    body = text.strip()
    if not (body.startswith("[") and body.endswith("]")):
        raise UsageError(f"not a citation in pandoc's syntax (e.g. [see @key, p. 33; -@other]): {text!r}")
    cites = []
    for part in _split_cites(body[1:-1]):
        match = _KEY.search(part)
        if match is None:
            raise UsageError(f"no @key in the cite {part.strip()!r} of {text!r}")
        key = match.group(1) if match.group(1) is not None else match.group(2)
        before = part[:match.start()]
        suppress = before.endswith("-")
        if suppress:
            before = before[:-1]
        prefix = before.strip()
        after = part[match.end():]
        label = locator = None
        rest = after
        if after.startswith(","):
            label, locator, rest = parse_locator(after[1:], locale)
            if locator is None:
                rest = after
        cites.append(Cite(key, locator=locator, label=label, prefix=prefix + " " if prefix else None,
                          suffix=_suffix(rest), suppress_author=suppress))
    if not cites:
        raise UsageError(f"no cite in {text!r}")
    return Cluster(cites)


def _split_cites(body: str) -> list[str]:
    """The cites of a cluster: split at `;` outside braces."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(body):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            parts.append(body[start:index])
            start = index + 1
    parts.append(body[start:])
    return [part for part in parts if part.strip()]


def parse_key(text: str, known: Iterable[str], locale: str | None = None) -> Cite:
    """A command-line cite, `key` or `key:LOCATOR` (`banjar2023:p.33`); `known` are the
    condition's keys (a key holding `:` is taken whole when known)."""
    keys = set(known)
    if text in keys:
        return Cite(text)
    if text.startswith(("@", "-@")):
        bare, bracketed = text.lstrip("-@"), f"[{text}]"
        raise UsageError(f"{text!r}: pandoc's in-text form (@key without brackets) is not read; write "
                         f"{bracketed!r} for a citation, or {bare!r} with --author-only for the names alone")
    colons = [index for index, char in enumerate(text) if char == ":"]
    for index in reversed(colons):
        key, locator_text = text[:index], text[index + 1:]
        if key not in keys:
            continue
        label, locator, rest = parse_locator(locator_text, locale)
        if locator is None:
            raise UsageError(f"cannot read the locator {locator_text!r} of {text!r} (e.g. "
                             f"{key}:p.33, {key}:chap.3, {key}:33)")
        return Cite(key, locator=locator, label=label, suffix=_suffix(rest))
    return Cite(text[:colons[0]] if colons and text[:colons[0]] else text)


def parse_arguments(arguments: Sequence[str], known: Iterable[str], *, locale: str | None = None,
                    prefix: str | None = None, suffix: str | None = None,
                    suppress_author: bool = False, author_only: bool = False) -> list[Cluster]:
    """The clusters a `cite` command names: every argument in pandoc's brackets is a cluster
    of its own (in document order: positions such as ibid follow from it); otherwise the
    arguments are the cites of one cluster, `prefix` before the first, `suffix` after the last,
    and each cite without its author (`suppress_author`) or its author alone (`author_only`)."""
    keys = list(known)
    bracketed = [argument.lstrip().startswith("[") for argument in arguments]
    if any(bracketed):
        if not all(bracketed):
            raise UsageError("give either citation keys (key or key:p.33) or citations in pandoc's "
                             "syntax ([see @key, p. 33; -@other]), not both")
        if prefix or suffix or suppress_author or author_only:
            raise UsageError("--prefix, --suffix, --suppress-author and --author-only are for "
                             "citation keys; in pandoc's syntax write them in the brackets "
                             "([see @key, p. 33, suffix; -@other])")
        return [parse_pandoc(argument, locale) for argument in arguments]
    cites = [parse_key(argument, keys, locale) for argument in arguments]
    if suppress_author and author_only:
        raise UsageError("--suppress-author and --author-only exclude each other")
    cites = [replace(cite, suppress_author=suppress_author, author_only=author_only) for cite in cites]
    if cites and prefix:
        cites[0] = replace(cites[0], prefix=prefix if prefix.endswith(" ") else prefix + " ")
    if cites and suffix:
        last = cites[-1]
        cites[-1] = replace(last, suffix=(last.suffix or "") + (_suffix(suffix) or ""))
    return [Cluster(cites)]
