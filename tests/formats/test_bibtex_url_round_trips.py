"""URLs in BibTeX read as the exporter meant them, so that our own BibTeX/BibLaTeX export
writes them back unchanged (issue 15: "round trips through all five formats: every
difference is either none or a warning the command printed")."""

from __future__ import annotations

from evidencebib.formats import biblatex, bibtex


def _read(fields: str) -> dict:
    return bibtex.read("@misc{k, title = {T}, " + fields + "}")[0]


def test_the_escapes_of_a_url_in_howpublished_are_undone_as_in_a_url_field():
    assert _read(r"howpublished = {\url{https://x.org/\#foo}}")["URL"] == "https://x.org/#foo"


def test_escaped_braces_in_a_url_field_are_read_as_braces():
    assert _read(r"url = {http://x.org/e\{_\}057.pdf}")["URL"] == "http://x.org/e{_}057.pdf"


def test_a_url_with_escaped_braces_comes_back_from_the_bibtex_export():
    item = _read(r"url = {http://x.org/e\{_\}057.pdf}")
    assert bibtex.read(bibtex.write([item]))[0]["URL"] == item["URL"]


def test_a_howpublished_href_whose_text_is_its_url_is_the_url():
    item = _read(r"howpublished = {\href {https://x.org} {\texttt{https://x.org}}}")
    assert item.get("URL") == "https://x.org"
    assert "medium" not in item


def test_a_howpublished_href_to_a_url_comes_back_from_the_biblatex_export():
    item = _read(r"howpublished = {\href{https://x.org}{\texttt{https://x.org}}}")
    back = biblatex.read(biblatex.write([item]))[0]
    assert (back.get("URL"), back.get("medium")) == (item.get("URL"), item.get("medium"))


def test_a_medium_that_is_no_url_stays_the_medium():
    assert _read("howpublished = {CD-ROM}")["medium"] == "CD-ROM"
