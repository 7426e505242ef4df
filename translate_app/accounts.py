"""People, passwords, API tokens, invitations, share links, password resets and login throttling."""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, Engine, bindparam, delete, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, object_session
from werkzeug.security import check_password_hash, generate_password_hash

from .core.errors import TranslateAppError
from .core.languages import get_language
from .models import (
    CREDITS,
    ROLES,
    ApiToken,
    Invitation,
    LoginAttempt,
    Membership,
    PasswordReset,
    Permissions,
    User,
    as_utc,
    utcnow,
)

MIN_PASSWORD = 10
# No "@": login names go into catalogs (`# translated: by=NAME`) and from there into public git
# history, so a login name must never be an e-mail address.
_NAME = re.compile(r"^[\w.+-]{2,80}$")
NAME_RULE = "2-80 letters, digits or . + - _, no spaces and no @ (it is recorded in the catalogs)"
MAX_DISPLAY_NAME = 120


class AccountError(TranslateAppError):
    """A request about accounts that cannot be carried out."""


class TooManyAttemptsError(AccountError):
    """Too many failed logins in a short time: wait `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginBusyError(AccountError):
    """Too many logins at this moment in this process: try again in `retry_after` seconds (503)."""

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class InvitationUsedError(AccountError):
    """An invitation accepted by someone else a moment ago (409)."""


class AccountDeactivatedError(AccountError):
    """The right name and password of an account a coordinator deactivated."""


def suggest_login_name(display_name: str) -> str:
    """Turn 'Olena Shevchenko' into a login name such as 'olena.shevchenko'."""
    name = (display_name or "").strip().casefold().split("@")[0]  # an e-mail address: only what is before @
    name = re.sub(r"[^\w.+-]+", ".", name).strip(".")
    return name[:80]


def check_login_name(name: str) -> str:
    """Return a valid login name, or raise AccountError saying what is allowed."""
    if not _NAME.match(name or ""):
        hint = suggest_login_name(name)
        example = f" (for example {hint!r})" if _NAME.match(hint) else ""
        raise AccountError(
            f"{name!r} cannot be a login name: use {NAME_RULE}{example}; "
            "a full name with spaces goes in the display name"
        )
    return name


def clean_display_name(display_name: str | None) -> str | None:
    """Return a display name with its spaces tidied, None when empty; refuse one too long."""
    text = " ".join((display_name or "").split())
    if len(text) > MAX_DISPLAY_NAME:
        raise AccountError(f"a display name has at most {MAX_DISPLAY_NAME} characters")
    return text or None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def set_languages(user: User, languages: list[str]) -> None:
    """Replace a person's language memberships."""
    codes = list(dict.fromkeys(get_language(c).code for c in languages))
    keep = {m.language: m for m in user.memberships if m.language in codes}
    user.memberships[:] = [keep.get(c) or Membership(language=c) for c in codes]


def change_person(
    user: User, *, by: Permissions, role: str, active: bool, languages: list[str], display_name: str | None
) -> None:
    """Change a person's role, access, languages and display name, as the coordinator `by` asked.

    A coordinator cannot demote or deactivate themselves: the project would be
    left without anyone able to undo it. Everything is checked before anything
    changes.
    """
    _check_role(role)
    if user.id is not None and str(user.id) == by.get_id() and (role != "coordinator" or not active):
        raise AccountError("you cannot remove your own coordinator access")
    display = clean_display_name(display_name)
    codes = [get_language(c).code for c in languages]
    set_languages(user, codes)
    user.display_name = display
    user.role = role
    user.active = active


def create_user(
    session: Session,
    *,
    name: str,
    role: str,
    languages: list[str],
    password: str | None,
    display_name: str | None = None,
) -> User:
    """Create a person; a None password leaves the account unusable until one is set."""
    check_login_name(name)
    _check_role(role)
    if session.scalar(select(User).where(User.name == name)):
        raise AccountError(f"a user named {name!r} already exists")
    user = User(name=name, role=role, active=True, display_name=clean_display_name(display_name))
    if password is not None:
        validate_password(password)
        user.password_hash = generate_password_hash(password)
    set_languages(user, languages)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str, *, keep_session: bool = False) -> None:
    """Hash and store a new password; end the person's other sessions and revoke their API tokens.

    The hash is made before anything is written, so no write transaction waits
    for it. A script's token was given for the old password: whoever changes a
    password because it leaked wants the tokens gone too (new ones are one
    command or one click away).
    """
    validate_password(password)
    hashed = generate_password_hash(password)
    user.password_hash = hashed
    end_sessions(user)
    session = object_session(user)
    if session is not None and user.id is not None:
        session.execute(
            delete(ApiToken).where(ApiToken.user_id == user.id), execution_options={"synchronize_session": False}
        )


