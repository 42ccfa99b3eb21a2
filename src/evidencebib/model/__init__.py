"""The pivot model: a reference is a CSL-JSON item (a plain dict) inside the program.

Every reader (formats/*.py) produces normalised items, every writer and the renderer consume
them; BibTeX is only how items are stored. One module per job:

- `item`: the typed item (`CSLItem`, `Name`, `DateValue`), the private keys `_et_al` and
  `_line`, small accessors (`public_item`, `issued_year`, `first_family`);
- `vocabulary`: every CSL 1.0.2 variable and item type, and the CSL-JSON data schema's
  spellings of them;
- `normalize`: the item normaliser (`normalize_item`);
- one normaliser per kind of value: `doi`, `dates` (EDTF, seasons, ranges, free text),
  `names` (text form, particles, truncated lists), `pages`, `keys` (citation keys),
  `keywords`, `serials` (ISBN/ISSN);
- `condition`: a condition page's text.

Importing `evidencebib.model` loads only `item`, `keys`, `condition` and `vocabulary` (the
command line starts fast); import the others by name.
"""

from __future__ import annotations

from evidencebib.model.condition import Condition, Row
from evidencebib.model.item import (
    CREATOR_ORDER, ET_AL, LINE, NOTES, CSLItem, DateValue, Item, Name, first_family, is_truncated,
    issued_year, public_item,
)
from evidencebib.model.keys import CitationKeys, ascii_fold, citation_key
from evidencebib.model.vocabulary import DATE_VARIABLES, NAME_VARIABLES

__all__ = [
    "Condition", "Row", "CREATOR_ORDER", "ET_AL", "LINE", "NOTES", "CSLItem", "DateValue", "Item", "Name",
    "first_family", "is_truncated", "issued_year", "public_item", "ascii_fold",
    "CitationKeys", "citation_key", "DATE_VARIABLES", "NAME_VARIABLES",
]
