"""Quality checks: a table of (check, source, translation, passes?) for every registered check."""

from __future__ import annotations

import pytest

from translate_app.core.checks import REGISTRY, CheckResult, blocking_check_ids, run_checks

CASES = [
    # (check id, source, translation, passes?)
    ("markup", "Read {{< ref 'appeal' >}} first.", "Lies zuerst {{< ref 'appeal' >}}.", True),
    ("markup", "Read {{< ref 'appeal' >}} first.", "Lies zuerst den Aufruf.", False),
    ("markup", "A note {: .note}", "Eine Notiz {: .hinweis}", False),
    ("empty", "Background", "Hintergrund", True),
    ("empty", "Background", "   ", False),
    ("empty", "Background", "\u00a0\n", False),
    ("links", "See [the court](https://teismai.lt/en)", "Siehe [das Gericht](https://teismai.lt/en)", True),
    ("links", "See [the court](https://teismai.lt/en)", "Siehe das Gericht", False),
    ("links", "See [the court](https://teismai.lt/en)", "Siehe [das Gericht](https://teismai.lt/de)", False),
    ("links", "Source: <https://ebco-beoc.org>", "Quelle: <https://ebco-beoc.org>", True),
    ("links", "Source: <https://ebco-beoc.org>", "Quelle: https://ebco-beoc.org", False),
    ("links", "![Logo](logo.png) of the group", "![Das Logo](logo.png) der Gruppe", True),
    ("links", "![Logo](logo.png) of the group", "![Das Logo](other.png) der Gruppe", False),
    ("links", "Two [a](https://a.org) and [b](https://b.org)", "Zwei [b](https://b.org) und [a](https://a.org)", True),
    # Written-out URLs (no Markdown link) count too; trailing punctuation is not part of them.
    (
        "links",
        "Read it at https://ebco-beoc.org/report-2026.",
        "Lesen Sie ihn unter https://ebco-beoc.org/report-2026.",
        True,
    ),
    (
        "links",
        "Read it at https://ebco-beoc.org/report-2026.",
        "Lesen Sie ihn unter https://ebco-beoc.org/report-2025.",
        False,
    ),
    ("links", "Read it at https://ebco-beoc.org/report-2026.", "Lesen Sie ihn auf unserer Website.", False),
    ("links", "Write to <press@example.org>", "Schreiben Sie an <press@example.org>", True),
    ("links", "Write to <press@example.org>", "Schreiben Sie an <presse@example.org>", False),
    ("code", "Run `translate-app compile`", "Führe `translate-app compile` aus", True),
    ("code", "Run `translate-app compile`", "Führe `translate-app kompilieren` aus", False),
    ("code", "Run `translate-app compile`", "Führe translate-app compile aus", False),
    ("emphasis", "**He applied** for *protection*", "**Er beantragte** *Schutz*", True),
    ("emphasis", "**He applied** for *protection*", "Er beantragte *Schutz*", False),
    ("emphasis", "**He applied** for *protection*", "**Er beantragte** Schutz", False),
    ("emphasis", "__bold__ and _em_", "**fett** und *kursiv*", True),
    ("footnotes", "A threat to national security¹", "Eine Gefahr für die nationale Sicherheit¹", True),
    ("footnotes", "A threat to national security¹", "Eine Gefahr für die nationale Sicherheit", False),
    ("footnotes", "As reported[^1].", "Wie berichtet[^1].", True),
    ("footnotes", "As reported[^1].", "Wie berichtet[^2].", False),
    ("numbers", "From 1995 to 2000 he studied", "Von 1995 bis 2000 studierte er", True),
    ("numbers", "From 1995 to 2000 he studied", "Von 1995 bis 2001 studierte er", False),
    # The figure of issue 9: the source was corrected from 47 to 48, the translation was not.
    ("numbers", "48 conscientious objectors were detained.", "47 Kriegsdienstverweigerer wurden festgenommen.", False),
    ("numbers", "48 conscientious objectors were detained.", "48 Kriegsdienstverweigerer wurden festgenommen.", True),
    ("numbers", "48 conscientious objectors were detained.", "Kriegsdienstverweigerer wurden festgenommen.", False),
    ("numbers", "Kuzmin was detained.", "Kuzmin wurde am 4. festgenommen.", False),  # a number added
    # Group and decimal separators differ between languages; the value is what counts.
    ("numbers", "1,000 sports tourists", "1.000 Sporttouristen", True),
    ("numbers", "1,000 sports tourists", "1 000 touristes sportifs", True),
    ("numbers", "1,000 sports tourists", "1\u202f000 touristes sportifs", True),
    ("numbers", "1,000 sports tourists", "1\u00a0000 touristes sportifs", True),
    ("numbers", "1,000 sports tourists", "1000 Sporttouristen", True),
    ("numbers", "1,000 sports tourists", "1’000 Sporttouristen", True),
    ("numbers", "1,000 sports tourists", "1.001 Sporttouristen", False),
    ("numbers", "1,000 sports tourists", "100 Sporttouristen", False),
    ("numbers", "12,500,000 euros", "12.500.000 Euro", True),
    ("numbers", "a fine of 3.5 million", "eine Strafe von 3,5 Millionen", True),
    ("numbers", "a fine of 3.5 million", "eine Strafe von 3,6 Millionen", False),
    # Dates, in the order and style of each language.
    ("numbers", "Vilnius, 4 December 2026", "Vilnius, 4. Dezember 2026", True),
    ("numbers", "Vilnius, 4 December 2026", "Vilnius, 30. November 2026", False),
    ("numbers", "Vilnius, 4 December 2026", "Vilnius, 4 грудня 2026 року", True),
    ("numbers", "On December 4, 2026", "Le 4 décembre 2026", True),
    ("numbers", "On April 2nd 2026", "Am 2. April 2026", True),
    ("numbers", "On 30.03.2026 at 10:30", "Am 30/03/2026 um 10.30 Uhr", True),
    ("numbers", "In 2026, 150 people", "2026 kamen 150 Menschen", True),
    ("numbers", "Articles 5, 6 and 7", "Artikel 5, 6 und 7", True),
    ("numbers", "Articles 5, 6 and 7", "Artikel 5 und 7", False),
    # Digits of other scripts are the same numbers.
    ("numbers", "In 2026", "في ٢٠٢٦", True),
    ("numbers", "In 2026", "في ٢٠٢٥", False),
    ("numbers", "In 2026", "2026 में", True),
    # Digits in URLs are not numbers of the text.
    ("numbers", "See [report](https://x.org/2024/07)", "Siehe [Bericht](https://x.org/2024/07)", True),
    ("numbers", "See https://x.org/2024/07 now", "Siehe jetzt https://x.org/2024/07", True),
    ("whitespace", "Background", "Hintergrund", True),
    ("whitespace", "Background", " Hintergrund", False),
    ("whitespace", "Background", "Hintergrund ", False),
    ("whitespace", "Line one\nline two", "Zeile eins\nZeile zwei", True),
    ("punctuation", "He was detained.", "Er wurde festgenommen.", True),
    ("punctuation", "He was detained.", "Er wurde festgenommen", False),
    ("punctuation", "Was he detained?", "¿Fue detenido?", True),
    ("punctuation", "Was he detained?", "هل تم احتجازه؟", True),
    ("punctuation", "Was he detained?", "Κρατήθηκε;", True),  # the Greek question mark
    ("punctuation", "He was detained.", "彼は拘束された。", True),
    ("punctuation", "Background", "Hintergrund.", False),
    ("punctuation", "Background", "Hintergrund", True),
    ("punctuation", "We call on the authorities:", "Wir fordern die Behörden auf:", True),
    ("unchanged", "World Without War – South Korea", "World Without War – South Korea", False),
    ("unchanged", "Connection e.V.", "Connection e.V.", True),  # a name: too few words to tell
    ("unchanged", "The court annulled the order.", "Das Gericht hob die Anordnung auf.", True),
    ("length", "Maksim Kuzmin challenged this decision in court.", "Maksim Kuzmin focht diese Entscheidung an.", True),
    ("length", "Maksim Kuzmin challenged this decision in court.", "Nein.", False),
    ("length", "Maksim Kuzmin challenged this decision in court.", "Sehr " * 40, False),
    ("length", "Short text", "Ein viel viel viel längerer Text", True),  # short sources are not judged
    ("html", "Background", "Hintergrund", True),
    ("html", "Background", "<script>alert(1)</script>Hintergrund", False),
    ("html", "Press <b>now</b>", "Drücken Sie <b>jetzt</b>", True),
    ("html", "Press now", "Drücken Sie <b>jetzt</b>", False),
    ("html", "See <https://example.org/a>", "Siehe <https://example.org/a>", True),  # autolinks are not HTML
    ("html", "Write to <press@example.org>", "Schreiben Sie an <press@example.org>", True),
    ("html", "Line", "Zeile<br/>zwei", False),
    ("html", "Image", "Bild <img src=x onerror=alert(1)>", False),
]


