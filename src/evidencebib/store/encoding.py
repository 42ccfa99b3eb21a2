"""Which encoding a `.bib` file is in, decided once per file, and writing text back in it.

The policy, in order (the first that applies decides for the whole file):

1. **A declared encoding** on one of the first two lines, as Emacs (`-*- coding: latin-9 -*-`)
   or JabRef (`% Encoding: windows-1252`) write it, when Python knows it and the bytes decode
   with it. (Declared UTF-8 that does not decode falls through to 3 and 4.)
2. **UTF-8**, when the bytes are valid UTF-8 (a BOM is kept as the file's first character).
3. **UTF-8 with stray bytes**, when the file holds more valid multi-byte UTF-8 sequences than
   bytes that are not UTF-8: an editor pasted a few Windows-1252 characters into a UTF-8
   file. The stray bytes are kept exactly (Python's `surrogateescape`), each is read as the
   Windows-1252 character it most likely was, and everything else stays UTF-8 — decoding the
   whole file as Windows-1252 would turn every `ü` into `Ã¼`.
4. **Windows-1252** otherwise (what Windows editors, EndNote and Excel write in the West),
   with the five bytes it leaves undefined read as the C1 controls WHATWG's decoder gives
   them, so that every byte decodes and saves back as it was.

Cases 3 and 4 are reported in a `notice` naming the file and the line of the first byte
that is not UTF-8. Saving writes untouched entries as their original bytes; new and edited
entries go in the file's encoding. A character the encoding cannot hold is written as the
LaTeX command that means it (`ć` as `{\\'c}`, which BibTeX, biber and every reader decode);
one that has none (`王` into a Windows-1252 file) is refused with an error naming the file,
the entry and the character, before anything is written.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from evidencebib.errors import StorageError

_C1_ERRORS = "evidencebib-windows-1252"
# the bytes cp1252 leaves undefined, and the characters WHATWG's windows-1252 maps them to
_UNDEFINED_1252 = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _c1_handler(error: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        if byte in _UNDEFINED_1252:
            return chr(byte), error.start + 1
    elif isinstance(error, UnicodeEncodeError):
        char = error.object[error.start]
        if ord(char) in _UNDEFINED_1252:
            return bytes([ord(char)]), error.start + 1
    raise error


codecs.register_error(_C1_ERRORS, _c1_handler)

_EMACS = re.compile(rb"-\*-.*?\bcoding:\s*([A-Za-z0-9_.:-]+).*?-\*-")
_JABREF = re.compile(rb"^%\s*Encoding:\s*([A-Za-z0-9_.:-]+)\s*$", re.IGNORECASE)
_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1 (Latin-1)",
          "iso8859-15": "ISO-8859-15 (Latin-9)"}


@dataclass(frozen=True)
class FileEncoding:
    """How one file's bytes map to text and back."""

    codec: str             # Python codec name
    errors: str = "strict"
    declared: bool = False

    @property
    def label(self) -> str:
        name = _NAMES.get(self.codec, self.codec)
        if self.errors == "surrogateescape":
            return "UTF-8 with stray bytes"
        return f"{name} (declared in the file)" if self.declared else name

    @property
    def is_utf8(self) -> bool:
        return self.codec == "utf-8"

    @property
    def stray_bytes(self) -> bool:
        return self.errors == "surrogateescape"

    def decode(self, data: bytes) -> str:
        return data.decode(self.codec, self.errors)

    def encode(self, text: str) -> bytes:
        return text.encode(self.codec, self.errors)

    def can_hold(self, char: str) -> bool:
        if self.is_utf8:
            return not 0xD800 <= ord(char) <= 0xDFFF
        try:
            char.encode(self.codec, self.errors)
        except UnicodeEncodeError:
            return False
        return True


UTF8 = FileEncoding("utf-8")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: FileEncoding
    notice: str | None     # what to tell the user (None: plain UTF-8 or a declared encoding)


