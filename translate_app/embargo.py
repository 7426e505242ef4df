"""Embargoes: a release kept among invited people until a time, then published in every approved language.

While a release is under embargo (`Release.embargo_at`, a UTC time, set in
an IANA zone kept in `Release.embargo_zone`):

- only coordinators and the people a coordinator invited (`EmbargoAccess`)
  see it: `may_see` is the one rule; `workflow.visible_releases` and
  `web/access.release_language` apply it (an uninvited person gets 404, as
  for a release that does not exist, so its name does not leak), and so do
  notifications, share links and translation-memory suggestions;
- machine translation goes only to providers declared `private`
  (`require_private_provider`, called where jobs start, mt/jobs.py);
- `workflow.publish` refuses (`EmbargoedError`, 409);
- the git sync leaves its files out of commits (`embargoed_names`);
- coordinators share the current translation with journalists through
  preview links: a random token stored hashed, an expiry (48 hours unless
  said otherwise), revocable; a closed link answers 410.

At the embargo time `run_due` (the serve process's thread in web/embargo.py,
or `translate-app embargo run` from cron) publishes every language whose
segments are all approved, and on each later run the languages approved
since; coordinators are told (notifications.release_published).

Times: `clock.now()` is the one source of "now" here, so tests move it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .core.errors import NotApprovedError, PermissionDeniedError, TranslateAppError, UnknownReleaseError
from .models import EmbargoAccess, Permissions, PreviewLink, Publication, Release, User, as_utc, utcnow
from .project import Project

log = logging.getLogger(__name__)

#: How long a preview link stays open unless the coordinator says otherwise.
DEFAULT_PREVIEW_HOURS = 48
MAX_PREVIEW_HOURS = 24 * 30
MAX_LABEL = 200


class EmbargoError(TranslateAppError):
    """An embargo that cannot be set as asked (a time in the past, an unknown zone, a bad date)."""


class EmbargoedError(NotApprovedError):
    """Publishing before the embargo time: refused (409, like any language not yet publishable)."""


class PreviewClosedError(TranslateAppError):
    """A preview link that no longer opens (unknown, expired or revoked): the page answers 410."""


class Clock:
    """The current time for embargo decisions; tests set it, everything else reads it."""

    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the current UTC time (the one set by a test, if any)."""
        with self._lock:
            return self._fixed if self._fixed is not None else utcnow()

    def set(self, when: datetime | None) -> None:
        """Fix the time (an aware datetime), or None to follow the real clock again."""
        with self._lock:
            self._fixed = as_utc(when) if when is not None else None

    def advance(self, delta: timedelta) -> None:
        """Move a fixed clock on (from the real time when it was not fixed)."""
        self.set(self.now() + delta)


clock = Clock()


# -- the embargo of a release ----------------------------------------------------------


@dataclass(frozen=True)
class Embargo:
    """The embargo of one release: its UTC time and the zone a coordinator set it in."""

    release: str
    at: datetime
    zone: str

    @property
    def local(self) -> datetime:
        """Return the embargo time in its zone."""
        return self.at.astimezone(_zone(self.zone))

    def active(self, now: datetime | None = None) -> bool:
        """Say whether the release is still under embargo."""
        return (now or clock.now()) < self.at

    def when(self, locale: str = "en") -> str:
        """Return the time as people read it: "2 December 2026, 09:00 Europe/Berlin" (Babel)."""
        from babel.dates import format_date, format_time

        local = self.local
        return (
            f"{format_date(local, 'd MMMM y', locale=locale)}, {format_time(local, 'HH:mm', locale=locale)} {self.zone}"
        )

    def describe(self, now: datetime | None = None, locale: str = "en") -> str:
        """Return "Embargoed until 2 December 2026, 09:00 Europe/Berlin (in 1 day 3 hours)", or when it ended."""
        now = now or clock.now()
        if self.active(now):
            return f"Embargoed until {self.when(locale)} (in {_span(self.at - now, locale)})"
        return f"Embargo ended {self.when(locale)} ({_span(now - self.at, locale)} ago)"

    def as_api(self, now: datetime | None = None) -> dict:
        """Return the embargo as the API gives it."""
        return {
            "at": self.at.isoformat(),
            "zone": self.zone,
            "local": self.local.isoformat(),
            "active": self.active(now),
            "text": self.describe(now),
        }


def _span(delta: timedelta, locale: str) -> str:
    """Say a span in its two largest units ("1 day 3 hours", "5 minutes"), with Babel's unit names."""
    from babel.dates import format_timedelta

    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts: list[tuple[int, Literal["day", "hour", "minute"]]] = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [
        format_timedelta(timedelta(**{unit + "s": n}), granularity=unit, threshold=10**6, locale=locale)
        for n, unit in parts
        if n
    ][:2]
    return " ".join(shown) or format_timedelta(timedelta(seconds=seconds), granularity="second", locale=locale)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise EmbargoError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)") from exc