@pytest.mark.parametrize(
    ("check_id", "source", "target", "passes"),
    CASES,
    ids=[f"{c[0]}-{'pass' if c[3] else 'fail'}-{n}" for n, c in enumerate(CASES)],
)
def test_check(check_id: str, source: str, target: str, passes: bool) -> None:
    failures = {r.id: r for r in run_checks(source, target, enabled=[check_id])}
    assert (check_id not in failures) == passes, failures.get(check_id)
    if not passes:
        assert failures[check_id].message


def test_every_registered_check_has_passing_and_failing_cases() -> None:
    covered = {(c[0], c[3]) for c in CASES}
    missing = [(cid, passes) for cid in REGISTRY for passes in (True, False) if (cid, passes) not in covered]
    assert not missing, f"add rows to CASES in {__file__} for {missing}"


@pytest.mark.parametrize("check_id", list(REGISTRY))
def test_check_classes_describe_themselves(check_id: str) -> None:
    cls = REGISTRY[check_id]
    assert cls.id == check_id
    assert cls.name and cls.description
    assert cls.severity in ("error", "warning")


def test_an_empty_translation_is_not_checked() -> None:
    assert run_checks("**Background** [x](https://x.org) 2026.", "") == []


def test_a_faithful_translation_passes_every_check() -> None:
    source = "**He applied** for protection in [Lithuania](https://lt.example) in 2023."
    target = "**Er beantragte** im Jahr 2023 Schutz in [Litauen](https://lt.example)."
    assert run_checks(source, target) == []


