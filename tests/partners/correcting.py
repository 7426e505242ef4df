"""Helpers for the tests of corrections after publication: a release all approved, then its source corrected."""

from __future__ import annotations

from translate_app import storage
from translate_app.core.states import set_approved, set_translated
from translate_app.project import Project

# A word each language puts for "the", so that a translation differs from its source but keeps its numbers,
# links and markup (blocking checks would refuse to publish otherwise).
THE = {"de": "die", "fr": "le", "he": "ה", "uk": "ці"}


def translated(text: str, language: str) -> str:
    """Return the stand-in translation of a source text for a language."""
    return text.replace("the ", f"{THE.get(language, language)} ")


def approve_everything(project: Project, release: str, language: str, *, by: str = "tr", reviewer: str = "rev") -> None:
    """Translate (stand-in) and approve every segment of a language, as the volunteers would have."""
    with storage.edit(project.catalog_path(release, language)) as po:
        for entry in po:
            if entry.msgid and not entry.obsolete:
                set_translated(entry, translated(entry.msgid, language), by=by)
                set_approved(entry, by=reviewer)


def correct_source(project: Project, release: str, *replacements: tuple[str, str]) -> dict:
    """Change the source text (each (old, new) must occur once), then update every catalog; return the counts."""
    path = project.source_path(release)
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return project.update(release)
