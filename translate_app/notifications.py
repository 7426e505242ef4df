"""Notifications: what each person wants to be told and how, and the outbox events are recorded in.

Each person chooses, per kind of event, e-mail, webhook or nothing (see
PREFERENCES); the choices, their address and their webhook URL live on their
own NotificationSettings row only. When something happens, a hook (one line
in workflow.py, proposals.py, cli.py or a view) records one outbox row per
person who asked to hear of it; notifications_delivery.py sends them later
from a background job, as one digest per release and person. A hook never
fails what it is hooked into: it logs and gives up.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import json
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Engine, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .core.errors import TranslateAppError
from .models import AuditLog, Comment, Membership, NotificationEvent, NotificationSettings, Release, User, utcnow

log = logging.getLogger(__name__)

#: What a person can choose to hear of, in the order the preferences page shows them.
PREFERENCES: dict[str, str] = {
    "new_release": "A new release in my languages",
    "segment_activity": "A segment of mine commented on or changed by someone else",
    "source_corrected": "The source of a release in my languages corrected",
    "review_needed": "Segments waiting for review in my languages (reviewers)",
    "deadline_near": "The deadline near while my language is not all approved",
    "embargo_published": "A release went out at its embargo time (coordinators)",
}
CHANNELS = {"email": "E-mail", "webhook": "Webhook", "none": "Nothing"}
#: Each kind of outbox event, and the preference that decides whether and how it is sent.
PREFERENCE_OF = {
    "release_added": "new_release",
    "commented": "segment_activity",
    "changed": "segment_activity",
    "source_corrected": "source_corrected",
    "review_needed": "review_needed",
    "deadline_near": "deadline_near",
    "embargo_published": "embargo_published",
}
MAX_WEBHOOK_URL = 2000
MAX_DETAIL = 500


class InvalidPreferencesError(TranslateAppError):
    """Preferences that cannot be kept as given (a bad address or URL, a channel without one)."""


class WebhookRefusedError(TranslateAppError):
    """A webhook URL this service will not call (not http(s), or a private address)."""


@dataclass
class Preferences:
    """One person's notification settings, as the page and the delivery job read them."""

    email: str | None = None
    webhook_url: str | None = None
    choices: dict[str, str] = field(default_factory=dict)

    def channel(self, preference: str) -> str:
        """Return how this person wants to hear of a kind of event: email, webhook or none."""
        chosen = self.choices.get(preference, "none")
        if chosen == "email" and self.email or chosen == "webhook" and self.webhook_url:
            return chosen
        return "none"


def _parse(row: NotificationSettings | None) -> Preferences:
    if row is None:
        return Preferences()
    try:
        choices = json.loads(row.choices or "{}")
    except ValueError:
        choices = {}
    choices = (
        {k: v for k, v in choices.items() if k in PREFERENCES and v in CHANNELS} if isinstance(choices, dict) else {}
    )
    return Preferences(email=row.email, webhook_url=row.webhook_url, choices=choices)


def preferences(session: Session, user_id: int) -> Preferences:
    """Return a person's preferences (nothing chosen when they never saved any)."""
    return _parse(session.scalar(select(NotificationSettings).where(NotificationSettings.user_id == user_id)))


def clean_webhook_url(text: str | None) -> str | None:
    """Return a webhook URL fit to keep (http or https, a host, no spaces), None for empty; refuse others."""
    url = (text or "").strip()
    if not url:
        return None
    if len(url) > MAX_WEBHOOK_URL or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidPreferencesError("the webhook URL is too long or contains spaces")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidPreferencesError("the webhook URL must start with https:// (or http://) and name a host")
    try:
        parts.port  # noqa: B018 - raises on a port that is no number
    except ValueError as exc:
        raise InvalidPreferencesError("the webhook URL has an invalid port") from exc
    return url


