"""HTML output in citeproc-js's conventions (issue 14 item 3), for what a style's formatting
attributes print: each expected string is what citeproc-js 2.4.63 prints for the same style
and item inside its csl-entry div (its `CSL.Output.Formats.html` and `normalDecorIsOrphan`), checked by
running it.

CSL 1.0.2 §"Formatting" names the attributes; it does not say how HTML writes them, nor what
italics inside italics look like: where the specification is silent, citeproc-js decides."""

from __future__ import annotations

from evidencebib.render import Cite, Cluster, Engine, EngineOptions

_STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout>{citation}</layout></citation>
<bibliography{options}><layout{layout_attributes}>{layout}</layout></bibliography></style>"""

BOOK = {"id": "a", "type": "book", "title": "Title", "container-title": "Journal", "publisher": "Press"}


def style_file(tmp_path, layout, citation='<text variable="title"/>', options="", layout_attributes=""):
    path = tmp_path / "style.csl"
    path.write_text(_STYLE.format(layout=layout, citation=citation, options=options,
                                  layout_attributes=layout_attributes), encoding="utf-8")
    return path


def entry(tmp_path, layout, item=BOOK, **kwargs) -> str:
    engine = Engine(style_file(tmp_path, layout, **kwargs), options=EngineOptions(links=False))
    [one] = engine.bibliography([item], "html")
    return one.text


def citation(tmp_path, layout, item=BOOK) -> str:
    engine = Engine(style_file(tmp_path, '<text variable="title"/>', citation=layout),
                    options=EngineOptions(links=False))
    return engine.citations([Cluster([Cite(item["id"])])], "html", items=[item])[0]


# formatting attributes -------------------------------------------------------------------------

def test_vertical_align_baseline_prints_citeproc_js_baseline_span(tmp_path):
    assert entry(tmp_path, '<text variable="title" vertical-align="baseline"/>') == \
        '<span style="baseline">Title</span>'


def test_underline_prints_a_text_decoration_span(tmp_path):
    assert entry(tmp_path, '<text variable="title" text-decoration="underline"/>') == \
        '<span style="text-decoration:underline;">Title</span>'


def test_text_decoration_none_prints_its_span_even_outside_underline(tmp_path):
    assert entry(tmp_path, '<text variable="title" text-decoration="none"/>') == \
        '<span style="text-decoration:none;">Title</span>'


def test_font_weight_normal_prints_only_inside_bold(tmp_path):
    layout = ('<group font-weight="bold"><text variable="title" font-weight="normal" suffix=". "/></group>'
              '<text variable="publisher" font-weight="normal"/>')
    assert entry(tmp_path, layout) == \
        '<b><span style="font-weight:normal;">Title</span>. </b>Press'


def test_font_variant_normal_prints_only_inside_small_caps(tmp_path):
    layout = ('<group font-variant="small-caps"><text variable="title" font-variant="normal" suffix=" "/>'
              '</group><text variable="publisher" font-variant="normal"/>')
    assert entry(tmp_path, layout) == ('<span style="font-variant:small-caps;">'
                                       '<span style="font-variant:normal;">Title</span> </span>Press')


def test_a_normal_weight_inside_a_normal_weight_inside_bold_prints_both_spans(tmp_path):
    """citeproc-js (normalDecorIsOrphan, util_processor.js) prints a "normal" when any formatting
    around it, however far out, is bold (italic, small caps), not only the nearest."""
    layout = ('<group font-weight="bold"><group font-weight="normal">'
              '<text variable="title" font-weight="normal"/></group></group>')
    assert entry(tmp_path, layout) == \
        '<b><span style="font-weight:normal;"><span style="font-weight:normal;">Title</span></span></b>'
    layout = ('<group font-style="italic"><group font-style="normal">'
              '<text variable="title" font-style="normal"/></group></group>')
    assert entry(tmp_path, layout) == \
        '<i><span style="font-style:normal;"><span style="font-style:normal;">Title</span></span></i>'


def test_two_bold_elements_side_by_side_print_as_two_in_html(tmp_path):
    """citeproc-js's HTML output wraps each element's text in its own tags: "</b><b>" stays."""
    layout = ('<group font-weight="bold"><text variable="title" suffix=", "/></group>'
              '<text variable="publisher" font-weight="bold"/>')
    assert entry(tmp_path, layout) == "<b>Title, </b><b>Press</b>"


def test_italics_of_the_style_inside_italics_of_the_style_nest(tmp_path):
    """citeproc-js flips only italics in the data (its flip-flopper); a style's italic element
    inside another italic one prints italic: <i><i>…</i></i>."""
    layout = '<group font-style="italic"><text variable="container-title" font-style="italic"/></group>'
    assert entry(tmp_path, layout) == '<i><i>Journal</i></i>'
    assert citation(tmp_path, layout) == '<i><i>Journal</i></i>'


def test_italics_in_the_data_still_flip_inside_nested_italics(tmp_path):
    item = dict(BOOK, title="Studies of <i>E. coli</i> growth")
    layout = '<group font-style="italic"><text variable="title" font-style="italic"/></group>'
    assert entry(tmp_path, layout, item) == \
        '<i><i>Studies of <span style="font-style:normal;">E. coli</span> growth</i></i>'


# seams -----------------------------------------------------------------------------------------

def test_prefix_punctuation_after_a_formatted_sibling_is_not_merged(tmp_path):
    """citeproc-js (CSL.Output.Queue.adjust, queue.js) merges a sibling's leading prefix
    punctuation only when neither blob has decorations: after a bold element ending in a full
    stop, the next element's ". " prints whole."""
    layout = ('<group font-weight="bold"><text variable="title" suffix="."/></group>'
              '<text variable="publisher" prefix=". "/>')
    assert entry(tmp_path, layout) == "<b>Title.</b>. Press"
    layout = '<text variable="title" suffix="." font-weight="bold"/><text variable="publisher" prefix=". "/>'
    assert entry(tmp_path, layout) == "<b>Title</b>.. Press"


