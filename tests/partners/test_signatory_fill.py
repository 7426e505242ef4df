"""Signatory lists filled in every language (issue 15): on the sample release, through Project.update.

Every new language starts with the 39 signatory items ready for review (names kept, countries from CLDR,
descriptions left in English and flagged); a person's work is never overwritten; a signatory added to the
source later goes into every language; machine translation and the memory leave the fills alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tests.libretranslate_server import FakeLibreTranslate
from translate_app import storage
from translate_app.cli import main
from translate_app.config import Settings
from translate_app.core import catalog as cat
from translate_app.core import segments as seg
from translate_app.core import signatories as sig
from translate_app.core.checks import run_checks
from translate_app.core.states import (
    State,
    entry_signatories,
    entry_state,
    review_fields,
    set_approved,
    set_partner,
    set_translated,
)
from translate_app.mt.base import make_provider
from translate_app.mt.engine import pretranslate
from translate_app.mt.memory import memory_index
from translate_app.project import Project
from translate_app.signatory_fill import fill_catalog, recognised, report

RELEASE = SAMPLE.stem
LANGUAGES = ["de", "ar", "zh_Hans"]
TWENTY = "de fr es it pt pl uk ru ar he fa tr zh_Hans ja ko hi sw nl sv el".split()
INDIA = "FOR India (Indian branch of IFOR) – India"
OUR_HOUSE = "Our House – Belarus & Lithuania"
AGDF = "Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Germany"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    (tmp_path / "source").mkdir()
    shutil.copy(SAMPLE, tmp_path / "source" / SAMPLE.name)
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(tmp_path))
    project = Project(tmp_path)
    project.add_release(tmp_path / "source" / SAMPLE.name, LANGUAGES)
    return project


@pytest.fixture
def libre():
    with FakeLibreTranslate() as server:
        yield server


def entries(project: Project, language: str) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in cat.load(project.catalog_path(RELEASE, language)) if not e.obsolete and e.msgid}


def edit_source(project: Project, old: str, new: str) -> None:
    path = project.source_path(RELEASE)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_new_language_starts_with_the_39_items_ready_for_review(project: Project) -> None:
    found = recognised(project.document(RELEASE))
    assert len(found) == 39
    for language in LANGUAGES:
        de = entries(project, language)
        for text in found:
            entry = de[text]
            assert entry_state(entry) == State.NEEDS_REVIEW, (language, text)
            assert entry_signatories(entry) is not None
            assert "machine" not in review_fields(entry)
        # nothing else was touched
        assert all(entry_state(e) == State.UNTRANSLATED for t, e in de.items() if t not in found)
    de, ar, zh = (entries(project, code) for code in LANGUAGES)
    assert de[AGDF].msgstr == "Aktionsgemeinschaft Dienst für den Frieden (AGDF) – Deutschland"
    assert de[OUR_HOUSE].msgstr == "Our House – Belarus und Litauen"
    assert de["Center on Conscience & War – USA"].msgstr == "Center on Conscience & War – Vereinigte Staaten"
    assert de["Connection e.V."].msgstr == "Connection e.V."  # a name without a country stays as written
    assert (
        ar[AGDF].msgstr.endswith("– ألمانيا") and "Aktionsgemeinschaft Dienst für den Frieden (AGDF)" in ar[AGDF].msgstr
    )
    assert ar[OUR_HOUSE].msgstr.endswith("– بيلاروس وليتوانيا")
    assert zh[AGDF].msgstr.endswith("– 德国")
    assert zh["World Without War – South Korea"].msgstr == "World Without War – 韩国"
    assert zh[OUR_HOUSE].msgstr == "Our House – 白俄罗斯和立陶宛"


def test_descriptions_are_left_in_english_and_flagged(project: Project) -> None:
    de = entries(project, "de")
    india = de[INDIA]
    assert india.msgstr == "FOR India (Indian branch of IFOR) – Indien"
    assert entry_signatories(india)["todo"] == "description"
    assert "todo" not in review_fields(de[AGDF])["signatories"]
    view = seg.view(india, "de")
    assert view.state == "needs_review" and view.signatories == {"description": "Indian branch of IFOR"}
    complete = seg.view(de[AGDF], "de")
    assert complete.signatories == {"description": ""} and complete.machine is None
    figures = {t.language: t for t in report(project, RELEASE)}
    assert (figures["de"].recognised, figures["de"].filled, figures["de"].description, figures["de"].not_filled) == (
        39,
        33,
        6,
        0,
    )
    # The reviewer translates the description: the fill's mark goes, the person's text stays.
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        current = next(e for e in po if e.msgid == INDIA)
        text = "FOR India (indischer Zweig von IFOR) – Indien"
        seg.save(po, cat.entry_id(current), text, version=cat.entry_version(current), by="alice", language="de")
    project.update(RELEASE)
    india = entries(project, "de")[INDIA]
    assert india.msgstr == "FOR India (indischer Zweig von IFOR) – Indien" and entry_state(india) == State.TRANSLATED
    assert "signatories" not in review_fields(india)
    assert report(project, RELEASE, ["de"])[0].people == 1


def test_a_persons_or_partners_work_is_never_overwritten(project: Project) -> None:
    path = project.catalog_path(RELEASE, "de")
    with storage.edit(path) as po:
        by = {e.msgid: e for e in po}
        set_translated(by[AGDF], "AGDF – Deutschland (von Hand)", by="alice")
        set_translated(by[OUR_HOUSE], "Our House – Weißrussland und Litauen", by="alice")
        set_approved(by[OUR_HOUSE], by="bob")
        set_partner(by["Vredesactie – Belgium"], "Vredesactie – Königreich Belgien", "Connection e.V.")
        # Changed in another tool that kept the fuzzy flag and our line: no longer the fill's text.
        by["Vrede vzw – Belgium"].msgstr = "Vrede vzw – Belgien (geprüft)"
    # A language added, the source touched elsewhere and updated twice: the four stay as they are.
    project.update(RELEASE, add_languages=["fr"])
    edit_source(project, "March 30th 2026", "March 31st 2026")
    project.update(RELEASE)
    de = entries(project, "de")
    assert de[AGDF].msgstr == "AGDF – Deutschland (von Hand)" and entry_state(de[AGDF]) == State.TRANSLATED
    assert entry_state(de[OUR_HOUSE]) == State.APPROVED
    assert de["Vredesactie – Belgium"].msgstr == "Vredesactie – Königreich Belgien"
    assert de["Vrede vzw – Belgium"].msgstr == "Vrede vzw – Belgien (geprüft)"
    tally = report(project, RELEASE, ["de"])[0]
    assert (tally.people, tally.filled + tally.description) == (4, 35)
    # A person's translation of an item whose source then changes stays theirs (needs review, not refilled).
    edit_source(project, "Our House – Belarus & Lithuania", "Our House – Belarus & Poland")
    project.update(RELEASE)
    moved = entries(project, "de")["Our House – Belarus & Poland"]
    assert moved.msgstr == "Our House – Weißrussland und Litauen" and entry_signatories(moved) is None
    assert entry_state(moved) == State.NEEDS_REVIEW and moved.previous_msgid == OUR_HOUSE
    # The other languages' fill of the changed item is written again.
    assert entries(project, "fr")["Our House – Belarus & Poland"].msgstr == "Our House – Biélorussie et Pologne"


def test_a_signatory_added_later_goes_into_every_language(project: Project) -> None:
    project.update(RELEASE, add_languages=["uk"])
    edit_source(
        project,
        "39. World Without War – South Korea",
        "39. World Without War – South Korea\n40. Peace Brigades Kenya (Kenyan branch of PBI) – Kenya\n"
        "41. Movimiento Paz – Mexico & Brazil",
    )
    edit_source(project, "Vrede vzw – Belgium", "Vrede vzw – Belgium & Netherlands")
    project.update(RELEASE)
    expected = {
        "de": ("Kenia", "Movimiento Paz – Mexiko und Brasilien", "Vrede vzw – Belgien und Niederlande"),
        "uk": ("Кенія", "Movimiento Paz – Мексика і Бразилія", "Vrede vzw – Бельгія і Нідерланди"),
        "zh_Hans": ("肯尼亚", "Movimiento Paz – 墨西哥和巴西", "Vrede vzw – 比利时和荷兰"),
        "ar": ("كينيا", "– المكسيك والبرازيل", "– بلجيكا وهولندا"),
    }
    for language, (kenya, mexico, vrede) in expected.items():
        catalog = entries(project, language)
        added = catalog["Peace Brigades Kenya (Kenyan branch of PBI) – Kenya"]
        assert added.msgstr.endswith(f"– {kenya}") and "Kenyan branch of PBI" in added.msgstr
        assert entry_state(added) == State.NEEDS_REVIEW and entry_signatories(added)["todo"] == "description"
        assert not added.previous_msgid  # not msgmerge's guess from a neighbour
        assert catalog["Movimiento Paz – Mexico & Brazil"].msgstr.endswith(mexico)
        changed = catalog["Vrede vzw – Belgium & Netherlands"]
        assert changed.msgstr.endswith(vrede) and entry_signatories(changed) is not None
        assert not changed.previous_msgid
    assert {t.language: t.recognised for t in report(project, RELEASE)} == dict.fromkeys(
        ["ar", "de", "uk", "zh_Hans"], 41
    )


def test_right_to_left_languages_isolate_the_latin_name(project: Project) -> None:
    project.update(RELEASE, add_languages=["he", "fa"])
    for language, germany in (("ar", "ألمانيا"), ("he", "גרמניה"), ("fa", "آلمان")):
        catalog = entries(project, language)
        agdf = catalog[AGDF].msgstr
        # The name ends in ")" next to the dash: isolated, it cannot be reordered around the dash.
        assert agdf == f"{sig.FSI}Aktionsgemeinschaft Dienst für den Frieden (AGDF){sig.PDI} – {germany}"
        assert catalog[INDIA].msgstr.startswith(f"{sig.FSI}FOR India (Indian branch of IFOR){sig.PDI} – ")
        for text, entry in catalog.items():
            if entry_signatories(entry) is not None:
                errors = [r for r in run_checks(text, entry.msgstr, language=language) if r.severity == "error"]
                assert not errors, (language, text, errors)
        assert catalog["Connection e.V."].msgstr == "Connection e.V."  # only a name: nothing to isolate it from
    # Left-to-right languages get no invisible characters.
    assert not any(sig.FSI in e.msgstr for e in entries(project, "de").values())


def test_a_language_cldr_cannot_name_countries_in_is_filled_only_where_it_can(project: Project) -> None:
    # Walloon: Babel knows the language (plural forms, direction) but CLDR names no territory in it.
    project.update(RELEASE, add_languages=["wa"])
    wa = entries(project, "wa")
    tally = report(project, RELEASE, ["wa"])[0]
    assert (tally.recognised, tally.filled + tally.description, tally.not_filled) == (39, 7, 32)
    assert tally.reasons["CLDR has no name in wa for DE"] == 2
    assert wa[AGDF].msgstr == "" and entry_state(wa[AGDF]) == State.UNTRANSLATED
    assert wa["Connection e.V."].msgstr == "Connection e.V."  # names without a country need no CLDR
    # A code Babel does not know at all: nothing with a country is filled, and nothing breaks.
    po = cat.load(project.catalog_path(RELEASE, "wa"))
    for entry in po:
        entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    unknown = fill_catalog(po, recognised(project.document(RELEASE)), "tlh")
    assert (unknown.filled + unknown.description, unknown.not_filled) == (7, 32)
    assert "CLDR has no name in tlh for DE" in unknown.reasons


def test_per_language_forms_of_names_come_from_the_glossary(project: Project) -> None:
    (project.source_dir / f"{RELEASE}.glossary.yml").write_text(
        "keep: [Mesarvot]\nreplace:\n  Our House:\n    uk: Наш дім\n", encoding="utf-8"
    )
    project.update(RELEASE, add_languages=["uk"])
    uk = entries(project, "uk")
    assert uk[OUR_HOUSE].msgstr == "Наш дім – Білорусь і Литва"
    assert uk["Mesarvot – Israel"].msgstr == "Mesarvot – Ізраїль"
    assert entries(project, "de")[OUR_HOUSE].msgstr == "Our House – Belarus und Litauen"


def test_machine_translation_skips_signatory_items_and_the_memory_does_not_learn_fills(
    project: Project, libre: FakeLibreTranslate
) -> None:
    settings = Settings(root=project.root, options={"LIBRETRANSLATE_URL": libre.url})
    before = entries(project, "de")
    provider = make_provider("libretranslate", settings)
    progress = pretranslate(project=project, release=RELEASE, languages=["de"], provider=provider)
    assert progress.total == 70 - 39
    sent = json.dumps([params.get("q") for params in libre.received], ensure_ascii=False)
    assert "Aktionsgemeinschaft" not in sent and "World Without War" not in sent  # no provider call for them
    after = entries(project, "de")
    for text, entry in after.items():
        if entry_signatories(before[text]) is not None:
            assert entry.msgstr == before[text].msgstr and entry_signatories(entry) is not None
    # Emptied (a catalog from before the fill, say): still not sent; update fills them.
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        for entry in po:
            if entry.msgid in before and entry_signatories(entry) is not None:
                entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    again = pretranslate(
        project=project, release=RELEASE, languages=["de"], provider=make_provider("libretranslate", settings)
    )
    assert again.total == 0 and again.signatories == 39
    project.update(RELEASE)
    assert report(project, RELEASE, ["de"])[0].filled == 33
    # The memory learns only what a reviewer approved.
    assert memory_index(project, "de").exact(AGDF) is None
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        set_approved(next(e for e in po if e.msgid == AGDF), by="bob")
    assert memory_index(project, "de").exact(AGDF).text.endswith("– Deutschland")


def test_the_signatories_command_reports_per_language(project: Project) -> None:
    result = CliRunner().invoke(main, ["signatories", RELEASE, "--language", "de", "--language", "ar"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split() == ["lang", "recognised", "filled", "description", "by", "people", "not", "filled"]
    assert lines[2].split() == ["de", "39", "33", "6", "0", "0"]
    assert lines[3].split() == ["ar", "39", "33", "6", "0", "0"]
    data = json.loads(CliRunner().invoke(main, ["signatories", RELEASE, "--json"]).output)
    assert [d["language"] for d in data] == sorted(LANGUAGES)
    # A catalog emptied (or made before the fill): reported as not filled yet, then --fill writes it.
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        for entry in po:
            entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    result = CliRunner().invoke(main, ["signatories", RELEASE, "-l", "de"])
    assert result.output.splitlines()[2].split() == ["de", "39", "0", "0", "0", "39"]
    assert "de: 39 not filled: not filled yet (run update)" in result.output
    result = CliRunner().invoke(main, ["signatories", RELEASE, "-l", "de", "--fill"])
    assert result.output.splitlines()[2].split() == ["de", "39", "33", "6", "0", "0"]
    assert entries(project, "de")[AGDF].msgstr.endswith("– Deutschland")


def test_twenty_languages_at_once(project: Project) -> None:
    project.update(RELEASE, add_languages=TWENTY)
    figures = {t.language: t for t in report(project, RELEASE)}
    for code in TWENTY:
        tally = figures[code]
        assert (tally.recognised, tally.filled, tally.description, tally.not_filled) == (39, 33, 6, 0), code
