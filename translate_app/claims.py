"""Claims: a volunteer takes a section or a range of segments so that two people do not translate the same text.

A claim warns, it does not block: others see "claimed by X until HH:MM" and
are told when they save a claimed segment. It lasts DEFAULT_HOURS unless the
holder says otherwise (at most MAX_HOURS), can be renewed by its holder, and
ends early when the holder or a coordinator releases it. Claims live in the
database; the segments they name come from the catalog, in document order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polib
from sqlalchemy import select
from sqlalchemy.orm import Session

from .core import segments as seg
from .core.catalog import entry_id
from .core.errors import PermissionDeniedError, TranslateAppError
from .models import AuditLog, Claim, User, as_utc, utcnow

DEFAULT_HOURS = 2.0
MAX_HOURS = 12.0


class ClaimError(TranslateAppError):
    """A claim that cannot be made as asked (a 400)."""


class UnknownClaimError(seg.UnknownSegmentError):
    """A claim id that this release and language do not have, or that has ended (a 404)."""


def live_ids(po: polib.POFile) -> list[str]:
    """Return the ids of the live segments of a catalog, in document order."""
    return [entry_id(e) for e in po if not e.obsolete and e.msgid]


def _is_heading(entry: polib.POEntry) -> bool:
    return (entry.comment or "").split("\n")[0].startswith("heading")


def sections(po: polib.POFile) -> list[dict]:
    """Return the sections of a catalog: each heading with the segments up to the next heading.

    Segments before the first heading form a section of their own, labelled by their first words.
    """
    found: list[dict] = []
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        if _is_heading(entry) or not found:
            found.append({"label": _label(entry.msgid), "ids": []})
        found[-1]["ids"].append(entry_id(entry))
    return found


def _label(text: str) -> str:
    text = " ".join(text.replace("*", "").replace("#", "").split())
    return text if len(text) <= 60 else text[:59] + "…"


def segment_run(po: polib.POFile, first: str, last: str | None = None) -> list[str]:
    """Return the ids from `first` to `last` in document order; without `last`, the section `first` opens."""
    ids = live_ids(po)
    if first not in ids:
        raise seg.UnknownSegmentError(f"no segment {first!r}")
    start = ids.index(first)
    if last is None:
        for section in sections(po):
            if section["ids"][0] == first:
                return section["ids"]
        raise ClaimError("that segment opens no section (a heading); claim a range from it instead")
    if last not in ids:
        raise seg.UnknownSegmentError(f"no segment {last!r}")
    end = ids.index(last)
    if end < start:
        start, end = end, start
    return ids[start : end + 1]


def _hours(hours: float | None) -> float:
    if hours is None:
        return DEFAULT_HOURS
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or not 0 < hours <= MAX_HOURS:
        raise ClaimError(f"a claim lasts more than 0 and at most {MAX_HOURS:g} hours")
    return float(hours)


def active(session: Session, release: str, language: str | None = None, now: datetime | None = None) -> list[Claim]:
    """Return the claims of a release (of one language, or all) that have neither expired nor been released."""
    now = now or utcnow()
    query = select(Claim).where(Claim.release == release, Claim.released_at.is_(None), Claim.expires_at > now)
    if language is not None:
        query = query.where(Claim.language == language)
    return list(session.scalars(query.order_by(Claim.language, Claim.id)))


def holder_of(
    session: Session,
    release: str,
    language: str,
    segment_id: str,
    *,
    other_than: User | None = None,
    now: datetime | None = None,
) -> Claim | None:
    """Return the live claim on a segment (held by someone other than `other_than`, when given), or None."""
    for claim in active(session, release, language, now):
        if segment_id in claim.ids and (other_than is None or claim.user_id != other_than.id):
            return claim
    return None


def claim(
    session: Session,
    *,
    user: User,
    release: str,
    language: str,
    po: polib.POFile,
    first: str,
    last: str | None = None,
    hours: float | None = None,
    now: datetime | None = None,
) -> Claim:
    """Claim the section `first` opens, or the range first..last, for `hours` (refused where someone else holds one).

    The caller checks that the person works on the language.
    """
    now = now or utcnow()
    ids = segment_run(po, first, last)
    taken = {}
    for other in active(session, release, language, now):
        if other.user_id != user.id:
            taken.update({i: other for i in other.ids})
    clash = [i for i in ids if i in taken]
    if clash:
        other = taken[clash[0]]
        raise ClaimError(
            f"{len(clash)} of these segments are claimed by {other.user.shown_name} until "
            f"{as_utc(other.expires_at):%H:%M} UTC; claim another part or ask them"
        )
    label = _label(next(e.msgid for e in po if not e.obsolete and e.msgid and entry_id(e) == ids[0]))
    if len(ids) > 1:
        label += f" (+{len(ids) - 1} segments)"
    row = Claim(
        user_id=user.id,
        release=release,
        language=language,
        label=label[:200],
        segment_ids=" ".join(ids),
        created_at=now,
        expires_at=now + timedelta(hours=_hours(hours)),
    )
    session.add(row)
    session.add(
        AuditLog(
            user_id=user.id,
            release=release,
            language=language,
            segment_id=ids[0],
            action="claim",
            note=f"{len(ids)} segments until {row.expires_at:%Y-%m-%d %H:%M} UTC",
        )
    )
    session.commit()
    return row


def _live(session: Session, release: str, language: str, claim_id: int, now: datetime) -> Claim:
    row = session.get(Claim, claim_id)
    if (
        row is None
        or row.release != release
        or row.language != language
        or row.released_at is not None
        or as_utc(row.expires_at) <= now
    ):
        raise UnknownClaimError(f"no live claim {claim_id} in {release}/{language}")
    return row


def renew(
    session: Session,
    *,
    user: User,
    release: str,
    language: str,
    claim_id: int,
    hours: float | None = None,
    now: datetime | None = None,
) -> Claim:
    """Extend one's own live claim to `hours` from now."""
    now = now or utcnow()
    row = _live(session, release, language, claim_id, now)
    if row.user_id != user.id:
        raise PermissionDeniedError("only the person who claimed these segments can renew the claim")
    row.expires_at = now + timedelta(hours=_hours(hours))
    session.commit()
    return row


def release_claim(
    session: Session, *, user: User, release: str, language: str, claim_id: int, now: datetime | None = None
) -> Claim:
    """End a live claim early: its holder or a coordinator."""
    now = now or utcnow()
    row = _live(session, release, language, claim_id, now)
    if row.user_id != user.id and not user.is_coordinator:
        raise PermissionDeniedError("only the holder of a claim or a coordinator can release it")
    row.released_at, row.released_by_id = now, user.id
    session.add(
        AuditLog(
            user_id=user.id,
            release=release,
            language=language,
            segment_id=row.ids[0] if row.ids else "",
            action="release claim",
            note=f"claim of {row.user.shown_name}: {row.label}",
        )
    )
    session.commit()
    return row


def as_api(row: Claim, viewer: User | None = None) -> dict:
    """Describe a claim for the API and the pages (the shown name only, never an address)."""
    ids = row.ids
    return {
        "id": row.id,
        "by": row.user.shown_name,
        "language": row.language,
        "label": row.label,
        "segments": ids,
        "first": ids[0] if ids else None,
        "last": ids[-1] if ids else None,
        "until": as_utc(row.expires_at).isoformat(),
        "mine": viewer is not None and row.user_id == viewer.id,
    }