def save_preferences(
    session: Session, *, user: User, email: str | None, webhook_url: str | None, choices: dict[str, str]
) -> Preferences:
    """Validate and store a person's own preferences (the caller's session is committed)."""
    from .mail import InvalidAddressError, clean_address

    email = (email or "").strip() or None
    if email is not None:
        try:
            email = clean_address(email)
        except InvalidAddressError as exc:
            raise InvalidPreferencesError(str(exc)) from exc
    webhook_url = clean_webhook_url(webhook_url)
    kept: dict[str, str] = {}
    for preference in PREFERENCES:
        chosen = choices.get(preference) or "none"
        if chosen not in CHANNELS:
            raise InvalidPreferencesError(f"unknown way of being told: {chosen!r}")
        if chosen == "email" and not email:
            raise InvalidPreferencesError(f"“{PREFERENCES[preference]}” by e-mail needs an e-mail address")
        if chosen == "webhook" and not webhook_url:
            raise InvalidPreferencesError(f"“{PREFERENCES[preference]}” by webhook needs a webhook URL")
        kept[preference] = chosen
    row = session.scalar(select(NotificationSettings).where(NotificationSettings.user_id == user.id))
    if row is None:
        row = NotificationSettings(user_id=user.id)
        session.add(row)
    row.email, row.webhook_url, row.choices, row.updated_at = email, webhook_url, json.dumps(kept), utcnow()
    session.commit()
    return _parse(row)


