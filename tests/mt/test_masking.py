"""Masking: what must survive translation becomes tokens and comes back intact."""

from __future__ import annotations

import pytest

from tests.conftest import corpus_markdown
from translate_app.core.checks import run_checks
from translate_app.core.masking import mask, unmask
from translate_app.core.segmenter import segment

ROUND_TRIP = [
    "Plain text without markup.",
    "**HUMAN RIGHTS ORGANISATIONS** warn about *MAKSIM KUZMIN*.",
    'See [the report](https://example.org/a_(b)?x=1 "Title") and ![logo](img/logo.png).',
    "Run `pip install x` or ``a ` b`` now.",
    "Write to <info@example.org> or <https://example.org/x>.",
    "Visit https://example.org/path?q=1, or www.example.org.",
    "UNHCR Guidelines n. 10¹ and note[^2] and 3\\* stars.",
    "From 1995 to 2000, 3,000 people; 12.5% on 30/03/2026.",
    'A <span class="x">tag</span> and <!-- comment --> here.',
    "snake_case_word stays, _emphasis_ and __strong__ are masked.",
    "Nested **bold with *italic* inside** text.",
    "  leading and trailing space  ",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_identity_translation_restores_the_source(text: str) -> None:
    masked = mask(text, terms=["UNHCR"])
    restored = unmask(masked, masked.text)
    assert restored.text == text
    assert restored.ok


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("**bold** text", ["**", "**"]),
        ("a [link](https://x.org) here", ["[", "](https://x.org)"]),
        ("`code` here", ["`code`"]),
        ("in 2026 and 1995", ["2026", "1995"]),
        ("Maksim Kuzmin spoke", ["Maksim Kuzmin"]),
        ("https://example.org/x.", ["https://example.org/x"]),
    ],
)
def test_protected_pieces_become_tokens(text: str, kept: list[str]) -> None:
    masked = mask(text, terms=["Maksim Kuzmin"])
    assert [p.original for p in masked.placeholders] == kept
    assert all(p.token in masked.text for p in masked.placeholders)
    assert not any(len(piece) > 2 and piece in masked.text for piece in kept)


def test_every_segment_of_the_corpus_survives_an_identity_round_trip() -> None:
    for path in corpus_markdown():
        doc = segment(path.read_text(encoding="utf-8"), str(path))
        for text in doc.texts():
            masked = mask(text)
            assert unmask(masked, masked.text).text == text, (path.name, text)


def test_machines_spaces_around_tokens_are_tolerated() -> None:
    masked = mask("**Bold** and [a link](https://x.org).")
    answer = masked.text.replace("[X0X]", "[ X0X ] ").replace("[X1X]", " [X1X]")
    restored = unmask(masked, answer)
    assert restored.text.startswith("**Bold**")
    assert "](https://x.org)" in restored.text


def test_a_lost_half_drops_its_pair_so_markdown_stays_balanced() -> None:
    masked = mask("**Bold** and [a link](https://x.org).")
    restored = unmask(masked, "[X0X]Fett und [X2X]ein Link[X3X].")
    assert restored.text == "Fett und [ein Link](https://x.org)."
    assert not restored.ok
    assert "**" not in restored.text


def test_a_lost_link_url_fails_the_links_check_instead_of_breaking_markdown() -> None:
    source = "Read [the statement](https://example.org/s) now."
    masked = mask(source)
    restored = unmask(masked, "Lies [X0X]die Erklärung jetzt.")
    assert restored.text == "Lies die Erklärung jetzt."
    assert any(r.id == "links" for r in run_checks(source, restored.text))


def test_unknown_and_repeated_tokens_are_dropped_and_reported() -> None:
    masked = mask("In 2026 only.")
    restored = unmask(masked, "Nur [X0X] [X0X] [X7X].")
    assert restored.text == "Nur 2026 ."
    assert any("unknown" in p for p in restored.problems)
    assert any("repeated" in p for p in restored.problems)


def test_glossary_terms_come_back_in_the_required_form() -> None:
    masked = mask("The Regional Administrative Court in Kaunas.", terms=["Regional Administrative Court"])
    restored = unmask(
        masked, "Das [X0X] in Kaunas.", replacements={"Regional Administrative Court": "Regionalverwaltungsgericht"}
    )
    assert restored.text == "Das Regionalverwaltungsgericht in Kaunas."


def test_text_of_only_tokens_is_not_translatable() -> None:
    assert not mask("2026").translatable
    assert not mask("<https://example.org>").translatable
    assert mask("March 30th 2026").translatable
