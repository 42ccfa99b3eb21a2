"""Variables printed by `cs:text`, labels (`cs:label`) and locators.

CSL 1.0.2 §"Text" (variable), §"Label", §"Locators" and Appendix IV (generated variables).
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model

from evidencebib.render.output import Lit, Span
from evidencebib.render.overrides import override, upstream
from evidencebib.render.overrides import adapter as up

EN_DASH = "\u2013"
_NUMBER = r"(?:[A-Za-z]*\d+[A-Za-z]*|[ivxlcdm]+|[IVXLCDM]+)"
_MULTIPLE_NUMBERS = re.compile(rf"(?<!\w){_NUMBER}\s*(?:[-\u2013,&]|and)\s*{_NUMBER}(?!\w)")
_LOCATOR_TERMS = {"sub verbo": "sub-verbo"}


def _letters(number: int) -> str:
    """1 -> "a" … 26 -> "z", 27 -> "aa" (citeproc-js's year suffixes)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    index = number - 1
    if index < 26:
        return letters[index]
    return letters[index // 26 - 1] + letters[index % 26]


def _page(el, ctx, value: Any) -> Any:
    text = value if isinstance(value, str) else _plain(value)
    return Lit(ctx.b.pages_page_range(text, ctx))


def _plain(value: Any) -> str:
    from evidencebib.render.output import plain_text

    return plain_text(value)


@override("labels.text-variable", replaces="citeproc.model.Text._variable",
          rule="CSL 1.0.2 §Text (variable, form=\"short\" falling back to the long form), §Substitute "
               "(variables a substitute printed are suppressed for the rest of the entry), §Locators, "
               "Appendix IV (citation-number, year-suffix, first-reference-note-number); DOI and URL as "
               "links",
          fingerprint="6c60676c7c731cf31e280adf25ce101f04ba8d29de71f36bb8bc3cd6a3520011",
          tests=("tests/render/test_render_formats.py::test_markdown_doi_is_an_autolink",
                 "tests/render/test_render_fixes_agreement.py::test_explicit_year_suffix_variable_is_used_for_undated_items"))
def text_variable(el, ctx):
    variable = el.c_variable
    special = _SPECIAL.get(variable)
    if special is not None:
        return special(el, ctx)
    value = None
    if el.c_short is not None:
        value = ctx.text(el.c_short)
        if value is not None and ctx.in_substitute:
            ctx.suppressed.add(variable)
    if value is None:
        value = ctx.text(variable)
        if value is None:
            return None
    node = Lit(value) if isinstance(value, str) else value
    return el.c_finish(node, ctx, ("title",) if variable == "title" else None)


@upstream("labels.text-variable")
def text_variable_upstream(el, ctx):
    variable = el.c_variable
    if variable == "year-suffix":  # citeproc-py has no year suffixes
        return None
    ctx.called += 1
    from citeproc.source import VariableError

    item = up.item(ctx)
    try:
        value = model.Text._variable(el, item, up.layout(ctx))
    except (VariableError, KeyError, AttributeError):
        return None
    if value is None or str(value) == "":
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(value)), ctx)


def _page_variable(el, ctx):
    value = ctx.text("page")
    if value is None:
        return None
    return el.c_finish(_page(el, ctx, value), ctx)


def _page_first(el, ctx):
    value = ctx.text("page")
    if value is None:
        return None
    text = value if isinstance(value, str) else _plain(value)
    first = re.split(r"\s*[,;\-\u2013&]\s*", text.strip(), maxsplit=1)[0]
    return el.c_finish(Lit(first), ctx) if first else None


def _locator(el, ctx):
    ctx.called += 1
    locator = ctx.cite.locator
    if locator is None:
        return None
    ctx.found += 1
    label = ctx.cite.label or "page"
    if label == "page":
        node = Lit(ctx.b.pages_page_range(locator, ctx))
    else:
        from evidencebib.render.overrides.pages import plain_range

        node = Lit(plain_range(locator))
    return el.c_finish(node, ctx, ("locator",))


def citation_label(view, year_suffix: int | None) -> str:
    """The generated citation-label (citeproc-js's trigraph, as jgm/citeproc makes it): the
    first letters of up to four authors' family names (4 of one, 2 of each of two or three,
    1 of each of four or more) and the last two digits of the year ("Doe65", "RoNo78")."""
    names = view.names.get("author")
    if not names:
        names = next((value for key, value in sorted(view.names.items())), ())
    count = len(names)
    width = 4 if count == 1 else (2 if count < 4 else 1)
    letters = "".join((name.family or name.literal or "")[:width] for name in names[:4]) if names else "Xyz"
    date = view.dates.get("issued")
    year = f"{date.begin[0] % 100:02d}" if date is not None and date.begin[0] is not None else ""
    return letters + year + (_letters(year_suffix) if year_suffix else "")