def test_prefix_punctuation_after_a_group_around_a_formatted_element_is_merged(tmp_path):
    """A group (or macro call) is a blob of its own in citeproc-js, without decorations: the
    punctuation after it merges as between plain pieces."""
    layout = ('<group><text variable="title" font-weight="bold" suffix="."/></group>'
              '<text variable="publisher" prefix=". "/>')
    assert entry(tmp_path, layout) == "<b>Title</b>. Press"


# names -----------------------------------------------------------------------------------------

THREE_AUTHORS = dict(BOOK, author=[{"family": "Aa", "given": "B"}, {"family": "Cc", "given": "D"},
                                   {"family": "Ee", "given": "F"}])


def test_the_name_formatting_wraps_a_list_cut_short_by_et_al_and_each_name(tmp_path):
    """citeproc-js (NameOutput._joinEtAl, util_names_join.js) joins a list cut short by et-al in
    a level of the cs:name token: its formatting and affixes wrap each name and the whole list."""
    names = ('<names variable="author"><name font-weight="bold" prefix="(" suffix=")" et-al-min="3" '
             'et-al-use-first="1"/><et-al font-style="italic"/></names>')
    assert entry(tmp_path, names, THREE_AUTHORS) == "(<b>(<b>B Aa</b>) <i>et al.</i></b>)"


def test_a_normal_name_font_prints_around_a_list_ending_in_an_italic_et_al(tmp_path):
    """citeproc-js tests the "normal" of _joinEtAl's level against its last child, the et-al
    term (normalDecorIsOrphan(blobjr, …) in renderBlobs): italic et-al, the normal span prints;
    each name's own normal stays orphaned."""
    names = ('<names variable="author"><name font-style="normal" et-al-min="3" et-al-use-first="1"/>'
             '<et-al font-style="italic"/></names>')
    assert entry(tmp_path, names, THREE_AUTHORS) == \
        '<span style="font-style:normal;">B Aa <i>et al.</i></span>'


def test_a_name_list_not_cut_short_is_not_wrapped_again(tmp_path):
    names = '<names variable="author"><name font-weight="bold" and="text"/></names>'
    assert entry(tmp_path, names, THREE_AUTHORS) == "<b>B Aa</b>, <b>D Cc</b>, and <b>F Ee</b>"
    last = ('<names variable="author"><name font-weight="bold" et-al-min="3" et-al-use-first="1" '
            'et-al-use-last="true"/></names>')
    assert entry(tmp_path, last, THREE_AUTHORS) == "<b>B Aa</b> … <b>F Ee</b>"


