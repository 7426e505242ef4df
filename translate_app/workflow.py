"""What people do to releases: save, approve, comment, publish; catalogs plus the audit log."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from . import audit, notifications, storage
from .core import segments as seg
from .core.compiler import render_html, render_markdown
from .core.errors import MalformedCatalogError, PermissionDeniedError, TranslateAppError, public_message
from .core.states import STATES
from .core.textdiff import word_diff
from .models import (
    AuditLog,
    Comment,
    Membership,
    Permissions,
    Proposal,
    Publication,
    Release,
    User,
    shown_name_of,
    utcnow,
)
from .project import Project

log = logging.getLogger(__name__)


@dataclass
class LanguageProgress:
    """Progress of one language of a release, for dashboards and the API."""

    language: str
    counts: dict[str, int]
    total: int
    risk: str
    publication: str | None  # None, "current" or "stale"
    broken: str | None = None  # why the catalog cannot be read (file:line: what), else None


@dataclass
class VisibleRelease:
    """A release as one person sees it: its record and the progress of the languages they work on."""

    record: Release
    languages: list[LanguageProgress]

    @property
    def name(self) -> str:
        """Return the release's name."""
        return self.record.name


def registered_releases(project: Project) -> list[str]:
    """Return the releases that count as registered: a source in source/ with at least one catalog."""
    return [name for name in project.releases() if project.languages(name)]


def unregistered_sources(project: Project) -> list[str]:
    """Return the sources in source/ that have no catalog yet (they can be added as releases)."""
    registered = set(registered_releases(project))
    return [name for name in project.releases() if name not in registered]


def visible_releases(
    session: Session, project: Project, person: Permissions, today: date | None = None
) -> list[VisibleRelease]:
    """Return the registered releases with a language this person works on, with those languages' progress.

    The one list behind the dashboard, GET /api/releases and the coordinators'
    overview: a coordinator sees every language of every registered release, a
    volunteer only the releases that have one of their languages, and only those
    languages (nothing of the others is read). A release under embargo is
    left out for everyone a coordinator did not invite to it (embargo.py).
    """
    from .embargo import hidden_from

    hidden = hidden_from(session, person)
    found = []
    for name in project.releases():
        if name in hidden:
            continue
        languages = person.visible_languages(project.languages(name))
        if not languages:
            continue
        found.append(
            VisibleRelease(
                release_record(session, project, name), progress(session, project, name, languages, today=today)
            )
        )
    return found


def require_coordinator(person: Permissions, action: str) -> None:
    """Refuse unless the person is an active coordinator; `action` says what they tried ("start pre-translation")."""
    if not (person.active and person.is_coordinator):
        raise PermissionDeniedError(f"only coordinators {action}")


def release_record(session: Session, project: Project, name: str) -> Release:
    """Return the database record of a release that exists on disk, without writing anything.

    A release registered without the service (files committed by hand, the CLI)
    has no row yet: it gets an unsaved record with the defaults (title from the
    document, no deadline, no self-review). GET requests use this, so they never
    write; register_release makes the row where a change needs it.
    """
    project.require(name)
    rel = session.scalar(select(Release).where(Release.name == name))
    if rel is None:
        rel = Release(name=name, title=_title(project, name), deadline=None, self_review=False)
    return rel


def register_release(session: Session, project: Project, name: str, *, title: str | None = None) -> Release:
    """Return the stored record of a release, adding it if missing (the caller commits)."""
    project.require(name)
    rel = session.scalar(select(Release).where(Release.name == name))
    if rel is None:
        rel = Release(name=name, title=(title or "").strip()[:300] or _title(project, name), self_review=False)
        session.add(rel)
        session.flush()
    return rel


def add_release(
    session: Session,
    project: Project,
    source: Path | None,
    languages: list[str],
    *,
    title: str | None = None,
    deadline: date | None = None,
) -> Release:
    """Add a release from a Markdown file in the languages given, and make its row (the caller commits)."""
    if source is None:
        raise TranslateAppError("upload a Markdown file or pick one from source/")
    name = project.add_release(source, languages)
    rel = register_release(session, project, name, title=title)
    rel.deadline = deadline
    title = (title or "").strip()
    if title:
        rel.title = title[:300]
    return rel


