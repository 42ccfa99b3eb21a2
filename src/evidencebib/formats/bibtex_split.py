"""A faster way to cut a well-formed .bib file into the blocks bibtexparser would make.

Why this exists: bibtexparser 2's splitter visits every mark of a file (each brace, quote,
comma, `=` and newline) through several Python method calls. On a 10,000-entry file that is
0.8-0.9 s, more than half of what loading for display may take (the performance issue asks
for 10,000 entries/s), so no amount of work on our side of the split can reach the target
while it runs. bibtexparser stays the authority: `split(text)` either returns exactly the
`Library` that `bibtexparser.parse_string(text, parse_stack=[])` returns, block for block
(same classes, keys, values, raw text and start lines), or None, and then the caller runs
bibtexparser. tests/formats/test_bibtex_split.py holds the two to that on every corpus file and on
generated text built to hit the rules below.

How: one regular expression per field (key, `=`, value, the `,` or `}` after it) instead of
one step per mark. The expressions encode bibtexparser's own rules:
- a mark preceded by a backslash is not a mark (`\\{` does not open a group);
- inside braces only braces count; inside quotes only quotes do;
- a value runs to the first `,` or `}` outside braces and quotes and is stripped;
- an `@type{` at the start of a line (after optional white space) inside a block aborts it.

It returns None, rather than guess, for everything outside the well-formed subset:
`(`-delimited blocks; anything bibtexparser would report as a failed block (a missing `=`
or comma, an unclosed value, a block start at the beginning of a line inside a block,
duplicate field names); values nested more than four braces deep, quoted values with braces
or backslashes, bare values with `=`; keys with a backslash or `@`; and any backslash before
a newline (bibtexparser does not count that newline). Duplicate entry keys are left to
bibtexparser's own `Library.add`, which sees the blocks in file order.
"""

from __future__ import annotations

import re
from typing import Any

# bibtexparser's block start: `@type` followed by `{` or `(` (the brace is not part of it)
_BLOCK_START = re.compile(r"@[\w]*( |\t)*(?=[{(])")

# Inside braces: runs without braces or backslashes, or a backslash run that hides the brace
# after it (`\\{` hides the brace too: only the character before a mark is looked at), or a
# nested group. Possessive, so a hidden brace is never given back to close a group.
_PLAIN = r"[^{}\\]++|\\++[{}]?"


def _braced(depth: int) -> str:
    inner = _PLAIN if depth == 1 else _PLAIN + "|" + _braced(depth - 1)
    return r"\{(?:" + inner + r")*+\}"


_GROUP = _braced(4)
_PART = _GROUP + r'|"[^"{}\\]*+"|[^\s{}",=@\\#]++'
_VALUE = r"(?:(?:" + _PART + r")(?:\s*+\#\s*+(?:" + _PART + r"))*+)?"
_KEY = r'[^{}",=@\\]*+'
# a field after the comma that precedes it: key, `=`, value, and the mark that ends it
_FIELD = re.compile(r"(" + _KEY + r")=\s*+(" + _VALUE + r")\s*+([,}])")
# the entry key after `@type{`, and the comma (or the `}` of an entry without fields)
_HEAD = re.compile(r"(" + _KEY + r")([,}])")
# the end of an entry after its last comma
_END = re.compile(r"\s*+\}")
# the key of an @string and its `=`
_STRING_KEY = re.compile(r"(" + _KEY + r")=")
# a block body up to the `}` that closes it (only braces count)
_BODY = re.compile(r"(?:" + _PLAIN + r"|" + _GROUP + r")*+\}")


class _Decline(Exception):
    """Not in the well-formed subset: let bibtexparser split the file."""


def split(text: str) -> Any | None:
    """The blocks of `text` as a bibtexparser Library, or None to use bibtexparser's splitter."""
    if "\\\n" in text:
        return None
    try:
        return _split(text)
    except _Decline:
        return None


def _is_at_line_start(s: str, pos: int) -> bool:
    """bibtexparser's test: only white space between `pos` and the previous newline."""
    for i in range(pos - 1, -1, -1):
        char = s[i]
        if char == "\n":
            return True
        if not char.isspace():
            return False
    return True


