"""What a CSL item may say: every CSL 1.0.2 variable and item type, and how CSL-JSON spells them.

Sources, and the tests that hold this module to them (tests/model/test_vocabulary.py):

* the CSL 1.0.2 specification, Appendix III (types) and Appendix IV (variables), which is also
  the style schema `csl-variables.rnc` / `csl-types.rnc` that citeproc-py installs
  (`citeproc/data/schema/schemas/styles/`);
* the official CSL-JSON data schema `csl-data.json` (citation-style-language/schema,
  `schemas/input/`, draft-07, `additionalProperties: false`).

The two disagree, and an item has to live with both: styles ask for the specification's names,
files are validated against the data schema. The differences, all of them:

* three number variables were renamed in the style schema for 1.0.2 (schema commit 910c52b,
  "Rename variables (#318)") but not in the data schema: `part-number`, `printing-number`,
  `supplement-number` are `part`, `printing`, `supplement` in CSL-JSON (`SCHEMA_SPELLINGS`);
* `license` and `editor-translator` are 1.0.2 variables the data schema has no property for
  (`NOT_IN_SCHEMA`): CSL-JSON carries them in the schema's free `custom` object;
* the data schema has properties that are not variables: `id`, `type`, `categories`,
  `custom`, the legacy Zotero aliases `journalAbbreviation` and `shortTitle`, and
  `volume-title-short` (`SCHEMA_EXTRAS`). `event` is a variable in both, deprecated in 1.0.2
  as a "legacy variant of `event-title`" (`ALIASES`).

Items inside the program use the specification's names (what styles look up), plus
`volume-title-short` and `categories`; `formats/csl_json.py` translates at the file boundary.
"""

from __future__ import annotations

from typing import Iterable

# --------------------------------------------------------------------------------------
# CSL 1.0.2, Appendix III: item types

ITEM_TYPES = frozenset("""
article article-journal article-magazine article-newspaper bill book broadcast chapter classic
collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic
hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet
paper-conference patent performance periodical personal_communication post post-weblog
regulation report review review-book software song speech standard thesis treaty webpage
""".split())

# --------------------------------------------------------------------------------------
# CSL 1.0.2, Appendix IV: variables

# "Number variables are a subset of the standard variables": they may hold a number or text.
NUMBER_VARIABLES = frozenset("""
chapter-number citation-number collection-number edition first-reference-note-number issue
locator number number-of-pages number-of-volumes page page-first part-number printing-number
section supplement-number version volume
""".split())

# Standard variables that are titles (the style schema's `variables.titles`): they may carry
# CSL rich-text markup (<i>, <b>, <sup>, <sub>, <span class="nocase"> …).
TITLE_VARIABLES = frozenset("""
collection-title container-title container-title-short original-title part-title
reviewed-title title title-short volume-title
""".split())

# The other standard variables (plain text).
STRING_VARIABLES = frozenset("""
abstract annote archive archive_collection archive_location archive-place authority
call-number citation-key citation-label dimensions division DOI event event-title event-place
genre ISBN ISSN jurisdiction keyword language license medium note original-publisher
original-publisher-place PMCID PMID publisher publisher-place references reviewed-genre scale
source status URL year-suffix
""".split())

STANDARD_VARIABLES = NUMBER_VARIABLES | TITLE_VARIABLES | STRING_VARIABLES

DATE_VARIABLES = frozenset("""
accessed available-date event-date issued original-date submitted
""".split())

NAME_VARIABLES = frozenset("""
author chair collection-editor compiler composer container-author contributor curator director
editor editorial-director editor-translator executive-producer guest host illustrator
interviewer narrator organizer original-author performer producer recipient reviewed-author
script-writer series-creator translator
""".split())

CSL_VARIABLES = STANDARD_VARIABLES | DATE_VARIABLES | NAME_VARIABLES

# Variables a processor computes or a citation supplies; they never belong in stored data.
RENDER_ONLY_VARIABLES = frozenset("""
citation-label citation-number first-reference-note-number locator year-suffix
""".split())

# --------------------------------------------------------------------------------------
# The CSL-JSON data schema's spellings

# data-schema property -> CSL 1.0.2 variable (renamed for 1.0.2 in the style schema only)
SCHEMA_SPELLINGS = {"part": "part-number", "printing": "printing-number",
                    "supplement": "supplement-number"}
