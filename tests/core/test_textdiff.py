"""Word-level diffs of two source texts: what a translation-memory match was made for, against this segment."""

from __future__ import annotations

import itertools

import pytest

from translate_app.core.textdiff import DiffPart, tokens, word_diff


def ops(old: str, new: str) -> list[tuple[str, str]]:
    """Return the diff as (op, text) pairs."""
    return [(p.op, p.text) for p in word_diff(old, new)]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "Vilnius, 30 November 2026",
            "Vilnius, 4 December 2026",
            [("equal", "Vilnius, "), ("delete", "30 November"), ("insert", "4 December"), ("equal", " 2026")],
        ),
        (
            "demanded to suspend three permits",
            "welcomed the decision to suspend two permits",
            [
                ("delete", "demanded"),
                ("insert", "welcomed the decision"),
                ("equal", " to suspend "),
                ("delete", "three"),
                ("insert", "two"),
                ("equal", " permits"),
            ],
        ),
        ("Background", "Background", [("equal", "Background")]),
        ("", "New text", [("insert", "New text")]),
        ("Old text", "", [("delete", "Old text")]),
        (
            "Maksim Kuzmin is a Russian citizen.",
            "Maksim Kuzmin is a Russian citizen!",
            [("equal", "Maksim Kuzmin is a Russian citizen"), ("delete", "."), ("insert", "!")],
        ),
        ("the Court", "the court", [("equal", "the "), ("delete", "Court"), ("insert", "court")]),
    ],
)
def test_word_diff_examples(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    assert ops(old, new) == expected


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Vilnius, 30 November 2026", "Vilnius, 4 December 2026"),
        (
            "The  **Court** ruled\non [this](https://example.org/a?b=1).",
            "The Court ruled on [that](https://example.org/a?b=2)!",
        ),
        ("Ünïcödé wörds — and dashes", "Unicode words - and dashes"),
        ("שלום עולם", "שלום לכולם"),
        ("a b c d e f", "f e d c b a"),
        ("", ""),
    ],
)
def test_the_parts_give_back_both_texts(old: str, new: str) -> None:
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "insert") == old
    assert "".join(p.text for p in parts if p.op != "delete") == new
    assert all(p.text for p in parts)  # no empty pieces
    # Neighbours never repeat an op: each run is one piece.
    assert all(not (x.op == y.op == "equal") for x, y in itertools.pairwise(parts))


def test_tokens_lose_nothing_and_split_words_from_punctuation() -> None:
    assert tokens("Vilnius, 4 December") == ["Vilnius", ",", " ", "4", " ", "December"]
    text = "Hello,\n\tworld!!  «quoted»"
    assert "".join(tokens(text)) == text


def test_parts_as_json() -> None:
    assert DiffPart("insert", "two").as_dict() == {"op": "insert", "text": "two"}