def _citation_label(el, ctx):
    ctx.called += 1
    value = ctx.item.text.get("citation-label")
    ctx.found += 1
    if value is not None:
        node = Lit(value) if isinstance(value, str) else value
    else:
        node = Lit(citation_label(ctx.item, ctx.disamb.year_suffix))
        if ctx.disamb.year_suffix:
            ctx.year_suffix_done = True
    return el.c_finish(node, ctx, ("citation-label",))


def _citation_number(el, ctx):
    ctx.called += 1
    number = ctx.number
    if number is None:
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(number)), ctx, ("citation-number", number))


def _year_suffix(el, ctx):
    # generated, not looked up: it does not count for group suppression (CSL 1.0.2 §"Group")
    suffix = ctx.disamb.year_suffix
    if not suffix:
        return None
    ctx.year_suffix_done = True
    return el.c_finish(Lit(_letters(suffix)), ctx, ("year-suffix", suffix))


def _first_note(el, ctx):
    ctx.called += 1
    number = ctx.cite.first_note_number
    if number is None or ctx.mode != "citation":
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(number)), ctx)


def _link(kind: str):
    def render(el, ctx):
        value = ctx.text(kind)
        if value is None:
            return None
        node = Lit(value) if isinstance(value, str) else value
        if ctx.sorting:
            return el.c_finish(node, ctx)
        return el.c_finish(node, ctx, None, kind.lower())

    return render


_SPECIAL = {"page": _page_variable, "page-first": _page_first, "locator": _locator,
            "citation-number": _citation_number, "year-suffix": _year_suffix,
            "first-reference-note-number": _first_note, "citation-label": _citation_label,
            "DOI": _link("DOI"), "URL": _link("URL"), "PMID": _link("PMID"), "PMCID": _link("PMCID")}


# labels -------------------------------------------------------------------------------------

def is_plural(value: Any, and_term: str | None = None) -> bool:
    """Content is plural when it holds several numbers, arabic or roman, in a range or a list
    ("1-3", "2, 4", "i-ix", "e1-e12"); "2.0", "3-B" and "Michaelson-Morely" are one. Numbers
    joined by the locale's "and" term ("213 et 235" in French) are several too, as citeproc-js
    splits them (processNumber: the term joins numbers in a locale other than English)."""
    text = value if isinstance(value, str) else _plain(value)
    if _MULTIPLE_NUMBERS.search(text) is not None:
        return True
    if and_term and and_term != "and":
        joined = rf"(?<!\w){_NUMBER},?\s+{re.escape(and_term)}\s+{_NUMBER}(?!\w)"
        return re.search(joined, text) is not None
    return False


def _and_term(ctx) -> str | None:
    """The locale's "and" where it joins numbers (not in English locales)."""
    return None if ctx.locale.is_english else (ctx.locale.text("and") or None)


@override("labels.label", replaces="citeproc.model.Label.process",
          rule="CSL 1.0.2 §Label (term of the variable, plural=\"contextual|always|never\", locator labels; "
               "number-of-* plural when above 1; numbers joined by the locale's \"and\" are several, as "
               "citeproc-js splits them), §Name (label of a name variable: plural for several "
               "names); a label whose variable is empty prints nothing",
          fingerprint="f9b9c83fc2d02f00f26a2f2cddcb58ce7caa55de5f3c0774b50e6d351e3cdcba",
          tests=("tests/render/test_engine_text.py::test_label_of_an_empty_variable_prints_nothing",))
def label(el, ctx, variable: str, names: int | None):
    if variable == "locator":
        locator = ctx.cite.locator
        if locator is None:
            return None
        term = _LOCATOR_TERMS.get(ctx.cite.label or "page", ctx.cite.label or "page")
        plural = is_plural(locator, _and_term(ctx))
    elif names is not None:
        term = variable
        plural = names > 1
    else:
        if variable in ctx.suppressed:
            return None
        value = ctx.item.text.get(variable)
        if value is None:
            return None
        term = variable
        if variable.startswith("number-of-"):
            try:
                plural = int(str(value).strip()) > 1
            except ValueError:
                plural = is_plural(value, _and_term(ctx))
        else:
            plural = is_plural(value, _and_term(ctx))
    mode = el.c_plural
    if mode == "always":
        plural = True
    elif mode == "never":
        plural = False
    text = ctx.locale.text(term, el.c_form, plural)
    if not text:
        return None
    return el.c_finish(Lit(text), ctx, ("label", variable))


@upstream("labels.label")
def label_upstream(el, ctx, variable: str, names: int | None):
    from citeproc.source import VariableError

    item = up.item(ctx)
    try:
        text = model.Label.process(el, item, variable=variable,
                                   plural=(names > 1) if names is not None else None)
    except (VariableError, KeyError, AttributeError, ValueError, TypeError):
        return None
    if not text or not str(text):
        return None
    return el.c_finish(Lit(str(text)), ctx)


def span(node) -> Span:
    return node if isinstance(node, Span) else Span([node])
