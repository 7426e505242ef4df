"""The release glossary: its file format, its errors and its check."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_app.core.checks import run_checks
from translate_app.core.glossary import (
    Glossary,
    GlossaryCheck,
    GlossaryError,
    glossary_checks,
    glossary_path,
    load_glossary,
    parse_glossary,
)

TEXT = """
keep:
  - Maksim Kuzmin
  - UNHCR
replace:
  Regional Administrative Court:
    de: Regionales Verwaltungsgericht
    pt-BR: Tribunal Administrativo Regional
"""


@pytest.fixture
def glossary() -> Glossary:
    return parse_glossary(TEXT)


def test_terms_are_kept_or_replaced_per_language(glossary: Glossary) -> None:
    assert glossary.sources() == ["Maksim Kuzmin", "UNHCR", "Regional Administrative Court"]
    assert glossary.replacements("de")["Regional Administrative Court"] == "Regionales Verwaltungsgericht"
    assert glossary.replacements("fr")["Regional Administrative Court"] == "Regional Administrative Court"
    assert glossary.replacements("pt_BR")["Regional Administrative Court"] == "Tribunal Administrativo Regional"
    assert glossary.replacements("de")["UNHCR"] == "UNHCR"


@pytest.mark.parametrize(
    ("source", "target", "language", "fails"),
    [
        ("Maksim Kuzmin is at risk.", "Maksim Kuzmin ist in Gefahr.", "de", False),
        ("Maksim Kuzmin is at risk.", "Maxim Kusmin ist in Gefahr.", "de", True),
        ("Maksim Kuzmin met Maksim Kuzmin.", "Maksim Kuzmin traf sich.", "de", True),
        ("At the Regional Administrative Court.", "Am Regionales Verwaltungsgericht.", "de", False),
        ("At the Regional Administrative Court.", "Am Verwaltungsgericht.", "de", True),
        ("At the Regional Administrative Court.", "Au Regional Administrative Court.", "fr", False),
        ("No term here.", "Kein Begriff.", "de", False),
    ],
)
def test_glossary_check(glossary: Glossary, source: str, target: str, language: str, fails: bool) -> None:
    message = GlossaryCheck(glossary).check(source, target, language=language)
    assert (message is not None) == fails


def test_run_checks_takes_the_glossary_as_an_extra_check(glossary: Glossary) -> None:
    results = run_checks(
        "Maksim Kuzmin is at risk.", "Er ist in Gefahr.", language="de", extra=glossary_checks(glossary)
    )
    assert [r.id for r in results if r.id == "glossary"] == ["glossary"]
    assert not [r for r in run_checks("Maksim Kuzmin is at risk.", "Er ist in Gefahr.") if r.id == "glossary"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keep: [a, b", "not valid YAML"),
        ("- a\n- b\n", "expected a mapping"),
        ("keeep: [a]", "unknown keys"),
        ("keep: {a: b}", "'keep' must be a list"),
        ("replace: [a]", "'replace' must map"),
        ("replace:\n  a: b\n", "must map language codes"),
    ],
)
def test_malformed_glossaries_are_refused_with_the_file_name(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message) as info:
        parse_glossary(text, "source/x.glossary.yml")
    assert "source/x.glossary.yml" in str(info.value)


def test_a_missing_glossary_file_is_an_empty_glossary(tmp_path: Path) -> None:
    path = glossary_path(tmp_path, "release")
    assert path.name == "release.glossary.yml"
    assert not load_glossary(path)
    path.write_text(TEXT, encoding="utf-8")
    assert load_glossary(path).sources()[0] == "Maksim Kuzmin"
