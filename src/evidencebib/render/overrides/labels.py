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
               "links; a locator other than a page joins a hyphenated range with the locale's "
               "page-range-delimiter and keeps an en-dash range as typed (citeproc-js processNumber, "
               "fixupRangeDelimiter)",
          fingerprint="6c60676c7c731cf31e280adf25ce101f04ba8d29de71f36bb8bc3cd6a3520011",
          tests=("tests/render/test_render_formats.py::test_markdown_doi_is_an_autolink",
                 "tests/render/test_render_fixes_agreement.py::test_explicit_year_suffix_variable_is_used_for_undated_items",
                 "tests/render/test_locator_ranges.py::"
                 "test_a_hyphenated_range_in_a_locator_other_than_a_page_takes_the_locales_page_range_delimiter"))
def text_variable(el, ctx):
    variable = el.c_variable
    if variable not in _NOT_COLLAPSE_BREAKING:
        ctx.text_variable_called = True  # read by cite collapsing (collapsing.py)
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
    node = ctx.b.quotes_in_data(value, ctx)
    return el.c_finish(node, ctx, ("title",) if variable == "title" else None)


# the variables whose cs:text leaves a cite collapsible (citeproc-js node_text.js: any other
# text variable, printed or not, stops a cite from collapsing)
_NOT_COLLAPSE_BREAKING = frozenset({"locator", "citation-number", "year-suffix", "citation-label"})


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
        node = Lit(ctx.b.pages_page_range(locator, ctx, "locator"))
    else:
        from evidencebib.render.overrides.pages import EN_DASH, plain_range

        delimiter = ctx.locale.text("page-range-delimiter") or EN_DASH
        node = ctx.b.quotes_in_data(plain_range(locator, delimiter), ctx)
    return el.c_finish(node, ctx, ("locator",))


# citeproc-js's default trigraph ("Aaaa00:AaAa00:AaAA00:AAAA00", state.js): letters taken from
# each of the first names, by the number of names (1, 2, 3, 4 or more), then two digits of the year
_TRIGRAPH = ((4,), (2, 2), (2, 1, 1), (1, 1, 1, 1))
# what citeproc-js keeps of a name (CSL.ROMANESQUE_NOT_REGEXP removes every other character)
_NOT_ROMANESQUE = re.compile("[^a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4"
                             "\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218-\u021b"
                             "\u202a-\u202e]")
_LOWER_PARTICLES = re.compile("^[ '\u2019a-z]+\\s+")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
# words left out of a label made from a title (citeproc-js's CSL.SKIP_WORDS, compared as written)
_SKIP_WORDS = frozenset("""about above across afore after against al along alongside amid amidst among amongst
anenst apropos apud around as aside astride at athwart atop barring before behind below beneath beside besides
between beyond but by circa despite down during et except for forenenst from given in inside into lest like
modulo near next notwithstanding of off on onto out over per plus pro qua sans since than through throughout
thruout till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with
within without or yet so and nor a an the de d' von van c ca""".split())


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


def citation_label(view) -> str:
    """The citation-label an item without one gets (CSL 1.0.2 Appendix IV: "may be assigned by
    the CSL processor based on item metadata"), as citeproc-js makes it (getCitationLabel):
    from the first name variable (author first): the family name of each of the first names
    (or the literal), without lower-case particles, a leading article or characters outside
    the Latin, Greek, Cyrillic, Hebrew, Arabic and Thai scripts, 4 letters of one name, 2 + 2
    of two, 2 + 1 + 1 of three, 1 of each of the first four; else the first 4 letters of the
    title without its small words; then the last two digits of the year, "00" without one
    ("Doe65", "RoNo78", "RoNS78", "Worl00")."""
    from evidencebib.render.output import plain_text

    label = ""
    variable = "author" if view.names.get("author") else next(
        (key for key in sorted(view.names) if view.names[key]), None)
    if variable is not None:
        names = view.names[variable]
        widths = _TRIGRAPH[min(len(names), len(_TRIGRAPH)) - 1]
        for name, width in zip(names, widths, strict=False):  # the first names only
            if name.family:
                text = _LOWER_PARTICLES.sub("", name.family)
            else:
                text = name.literal or ""
            text = _NOT_ROMANESQUE.sub("", _ARTICLE.sub("", text))
            if not text:
                break
            label += _capitalized(text[:width])
    if not label:
        title = view.text.get("title")
        if title is not None:
            words = (title if isinstance(title, str) else plain_text(title)).split()
            label = _capitalized("".join(word for word in words if word not in _SKIP_WORDS)[:_TRIGRAPH[0][0]])
    date = view.dates.get("issued")
    year = date.begin[0] if date is not None else None
    return label + (f"{year % 100:02d}" if isinstance(year, int) else "00")


def item_citation_label(view) -> str:
    """The item's own citation-label, else the generated one."""
    from evidencebib.render.output import plain_text

    value = view.text.get("citation-label")
    if value is None:
        return citation_label(view)
    return value if isinstance(value, str) else plain_text(value)


@override("labels.citation-label", replaces="citeproc.model.Text._variable",
          rule="CSL 1.0.2 Appendix IV (citation-label: may be assigned by the CSL processor), as citeproc-js "
               "assigns it (getCitationLabel, trigraph Aaaa00:AaAa00:AaAA00:AAAA00) and sorts by it; a year "
               "suffix follows the label, the item's own label too",
          fingerprint="6c60676c7c731cf31e280adf25ce101f04ba8d29de71f36bb8bc3cd6a3520011",
          tests=("tests/render/test_citation_label.py::test_an_item_without_a_label_gets_the_trigraph_of_its_authors",
                 "tests/render/test_citation_label.py::test_items_sort_by_their_citation_label"))
def label_value(view, year_suffix: int | None):
    """The citation-label node of an item (None without one), and whether a year suffix is in it."""
    text = item_citation_label(view)
    if not text:
        return None, False
    value = view.text.get("citation-label")
    node = Lit(text) if value is None or isinstance(value, str) else value
    if year_suffix:
        return Span([node, Lit(_letters(year_suffix))]), True
    return node, False


@upstream("labels.citation-label")
def label_value_upstream(view, year_suffix: int | None):
    """citeproc-py prints the item's own citation-label, and nothing for an item without one."""
    value = view.text.get("citation-label")
    if value is None:
        return None, False
    return (Lit(value) if isinstance(value, str) else value), False


def _citation_label(el, ctx):
    ctx.called += 1
    node, suffixed = ctx.b.labels_citation_label(ctx.item, ctx.disamb.year_suffix)
    if node is None:
        return None
    ctx.found += 1
    if suffixed:
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
               "names); a label whose variable is empty prints nothing; the label of "
               "first-reference-note-number (Appendix IV, a variable of the cite) prints the term, "
               "singular, when the cite has a first note (citeproc-js node_label.js / CSL.evaluateLabel)",
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
    elif variable == "first-reference-note-number":
        # a variable of the cite, not the item (citeproc-js CSL.evaluateLabel looks the plural up on
        # the item, which lacks it: the term is singular unless plural="always")
        if ctx.cite.first_note_number is None or ctx.mode != "citation":
            return None
        term = variable
        plural = False
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
    return el.c_finish(ctx.b.quotes_in_data(text, ctx), ctx, ("label", variable))


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