def check_webhook_target(url: str, *, allow_private: bool) -> None:
    """Refuse a webhook whose host resolves to a loopback, private or link-local address (unless allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefusedError("only http and https webhooks are called")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(
            parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP
        )
    except OSError as exc:
        raise WebhookRefusedError(f"cannot resolve {parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise WebhookRefusedError(
                f"{parts.hostname} is a local or private address; webhooks go to public hosts "
                "(set TRANSLATE_APP_NOTIFY_WEBHOOK_PRIVATE=1 to allow them)"
            )


# -- recording: who hears of what -------------------------------------------------------------------


def _quietly(hook: Callable[..., int]) -> Callable[..., int]:
    """Make a hook log its failure instead of failing the save, comment or command it is hooked into."""

    @functools.wraps(hook)
    def wrapped(*args, **kwargs) -> int:
        try:
            return hook(*args, **kwargs)
        except Exception:  # noqa: BLE001 - being told is never worth losing a translation
            log.warning("notification hook %s failed", hook.__name__, exc_info=True)
            return 0

    return wrapped


def _engine(bind: Engine | Session) -> Engine:
    return bind.get_bind() if isinstance(bind, Session) else bind  # type: ignore[return-value]


def _subscribed(session: Session, preference: str, candidates: Iterable[int]) -> dict[int, str]:
    """Return {user id: channel} of the candidates who chose to hear of this kind of event."""
    ids = set(candidates)
    if not ids:
        return {}
    rows = session.scalars(select(NotificationSettings).where(NotificationSettings.user_id.in_(ids))).all()
    found = {row.user_id: _parse(row).channel(preference) for row in rows}
    return {uid: channel for uid, channel in found.items() if channel != "none"}


def _members(session: Session, languages: Iterable[str], *, reviewers_only: bool = False) -> set[int]:
    """Return the active people of these languages (reviewers only, if asked) and every active coordinator."""
    codes = list(languages)
    in_language = select(Membership.user_id).where(Membership.language.in_(codes))
    member: ColumnElement[bool] = User.id.in_(in_language)
    if reviewers_only:
        member = member & (User.role == "reviewer")
    return set(session.scalars(select(User.id).where(User.active.is_(True), or_(User.role == "coordinator", member))))


def _segment_people(session: Session, release: str, language: str, segment_id: str) -> set[int]:
    """Return who wrote, proposed or commented on a segment: the people it is 'theirs' for."""
    wrote = session.scalars(
        select(AuditLog.user_id)
        .where(
            AuditLog.release == release,
            AuditLog.language == language,
            AuditLog.segment_id == segment_id,
            AuditLog.action.in_(("save", "propose")),
            AuditLog.user_id.is_not(None),
        )
        .distinct()
    )
    commented = session.scalars(
        select(Comment.user_id)
        .where(Comment.release == release, Comment.language == language, Comment.segment_id == segment_id)
        .distinct()
    )
    return {uid for uid in [*wrote, *commented] if uid is not None}


def _shown(session: Session, user: User | int | None) -> str:
    if user is None:
        return ""
    if isinstance(user, int):
        user = session.get(User, user)
    return user.shown_name if user is not None else ""


def _add(
    session: Session,
    recipients: dict[int, str],
    *,
    event: str,
    release: str,
    language: str = "",
    segment_id: str = "",
    actor: str = "",
    detail: str = "",
    urgent: bool = False,
    dedup: Callable[[int], str] | None = None,
) -> int:
    """Add one outbox row per recipient (a dedup key already recorded adds nothing); commit; return the count.

    Nobody hears of a release under embargo that they may not see (embargo.py).
    """
    from .embargo import visible_recipients

    allowed = visible_recipients(session, release, recipients)
    recipients = {uid: channel for uid, channel in recipients.items() if uid in allowed}
    added = 0
    for user_id, channel in recipients.items():
        row = NotificationEvent(
            user_id=user_id,
            event=event,
            channel=channel,
            release=release,
            language=language,
            segment_id=segment_id,
            actor=actor[:120],
            detail=detail[:MAX_DETAIL],
            urgent=urgent,
            dedup_key=dedup(user_id) if dedup else None,
            next_attempt_at=utcnow(),
        )
        if dedup is None:
            session.add(row)
            added += 1
            continue
        try:
            with session.begin_nested():
                session.add(row)
            added += 1
        except IntegrityError:
            pass  # recorded before (by this worker or another)
    session.commit()
    return added


def _actor_id(actor: User | int | None) -> int | None:
    return actor.id if isinstance(actor, User) else actor


@_quietly
def release_added(bind: Engine | Session, release: str, languages: list[str], actor: User | int | None = None) -> int:
    """Record 'a new release in my languages' for the people of those languages."""
    from .core.languages import language_names

    with Session(_engine(bind)) as session:
        people = _members(session, languages) - {_actor_id(actor)}
        recipients = _subscribed(session, "new_release", people)
        title = session.scalar(select(Release.title).where(Release.name == release)) or ""
        names = f"languages: {language_names(languages)}"
        detail = f"{title} — {names}" if title else names
        return _add(
            session, recipients, event="release_added", release=release, actor=_shown(session, actor), detail=detail
        )


@_quietly
def source_corrected(
    bind: Engine | Session, project, release: str, changes: dict[str, dict[str, int]], actor: User | int | None = None
) -> int:
    """Record 'the source corrected' for the people of the release's languages, once per version of the source.

    `changes` is what Project.update returns (the count of each state per
    language); only the people of languages with segments needing review are told.
    """
    # Signatory items filled for review (Project.update) are not a correction of the source.
    changes = {
        code: {"needs_review": counts.get("needs_review", 0) - counts.get("signatories", 0)}
        for code, counts in changes.items()
    }
    changes = {code: counts for code, counts in changes.items() if counts["needs_review"]}
    if not changes:  # nothing to look at again: nobody to tell
        return 0
    source = hashlib.sha256(project.source_path(release).read_bytes()).hexdigest()[:16]
    with Session(_engine(bind)) as session:
        people = _members(session, changes) - {_actor_id(actor)}
        recipients = _subscribed(session, "source_corrected", people)
        added = 0
        for user_id, channel in recipients.items():
            user = session.get_one(User, user_id)
            codes = list(changes) if user.is_coordinator else [c for c in changes if c in user.languages]
            detail = "; ".join(
                f"{code}: {changes[code].get('needs_review', 0)} segment(s) need review" for code in codes
            )
            added += _add(
                session,
                {user_id: channel},
                event="source_corrected",
                release=release,
                actor=_shown(session, actor),
                detail=detail,
                dedup=lambda uid: f"source:{release}:{source}:{uid}",
            )
        return added


def _correction_key(prefix: str, user_id: int) -> str:
    return f"{prefix}:{user_id}"


@_quietly
def corrections_to_review(
    bind: Engine | Session, release: str, segments: dict[str, dict[str, str]], actor: User | int | None = None
) -> int:
    """Record 'the source corrected' for the people of each language where a change of meaning needs review.

    `segments` is {language: {segment id: the new source}} of the segments a
    coordinator marked "meaning changed" (corrections_workflow.decide): each
    person of the language hears once which segments to look at again.
    """
    added = 0
    with Session(_engine(bind)) as session:
        for code, changed in segments.items():
            if not changed:
                continue
            people = set(
                session.scalars(
                    select(User.id)
                    .join(Membership)
                    .where(Membership.language == code, User.active.is_(True), User.role != "suggester")
                )
            ) - {_actor_id(actor)}
            recipients = _subscribed(session, "source_corrected", people)
            quoted = "; ".join(f"“{' '.join(text.split())[:120]}”" for text in changed.values())
            count = len(changed)
            detail = f"{count} segment{'s' if count != 1 else ''} to review again, the meaning changed: {quoted}"
            key = hashlib.sha256("\x00".join(sorted(changed)).encode()).hexdigest()[:16]
            added += _add(
                session,
                recipients,
                event="source_corrected",
                release=release,
                language=code,
                segment_id=next(iter(changed)) if count == 1 else "",
                actor=_shown(session, actor),
                detail=detail,
                dedup=functools.partial(_correction_key, f"correction:{release}:{code}:{key}"),
            )
    return added


@_quietly
def release_published(bind: Engine | Session, release: str, languages: list[str], waiting: list[str]) -> int:
    """Record 'the release went out' for the coordinators, once per release and set of languages published."""
    with Session(_engine(bind)) as session:
        people = set(session.scalars(select(User.id).where(User.active.is_(True), User.role == "coordinator")))
        recipients = _subscribed(session, "embargo_published", people)
        detail = f"published at the embargo time: {', '.join(languages)}"
        if waiting:
            detail += f"; published when approved: {', '.join(waiting)}"
        key = ",".join(sorted(languages))
        return _add(
            session,
            recipients,
            event="embargo_published",
            release=release,
            detail=detail,
            urgent=True,
            dedup=lambda uid: f"embargo:{release}:{key}:{uid}",
        )


@_quietly
def commented(bind: Engine | Session, comment: Comment) -> int:
    """Record 'a segment of mine commented on' for the others who wrote or commented on that segment."""
    with Session(_engine(bind)) as session:
        people = _segment_people(session, comment.release, comment.language, comment.segment_id) - {comment.user_id}
        people = {uid for uid in people if session.get_one(User, uid).can_translate(comment.language)}
        recipients = _subscribed(session, "segment_activity", people)
        return _add(
            session,
            recipients,
            event="commented",
            release=comment.release,
            language=comment.language,
            segment_id=comment.segment_id,
            actor=_shown(session, comment.user_id),
            detail=comment.text,
        )


def _everyone_subscribed(session: Session, preference: str) -> dict[int, str]:
    """Return {user id: channel} of everyone who chose to hear of this kind of event (a small table)."""
    found = {row.user_id: _parse(row).channel(preference) for row in session.scalars(select(NotificationSettings))}
    return {uid: channel for uid, channel in found.items() if channel != "none"}


@_quietly
def edits_logged(bind: Engine | Session, rows: list[dict[str, Any]]) -> int:
    """Record what a batch of logged edits means to others: a segment of theirs changed, a review needed.

    Called with the audit rows of workflow._audit_batch (through in_background,
    so saves never wait for it) and of proposals: a changed text tells the
    segment's other authors; a segment that became 'translated' (or a
    proposal) tells the language's reviewers. Nobody subscribed: one query.
    """
    if not rows:
        return 0
    added = 0
    with Session(_engine(bind)) as session:
        activity = _everyone_subscribed(session, "segment_activity")
        review = _everyone_subscribed(session, "review_needed")
        if not activity and not review:
            return 0
        for row in rows:
            actor = row.get("user_id")
            release, language, segment_id = row["release"], row["language"], row["segment_id"]
            if activity and row["action"] in ("save", "accept") and row["old_text"] != row["new_text"]:
                people = _segment_people(session, release, language, segment_id) - {actor}
                added += _add(
                    session,
                    {uid: activity[uid] for uid in people if uid in activity},
                    event="changed",
                    release=release,
                    language=language,
                    segment_id=segment_id,
                    actor=_shown(session, actor),
                    detail=row["new_text"],
                )
            if review and (
                row["action"] == "propose" or row["new_state"] == "translated" and row["old_state"] != "translated"
            ):
                people = _members(session, [language], reviewers_only=True) - {actor}
                added += _add(
                    session,
                    {uid: review[uid] for uid in people if uid in review},
                    event="review_needed",
                    release=release,
                    language=language,
                    segment_id=segment_id,
                    actor=_shown(session, actor),
                    detail=row["new_text"],
                )
    return added


_pool: tuple[int, ThreadPoolExecutor] | None = None
_pending: set[Future] = set()
_pending_lock = threading.Lock()


def in_background(hook: Callable[..., int], *args: Any) -> None:
    """Run a hook on this process's notification thread, so that the caller (a catalog commit) never waits."""
    global _pool
    try:
        with _pending_lock:
            if _pool is None or _pool[0] != os.getpid():  # a forked worker starts its own thread
                _pool = (os.getpid(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="notification hooks"))
            future = _pool[1].submit(hook, *args)
            _pending.add(future)
    except RuntimeError:  # the interpreter is shutting down: the save goes on, untold
        log.warning("notification hook %s not run: shutting down", getattr(hook, "__name__", hook))
        return
    future.add_done_callback(lambda f: _pending.discard(f))