def test_results_are_plain_data() -> None:
    [result] = run_checks("Background", "<i>Hintergrund</i>", enabled=["html"])
    assert isinstance(result, CheckResult)
    assert result.as_dict() == {
        "id": "html",
        "name": result.name,
        "severity": "error",
        "message": result.message,
        "blocking": False,
    }
    assert "<i>" in result.message


def test_checks_compare_canonical_unicode() -> None:
    """A decomposed é in the source and a composed one in the translation are the same text."""
    assert run_checks("The `Cafe\u0301` class", "Die Klasse `Caf\u00e9`", enabled=["code"]) == []


def test_figures_links_and_urls_block_approval() -> None:
    """Wrong numbers, links and URLs block an approval (unless overridden); the other checks do not."""
    assert blocking_check_ids() == ("links", "numbers")
    assert all(REGISTRY[cid].blocking for cid in blocking_check_ids())
    [result] = run_checks("48 were detained.", "47 wurden festgenommen.", enabled=["numbers"])
    assert result.blocking and result.as_dict()["blocking"] is True
    assert "48" in result.message and "47" in result.message
    [result] = run_checks("Background", "   ", enabled=["empty"])
    assert result.severity == "error" and not result.blocking


def test_checks_survive_text_no_file_could_hold() -> None:
    """A lone surrogate is refused at the door; should one reach the checks, they still answer."""
    assert [r.id for r in run_checks("See [x](https://a.org)", "Siehe \ud800 [x](https://b.org)")] == ["links"]
