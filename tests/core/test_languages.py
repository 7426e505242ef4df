"""Language names and codes as coordinators type them."""

from __future__ import annotations

import pytest

from translate_app.core.errors import LanguageError
from translate_app.core.languages import language_names, parse_language_list, picker_languages


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("de", ["de"]),
        ("de,fr, uk", ["de", "fr", "uk"]),
        ("de fr uk", ["de", "fr", "uk"]),
        ("pt-BR", ["pt_BR"]),
        ("German", ["de"]),
        ("german, FRENCH", ["de", "fr"]),
        ("Deutsch", ["de"]),
        ("українська", ["uk"]),
        ("Portuguese (Brazil), Thai", ["pt_BR", "th"]),
        ("Francais", ["fr"]),  # accents may be left out
        ("German; de", ["de"]),
    ],
)
def test_names_and_codes(text, codes):
    assert parse_language_list(text) == codes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Germn",
            "unknown language 'Germn': write a name such as German or Deutsch, or a code such as de or pt_BR; "
            "did you mean German?",
        ),
        ("de,xx", "unknown language code 'xx'"),
        ("de fr zz", "unknown language 'de fr zz': separate languages with commas"),
        (" , ", "no language given"),
        ("xx-!", "malformed language code 'xx-!' (expected e.g. de, pt_BR, zh_Hant, or a name such as German)"),
    ],
)
def test_unknown_languages_are_named(text, message):
    with pytest.raises(LanguageError) as info:
        parse_language_list(text)
    assert message in str(info.value)


def test_names_for_codes():
    assert language_names(["fr", "uk"]) == "French, Ukrainian"
    assert language_names("de,he") == "German, Hebrew"


def test_picker_lists_common_languages_first():
    codes = [lang.code for lang in picker_languages()]
    assert codes[:4] == ["en", "de", "fr", "es"]
    assert len(codes) == len(set(codes)) > 1000
