"""Dates: `cs:date` and `cs:date-part`, localized and not, single dates and ranges.

CSL 1.0.2 §"Date", §"Date-part", §"Date Ranges", §"Localized Date Formats", §"Seasons",
Appendix II-III (BC/AD terms), and the implicit year suffix of §"Disambiguation" (printed after
the first year rendered, unless the style prints the `year-suffix` variable itself).
"""

from __future__ import annotations

from typing import Any

from citeproc import model

from evidencebib.render.output import Lit, Node, Span
from evidencebib.render.overrides import override, upstream
from evidencebib.render.overrides import adapter as up
from evidencebib.render.overrides.labels import _letters
from evidencebib.render.overrides.pages import format_number

EN_DASH = "\u2013"
_ORDER = {"year": 0, "month": 1, "day": 2}
_FORMATTING_KEYS = ("font-style", "font-variant", "font-weight", "text-decoration", "vertical-align",
                    "text-case", "strip-periods", "quotes")


class PartSpec:
    """A date part to render: name, form, range delimiter, formatting (and the element whose
    formatting applies, for `c_finish`)."""

    __slots__ = ("name", "form", "range_delimiter", "element", "prefix", "suffix")

    def __init__(self, name: str, form: str | None, range_delimiter: str | None, element: Any,
                 prefix: str, suffix: str) -> None:
        self.name = name
        self.form = form
        self.range_delimiter = range_delimiter
        self.element = element
        self.prefix = prefix
        self.suffix = suffix


class _LocalePart:
    """A locale's date-part, formatted like an element (what `c_finish` needs)."""

    c_prefix: str  # these two (and the rest of the formatting) set by c_read_formatting
    c_suffix: str

    def __init__(self, attributes: dict[str, str]) -> None:
        self._attributes = attributes
        from evidencebib.render.elements import Formatting

        self.get = attributes.get
        Formatting.c_read_formatting(self)  # type: ignore[arg-type]

    def c_finish(self, node, ctx, tag=None, link=None):
        from evidencebib.render.elements import Formatting

        return Formatting.c_finish(self, node, ctx, tag, link)  # type: ignore[arg-type]


def _specs(el, ctx) -> tuple[list[PartSpec], str, Any]:
    """The parts to render (in order), the delimiter between them, and the element whose
    formatting wraps the date."""
    wanted = el.c_date_parts.split("-")
    if el.c_form in ("text", "numeric"):
        specs, delimiter = el.c_localized or localized_specs(el, ctx.locale)
        return [spec for spec in specs if spec.name in wanted], delimiter, el
    specs = []
    for part in el.c_parts:
        if part.c_part in _ORDER:
            specs.append(PartSpec(part.c_part, part.c_form, part.c_range_delimiter, part, part.c_prefix,
                                  part.c_suffix))
    return specs, el.c_delimiter, el


def localized_specs(el, locale) -> tuple[list[PartSpec], str]:
    date = locale.dates.get(el.c_form)
    if date is None:
        return [], ""
    overrides = {part.c_part: dict(part.attrib) for part in el.c_parts}
    specs = []
    for part in date.parts:
        attributes = dict(part.attributes)
        override_attributes = overrides.get(part.name, {})
        for key, value in override_attributes.items():
            if key not in ("prefix", "suffix", "name"):
                attributes[key] = value
        formatting = _LocalePart(attributes)
        specs.append(PartSpec(part.name, attributes.get("form"), attributes.get("range-delimiter"),
                              formatting, formatting.c_prefix, formatting.c_suffix))
    return specs, dict(date.attributes).get("delimiter", "")


