"""The BibLaTeX writer keeps an entry's own biblatex type when no CSL type gives it back
(red-team F43): a `@bookinbook` is no `@incollection` to biblatex (its title is a book's,
printed in italics), a `@mvbook` no `@book`, a biblatex `@inbook` no `@incollection`. The
BibTeX writer keeps its mapping (classic styles know none of these types)."""

from __future__ import annotations

import pytest

from evidencebib.formats import biblatex, bibtex
from evidencebib.store.bibfile import BibFile

T7 = """@bookinbook{b6, author={A, A.}, title={Inner}, booktitle={Outer}, year=2000, publisher={P}}
@mvbook{b7, author={B, B.}, title={Works}, year=2001, volumes={3}}
@inbook{b15, author={C, C.}, title={Chap}, booktitle={Book}, chapter={3}, year=2002, publisher={P}}
"""


def written_types(text: str) -> list[str]:
    return [line.split("{")[0] for line in text.splitlines() if line.startswith("@")]


def test_the_biblatex_export_keeps_bookinbook_mvbook_and_inbook():
    assert written_types(biblatex.write(bibtex.read(T7))) == ["@bookinbook", "@mvbook", "@inbook"]


def test_the_bibtex_export_keeps_its_mapping():
    assert written_types(bibtex.write(bibtex.read(T7))) == ["@incollection", "@book", "@incollection"]


def test_a_bibtex_inbook_without_booktitle_is_not_kept_as_a_biblatex_inbook():
    text = "@inbook{b16, author={C, C.}, title={Book}, chapter={3}, year=2002, publisher={P}}"
    assert written_types(biblatex.write(bibtex.read(text))) == ["@incollection"]


def test_an_item_whose_type_changed_is_written_as_its_new_type():
    (item,) = bibtex.read(T7.splitlines()[0])
    item["type"] = "book"
    assert written_types(biblatex.write([item])) == ["@book"]


@pytest.mark.parametrize("kind", ["bookinbook", "mvbook", "inbook"])
def test_the_biblatex_type_survives_a_biblatex_round_trip(kind):
    (line,) = [line for line in T7.splitlines() if line.startswith("@" + kind)]
    once = biblatex.write(bibtex.read(line))
    assert written_types(biblatex.write(bibtex.read(once))) == ["@" + kind]


def test_an_imported_bookinbook_is_stored_as_one():
    from evidencebib.formats.bibtex import ENTRY_TYPE

    (item,) = bibtex.read(T7.splitlines()[0])
    bib = BibFile("")
    bib.add_item({k: v for k, v in item.items() if not k.startswith("_") or k == ENTRY_TYPE})
    assert bib.text().startswith("@bookinbook{")