def zone_names() -> list[str]:
    """Return the IANA time-zone names people can choose from, sorted (UTC first)."""
    names = sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/")))
    return ["UTC", *names]


def parse_local(text: str, zone: str) -> datetime:
    """Return the UTC time of "YYYY-MM-DD HH:MM" (or with a T) in an IANA zone; EmbargoError when unreadable."""
    tz = _zone((zone or "").strip() or "UTC")
    try:
        naive = datetime.fromisoformat((text or "").strip().replace("T", " "))
    except ValueError as exc:
        raise EmbargoError(f"give the embargo time as YYYY-MM-DD HH:MM, not {text!r}") from exc
    if naive.tzinfo is not None:
        raise EmbargoError("give the embargo time without an offset; the time zone is chosen separately")
    try:
        return naive.replace(tzinfo=tz).astimezone(UTC)
    except OverflowError as exc:  # the first or last day of the calendar
        raise EmbargoError(f"{text!r} is out of range") from exc


def embargo_of(session: Session, release: str) -> Embargo | None:
    """Return the embargo of a release (active or past), or None when it has none."""
    row = session.execute(
        select(Release.embargo_at, Release.embargo_zone).where(Release.name == release, Release.embargo_at.is_not(None))
    ).first()
    if row is None:
        return None
    return Embargo(release, as_utc(row.embargo_at), row.embargo_zone or "UTC")


def active_embargo(session: Session, release: str, now: datetime | None = None) -> Embargo | None:
    """Return the embargo of a release while it is in force, else None."""
    found = embargo_of(session, release)
    return found if found is not None and found.active(now) else None


def embargoed_names(session: Session, now: datetime | None = None) -> set[str]:
    """Return the names of the releases under embargo now (one query)."""
    now = now or clock.now()
    return set(session.scalars(select(Release.name).where(Release.embargo_at.is_not(None), Release.embargo_at > now)))


def set_embargo(
    session: Session,
    project: Project,
    release: str,
    *,
    at: datetime,
    zone: str,
    by: Permissions | None,
    now: datetime | None = None,
) -> Embargo:
    """Put a release under embargo until `at` (aware; shown in `zone`); the caller commits. Coordinators only."""
    from .workflow import register_release, require_coordinator

    if by is not None:
        require_coordinator(by, "set an embargo")
    _zone(zone)
    at = as_utc(at)
    if at <= (now or clock.now()):
        raise EmbargoError("the embargo time is in the past; choose a time still to come")
    rel = register_release(session, project, release)
    rel.embargo_at, rel.embargo_zone = at, zone
    session.flush()
    return Embargo(release, at, zone)


def clear_embargo(session: Session, project: Project, release: str, *, by: Permissions | None) -> None:
    """Lift a release's embargo now (it becomes visible to its languages' people; publishing is allowed)."""
    from .workflow import register_release, require_coordinator

    if by is not None:
        require_coordinator(by, "clear an embargo")
    rel = register_release(session, project, release)
    rel.embargo_at, rel.embargo_zone = None, None
    session.flush()


def require_publishable(session: Session, release: str, now: datetime | None = None) -> None:
    """Refuse to publish a release under embargo (EmbargoedError, 409)."""
    found = active_embargo(session, release, now)
    if found is not None:
        raise EmbargoedError(
            f"{release} is under embargo until {found.when()}; its approved languages are published "
            "automatically at that time"
        )


# -- who may see it ---------------------------------------------------------------------


def _person_id(person: Permissions) -> int | None:
    try:
        return int(person.get_id())
    except (TypeError, ValueError, AttributeError):
        return None


def invited_ids(session: Session, release: str) -> set[int]:
    """Return the ids of the people invited to a release before its embargo."""
    return set(session.scalars(select(EmbargoAccess.user_id).where(EmbargoAccess.release == release)))


def may_see(session: Session, person: Permissions, release: str, now: datetime | None = None) -> bool:
    """Say whether a person may see a release: no embargo in force, a coordinator, or invited."""
    if person.is_coordinator and person.active:
        return True
    if active_embargo(session, release, now) is None:
        return True
    return _person_id(person) in invited_ids(session, release)


def hidden_from(session: Session, person: Permissions, now: datetime | None = None) -> set[str]:
    """Return the releases under embargo that this person may not see (none for coordinators)."""
    if person.is_coordinator and person.active:
        return set()
    names = embargoed_names(session, now)
    if not names:
        return set()
    mine = set(
        session.scalars(
            select(EmbargoAccess.release).where(
                EmbargoAccess.user_id == _person_id(person), EmbargoAccess.release.in_(names)
            )
        )
    )
    return names - mine


