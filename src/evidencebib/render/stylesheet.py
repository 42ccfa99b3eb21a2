"""Loading a CSL style for our engine: parsed with our element classes, compiled once.

The style's bytes (already read and checked by render/styles.py: size cap, no DOCTYPE, a CSL
root) are parsed by an lxml parser that resolves no entities, loads no DTD and uses no network,
with *our* element-class lookup (render/elements.py), built like citeproc-py's
`CitationStylesXML` builds its own. citeproc-py's lookup, and so every citeproc-py user's
styles, are untouched (tests/render/test_engine_isolation.py).

`EngineStyle` is what an `Engine` renders with: the compiled element tree (every element
proxy kept alive, so the attributes compiled onto them stay), the merged locale
(render/locale.py, from citeproc-py's locale chain `Style.set_locale_list`), its macros and its
citation and bibliography. It never changes after loading, so several threads may render with
one `EngineStyle` at once.
"""

from __future__ import annotations

import io
import re
from typing import Any

from evidencebib.errors import StyleError, UsageError
from evidencebib.render import locale as csl_locale
from evidencebib.render.elements import CS, ELEMENT_CLASSES, Compiler

CSL_NS = "http://purl.org/net/xbiblio/csl"


def _parser():
    from citeproc import model
    from lxml import etree

    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NS)
    namespace[None] = model.CitationStylesElement  # citeproc-py's own class, as its lookup does
    namespace.update(ELEMENT_CLASSES)
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True, resolve_entities=False,
                             load_dtd=False, huge_tree=False)
    parser.set_element_class_lookup(lookup)
    return parser


class EngineStyle:
    """A style compiled for the engine."""

    def __init__(self, data: bytes, name: str, locale: str | None = None, decode: Any = None) -> None:
        from lxml import etree

        self.name = name
        try:
            tree = etree.parse(io.BytesIO(data), _parser())
        except etree.XMLSyntaxError as error:
            detail = " ".join(str(error).split())
            raise StyleError(f"style '{name}' is not well-formed XML: {detail}") from None
        root: Any = tree.getroot()  # citeproc-py's Style element (untyped), by the parser's lookup
        if root.tag != CS + "style":
            raise StyleError(f"'{name}' is not a CSL style (root element {root.tag!r})")
        if decode is None:  # how citeproc-js reads the style's text (render/overrides/styles.py)
            from evidencebib.render.overrides.styles import decode_style as decode
        decode(root)
        self.root = root
        wanted = locale or root.get("default-locale") or "en-US"
        if locale is not None and not csl_locale.known_locale(locale):
            raise UsageError(f"unknown locale '{locale}' (citeproc-py ships: "
                             f"{', '.join(csl_locale.shipped_locales())})")
        self.locale_tag = wanted
        try:
            root.set_locale_list(wanted, validate=False)  # citeproc-py's in-style/file fallback chain
        except Exception as error:  # a broken locale file or an unreadable locale name
            raise StyleError(f"style '{name}': cannot load locale '{wanted}' "
                             f"({type(error).__name__})") from None
        self.locale = csl_locale.merge(list(root.locales), wanted)
        compiler = Compiler(root, name, self.locale)
        self.compiler = compiler
        # every element proxy is kept alive: lxml drops the Python object (and what compile()
        # stored on it) of an element nothing references
        self._pinned = list(root.iter())
        for element in self._pinned:
            compile_ = getattr(type(element), "compile", None)
            if compile_ is not None:
                compile_(element, compiler)
        for element in self._pinned:
            localize = getattr(type(element), "c_localize", None)
            if localize is not None:
                localize(element, compiler)
        _check_macro_cycles(compiler)
        from evidencebib.render.elements import GroupElement, MacroElement
        from evidencebib.render.overrides.speed import absence_plan

        for element in self._pinned:
            if type(element) is GroupElement or type(element) is MacroElement:
                element.c_absent = absence_plan(element)
        self.citation = compiler.citation
        self.bibliography = compiler.bibliography
        self.macros = compiler.macros
        self.is_note = (root.get("class") or "in-text") == "note"
        self.page_range_format = compiler.page_range_format
        self.year_suffix_variable = compiler.year_suffix_variable
        # whether an entry's text can depend on its citation number (the render cache's entry key)
        # whether a cs:if/cs:else-if tests disambiguate="true" (CSL 1.0.2 §Choose)
        self.uses_disambiguate_condition = any(element.get("disambiguate") is not None
                                               for element in root.iter(CS + "if", CS + "else-if"))
        # how item data prints its quotes and apostrophes (render/overrides/quotes.py)
        self.data_as_written = data_typography(root) == "as-written"
        from evidencebib.render.overrides.quotes import quote_marks

        self.quote_marks = quote_marks(self.locale)
        self.numbered = any(element.get("variable") == "citation-number"
                            for element in root.iter(CS + "text", CS + "key", CS + "number"))

    def has_bibliography(self) -> bool:
        return self.bibliography is not None

    def option(self, section: str, name: str) -> str | None:
        element = self.citation if section == "citation" else self.bibliography
        return None if element is None else element.get(name)


_PSEUDO_ATTRIBUTE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def data_typography(root) -> str:
    """The style's `<?evidencebib data-typography="…"?>` (before its root element; XML's way to
    address one application, so the style stays valid CSL for every other processor):
    "as-written" prints the quotes and apostrophes of item data as they are written, anything
    else (the default, "typographic") as citeproc-js does (render/overrides/quotes.py)."""
    for node in root.itersiblings(preceding=True):
        if getattr(node, "target", None) == "evidencebib":
            for name, value in _PSEUDO_ATTRIBUTE.findall(node.text or ""):
                if name == "data-typography":
                    return value
    return "typographic"


def _check_macro_cycles(compiler: Compiler) -> None:
    """CSL 1.0.2 §"Macro": macros must not call themselves, directly or not."""
    calls: dict[str, set[str]] = {}
    for name, macro in compiler.macros.items():
        calls[name] = {text.get("macro") for text in macro.iter(CS + "text") if text.get("macro")}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = " -> ".join(path[path.index(name):] + [name])
            raise StyleError(f"style {compiler.name}: macros call each other in a loop ({cycle})")
        state[name] = 1
        for callee in sorted(calls.get(name, ())):
            if callee in calls:
                visit(callee, path + [name])
        state[name] = 2

    for name in sorted(calls):
        visit(name, [])


def load(data: bytes, name: str, locale: str | None = None) -> Any:
    return EngineStyle(data, name, locale)
