"""Delivering the notification outbox: digests by e-mail and webhook, from a background thread.

Every web process runs a NotificationWorker (started on its first request,
like the git sync scheduler: threads do not survive gunicorn's fork). Several
may run at once without sending anything twice: a worker claims a person's
release in the notification_digests table (a conditional UPDATE that only one
wins, with a lease in case it dies) before it sends that person's digest.

Rules: the pending events of one person and release go out together, one
message per channel, once the oldest has waited `notify_gather_seconds` (a
burst becomes one digest) and at most once per `notify_digest_minutes` per
person and release, unless one of them is urgent (the deadline). A failed
delivery is tried again after a growing delay; after MAX_ATTEMPTS it is
marked failed with the reason.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, Integer, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from . import mail
from .config import Settings
from .core.languages import get_language
from .models import NotificationDigest, NotificationEvent, User, as_utc, utcnow
from .notifications import PREFERENCE_OF, WebhookRefusedError, check_deadlines, check_webhook_target, preferences

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 60.0
RETRY_MAX_SECONDS = 3600.0
LEASE = timedelta(minutes=5)
WEBHOOK_TIMEOUT = (5.0, 15.0)  # seconds to connect, to read the answer
TICK_SECONDS = 10.0
DEADLINE_CHECK_SECONDS = 300.0

HEADLINES = {
    "release_added": "New release",
    "commented": "Comment on your segment",
    "changed": "Your segment changed",
    "source_corrected": "Source corrected",
    "review_needed": "Review needed",
    "deadline_near": "Deadline near",
    "embargo_published": "Published at the embargo time",
}


class DeliveryError(Exception):
    """One channel's delivery failed; `permanent` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass
class DeliveryReport:
    """What one pass of the delivery job did."""

    messages: int = 0
    events_sent: int = 0
    failed: int = 0
    deferred: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Return how long a delivery that failed `attempts` times waits: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


def _claim(sessions: sessionmaker[Session], user_id: int, release: str, worker: str, now: datetime) -> bool:
    """Take the lease on a person's release; say whether this worker got it."""
    with sessions() as session:
        if (
            session.scalar(
                select(NotificationDigest.id).where(
                    NotificationDigest.user_id == user_id, NotificationDigest.release == release
                )
            )
            is None
        ):
            try:
                session.add(NotificationDigest(user_id=user_id, release=release))
                session.commit()
            except IntegrityError:
                session.rollback()  # another worker made it
        result = session.execute(
            update(NotificationDigest)
            .where(
                NotificationDigest.user_id == user_id,
                NotificationDigest.release == release,
                or_(NotificationDigest.claimed_until.is_(None), NotificationDigest.claimed_until < now),
            )
            .values(claimed_by=worker, claimed_until=now + LEASE)
        )
        session.commit()
        return cast(CursorResult, result).rowcount == 1


def _release_claim(session: Session, user_id: int, release: str, worker: str, sent_at: datetime | None) -> None:
    values: dict = {"claimed_by": None, "claimed_until": None}
    if sent_at is not None:
        values["last_sent_at"] = sent_at
    session.execute(
        update(NotificationDigest)
        .where(
            NotificationDigest.user_id == user_id,
            NotificationDigest.release == release,
            NotificationDigest.claimed_by == worker,
        )
        .values(**values)
    )
    session.commit()


def deliver_due(
    *, settings: Settings, sessions: sessionmaker[Session], now: datetime | None = None, worker: str | None = None
) -> DeliveryReport:
    """Send every digest that is due now; return what happened."""
    now = now or utcnow()
    worker = worker or secrets.token_hex(8)
    report = DeliveryReport()
    for user_id, release in _due_groups(settings, sessions, now, report):
        if not _claim(sessions, user_id, release, worker, now):
            continue
        sent_at = None
        with sessions() as session:
            try:
                sent_at = _deliver_group(session, settings, user_id, release, now, report)
            finally:
                session.rollback()
                _release_claim(session, user_id, release, worker, sent_at)
    return report