def _part_text(spec: PartSpec, value: int | None, date, ctx) -> str | None:
    name, form, locale = spec.name, spec.form, ctx.locale
    if name == "year":
        if value is None:
            return None
        if value == 0:
            return ""
        if form == "short":
            return str(abs(value))[-2:]
        text = str(abs(value))
        if value < 0:
            text += locale.text("bc")
        elif value < 1000:
            text += locale.text("ad")
        return text
    if name == "month":
        if value is None:
            if date.season is not None and date is not None:
                season_form = "short" if form == "short" else "long"
                return locale.text(f"season-{date.season:02d}", season_form) or None
            return None
        if value > 12:
            season = (value - 13) % 4 + 1
            return locale.text(f"season-{season:02d}") or None
        if form == "numeric":
            return str(value)
        if form == "numeric-leading-zeros":
            return f"{value:02d}"
        return locale.text(f"month-{value:02d}", "short" if form == "short" else "long") or None
    if name == "day":
        if value is None:
            return None
        if form == "numeric-leading-zeros":
            return f"{value:02d}"
        if form == "ordinal":
            if value != 1 and locale.option("limit-day-ordinals-to-day-1"):
                return str(value)
            return format_number(value, "ordinal", locale, _month_gender(locale, date))
        return str(value)
    return None


def _month_gender(locale, date) -> str | None:
    month = date.begin[1] if date is not None else None
    if not month:
        return None
    term = locale.term(f"month-{month:02d}")
    return term.gender if term is not None else None


def _render_part(spec: PartSpec, triple, date, ctx, suffix_here: bool):
    value = triple[_ORDER[spec.name]]
    if spec.name == "month" and value is None and date.season is None:
        return None
    text = _part_text(spec, value, date, ctx)
    if text is None:
        return None
    node: Node = Lit(text)
    if suffix_here:
        suffix = ctx.disamb.year_suffix
        node = Span([node, Span([Lit(_letters(suffix))], tag=("year-suffix", suffix))])
    return spec.element.c_finish(node, ctx)


def _without(node, prefix: bool = False, suffix: bool = False):
    if type(node) is not Span:
        return node
    copy = Span(node.kids, node.font, node.quotes, "" if prefix else node.prefix,
                "" if suffix else node.suffix, node.display, node.tag, node.link)
    return copy


def _sort_text_parts(part_names: list[str], triple) -> str:
    names = set(part_names)
    year, month, day = triple
    out = ""
    if year is not None and "year" in names:
        out += f"{year + 50000:06d}"
    if month is not None and "month" in names:
        out += f"{month:02d}"
    if day is not None and "day" in names:
        out += f"{day:02d}"
    return out


@override("dates.date", replaces="citeproc.model.Date.process",
          rule="CSL 1.0.2 §Date (localized formats with the locale's delimiter and the style's date-part "
               "overrides, date-parts attribute, literal dates, seasons), §Date Ranges (range-delimiter, "
               "parts shared by both ends printed once), §Disambiguation (implicit year suffix after the "
               "first year rendered through cs:date, of any date variable, as citeproc-js places it)",
          fingerprint="849c1bbdb25e1ba1eeaaf47abaac2042a5f3f3abf3eca133ecf4a0e346e0ba5a",
          tests=("tests/render/test_render_fixes.py::test_localized_date_keeps_locale_delimiter",))
def date(el, ctx):
    variable = el.c_variable
    ctx.called += 1
    if variable in ctx.suppressed:
        return None
    value = ctx.item.dates.get(variable)
    if value is None:
        return None
    ctx.found += 1
    if ctx.in_substitute:
        ctx.suppressed.add(variable)
    specs, delimiter, host = _specs(el, ctx)
    if not value.parts:
        if value.literal and ctx.b.dates_literal_in_year_part([spec.name for spec in specs]):
            return el.c_finish(Lit(value.literal), ctx, ("date", variable))
        ctx.found -= 1
        return None
    if not specs:
        ctx.found -= 1
        return None
    begin, end = value.begin, value.end
    if ctx.sorting:
        text = ctx.b.dates_sort_key([spec.name for spec in specs], begin, end)
        return Lit(text) if text else None
    suffix_part = None
    if ctx.disamb.year_suffix and not ctx.year_suffix_done and el.c_year_suffix_implicit:
        suffix_part = "year"
    if end is None or end == begin:
        nodes = []
        for spec in specs:
            node = _render_part(spec, begin, value, ctx, suffix_part == spec.name)
            if node is not None:
                nodes.append(node)
                if suffix_part == spec.name:
                    ctx.year_suffix_done = True
    else:
        nodes = _range(specs, value, ctx, suffix_part)
    if not nodes:
        # the date has none of the parts printed (a month-only format of a year-only date)
        ctx.found -= 1
        return None
    from evidencebib.render.elements import delimited

    content = delimited(nodes, delimiter) if delimiter else nodes
    return host.c_finish(Span(content) if len(content) > 1 else content[0], ctx, ("date", variable))


