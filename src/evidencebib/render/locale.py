"""The locale of a loaded style, merged once: terms, localized dates and style options.

CSL 1.0.2 §"Locale Fallback": terms, dates and options are looked up in the style's own
`cs:locale` elements (the chosen dialect, then its language, then the one without
`xml:lang`), then in the locale files (the chosen dialect, its primary dialect, then en-US).
citeproc-py builds that chain (`citeproc.model.Style.set_locale_list`, which also reads the
locale files it ships); this module reads the chain once into plain dictionaries, so that
rendering never runs XPath:

- a term is the first definition of its (name, form, gender-form) in the chain; the ordinal
  terms are the exception the specification makes: a locale that defines any ordinal term
  replaces all ordinal terms of the locales after it in the chain ("Ordinal Suffixes");
- a term form that is not defined falls back as §"Terms" says: verb-short → verb → long,
  symbol → short → long;
- a localized date (`cs:date form="text|numeric"`) is the first in the chain;
- each style option (`punctuation-in-quote`, `limit-day-ordinals-to-day-1`) is the first
  value set in the chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CS = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# CSL 1.0.2 §"Terms": term forms fall back in this order
FORM_FALLBACK = {"verb-short": ("verb-short", "verb", "long"), "symbol": ("symbol", "short", "long"),
                 "verb": ("verb", "long"), "short": ("short", "long"), "long": ("long",)}
_ORDINAL = re.compile(r"^(ordinal|ordinal-\d\d)$")


@dataclass(frozen=True)
class Term:
    """One term: its singular and plural text, gender (of the noun) and ordinal match rule."""

    name: str
    form: str
    single: str
    multiple: str
    gender: str | None = None
    gender_form: str | None = None
    match: str | None = None


@dataclass(frozen=True)
class DatePartSpec:
    """A `cs:date-part` of a localized date: its name and attributes."""

    name: str
    attributes: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LocaleDate:
    """A localized date format (`cs:date form="text"` in a locale)."""

    form: str
    attributes: tuple[tuple[str, str], ...]
    parts: tuple[DatePartSpec, ...]


@dataclass
class LocaleData:
    """The merged locale of one style (and locale override)."""

    language: str
    terms: dict[tuple[str, str, str | None], Term] = field(default_factory=dict)
    dates: dict[str, LocaleDate] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def term(self, name: str, form: str = "long", gender_form: str | None = None) -> Term | None:
        """The term `name` in `form` (with the specification's form fallback), or None."""
        terms = self.terms
        for candidate in FORM_FALLBACK.get(form, (form, "long")):
            found = terms.get((name, candidate, gender_form))
            if found is None and gender_form is not None:
                found = terms.get((name, candidate, None))
            if found is not None:
                return found
        return None

    def text(self, name: str, form: str = "long", plural: bool = False) -> str:
        """The term's text ('' when the locale has none)."""
        found = self.term(name, form)
        if found is None:
            return ""
        return found.multiple if plural else found.single

    def option(self, name: str) -> bool:
        return self.options.get(name, "false").strip().lower() == "true"

    @property
    def is_english(self) -> bool:
        return self.language.lower().startswith("en")


def _term_text(element, tag: str) -> str | None:
    child = element.find(CS + tag)
    return None if child is None else (child.text or "")


def _read_terms(locale_element) -> list[Term]:
    terms: list[Term] = []
    container = locale_element.find(CS + "terms")
    if container is None:
        return terms
    for element in container.iter(CS + "term"):
        name = element.get("name")
        if not name:
            continue
        single = _term_text(element, "single")
        multiple = _term_text(element, "multiple")
        text = element.text or ""
        if single is None and multiple is None:
            single = multiple = text.strip() if "\n" in text else text
        else:
            single = single if single is not None else (multiple or "")
            multiple = multiple if multiple is not None else single
        terms.append(Term(name, element.get("form") or "long", single, multiple, element.get("gender"),
                          element.get("gender-form"), element.get("match")))
    return terms


def _read_dates(locale_element) -> dict[str, LocaleDate]:
    dates = {}
    for element in locale_element.findall(CS + "date"):
        form = element.get("form")
        if not form or form in dates:
            continue
        parts = tuple(DatePartSpec(part.get("name") or "", tuple(sorted(part.attrib.items())))
                      for part in element.findall(CS + "date-part"))
        dates[form] = LocaleDate(form, tuple(sorted(element.attrib.items())), parts)
    return dates


def _read_options(locale_element) -> dict[str, str]:
    options = {}
    for element in locale_element.findall(CS + "style-options"):
        options.update(element.attrib)
    return options


def merge(chain: list[Any], language: str) -> LocaleData:
    """The locale elements of a style's chain (first = highest priority) merged into one."""
    data = LocaleData(language)
    for locale_element in reversed(chain):  # lowest priority first, each later one overrides
        terms = _read_terms(locale_element)
        if any(_ORDINAL.match(term.name) for term in terms):
            for key in [key for key in data.terms if _ORDINAL.match(key[0])]:
                del data.terms[key]
        for term in terms:
            data.terms[(term.name, term.form, term.gender_form)] = term
        data.dates.update(_read_dates(locale_element))
        data.options.update(_read_options(locale_element))
    return data


def known_locale(tag: str) -> bool:
    """Whether citeproc-py ships a locale file for `tag` or for its language."""
    import citeproc

    return tag in citeproc.LANGUAGE_NAMES or tag.split("-")[0] in citeproc.PRIMARY_DIALECTS


def shipped_locales() -> list[str]:
    import citeproc

    return sorted(citeproc.LANGUAGE_NAMES)