def _due_groups(
    settings: Settings, sessions: sessionmaker[Session], now: datetime, report: DeliveryReport
) -> list[tuple[int, str]]:
    """Return the (person, release) pairs that look due, reading only: a waiting digest costs no write per tick.

    _deliver_group checks again under the lease, where it counts.
    """
    with sessions() as session:
        rows = session.execute(
            select(
                NotificationEvent.user_id,
                NotificationEvent.release,
                func.max(NotificationEvent.urgent.cast(Integer)),
                func.min(NotificationEvent.created_at),
                NotificationDigest.last_sent_at,
                func.count(),
            )
            .outerjoin(
                NotificationDigest,
                and_(
                    NotificationDigest.user_id == NotificationEvent.user_id,
                    NotificationDigest.release == NotificationEvent.release,
                ),
            )
            .where(NotificationEvent.status == "pending", NotificationEvent.next_attempt_at <= now)
            .group_by(NotificationEvent.user_id, NotificationEvent.release, NotificationDigest.last_sent_at)
        ).all()
    due = []
    for user_id, release, urgent, oldest, last, count in rows:
        if not urgent and (
            now - as_utc(oldest) < timedelta(seconds=settings.notify_gather_seconds)
            or last is not None
            and now - as_utc(last) < timedelta(minutes=settings.notify_digest_minutes)
        ):
            report.deferred += count
            continue
        due.append((user_id, release))
    return due


def _deliver_group(
    session: Session, settings: Settings, user_id: int, release: str, now: datetime, report: DeliveryReport
) -> datetime | None:
    """Send one person's pending events of one release, if due; return when a digest went out, else None."""
    events = list(
        session.scalars(
            select(NotificationEvent)
            .where(
                NotificationEvent.user_id == user_id,
                NotificationEvent.release == release,
                NotificationEvent.status == "pending",
                NotificationEvent.next_attempt_at <= now,
            )
            .order_by(NotificationEvent.id)
        )
    )
    if not events:
        return None
    urgent = any(e.urgent for e in events)
    if not urgent:
        oldest = min(as_utc(e.created_at) for e in events)
        digest = session.scalar(
            select(NotificationDigest).where(
                NotificationDigest.user_id == user_id, NotificationDigest.release == release
            )
        )
        last = as_utc(digest.last_sent_at) if digest and digest.last_sent_at else None
        if (
            now - oldest < timedelta(seconds=settings.notify_gather_seconds)
            or last is not None
            and now - last < timedelta(minutes=settings.notify_digest_minutes)
        ):
            report.deferred += len(events)
            return None
    user = session.get(User, user_id)
    prefs = preferences(session, user_id)
    by_channel: dict[str, list[NotificationEvent]] = defaultdict(list)
    for event in events:
        channel = prefs.channel(PREFERENCE_OF.get(event.event, "")) if user is not None and user.active else "none"
        if channel == "none":  # turned off (or the address removed) since it was recorded
            event.status, event.error = "dropped", "the person no longer asks for this"
            report.dropped += 1
            continue
        event.channel = channel
        by_channel[channel].append(event)
    sent_at = None
    for channel, group in by_channel.items():
        assert user is not None  # a missing person's events were all dropped above
        try:
            if channel == "email":
                mail.send(settings, digest_email(settings, user, prefs.email, release, group))
            else:
                post_webhook(settings, prefs.webhook_url, webhook_payload(settings, user, release, group))
        except (DeliveryError, mail.MailError, WebhookRefusedError) as exc:
            permanent = getattr(exc, "permanent", False) or isinstance(
                exc, (WebhookRefusedError, mail.MailNotConfiguredError)
            )
            for event in group:
                event.attempts += 1
                event.error = str(exc)[:2000]
                if permanent or event.attempts >= MAX_ATTEMPTS:
                    event.status = "failed"
                    report.failed += 1
                else:
                    event.next_attempt_at = now + retry_delay(event.attempts)
            report.errors.append(f"{channel} to person {user_id}: {exc}")
            log.warning("notification %s to person %s failed: %s", channel, user_id, exc)
            continue
        for event in group:
            event.status, event.sent_at, event.error = "sent", now, ""
        report.messages += 1
        report.events_sent += len(group)
        sent_at = now
    session.commit()
    return sent_at


# -- what a digest says ------------------------------------------------------------------------------


def _link(settings: Settings, path: str) -> str | None:
    return settings.public_url.rstrip("/") + path if settings.public_url else None


def _items(settings: Settings, release: str, events: list[NotificationEvent]) -> list[dict]:
    items = []
    for e in events:
        language = get_language(e.language) if e.language else None
        items.append(
            {
                "event": e.event,
                "headline": HEADLINES.get(e.event, e.event),
                "urgent": e.urgent,
                "language": language.code if language else "",
                "language_name": language.english_name if language else "",
                "dir": language.direction if language else "ltr",
                "segment": e.segment_id,
                "actor": e.actor,
                "detail": e.detail,
                "at": as_utc(e.created_at).strftime("%Y-%m-%d %H:%M UTC"),
                "link": _link(settings, f"/releases/{release}/{e.language}") if language else _link(settings, "/"),
            }
        )
    return items


