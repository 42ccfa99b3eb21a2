"""DOI names under their old import path; the one implementation is `evidencebib.model.doi`."""

from evidencebib.model.doi import (  # noqa: F401 - re-exported
    InvalidDOI, __all__, find_in_text, is_doi_url, is_short, is_valid, key, normalize, parse,
    path_segment, same,
)
