"""formats/bibtex_split.py cuts a file into exactly the blocks bibtexparser's splitter makes,
or declines (None) and leaves the file to bibtexparser: never a third answer."""

from __future__ import annotations

import random
import sys

import bibtexparser
import pytest
from bibtexparser.model import ParsingFailedBlock
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, corpus_dir
from evidencebib.formats import bibtex, bibtex_split

sys.path.insert(0, str(REPO / "benchmarks"))


def bibtexparser_blocks(text: str):
    return bibtexparser.parse_string(text, parse_stack=[])


def difference(ours, theirs) -> str | None:
    """None when both libraries hold the same blocks (class, lines, raw text, keys, fields)."""
    if len(ours.blocks) != len(theirs.blocks):
        return f"{len(ours.blocks)} blocks, bibtexparser {len(theirs.blocks)}"
    for index, (a, b) in enumerate(zip(ours.blocks, theirs.blocks, strict=True)):  # counts equal: above
        if type(a) is not type(b):
            return f"block {index}: {type(a).__name__}, bibtexparser {type(b).__name__}"
        if isinstance(a, ParsingFailedBlock):
            # failed blocks hold an exception object, which compares by identity
            if (a.raw, a.start_line, type(a.error), str(a.error)) != \
                    (b.raw, b.start_line, type(b.error), str(b.error)):
                return f"block {index}: failed block differs: {a.raw!r} / {b.raw!r}"
        elif a != b:  # bibtexparser compares blocks (and fields) by all their attributes
            return f"block {index}: {vars(a)!r}\nbibtexparser: {vars(b)!r}"
    if list(ours.entries_dict) != list(theirs.entries_dict):
        return "entry keys differ"
    return None


def assert_same_or_declined(text: str) -> bool:
    """True when the fast path took the text (and agreed)."""
    ours = bibtex_split.split(text)
    if ours is None:
        return False
    problem = difference(ours, bibtexparser_blocks(text))
    assert problem is None, f"{problem}\n--- text ---\n{text}"
    return True


def test_the_shipped_references_take_the_fast_path_and_agree():
    for path in sorted((REPO / "references").glob("*.bib")):
        assert assert_same_or_declined(path.read_text(encoding="utf-8")), path.name


def test_a_generated_library_takes_the_fast_path_and_agrees():
    from datagen import bib_text

    assert assert_same_or_declined(bib_text(2000, seed=7))


