"""Signatory lists: recognised on the sample release, countries from CLDR, names kept, descriptions left."""

from __future__ import annotations

from pathlib import Path

import pytest

from translate_app.core import signatories as sig
from translate_app.core.segmenter import read_source, segment

SAMPLE = Path(__file__).resolve().parents[2] / "source" / "kuzmin-2026-03-30.md"


@pytest.fixture(scope="module")
def found() -> dict[str, sig.Signatory]:
    return sig.recognise(segment(read_source(SAMPLE)))


def test_every_signatory_of_the_sample_is_recognised_and_nothing_else(found):
    assert len(found) == 39
    assert all("Lithuanian" not in text for text in found)  # no paragraph of the statement
    with_country = [s for s in found.values() if s.countries]
    assert len(with_country) == 32


def test_names_stay_countries_come_from_cldr(found):
    item = found["Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Germany"]
    assert item.name == "Aktionsgemeinschaft Dienst für den Frieden (AGDF)"  # the acronym is part of the name
    assert sig.fill(item, "de").text == "Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Deutschland"
    assert sig.fill(item, "fr").text.endswith("– Allemagne")
    assert sig.fill(item, "ar").text.endswith("– ألمانيا")
    filled = sig.fill(found["Center on Conscience & War – USA"], "de").text
    assert filled == "Center on Conscience & War – Vereinigte Staaten"
    assert sig.fill(found["Conscientious Objection Watch – Turkey"], "de").text.endswith("– Türkei")
    assert sig.fill(found["World Without War – South Korea"], "ja").text == "World Without War – 韓国"


def test_several_countries_are_joined_by_the_languages_own_pattern(found):
    item = found["Our House – Belarus & Lithuania"]
    assert item.countries == ("BY", "LT")
    assert sig.fill(item, "de").text == "Our House – Belarus und Litauen"
    assert sig.fill(item, "fr").text == "Our House – Biélorussie et Lituanie"


def test_only_descriptions_are_left_to_translate(found):
    item = found["FOR India (Indian branch of IFOR) – India"]
    assert (item.name, item.description) == ("FOR India", "Indian branch of IFOR")
    left = sig.fill(item, "de")
    assert left.text == "FOR India (Indian branch of IFOR) – Indien" and not left.complete
    assert left.untranslated == ("Indian branch of IFOR",)
    done = sig.fill(item, "de", description="indischer Zweig von IFOR")
    assert done.text == "FOR India (indischer Zweig von IFOR) – Indien" and done.complete
    press = found["Pressenza International - Press Agency for Peace and Nonviolence"]
    assert press.description == "Press Agency for Peace and Nonviolence" and not press.countries
    assert sig.fill(press, "it", description="Agenzia stampa").text == "Pressenza International - Agenzia stampa"


def test_items_without_country_stay_as_written(found):
    for text in (
        "Connection e.V.",
        "European Bureau for Conscientious Objection (EBCO)",
        "Internationale der Kriegsdienstgegner*innen (IDK)",
        "War Resisters' International (WRI)",
    ):
        filled = sig.fill(found[text], "de")
        assert filled.text == text and filled.complete


def test_per_language_forms_of_names():
    item = sig.parse("Mesarvot – Israel")
    assert sig.fill(item, "ru", names={"Mesarvot": "Месарвот"}).text == "Месарвот – Израиль"


def test_a_country_unknown_to_babel_in_the_target_keeps_the_source_words():
    item = sig.parse("Kerk en Vrede – Netherlands")
    assert sig.fill(item, "xx-unknown").text == "Kerk en Vrede – Netherlands"


@pytest.mark.parametrize(
    "items",
    [
        # A list of organisations with what they do, not where they are (a real page's pattern).
        [
            "United Nations Human Rights Council (UNHRC) – Works to protect global human rights.",
            "Amnesty International – Advocates for justice and freedom for marginalized groups.",
            "Human Rights Watch – Investigates and reports human rights violations.",
            "International Labour Organization (ILO) – Ensures fair labor rights.",
        ],
        # Demands that mention countries inside sentences.
        ["Release every objector held in Germany", "Stop deportations to Russia – now", "Protect refugees in Italy"],
        # Two countries in a list of ten is not a signatory list.
        ["A – Germany", "B – France"] + [f"Point {i}" for i in range(8)],
    ],
)
def test_other_lists_are_not_signatory_lists(items):
    assert not sig.is_signatory_list(items)


def test_hostile_items_do_not_break_parsing():
    for text in (
        "30. – Germany",
        "- – France",
        "> Name – ",
        "– – –",
        "Name (unclosed – Italy",
        "x" * 100_000 + " – Italy",
    ):
        item = sig.parse(text)
        assert isinstance(sig.fill(item, "de").text, str)
    assert sig.parse("Name (unclosed – Italy").countries == ("IT",)
