"""A release's glossary edited in the browser: read with a version, changed atomically under its lock, audited.

The file beside the source (core.glossary.glossary_path) stays the truth. A
change names the version it was made on (a hash of the file); a glossary
changed meanwhile answers 409. Coordinators change every term; reviewers add
terms and set their languages' targets, and delete a term only while no other
language has a target for it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from .core.errors import PermissionDeniedError, StaleVersionError
from .core.glossary import (
    Glossary,
    GlossaryError,
    dump_glossary,
    glossary_path,
    load_glossary,
    with_term,
    without_term,
)
from .models import AuditLog, User
from .project import Project
from .storage.files import write_atomic
from .storage.lock import catalog_lock


class GlossaryChangedError(StaleVersionError):
    """A glossary change made on a version that is no longer the file's (a 409)."""


def _path(project: Project, release: str) -> Path:
    project.require(release)
    return glossary_path(project.source_dir, release)


def _version(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return ""


def read(project: Project, release: str) -> tuple[Glossary, str]:
    """Return a release's glossary and its version ("" while it has no file)."""
    path = _path(project, release)
    return load_glossary(path), _version(path)


def as_api(glossary: Glossary, version: str, language: str) -> dict:
    """Describe a glossary for one language: each term with the text it must read in that language."""
    key = language.replace("-", "_")
    return {
        "version": version,
        "language": language,
        "terms": [
            {
                "source": t.source,
                "target": t.target(language),
                "kept": t.target(language) == t.source,
                "other_languages": sorted(k for k in t.translations if k != key),
            }
            for t in glossary.terms
        ],
    }


def _require_editor(user: User, language: str) -> None:
    if not user.can_review(language):
        raise PermissionDeniedError(f"editing the glossary needs the reviewer role for {language} or a coordinator")


def _change(
    session: Session, project: Project, user: User, release: str, language: str, version: str | None, change, what: str
) -> tuple[Glossary, str]:
    path = _path(project, release)
    with catalog_lock(path):
        if version is None or version != _version(path):
            raise GlossaryChangedError("the glossary changed since you loaded it; reload it and try again")
        before = load_glossary(path)
        after = change(before)
        text = dump_glossary(after)
        write_atomic(path, text.encode("utf-8"), later_mtime=True)
        new_version = _version(path)
    session.add(
        AuditLog(
            user_id=user.id,
            release=release,
            language=language,
            segment_id="glossary",
            action="glossary",
            old_text=what.split("\n")[0],
            new_text=what.split("\n")[-1],
        )
    )
    session.commit()
    return after, new_version


def set_term(
    session: Session,
    *,
    project: Project,
    user: User,
    release: str,
    language: str,
    source: str,
    target: str | None,
    version: str | None,
    old_source: str | None = None,
) -> tuple[Glossary, str]:
    """Add or change a term and its target in one language; return the new glossary and version."""
    _require_editor(user, language)
    glossary, _ = read(project, release)
    old = next((t for t in glossary.terms if t.source == (old_source or source)), None)
    if (
        old_source
        and old_source != source
        and old is not None
        and not user.is_coordinator
        and any(k != language.replace("-", "_") for k in old.translations)
    ):
        raise PermissionDeniedError("other languages use this term; only a coordinator can rename it")
    what = (f"{old.source} → {old.target(language)}" if old else "") + f"\n{source} → {target or source}"
    return _change(
        session,
        project,
        user,
        release,
        language,
        version,
        lambda g: with_term(g, source, language, target, old_source=old_source),
        what,
    )


def delete_term(
    session: Session, *, project: Project, user: User, release: str, language: str, source: str, version: str | None
) -> tuple[Glossary, str]:
    """Remove a term; a reviewer only while no other language has a target for it."""
    _require_editor(user, language)
    glossary, _ = read(project, release)
    term = next((t for t in glossary.terms if t.source == source), None)
    if term is None:
        raise GlossaryError(f"the glossary has no term {source!r}")
    if not user.is_coordinator and any(k != language.replace("-", "_") for k in term.translations):
        raise PermissionDeniedError("other languages use this term; only a coordinator can delete it")
    return _change(
        session,
        project,
        user,
        release,
        language,
        version,
        lambda g: without_term(g, source),
        f"{source} → {term.target(language)}\n(deleted)",
    )
