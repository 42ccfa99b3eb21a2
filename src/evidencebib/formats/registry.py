"""Format name -> reader/writer, for the CLI.

Every format module exposes `read(text, *, source) -> list[item]` and
`write(items, **options) -> str`; modules are imported lazily, so a format whose module is
missing (BibLaTeX before it is written) only fails when used, with a UsageError.

    fmt = registry.get("ris")        # also by alias or extension: "csljson", ".json", "refer"
    items = fmt.read(text, source=path)
    text = fmt.write(items, tags=["recurrent-miscarriage"])
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from evidencebib.errors import UsageError


@dataclass(frozen=True)
class Format:
    name: str
    module: str
    extensions: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    description: str = ""

    def load(self) -> Any:
        try:
            return importlib.import_module(self.module)
        except ModuleNotFoundError as error:
            if error.name == self.module:
                raise UsageError(f"format '{self.name}' is not available in this version "
                                 f"({self.module} is missing)") from None
            raise

    @property
    def read(self) -> Callable[..., list[dict]]:
        return self.load().read

    @property
    def write(self) -> Callable[..., str]:
        return self.load().write

    @property
    def available(self) -> bool:
        try:
            self.load()
        except UsageError:
            return False
        return True


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ris", "evidencebib.formats.ris", (".ris",), ("ris",),
           "RIS (EndNote, Zotero, Mendeley …); options: bom, tags"),
    Format("csl-json", "evidencebib.formats.csl_json", (".json", ".csl.json", ".csljson"),
           ("csljson", "csl", "json"), "CSL-JSON (citeproc, pandoc, Zotero); options: tags"),
    Format("endnote-xml", "evidencebib.formats.endnote_xml", (".xml",),
           ("endnote", "endnotexml", "enl-xml", "xml"), "EndNote XML; options: tags"),
    Format("bibtex", "evidencebib.formats.bibtex", (".bib", ".bibtex"), ("bib",), "BibTeX"),
    Format("biblatex", "evidencebib.formats.biblatex", (".biblatex",), (), "BibLaTeX (biber)"),
    Format("medline", "evidencebib.formats.medline", (".nbib", ".medline"), ("nbib", "pubmed"),
           "MEDLINE/PubMed .nbib (PubMed's 'Save > MEDLINE' and citation-manager files); "
           "options: tags"),
    Format("pubmed-xml", "evidencebib.formats.pubmed", (), ("pubmedxml", "efetch"),
           "PubMed XML (a saved EFetch PubmedArticleSet); read only"),
    Format("csl-yaml", "evidencebib.formats.csl_yaml", (".yaml", ".yml"), ("yaml", "cslyaml"),
           "CSL YAML (pandoc's YAML bibliography: a `references` list, Markdown in its values); "
           "read only"),
    Format("enw", "evidencebib.formats.refer", (".enw", ".refer"), ("refer", "endnote-tagged", "bibix"),
           "EndNote tagged / Refer (.enw: EndNote's 'Refer/BibIX' export, Google Scholar, "
           "publishers' 'download citation'); read only"),
)}


def names() -> list[str]:
    return list(FORMATS)


def get(name: str) -> Format:
    """A format by name, alias or file extension (case-insensitive)."""
    key = name.strip().lower()
    if key in FORMATS:
        return FORMATS[key]
    for fmt in FORMATS.values():
        if key in fmt.aliases:
            return fmt
    dotted = key if key.startswith(".") else "." + key
    for fmt in FORMATS.values():
        if dotted in fmt.extensions:
            return fmt
    raise UsageError(f"unknown format '{name}' (known: {', '.join(FORMATS)})")


def for_path(path: str | Path) -> Format | None:
    """The format a file name suggests (longest matching extension), or None."""
    lowered = str(path).lower()
    best: tuple[int, Format] | None = None
    for fmt in FORMATS.values():
        for ext in fmt.extensions:
            if lowered.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), fmt)
    return best[1] if best else None


def reader(name: str) -> Callable[..., list[dict]]:
    return get(name).read


def writer(name: str) -> Callable[..., str]:
    return get(name).write