def change_release(
    session: Session, project: Project, name: str, *, title: str | None, deadline: date | None, self_review: bool
) -> Release:
    """Change a release's title (blank keeps it), deadline and self-review policy (the caller commits)."""
    rel = register_release(session, project, name)
    rel.title = (title or "").strip()[:300] or rel.title
    rel.deadline = deadline
    rel.self_review = self_review
    return rel


def _title(project: Project, name: str) -> str:
    doc = project.document(name)
    for block in doc.blocks:
        if block.kind in ("front matter", "heading"):
            return block.text[:300]
    return (doc.blocks[0].text.replace("*", "")[:300]) if doc.blocks else name


def progress(
    session: Session, project: Project, name: str, languages: list[str] | None = None, today: date | None = None
) -> list[LanguageProgress]:
    """Return per-language counts, deadline risk and publication state of the languages asked for (None: all).

    Only the catalogs of those languages are read, and the source document only
    when one of them has a publication to compare (Project.document keeps it
    while the file is unchanged): a big release costs nothing to a caller who
    does not work on it.
    """
    rel = release_record(session, project, name)
    today = today or date.today()
    result = []
    for code in project.languages(name):
        if languages is not None and code not in languages:
            continue
        try:
            po = project.load_catalog(name, code)
        except MalformedCatalogError as exc:  # one language's broken file must not hide the others
            where = public_message(str(exc), project.root)
            result.append(
                LanguageProgress(
                    language=code, counts={s: 0 for s in STATES}, total=0, risk="broken", publication=None, broken=where
                )
            )
            continue
        counts = seg.counts(po)
        result.append(
            LanguageProgress(
                language=code,
                counts=counts,
                total=sum(counts.values()),
                risk=seg.deadline_risk(counts, rel.deadline, today),
                publication=publication_state(session, project, name, code, po=po),
            )
        )
    return result


def require_translator(user: User, language: str) -> None:
    """Refuse unless the person may edit this language."""
    if not user.can_translate(language):
        raise PermissionDeniedError(f"you are not a translator of {language}")


def require_member(user: User, language: str) -> None:
    """Refuse unless the person works on this language (may read it, comment and suggest)."""
    if not user.can_suggest(language):
        raise PermissionDeniedError(f"you do not work on {language}")


def _early_conflict(path: Path, edit: storage.Edit, language: str, extra: list) -> None:
    """Answer a stale version with a conflict before queueing for the lock, when that costs no parsing."""
    cached = storage.peek(path)
    if cached is not None:
        seg.require_current(
            cached,
            edit.segment,
            edit.version,
            language=language,
            extra=extra,
            by=edit.by,
            text=edit.text if edit.kind == "save" else None,
            approving=edit.kind == "approve",
        )


def save_segment(
    *,
    session: Session,
    project: Project,
    user: User,
    release: str,
    language: str,
    segment_id: str,
    text: str,
    version: str | None,
) -> seg.SegmentView:
    """Save a translation, refusing stale versions, and log it (edits are group-committed).

    A change of approved text by someone who may not approve becomes a proposal
    (see save_or_propose); the segment returned is then the unchanged one.
    """
    return save_or_propose(
        session=session,
        project=project,
        user=user,
        release=release,
        language=language,
        segment_id=segment_id,
        text=text,
        version=version,
    )[0]


