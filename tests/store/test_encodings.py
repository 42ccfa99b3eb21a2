"""A .bib file's encoding is decided once, reported when it is not UTF-8, and kept on save."""

from __future__ import annotations

import logging

import pytest

from conftest import corpus_dir
from evidencebib import api
from evidencebib.errors import EvidenceError
from evidencebib.store import BibFile, References

MULLER_UTF8 = "@article{m, author = {Müller, J. and Østergaard, K.}, title = {Über Ärzte}, year = 1999}\n"
STRAY = ("@article{d, author = {Dupr\xe9, A.}, title = {One stray byte}, year = 2001}\n").encode("latin-1")
CP1252 = ("% exported by a Windows tool\n"
          "@article{c, author = {Caf\xe9, B. and \u0160koda, E.},"
          " title = {\u201cQuoted\u201d \u2013 dash}, year = 2002}\n")

DUPRE = {"type": "article-journal", "author": [{"family": "Dupré", "given": "C."}],
         "title": "Une étude", "issued": {"date-parts": [[2020]]}}
SIMIC = {"type": "article-journal", "author": [{"family": "Šimić", "given": "Ž."}],
         "title": "Łódź cohort – results", "issued": {"date-parts": [[2021]]}}
CHINESE = {"type": "article-journal", "author": [{"family": "王", "given": "伟"}],
           "title": "Trial", "issued": {"date-parts": [[2022]]}}


def _families(bib: BibFile) -> list[str]:
    return [name["family"] for item in bib.items() for name in item.get("author", [])]


def test_one_stray_byte_does_not_garble_the_rest_of_a_utf8_file(tmp_path, caplog):
    path = tmp_path / "x.bib"
    path.write_bytes(MULLER_UTF8.encode("utf-8") + STRAY)
    with caplog.at_level(logging.WARNING):
        bib = BibFile.load(path)
    assert _families(bib) == ["Müller", "Østergaard", "Dupré"]
    assert bib.items()[0]["title"] == "Über Ärzte"
    assert f"{path}, line 2" in bib.notice and "not UTF-8" in bib.notice
    assert bib.notice in caplog.text


def test_a_utf8_file_with_a_stray_byte_saves_back_byte_for_byte(tmp_path):
    path = tmp_path / "x.bib"
    data = MULLER_UTF8.encode("utf-8") + STRAY
    path.write_bytes(data)
    BibFile.load(path).save(tmp_path / "copy.bib")
    assert (tmp_path / "copy.bib").read_bytes() == data


def test_importing_into_a_utf8_file_with_a_stray_byte_writes_utf8(tmp_path):
    path = tmp_path / "x.bib"
    data = MULLER_UTF8.encode("utf-8") + STRAY
    path.write_bytes(data)
    api.add_items(References(tmp_path), "x", [DUPRE])
    written = path.read_bytes()
    assert written.startswith(data)
    assert "Dupré".encode("utf-8") in written[len(data):]
    assert b"\xe9" not in written[len(data):]


def test_a_windows_1252_file_is_read_as_such_and_says_so(tmp_path, caplog):
    path = tmp_path / "w.bib"
    path.write_bytes(CP1252.encode("cp1252"))
    with caplog.at_level(logging.WARNING):
        bib = BibFile.load(path)
    assert _families(bib) == ["Café", "Škoda"]
    assert bib.items()[0]["title"] == "“Quoted” – dash"
    assert bib.notice.startswith(f"{path}, line 2: not UTF-8 (byte 0xe9)")
    assert "Windows-1252" in bib.notice


def test_new_entries_in_a_windows_1252_file_are_written_in_windows_1252(tmp_path):
    path = tmp_path / "w.bib"
    path.write_bytes(CP1252.encode("cp1252"))
    api.add_items(References(tmp_path), "w", [DUPRE, SIMIC])
    data = path.read_bytes()
    assert data.startswith(CP1252.encode("cp1252"))
    data.decode("cp1252")  # still one encoding throughout
    assert b"Dupr\xe9" in data and b"\x8aimi{\\'c}" in data   # Š is in cp1252, ć is not
    assert _families(BibFile.load(path))[-2:] == ["Dupré", "Šimić"]
    assert BibFile.load(path).items()[-1]["title"] == "Łódź cohort – results"


