"""Reader extras carried through formats that have a harmless place for them (issue 15).

A reader keeps what no CSL variable holds under a private key of the item, as `[name, value]`
pairs: `_bibtex` (BibTeX fields: JabRef's `groups`, `owner`, `timestamp`, `file` …), `_ris`
(RIS tags: `AD`, `L1` …), `_medline` (MEDLINE tags), `_endnote` (EndNote XML elements:
`auth-address`, `urls/pdf-urls/url` …) and `_refer` (EndNote tagged / Refer tags: `%+`, `%H` …;
read only, so only the other formats carry them). The format a pair came from writes it back where it
was. Two other formats carry them so that our own import restores them:

* CSL-JSON, under `custom` (the data schema's object for "additional information that does
  not have a designated CSL JSON field", which it prefers to `note` for key/value pairs
  because styles print `note`): `"evidencebib-bibtex": [["groups", "IVIg"], …]`, one key per
  reader (`to_custom`, `from_custom`).
* EndNote XML, as lines of the record's Research Notes (`research-notes`, which EndNote,
  Zotero and JabRef keep as a note and no style prints): `evidencebib BibTeX groups: IVIg`,
  and the truncated name lists (BibTeX `and others`) as `evidencebib et al.: author`
  (`to_lines`, `from_lines`); RIS writes the same lines as `RN` (Research Notes). Both also
  carry a name their `Family, Given` form reads back in other parts (`{van Gogh}, Vincent`)
  as `evidencebib name: author 1 {…}` (`name_lines`, `restore_names`). A value that
  whitespace collapsing would change (a line break, a run of spaces, a control character) or
  that starts with `"` is written as an ASCII JSON string.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, MutableMapping

from evidencebib.model import ET_AL

# private key -> the reader's name, as reports and carried lines show it
KINDS = {"_bibtex": "BibTeX", "_ris": "RIS", "_medline": "MEDLINE", "_endnote": "EndNote",
         "_refer": "Refer"}
_BY_NAME = {name: key for key, name in KINDS.items()}
# `custom` key of each kind in CSL-JSON
CUSTOM = {key: f"evidencebib-{name.lower()}" for key, name in KINDS.items()}
_BY_CUSTOM = {custom: key for key, custom in CUSTOM.items()}

PREFIX = "evidencebib"
_LINE = re.compile(rf"{PREFIX} ({'|'.join(KINDS.values())}) (\S+): (.*)")
_ET_AL_LINE = re.compile(rf"{PREFIX} et al\.: (.+)")


def pairs(item: Mapping[str, Any], key: str) -> list[tuple[str, str]]:
    """The well-formed `[name, value]` pairs of one kind of extras (empty values left out)."""
    return [(str(pair[0]), str(pair[1])) for pair in item.get(key) or ()
            if isinstance(pair, (list, tuple)) and len(pair) == 2 and str(pair[0]).strip()
            and str(pair[1]).strip()]


def to_custom(item: Mapping[str, Any], kinds: frozenset[str] = frozenset(KINDS)) -> dict[str, Any]:
    """CSL-JSON `custom` entries carrying the item's extras of `kinds`."""
    return {CUSTOM[key]: [list(pair) for pair in pairs(item, key)]
            for key in KINDS if key in kinds and pairs(item, key)}


def from_custom(item: MutableMapping[str, Any]) -> None:
    """Take the extras `to_custom` wrote out of the item's `custom` back to their keys."""
    custom = item.get("custom")
    if not isinstance(custom, dict):
        return
    for name in [n for n in custom if n in _BY_CUSTOM]:
        value = custom.pop(name)
        if isinstance(value, list):
            found = pairs({"x": value}, "x")
            if found:
                item[_BY_CUSTOM[name]] = [list(pair) for pair in found]
    if not custom:
        del item["custom"]


def _value(text: str) -> str:
    if text != " ".join(text.split()) or text.startswith('"') or not text.isprintable():
        # ASCII JSON, a space after a space escaped: nothing a reader's whitespace
        # collapsing changes (a no-break space is whitespace to str.split)
        return re.sub(r"(?<= ) ", r"\\u0020", json.dumps(text))
    return text


def _unvalue(text: str) -> str:
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, str):
            return value
    return text


def to_lines(item: Mapping[str, Any], kinds: frozenset[str]) -> list[str]:
    """Research-notes lines carrying the item's extras of `kinds` and its truncated name
    lists."""
    lines = [f"{PREFIX} {KINDS[key]} {name}: {_value(value)}"
             for key in KINDS if key in kinds for name, value in pairs(item, key)
             if not any(c.isspace() for c in name)]
    truncated = [str(v) for v in item.get(ET_AL) or () if item.get(v)]
    if truncated:
        lines.append(f"{PREFIX} et al.: {' '.join(truncated)}")
    return lines