def save_or_propose(
    *,
    session: Session,
    project: Project,
    user: User,
    release: str,
    language: str,
    segment_id: str,
    text: str,
    version: str | None,
) -> tuple[seg.SegmentView, Proposal | None]:
    """Save a translation; a non-reviewer's change of approved text, and every save of a suggester, becomes a
    proposal, returned second."""
    require_member(user, language)
    project.require(release)
    if not user.can_translate(language):  # a suggester: the catalog is never written
        from .proposals import propose

        current = seg.view(
            seg.require_entry(project.load_catalog(release, language), segment_id),
            language,
            project.extra_checks(release),
            checks=False,
        )
        return current, propose(
            session, user=user, release=release, language=language, segment=current, text=seg.clean_translation(text)
        )
    edit = {
        "kind": "save",
        "segment": segment_id,
        "text": text,
        "version": version,
        "by": user.name,
        "user_id": user.id,
    }
    if not user.can_review(language):
        edit["propose"] = True  # decided under the catalog lock, so an approval just made counts
    try:
        return _edit(session, project, release, language, edit), None
    except seg.ProposalNeededError as exc:
        from .proposals import propose

        assert exc.current is not None  # the ProposalNeededError of an edit always carries the segment
        return exc.current, propose(
            session,
            user=user,
            release=release,
            language=language,
            segment=exc.current,
            text=seg.clean_translation(text),
        )


def approve_segment(
    *,
    session: Session,
    project: Project,
    user: User,
    release: str,
    language: str,
    segment_id: str,
    version: str | None,
    override: str | None = None,
) -> seg.SegmentView:
    """Approve a translation as a reviewer of the language, honouring the self-review policy.

    Failing blocking checks raise seg.BlockingChecksError unless `override`
    gives the reviewer's reason, which goes into the catalog and the audit log.
    """
    if not user.can_review(language):
        raise PermissionDeniedError(f"approving needs the reviewer role for {language}")
    if override is not None:
        override = seg.clean_override_reason(override)  # refused here, before queueing
    rel = release_record(session, project, release)
    self_review = bool(rel.self_review or user.is_coordinator)
    edit = {
        "kind": "approve",
        "segment": segment_id,
        "version": version,
        "by": user.name,
        "user_id": user.id,
        "self_review": self_review,
    }
    if override is not None:
        edit["override"] = override
    return _edit(session, project, release, language, edit)


def submit_edit(session: Session, project: Project, release: str, language: str, edit: dict) -> seg.SegmentView:
    """Queue an edit of one catalog (see segments.apply_edit), wait until it is written and logged."""
    return _edit(session, project, release, language, edit)


def _edit(session: Session, project: Project, release: str, language: str, edit: dict) -> seg.SegmentView:
    """Queue an edit of one catalog and wait until it is durably written and logged.

    Edits are group-committed: whoever applies a batch also logs all of it in
    one transaction (see _audit_batch).
    """
    # End the request's transaction first: the committer logs the batch on a
    # connection of its own, and on SQLite a write lock held here while waiting
    # for it would deadlock both (nothing in a request writes before an edit).
    session.commit()
    one = storage.Edit(**{"key": audit.new_edit_key(), **edit})
    path = project.catalog_path(release, language)
    extra = project.extra_checks(release)
    _early_conflict(path, one, language, extra)
    [outcome] = storage.apply(
        path,
        [one],
        partial(seg.apply_edit, language=language, extra=extra),
        after=partial(_audit_batch, audit.engine_of(session), session.info.get("audit_outbox"), release, language),
    )
    return seg.edit_outcome(outcome, language, extra)[1]


_EDIT_FIELDS = frozenset(storage.Edit.__dataclass_fields__) - {"protocol"}


def submit_batch(
    session: Session,
    project: Project,
    release: str,
    language: str,
    edits: list[dict],
    *,
    change: storage.Change | None = None,
) -> list[storage.Outcome]:
    """Apply several edits of one catalog in one write and one audit transaction; return each one's outcome.

    Each outcome is what seg.edit_outcome reads: a refusal (a stale version,
    a failing check) refuses that edit alone. A fault of the place (the lock,
    the disk) refuses them all, raised here. Keys of an edit that are not
    fields of storage.Edit (a caller's own bookkeeping) are left out.
    `change` applies each edit (default: segments.apply_edit for the language;
    corrections_workflow passes its own for decisions about source changes).
    """
    session.commit()  # as in _edit: nothing held while waiting for the catalog
    typed = [
        storage.Edit(**{"key": audit.new_edit_key(), **{k: v for k, v in e.items() if k in _EDIT_FIELDS}})
        for e in edits
    ]
    path = project.catalog_path(release, language)
    extra = project.extra_checks(release)
    return storage.apply(
        path,
        typed,
        change or partial(seg.apply_edit, language=language, extra=extra),
        after=partial(_audit_batch, audit.engine_of(session), session.info.get("audit_outbox"), release, language),
    )