def test_a_character_the_files_encoding_cannot_hold_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "w.bib"
    path.write_bytes(CP1252.encode("cp1252"))
    with pytest.raises(EvidenceError, match=r"w\.bib.*'王' \(U\+738B\).*Windows-1252.*UTF-8"):
        api.add_items(References(tmp_path), "w", [DUPRE, CHINESE])
    assert path.read_bytes() == CP1252.encode("cp1252")


def test_bytes_windows_1252_leaves_undefined_save_back_exactly(tmp_path):
    data = b"@misc{u, note = {\x81\x8d\x8f\x90\x9d and caf\xe9}}\n"
    path = tmp_path / "u.bib"
    path.write_bytes(data)
    bib = BibFile.load(path)
    assert bib.items()[0]["note"].endswith("and café")
    bib.save(tmp_path / "copy.bib")
    assert (tmp_path / "copy.bib").read_bytes() == data


@pytest.mark.parametrize("header", [b"% -*- coding: latin-9-unix -*-\n", b"% Encoding: ISO8859_15\n"])
def test_a_declared_encoding_is_used(tmp_path, header):
    path = tmp_path / "l.bib"
    path.write_bytes(header + "@book{b, title = {Šome title}, year = 1999}\n".encode("iso8859-15"))
    bib = BibFile.load(path)
    assert bib.items()[0]["title"] == "Šome title"
    assert bib.notice is None
    bib.add_item(SIMIC)
    bib.save()
    assert BibFile.load(path).items()[-1]["author"][0]["family"] == "Šimić"


def test_the_corpus_latin9_file_reads_its_s_with_caron(tmp_path):
    path = corpus_dir("bibtex") / "biber-encoding1-latin9.bib"
    bib = BibFile.load(path)
    assert bib.items()[0]["title"] == "Šome title"


def test_importing_into_a_windows_1252_file_warns_on_the_command_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "w.bib").write_bytes(CP1252.encode("cp1252"))
    (tmp_path / "new.json").write_text(
        '[{"type": "book", "title": "Šimić", "issued": {"date-parts": [[2020]]}}]', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "evidencebib", "import", str(tmp_path / "new.json"),
                             "--into", "w", "--references", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "w.bib, line 2: not UTF-8 (byte 0xe9); the file is read as Windows-1252" in result.stderr
    assert "Traceback" not in result.stderr


# -- line endings ---------------------------------------------------------------------------

CRLF = "@article{a,\r\n  title = {First},\r\n  year = {2001},\r\n}\r\n"


def test_entries_added_to_a_crlf_file_use_crlf(tmp_path):
    path = tmp_path / "c.bib"
    path.write_bytes(CRLF.encode())
    api.add_items(References(tmp_path), "c", [DUPRE, SIMIC])
    data = path.read_bytes()
    assert data.startswith(CRLF.encode())
    assert data.count(b"\n") == data.count(b"\r\n") and data.count(b"\r") == data.count(b"\r\n")
    assert data.endswith(b"}\r\n") and b"}\r\n\r\n@article{" in data


def test_an_entry_edited_in_a_crlf_file_keeps_crlf(tmp_path):
    path = tmp_path / "c.bib"
    path.write_bytes(CRLF.encode())
    refs = References(tmp_path)
    api.write_dois(refs, "c", {"a": "10.1000/xyz"})
    data = path.read_bytes()
    assert b"10.1000/xyz" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_a_value_with_line_breaks_gets_the_files_line_ending(tmp_path):
    bib = BibFile(CRLF, tmp_path / "c.bib")
    bib.add_item(dict(DUPRE, abstract="Line one\nline two\r\nline three"))
    text = bib.text()
    assert text.count("\n") == text.count("\r\n")


def test_an_lf_file_with_one_crlf_line_stays_lf(tmp_path):
    text = "% one\r\n@book{a, title = {A}}\n\n@book{b, title = {B}}\n"
    bib = BibFile(text, tmp_path / "m.bib")
    bib.add_item(DUPRE)
    assert bib.text()[len(text):].count("\r") == 0
