"""Page ranges and numbers: `page-range-format`, `cs:number` forms and ordinals.

CSL 1.0.2 Appendix V "Page Range Formats", §"Number", §"Ordinal Suffixes", §"Long Ordinals",
§"Gender-specific Ordinals".
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model

from evidencebib.render.output import Lit, plain_text
from evidencebib.render.overrides import override, upstream
from evidencebib.render.overrides import adapter as up

EN_DASH = "\u2013"
_PREFIXED_NUMBER = re.compile(r"^(.*?)(\d+)$")


@override("pages.range-format", replaces="citeproc.model.FormatNumber._format_last_page",
          rule="CSL 1.0.2 Appendix V Page Range Formats (minimal, minimal-two, chicago(-15/-16), expanded), "
               "as citeproc-js prints them: a shared letter prefix printed once, a short last page expanded",
          fingerprint="ed89ab46f01fb553862964966e88269188beb8b12d7e99c8bf181481d2965ac9",
          tests=("tests/render/test_render_fixes.py::test_vancouver_page_range_2_25_is_not_shortened_to_2_5",
                 "tests/render/test_render_fixes.py::test_vancouver_page_range_e1_e12_keeps_every_digit"))
def format_last_page(first: str, last: str, range_format: str | None, element: Any = None) -> str:
    """The last page of a range as CSL's page-range-format prints it (as citeproc-js does).

    - no page-range-format: the last page as given;
    - a shared prefix (`e1-e12`, `S1-S9`, `8n11564-8n1568`) is kept by `expanded` and dropped
      from the last page by the other formats (`e1–12`); different prefixes (`S12-13`,
      `A12-B14`) are left alone;
    - a last page shorter than the first is expanded first (`101-9` -> 109, `12-5` -> 15);
    - `minimal` drops the leading digits both pages share, only when they have as many digits
      (`2-25` stays whole), `minimal-two` keeps at least two, and `chicago-16` / `chicago`
      (15th) apply the Chicago table.
    """
    if not range_format:
        return last
    first_match, last_match = _PREFIXED_NUMBER.match(first), _PREFIXED_NUMBER.match(last)
    if not (first_match and last_match):
        return last
    first_prefix, first_number = first_match.groups()
    last_prefix, last_number = last_match.groups()
    if last_prefix != first_prefix:
        return last
    if len(last_number) < len(first_number):
        last_number = first_number[: len(first_number) - len(last_number)] + last_number
    if range_format == "expanded":
        return last_prefix + last_number
    if len(first_number) != len(last_number):
        return last_number
    common = 0
    for a, b in zip(first_number, last_number, strict=True):  # equal lengths: checked above
        if a != b:
            break
        common += 1
    if common == len(first_number):
        return last_number
    if range_format in ("chicago", "chicago-15", "chicago-16"):
        number = int(first_number)
        if number < 100 or number % 100 == 0:
            return last_number
        if range_format != "chicago-16" and len(first_number) >= 4 and common < 2:
            return last_number
        range_format = "minimal" if number % 100 in range(1, 10) else "minimal-two"
    if range_format == "minimal":
        return last_number[common:]
    if range_format == "minimal-two":
        return last_number[min(common, max(len(last_number) - 2, 0)):]
    return last_number


@upstream("pages.range-format")
def format_last_page_upstream(first: str, last: str, range_format: str | None, element: Any = None) -> str:
    if element is None:
        return last
    return model.FormatNumber._format_last_page(element, first, last)


_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)


def plain_range(text: str, delimiter: str = EN_DASH) -> str:
    """A locator other than a page as citeproc-js prints it: "200 - 201" -> "200–201", joined by
    `delimiter` (the locale's page-range-delimiter: citeproc-js processNumber, fixupRangeDelimiter);
    a range typed with an en dash is kept as typed (only a hyphen is a range delimiter there)."""
    out = []
    for comma_item in text.split(","):
        pieces = []
        for item in comma_item.split("&"):
            if EN_DASH in item:
                pieces.append(item.strip())
                continue
            parts = item.split("-")
            pieces.append(delimiter.join(part.strip() for part in parts) if len(parts) == 2 and all(
                part.strip() for part in parts) else item.strip())
        out.append(" & ".join(pieces))
    return ", ".join(out)


def _prefix(page: str) -> str | None:
    match = _PREFIXED_NUMBER.match(page)
    return match.group(1) if match else None


def page_range(text: str, ctx, variable: str = "page") -> str:
    """A page variable (or a page locator: `variable` "locator") as printed (as citeproc-js
    prints it): each range whose ends have the same prefix ("12-25", "e1-e12") gets its last
    page per the style's page-range-format and the locale's page-range-delimiter (an en dash by
    default); a range whose ends differ ("N110-5", "n11564-1568") or that is not one keeps its
    hyphen; several ranges stay separated by ", " and the locale's "and" symbol ("&"). Only the
    page variable reads an en dash as a hyphen: in a locator a range typed with an en dash is
    kept as typed (citeproc-js processNumber: parseString turns en dashes into hyphens for
    "page" alone, and fixRanges/manglePageNumbers reformat only a range joined by "-")."""
    delimiter = ctx.locale.text("page-range-delimiter") or EN_DASH
    ampersand = " " + (ctx.locale.text("and", "symbol") or "&") + " "
    range_format = ctx.style.page_range_format
    last_page = ctx.b.pages_range_format
    root = ctx.style.root
    out = []
    for comma_item in text.split(","):
        pieces = []
        for item in comma_item.split("&"):
            item = item.strip()
            if variable != "page" and EN_DASH in item:
                pieces.append(item)
                continue
            parts = item.replace(EN_DASH, "-").split("-")
            if len(parts) != 2 or "\\-" in item:
                pieces.append(item.replace("\\-", "-"))
                continue
            first, last = parts[0].strip(), parts[1].strip()
            first_prefix, last_prefix = _prefix(first), _prefix(last)
            if _ROMAN.match(first) and _ROMAN.match(last):  # "xxv-xxviii"
                pieces.append(first + delimiter + last)
                continue
            if first_prefix is None or first_prefix != last_prefix:
                pieces.append(first + "-" + last)
                continue
            last = last_page(first, last, range_format, root)
            pieces.append(first + delimiter + last)
        out.append(ampersand.join(pieces))
    return ", ".join(out)


@override("pages.page-range", replaces="citeproc.model.FormatNumber._process",
          rule="CSL 1.0.2 §Text (page, with page-range-format) and the page-range-delimiter term; a page "
               "locator's range typed with an en dash kept as typed (citeproc-js processNumber: only the "
               "page variable reads an en dash as a hyphen, and only a hyphenated range is reformatted)",
          fingerprint="4635f40ad395dcc2a8683c2b07c220bce3f989804794aa37bd757dcb30d71603",
          tests=("tests/render/test_render_fixes.py::test_vancouver_page_range_2_25_is_not_shortened_to_2_5",
                 "tests/render/test_locator_ranges.py::test_a_locator_range_typed_with_an_en_dash_is_kept_as_typed"))
def page_range_override(text: str, ctx, variable: str = "page") -> str:
    return page_range(text, ctx, variable)


@upstream("pages.page-range")
def page_range_upstream(text: str, ctx, variable: str = "page") -> str:
    section = ctx.style.citation if ctx.mode == "citation" else ctx.style.bibliography
    element = section.c_layout if section is not None else None
    if element is None:
        return text
    texts = [el for el in ctx.style.root.iter("{http://purl.org/net/xbiblio/csl}text")]
    host = texts[0] if texts else element
    return str(model.FormatNumber._process(host, text, "page"))


# numbers --------------------------------------------------------------------------------------

# citeproc-js writes roman numerals below 6000 (5000 is `mmmmm`); a larger number keeps its
# digits here (citeproc-js prints nothing up to 2**53 - 1 and the digits beyond: we never drop
# the number, README "Known limitations").
ROMAN_LIMIT = 6000


def roman(number: int) -> str:
    """`number` (1 <= number < ROMAN_LIMIT) in lower-case roman numerals."""
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50),
                ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = []
    for letters, value in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def ordinal_suffix(number: int, locale, gender: str | None = None) -> str:
    """CSL 1.0.2 §"Ordinal Suffixes": ordinal-10…99 (last two digits, or the whole number)
    before ordinal-00…09 (last digit, last two digits or whole number), else "ordinal"; the
    CSL 1.0 scheme (ordinal-01…04 without "ordinal") when the locale has it."""
    terms = locale.terms

    def lookup(name: str):
        found = terms.get((name, "long", gender)) if gender else None
        return found or terms.get((name, "long", None))

    if lookup("ordinal") is None and lookup("ordinal-04") is not None:
        last_two, last = number % 100, number % 10
        if last in (1, 2, 3) and last_two not in (11, 12, 13):
            return lookup(f"ordinal-0{last}").single
        return lookup("ordinal-04").single
    two = number % 100
    if two >= 10:
        term = lookup(f"ordinal-{two:02d}")
        if term is not None and ((term.match or "last-two-digits") != "whole-number" or number == two):
            return term.single
    digit = number % 10
    term = lookup(f"ordinal-0{digit}")
    if term is not None:
        match = term.match or "last-digit"
        if (match == "last-digit") or (match == "last-two-digits" and two == digit) or \
                (match == "whole-number" and number == digit):
            return term.single
    term = lookup("ordinal")
    return term.single if term is not None else ""


def format_number(number: int, form: str, locale, gender: str | None = None) -> str:
    if form == "ordinal":
        return f"{number}{ordinal_suffix(number, locale, gender)}"
    if form == "long-ordinal":
        if 1 <= number <= 10:
            term = None
            if gender:
                term = locale.terms.get((f"long-ordinal-{number:02d}", "long", gender))
            term = term or locale.terms.get((f"long-ordinal-{number:02d}", "long", None))
            if term is not None:
                return term.single
        return f"{number}{ordinal_suffix(number, locale, gender)}"
    if form == "roman":
        return roman(number) if 0 < number < ROMAN_LIMIT else str(number)
    return str(number)


@override("pages.number", replaces="citeproc.model.Number.process",
          rule="CSL 1.0.2 §Number (numeric, ordinal, long-ordinal, roman; each number of \"2-3\", \"2, 4\" "
               "formatted, ranges with the locale's page-range-delimiter), §Ordinal Suffixes, "
               "§Gender-specific Ordinals, "
               "§Long Ordinals (above 10: ordinal)",
          fingerprint="e56bc4fc4470c0bae0d39f04c448f2f6ef80c74d7d5fea7c80ebfa32b75a4309",
          tests=("tests/render/test_engine_text.py::test_gendered_ordinals_follow_the_gender_of_the_variables_term",))
def number(el, ctx):
    variable = el.c_variable
    if variable == "locator":
        ctx.called += 1
        value = ctx.cite.locator
        if value is None:
            return None
        ctx.found += 1
    else:
        value = ctx.text("page" if variable == "page-first" else variable)
        if value is None:
            return None
    text = value if isinstance(value, str) else plain_text(value)
    if variable == "page-first":
        text = re.split(r"\s*[,;\-\u2013&]\s*", text.strip(), maxsplit=1)[0]
    elif variable == "page":
        return el.c_finish(Lit(ctx.b.pages_page_range(text, ctx)), ctx)
    form = el.c_form
    gender = None
    if form in ("ordinal", "long-ordinal"):
        term = ctx.locale.term(variable)
        gender = term.gender if term is not None else None

    def one(piece: str) -> str:
        piece = piece.strip()
        if piece.isdigit():
            return format_number(int(piece), form, ctx.locale, gender)
        return piece

    dash = ctx.locale.text("page-range-delimiter") or EN_DASH  # as citeproc-js joins a number range

    def joined(comma_item: str, format_one) -> str:
        return " & ".join(dash.join(format_one(part) for part in item.replace(EN_DASH, "-").split("-"))
                          if item.count("-") + item.count(EN_DASH) == 1 else format_one(item)
                          for item in comma_item.split("&"))

    def plain(piece: str) -> str:
        return piece.strip()

    out = []
    comma_items = text.split(",")
    labelled = False  # numbers after an embedded label print without the number's form
    for index, comma_item in enumerate(comma_items):
        found = (ctx.b.pages_embedded_label(comma_item, comma_items[index + 1:], variable, ctx)
                 if index else None)
        if found is not None:
            label, comma_item = found
            labelled = bool(label)
            out.append(label + joined(comma_item, plain if labelled else one))
            continue
        out.append(joined(comma_item, plain if labelled else one))
    return el.c_finish(Lit(", ".join(out)), ctx)


# citeproc-js CSL.STATUTE_SUBDIV_STRINGS: the labels it reads inside number variables, and their terms
EMBEDDED_LABELS = {
    "vrs.": "verse", "sv.": "sub-verbo", "subpara.": "subparagraph", "op.": "opus", "subch.": "subchapter",
    "add.": "addendum", "amend.": "amendment", "annot.": "annotation", "app.": "appendix", "art.": "article",
    "bibliog.": "bibliography", "bk.": "book", "ch.": "chapter", "cl.": "clause", "col.": "column",
    "cmt.": "comment", "dec.": "decision", "dept.": "department", "ex.": "example", "fig.": "figure",
    "fld.": "field", "fol.": "folio", "n.": "note", "hypo.": "hypothetical", "illus.": "illustration",
    "intro.": "introduction", "l.": "line", "no.": "issue", "p.": "page", "pp.": "page", "para.": "paragraph",
    "pt.": "part", "pmbl.": "preamble", "princ.": "principle", "pub.": "publication", "r.": "rule",
    "rn.": "randnummer", "sched.": "schedule", "sec.": "section", "ser.": "series,", "subdiv.": "subdivision",
    "subsec.": "subsection", "supp.": "supplement", "tbl.": "table", "tit.": "title", "vol.": "volume"}
# a label word (up to four lower-case letters, or one of the longer labels) then "." or a space,
# before the numbers it labels (citeproc-js processNumber's parseString)
_EMBEDDED_LABEL = re.compile(r"^((?:[a-z]{1,4}|subpara|subch|amend|bibliog|annot|illus|princ|intro|sched"
                             r"|subdiv|subsec)(?:\.| ))( *)([0-9]+(?:\s*[-\u2013&]\s*[0-9]+)*)$")
_PLAIN_NUMBERS = re.compile(r"^\s*[0-9]+(?:\s*[-\u2013&]\s*[0-9]+)*\s*$")


@override("pages.embedded-label", replaces="citeproc.model.Number.process",
          rule="citeproc-js processNumber (CSL 1.0.2 §Number is silent on labels in a value): a label after "
               "a comma inside a number variable (\"7, p. 3-8\") prints as its term's short form, plural "
               "when it labels several numbers (\"pp.\"), and the numbers it labels keep no ordinal/roman "
               "form, which only the value's first numbers get (setStyling: the formatter of the first "
               "label); the variable's own label (\"vol.\" in a volume) is not printed and changes nothing",
          fingerprint="e56bc4fc4470c0bae0d39f04c448f2f6ef80c74d7d5fea7c80ebfa32b75a4309",
          tests=("tests/render/test_engine_text.py::test_a_label_inside_a_number_prints_as_its_term_and_its_numbers_plain",))
def embedded_label(comma_item: str, following: list[str], variable: str, ctx) -> tuple[str, str] | None:
    """(the label as printed, with the space after it; the numbers it labels) for a comma-separated
    part of a number variable that starts with a label, else None. The label of the variable
    itself is its default label (citeproc-js STATUTE_SUBDIV_STRINGS_REVERSE): it prints as ""."""
    match = _EMBEDDED_LABEL.match(comma_item.strip())
    if match is None:
        return None
    word, space, numbers = match.groups()
    written = word.strip()  # "p." ("p. 3"), "pp" ("pp 3")
    suffix = word[len(written):] + space  # the space after the label, as the value has it
    # the numbers it labels: its own and those of the parts after it, up to the next label
    group = [numbers]
    for item in following:
        if _EMBEDDED_LABEL.match(item.strip()) or not _PLAIN_NUMBERS.match(item):
            break
        group.append(item)
    count = sum(len(re.split(r"\s*[-\u2013&]\s*", item.strip())) for item in group)
    term_name = EMBEDDED_LABELS.get(written)
    if term_name == variable:
        return "", numbers
    label = ctx.locale.text(term_name, "short", count > 1) if term_name else ""
    return (label or written) + suffix, numbers  # a label without a term prints as written


@upstream("pages.embedded-label")
def embedded_label_upstream(comma_item: str, following: list[str], variable: str,
                            ctx) -> tuple[str, str] | None:
    return None  # citeproc-py formats each number of the value alike, a label as written


@upstream("pages.number")
def number_upstream(el, ctx):
    from citeproc.source import VariableError

    ctx.called += 1
    try:
        text = model.Number.process(el, up.item(ctx))
    except (VariableError, KeyError, AttributeError, ValueError, TypeError):
        return None
    if text is None or not str(text):
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(text)), ctx)
