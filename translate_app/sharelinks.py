"""Share links: people come in without an account, for one release and some languages, with one role.

A coordinator makes a link (a long random token; only its hash is stored) for
one release, one or more of its languages, a role (suggest, translate or
review), an expiry and optionally a number of uses. Whoever opens it gives a
name to show and how to be credited, and becomes a person without a password
(`User.link_id` names the link, `User.release_scope` the release, memberships
the languages), logged in at once. The web layer keeps such a person inside
the release and languages on every request (web/links.py).

Revoking the link, or its expiry, ends the sessions of everyone who came in
through it and has not made an account of it; a person who did (login name
and password) keeps the account, still limited to the release until a
coordinator lifts the limit.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from .accounts import (
    FREE_FAILURES_PER_ADDRESS,
    AccountError,
    InvitationUsedError,
    _hash_token,
    _key,
    check_login_name,
    count_attempt,
    end_sessions,
    set_credit,
    set_languages,
    validate_password,
)
from .core.languages import get_language
from .models import LoginAttempt, ShareLink, User, utcnow
from .project import Project

#: The roles a link can give, by the word the coordinator picks.
LINK_ROLES = {"suggest": "suggester", "translate": "translator", "review": "reviewer"}
MAX_LINK_DAYS = 90
MAX_LABEL = 120
#: Entries through links from one address before each further one must wait (growing delays, as for logins).
FREE_ENTRIES_PER_ADDRESS = 30


class LinkClosedError(AccountError):
    """A share link that does not let anyone in (any more): unknown, revoked, expired or used up."""


def create_link(
    session: Session,
    project: Project,
    *,
    release: str,
    languages: list[str],
    role: str,
    days: int,
    max_uses: int | None = None,
    label: str = "",
    created_by: User | None = None,
) -> tuple[ShareLink, str]:
    """Create a share link for one release and some of its languages; return it and its token (shown once)."""
    release = project.require(release)
    if role not in LINK_ROLES.values():
        raise AccountError(f"a link gives one of the roles {', '.join(LINK_ROLES.values())}, not {role!r}")
    codes = list(dict.fromkeys(get_language(c).code for c in languages))
    if not codes:
        raise AccountError("choose at least one language for the link")
    missing = [c for c in codes if c not in project.languages(release)]
    if missing:
        raise AccountError(f"release {release} has no language {', '.join(missing)}")
    if not 1 <= days <= MAX_LINK_DAYS:
        raise AccountError(f"a link expires in 1 to {MAX_LINK_DAYS} days")
    if max_uses is not None and not 1 <= max_uses <= 10000:
        raise AccountError("a link's use limit is 1 to 10000 people (or none)")
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL:
        raise AccountError(f"a link's note has at most {MAX_LABEL} characters")
    token = "tl_" + secrets.token_urlsafe(32)
    link = ShareLink(
        token_hash=_hash_token(token),
        release=release,
        languages=",".join(codes),
        role=role,
        label=label,
        created_by_id=created_by.id if created_by else None,
        expires_at=utcnow() + timedelta(days=days),
        max_uses=max_uses,
        uses=0,
    )
    session.add(link)
    session.flush()
    return link, token


def find_link(session: Session, token: str) -> ShareLink:
    """Return the link of a token if it lets people in now, or raise LinkClosedError saying why not (reads only)."""
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == _hash_token(token or "")))
    from .embargo import active_embargo

    if link is None or active_embargo(session, link.release) is not None:  # under embargo: as if no such link
        raise LinkClosedError("this link is not valid; check that you copied all of it")
    state = link.state()
    if state != "open":
        raise LinkClosedError(
            {
                "revoked": "this link was revoked by a coordinator",
                "expired": "this link has expired",
                "used up": "this link has been used as many times as it allows",
            }[state]
            + "; ask the coordinator for a new one"
        )
    return link


def enter(session: Session, token: str, *, shown_name: str, credit: str, address: str) -> User:
    """Let a person in through a link: count the attempt, take one use, create the person; commit.

    Throttled per address like logins: a wrong token is a failure that slows the
    next attempts down, and every entry counts against the address too.
    """
    now = utcnow()
    session.commit()
    own = count_attempt(
        session,
        [(_key("link", address), FREE_FAILURES_PER_ADDRESS), (_key("join", address), FREE_ENTRIES_PER_ADDRESS)],
        now,
        what="attempts to open links",
    )
    link = find_link(session, token)  # a wrong token leaves its attempt rows: that is the failure
    person = User(
        name=_guest_name(session),
        role=link.role,
        active=True,
        password_hash="",
        link_id=link.id,
        release_scope=link.release,
    )
    set_credit(person, credit=credit, **{_CREDIT_FIELD.get(credit, "display_name"): shown_name})
    if credit != "none" and not person.shown_name.strip():
        raise AccountError("give a name to show (a pseudonym is fine)")
    set_languages(person, link.language_codes)
    link_id = link.id
    session.commit()
    # One use, taken with a conditional UPDATE: of parallel entries no more than the limit get in.
    taken = session.execute(
        update(ShareLink)
        .where(
            ShareLink.id == link_id,
            ShareLink.revoked_at.is_(None),
            ShareLink.expires_at > now,
            or_(ShareLink.max_uses.is_(None), ShareLink.uses < ShareLink.max_uses),
        )
        .values(uses=ShareLink.uses + 1),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult, taken).rowcount != 1:
        session.rollback()
        raise LinkClosedError("this link was used up a moment ago; ask the coordinator for a new one")
    session.add(person)
    session.commit()
    # The "link:" row of a valid token is no failure; the "join:" row stays and counts entries.
    session.execute(delete(LoginAttempt).where(LoginAttempt.id == own[0]))
    session.commit()
    return person


_CREDIT_FIELD = {"name": "display_name", "pseudonym": "pseudonym", "organisation": "organisation"}


def _guest_name(session: Session) -> str:
    """Return an unused login name for a link's person: catalogs record it, so it says nothing about them."""
    while True:
        name = "guest-" + secrets.token_hex(4)
        if session.scalar(select(User.id).where(User.name == name)) is None:
            return name


