"""`python -m evidencebib.render.overrides`: list every override of citeproc-py behaviour."""

from evidencebib.render.overrides import table

print(table(), end="")