def require_visible(session: Session, person: Permissions, release: str, now: datetime | None = None) -> None:
    """Answer as for a release that does not exist (404) when the person may not see it."""
    if not may_see(session, person, release, now):
        raise UnknownReleaseError(f"no release {release!r}")


def visible_recipients(session: Session, release: str, user_ids: Iterable[int]) -> set[int]:
    """Keep the people who may see a release (for notifications about it)."""
    ids = set(user_ids)
    if not ids or active_embargo(session, release) is None:
        return ids
    allowed = invited_ids(session, release)
    coordinators = set(session.scalars(select(User.id).where(User.id.in_(ids), User.role == "coordinator")))
    return {uid for uid in ids if uid in allowed or uid in coordinators}


def invited(session: Session, release: str) -> list[User]:
    """Return the people invited to see a release before its embargo, by name."""
    return list(
        session.scalars(
            select(User).join(EmbargoAccess, EmbargoAccess.user_id == User.id).where(EmbargoAccess.release == release)
        ).all()
    )


def invite(session: Session, project: Project, release: str, name: str, *, by: Permissions | None) -> User:
    """Let a person (by login name) see a release before its embargo; the caller commits."""
    from .workflow import require_coordinator

    if by is not None:
        require_coordinator(by, "invite people to an embargoed release")
    project.require(release)
    user = session.scalar(select(User).where(User.name == (name or "").strip()))
    if user is None or not user.active:
        raise EmbargoError(f"no active person called {name!r}")
    exists = session.scalar(
        select(EmbargoAccess.id).where(EmbargoAccess.release == release, EmbargoAccess.user_id == user.id)
    )
    if exists is None:
        session.add(EmbargoAccess(release=release, user_id=user.id))
        session.flush()
    return user


def uninvite(session: Session, release: str, user_id: int, *, by: Permissions | None) -> None:
    """Take back a person's access to a release before its embargo; the caller commits."""
    from .workflow import require_coordinator

    if by is not None:
        require_coordinator(by, "remove people from an embargoed release")
    session.execute(delete(EmbargoAccess).where(EmbargoAccess.release == release, EmbargoAccess.user_id == user_id))


# -- machine translation ---------------------------------------------------------------------


def require_private_provider(session: Session, release: str, provider_id: str) -> None:
    """Refuse a provider that sends text outside the organisation while the release is under embargo."""
    from .mt.base import provider_class

    found = active_embargo(session, release)
    if found is None:
        return
    cls = provider_class(provider_id)
    if not cls.private:
        raise PermissionDeniedError(
            f"{release} is under embargo until {found.when()}: its text may go only to a private provider "
            f"(the organisation's memory or its own LibreTranslate), not to {cls.name or provider_id}"
        )


# -- preview links -------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def preview_state(link: PreviewLink, now: datetime | None = None) -> str:
    """Say whether a preview link is "open", "revoked" or "expired"."""
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if as_utc(link.expires_at) <= (now or clock.now()) else "open"


def create_preview(
    session: Session,
    project: Project,
    release: str,
    *,
    language: str | None,
    hours: float = DEFAULT_PREVIEW_HOURS,
    label: str = "",
    by: Permissions | None,
) -> tuple[PreviewLink, str]:
    """Create a preview link to a release (one language, or all when None); return it and its token (shown once)."""
    from .core.languages import get_language
    from .workflow import require_coordinator

    if by is not None:
        require_coordinator(by, "create preview links")
    project.require(release)
    code = None
    if language:
        code = get_language(language).code
        if code not in project.languages(release):
            raise EmbargoError(f"{release} has no language {code}")
    if not 0 < hours <= MAX_PREVIEW_HOURS:
        raise EmbargoError(f"a preview link expires in 1 to {MAX_PREVIEW_HOURS} hours")
    label = " ".join((label or "").split())[:MAX_LABEL]
    token = "pv_" + secrets.token_urlsafe(32)
    link = PreviewLink(
        token_hash=_hash_token(token),
        release=release,
        language=code,
        label=label,
        created_by_id=_person_id(by) if by is not None else None,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=hours),
    )
    session.add(link)
    session.flush()
    return link, token


def find_preview(session: Session, token: str, now: datetime | None = None) -> PreviewLink:
    """Return the open preview link of a token, or raise PreviewClosedError saying why it does not open."""
    link = session.scalar(select(PreviewLink).where(PreviewLink.token_hash == _hash_token(token or "")))
    if link is None:
        raise PreviewClosedError("this preview link is not valid; check that you copied all of it")
    state = preview_state(link, now)
    if state != "open":
        raise PreviewClosedError(
            {"revoked": "this preview link was revoked", "expired": "this preview link has expired"}[state]
            + "; ask the press contact for a new one"
        )
    return link


