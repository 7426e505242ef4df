"""Editing a glossary as a value: add, change, rename, delete, and write it back in the file's shape."""

from __future__ import annotations

import pytest

from translate_app.core.glossary import (
    Glossary,
    GlossaryError,
    Term,
    dump_glossary,
    parse_glossary,
    with_term,
    without_term,
)

START = Glossary((Term("Maksim Kuzmin"), Term("Court", {"de": "Gericht", "fr": "Cour"})))


def test_the_written_glossary_reads_back_the_same():
    text = dump_glossary(START)
    assert parse_glossary(text) == START
    assert text.startswith("# kept as written")


@pytest.mark.parametrize(
    "source, language, target, old, expected",
    [
        ("UNHCR", "de", None, None, {"UNHCR": {}}),  # added, kept as written
        ("Court", "de", "Tribunal", None, {"Court": {"de": "Tribunal", "fr": "Cour"}}),  # one language changed
        ("Court", "de", "", None, {"Court": {"fr": "Cour"}}),  # empty: kept as written in German
        ("Court", "de", "Court", None, {"Court": {"fr": "Cour"}}),  # the source itself: kept as written
        (
            "the Court",
            "pt-BR",
            "o Tribunal",
            "Court",
            {"the Court": {"de": "Gericht", "fr": "Cour", "pt_BR": "o Tribunal"}},
        ),
        ("  Maksim   Kuzmin ", "de", "Maxim Kusmin", None, {"Maksim Kuzmin": {"de": "Maxim Kusmin"}}),
    ],
)
def test_with_term(source, language, target, old, expected):
    changed = with_term(START, source, language, target, old_source=old)
    found = {t.source: t.translations for t in changed.terms}
    for term, translations in expected.items():
        assert found[term] == translations
    assert len(changed.terms) == len(START.terms) + (1 if source == "UNHCR" else 0)


@pytest.mark.parametrize(
    "source, old, message",
    [
        ("", None, "needs a text"),
        ("x" * 201, None, "more than 200"),
        ("Court", "Maksim Kuzmin", "has the term 'Court' already"),
        ("Tribunal", "Judge", "has no term 'Judge'"),
    ],
)
def test_with_term_refuses(source, old, message):
    with pytest.raises(GlossaryError, match=message):
        with_term(START, source, "de", "x", old_source=old)


def test_without_term():
    assert without_term(START, "Court").sources() == ["Maksim Kuzmin"]
    with pytest.raises(GlossaryError):
        without_term(START, "Judge")
    assert dump_glossary(Glossary()).count("\n") == 2  # only the header comment