def _audit_batch(
    engine: Engine, outbox: Path | None, release: str, language: str, batch: list[tuple[storage.Edit, storage.Outcome]]
) -> None:
    """Log every edit of a batch that changed a segment, durably (see audit.py), before anyone is answered.

    Runs in the thread that leads the batch (see storage.batch), so on a connection of its own.
    """
    rows, replayed = [], []
    for edit, outcome in batch:
        if outcome.before is None or outcome.after is None:
            continue
        before, after = outcome.before.as_api(), outcome.after.as_api()
        if before["version"] == after["version"]:
            if edit.kind in ("save", "approve"):
                replayed.append((edit, after))
            continue
        override = after.get("override") if edit.kind == "approve" else None
        rows.append(
            {
                "user_id": edit.user_id,
                "release": release,
                "language": language,
                "segment_id": after["id"],
                "action": edit.kind,
                "old_text": before["translation"],
                "new_text": after["translation"],
                "old_state": before["state"],
                "new_state": after["state"],
                "note": "; ".join(
                    filter(
                        None,
                        [
                            f"override of {', '.join(override['checks'])}: {override['reason']}" if override else "",
                            edit.note,
                        ],
                    )
                ),
                "edit_key": edit.key or audit.new_edit_key(),
                "at": utcnow(),
            }
        )
    # A retry can share the batch with its own first request (still queued when its worker was killed),
    # and a re-applied request with its retry: one row for them all.
    logged = {(r["segment_id"], r["action"], r["new_text"], r["user_id"]) for r in rows}
    unique = []
    for edit, after in replayed:
        key = (after["id"], edit.kind, after["translation"], edit.user_id)
        if key not in logged:
            logged.add(key)
            unique.append((edit, after))
    replayed = unique
    if replayed:
        try:
            rows += _unlogged_replays(engine, outbox, release, language, replayed)
        except Exception:  # noqa: BLE001 - the database cannot say: log them (at least once) rather than lose one
            log.warning("could not look up the audit rows of re-applied edits; logging them again", exc_info=True)
            rows += [_replay_row(edit, after, release, language, None) for edit, after in replayed]
    audit.record(engine, outbox, rows)
    notifications.in_background(notifications.edits_logged, engine, rows)  # a segment changed, a review needed


def _unlogged_replays(
    engine: Engine, outbox: Path | None, release: str, language: str, replayed: list[tuple[storage.Edit, dict]]
) -> list[dict]:
    """Return audit rows for re-applied edits whose first application was stored but never logged.

    A save answered as already stored (seg.already_saved) was written before a
    crash; if the process died before its audit row reached the outbox, this
    answer is the first acknowledgement and must bring the row. It is missing
    when, among the newest rows of the segment that still show its text, none
    is this person's of this kind. Rows waiting in the outbox go in first.
    """
    if outbox is not None:
        audit.replay(engine, outbox)
    rows = []
    with Session(engine) as session:
        for edit, after in replayed:
            logged = session.execute(
                select(AuditLog.action, AuditLog.user_id, AuditLog.new_text, AuditLog.new_state)
                .where(AuditLog.release == release, AuditLog.language == language, AuditLog.segment_id == after["id"])
                .order_by(AuditLog.id.desc())
                .limit(50)
            ).all()
            previous, found = None, False
            for action, user_id, new_text, new_state in logged:
                if new_text != after["translation"]:
                    previous = (new_text, new_state)
                    break
                if action == edit.kind and user_id == edit.user_id:
                    found = True
                    break
            if not found:
                rows.append(_replay_row(edit, after, release, language, previous or ("", "untranslated")))
    return rows