def end_sessions(user: User) -> None:
    """End every browser session of a person (they are checked on each request)."""
    user.session_generation = (user.session_generation or 0) + 1


# -- login throttling ------------------------------------------------------------
#
# Every attempt is written (in a short transaction of its own) BEFORE the password
# is checked, and only then are the other attempts counted: of any number of
# parallel guesses, the k-th to be stored sees at least k-1 others, so no more
# than the free allowance get their password checked (on SQLite and PostgreSQL
# alike, without locks). A refused attempt removes its row again, a successful
# one removes its row and the person's own failures from that address.
#
# Failures do not lock anyone out: after the free allowance each further attempt
# must wait a delay that doubles with every failure (1 s, 2 s, 4 s ... at most
# 15 minutes), counted from the latest one. The server never sleeps: an early
# attempt is answered 429 with Retry-After at once.
#
# An address a person logged in from (within KNOWN_ADDRESS_FOR) is "theirs":
# attempts for that name from it count only against that name and address,
# so strangers guessing someone's password slow down the strangers, not the
# owner at their usual address. Attempts from any other address count against
# the name and against the address; behind reverse proxies the address is the
# client's as the configured number of trusted proxies reports it
# (Settings.trusted_proxies).

FREE_FAILURES_PER_NAME = 5
FREE_FAILURES_PER_ADDRESS = 30
FIRST_DELAY = 1.0  # seconds, doubled with every further failure
MAX_DELAY = 15 * 60.0
ATTEMPTS_KEPT = timedelta(hours=24)
KNOWN_ADDRESS_FOR = timedelta(days=60)
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    """Return the hash checked for unknown names: the same work as for a real one."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


def delay_after(failures: int, free: int) -> float:
    """Return the seconds to wait after `failures` recent failures with `free` of them allowed."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - free, 30))


def _key(kind: str, *parts: str) -> str:
    return (kind + ":" + "|".join(parts))[:200]


def _retry_after(session: Session, key: str, own: list[int], free: int, now: datetime) -> float:
    """Return how long an attempt must still wait because of the other recent attempts on a key (0: none)."""
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.key == key, LoginAttempt.at >= now - ATTEMPTS_KEPT, LoginAttempt.id.not_in(own)
        )
    ).one()
    wait = delay_after(count, free)
    if not wait or last is None:
        return 0.0
    return max(0.0, (as_utc(last) + timedelta(seconds=wait) - now).total_seconds())


def count_attempt(session: Session, limits: list[tuple[str, int]], now: datetime, *, what: str) -> list[int]:
    """Store one attempt under each (key, free allowance) and return the ids of its rows (see above).

    Raises TooManyAttemptsError (after removing the rows again) when the
    attempts before it on any key ask for a wait. The caller keeps the rows of
    a failure and deletes those of a success as it sees fit.
    """
    # 1. Store this attempt (a short write transaction).
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPTS_KEPT, ~LoginAttempt.key.startswith("ok:"))
    )
    rows = [LoginAttempt(key=key, at=now) for key, _free in limits]
    session.add_all(rows)
    session.commit()
    own = [row.id for row in rows]
    # 2. Count the others (reads only).
    wait = max(_retry_after(session, key, own, free, now) for key, free in limits)
    session.commit()
    if wait > 0:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(own)))
        session.commit()
        seconds = math.ceil(wait)
        raise TooManyAttemptsError(f"too many {what}; try again in {_duration(seconds)}", retry_after=seconds)
    return own