SCHEMA_NAMES = {variable: prop for prop, variable in SCHEMA_SPELLINGS.items()}
# CSL 1.0.2 variables without a data-schema property (CSL-JSON keeps them under `custom`)
NOT_IN_SCHEMA = frozenset({"license", "editor-translator"})
# legacy names read as the variable they stand for (Zotero's and CSL 1.0's)
ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short",
           "event": "event-title"}
# data-schema properties that are not CSL 1.0.2 variables (`custom` holds free key/values)
SCHEMA_EXTRAS = frozenset({"id", "type", "categories", "custom", "volume-title-short"}
                          | set(ALIASES) - {"event"})

# The data schema's own property list (what a CSL-JSON file may hold).
SCHEMA_PROPERTIES = ((CSL_VARIABLES - NOT_IN_SCHEMA - frozenset(SCHEMA_NAMES))
                     | frozenset(SCHEMA_SPELLINGS) | SCHEMA_EXTRAS)

# Keys an item inside the program may have besides private `_` keys.
ITEM_KEYS = (CSL_VARIABLES | {"id", "type", "categories", "custom", "volume-title-short"}) \
    - {"event"}
# Text-valued keys of an item (standard variables and the one schema extra that is text).
TEXT_KEYS = (STANDARD_VARIABLES | {"volume-title-short"}) - {"event"}

# The data schema's value types: these may be a JSON number, every other text key is a string.
SCHEMA_NUMERIC = frozenset("""
chapter-number citation-number collection-number edition first-reference-note-number issue
locator number number-of-pages number-of-volumes page page-first part-number printing-number
supplement-number volume
""".split())

# Parts of a CSL name object (the data schema's `name-variable`).
NAME_PARTS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix",
              "comma-suffix", "static-ordering", "literal", "parse-names")
NAME_FLAGS = frozenset({"comma-suffix", "static-ordering", "parse-names"})
# Keys of a CSL date object (the data schema's `date-variable`).
DATE_KEYS = ("date-parts", "season", "circa", "literal", "raw")


def canonical_key(key: str) -> str:
    """The variable an item stores for a key as files spell it (`shortTitle` -> `title-short`,
    `supplement` -> `supplement-number`); other keys unchanged."""
    return ALIASES.get(key) or SCHEMA_SPELLINGS.get(key) or key


# a style's deprecated spellings of a variable (csl-variables.rnc of CSL 1.0.2: "event" is an
# "Alias for 'event-title'. Deprecated. Will be removed in CSL 1.1."); items store the new name.
# When a style's `event` means `event-title` is Zotero's rule (chrome/content/zotero/xpcom/
# style.js, Zotero.Style.prototype._eventToEventTitle, since Zotero 6.0.13, August 2022): a style
# that names `event-title` in no `variable` attribute has each `variable="… event …"` read as
# `event-title`; a style that names `event-title` anywhere is left as written, its `event` the
# separate CSL 1.0.1 variable (which no item stores: a legacy `event` in the data is read as
# `event-title`, ALIASES). citeproc-js itself (2.4.63 and today's) maps nothing, so without
# Zotero's rewrite a conference paper exported by Zotero (`event-title`, zotero-schema since
# July 2022) prints no conference in the 1,255 shipped styles that still say `event`; Zotero
# users see it there, and so do ours.
STYLE_ALIASES = {"event": "event-title"}


def style_aliases_apply(variable_attributes: Iterable[str]) -> bool:
    """Whether a style's deprecated spellings are read as their new names (`event` as
    `event-title`): not when any of the style's `variable` attributes already names
    `event-title` (Zotero's `_eventToEventTitle`: `[variable*="event-title"]`)."""
    return not any("event-title" in value for value in variable_attributes)


def style_variable(name: str, aliased: bool = True) -> str:
    """The variable an item stores for a variable name as a style spells it (`event` ->
    `event-title` when `aliased`, see `style_aliases_apply`); other names unchanged."""
    return STYLE_ALIASES.get(name, name) if aliased else name


def kind(variable: str) -> str | None:
    """"name", "date", "number", "text" or None (not a CSL 1.0.2 variable)."""
    if variable in NAME_VARIABLES:
        return "name"
    if variable in DATE_VARIABLES:
        return "date"
    if variable in NUMBER_VARIABLES:
        return "number"
    if variable in STANDARD_VARIABLES or variable == "volume-title-short":
        return "text"
    return None
