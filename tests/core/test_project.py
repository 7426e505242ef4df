"""A project directory: adding releases, updating, status, and compiling .mo files and releases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.conftest import SAMPLE
from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core.compiler import render_html, render_markdown
from translate_app.core.errors import (
    CatalogError,
    LanguageError,
    NotApprovedError,
    ReleaseNameError,
    SourceError,
    UnknownReleaseError,
)
from translate_app.core.states import State, entry_state, set_approved, set_machine, set_translated
from translate_app.project import Project, validate_release_name

RELEASE = SAMPLE.stem


def snapshot(root: Path) -> dict[str, bytes]:
    """Return every file under a directory with its bytes, to show that nothing changed."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def translate(
    project: Project,
    language: str,
    *,
    approve: bool = True,
    text: Callable[[str], str] = lambda msgid: msgid,
    only: int | None = None,
) -> None:
    """Translate (and approve) the first `only` entries of a catalog, or all of them."""
    with storage.edit(project.catalog_path(RELEASE, language)) as po:
        for entry in [e for e in po if not e.obsolete][:only]:
            set_translated(entry, text(entry.msgid), by="alice")
            if approve:
                set_approved(entry, by="bob")


@pytest.fixture
def project(sample_project: Path) -> Project:
    return Project(sample_project)


# -- releases ---------------------------------------------------------------------


def test_add_release_writes_source_template_and_catalogs(project: Project) -> None:
    assert project.releases() == [RELEASE]
    assert project.languages(RELEASE) == ["de", "he"]
    assert project.source_path(RELEASE).read_bytes() == SAMPLE.read_bytes()
    pot = cat.load(project.template_path(RELEASE))
    po = cat.load(project.catalog_path(RELEASE, "he"))
    assert [e.msgid for e in po] == [e.msgid for e in pot]
    assert po.metadata["Language"] == "he"
    assert pot[0].occurrences == [(f"source/{RELEASE}.md", "2")]


def test_add_release_adds_languages_to_an_existing_release(project: Project) -> None:
    translate(project, "de", only=3)
    before = project.catalog_path(RELEASE, "de").read_bytes()
    project.add_release(project.source_path(RELEASE), ["lt", "pt-BR"])
    assert project.languages(RELEASE) == ["de", "he", "lt", "pt_BR"]
    assert project.catalog_path(RELEASE, "de").read_bytes() == before