def authenticate(session: Session, *, name: str, password: str, address: str) -> User | None:
    """Return the user for a name and password, slowing guessing down (see above).

    Raises TooManyAttemptsError (with `retry_after` in seconds) when an attempt
    comes too early; never holds a write transaction while a password is hashed.
    """
    now = utcnow()
    known = session.scalar(
        select(LoginAttempt.id)
        .where(LoginAttempt.key == _key("ok", name, address), LoginAttempt.at >= now - KNOWN_ADDRESS_FOR)
        .limit(1)
    )
    limits = (
        [(_key("pair", name, address), FREE_FAILURES_PER_NAME)]
        if known
        else [(_key("name", name), FREE_FAILURES_PER_NAME), (_key("addr", address), FREE_FAILURES_PER_ADDRESS)]
    )
    session.commit()
    own = count_attempt(session, limits, now, what="failed logins")
    found = session.execute(select(User.id, User.password_hash).where(User.name == name)).first()
    session.commit()
    # 3. Check the password outside any transaction; an unknown name costs the same work.
    stored = found.password_hash if found is not None and found.password_hash else _dummy_hash()
    ok = check_password_hash(stored, password) and found is not None and bool(found.password_hash)
    if not ok or found is None:
        return None  # the attempt rows stay: they are the failure
    # 4. Success: forget this attempt and the owner's own failures here; remember the address.
    session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.id.in_(own) | LoginAttempt.key.in_([_key("pair", name, address), _key("ok", name, address)])
        )
    )
    session.add(LoginAttempt(key=_key("ok", name, address), at=now))
    session.commit()
    user = session.get(User, found.id)
    if user is None:
        return None
    if not user.active:  # said only to whoever knows the password
        raise AccountDeactivatedError("your account is deactivated; ask a coordinator to reactivate it")
    return user


class LoginGate:
    """Lets a few logins of this process check passwords at once; a few more wait, the rest are turned away.

    A password check is ~0.1 s of CPU (scrypt). Forty people logging in at once
    would otherwise take every thread of every worker and both cores, and every
    save would queue behind them. With the gate a worker spends at most
    `at_once` threads on hashing and `waiting` more on logins that wait their
    turn (at most `wait_seconds`); other logins get LoginBusyError (503 with
    Retry-After) at once, without touching the database.
    """

    def __init__(self, at_once: int = 1, waiting: int = 3, wait_seconds: float = 5.0) -> None:
        self._slots = threading.BoundedSemaphore(at_once)
        self._admitted = threading.BoundedSemaphore(at_once + waiting)
        self.wait_seconds = wait_seconds

    @contextmanager
    def enter(self) -> Iterator[None]:
        """Hold a place for one login attempt, or raise LoginBusyError."""
        busy = LoginBusyError("many people are logging in right now; try again in a few seconds")
        if not self._admitted.acquire(blocking=False):
            raise busy
        try:
            if not self._slots.acquire(timeout=self.wait_seconds):
                raise busy
            try:
                yield
            finally:
                self._slots.release()
        finally:
            self._admitted.release()


#: The gate of the web login form (one per process: each gunicorn worker has its own).
LOGIN_GATE = LoginGate()


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


MAX_TOKEN_DAYS = 3650
MAX_TOKEN_LABEL = 80


def create_token(session: Session, user: User, *, expires_in_days: int | None = None, label: str = "") -> str:
    """Create an API token for a person and return it; only its hash is kept.

    `expires_in_days`: None for a token without expiry, else 1 to MAX_TOKEN_DAYS.
    """
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise AccountError(f"a token expires in 1 to {MAX_TOKEN_DAYS} days")
    label = " ".join((label or "").split())
    if len(label) > MAX_TOKEN_LABEL:
        raise AccountError(f"a token's label has at most {MAX_TOKEN_LABEL} characters")
    token = "ta_" + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_in_days) if expires_in_days is not None else None
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token), expires_at=expires, label=label))
    session.flush()
    return token


def tokens_of(session: Session, user: User | None = None) -> list[ApiToken]:
    """Return the API tokens of a person (None: of everyone), newest first."""
    query = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def revoke_token(session: Session, token_id: int, *, by: Permissions | None = None) -> ApiToken:
    """Revoke (delete) one token; `by`, when given, must own it or coordinate. Unknown or not theirs: AccountError."""
    found = session.get(ApiToken, token_id)
    if found is None or (by is not None and not by.is_coordinator and found.user_id != int(by.get_id())):
        raise AccountError(f"no API token {token_id}")
    session.delete(found)
    session.flush()
    return found


def revoke_tokens_of(session: Session, user: User) -> int:
    """Revoke every token of a person; return how many there were."""
    result = session.execute(
        delete(ApiToken).where(ApiToken.user_id == user.id), execution_options={"synchronize_session": False}
    )
    return cast(CursorResult, result).rowcount or 0