def flush(timeout: float = 30.0) -> None:
    """Wait until the hooks handed to in_background so far have recorded their events (tests, shutdown)."""
    with _pending_lock:
        waiting = list(_pending)
    wait(waiting, timeout=timeout)


@_quietly
def proposed(bind: Engine | Session, proposal) -> int:
    """Record 'a review needed' for a new proposal (a change to approved text waiting for a reviewer)."""
    return edits_logged(
        bind,
        [
            {
                "user_id": proposal.user_id,
                "release": proposal.release,
                "language": proposal.language,
                "segment_id": proposal.segment_id,
                "action": "propose",
                "old_text": "",
                "new_text": proposal.text,
                "old_state": "approved",
                "new_state": "approved",
            }
        ],
    )


def deadline_end(deadline) -> datetime:
    """Return the moment a release's deadline (a day) ends: midnight UTC after it."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=UTC)


def check_deadlines(session: Session, project, *, hours: float, now: datetime | None = None) -> int:
    """Record an urgent 'deadline near' once per person, release, language and deadline that is at risk.

    At risk: the deadline's day ends within `hours` and not every segment of
    the language is approved. Two workers checking at once record each event
    once (its dedup key is unique).
    """
    from .core import segments as seg
    from .core.errors import TranslateAppError as DomainError

    now = now or utcnow()
    added = 0
    soon = (now + timedelta(hours=hours)).date()
    releases = session.scalars(
        select(Release).where(
            Release.deadline.is_not(None),
            Release.deadline <= soon,
            Release.deadline >= (now - timedelta(days=1)).date(),
        )
    ).all()
    for rel in releases:
        deadline = rel.deadline
        if deadline is None:  # the query asked for releases with one
            continue
        end = deadline_end(deadline)
        if not now < end <= now + timedelta(hours=hours):
            continue
        try:
            codes = project.languages(rel.name)
        except DomainError:
            continue
        for code in codes:
            try:
                counts = seg.counts(project.load_catalog(rel.name, code))
            except DomainError:
                continue
            total, approved = sum(counts.values()), counts.get("approved", 0)
            if not total or approved == total:
                continue
            recipients = _subscribed(session, "deadline_near", _members(session, [code]))
            hours_left = max(int((end - now).total_seconds() // 3600), 0)
            added += _add(
                session,
                recipients,
                event="deadline_near",
                release=rel.name,
                language=code,
                urgent=True,
                detail=f"{approved} of {total} segments approved; the deadline ({deadline.isoformat()}) "
                f"ends in about {hours_left} hour(s)",
                dedup=f"deadline:{rel.name}:{code}:{deadline.isoformat()}:{{}}".format,
            )  # key of a uid
    return added


@_quietly
def from_command_line(settings, hook: Callable[..., int], *args, **kwargs) -> int:
    """Run a hook from a command: only where the service's database exists (a CLI alone keeps none)."""
    url = settings.database_url
    if not url:
        path = settings.instance_dir / "translate_app.sqlite3"
        if not path.exists():
            return 0
        url = f"sqlite:///{path}"
    from .db import make_engine, upgrade

    upgrade(url)
    engine = make_engine(url)
    try:
        return hook(engine, *args, **kwargs)
    finally:
        engine.dispose()