def _split(text: str) -> Any:
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, ExplicitComment, Field, ImplicitComment, Preamble, String

    s = "\n" + text  # as bibtexparser: block starts are looked for after a newline
    field_match = _FIELD.match
    head_match = _HEAD.match
    count = s.count
    starts = list(_BLOCK_START.finditer(s))
    blocks: list[Any] = []
    # line numbers as bibtexparser counts them: newlines before a position, less the one added
    line_pos, line = 0, -1
    comment_start = 0  # where the text between blocks (an implicit comment) starts
    index, total = 0, len(starts)
    while index < total:
        m = starts[index]
        start = m.start()
        if start < comment_start:  # a block start inside the previous block
            if _is_at_line_start(s, start):
                raise _Decline
            index += 1
            continue
        index += 1
        line += count("\n", line_pos, start)
        line_pos = start
        comment = _implicit_comment(s, comment_start, start, line_pos, line, count, ImplicitComment)
        if comment is not None:
            blocks.append(comment)
        opening = m.end()
        if s[opening] != "{":
            raise _Decline  # `(`-delimited block
        kind = m.group(0).lower()
        body = opening + 1
        if kind.startswith("@comment") or kind.startswith("@preamble"):
            close = _BODY.match(s, body)
            if close is None:
                raise _Decline
            end = close.end()
            inner = s[body:end - 1]
            if kind.startswith("@comment"):
                blocks.append(ExplicitComment(start_line=line, comment=inner.strip(), raw=s[start:end]))
            else:
                blocks.append(Preamble(start_line=line, value=inner, raw=s[start:end]))
        elif kind.startswith("@string"):
            name = _STRING_KEY.match(s, body)
            if name is None:
                raise _Decline
            close = _BODY.match(s, name.end())
            if close is None:
                raise _Decline
            end = close.end()
            blocks.append(String(start_line=line, key=name.group(1).strip(),
                                 value=s[name.end():end - 1].strip(), raw=s[start:end]))
        else:
            head = head_match(s, body)
            if head is None:
                raise _Decline
            fields = []
            if head.group(2) == "}":
                end = head.end()
            else:
                seen = set()
                position = head.end()
                field_line, field_pos = line, start
                while True:
                    found = field_match(s, position)
                    if found is None:
                        closing = _END.match(s, position)
                        if closing is None:
                            raise _Decline
                        end = closing.end()
                        break
                    key, value, mark = found.groups()
                    key = key.strip()
                    if key in seen:
                        raise _Decline  # bibtexparser makes a DuplicateFieldKeyBlock
                    seen.add(key)
                    equals = found.end(1)
                    field_line += count("\n", field_pos, equals)
                    field_pos = equals
                    fields.append(Field(key, value, field_line))
                    position = found.end()
                    if mark == "}":
                        end = position
                        break
            blocks.append(Entry(kind[1:].strip(), head.group(1).strip(), fields,
                                start_line=line, raw=s[start:end]))
        comment_start = end
    line += count("\n", line_pos, len(s))
    comment = _implicit_comment(s, comment_start, len(s), len(s), line, count, ImplicitComment)
    if comment is not None:
        blocks.append(comment)
    library = Library()
    library.add(blocks, fail_on_duplicate_key=False)
    return library


def _implicit_comment(s: str, begin: int, stop: int, line_pos: int, line: int, count,
                      ImplicitComment) -> Any | None:
    """The text between two blocks as bibtexparser keeps it: stripped, starting on the line of
    its first non-blank character; None when it is only white space."""
    if begin >= stop:
        return None
    text = s[begin:stop]
    stripped = text.strip()
    if not stripped:
        return None
    first = begin + (len(text) - len(text.lstrip()))
    first_line = line - count("\n", first, line_pos)
    return ImplicitComment(start_line=first_line, raw=stripped, comment=stripped)


# ---------------------------------------------------------------------------------------
# `%` comments

# what matters to where a `%` stands: braces, quotes, `%` itself and block starts
_COMMENT_MARK = re.compile(r'[{}"%@]')
# a whole braced value (up to four levels deep) or quoted one, skipped in one step
_WHOLE_GROUP = re.compile(_GROUP)
_WHOLE_QUOTED = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S)
# an entry body with no `%`, `@` or unmatched mark outside its values, up to its closing brace:
# nothing in it is a comment, and the scan goes on after it
_CLEAN_BODY = re.compile(r'(?:[^{}"%@]++|' + _GROUP + r'|' + _WHOLE_QUOTED.pattern + r')*+\}', re.S)
_COMMENTED_ENTRY = re.compile(r"%[%\s]*(@[\w]*[ \t]*[{(]\s*([^,\s{}()]*))")