def previews(session: Session, release: str) -> list[PreviewLink]:
    """Return a release's preview links, newest first."""
    return list(
        session.scalars(select(PreviewLink).where(PreviewLink.release == release).order_by(PreviewLink.id.desc())).all()
    )


def revoke_preview(session: Session, release: str, link_id: int, *, by: Permissions | None) -> None:
    """Close a preview link at once; the caller commits."""
    from .workflow import require_coordinator

    if by is not None:
        require_coordinator(by, "revoke preview links")
    link = session.get(PreviewLink, link_id)
    if link is None or link.release != release:
        raise UnknownReleaseError("no such preview link")
    if link.revoked_at is None:
        link.revoked_at = clock.now()


def preview_html(project: Project, release: str, language: str) -> str:
    """Return the current translation of a language as HTML (what is translated so far; the rest in English)."""
    from .core.compiler import render_html, render_markdown

    markdown = render_markdown(project.document(release), project.load_catalog(release, language))
    return render_html(markdown, language)


# -- the embargo time: publish every approved language ----------------------------------------


@dataclass
class RunReport:
    """What one run of the embargo job did."""

    published: dict[str, list[str]] = field(default_factory=dict)  # release -> languages
    waiting: dict[str, list[str]] = field(default_factory=dict)  # release -> languages not approved yet
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Describe the run for people and logs."""
        out = [f"published {name}: {', '.join(codes)}" for name, codes in sorted(self.published.items())]
        out += [f"waiting for approval in {name}: {', '.join(codes)}" for name, codes in sorted(self.waiting.items())]
        out += [f"error: {e}" for e in self.errors]
        return out or ["nothing to publish"]


def run_due(sessions: Callable[[], Session], project: Project, now: datetime | None = None) -> RunReport:
    """Publish the approved, never-published languages of every release whose embargo time has passed.

    Safe to run often and from several processes at once only under
    `exclusive` (web/embargo.py and the CLI take it): a language is
    published once, the first run after it is complete.
    """
    from . import notifications, workflow
    from .core import segments as seg

    now = now or clock.now()
    report = RunReport()
    with sessions() as session:
        due = session.execute(
            select(Release.name).where(Release.embargo_at.is_not(None), Release.embargo_at <= now)
        ).all()
        names = [row.name for row in due]
        for name in names:
            if name not in project.releases():
                continue
            published = set(session.scalars(select(Publication.language).where(Publication.release == name)))
            for code in project.languages(name):
                if code in published:
                    continue
                try:
                    counts = seg.counts(project.load_catalog(name, code))
                    if counts.get("approved", 0) != sum(counts.values()):
                        report.waiting.setdefault(name, []).append(code)
                        continue
                    workflow.publish(session=session, project=project, user=None, release=name, language=code)
                except TranslateAppError as exc:
                    session.rollback()
                    if isinstance(exc, NotApprovedError):
                        report.waiting.setdefault(name, []).append(code)
                    else:
                        report.errors.append(f"{name} {code}: {exc}")
                    continue
                report.published.setdefault(name, []).append(code)
            if name in report.published:
                notifications.release_published(session, name, report.published[name], report.waiting.get(name, []))
    return report


class EmbargoWorker:
    """A daemon thread of the serve process that runs `run_due` every tick (even when nobody is logged in)."""

    def __init__(self, settings, sessions: Callable[[], Session], tick: float = 30.0) -> None:
        self.settings, self.sessions, self.tick = settings, sessions, tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def alive(self) -> bool:
        """Say whether this process's thread runs (a forked process has none)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread once per process."""
        if not self.alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="embargo", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread after its current run."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def run_once(self) -> RunReport | None:
        """Run the job under the instance's embargo lock; None when another process holds it."""
        with exclusive(self.settings.instance_dir) as mine:
            if not mine:
                return None
            report = run_due(self.sessions, self.settings.project())
        if report.published or report.errors:
            log.info("embargo: %s", "; ".join(report.lines()))
        return report

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - the thread must outlive any one failure
                log.exception("embargo run failed")
            self._stop.wait(self.tick)


class exclusive:  # noqa: N801 - used as a context manager, like a function
    """Hold the instance's embargo lock (a file lock) for one run; `as` gives whether it was free."""

    def __init__(self, folder) -> None:
        from pathlib import Path

        self.path = Path(folder) / "embargo.lock"
        self._file: TextIO | None = None

    def __enter__(self) -> bool:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - closed in __exit__
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def __exit__(self, *exc) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
