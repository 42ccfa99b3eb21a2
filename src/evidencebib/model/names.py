"""CSL names: one normaliser for every reader and writer.

A CSL name is a person in parts (`family`, `given`, particles, `suffix`) or any name as a
single `literal` (organisations, names that must not be split). The rules here:

* **Text form** (RIS, EndNote XML, free-text lists): `Family, Given[, Suffix]`; a name
  without a comma is an organisation (`literal`), as Zotero reads RIS, and so is one of
  several words ended by its only comma, EndNote's corporate author (`World Health
  Organization,`), as written — unless its first word is lower case (`van den Hoven,`: a
  person without a given name; an organisation named so is written without the comma). Particles:
  leading lower-case words of the family part are the non-dropping particle (`van der Berg,
  Jan`), trailing lower-case words of the given part the dropping particle (`Beethoven,
  Ludwig van`). `parse_name` / `format_name` are inverses on that form.
* **Registry data** (Crossref, DataCite): the family field is the whole family name, and
  some deposits are all lower case (`zhang`), so only known particles are split off
  (`split_known_particle`).
* **Truncated lists**: a trailing name `others` (BibTeX's keyword, pandoc's and citeproc-js's
  reading of it) or `et al` is no person; `strip_others` removes it and reports the list as
  truncated, which the item records in its private `_et_al` key. So is an `et al.` written
  inside the last name (`Born, L. et al.`, BibTeX then reads `L. et al.` as the given name).
* **Placeholders**: a name part that is exactly `null` or `undefined` (lower case, or in
  capitals) is what a JavaScript or database exporter wrote for a missing part (Mendeley's
  BibTeX `van den Hoven, null`, `null, John`, `Doe, NULL`); `without_placeholders` drops it
  (`parse_name`, `normalize_name` and the BibTeX reader apply it; the BibTeX reader notes it,
  and leaves out a name that is nothing but one, `{null}`); a person called `Null` is left alone.
* **CSL-JSON objects**: `normalize_name` keeps the schema's name parts only, as strings
  (the flags `comma-suffix`, `static-ordering`, `parse-names` as given); a string is read as
  the text form.
* **Particles inside name parts** (`parse_particles`): what citeproc-js (and so Zotero) reads
  out of a CSL-JSON name before printing it, and the engine with it: leading words of
  `family` starting with a lower-case letter, or ending in a hyphen or apostrophe (`van der
  Berg`, `al-One`, `d'Aubignac`), are the non-dropping particle; trailing lower-case words of
  `given` the dropping particle (`Ludwig van`); a suffix after a comma in `given` (`John, III`;
  `John,! Jr.` keeps the comma: `comma-suffix`). A family in double quotes, `parse-names:
  false` or an explicit non-dropping particle leave the name as given. Stored data is never
  rewritten with it: it is how a name is read for printing and sorting.

BibTeX's own name syntax (`von Last, Jr, First`) is parsed in formats/bibtex.py, where the
syntax lives; it produces these parts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping  # typing's alias makes every isinstance a slow Python call
from typing import Any

from evidencebib.model.vocabulary import NAME_FLAGS, NAME_PARTS

# Family-name particles split off registry data (Crossref's `family` holds the whole name).
KNOWN_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le",
    "ter", "ten", "zu", "af", "av", "op", "het", "'t", "in"})
# What a trailing "name" of a truncated list says instead of a person.
# (`others.` with the sentence's full stop, `etal`, `al.` for `et al.` cut short, German
# `u. a.`, "und andere", and Latin `et alii`/`et alia`: redteam6 G16)
_OTHERS = frozenset({"others", "others.", "and others", "et al", "et al.", "et. al.", "etal",
                     "etal.", "al.", "u.a.", "u. a.", "et alii", "et alia", "et alii.", "et alia."})
# `et al.` written at the end of the last name's given (or literal, or family) part.
_TRAILING_ET_AL = re.compile(r"[\s,;]+et\.?\s*al(?:ii|ia)?\.?\s*$", re.IGNORECASE)
_PLACEHOLDERS = frozenset({"null", "undefined"})


# citeproc-js's particle tokens (src/load.js PARTICLE_FAMILY_REGEXP / PARTICLE_GIVEN_REGEXP): a
# run of non-spaces ended by a hyphen, an apostrophe (' ʻ ’) or a space; the given-name one
# is matched on the reversed text, so it finds the last word first.
_FAMILY_TOKEN = re.compile("^([^ ]+(?:-|\u02bb|\u2019| |') *)(.+)$")
_GIVEN_TOKEN = re.compile("^([^ ]+(?:\u02bb |\u2019 | |' ) *)(.+)$")
_TOKEN_HEAD = re.compile("^[-'\u02bb\u2019\\s]*(.).*$")
_SUFFIX_COMMA = re.compile(r"\s*,!*\s*")


def _is_particle(token: str) -> bool:
    """A token is a particle when its first letter (leading hyphens, apostrophes and spaces
    skipped) changes under upper-casing: it is lower case."""
    match = _TOKEN_HEAD.match(token)
    first = match.group(1) if match else token
    return first.upper() != first


def _leading_particles(family: str) -> tuple[str, str]:
    """('van der ', 'Berg') from 'van der Berg'; ('al-', 'One') from 'al-One'."""
    taken = 0
    rest = family
    while True:
        match = _FAMILY_TOKEN.match(rest)
        if match is None or not _is_particle(match.group(1)):
            break
        taken += len(match.group(1))
        rest = match.group(2)
    return family[:taken], family[taken:]


def _trailing_particles(given: str) -> tuple[str, list[str]]:
    """('Ludwig', ['van']) from 'Ludwig van': particles at the end of a given name."""
    found: list[str] = []
    rest = given
    remaining = given[::-1]
    while True:
        match = _GIVEN_TOKEN.match(remaining)
        if match is None:
            break
        token = match.group(1)[::-1]
        if not _is_particle(token):
            break
        found.append(rest[-len(token):])
        rest = rest[:-len(token)]
        remaining = match.group(2)
    found.reverse()
    for index in range(1, len(found)):
        if found[index].startswith(" "):
            found[index - 1] += " "
    return rest, [token[1:] if token.startswith(" ") else token for token in found]


def _trim_particle(text: str) -> str:
    """Trimmed, but a space after a final apostrophe stays ("d' Artagnan" keeps its gap)."""
    trimmed = text.strip()
    if text.endswith(" ") and trimmed[-1:] in ("'", "\u2019"):
        trimmed += " "
    return trimmed


def parse_particles(name: Mapping[str, Any]) -> dict[str, Any]:
    """The name as citeproc-js reads it for printing (citeproc-js `CSL.parseParticles` and
    `NameOutput._parseName`; CSL 1.0.2 §"Name Particles"): particles out of `family` and
    `given`, a suffix out of `given`. Returns a new dict; `name` is not changed."""
    out = dict(name)
    if out.get("literal") or out.get("parse-names") in (False, 0, "false"):
        return out
    family = out.get("family")
    if isinstance(family, str) and len(family) > 1 and family.startswith('"') and family.endswith('"'):
        out["family"] = family[1:-1]
        return out
    given = out.get("given")
    if out.get("non-dropping-particle") or not isinstance(family, str) or not family \
            or not isinstance(given, str) or not given or out.get("static-particles"):
        return out
    particle, family = _leading_particles(family)
    particle = _trim_particle(particle)
    if particle:
        out["family"] = family
        out["non-dropping-particle"] = particle
    if not out.get("suffix"):
        match = _SUFFIX_COMMA.search(given)
        if match is not None:
            suffix = given[match.end():]
            if suffix.replace(".", "") != "et al":
                if match.group(0).replace(" ", "") == ",!":
                    out["comma-suffix"] = True
                if suffix:
                    out["suffix"] = suffix
                given = given[:match.start()]
    given, dropping = _trailing_particles(given)
    dropping_text = "".join(dropping).strip()
    if dropping_text:
        out["dropping-particle"] = dropping_text
    if given:
        out["given"] = given
    else:
        out.pop("given", None)
    return out


def _split_particle(family: str) -> tuple[str, str]:
    """('van der', 'Berg') from 'van der Berg': leading all-lower-case words are a particle."""
    words = family.split()
    particle = []
    while len(words) > 1 and words[0] == words[0].lower() and any(c.isalpha() for c in words[0]):
        particle.append(words.pop(0))
    return " ".join(particle), " ".join(words)


def _split_dropping(given: str) -> tuple[str, str]:
    """('Ludwig', 'van') from 'Ludwig van': trailing all-lower-case words are a particle."""
    words = given.split()
    particle: list[str] = []
    while len(words) > 1 and words[-1] == words[-1].lower() and any(c.isalpha() for c in words[-1]):
        particle.insert(0, words.pop())
    return " ".join(words), " ".join(particle)


def split_known_particle(family: str) -> tuple[str, str]:
    """('van der', 'Berg') from 'van der Berg', splitting only `KNOWN_PARTICLES` (single
    spaces, as registries write names)."""
    words = family.split(" ")
    particle: list[str] = []
    while len(words) > 1 and words[0] in KNOWN_PARTICLES:
        particle.append(words.pop(0))
    return " ".join(particle), " ".join(words)


def parse_name(text: str) -> dict[str, str]:
    """A name as written in RIS/EndNote: `Family, Given[, Suffix]`; no comma = organisation,
    and so is a name of several words ended by its only comma (`World Health Organization,`:
    EndNote's manual, "Author and Editor Names": "put a comma after the name" of a corporate
    author; Zotero's RIS.js reads it as one field too)."""
    text = " ".join(text.split())
    if "," not in text:
        return {"literal": text}
    if _corporate(text[:-1].rstrip()) and text.endswith(",") and "," not in text[:-1]:
        return {"literal": text[:-1].rstrip()}
    family, _, rest = (part.strip() for part in text.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    name: dict[str, str] = {}
    particle, family = _split_particle(family)
    given, dropping = _split_dropping(given)
    if family:
        name["family"] = family
    if given:
        name["given"] = given
    if dropping:
        name["dropping-particle"] = dropping
    if particle:
        name["non-dropping-particle"] = particle
    if suffix:
        name["suffix"] = suffix
    if not name:
        name["literal"] = text
    return without_placeholders(name)


def organisation_with_comma(name: Any) -> bool:
    """Whether `name` is an organisation whose name has a comma (`Miljø- og Teknikudvalget,
    Fredensborg Kommune`): `format_name` cannot write it so that `parse_name` reads an
    organisation (RIS and EndNote tell a person by the comma), as Zotero's and EndNote's
    readers cannot either."""
    return (isinstance(name, Mapping) and bool(name.get("literal")) and not name.get("family")
            and "," in str(name["literal"]))


def _corporate(text: str) -> bool:
    """Whether `Text,` (a name ended by its only comma) is EndNote's corporate author: several
    words, the first not lower case (`van den Hoven,` is a person whose given name is missing,
    as Citavi writes one: the leading lower-case words are particles, `parse_name`)."""
    return " " in text and not text[:1].islower()


def format_name(name: Mapping[str, Any]) -> str:
    """Inverse of `parse_name`: persons always carry a comma; an organisation of several
    words ends in one (EndNote's mark of a corporate author, which it would otherwise split
    into last and first names), one of one word or with a comma of its own is written as is."""
    if name.get("literal") and not name.get("family"):
        literal = " ".join(str(name["literal"]).split())
        return f"{literal}," if _corporate(literal) and "," not in literal else literal
    family = " ".join(str(name.get("family") or "").split())
    particle = " ".join(str(name.get("non-dropping-particle") or "").split())
    if particle:
        family = f"{particle} {family}" if family else particle
    given = " ".join(str(name.get("given") or "").split())
    dropping = " ".join(str(name.get("dropping-particle") or "").split())
    if dropping:
        given = f"{given} {dropping}" if given else dropping
    suffix = " ".join(str(name.get("suffix") or "").split())
    text = f"{family}, {given}" if given else f"{family},"
    if suffix:
        text = f"{family}, {given}, {suffix}"
    return text


def normalize_name(name: Any) -> dict[str, Any]:
    """A CSL-JSON name object (or a name as text) with only the schema's parts, as strings.

    Raises TypeError for anything else, and for a name with no part at all.
    """
    if isinstance(name, str):
        return parse_name(name)
    if not isinstance(name, Mapping):
        raise TypeError(f"a name must be an object, not {type(name).__name__}")
    out = {}
    for key, value in name.items():
        if key in NAME_PARTS and value not in (None, ""):
            out[key] = value if key in NAME_FLAGS else str(value)
    if not out:
        raise TypeError("an empty name")
    return without_placeholders(out)


def is_others(name: Mapping[str, Any]) -> bool:
    """Whether a name in a list stands for "and others" rather than a person."""
    text = str(name.get("literal") or name.get("family") or "").strip().lower()
    return text in _OTHERS and not name.get("given")


def _is_split_others(name: Mapping[str, Any]) -> bool:
    """`et al.` as BibTeX's grammar splits it: `and et al.` is given or particle `et` and
    family `al.` (lower-case words are particles), `and al., et` family `al.`, given `et`.
    (Only after another name: a list of one is a person.)"""
    if name.get("suffix") or name.get("literal"):
        return False
    words = " ".join(str(name.get(part) or "") for part in
                     ("given", "dropping-particle", "non-dropping-particle", "family")).split()
    # written as the phrase: a lower-case `et` or the abbreviation's full stop (a person
    # called Et Al, `Al, Et`, keeps the name)
    return (" ".join(words).lower() in _OTHERS
            and (words[0] in ("et", "et.") or words[-1].endswith(".")))


def strip_others(names: list[Any]) -> tuple[list[Any], bool]:
    """(the names without trailing "others", whether any were there: the list is truncated).

    An `et al.` at the end of the last name (`Born, L. et al.`) is cut from that name."""
    end = len(names)
    while end and isinstance(names[end - 1], Mapping) and (
            is_others(names[end - 1]) or (end > 1 and _is_split_others(names[end - 1]))):
        end -= 1
    if end < len(names):
        return names[:end], True
    if names and isinstance(names[-1], Mapping):
        last = names[-1]
        given = " ".join(str(last.get("given") or "").split()).lower()
        if given in _OTHERS and last.get("suffix") and last.get("family"):
            # `Born, L., et al.`: BibTeX's `Last, Jr, First` reading makes `L.` the suffix and
            # `et al.` the given name; the writer meant the given name, then "and others"
            name = {k: v for k, v in last.items() if k not in ("given", "suffix")}
            name["given"] = last["suffix"]
            return names[:-1] + [name], True
        suffix = " ".join(str(last.get("suffix") or "").split()).lower()
        if suffix in _OTHERS:  # RIS `AU  - Doe, J, et al.`: the third part is the suffix
            return names[:-1] + [{k: v for k, v in last.items() if k != "suffix"}], True
        for part in ("given", "literal", "family"):
            value = last.get(part)
            if isinstance(value, str) and "al" in value.lower() and _TRAILING_ET_AL.search(value):
                cut = _TRAILING_ET_AL.sub("", value)
                name = {k: v for k, v in last.items() if k != part}
                if cut:
                    name[part] = cut
                return (names[:-1] + [name] if any(v for k, v in name.items()
                                                   if k in NAME_PARTS and k not in NAME_FLAGS)
                        else names[:-1]), True
    return names, False


_GENERATIONAL = re.compile(r"(?:jr|sr|jnr|snr|junior|senior|[ivx]+|\d+(?:st|nd|rd|th))\.?", re.IGNORECASE)


def list_problem(name: Mapping[str, Any]) -> str | None:
    """Why a name read from a BibTeX list looks like something other than one person, or None.

    BibTeX separates names with `and`; a list pasted with commas (`Born L, Smith J`) or
    semicolons (`Smith, J.; Doe, J.`) is read as one name whose "Jr" part holds the other
    names (BibTeX itself says "Too many commas in name"); a name of punctuation only
    (`author = {, }`) is empty."""
    parts = [str(name.get(part) or "") for part in NAME_PARTS if part not in NAME_FLAGS]
    if not any(ch.isalnum() for text in parts for ch in text):
        return "an empty name (left out)"
    if any(";" in text for text in parts):
        return "names separated by ';' (BibTeX separates names with 'and')"
    suffix = str(name.get("suffix") or "").strip()
    if suffix and " " in suffix and not _GENERATIONAL.fullmatch(suffix):
        return (f"'{suffix}' read as the suffix (Jr.) of one name: names separated by commas? "
                "(BibTeX separates names with 'and')")
    return None


def is_placeholder(value: Any) -> bool:
    """Whether a whole name part only says "missing": `null`/`undefined` as a JavaScript
    exporter writes them, or in capitals (`NULL`, a database's); `Null` may be a person."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text in _PLACEHOLDERS or (text.isupper() and text.lower() in _PLACEHOLDERS)


def placeholder_parts(name: Mapping[str, Any]) -> list[str]:
    """The parts of `name` that are placeholders (`is_placeholder`)."""
    return [k for k, v in name.items() if k not in NAME_FLAGS and is_placeholder(v)]


def without_placeholders(name: dict[str, Any]) -> dict[str, Any]:
    """`name` without parts that only say "missing" (`null`, `undefined`, `NULL`)."""
    if not placeholder_parts(name):
        return name
    kept = {k: v for k, v in name.items() if k in NAME_FLAGS or not is_placeholder(v)}
    return kept if any(k not in NAME_FLAGS for k in kept) else name
