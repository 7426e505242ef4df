"""SQLAlchemy models: everything that is not a translation (those live in the catalogs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    false,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

# "suggester": suggests only (every save becomes a suggestion a reviewer decides on), never stores or approves.
ROLES = ("suggester", "translator", "reviewer", "coordinator")
#: How a person is credited to others: by name, by pseudonym, by organisation, or not at all.
CREDITS = ("name", "pseudonym", "organisation", "none")
#: What others see of a person who chose not to be credited.
UNCREDITED = "a volunteer"


def utcnow() -> datetime:
    """Return the current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return a stored time as an aware UTC time (SQLite gives it back without its zone)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def shown_name_of(
    name: str, display_name: str | None, credit: str | None, pseudonym: str | None, organisation: str | None
) -> str:
    """Return the name others see of a person, from their login name and how they chose to be credited."""
    if credit == "none":
        return UNCREDITED
    if credit == "pseudonym" and pseudonym:
        return pseudonym
    if credit == "organisation" and organisation:
        return organisation
    return display_name or name


class Base(DeclarativeBase):
    """Base class of every model."""


class Permissions:
    """What a person may do, from their role, languages and whether they are active.

    Shared by the User row and by TokenUser, the read-only person an API token
    stands for; both give `role`, `active` and `languages` (no annotations here:
    the declarative mapping would read them as columns).
    """

    if TYPE_CHECKING:  # what the two give, for the type checker only

        @property
        def role(self) -> str: ...
        @property
        def active(self) -> bool: ...
        @property
        def languages(self) -> Sequence[str]: ...
        def get_id(self) -> str: ...

    @property
    def is_coordinator(self) -> bool:
        """Say whether this person coordinates (every language, every release)."""
        return self.role == "coordinator"

    def visible_languages(self, languages: list[str]) -> list[str]:
        """Keep the languages this person works on (a coordinator sees them all)."""
        if self.is_coordinator:
            return list(languages)
        mine = set(self.languages)
        return [code for code in languages if code in mine]

    def can_suggest(self, language: str) -> bool:
        """Say whether this person may read a language's segments and suggest (every member of its team)."""
        return self.active and (self.is_coordinator or language in self.languages)

    def can_translate(self, language: str) -> bool:
        """Say whether this person may store translations in a language (a suggester may not)."""
        return self.can_suggest(language) and self.role != "suggester"

    def can_open_release(self, release: str) -> bool:
        """Say whether this person may see a release at all (a share link's person: only the link's one)."""
        scope = getattr(self, "release_scope", None)
        return scope is None or scope == release

    def can_review(self, language: str) -> bool:
        """Say whether this person may approve translations in a language."""
        return self.active and (self.is_coordinator or (self.role == "reviewer" and language in self.languages))

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False