@dataclass(frozen=True)
class TokenUser(Permissions):
    """The person an API token stands for, as read when the request came in.

    Read-only and not tied to a database session: a script's request only
    needs who it is and what it may do. Code that changes the person loads
    their User row by `id`.
    """

    id: int
    name: str
    role: str
    active: bool
    must_change_password: bool
    languages: tuple[str, ...]
    release_scope: str | None = None

    def get_id(self) -> str:
        return str(self.id)


# One query on the connection, without ORM objects: a script's request pays
# for it every time, and loading a User with its memberships cost twice as much.
_USER_FOR_TOKEN = (
    select(
        User.id,
        User.name,
        User.role,
        User.active,
        User.must_change_password,
        User.release_scope,
        Membership.language,
        ApiToken.expires_at,
        ApiToken.last_used_at,
    )
    .join(ApiToken, ApiToken.user_id == User.id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


# "Last used" is written at most this often per token: a write on every request would make every
# script's save wait for SQLite's write lock twice.
TOKEN_USE_PRECISION = timedelta(minutes=5)


def _note_token_use(engine: Engine, token_hash: str, now: datetime) -> None:
    """Record when a token was used (best effort: a busy database skips it)."""
    try:
        with engine.begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.token_hash == token_hash).values(last_used_at=now))
    except DBAPIError:
        pass


def user_for_token(engine: Engine, token: str) -> TokenUser | None:
    """Return the active user an API token belongs to, or None (one query, no ORM).

    Connections of the lookup engine are not pinged before use: one that died
    with a restarted server fails this query, is thrown away, and the query is
    tried once more on a fresh one.
    """
    params = {"token_hash": _hash_token(token)}
    for attempt in (1, 2):
        try:
            with engine.connect() as conn:
                rows = conn.execute(_USER_FOR_TOKEN, params).all()
            break
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    if not rows or not rows[0].active:
        return None
    first, now = rows[0], utcnow()
    if first.expires_at is not None and as_utc(first.expires_at) <= now:
        return None
    if first.last_used_at is None or as_utc(first.last_used_at) < now - TOKEN_USE_PRECISION:
        _note_token_use(engine, params["token_hash"], now)
    return TokenUser(
        id=first.id,
        name=first.name,
        role=first.role,
        active=True,
        must_change_password=bool(first.must_change_password),
        languages=tuple(sorted(r.language for r in rows if r.language)),
        release_scope=first.release_scope,
    )


