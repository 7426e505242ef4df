"""The engine against a real LibreTranslate-compatible server on 127.0.0.1."""

from __future__ import annotations

import math
import threading

import pytest
from markdown_it import MarkdownIt

from tests.libretranslate_server import FakeLibreTranslate, fake_translate
from tests.mt.conftest import RELEASE
from translate_app import storage
from translate_app.config import Settings
from translate_app.core.checks import run_checks
from translate_app.core.glossary import Glossary, glossary_checks, glossary_path, load_glossary
from translate_app.core.masking import mask, unmask
from translate_app.core.states import (
    State,
    entry_signatories,
    entry_state,
    review_fields,
    set_approved,
    set_translated,
)
from translate_app.mt.base import make_provider
from translate_app.mt.cache import TranslationCache
from translate_app.mt.engine import PretranslationFailed, Progress, pretranslate
from translate_app.project import Project
from translate_app.signatory_fill import recognised


def expected(text: str, language: str, glossary: Glossary | None = None) -> str:
    """Return what the fake server's translation of a source text becomes after unmasking."""
    masked = mask(text, terms=glossary.sources() if glossary else ())
    if not masked.translatable:
        return text
    return unmask(
        masked,
        fake_translate(masked.text, language),
        replacements=glossary.replacements(language) if glossary else None,
    ).text


def entries(project: Project, release: str, language: str) -> dict[str, object]:
    """Return the live entries of a catalog by msgid."""
    return {e.msgid: e for e in project.load_catalog(release, language) if not e.obsolete}


def signatory_items(project: Project) -> set[str]:
    """Return the sample's signatory items: filled when a language is added, never sent to a provider."""
    return set(recognised(project.document(RELEASE)))


def add_release(project: Project, name: str, text: str, languages: list[str]) -> None:
    """Write a source file and register it as a release."""
    path = project.source_dir / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    project.add_release(path, languages)


def run(
    project: Project,
    settings: Settings,
    languages: list[str],
    *,
    release: str = RELEASE,
    cache: TranslationCache | None = None,
    provider: str = "libretranslate",
    **overrides,
) -> Progress:
    """Pre-translate with a fresh provider instance."""
    engine_provider = make_provider(provider, settings, **overrides)
    glossary = load_glossary(glossary_path(project.source_dir, release))
    return pretranslate(
        project=project, release=release, languages=languages, provider=engine_provider, cache=cache, glossary=glossary
    )


@pytest.fixture
def cache(session_factory, settings: Settings) -> TranslationCache:
    provider = make_provider("libretranslate", settings)
    return TranslationCache(session_factory, provider.id, provider.settings_hash())


def test_every_segment_becomes_a_machine_suggestion_with_provenance(
    project: Project, settings: Settings, libre: FakeLibreTranslate
) -> None:
    progress = run(project, settings, ["de", "he"], batch_size=25)
    signatories = signatory_items(project)
    texts = [e.msgid for e in project.load_catalog(RELEASE, "de") if e.msgid and e.msgid not in signatories]
    assert progress.total == progress.done == progress.from_provider + progress.unchanged == 2 * len(texts)
    assert progress.failed == 0
    for language in ("de", "he"):
        for msgid, entry in entries(project, RELEASE, language).items():
            if msgid in signatories:  # the signatory fill's, left alone
                assert entry_signatories(entry) is not None and entry_state(entry) == State.NEEDS_REVIEW
                continue
            assert entry_state(entry) == State.MACHINE
            assert entry.msgstr == expected(msgid, language)
            assert review_fields(entry)["machine"]["provider"] == "libretranslate"
            assert not [r for r in run_checks(msgid, entry.msgstr) if r.severity == "error"]
    # Requests: one per batch of 25 distinct texts per language, never one per segment.
    per_language = progress.unique_texts // 2
    assert libre.requests == progress.requests == 2 * math.ceil(per_language / 25)