@override("dates.sort-key", replaces="citeproc.model.Date.process",
          rule="CSL 1.0.2 §Sorting (a date sorts by its parts, a range by its start, then its end) as "
               "citeproc-js src/util_date.js dateAsSortKey writes it: every part of both ends, in "
               "fixed width, 0 for a part the date-parts leave out or the date lacks; so a macro's "
               "date key compares like a number whatever the date (2014/2015 before 2019)",
          fingerprint="849c1bbdb25e1ba1eeaaf47abaac2042a5f3f3abf3eca133ecf4a0e346e0ba5a",
          tests=("tests/render/test_engine_sorting.py::"
                 "test_a_date_range_sorts_by_its_start_before_a_later_single_year_in_apa",
                 "tests/render/test_engine_sorting.py::"
                 "test_a_year_sorts_before_a_later_year_with_month_in_a_macro_date_key"))
def sort_key(part_names: list[str], begin, end) -> str:
    """The sort key of a date rendered by a cs:date with these date-parts."""
    def digits(triple) -> str:
        year, month, day = triple if triple is not None else (None, None, None)
        return (f"{(year or 0) + 50000 if 'year' in part_names else 0:06d}"
                f"{(month or 0) if 'month' in part_names else 0:02d}"
                f"{(day or 0) if 'day' in part_names else 0:02d}")
    return digits(begin) + digits(end if end is not None and end != begin else None)


@upstream("dates.sort-key")
def sort_key_upstream(part_names: list[str], begin, end) -> str:
    # before this override: only the parts present, the end after a "-" that collation drops
    text = _sort_text_parts(part_names, begin)
    if end is not None:
        text += "-" + _sort_text_parts(part_names, end)
    return text


@override("dates.literal-in-year-part", replaces="citeproc.model.Date.process",
          rule="citeproc-js src/node_datepart.js (\"Render literal only when year is included in date "
               "output\"): a literal date (CSL 1.0.2 §Date-Variables, \"literal\") is printed by the "
               "year date-part, so a cs:date whose date-parts or cs:date-part children have no year "
               "(APA's and Chicago's month-day date after the year) prints nothing for it",
          fingerprint="849c1bbdb25e1ba1eeaaf47abaac2042a5f3f3abf3eca133ecf4a0e346e0ba5a",
          tests=("tests/render/test_render_fixes_agreement.py::"
                 "test_a_literal_date_is_printed_once_by_the_year_not_again_by_a_month_day_date",
                 "tests/render/test_render_fixes_agreement.py::"
                 "test_a_literal_date_is_not_repeated_by_chicagos_month_day_date"))
def literal_in_year_part(part_names: list[str]) -> bool:
    """Whether a cs:date rendering these date-parts prints a literal date."""
    return "year" in part_names


@upstream("dates.literal-in-year-part")
def literal_in_year_part_upstream(part_names: list[str]) -> bool:
    return True  # every cs:date of a literal date printed the literal


