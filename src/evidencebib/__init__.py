"""evidencebib: bibliographies of clinical evidence, stored as BibTeX, checked against
Crossref and doi.org, formatted with citeproc-py.

The package is importable without pulling in citeproc-py, lxml or requests: those are
loaded by the modules that need them, so `evidencebib --help` starts quickly.
"""

__version__ = "0.1.0"
