"""CSL 1.0.2 §"Group" suppression, which a cs:macro follows as a cs:group does (citeproc-js wraps
every macro in a group): the same children give the same text either way
(render/elements.py `evaluate_suppressible`, used by both). citeproc-js 2.4.63 prints the same
text for every case, as a group and as a macro."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencebib.render import render_bibliography

STYLE = """<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><id>t</id><title>t</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<macro name="m">{children}</macro>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout><text value="["/>{wrapped}<text value="]"/></layout></bibliography>
</style>"""

ITEM = {"id": "a", "type": "book", "title": "T", "publisher": "P"}

# (children, what the group or macro prints for ITEM; "" when suppressed)
CASES = [
    ('<text variable="volume"/>', ""),                                    # looks up, finds none
    ('<text term="in"/><text variable="volume"/>', ""),                   # a term does not save it
    ('<text term="in"/><text variable="publisher"/>', "inP"),             # one found variable
    ('<text term="no date" form="short"/>', "n.d."),                      # looks up none: prints
    ('<choose><if variable="issued"><date variable="issued"/></if>'
     '<else><text term="no date" form="short"/></else></choose>', "n.d."),  # conditions do not count
    ('<group><text value="x"/></group><text variable="volume"/>', "x"),   # a nested group that prints counts
    ('<text macro="inner"/><text variable="volume"/>', "P"),              # so does a macro that prints
    ('<names variable="editor"/>', ""),                                   # an empty name variable
]
INNER = '<macro name="inner"><text variable="publisher"/></macro>'


def render(tmp_path: Path, children: str, as_macro: bool) -> str:
    wrapped = '<text macro="m"/>' if as_macro else f"<group>{children}</group>"
    text = STYLE.format(children=children, wrapped=wrapped).replace("<citation>", INNER + "<citation>")
    path = tmp_path / f"{'macro' if as_macro else 'group'}.csl"
    path.write_text(text, encoding="utf-8")
    [entry] = render_bibliography([ITEM], path, "text", cache=False)
    return entry


@pytest.mark.parametrize("children, printed", CASES)
@pytest.mark.parametrize("as_macro", [False, True], ids=["group", "macro"])
def test_a_group_and_a_macro_are_suppressed_by_the_same_rule(tmp_path, children, printed, as_macro):
    assert render(tmp_path, children, as_macro) == f"[{printed}]"