def decode_file(data: bytes, source: str) -> Decoded:
    """The text of a .bib file's bytes, by the policy in the module docstring."""
    declared = _declared(data)
    if declared is not None and not declared.is_utf8:
        try:
            return Decoded(declared.decode(data), declared, None)
        except UnicodeDecodeError:
            pass  # the declaration is wrong; decide from the bytes
    try:
        return Decoded(data.decode("utf-8"), UTF8, None)
    except UnicodeDecodeError as error:
        first = error.start
    line = data.count(b"\n", 0, first) + 1
    where = f"{source}, line {line}"
    lenient = data.decode("utf-8", "surrogateescape")
    stray = sum(1 for ch in lenient if "\udc80" <= ch <= "\udcff")
    multibyte = sum(1 for ch in lenient if ord(ch) > 0x7F) - stray
    if multibyte > stray:
        encoding = FileEncoding("utf-8", "surrogateescape")
        notice = (f"{where}: {stray} byte(s) that are not UTF-8 (first 0x{data[first]:02x}) "
                  "in a UTF-8 file; read as Windows-1252 characters and kept as they are")
        return Decoded(lenient, encoding, notice)
    encoding = FileEncoding("cp1252", _C1_ERRORS)
    notice = (f"{where}: not UTF-8 (byte 0x{data[first]:02x}); the file is read as "
              "Windows-1252, and new entries are written in Windows-1252")
    return Decoded(encoding.decode(data), encoding, notice)


def _declared(data: bytes) -> FileEncoding | None:
    for line in data[:4096].split(b"\n", 2)[:2]:
        match = _EMACS.search(line) or _JABREF.match(line.strip())
        if not match:
            continue
        name = match.group(1).decode("ascii").lower()
        name = re.sub(r"-(unix|dos|mac)$", "", name)
        name = re.sub(r"^(?:iso-)?latin-(\d+)$", r"latin\1", name)
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            return None
        if b"@{},= %\n".decode(codec, "replace") != "@{},= %\n" or codec.startswith("utf-16") \
                or codec.startswith("utf-32"):
            return None  # not ASCII-compatible: it cannot be what this ASCII line says
        return FileEncoding(codec, declared=True)
    return None


def readable(text: str, encoding: FileEncoding) -> str:
    """Text as a person should see it: a stray byte kept as a surrogate becomes the
    Windows-1252 character it most likely was."""
    if not encoding.stray_bytes or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(_stray_char, text)


_SURROGATE = re.compile("[\udc80-\udcff]")


def _stray_char(match: re.Match[str]) -> str:
    byte = bytes([ord(match.group(0)) - 0xDC00])
    return byte.decode("cp1252", _C1_ERRORS)


def fit(value: str, encoding: FileEncoding, *, verbatim: bool, source: str, entry: str,
        field: str) -> str:
    """A new field value the file's encoding can hold: characters it cannot hold become
    LaTeX commands; StorageError when one has none (or the field is verbatim)."""
    if encoding.is_utf8 and not _SURROGATE_ANY.search(value):
        return value
    out = []
    for char in value:
        if encoding.can_hold(char):
            out.append(char)
            continue
        from evidencebib.formats import latex

        command = None if verbatim else latex.ascii_command(char)
        if encoding.is_utf8:  # only a lone surrogate (JSON's "\ud800") is not UTF-8
            raise StorageError(f"cannot write {char!r} in field '{field}': a lone surrogate is "
                               "not a character (nothing was written)", file=source, entry=entry)
        if command is None:
            raise StorageError(
                f"cannot write {char!r} (U+{ord(char):04X}) in field '{field}': the file is "
                f"{encoding.label}, which has no such character; convert the file to UTF-8 "
                "first (nothing was written)", file=source, entry=entry)
        out.append(command)
    return "".join(out)


_SURROGATE_ANY = re.compile("[\ud800-\udfff]")