def _subject(release: str, events: list[NotificationEvent]) -> str:
    if any(e.event == "deadline_near" for e in events):
        languages = sorted({e.language for e in events if e.event == "deadline_near"})
        return f"Deadline near: {release} ({', '.join(languages)})"
    if len(events) == 1:
        return f"{HEADLINES.get(events[0].event, 'News')}: {release}"
    return f"{release}: {len(events)} updates"


def digest_email(settings: Settings, user: User, to: str | None, release: str, events: list[NotificationEvent]):
    """Return the digest e-mail of a person's events of one release, right to left for RTL languages."""
    lang, direction = mail.page_direction([e.language for e in events])
    subject = _subject(release, events)
    values = {
        "subject": subject,
        "lang": lang,
        "dir": direction,
        "name": user.shown_name,
        "release": release,
        "items": _items(settings, release, events),
        "preferences": _link(settings, "/account/notifications"),
    }
    text = mail.templates().get_template("digest.txt").render(**values)
    html = mail.templates().get_template("digest.html").render(**values)
    headers = {"Content-Language": lang} if lang != "en" else {}
    if any(e.urgent for e in events):
        headers["Importance"] = "high"
    return mail.build_message(settings=settings, to=to or "", subject=subject, text=text, html=html, headers=headers)


def webhook_payload(settings: Settings, user: User, release: str, events: list[NotificationEvent]) -> dict:
    """Return the webhook body: Slack/Mattermost's "text" (Matrix bridges read it too) plus structured fields."""
    items = _items(settings, release, events)
    lines = [f"*{_subject(release, events)}*"]
    for item in items:
        where = f" [{item['language']}]" if item["language"] else ""
        segment = f" segment {item['segment']}" if item["segment"] else ""
        by = f" by {item['actor']}" if item["actor"] else ""
        lines.append(f"• {item['headline']}{where}{segment}{by}: {item['detail']}".rstrip(": "))
    return {
        "text": "\n".join(lines),
        "release": release,
        "urgent": any(e.urgent for e in events),
        "recipient": user.shown_name,
        "events": items,
    }


def post_webhook(settings: Settings, url: str | None, payload: dict) -> None:
    """POST the JSON payload to a webhook, with timeouts and no redirects; DeliveryError when it fails."""
    import requests

    if not url:
        raise DeliveryError("no webhook URL", permanent=True)
    check_webhook_target(url, allow_private=settings.notify_webhook_private)
    try:
        response = requests.post(
            url,
            json=payload,
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
            headers={"User-Agent": "translate-app notifications"},
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook unreachable: {type(exc).__name__}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(
            f"webhook answered {response.status_code}", permanent=response.status_code in (400, 401, 403, 404, 410)
        )


# -- the background job ------------------------------------------------------------------------------


class NotificationWorker:
    """A daemon thread that delivers due digests every tick and looks at deadlines now and then."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        tick: float = TICK_SECONDS,
        deadline_every: float = DEADLINE_CHECK_SECONDS,
    ) -> None:
        self.settings, self.sessions, self.tick, self.deadline_every = settings, sessions, tick, deadline_every
        self.worker_id = secrets.token_hex(8)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_deadline_check = 0.0

    def alive(self) -> bool:
        """Say whether this process's thread runs (a forked process has none)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread once per process."""
        if not self.alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="notifications", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after its current pass."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_once(self) -> DeliveryReport:
        """Check deadlines when it is time, then deliver what is due."""
        import time

        if time.monotonic() - self._last_deadline_check >= self.deadline_every:
            self._last_deadline_check = time.monotonic()
            with self.sessions() as session:
                check_deadlines(session, self.settings.project(), hours=self.settings.notify_deadline_hours)
        return deliver_due(settings=self.settings, sessions=self.sessions, worker=self.worker_id)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                log.exception("notification delivery failed")
            self._stop.wait(self.tick)


__all__ = [
    "deliver_due",
    "digest_email",
    "webhook_payload",
    "post_webhook",
    "NotificationWorker",
    "DeliveryReport",
    "retry_delay",
    "MAX_ATTEMPTS",
]
