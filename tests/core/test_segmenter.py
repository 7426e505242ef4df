"""Segmenting Markdown and splicing translations back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE, corpus_markdown
from translate_app.core.errors import SourceError
from translate_app.core.segmenter import decode_source, make_parser, read_source, render, segment


def shape(text: str) -> list[tuple[str, str, str]]:
    """Return the block structure of a document: token types, tags and list markers."""
    return [(t.type, t.tag, t.markup) for t in make_parser().parse(text) if t.type != "inline"]


@pytest.mark.parametrize("path", corpus_markdown(), ids=lambda p: p.name)
def test_identity_render_gives_back_the_source_byte_for_byte(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    doc = segment(source, path.name)
    assert doc.blocks
    assert render(doc, lambda b: b.text) == source


@pytest.mark.parametrize("path", corpus_markdown(), ids=lambda p: p.name)
def test_translated_render_keeps_the_block_structure(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    doc = segment(source, path.name)
    out = render(doc, lambda b: "Ü " + b.text + " ü")
    assert out != source
    assert shape(out) == shape(source)
    assert len(segment(out).blocks) == len(doc.blocks)


CASES = [
    # (markdown, expected segment texts)
    ("# Title\n\nA paragraph\nwith a soft break.\n", ["Title", "A paragraph with a soft break."]),
    ("Line one  \nline two\\\nline three\n", ["Line one\nline two\nline three"]),
    ("- one\n- **two**\n- [three](https://x.org)\n", ["one", "**two**", "[three](https://x.org)"]),
    ("> quoted *text*\n> continues\n", ["quoted *text* continues"]),
    ("```\ncode block\n```\n\n    indented code\n\nText\n", ["Text"]),
    ("<div>raw html</div>\n\nText\n", ["raw html", "Text"]),  # prose in raw HTML is offered (issue 10)
    ("| Name | Country |\n|---|---|\n| Peace | Italy |\n", ["Name", "Country", "Peace", "Italy"]),
    ("![A logo](logo.png) [![](b.png)](https://x.org)\n", ["A logo"]),
    ("See ![the logo](logo.png) here.\n", ["See ![the logo](logo.png) here."]),
    ("<https://example.org/only-a-link>\n\n12345\n", []),
    ('---\ntitle: "A title"\ndate: 2020-01-01\nauthor: x\n---\n\nBody\n', ["A title", "Body"]),
    ("Setext heading\n==============\n", ["Setext heading"]),
    ("1. first\n\n   second paragraph\n2. next\n", ["first", "second paragraph", "next"]),
    ("Same text\n\nSame text\n", ["Same text", "Same text"]),
]


@pytest.mark.parametrize(("markdown", "texts"), CASES)
def test_segments(markdown: str, texts: list[str]) -> None:
    doc = segment(markdown)
    assert [b.text for b in doc.blocks] == texts
    assert render(doc, lambda b: b.text) == markdown


def test_comments_say_what_a_block_is() -> None:
    doc = segment("## Head\n\n- a\n- b\n- c\n\n| x |\n|---|\n| y |\n")
    assert [b.comment for b in doc.blocks] == [
        "heading level 2",
        "list item 1 of 3",
        "list item 2 of 3",
        "list item 3 of 3",
        "table header cell, column 1",
        "table cell, row 1, column 1",
    ]


def test_sample_release_segments() -> None:
    doc = segment(SAMPLE.read_text(encoding="utf-8"))
    texts = [b.text for b in doc.blocks]
    assert texts[0] == "JOINT PRESS RELEASE"
    assert texts[1].startswith("**HUMAN RIGHTS ORGANISATIONS EXPRESS CONCERN OVER THE IMMEDIATE RISK")
    assert "\n" not in texts[1]
    assert "World Without War – South Korea" in texts
    # The footnote URL line has nothing to translate.
    assert not any(t.startswith("¹ <https") for t in texts)
    assert sum(b.kind == "list item" for b in doc.blocks) == 5 + 39


def test_translations_are_written_in_their_container() -> None:
    src = "> 1. first line\n>    second line\n\n| a | b |\n|---|---|\n| c | d |\n\n---\ntitle: x\n"
    doc = segment(src)
    table = {"first line second line": "erste Zeile\nzweite Zeile", "c": "x | y", "a": "A"}
    out = render(doc, lambda b: table.get(b.text))
    assert "> 1. erste Zeile\\\n>    zweite Zeile\n" in out
    assert "| x \\| y | d |" in out
    assert shape(out) == shape(src)


def test_front_matter_translation_stays_valid_yaml() -> None:
    import yaml

    src = "---\ntitle: Plain\ndescription: 'single'\nsummary: \"double\"\n---\n\nBody\n"
    doc = segment(src)
    out = render(
        doc, lambda b: {"Plain": "Titel: mit # Zeichen", "single": "l'été", "double": 'ein "Zitat"'}.get(b.text)
    )
    meta = yaml.safe_load(out.split("---")[1])
    assert meta == {"title": "Titel: mit # Zeichen", "description": "l'été", "summary": 'ein "Zitat"'}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty document"),
        (b"   \n\n", "empty document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"caf\xe9 au lait\n", "not valid UTF-8"),
    ],
)
def test_bad_sources_get_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        decode_source(data, "release.md")


def test_oversized_source_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("word " * 1000)
    with pytest.raises(SourceError, match="over the limit"):
        read_source(path, max_bytes=1000)
