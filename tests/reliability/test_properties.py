"""Property-based tests (Hypothesis) of the core: catalogs keep every text, Markdown keeps its structure."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from translate_app import storage  # noqa: E402
from translate_app.core import catalog  # noqa: E402
from translate_app.core import segments as seg  # noqa: E402
from translate_app.core.segmenter import make_parser, render, segment  # noqa: E402

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# -- catalogs ----------------------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    "\\",
    "\n",
    "\t",
    "\r",
    "\x00",
    "\x01",
    "\x07",
    "\x1b",
    "\x7f",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u2028",
    "\ufeff",
    "😀",
    "👩🏽‍💻",
    "🇩🇪",
    "#",
    "%s",
    "msgid ",
    "\\n",
    "''",
]
_characters = st.one_of(st.sampled_from(HOSTILE), st.characters(exclude_categories=("Cs",)))
texts = st.lists(_characters, min_size=1, max_size=40).map("".join)


def _source(text: str) -> str:
    """Make a text into what the segmenter can give as a source: any characters (control characters of the
    Markdown included) but NUL, which decode_source refuses (see below), and U+0004, gettext's context
    separator (see below); no surrounding newlines (msgfmt wants msgid and msgstr to agree on those)."""
    return text.replace("\x00", "").replace("\x04", "").strip("\n")


def _msgfmt_check(path: Path) -> None:
    if shutil.which("msgfmt") is None:
        return
    done = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@SETTINGS
@given(pairs=st.lists(st.tuples(texts, texts), min_size=1, max_size=8))
def test_catalogs_keep_every_text_and_pass_msgfmt(tmp_path_factory, pairs):
    """Sources and translations with quotes, backslashes, newlines, tabs, controls, bidi marks and emoji are
    written, read back unchanged and accepted by msgfmt --check; a translation goes through the door."""
    sources = list(dict.fromkeys(_source(s) for s, _ in pairs))
    sources = [s for s in sources if s.strip()]
    assume(sources)
    template = polib.POFile()
    for text in sources:
        template.append(polib.POEntry(msgid=text, msgstr=""))
    po = catalog.new_catalog(template, "de", "release")
    wanted = {}
    for entry, (_, translation) in zip(list(po), pairs, strict=False):
        cleaned = seg.clean_translation(translation)
        if entry.msgid.startswith("\n") or entry.msgid.endswith("\n") or not cleaned.strip():
            continue
        view = seg.view(entry, checks=False)
        seg.save(po, view.id, translation, version=view.version, by="t", checks=False)
        wanted[entry.msgid] = cleaned
    path = tmp_path_factory.mktemp("po") / "de.po"
    storage.save(po, path)
    back = catalog.load(path)
    assert [e.msgid for e in back] == sources
    assert {e.msgid: e.msgstr for e in back if e.msgstr} == wanted
    _msgfmt_check(path)


def test_a_markdown_source_with_nul_is_refused_at_the_door():
    """A NUL would make a catalog that load() takes for binary: the source is refused before that."""
    from translate_app.core.errors import SourceError
    from translate_app.core.segmenter import decode_source

    with pytest.raises(SourceError, match="NUL"):
        decode_source(b"Para a\x00b\n", "x.md")


def test_a_markdown_source_with_eot_is_refused_or_gives_a_valid_catalog(tmp_path):
    from translate_app.core.errors import SourceError
    from translate_app.core.segmenter import decode_source

    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is not installed")
    try:
        text = decode_source(b"Para a\x04b\n", "x.md")
    except SourceError:
        return
    po = catalog.new_catalog(catalog.template_from_document(segment(text), "release"), "de", "release")
    storage.save(po, tmp_path / "de.po")
    _msgfmt_check(tmp_path / "de.po")


@SETTINGS
@given(before=texts, after=texts, surrogate=st.characters(categories=("Cs",)))
def test_lone_surrogates_are_refused_with_a_clear_error(before, after, surrogate):
    """A translation with a lone surrogate (a broken paste) is refused by name, never written."""
    with pytest.raises(seg.InvalidTranslationError, match="(?i)surrogate|unicode|character"):
        seg.clean_translation(before + surrogate + after)


# -- Markdown ----------------------------------------------------------------------------------------------------

_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäéß", min_size=1, max_size=8)
_words = st.lists(_word, min_size=1, max_size=6).map(" ".join)
_styled = st.one_of(
    _words,
    _words.map(lambda w: f"*{w}*"),
    _words.map(lambda w: f"**{w}**"),
    st.tuples(_words, _word).map(lambda p: f"[{p[0]}](https://example.org/{p[1]})"),
)
_line = st.lists(_styled, min_size=1, max_size=4).map(" ".join)

_paragraph = st.lists(_line, min_size=1, max_size=3).map("\n".join)
_heading = st.tuples(st.integers(1, 4), _line).map(lambda p: "#" * p[0] + " " + p[1])
_bullets = st.lists(_line, min_size=1, max_size=4).map(lambda items: "\n".join(f"- {i}" for i in items))
_numbers = st.lists(_line, min_size=1, max_size=4).map(
    lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
)
_quote = st.lists(_line, min_size=1, max_size=3).map(lambda lines: "\n".join(f"> {x}" for x in lines))
_code = st.lists(_words, min_size=1, max_size=3).map(lambda lines: "```\n" + "\n".join(lines) + "\n```")
_table = st.tuples(st.lists(_words, min_size=2, max_size=3), st.lists(_words, min_size=2, max_size=3)).map(
    lambda t: (
        "| "
        + " | ".join(t[0])
        + " |\n|"
        + "---|" * len(t[0])
        + "\n| "
        + " | ".join((t[1] + [""] * 3)[: len(t[0])])
        + " |"
    )
)
_nested = st.tuples(_line, st.lists(_line, min_size=1, max_size=3)).map(
    lambda p: f"- {p[0]}\n" + "\n".join(f"  - {x}" for x in p[1])
)
_quoted_list = st.lists(_line, min_size=1, max_size=3).map(lambda items: "\n".join(f"> - {i}" for i in items))
_hard_break = st.tuples(_line, _line).map(lambda p: f"{p[0]}  \n{p[1]}")
_front_matter = st.tuples(_words, _words).map(lambda p: f"---\ntitle: {p[0]}\ndescription: '{p[1]}'\n---")
_blocks = st.one_of(_paragraph, _heading, _bullets, _numbers, _quote, _code, _table, _nested, _quoted_list, _hard_break)
documents = st.tuples(
    st.one_of(st.just(""), _front_matter.map(lambda f: f + "\n\n")), st.lists(_blocks, min_size=1, max_size=7)
).map(lambda p: p[0] + "\n\n".join(p[1]) + "\n")


def _structure(markdown: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the translatable blocks (kind, place) and the block tokens of a document."""
    blocks = [(b.kind, b.comment) for b in segment(markdown).blocks]
    tokens = [t.type for t in make_parser().parse(markdown) if t.block and t.type != "inline"]
    return blocks, tokens