def _replay_row(edit: storage.Edit, after: dict, release: str, language: str, previous: tuple[str, str] | None) -> dict:
    """Return the audit row of a re-applied edit; previous is (text, state) before it, when known."""
    old_text, old_state = previous or ("", "")
    if edit.kind == "approve":
        old_text, old_state = after["translation"], "translated"
    return {
        "user_id": edit.user_id,
        "release": release,
        "language": language,
        "segment_id": after["id"],
        "action": edit.kind,
        "old_text": old_text,
        "new_text": after["translation"],
        "old_state": old_state or "unknown",
        "new_state": after["state"],
        "note": "logged when the change was confirmed again after an interruption",
        "edit_key": edit.key or audit.new_edit_key(),
        "at": utcnow(),
    }


def add_comment(
    *, session: Session, project: Project, user: User, release: str, language: str, segment_id: str, text: str
) -> Comment:
    """Add a comment to a segment for the other volunteers of the language."""
    require_member(user, language)
    text = (text or "").strip()
    if not text or len(text) > 4000:
        raise seg.InvalidTranslationError("a comment needs 1 to 4000 characters")
    po = project.load_catalog(release, language)
    seg.require_entry(po, segment_id)
    comment = Comment(user_id=user.id, release=release, language=language, segment_id=segment_id, text=text)
    session.add(comment)
    session.commit()
    notifications.commented(session, comment)
    return comment


def shown_names(session: Session) -> dict[str, str]:
    """Map login names (as catalogs record them) to the names people chose to be credited by."""
    rows = session.execute(
        select(User.name, User.display_name, User.credit, User.pseudonym, User.organisation).where(
            (User.display_name.is_not(None)) | (User.credit != "name")
        )
    )
    return {row.name: shown_name_of(*row) for row in rows}


_MENTION = re.compile(r"(?<![\w@])@([\w][\w.-]{0,79})")


def mentioned_users(session: Session, text: str, language: str) -> list[User]:
    """Return the active people of a language that a text mentions as @name (login name or shown name).

    A shown name with spaces is written without them (@AnnaBerg for "Anna Berg");
    the match ignores case. Each person comes once, in order of first mention.
    """
    return list(dict.fromkeys(user for _, user in _mentioned(session, text, language)))


def _mentioned(session: Session, text: str, language: str) -> list[tuple[str, User]]:
    """Return each @name of a text (as written, without the @) that is a person of the language, with the person."""
    written = [m.rstrip(".-") for m in _MENTION.findall(text or "")]
    if not written:
        return []
    people = session.scalars(
        select(User).join(Membership).where(Membership.language == language, User.active.is_(True))
    ).all()
    keys: dict[str, User] = {}
    for user in people:
        keys.setdefault(user.name.casefold(), user)
        if user.display_name:
            keys.setdefault("".join(user.display_name.split()).casefold(), user)
    return [(name, keys[name.casefold()]) for name in written if name.casefold() in keys]


def comment_counts(session: Session, release: str, language: str) -> dict[str, int]:
    """Return how many comments each commented segment of a release's language has."""
    return dict(
        session.execute(
            select(Comment.segment_id, func.count())
            .where(Comment.release == release, Comment.language == language)
            .group_by(Comment.segment_id)
        ).all()
    )


def history(
    session: Session, release: str, language: str, segment_id: str, *, source: tuple[str, str] | None = None
) -> dict:
    """Return the changes and comments of one segment, newest first, each change with its word diff.

    `source` is (the source before its last change, the source now), when the
    source changed since the segment was translated; the answer then has
    "source": {"old", "new", "diff"}. Mentions in comments come resolved
    against the people of the language: "mentions": [{"name", "shown"}].
    """
    changes = session.scalars(
        select(AuditLog)
        .where(AuditLog.release == release, AuditLog.language == language, AuditLog.segment_id == segment_id)
        .order_by(AuditLog.id.desc())
        .limit(50)
    ).all()
    comments = session.scalars(
        select(Comment)
        .where(Comment.release == release, Comment.language == language, Comment.segment_id == segment_id)
        .order_by(Comment.id.desc())
        .limit(50)
    ).all()
    answer: dict = {
        "changes": [
            {
                "at": c.at.isoformat(),
                "user": c.user.shown_name if c.user else "machine",
                "action": c.action,
                "old": c.old_text,
                "new": c.new_text,
                "old_state": c.old_state,
                "new_state": c.new_state,
                "note": c.note or "",
                "diff": [p.as_dict() for p in word_diff(c.old_text or "", c.new_text or "")],
            }
            for c in changes
        ],
        "comments": [
            {
                "at": c.at.isoformat(),
                "user": c.user.shown_name,
                "text": c.text,
                "mentions": _mentions(session, c.text, language),
            }
            for c in comments
        ],
    }
    if source is not None:
        old, new = source
        answer["source"] = {"old": old, "new": new, "diff": [p.as_dict() for p in word_diff(old, new)]}
    return answer


