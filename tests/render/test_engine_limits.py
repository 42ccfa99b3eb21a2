"""Work per entry is bounded (issue 12, hole 15): a style made slow on purpose stops with a
one-line StyleError naming it, instead of running for minutes."""

from __future__ import annotations

import pytest

from evidencebib.errors import StyleError
from evidencebib.render import render_bibliography
from evidencebib.render.styles import MAX_STYLE_BYTES

ITEMS = [{"id": f"i{n}", "type": "book", "title": f"Title {n}", "issued": {"date-parts": [[2000 + n]]}}
         for n in range(5)]
HEAD = ('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">'
        '<info><id>slow</id><title>slow</title><updated>2020-01-01T00:00:00+00:00</updated></info>')


def write(tmp_path, body: str, name: str = "slow"):
    path = tmp_path / f"{name}.csl"
    path.write_text(HEAD + body + "</style>", encoding="utf-8")
    assert path.stat().st_size < MAX_STYLE_BYTES
    return path


def test_sixty_thousand_repeated_variables_stop_with_a_one_line_style_error(tmp_path):
    layout = '<text variable="title"/>' * 60_000
    style = write(tmp_path, f"<citation><layout><text variable=\"title\"/></layout></citation>"
                            f"<bibliography><layout>{layout}</layout></bibliography>")
    with pytest.raises(StyleError, match=r"style slow is too complex") as caught:
        render_bibliography(ITEMS, style, "text", cache=False)
    assert "\n" not in str(caught.value)


def test_macros_that_multiply_their_work_stop_too(tmp_path):
    # ten macros, each calling the next ten times: 10**10 evaluations if nothing stopped it
    macros = ['<macro name="m9"><text variable="title"/></macro>']
    for level in range(8, -1, -1):
        macros.append(f'<macro name="m{level}">' + f'<text macro="m{level + 1}"/>' * 10 + "</macro>")
    style = write(tmp_path, "".join(macros) + '<citation><layout><text variable="title"/></layout></citation>'
                            '<bibliography><layout><text macro="m0"/></layout></bibliography>', "bomb")
    with pytest.raises(StyleError, match=r"style bomb is too complex"):
        render_bibliography(ITEMS, style, "text", cache=False)


def test_a_macro_calling_itself_is_refused_when_the_style_loads(tmp_path):
    style = write(tmp_path, '<macro name="a"><text macro="b"/></macro>'
                            '<macro name="b"><text macro="a"/></macro>'
                            '<citation><layout><text macro="a"/></layout></citation>'
                            '<bibliography><layout><text macro="a"/></layout></bibliography>', "loop")
    with pytest.raises(StyleError, match=r"style loop: macros call each other in a loop \(a -> b -> a\)"):
        render_bibliography(ITEMS, style, "text", cache=False)


def test_ordinary_styles_stay_far_below_the_bound():
    from evidencebib.render import elements
    from evidencebib.render.options import DEFAULT_MAX_ELEMENTS
    from evidencebib.render.engine import Engine, EngineOptions

    peak = []
    original = elements.LayoutElement.evaluate

    def measured(self, ctx):
        node = original(self, ctx)
        peak.append(ctx.limit - ctx.budget)
        return node

    items = [{"id": "a", "type": "chapter", "title": "T", "container-title": "B", "page": "1-9",
              "author": [{"family": f"N{n}", "given": "A. B."} for n in range(30)],
              "editor": [{"family": "E", "given": "F."}], "issued": {"date-parts": [[2020, 3, 4]]},
              "publisher": "P", "publisher-place": "X", "DOI": "10.1/x", "URL": "https://x.org"}]
    elements.LayoutElement.evaluate = measured
    try:
        for style in ("apa", "chicago", "vancouver", "harvard", "modern-language-association"):
            Engine(style, options=EngineOptions(optimised=False)).bibliography(items, "text")
    finally:
        elements.LayoutElement.evaluate = original
    assert 0 < max(peak) < DEFAULT_MAX_ELEMENTS / 50