@override("dates.range-shared-year-suffix", replaces="citeproc.model.Date.process",
          rule="CSL 1.0.2 §Disambiguation (disambiguate-add-year-suffix: the suffix follows the first "
               "year rendered through cs:date) with §Date Ranges (parts both ends share print once): a "
               "range within one year printed as its year alone (2019-06/2019-08 -> \"2019\") gets "
               "its suffix on that shared year, as citeproc-js prints \"2019c\"",
          fingerprint="849c1bbdb25e1ba1eeaaf47abaac2042a5f3f3abf3eca133ecf4a0e346e0ba5a",
          tests=("tests/render/test_house_style.py::"
                 "test_a_range_within_one_year_gets_its_year_suffix_on_the_shared_year",))
def range_shared_year_suffix(suffix_part: str | None, shared: list[str], others: list[str]) -> bool:
    """Whether the year suffix goes on the parts both ends share, printed before the range: only
    when the suffixed part is shared and printed nowhere else."""
    return suffix_part is not None and suffix_part in shared and suffix_part not in others


@upstream("dates.range-shared-year-suffix")
def range_shared_year_suffix_upstream(suffix_part: str | None, shared: list[str], others: list[str]) -> bool:
    return False  # before this override the suffix of such a range was lost


def _range(specs: list[PartSpec], value, ctx, suffix_part: str | None) -> list[Any]:
    begin, end = value.begin, value.end
    open_range = end[0] == 0 and not end[1] and not end[2]
    same = []
    # every spec is a year, month or day (`_specs` keeps only those; locales name no others)
    for name in sorted((spec.name for spec in specs), key=_ORDER.__getitem__):
        index = _ORDER[name]
        if begin[index] == end[index]:
            same.append(name)
        else:
            break
    sames1, diffs, sames2 = [], [], []
    stage = 0
    for spec in specs:
        if stage == 0 and spec.name in same:
            sames1.append(spec)
            continue
        stage = max(stage, 1)
        if stage == 1 and spec.name not in same:
            diffs.append(spec)
            continue
        stage = 2
        sames2.append(spec)

    def render(group, triple, with_suffix=False):
        out = []
        for spec in group:
            node = _render_part(spec, triple, value, ctx, with_suffix and suffix_part == spec.name)
            if node is not None:
                out.append(node)
        return out

    ordered_diffs = sorted(diffs, key=lambda spec: _ORDER[spec.name])
    delimiter = (ordered_diffs[0].range_delimiter if ordered_diffs and ordered_diffs[0].range_delimiter
                 else EN_DASH)
    left = render(sames1, begin) + render(diffs, begin)
    if open_range:
        if left:
            left[-1] = _without(left[-1], suffix=True)
            return left[:-1] + [Span([left[-1]], suffix=delimiter)]
        return left
    shared_suffix = ctx.b.dates_range_shared_year_suffix(
        suffix_part, [spec.name for spec in sames1], [spec.name for spec in diffs + sames2])
    first = render(sames1, begin, shared_suffix)
    diffs_left = render(diffs, begin)
    diffs_right = render(diffs, end, True)
    rest = render(sames2, begin, not diffs_right)
    if diffs_left:
        diffs_left[-1] = _without(diffs_left[-1], suffix=True)
    if diffs_right:
        diffs_right[0] = _without(diffs_right[0], prefix=True)
    if diffs_left and diffs_right:
        middle = diffs_left[:-1] + [Span([diffs_left[-1], Lit(delimiter), diffs_right[0]])] + diffs_right[1:]
    else:
        middle = diffs_left + diffs_right
    nodes = first + middle + rest
    if nodes:
        nodes[-1] = _without(nodes[-1], suffix=True)
    if suffix_part:
        ctx.year_suffix_done = True
    return nodes


@upstream("dates.date")
def date_upstream(el, ctx):
    from citeproc.source import VariableError

    ctx.called += 1
    if not ctx.item.dates.get(el.c_variable):
        return None
    try:
        text = model.Date.process(el, up.item(ctx))
    except (VariableError, KeyError, AttributeError, IndexError, TypeError, ValueError):
        return None
    if text is None or not str(text):
        return None
    ctx.found += 1
    return el.c_finish(Lit(str(text)), ctx, ("date", el.c_variable))