def _mentions(session: Session, text: str, language: str) -> list[dict[str, str]]:
    """Say, for each @name of a comment that is a person of the language, how to show it."""
    if "@" not in text:
        return []
    shown = {name: user.shown_name for name, user in _mentioned(session, text, language)}
    return [{"name": name, "shown": person} for name, person in shown.items()]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def compiled_markdown(project: Project, release: str, language: str, po=None, doc=None) -> str:
    """Return the Markdown of a fully approved language (NotApprovedError otherwise)."""
    doc = doc if doc is not None else project.document(release)
    po = po if po is not None else project.load_catalog(release, language)
    seg.require_complete(po)
    return render_markdown(doc, po, only_approved=True)


def compiled(project: Project, release: str, language: str, po=None) -> tuple[str, str]:
    """Return the Markdown and HTML of a fully approved language."""
    markdown = compiled_markdown(project, release, language, po=po)
    return markdown, render_html(markdown, language)


def publish(
    *, session: Session, project: Project, user: User | None, release: str, language: str, errata: str = ""
) -> Publication:
    """Publish a language whose every segment is approved, storing what went out.

    `user` None is the embargo job publishing at the embargo time. Before a
    release's embargo time nobody publishes it (embargo.EmbargoedError, 409).
    `errata` (a republication after a correction) is a note in the language,
    kept with the publication and appended to its Markdown and HTML with the
    date (core/corrections.errata_markdown); the content hash stays that of the
    translation alone, so the publication is "current" while the catalog is.
    """
    from .core.corrections import clean_errata, errata_markdown
    from .embargo import require_publishable

    if user is not None and not user.is_coordinator:
        raise PermissionDeniedError("only coordinators publish")
    project.require(release)
    require_publishable(session, release)
    errata = clean_errata(errata)
    markdown = compiled_markdown(project, release, language)
    content_hash = _hash(markdown)
    if errata:
        markdown += errata_markdown(errata, utcnow().date(), language)
    html = render_html(markdown, language)
    source = project.source_path(release).read_text(encoding="utf-8")
    pub = Publication(
        user_id=user.id if user is not None else None,
        release=release,
        language=language,
        content_hash=content_hash,
        source_hash=_hash(source),
        markdown=markdown,
        html=html,
        errata=errata or None,
    )
    session.add(pub)
    session.commit()
    return pub


def latest_publication(session: Session, release: str, language: str) -> Publication | None:
    """Return the newest publication of a language of a release."""
    return session.scalar(
        select(Publication)
        .where(Publication.release == release, Publication.language == language)
        .order_by(Publication.id.desc())
        .limit(1)
    )


def publication_state(session: Session, project: Project, release: str, language: str, po=None, doc=None) -> str | None:
    """Say whether the published text is still what the catalog would publish now."""
    pub = latest_publication(session, release, language)
    if pub is None:
        return None
    try:
        markdown = compiled_markdown(project, release, language, po=po, doc=doc)
    except TranslateAppError:
        return "stale"
    return "current" if _hash(markdown) == pub.content_hash else "stale"


def published_zip(session: Session, project: Project, release: str) -> bytes:
    """Return a zip of the latest publication of every language of a release."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for code in project.languages(release):
            pub = latest_publication(session, release, code)
            if pub is not None:
                zf.writestr(f"{release}/{code}.md", pub.markdown)
                zf.writestr(f"{release}/{code}.html", pub.html)
    return buf.getvalue()