def test_et_al_with_normal_font_variant_prints_its_span_inside_small_caps_names(tmp_path):
    names = ('<names variable="author"><name font-variant="small-caps" et-al-min="3" et-al-use-first="1"/>'
             '<et-al font-variant="normal"/></names>')
    assert entry(tmp_path, names, THREE_AUTHORS) == (
        '<span style="font-variant:small-caps;"><span style="font-variant:small-caps;">B Aa</span> '
        '<span style="font-variant:normal;">et al.</span></span>')


def test_a_title_substituted_for_the_author_prints_without_the_names_formatting(tmp_path):
    """citeproc-js appends the cs:names token (formatting, affixes) to the names it printed
    only; a cs:substitute text runs outside it."""
    names = ('<names variable="author" font-weight="bold" prefix="[" suffix="]"><name/>'
             '<substitute><text variable="title"/></substitute></names>')
    assert entry(tmp_path, names) == "Title"


def test_the_delimiter_between_names_joins_the_name_suffix_without_a_seam_rule(tmp_path):
    """citeproc-js (NameOutput._join) adds the delimiter to the name's own suffix: "," + ", "
    stays ",, " (one string, no seam rule), as it prints the-open-university-m801."""
    names = ('<names variable="author"><name initialize-with="." name-as-sort-order="all" and="text" '
             'delimiter=", " suffix=","/></names>')
    assert entry(tmp_path, names, THREE_AUTHORS) == "Aa, B.,, Cc, D., and Ee, F.,"


def test_an_organisation_prints_with_the_name_formatting_merged_with_the_family_formatting(tmp_path):
    """citeproc-js prints an organisation with one institution-part token: the cs:name's font
    attributes and text-case, each overridden by the family name-part's; no affixes of either."""
    item = dict(BOOK, author=[{"family": "Aa", "given": "B"}, {"literal": "Group Org"}])
    names = ('<names variable="author"><name font-style="italic" prefix="(" suffix=")">'
             '<name-part name="family" font-weight="bold" text-case="uppercase" prefix="[" suffix="]"/>'
             '</name></names>')
    assert entry(tmp_path, names, item) == "(<i>B [<b>AA</b>]</i>), <b><i>GROUP ORG</i></b>"


# display divs ----------------------------------------------------------------------------------

NUMBERED = {"id": "a", "type": "book", "title": "Title"}


def test_no_seam_joins_the_two_parts_of_a_second_field_aligned_entry(tmp_path):
    """citeproc-js prints "1] " in the left margin and " Title" in the right part: a display div
    is a wall for the seam rule that prints a doubled space once."""
    layout = '<text variable="citation-number" suffix="] "/><text variable="title" prefix=" "/>'
    text = entry(tmp_path, layout, NUMBERED, options=' second-field-align="flush"')
    assert '<div class="csl-left-margin">1] </div><div class="csl-right-inline"> Title</div>' in text


def test_a_trailing_space_at_the_end_of_the_entry_leaves_the_last_display_div(tmp_path):
    """citeproc-js migrates an entry's trailing space up and out of the last display div (its
    output queue's upward pass), as far as no font formatting holds it."""
    layout = ('<text variable="citation-number" suffix=". "/>'
              '<group suffix=". "><text variable="title" suffix="; "/></group>')
    text = entry(tmp_path, layout, NUMBERED, options=' second-field-align="flush"')
    assert '<div class="csl-right-inline">Title; .</div>' in text
    blocks = '<group display="block"><text variable="title" suffix=" "/></group>' * 2
    text = entry(tmp_path, blocks, NUMBERED)
    assert '<div class="csl-block">Title </div>' in text and '<div class="csl-block">Title</div>' in text


def test_a_trailing_space_inside_italics_stays_in_the_display_div(tmp_path):
    layout = ('<text variable="citation-number" suffix=". "/>'
              '<group font-style="italic"><text variable="title" suffix=" "/></group>')
    text = entry(tmp_path, layout, NUMBERED, options=' second-field-align="flush"')
    assert '<div class="csl-right-inline"><i>Title </i></div>' in text


LEADING_SPACE = ('<group display="left-margin">{title}</group>'
                 '<group display="right-inline"><text variable="publisher" prefix=" "/></group>')