def from_lines(text: str) -> tuple[dict[str, list[list[str]]], list[str], str]:
    """(extras by private key, truncated name variables, the other lines) of a research note
    that `to_lines` wrote lines into."""
    found: dict[str, list[list[str]]] = {}
    truncated: list[str] = []
    rest: list[str] = []
    for line in text.split("\n"):
        match = _LINE.fullmatch(line.strip())
        et_al = _ET_AL_LINE.fullmatch(line.strip())
        if match:
            found.setdefault(_BY_NAME[match.group(1)], []).append(
                [match.group(2), _unvalue(match.group(3))])
        elif et_al:
            truncated += [v for v in et_al.group(1).split() if v not in truncated]
        else:
            rest.append(line)
    return found, truncated, "\n".join(rest).strip("\n")


def restore_truncated(item: MutableMapping[str, Any], variables: list[str]) -> None:
    """Mark the name lists `variables` of the item truncated again (those it has)."""
    for variable in variables:
        if item.get(variable) and variable not in item.get(ET_AL, ()):
            item.setdefault(ET_AL, []).append(variable)


# The file links other readers keep as extras, which BibTeX holds in `file` (JabRef, Zotero's
# Better BibTeX): RIS `L1` (Zotero's RIS.js: attachments/PDF) and EndNote XML's
# `urls/pdf-urls/url` (its File Attachments, `internal-pdf://…`)
FILE_LINKS = (("_ris", "L1"), ("_endnote", "urls/pdf-urls/url"))


def files_for_bibtex(item: Mapping[str, Any]) -> dict[str, Any]:
    """`item` as a condition stores it (BibTeX): its RIS `L1` / EndNote `pdf-urls` links moved
    into a BibTeX `file` field, as written and `;`-separated (Better BibTeX's list), unless
    the item has a `file` of its own (then they stay where they were, and are reported)."""
    if any(name == "file" for name, _ in pairs(item, "_bibtex")):
        return dict(item)
    out = dict(item)
    links: list[str] = []
    for key, tag in FILE_LINKS:
        found = [value for name, value in pairs(item, key) if name == tag]
        if found:
            links += found
            out[key] = [pair for pair in item.get(key) or ()
                        if not (isinstance(pair, (list, tuple)) and len(pair) == 2
                                and str(pair[0]) == tag and str(pair[1]).strip())]
            if not out[key]:
                del out[key]
    if links:
        out["_bibtex"] = [list(pair) for pair in item.get("_bibtex") or ()] + [
            ["file", ";".join(links)]]
    return out


# A name the `Family, Given` form of RIS and EndNote XML cannot tell from another (redteam5 F17):
# BibTeX's braced family `{van Gogh}, Vincent` (family "van Gogh", no particle) is written
# `van Gogh, Vincent`, as a particle name is, and `model.names.parse_name` reads a leading
# lower-case word as the non-dropping particle. Other programs read that line as one family
# (Zotero's lastName, EndNote's Last Name; citeproc-js then parses the particle for printing, as
# our engine does), so the line stays as it is for them, and a Research Notes line carries the
# name as it was for our own import: `evidencebib name: author 1 {"family": "van Gogh", …}`.
_NAME_LINE = re.compile(rf"{PREFIX} name: (\S+) (\d+) (\{{.*\}})")
_NAME_PARTS = ("family", "given", "non-dropping-particle", "dropping-particle", "suffix")


def _parts(name: Mapping[str, Any]) -> dict[str, str]:
    return {part: str(name[part]) for part in _NAME_PARTS if name.get(part)}


def name_lines(item: Mapping[str, Any]) -> list[str]:
    """Research-notes lines carrying the names of `item` that `format_name` writes so that
    `parse_name` reads other parts back (a family or given name with a lower-case word that
    is no particle)."""
    from evidencebib.model.names import format_name, parse_name
    from evidencebib.model.vocabulary import NAME_VARIABLES

    lines = []
    for variable in sorted(NAME_VARIABLES):
        for index, name in enumerate(item.get(variable) or (), start=1):
            if not isinstance(name, Mapping) or name.get("literal") or not name.get("family"):
                continue
            parts = _parts(name)
            text = format_name(parts)
            if _parts(parse_name(text)) != parts:
                lines.append(f"{PREFIX} name: {variable} {index} "
                             f"{json.dumps(parts, ensure_ascii=True)}")
    return lines


def restore_names(item: MutableMapping[str, Any], text: str) -> str:
    """Give the names `name_lines` carried in `text` back to `item` (a name only where the
    item's name at that place is still written the same: an edited list keeps its names, and
    the line, ours, is dropped); returns the other lines of `text`."""
    from evidencebib.model.names import format_name

    rest = []
    for line in text.split("\n"):
        match = _NAME_LINE.fullmatch(line.strip())
        names = item.get(match.group(1)) if match else None
        if match and isinstance(names, list):
            index = int(match.group(2)) - 1
            try:
                carried = json.loads(match.group(3))
            except ValueError:
                carried = None
            if isinstance(carried, dict) and 0 <= index < len(names) \
                    and all(isinstance(v, str) for v in carried.values()) \
                    and format_name(carried) == format_name(names[index]):
                names[index] = {k: v for k, v in carried.items() if k in _NAME_PARTS}
            continue
        rest.append(line)
    return "\n".join(rest)