class Comment:
    """One `%` comment outside every value: `start`/`end` are offsets in the text (the `%` up
    to the end of its line, the newline not included); `entry` is True for one inside an
    entry (between its fields), False for one between blocks; `commented_entry` is the
    `@type{key` a comment between blocks holds (an entry commented out), else ''."""

    __slots__ = ("start", "end", "entry", "commented_entry", "key")

    def __init__(self, start: int, end: int, entry: bool, commented_entry: str = "",
                 key: str = "") -> None:
        self.start, self.end, self.entry = start, end, entry
        self.commented_entry, self.key = commented_entry, key


def comments(text: str) -> list[Comment]:
    """The `%` comments of a .bib file as biber and pandoc read it: a `%` that no backslash
    hides, outside every field value (between blocks, or between an entry's fields) starts a
    comment that runs to the end of its line. Inside a value (braced or quoted) `%` is text,
    as every reader keeps it; `@comment` and `@preamble` bodies are not looked into.

    Classic BibTeX and bibtexparser have no comment character inside an entry: they read such
    a line into the next field's name (`% note = {old},` becomes a field `% note`), and read an
    entry commented out as `% @article{…}` as an entry. biber's btparse lexer and pandoc's
    citeproc reader skip both. Block boundaries follow bibtexparser (an `@type{` or `@type(`
    anywhere between blocks opens one; an `@` at the start of a line inside a block ends the
    block before it); a `(`-delimited block ends the scan (its comments are left as they are).
    """
    if "%" not in text:
        return []
    found: list[Comment] = []
    search = _COMMENT_MARK.search
    size = len(text)
    pos = 0
    depth = 0          # 0 between blocks; 1 between an entry's fields; more inside a value
    quoted = False     # inside a quoted value (only quotes count there)
    verbatim = False   # inside @comment/@preamble: only braces count
    while True:
        mark = search(text, pos)
        if mark is None:
            break
        at = mark.start()
        char = text[at]
        pos = at + 1
        if char == "@":
            start = _BLOCK_START.match(text, at)
            if start is None or depth and not _at_line_start(text, at):
                continue
            opening = start.end()
            if text[opening] == "(":
                break
            kind = start.group(0).lower()
            verbatim = kind.startswith("@comment") or kind.startswith("@preamble")
            depth, quoted, pos = 1, False, opening + 1
            clean = None if verbatim else _CLEAN_BODY.match(text, pos)
            if clean is not None:
                depth, pos = 0, clean.end()  # the common case, in one step
        elif at and text[at - 1] == "\\":
            continue  # `\%`, `\{`, `\"`: no mark
        elif char == "%":
            if depth == 0 or (depth == 1 and not quoted and not verbatim):
                end = text.find("\n", at)
                end = size if end < 0 else end
                if end > at and text[end - 1] == "\r":
                    end -= 1
                entry = ""
                key = ""
                if depth == 0:
                    held = _COMMENTED_ENTRY.match(text, at, end)
                    if held is not None and _is_entry_type(held.group(1)):
                        entry, key = held.group(1), held.group(2)
                found.append(Comment(at, end, depth == 1, entry, key))
                pos = end
        elif depth == 0:
            continue
        elif char == '"':
            if depth == 1 and not verbatim:
                whole = None if quoted else _WHOLE_QUOTED.match(text, at)
                if whole is not None:
                    pos = whole.end()  # a quoted value: nothing in it is a comment
                else:
                    quoted = not quoted
        elif quoted:
            continue
        elif char == "{":
            whole = _WHOLE_GROUP.match(text, at) if depth == 1 and not verbatim else None
            if whole is not None:
                pos = whole.end()  # a braced value: nothing in it is a comment
            else:
                depth += 1
        else:  # "}"
            depth -= 1
            if depth == 0:
                verbatim = False
    return found


def _at_line_start(text: str, pos: int) -> bool:
    start = text.rfind("\n", 0, pos) + 1
    return not text[start:pos].strip()


def _is_entry_type(head: str) -> bool:
    kind = head[1:].split("{")[0].split("(")[0].strip().lower()
    return bool(kind) and kind not in ("comment", "preamble", "string")


def masked(text: str, found: list[Comment]) -> str:
    """`text` with each comment's characters replaced by spaces (same length, same lines)."""
    if not found:
        return text
    parts, pos = [], 0
    for comment in found:
        parts.append(text[pos:comment.start])
        parts.append(" " * (comment.end - comment.start))
        pos = comment.end
    parts.append(text[pos:])
    return "".join(parts)
