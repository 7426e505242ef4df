"""People, passwords, API tokens, invitations and login throttling."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, bindparam, delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .core.errors import TranslateAppError
from .core.languages import get_language
from .models import ROLES, ApiToken, Invitation, LoginAttempt, Membership, Permissions, User, utcnow

MIN_PASSWORD = 10
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 30
_NAME = re.compile(r"^[\w.@+-]{2,80}$")
NAME_RULE = "2-80 letters, digits or . @ + - _, no spaces"
MAX_DISPLAY_NAME = 120


class AccountError(TranslateAppError):
    """A request about accounts that cannot be carried out."""


class TooManyAttemptsError(AccountError):
    """Too many failed logins in a short time."""


class AccountDeactivatedError(AccountError):
    """The right name and password of an account a coordinator deactivated."""


def suggest_login_name(display_name: str) -> str:
    """Turn 'Olena Shevchenko' into a login name such as 'olena.shevchenko'."""
    name = re.sub(r"[^\w.@+-]+", ".", (display_name or "").strip().casefold()).strip(".")
    return name[:80]


def check_login_name(name: str) -> str:
    """Return a valid login name, or raise AccountError saying what is allowed."""
    if not _NAME.match(name or ""):
        hint = suggest_login_name(name)
        example = f" (for example {hint!r})" if _NAME.match(hint) else ""
        raise AccountError(f"{name!r} cannot be a login name: use {NAME_RULE}{example}; "
                           "a full name with spaces goes in the display name")
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


def create_user(session: Session, *, name: str, role: str, languages: list[str], password: str | None,
                display_name: str | None = None) -> User:
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


def set_password(user: User, password: str) -> None:
    """Hash and store a new password."""
    validate_password(password)
    user.password_hash = generate_password_hash(password)


def authenticate(session: Session, *, name: str, password: str, address: str) -> User | None:
    """Return the user for a name and password, counting failures to slow guessing down."""
    since = utcnow() - LOGIN_WINDOW
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
    by_name = session.scalar(select(func.count()).where(LoginAttempt.key == f"name:{name}", LoginAttempt.at >= since))
    by_addr = session.scalar(select(func.count()).where(LoginAttempt.key == f"addr:{address}", LoginAttempt.at >= since))
    if by_name >= MAX_FAILURES_PER_NAME or by_addr >= MAX_FAILURES_PER_ADDRESS:
        session.commit()
        raise TooManyAttemptsError("too many failed logins; wait 15 minutes and try again")
    user = session.scalar(select(User).where(User.name == name))
    if user and user.password_hash and check_password_hash(user.password_hash, password):
        session.execute(delete(LoginAttempt).where(LoginAttempt.key == f"name:{name}"))
        session.commit()
        if not user.active:  # said only to whoever knows the password
            raise AccountDeactivatedError("your account is deactivated; ask a coordinator to reactivate it")
        return user
    session.add_all([LoginAttempt(key=f"name:{name}"), LoginAttempt(key=f"addr:{address}")])
    session.commit()
    return None


def create_token(session: Session, user: User) -> str:
    """Create an API token for a person and return it; only its hash is kept."""
    token = "ta_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_hash_token(token)))
    session.flush()
    return token


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

    def get_id(self) -> str:
        return str(self.id)


# One query on the connection, without ORM objects: a script's request pays
# for it every time, and loading a User with its memberships cost twice as much.
_USER_FOR_TOKEN = (
    select(User.id, User.name, User.role, User.active, User.must_change_password, Membership.language)
    .join(ApiToken, ApiToken.user_id == User.id)
    .outerjoin(Membership, Membership.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


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
    first = rows[0]
    return TokenUser(id=first.id, name=first.name, role=first.role, active=True,
                     must_change_password=bool(first.must_change_password),
                     languages=tuple(sorted(r.language for r in rows if r.language)))


def create_invitation(session: Session, *, name: str, role: str, languages: list[str],
                      created_by: User | None, days: int = 7) -> str:
    """Create a one-time invitation and return its secret token."""
    check_login_name(name)
    _check_role(role)
    codes = [get_language(c).code for c in languages]
    if session.scalar(select(User).where(User.name == name)):
        raise AccountError(f"a user named {name!r} already exists")
    token = secrets.token_urlsafe(24)
    session.add(Invitation(
        token_hash=_hash_token(token), name=name, role=role, languages=",".join(codes),
        created_by_id=created_by.id if created_by else None,
        expires_at=utcnow() + timedelta(days=days),
    ))
    session.flush()
    return token


def open_invitation(session: Session, token: str) -> Invitation:
    """Return an unused, unexpired invitation for a token, or raise AccountError."""
    inv = session.scalar(select(Invitation).where(Invitation.token_hash == _hash_token(token)))
    if inv is None or inv.used_at is not None:
        raise AccountError("this invitation link is not valid or was already used")
    expires = inv.expires_at if inv.expires_at.tzinfo else inv.expires_at.replace(tzinfo=timezone.utc)
    if expires < datetime.now(timezone.utc):
        raise AccountError("this invitation link has expired; ask your coordinator for a new one")
    return inv


def accept_invitation(session: Session, token: str, password: str, display_name: str | None = None) -> User:
    """Create the invited person's account with their chosen password and display name."""
    inv = open_invitation(session, token)
    user = create_user(session, name=inv.name, role=inv.role, display_name=display_name,
                       languages=[c for c in inv.languages.split(",") if c], password=password)
    inv.used_at = utcnow()
    session.flush()
    return user