def test_a_second_run_comes_from_the_cache_and_a_restart_skips_what_is_done(
    project: Project, settings: Settings, libre: FakeLibreTranslate, cache: TranslationCache
) -> None:
    first = run(project, settings, ["de"], cache=cache)
    asked = libre.requests
    assert run(project, settings, ["de"], cache=cache).total == 0  # nothing left to do
    for language in ("de",):
        with storage.edit(project.catalog_path(RELEASE, language)) as po:
            for entry in po:
                entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    again = run(project, settings, ["de"], cache=cache)
    assert libre.requests == asked and again.requests == 0
    assert again.from_cache == first.from_provider and again.done == first.done
    # Emptied signatory items are not sent either: the next update fills them.
    signatories = signatory_items(project)
    assert again.signatories == len(signatories) == 39
    for msgid, entry in entries(project, RELEASE, "de").items():
        assert entry_state(entry) == (State.UNTRANSLATED if msgid in signatories else State.MACHINE)


def test_identical_masked_texts_are_sent_once(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    glossary_path(project.source_dir, "years").write_text("keep: [UNHCR]\n", encoding="utf-8")
    add_release(project, "years", "In 2023 he left.\n\nIn 2024 he left.\n\nUNHCR\n", ["de", "fr"])
    progress = run(project, settings, ["de", "fr"], release="years")
    assert libre.requests == 2  # one per language; the two sentences mask to one text
    sent = [r["q"] for r in libre.received]
    assert sent == ["In [X0X] he left.", "In [X0X] he left."]
    de = entries(project, "years", "de")
    assert de["In 2023 he left."].msgstr == "In_de 2023 he_de left_de."
    assert de["In 2024 he left."].msgstr == "In_de 2024 he_de left_de."
    assert de["UNHCR"].msgstr == "UNHCR" and progress.unchanged == 2  # nothing left to translate


def test_memory_answers_first_at_100_percent(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    signatories = "Amnesty International\n\nConnection e.V.\n\nWar Resisters' International\n"
    add_release(project, "earlier", "An earlier statement.\n\n" + signatories, ["de"])
    add_release(project, "later", "A later statement.\n\n" + signatories, ["de"])
    with storage.edit(project.catalog_path("earlier", "de")) as po:
        for entry in po:
            if entry.msgid in signatories:
                set_translated(entry, entry.msgid + " (de)", by="alice")
                set_approved(entry, by="bob")
    progress = run(project, settings, ["de"], release="later")
    assert progress.from_memory == 3 and progress.from_provider == 1
    assert [r["q"] for r in libre.received] == ["A later statement."]
    later = entries(project, "later", "de")
    entry = later["War Resisters' International"]
    assert entry.msgstr == "War Resisters' International (de)"
    assert review_fields(entry)["machine"] == {
        "provider": "memory",
        "date": review_fields(entry)["machine"]["date"],
        "score": "100",
    }


def approve_all(project: Project, release: str, language: str, translations: dict[str, str]) -> None:
    """Translate and approve entries of a catalog, so that they are in the translation memory."""
    with storage.edit(project.catalog_path(release, language)) as po:
        for entry in po:
            if entry.msgid in translations:
                set_translated(entry, translations[entry.msgid], by="alice")
                set_approved(entry, by="bob")


# The examples: a near match is a different sentence, never a translation of this one.
NEAR_MATCHES = [
    ("Vilnius, 30 November 2026", "Vilnius, 30. November 2026", "Vilnius, 4 December 2026"),
    (
        "The coalition demanded to suspend three permits.",
        "Die Koalition forderte, drei Genehmigungen auszusetzen.",
        "The coalition welcomed the decision to suspend two permits.",
    ),
    (
        "Maksim Kuzmin is a Russian citizen.",
        "Maksim Kuzmin ist russischer Staatsbürger.",
        "Maksim Kuzmin is a Russian citizen!",
    ),
]


def test_the_memory_provider_fills_only_exact_matches(
    project: Project, settings: Settings, libre: FakeLibreTranslate
) -> None:
    earlier = "\n\n".join(src for src, _, _ in NEAR_MATCHES) + "\n\nBackground\n"
    later = "\n\n".join(new for _, _, new in NEAR_MATCHES) + "\n\nBackground\n"
    add_release(project, "earlier", earlier, ["de"])
    add_release(project, "later", later, ["de"])
    approve_all(project, "earlier", "de", {src: tr for src, tr, _ in NEAR_MATCHES} | {"Background": "Hintergrund"})
    from translate_app.mt.memory import memory_matches

    for src, _, new in NEAR_MATCHES:  # they are near enough to be offered as suggestions...
        assert memory_matches(project, "de", new)[0].source == src
    progress = run(project, settings, ["de"], release="later", provider="memory")
    # ...but only the identical source is filled; the others stay untranslated and are counted.
    assert libre.requests == 0
    assert (progress.total, progress.done, progress.from_memory, progress.no_match, progress.failed) == (4, 1, 1, 3, 0)
    found = entries(project, "later", "de")
    assert found["Background"].msgstr == "Hintergrund"
    assert review_fields(found["Background"])["machine"]["score"] == "100"
    for _, _translation, new in NEAR_MATCHES:
        assert entry_state(found[new]) == State.UNTRANSLATED and found[new].msgstr == ""


def test_with_a_provider_near_matches_are_translated_by_the_provider(
    project: Project, settings: Settings, libre: FakeLibreTranslate
) -> None:
    add_release(project, "earlier", "\n\n".join(src for src, _, _ in NEAR_MATCHES) + "\n", ["de"])
    add_release(project, "later", "\n\n".join(new for _, _, new in NEAR_MATCHES) + "\n", ["de"])
    approve_all(project, "earlier", "de", {src: tr for src, tr, _ in NEAR_MATCHES})
    progress = run(project, settings, ["de"], release="later")
    assert progress.from_memory == 0 and progress.from_provider == 3 and progress.no_match == 0
    for _, translation, new in NEAR_MATCHES:
        entry = entries(project, "later", "de")[new]
        assert entry.msgstr == expected(new, "de") != translation
        assert review_fields(entry)["machine"]["provider"] == "libretranslate"


def test_a_persons_work_is_never_overwritten(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    path = project.catalog_path(RELEASE, "de")
    with storage.edit(path) as po:
        live = [e for e in po if e.msgid]
        set_translated(live[0], "Von Hand", by="alice")
        set_translated(live[1], "Geprüft", by="alice")
        set_approved(live[1], by="bob")
        during = next(e.msgid for e in reversed(live) if entry_state(e) == State.UNTRANSLATED)

    def volunteer_types_meanwhile(_params: dict) -> None:
        # A volunteer saves a translation while the first request is in flight.
        if libre.requests == 1:
            with storage.edit(path) as po:
                entry = next(e for e in po if e.msgid == during)
                set_translated(entry, "Schon übersetzt", by="carol")

    libre.before_answer = volunteer_types_meanwhile
    progress = run(project, settings, ["de"], batch_size=10, concurrency=1)
    de = entries(project, RELEASE, "de")
    assert de[live[0].msgid].msgstr == "Von Hand" and entry_state(de[live[0].msgid]) == State.TRANSLATED
    assert entry_state(de[live[1].msgid]) == State.APPROVED
    assert de[during].msgstr == "Schon übersetzt" and progress.kept == 1
    assert progress.total == len(de) - 2 - len(signatory_items(project))


def test_faults_are_retried_and_nothing_is_lost(
    project: Project, settings: Settings, libre: FakeLibreTranslate
) -> None:
    libre.retry_after = "0"
    libre.script("429", "500", "timeout", "malformed", "truncated", "503", "empty")
    # Faults hit whichever request comes next, so one batch may meet all seven in a row.
    progress = run(project, settings, ["de", "he"], batch_size=10, concurrency=3, timeout=(1.0, 0.5), max_attempts=8)
    assert progress.failed == 0 and progress.done == progress.total
    batches = sum(math.ceil(progress.unique_texts / 2 / 10) for _ in range(2))
    assert libre.requests == progress.requests == batches + 7
    signatories = signatory_items(project)
    for language in ("de", "he"):
        for msgid, entry in entries(project, RELEASE, language).items():
            assert msgid in signatories or entry.msgstr == expected(msgid, language)


def test_a_provider_that_keeps_failing_stops_the_job_and_keeps_what_was_done(
    project: Project, settings: Settings, libre: FakeLibreTranslate
) -> None:
    before = project.catalog_path(RELEASE, "he").read_bytes()
    libre.script("ok", "ok")
    libre.always("500")
    with pytest.raises(PretranslationFailed, match="keeps failing.*HTTP 500") as info:
        run(project, settings, ["de", "he"], batch_size=10, concurrency=1, max_attempts=2)
    progress = info.value.progress
    assert progress.done == 20 and progress.failed == 10 + 1 + 10  # de's last two batches (31 texts), he's first
    assert libre.requests == 2 + 3 * 2  # two good batches, then three batches tried twice each
    de = entries(project, RELEASE, "de")
    assert sum(entry_state(e) == State.MACHINE for e in de.values()) == 20
    assert sum(entry_state(e) == State.UNTRANSLATED for e in de.values()) == len(de) - 20 - 39  # 39 signatories
    assert project.catalog_path(RELEASE, "he").read_bytes() == before


def test_refused_credentials_stop_at_once(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    libre.api_key = "secret"
    with pytest.raises(PretranslationFailed, match="HTTP 403"):
        run(project, settings, ["de"], concurrency=1)
    assert libre.requests == 1


def test_mangled_tokens_give_failing_checks_never_broken_markdown(
    project: Project, settings: Settings, libre: FakeLibreTranslate, cache: TranslationCache
) -> None:
    source = (
        "Read **the joint statement** of [Connection e.V.](https://en.connection-ev.org/) and `the annex` from 2026.\n"
    )
    add_release(project, "markup", source, ["de"])
    libre.always("mangle-tokens")
    assert run(project, settings, ["de"], release="markup", cache=cache).token_problems == 1
    entry = next(iter(entries(project, "markup", "de").values()))
    assert entry_state(entry) == State.MACHINE
    failing = {r.id for r in run_checks(entry.msgid, entry.msgstr)}
    assert failing & {"links", "emphasis", "code", "numbers"}
    parsed = MarkdownIt("commonmark").parseInline(entry.msgstr)[0].children
    opened = [t.type for t in parsed if t.type.endswith("_open")]
    closed = [t.type for t in parsed if t.type.endswith("_close")]
    assert len(opened) == len(closed)
    assert "**" not in "".join(t.content for t in parsed if t.type == "text")
    assert "[X" not in entry.msgstr
    # The mangled answer was not cached: a later run asks the provider again.
    with storage.edit(project.catalog_path("markup", "de")) as po:
        for e in po:
            e.msgstr, e.flags, e.tcomment = "", [], ""
    libre.always(None)
    again = run(project, settings, ["de"], release="markup", cache=cache)
    assert again.from_provider == 1 and libre.requests == 2
    entry = next(iter(entries(project, "markup", "de").values()))
    assert not run_checks(entry.msgid, entry.msgstr)


def test_the_glossary_keeps_and_replaces_terms(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    glossary_path(project.source_dir, RELEASE).write_text(
        "keep: [Maksim Kuzmin, UNHCR]\n"
        "replace:\n  Regional Administrative Court:\n    de: Regionales Verwaltungsgericht\n",
        encoding="utf-8",
    )
    glossary = load_glossary(glossary_path(project.source_dir, RELEASE))
    run(project, settings, ["de", "he"])
    signatories = signatory_items(project)
    for language in ("de", "he"):
        for msgid, entry in entries(project, RELEASE, language).items():
            if msgid in signatories:
                continue
            assert entry.msgstr == expected(msgid, language, glossary)
            assert not run_checks(
                msgid, entry.msgstr, language=language, extra=glossary_checks(glossary)
            ) or "glossary" not in {
                r.id for r in run_checks(msgid, entry.msgstr, language=language, extra=glossary_checks(glossary))
            }
    de = entries(project, RELEASE, "de")
    hearing = next(m for m in de if "Regional Administrative Court" in m)
    assert "Regionales Verwaltungsgericht" in de[hearing].msgstr and "Maksim Kuzmin" in de[hearing].msgstr
    he = entries(project, RELEASE, "he")
    assert "Regional Administrative Court in" in he[hearing].msgstr


def test_a_stop_request_ends_the_run_quickly(project: Project, settings: Settings, libre: FakeLibreTranslate) -> None:
    from translate_app.mt.errors import JobCancelled

    libre.latency = 0.2
    stop = threading.Event()
    provider = make_provider("libretranslate", settings, batch_size=5, concurrency=1)

    def stop_after_first(progress: Progress) -> None:
        if progress.done >= 5:
            stop.set()

    with pytest.raises(JobCancelled):
        pretranslate(
            project=project,
            release=RELEASE,
            languages=["de"],
            provider=provider,
            on_progress=stop_after_first,
            stop=stop,
        )
    assert libre.requests <= 2
    states = [entry_state(e) for e in entries(project, RELEASE, "de").values()]
    assert 5 <= states.count(State.MACHINE) <= 10