@pytest.mark.parametrize(
    ("make_source", "languages", "error"),
    [
        (lambda d: d / "bad..name.md", ["de"], ReleaseNameError),
        (lambda d: d / "release.txt", ["de"], SourceError),
        (lambda d: d / "release.md", ["de", "xx"], LanguageError),
        (lambda d: d / "missing.md", ["de"], SourceError),
    ],
)
def test_add_release_refuses_bad_input_and_changes_nothing(
    make_source, languages, error, project: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    source = make_source(elsewhere)
    if source.name != "missing.md":
        source.write_text("# A release\n\nText.\n", encoding="utf-8")
    before = snapshot(project.root)
    with pytest.raises(error):
        project.add_release(source, languages)
    assert snapshot(project.root) == before


def test_add_release_does_not_overwrite_a_source(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("other") / f"{RELEASE}.md"
    other.write_text("# Another text\n", encoding="utf-8")
    before = snapshot(project.root)
    with pytest.raises(SourceError, match="already exists"):
        project.add_release(other, ["de"])
    assert snapshot(project.root) == before


@pytest.mark.parametrize("name", ["..", "../etc", "a/b", "a\\b", "a..b", "", ".hidden", "-rf", "x" * 200])
def test_unsafe_release_names_are_refused(name: str, project: Project) -> None:
    with pytest.raises(ReleaseNameError):
        validate_release_name(name)
    with pytest.raises(ReleaseNameError):
        project.update(name)


@pytest.mark.parametrize("name", ["kuzmin-2026-03-30", "release_2", "v1.2"])
def test_safe_release_names_are_accepted(name: str) -> None:
    assert validate_release_name(name) == name


def test_unknown_release(project: Project) -> None:
    with pytest.raises(UnknownReleaseError, match="no-such-release"):
        project.update("no-such-release")
    with pytest.raises(UnknownReleaseError):
        project.load_catalog(RELEASE, "fr")


def test_update_with_a_malformed_catalog_changes_nothing(project: Project) -> None:
    src = project.source_path(RELEASE)
    src.write_text(src.read_text().replace("Background", "Context"), encoding="utf-8")
    he = project.catalog_path(RELEASE, "he")
    he.write_text(he.read_text() + '\nmsgid "broken\n', encoding="utf-8")
    before = snapshot(project.root)
    with pytest.raises(CatalogError) as err:
        project.update(RELEASE)
    assert str(err.value).startswith(f"{he}:")
    assert snapshot(project.root) == before


def test_status_counts_every_state(project: Project) -> None:
    translate(project, "de", only=4)
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        set_translated(po[5], "Übersetzt", by="alice")
        set_machine(po[6], "Maschinell", provider="memory")
        set_translated(po[7], "viel zu kurz", by="alice")  # a long paragraph: the length check warns
    de, he = project.status(RELEASE)
    assert de.language == "de" and he.language == "he"
    total = len(cat.load(project.template_path(RELEASE)))
    assert de.total == he.total == total
    signatories = 39  # filled for review when the language was added (signatory_fill.py)
    assert de.counts == {
        "untranslated": total - 7 - signatories,
        "machine": 1,
        "needs_review": signatories,
        "translated": 2,
        "approved": 4,
    }
    assert he.counts["untranslated"] == total - signatories and not he.complete
    assert de.warnings >= 1


# -- compile ------------------------------------------------------------------------


def test_mo_files_leave_fuzzy_entries_out(project: Project) -> None:
    translate(project, "de", approve=False, only=6)
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        set_machine(po[0], "GEMEINSAME PRESSEMITTEILUNG", provider="memory")
        set_approved(po[1], by="bob")
    report = project.compile()
    assert report.ok, report.problems
    mo = polib.mofile(str(project.catalog_path(RELEASE, "de").with_suffix(".mo")))
    po = cat.load(project.catalog_path(RELEASE, "de"))
    assert {e.msgid for e in mo if e.msgid} == {e.msgid for e in po[1:6]}
    assert mo.metadata["Language"] == "de"
    assert project.catalog_path(RELEASE, "he").with_suffix(".mo").is_file()


def test_full_release_only_for_fully_approved_languages(project: Project) -> None:
    translate(project, "de", text=lambda m: m.replace("Background", "Hintergrund"))
    translate(project, "he", only=5)
    report = project.compile()
    assert report.ok, report.problems
    out = project.root / "build" / "releases" / RELEASE
    assert sorted(p.name for p in out.iterdir()) == ["de.html", "de.md"]
    assert report.skipped == [f"{RELEASE}/he"]
    assert (out / "de.md").read_text() == SAMPLE.read_text().replace("Background", "Hintergrund")


@pytest.mark.parametrize(("language", "direction"), [("de", "ltr"), ("he", "rtl")])
def test_release_html_has_lang_and_dir_and_escapes_translations(
    language: str, direction: str, project: Project
) -> None:
    hostile = {"Background": "<script>alert(1)</script> & more", "JOINT PRESS RELEASE": "[click](javascript:alert(2))"}
    translate(project, language, text=lambda m: hostile.get(m, m))
    report = project.compile()
    assert any("check html" in p for p in report.problems)  # approved, but the check still speaks up
    page = (project.root / "build" / "releases" / RELEASE / f"{language}.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page and 'href="javascript' not in page


def test_render_html_uses_the_region_code_and_escapes_the_title() -> None:
    page = render_html("# Tom & <Jerry>\n\nText\n", "pt_BR")
    assert '<html lang="pt-BR" dir="ltr">' in page
    assert "<title>Tom &amp; &lt;Jerry&gt;</title>" in page


def test_render_only_approved_refuses_while_a_segment_is_not_approved(project: Project) -> None:
    translate(project, "de", only=10)
    doc = project.document(RELEASE)
    po = project.load_catalog(RELEASE, "de")
    with pytest.raises(NotApprovedError, match=r"\d+ of \d+ segments are not approved"):
        render_markdown(doc, po, only_approved=True)
    assert render_markdown(doc, po) == SAMPLE.read_text()


def spoil_catalog(project: Project) -> str:
    path = project.catalog_path(RELEASE, "he")
    path.write_text(path.read_text() + "\nnot a po line\n", encoding="utf-8")
    return f"{project.relative(path)}:"


def spoil_approval(project: Project) -> str:
    translate(project, "de", only=3)
    path = project.catalog_path(RELEASE, "de")
    path.write_text(path.read_text().replace('msgstr "JOINT PRESS RELEASE"', 'msgstr "PRESSEMITTEILUNG"'))
    return "approval no longer matches"


def spoil_check(project: Project) -> str:
    translate(project, "de", text=lambda m: m.replace("10¹", "10"))
    return "approved entry fails check footnotes"


def spoil_source(project: Project) -> str:
    src = project.source_path(RELEASE)
    src.write_text(src.read_text() + "\nA paragraph added after the last update.\n", encoding="utf-8")
    return "out of date with its source"


def spoil_template(project: Project) -> str:
    project.template_path(RELEASE).unlink()
    return "missing template"


@pytest.mark.parametrize(
    "spoil", [spoil_catalog, spoil_approval, spoil_check, spoil_source, spoil_template], ids=lambda f: f.__name__
)
def test_compile_check_reports_each_problem_and_writes_nothing(spoil, project: Project) -> None:
    assert project.compile(check=True).ok
    expected = spoil(project)
    before = snapshot(project.root)
    report = project.compile(check=True)
    assert not report.ok
    assert any(expected in problem for problem in report.problems), report.problems
    assert snapshot(project.root) == before
    assert not report.written


def test_a_bad_language_folder_is_reported_not_fatal(project: Project) -> None:
    stray = project.locales_dir / "xx" / "LC_MESSAGES" / f"{RELEASE}.po"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(project.catalog_path(RELEASE, "de").read_bytes())
    report = project.compile(check=True)
    assert any("'xx'" in p for p in report.problems), report.problems


def test_status_of_an_approved_entry_is_kept_by_compile(project: Project) -> None:
    translate(project, "de")
    project.compile()
    assert {entry_state(e) for e in project.load_catalog(RELEASE, "de")} == {State.APPROVED}
    assert all(st.complete for st in project.status(RELEASE) if st.language == "de")