@SETTINGS
@given(doc=documents)
def test_identity_render_is_byte_identical(doc):
    parsed = segment(doc)
    assert render(parsed, lambda b: b.text) == doc
    assert render(parsed, lambda b: None) == doc


@SETTINGS
@given(doc=documents)
def test_an_uppercase_translation_keeps_the_block_structure(doc):
    parsed = segment(doc)
    out = render(parsed, lambda b: b.text.upper())
    assert _structure(out) == _structure(doc)
    assert [b.text for b in segment(out).blocks] == [b.text.upper() for b in parsed.blocks]


@SETTINGS
@given(doc=documents, extra=_words)
def test_a_translation_with_an_inner_line_break_keeps_the_block_structure(doc, extra):
    """A translator's newline inside a segment becomes a line break of that block, not a new block."""
    parsed = segment(doc)
    out = render(parsed, lambda b: b.text.upper() + "\n" + extra)
    assert _structure(out) == _structure(doc)


MARKERS = ["30. ", "1) ", "- ", "* ", "+ ", "> ", "# ", "### ", "    ", "```", "| ", "---\n", "<div>", "=== "]


@SETTINGS
@given(doc=documents, marker=st.sampled_from(MARKERS), data=st.data())
def test_translations_starting_with_block_markers_keep_the_block_structure(doc, marker, data):
    """A translation that starts (or goes on, after a newline) with Markdown block syntax is text, not structure."""
    parsed = segment(doc)
    at_line_start = data.draw(st.booleans(), label="after a newline")
    out = render(parsed, lambda b: (b.text + "\n" + marker + b.text) if at_line_start else marker + b.text)
    assert _structure(out) == _structure(doc)