def link_state(session: Session, person: User) -> str | None:
    """Say whether the link a person without an account came in through still holds them ("open"), else why not.

    None for everyone else (accounts, including ones made from a link).
    """
    if person.link_id is None or person.has_account:
        return None
    link = session.get(ShareLink, person.link_id)
    if link is None:
        return "revoked"
    state = link.state()
    return "open" if state == "used up" else state  # using it up lets no one new in; it ends nobody


def links_of(session: Session, release: str) -> list[ShareLink]:
    """Return the links of a release, newest first."""
    return list(
        session.scalars(
            select(ShareLink)
            .where(ShareLink.release == release)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )


def people_of(session: Session, links: list[ShareLink]) -> dict[int, list[User]]:
    """Return who came in through each link, in the order they came."""
    found: dict[int, list[User]] = defaultdict(list)
    if links:
        for person in session.scalars(
            select(User).where(User.link_id.in_([link.id for link in links])).order_by(User.id)
        ):
            if person.link_id is not None:  # the query asked for people of these links
                found[person.link_id].append(person)
    return found


def revoke(session: Session, link_id: int, *, release: str | None = None) -> int:
    """Revoke a link: nobody new gets in and the sessions of its people without an account end; return how many."""
    link = session.get(ShareLink, link_id)
    if link is None or (release is not None and link.release != release):
        raise AccountError(f"no share link {link_id}")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    ended = 0
    for person in session.scalars(select(User).where(User.link_id == link.id)):
        if not person.has_account and person.active:
            end_sessions(person)
            person.active = False
            ended += 1
    session.flush()
    return ended


def make_account(session: Session, person: User, *, name: str, password: str) -> User:
    """Turn a link's person into an account with a login name and password; commit.

    The person keeps their role, languages and the limit to the link's release;
    their other sessions end (this one is renewed by the caller).
    """
    if person.link_id is None or person.has_account:
        raise AccountError("only a person who came in through a share link can make an account of it")
    check_login_name(name)
    validate_password(password)
    hashed = generate_password_hash(password)
    if session.scalar(select(User.id).where(User.name == name, User.id != person.id)):
        raise AccountError(f"the login name {name!r} is taken; choose another")
    person.name = name
    person.password_hash = hashed
    end_sessions(person)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise InvitationUsedError(f"the login name {name!r} was taken a moment ago; choose another") from None
    return person