class User(Permissions, Base):
    """A volunteer or coordinator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    # How the person is shown to others (spaces allowed); the login name stays `name`.
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(20), default="translator")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Raised to end every session of the person (logout, new password, deactivation); sessions carry
    # the value they started with and are refused once it differs (see web/auth.check_session).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # How others see the person (see shown_name): one of CREDITS, with the pseudonym or organisation it needs.
    credit: Mapped[str] = mapped_column(String(20), default="name", server_default="name")
    pseudonym: Mapped[str | None] = mapped_column(String(120), nullable=True)
    organisation: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # The share link the person came in through (None: invited or created); kept after they make it an account.
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_links.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The one release the person may see (a share link's), None for every release of their languages.
    release_scope: Mapped[str | None] = mapped_column(String(128), nullable=True)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def languages(self) -> list[str]:
        """Return the language codes this person works on."""
        return sorted(m.language for m in self.memberships)

    @property
    def shown_name(self) -> str:
        """Return the name other people see, as the person chose to be credited (see CREDITS)."""
        return shown_name_of(self.name, self.display_name, self.credit, self.pseudonym, self.organisation)

    @property
    def credited(self) -> bool:
        """Say whether the person wants to be named in credits (commit trailers, lists of contributors)."""
        return self.credit != "none"

    @property
    def has_account(self) -> bool:
        """Say whether the person can log in with a password (a share link's person until they choose one: no)."""
        return bool(self.password_hash)

    def get_id(self) -> str:
        return str(self.id)


class Membership(Base):
    """A person's membership in one language team."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")


class ApiToken(Base):
    """A bearer token for scripts; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # None: the token never expires (it still ends with a new password, a deactivation or a revocation).
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    label: Mapped[str] = mapped_column(String(80), default="", server_default="")

    user: Mapped[User] = relationship(lazy="joined")

    def expired(self, now: datetime | None = None) -> bool:
        """Say whether the token has passed its expiry."""
        return self.expires_at is not None and as_utc(self.expires_at) <= (now or utcnow())


class Invitation(Base):
    """A one-time link a coordinator sends to a new volunteer."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default="translator")
    languages: Mapped[str] = mapped_column(String(400), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The name the coordinator gave, offered to the person on the invitation page (no longer in the link).
    display_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Release(Base):
    """What the service knows of a release beyond its files: title, deadline, policy."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    self_review: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Embargo (see embargo.py): hidden from the uninvited, kept out of git and unpublished until this UTC time.
    embargo_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    embargo_zone: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the IANA zone it was set in


class EmbargoAccess(Base):
    """A person a coordinator invited to see a release before its embargo ends."""

    __tablename__ = "embargo_access"
    __table_args__ = (UniqueConstraint("release", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class PreviewLink(Base):
    """A tokenised, expiring link to the current translation of an embargoed release (token stored hashed)."""

    __tablename__ = "preview_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: every language
    label: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditLog(Base):
    """One change to a segment: who, when, old and new text and state."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    segment_id: Mapped[str] = mapped_column(String(40), index=True)
    action: Mapped[str] = mapped_column(String(40))
    old_text: Mapped[str] = mapped_column(Text, default="")
    new_text: Mapped[str] = mapped_column(Text, default="")
    old_state: Mapped[str] = mapped_column(String(20), default="")
    new_state: Mapped[str] = mapped_column(String(20), default="")
    # Why, where a person had to say so (an approval overriding a blocking check).
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The submitted edit this row logs: unique, so that replaying the audit outbox adds nothing twice.
    edit_key: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)

    user: Mapped[User | None] = relationship(lazy="joined")


class Comment(Base):
    """A remark on a segment, for the other volunteers of that language."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    segment_id: Mapped[str] = mapped_column(String(40), index=True)
    text: Mapped[str] = mapped_column(Text)

    user: Mapped[User] = relationship(lazy="joined")


class Proposal(Base):
    """A suggested change to a segment that a reviewer accepts or rejects.

    A translator's change to an approved segment becomes a proposal: the
    approved text stays in the catalog (and published) until a reviewer
    accepts it. Only the accepted text reaches the catalog.
    """

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    segment_id: Mapped[str] = mapped_column(String(40), index=True)
    text: Mapped[str] = mapped_column(Text)
    base_version: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open, accepted, rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[user_id])


class Publication(Base):
    """A published language of a release, with the compiled text that went out."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_hash: Mapped[str] = mapped_column(String(64))
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    errata: Mapped[str | None] = mapped_column(Text, nullable=True)  # the correction note of a republication

    user: Mapped[User | None] = relationship(lazy="joined")


class Job(Base):
    """A background job (machine pre-translation) and its progress."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), default="pretranslate")
    release: Mapped[str] = mapped_column(String(128), index=True)
    languages: Mapped[str] = mapped_column(String(400))
    provider: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # Segments the job looked at but could not fill (no memory match); done + no_match + failed <= total.
    no_match: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    requests: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MTCache(Base):
    """A cached machine translation, keyed by provider, settings, language pair and text hash."""

    __tablename__ = "mt_cache"
    __table_args__ = (UniqueConstraint("provider", "settings_hash", "source_lang", "target_lang", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    settings_hash: Mapped[str] = mapped_column(String(64))
    source_lang: Mapped[str] = mapped_column(String(20))
    target_lang: Mapped[str] = mapped_column(String(20))
    text_hash: Mapped[str] = mapped_column(String(64))
    translation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MemoryEntry(Base):
    """An approved translation indexed for memory lookups; rebuilt from catalogs at will."""

    __tablename__ = "memory"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    source: Mapped[str] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)


class LoginAttempt(Base):
    """A login attempt, counted to slow down password guessing (see accounts.authenticate).

    `key` says what it counts against: "name:NAME" (from an address NAME has not
    logged in from), "pair:NAME|ADDRESS" (from one it has), "addr:ADDRESS", or
    "ok:NAME|ADDRESS", which is no attempt but the mark of an address NAME
    logged in from (kept for accounts.KNOWN_ADDRESS_FOR).
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    score: Mapped[float] = mapped_column(Float, default=1.0)


@event.listens_for(Session, "before_flush")
def _end_access_of_deactivated(session: Session, _context, _instances) -> None:
    """A person deactivated loses every session and API token at once (reactivation brings none back)."""
    for obj in session.dirty:
        if isinstance(obj, User) and not obj.active and True in inspect(obj).attrs.active.history.deleted:
            obj.session_generation = (obj.session_generation or 0) + 1
            session.execute(
                delete(ApiToken).where(ApiToken.user_id == obj.id), execution_options={"synchronize_session": False}
            )


class ShareLink(Base):
    """A link that lets people in without an account: one release, some languages, one role.

    Only the hash of its token is stored. Whoever opens it gives a name to show
    and becomes a User limited to the release (User.release_scope) and the
    languages; revoking the link ends their sessions.
    """

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    languages: Mapped[str] = mapped_column(String(400))
    role: Mapped[str] = mapped_column(String(20), default="suggester")
    label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # No foreign key: users.link_id points here, and one direction keeps the tables sortable.
    created_by_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    @property
    def language_codes(self) -> list[str]:
        """Return the link's language codes."""
        return [c for c in self.languages.split(",") if c]

    def state(self, now: datetime | None = None) -> str:
        """Say whether the link lets people in: "open", "revoked", "expired" or "used up"."""
        if self.revoked_at is not None:
            return "revoked"
        if as_utc(self.expires_at) <= (now or utcnow()):
            return "expired"
        if self.max_uses is not None and self.uses >= self.max_uses:
            return "used up"
        return "open"


class PasswordReset(Base):
    """A one-time link that lets a person choose a new password; only its hash is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])


class ProposalVote(Base):
    """A +1 on an open suggestion (a Proposal) by someone other than its author; one per person."""

    __tablename__ = "proposal_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Claim(Base):
    """A volunteer's claim on a run of segments of one language, so that nobody else translates them meanwhile.

    `segment_ids` holds the claimed ids in document order, space-separated.
    A claim warns others; it blocks nobody. It ends at `expires_at` or when
    released (by its holder or a coordinator).
    """

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    segment_ids: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])

    @property
    def ids(self) -> list[str]:
        """Return the claimed segment ids in document order."""
        return self.segment_ids.split()


class NotificationSettings(Base):
    """What one person wants to be told and how (see notifications.py): the only place their e-mail lives.

    `choices` is JSON: event -> "email", "webhook" or "none". The address and
    the webhook URL are shown to that person only, never to other volunteers,
    and never reach catalogs, exports or commits.
    """

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    webhook_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    choices: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotificationEvent(Base):
    """One thing to tell one person, waiting in the outbox until a delivery job sends it in a digest.

    `status` is pending, sent, failed (gave up after the last retry) or dropped
    (the person turned the event off meanwhile). `dedup_key`, when set, makes an
    event recorded twice (two workers checking deadlines) one row.
    """

    __tablename__ = "notification_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    release: Mapped[str] = mapped_column(String(128), index=True)
    language: Mapped[str] = mapped_column(String(20), default="", server_default="")
    segment_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    actor: Mapped[str] = mapped_column(String(120), default="", server_default="")  # the shown name, never an address
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    dedup_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    error: Mapped[str] = mapped_column(Text, default="", server_default="")


class NotificationDigest(Base):
    """The lease and the last digest of one person and release: one delivery worker at a time sends them."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("user_id", "release"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    release: Mapped[str] = mapped_column(String(128))
    last_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