@pytest.mark.corpus
def test_every_corpus_file_is_split_as_bibtexparser_splits_it_or_declined():
    taken, declined = [], []
    for path in sorted(corpus_dir("bibtex").glob("*.bib")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        (taken if assert_same_or_declined(text) else declined).append(path.name)
    # the fast path must be the common one, or the test proves little
    assert len(taken) >= 35, f"only {len(taken)} files took the fast path; declined: {declined}"
    print(f"\ncorpus: {len(taken)} files split by the fast path, {len(declined)} declined "
          f"({', '.join(declined)})")


# Declines: each is a file bibtexparser treats in a way the fast path does not reproduce.
DECLINED = {
    "round-bracket block": "@article(k, title = {T})\n",
    "block start at a line start inside a value": "@article{k, title = {T\n@misc{x, a = {b}}\n",
    "missing comma after the key": "@article{k title = {T}}\n",
    "missing = after a field name": "@article{k, title {T}}\n",
    "unclosed value": "@article{k, title = {T}\n",
    "duplicate field names": "@article{k, title = {A}, title = {B}}\n",
    "dangling word before the closing brace": "@article{k, title = {A}, oops}\n",
    "backslash before a newline": "@article{k, title = {A \\\n B}}\n",
    "value nested five braces deep": "@article{k, title = {{{{{x}}}}}}\n",
    "quoted value with braces": '@article{k, title = "{DNA} repair"}\n',
    "= in a bare value": "@article{k, url = a=b}\n",
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_the_fast_path_declines_what_it_does_not_reproduce(case):
    assert bibtex_split.split(DECLINED[case]) is None


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_a_declined_file_is_still_read_by_bibtexparser(case):
    text = DECLINED[case]
    assert difference(bibtex.parse_library(text), bibtexparser_blocks(text)) is None


ACCEPTED = {
    "empty file": "",
    "only a comment": "% nothing here\n",
    "entry without fields (RefTeX)": "@misc{k}\n",
    "trailing comma": "@article{k,\n  title = {T},\n}\n",
    "no trailing comma": "@article{k, title = {T}}",
    "escaped braces": "@article{k, title = {a \\{ b \\} c}, note = {\\\\{x}}}\n",
    "quotes inside braces": '@article{k, title = {say "hi", and more}}\n',
    "concatenation": '@string{j = {Blood}}\n@article{k, journal = j # " Reviews", month = jan}\n',
    "@ inside a value": "@article{k, note = {mail me @home{x} or at a@b.org}}\n",
    "empty value": "@article{k, note = , title = {T}}\n",
    "CRLF line ends": "@article{k,\r\n  title = {T},\r\n  year = 2020\r\n}\r\n",
    "comment and preamble": "@comment{jabref-meta: x}\n@preamble{\"\\newcommand{\\x}{y}\"}\n",
    "@commentary counts as a comment": "@commentary{x}\n",
    "text between blocks": "intro\n\n@misc{a, t = {1}}\n  middle text \n\n@misc{b, t = {2}}\ntail",
    "duplicate entry keys": "@misc{a, t = {1}}\n@misc{a, t = {2}}\n",
    "upper-case type with space": "@ARTICLE  {k, Title = {T}}\n",
    "block start not at a line start, between blocks": "x @misc{a, t = {1}}\n",
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_the_fast_path_takes_well_formed_shapes_and_agrees(case):
    assert assert_same_or_declined(ACCEPTED[case])


# Generated files built from the pieces that bibtexparser's rules are about.
KEYS = ["title", "Author", " year ", "note", "x-y", "", "title"]
VALUES = ["{plain}", "{a, b}", "{a {b} c}", "{{{x}}}", "{{{{x}}}}", "{{{{{x}}}}}", "{a \\} b}",
          "{a \\{ b}", "{\\\\}", "{\\\\{}", "{x}}", "{unclosed", '"quoted"', '"a, b"', '"{x}"',
          '"a \\" b"', '"{"}"', "jan", "2020", "j0 # {x}", '{a} # "b"', "a=b", "", "{@misc{x}}",
          "{\n@misc{x, t = {1}}", "{line\nbreak}", "{ends \\\n here}", "{a @b(c)}", "{é \\'e}",
          "{ spaced }", "bare word", "{a}\r\n"]
HEADS = ["@article{", "@ARTICLE {", "@misc(", "@string{", "@comment{", "@preamble{", "@{"]
GAPS = ["\n", "\n\n", "% c\n", " text ", "\r\n", "", "\n  ", "@\n"]


def random_bib(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(0, 4)):
        out.append(rng.choice(GAPS))
        head = rng.choice(HEADS)
        if head.startswith("@string"):
            out.append(f"{head}{rng.choice(['j0', 'x', ''])} = {rng.choice(VALUES)}}}")
            continue
        if head.startswith(("@comment", "@preamble")):
            out.append(f"{head}{rng.choice(VALUES)}}}")
            continue
        key = rng.choice(["k1", "k2", "k1", "a b", ""])
        fields = [f"{rng.choice(KEYS)} = {rng.choice(VALUES)}" for _ in range(rng.randint(0, 4))]
        separator = rng.choice([",\n  ", ", ", ",", ",\r\n"])
        body = separator.join(fields)
        ending = rng.choice(["}", ",\n}", "\n}", ")", ""])
        out.append(f"{head}{key}{',' if fields or rng.random() < 0.3 else ''}{body}{ending}")
    out.append(rng.choice(GAPS))
    return "".join(out)


def test_generated_files_are_split_as_bibtexparser_splits_them_or_declined():
    rng = random.Random(20261201)
    taken = declined = 0
    for _ in range(3000):
        if assert_same_or_declined(random_bib(rng)):
            taken += 1
        else:
            declined += 1
    # both paths must be exercised for the comparison to mean something
    assert taken >= 600 and declined >= 600, (taken, declined)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='@{}(),="#\\ \n\rabk=%', max_size=60))
def test_arbitrary_text_is_split_as_bibtexparser_splits_it_or_declined(text):
    assert_same_or_declined(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VALUES + ["{", "}", ",", "=", "\n", '"', "@misc{"]), max_size=8))
def test_an_entry_with_arbitrary_value_pieces_is_split_as_bibtexparser_splits_it(pieces):
    assert_same_or_declined("@article{k,\n  title = " + "".join(pieces) + ",\n  year = {2020}\n}\n")
