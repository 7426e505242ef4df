"""Translation memory: approved translations of every release, exact and fuzzy."""

from __future__ import annotations

import os

from tests.mt.conftest import RELEASE
from translate_app import storage
from translate_app.core.states import set_approved, set_translated
from translate_app.mt.memory import MemoryMatch, memory_index, memory_matches
from translate_app.project import Project


def approve(
    project: Project, release: str, language: str, translations: dict[str, str], *, approved: bool = True
) -> None:
    """Translate entries of a catalog, and approve them unless told not to."""
    with storage.edit(project.catalog_path(release, language)) as po:
        for entry in po:
            if entry.msgid in translations:
                set_translated(entry, translations[entry.msgid], by="alice")
                if approved:
                    set_approved(entry, by="bob")


def test_exact_and_fuzzy_matches_with_score_and_origin(project: Project) -> None:
    approve(
        project,
        RELEASE,
        "de",
        {"Background": "Hintergrund", "Civic engagement in Lithuania": "Bürgerschaftliches Engagement in Litauen"},
    )
    assert memory_matches(project, "de", "Background") == [MemoryMatch("Hintergrund", 100, RELEASE, "Background")]
    found = memory_matches(project, "de", "Civic engagement in Latvia")
    assert found[0].text == "Bürgerschaftliches Engagement in Litauen"
    assert 60 <= found[0].score < 100 and found[0].origin == RELEASE
    assert memory_matches(project, "de", "Something unrelated entirely") == []
    assert memory_matches(project, "he", "Background") == []  # another language


def test_only_approved_translations_count(project: Project) -> None:
    approve(project, RELEASE, "de", {"Background": "Hintergrund"}, approved=False)
    assert memory_matches(project, "de", "Background") == []
    approve(project, RELEASE, "de", {"Background": "Hintergrund"})
    with storage.edit(project.catalog_path(RELEASE, "de")) as po:
        entry = next(e for e in po if e.msgid == "Background")
        entry.msgstr = "Hintergrund!"  # edited outside the service: the approval no longer holds
    assert memory_matches(project, "de", "Background") == []


def test_limit_and_excluded_release(project: Project) -> None:
    source = project.source_dir / "other.md"
    source.write_text("Background\n\nBackgrounds\n", encoding="utf-8")
    project.add_release(source, ["de"])
    approve(project, RELEASE, "de", {"Background": "Hintergrund"})
    approve(project, "other", "de", {"Background": "Der Hintergrund", "Backgrounds": "Hintergründe"})
    found = memory_matches(project, "de", "Background", limit=3)
    assert [m.score for m in found][:2] == [100, 100] and len(found) == 3
    assert {m.origin for m in found if m.score == 100} == {RELEASE, "other"}
    assert memory_matches(project, "de", "Background", limit=1)[0].score == 100
    only_other = memory_matches(project, "de", "Background", exclude_release=RELEASE)
    assert all(m.origin == "other" for m in only_other)


def test_the_index_is_reused_until_a_catalog_changes(project: Project) -> None:
    first = memory_index(project, "de")
    assert memory_index(project, "de") is first
    approve(project, RELEASE, "de", {"Background": "Hintergrund"})
    path = project.catalog_path(RELEASE, "de")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = memory_index(project, "de")
    assert second is not first and second.exact("Background").text == "Hintergrund"