def create_invitation(
    session: Session,
    *,
    name: str,
    role: str,
    languages: list[str],
    created_by: User | None,
    days: int = 7,
    display_name: str | None = None,
) -> str:
    """Create a one-time invitation and return its secret token (the display name is stored, not put in the link)."""
    check_login_name(name)
    _check_role(role)
    codes = [get_language(c).code for c in languages]
    if session.scalar(select(User).where(User.name == name)):
        raise AccountError(f"a user named {name!r} already exists")
    token = secrets.token_urlsafe(24)
    session.add(
        Invitation(
            token_hash=_hash_token(token),
            name=name,
            role=role,
            languages=",".join(codes),
            created_by_id=created_by.id if created_by else None,
            display_name=clean_display_name(display_name),
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    session.flush()
    return token


def pending_invitations(session: Session) -> list[Invitation]:
    """Return the invitations nobody accepted and nobody revoked (expired ones too), newest first."""
    return list(
        session.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def _pending_invitation(session: Session, invitation_id: int) -> Invitation:
    inv = session.get(Invitation, invitation_id)
    if inv is None or inv.used_at is not None or inv.revoked_at is not None:
        raise AccountError(f"no pending invitation {invitation_id}")
    return inv


def reissue_invitation(session: Session, invitation_id: int, *, days: int = 7) -> str:
    """Give a pending invitation a new token (the old link stops working) and a new expiry; return the token.

    Only the hash of a token is stored, so a link cannot be shown twice: copying
    or resending an invitation means issuing a fresh one.
    """
    inv = _pending_invitation(session, invitation_id)
    token = secrets.token_urlsafe(24)
    inv.token_hash = _hash_token(token)
    inv.expires_at = utcnow() + timedelta(days=days)
    session.flush()
    return token


def revoke_invitation(session: Session, invitation_id: int) -> Invitation:
    """Revoke a pending invitation: its link stops working."""
    inv = _pending_invitation(session, invitation_id)
    inv.revoked_at = utcnow()
    session.flush()
    return inv


def open_invitation(session: Session, token: str) -> Invitation:
    """Return an unused, unexpired invitation for a token, or raise AccountError."""
    inv = session.scalar(select(Invitation).where(Invitation.token_hash == _hash_token(token)))
    if inv is None or inv.revoked_at is not None:
        raise AccountError("this invitation link is not valid (a coordinator may have replaced or revoked it)")
    if inv.used_at is not None:
        raise InvitationUsedError("this invitation link was already used; log in with its name instead")
    expires = inv.expires_at if inv.expires_at.tzinfo else inv.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC):
        raise AccountError("this invitation link has expired; ask your coordinator for a new one")
    return inv


def accept_invitation(session: Session, token: str, password: str, display_name: str | None = None) -> User:
    """Create the invited person's account with their chosen password and display name, and commit.

    The invitation is claimed with one conditional UPDATE: of parallel
    acceptances exactly one wins, the others get InvitationUsedError (409).
    The password is hashed before the write transaction begins.
    """
    inv = open_invitation(session, token)
    validate_password(password)
    display = clean_display_name(display_name)
    hashed = generate_password_hash(password)
    inv_id, name, role = inv.id, inv.name, inv.role
    codes = [c for c in inv.languages.split(",") if c]
    session.commit()
    claimed = session.execute(
        update(Invitation)
        .where(Invitation.id == inv_id, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult, claimed).rowcount != 1:
        session.rollback()
        raise InvitationUsedError("this invitation was accepted a moment ago; log in with its name instead")
    try:
        user = create_user(session, name=name, role=role, display_name=display, languages=codes, password=None)
        user.password_hash = hashed
        session.commit()
    except AccountError:
        session.rollback()
        raise
    except IntegrityError:
        session.rollback()
        raise InvitationUsedError(f"a user named {name!r} was created a moment ago") from None
    return user


# -- how a person is credited ------------------------------------------------------

CREDIT_LABELS = {"name": "my name", "pseudonym": "a pseudonym", "organisation": "my organisation", "none": "not at all"}


def set_credit(
    user: User,
    *,
    credit: str,
    display_name: str | None = None,
    pseudonym: str | None = None,
    organisation: str | None = None,
) -> None:
    """Set how a person is shown to others; the pseudonym or organisation chosen must be given."""
    if credit not in CREDITS:
        raise AccountError(f"unknown choice {credit!r}: use one of {', '.join(CREDITS)}")
    display, pseudo, org = (clean_display_name(v) for v in (display_name, pseudonym, organisation))
    if credit == "pseudonym" and not pseudo:
        raise AccountError("give the pseudonym to be shown")
    if credit == "organisation" and not org:
        raise AccountError("give the organisation to be shown")
    user.credit, user.display_name, user.pseudonym, user.organisation = credit, display, pseudo, org


# -- password reset by a coordinator -------------------------------------------------

RESET_HOURS = 48


def create_password_reset(session: Session, user: User, *, created_by: User | None, hours: int = RESET_HOURS) -> str:
    """Create a one-time link token that lets a person choose a new password; earlier ones stop working.

    Returns the token (only its hash is stored); web.auth.password_reset_link
    makes the address to copy or to mail.
    """
    if not user.active:
        raise AccountError(f"{user.shown_name} is deactivated; reactivate the account first")
    session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            token_hash=_hash_token(token),
            user_id=user.id,
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    session.flush()
    return token


def open_password_reset(session: Session, token: str) -> PasswordReset:
    """Return the unused, unexpired reset of a token, or raise AccountError."""
    reset = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash_token(token)))
    if reset is None or reset.used_at is not None:
        raise AccountError("this password link is not valid or was already used; ask a coordinator for a new one")
    if as_utc(reset.expires_at) <= utcnow():
        raise AccountError("this password link has expired; ask a coordinator for a new one")
    if not reset.user.active:
        raise AccountDeactivatedError("this account is deactivated; ask a coordinator to reactivate it")
    return reset


def use_password_reset(session: Session, token: str, password: str) -> User:
    """Set the new password of a reset link once (parallel uses: one wins), ending every other session; commit."""
    reset = open_password_reset(session, token)
    validate_password(password)
    hashed = generate_password_hash(password)  # before the write transaction
    reset_id, user_id = reset.id, reset.user_id
    session.commit()
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult, claimed).rowcount != 1:
        session.rollback()
        raise InvitationUsedError("this password link was used a moment ago")
    user = session.get_one(User, user_id)
    user.password_hash = hashed
    user.must_change_password = False
    end_sessions(user)
    revoke_tokens_of(session, user)
    session.commit()
    return user