def test_a_space_that_begins_an_entry_is_printed_before_its_first_display_div(tmp_path):
    """citeproc-js's output queue migrates a first child's leading space up to its parent as far
    as no font formatting holds it (@display is not font formatting), out of the div."""
    text = entry(tmp_path, LEADING_SPACE.format(title='<text variable="title" prefix=" "/>'))
    assert text == (' \n    <div class="csl-left-margin">Title</div>'
                    '<div class="csl-right-inline"> Press</div>\n  ')


def test_a_space_inside_italics_at_the_start_of_an_entry_stays_in_the_display_div(tmp_path):
    title = '<group font-style="italic"><text variable="title" prefix=" "/></group>'
    text = entry(tmp_path, LEADING_SPACE.format(title=title))
    assert text.startswith('\n    <div class="csl-left-margin"><i> Title</i></div>')


# text ------------------------------------------------------------------------------------------

def test_superscript_characters_print_as_sup_in_html(tmp_path):
    """citeproc-js's HTML text escaping writes Unicode superscript letters and digits (a
    French locale's "nᵒ" and "2ᵉ", a title's "m²") as <sup> elements."""
    item = dict(BOOK, title="Doses per m² in the 2ᵉ trial, nᵒ 3")
    assert entry(tmp_path, '<text variable="title"/>', item) == \
        "Doses per m<sup>2</sup> in the 2<sup>e</sup> trial, n<sup>o</sup> 3"


def test_two_spaces_print_as_a_no_break_space_and_a_space_in_html(tmp_path):
    assert entry(tmp_path, '<text variable="title" suffix="  "/><text variable="publisher"/>') == \
        "Title\u00a0 Press"


def test_plain_text_keeps_superscript_characters(tmp_path):
    item = dict(BOOK, title="Doses per m²")
    engine = Engine(style_file(tmp_path, '<text variable="title"/>'), options=EngineOptions(links=False))
    assert engine.bibliography([item], "text")[0].text == "Doses per m²"


def test_with_display_on_the_first_part_the_layout_suffix_ends_the_last_part(tmp_path):
    """citeproc-js (node_layout.js): when the layout starts with a display element, its suffix
    takes the place of the last part's own suffix, inside that part's div."""
    parts = ('<group display="left-margin"><text variable="title" suffix=" "/></group>'
             '<group display="right-inline"><text variable="title" suffix=" "/></group>')
    text = entry(tmp_path, parts, NUMBERED, layout_attributes=' suffix="."')
    assert text.endswith('<div class="csl-right-inline">Title .</div>\n  ')
    last_plain = ('<group display="left-margin"><text variable="title" suffix=" "/></group>'
                  '<text variable="title" suffix=" "/>')
    assert entry(tmp_path, last_plain, NUMBERED, layout_attributes=' suffix="."').endswith("</div>Title.")


def test_the_layout_font_formatting_wraps_both_divs_of_a_second_field_aligned_entry(tmp_path):
    """citeproc-js (makeBibliography) puts cs:layout's decorations on the entry itself: they wrap
    the display divs, once, and the layout's affixes stay inside the two parts."""
    layout = '<text variable="citation-number" suffix=". "/><text variable="title"/>'
    text = entry(tmp_path, layout, NUMBERED, options=' second-field-align="flush"',
                 layout_attributes=' font-style="italic" prefix="[" suffix="]"')
    assert text == ('<i>\n    <div class="csl-left-margin">[1. </div>'
                    '<div class="csl-right-inline">Title]</div>\n  </i>')


def test_second_field_align_with_one_field_puts_it_in_the_left_margin(tmp_path):
    layout = ('<group delimiter=". " suffix=".">'
              '<text variable="citation-number"/><text variable="title"/></group>')
    text = entry(tmp_path, layout, NUMBERED, options=' second-field-align="flush"')
    assert text.strip() == '<div class="csl-left-margin">1. Title.</div>'


def test_a_space_inside_italics_and_a_space_after_them_both_print(tmp_path):
    """citeproc-js prints a doubled space once only between pieces without font formatting: a
    space that ends italic text stays inside them, and the next piece keeps its own."""
    layout = ('<group font-style="italic"><text variable="title" suffix=" "/></group>'
              '<text variable="publisher" prefix=" "/>')
    assert entry(tmp_path, layout) == "<i>Title </i> Press"
    layout = ('<text variable="title" suffix=" "/>'
              '<group font-style="italic"><text variable="publisher" prefix=" "/></group>')
    assert entry(tmp_path, layout) == "Title <i> Press</i>"

