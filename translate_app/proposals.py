"""Suggestions (stored as Proposal rows): texts waiting for a reviewer to accept or reject them.

A suggestion comes from a person with the suggest role on any segment, from
a translator who chooses to suggest rather than save, or by itself when a
translator changes approved text (the change cannot be stored, so it waits
here). Several people may suggest for one segment (one open suggestion per
person, replaced when they suggest again), and others may give an open one a
+1 vote. The catalog keeps its text (and so what is published) until a
reviewer accepts a suggestion; accepting stores the text as its author's
translation and approves it as the reviewer, through the same version check
and checks as approving. Rejecting keeps the reason in the history.
The name "proposal" stays in the API paths and the table: /suggestions
already answers with translation-memory matches.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import notifications, workflow
from .core import segments as seg
from .core.checks import run_checks
from .core.errors import PermissionDeniedError, StaleVersionError
from .models import AuditLog, Proposal, ProposalVote, User, utcnow
from .project import Project

MAX_REASON_CHARS = 2000


class UnknownProposalError(seg.UnknownSegmentError):
    """A proposal id that this release and language do not have (a 404)."""


class ProposalDecidedError(StaleVersionError):
    """A proposal that was already accepted or rejected (a 409)."""


def suggest(
    session: Session, *, user: User, release: str, language: str, segment: seg.SegmentView, text: str
) -> Proposal:
    """Record a suggestion for any segment; refuse an empty one or the text the segment already has."""
    workflow.require_member(user, language)  # every member of the language's team may suggest
    text = seg.clean_translation(text)
    if not text.strip():
        raise seg.InvalidTranslationError("a suggestion needs a text")
    if text == segment.translation:
        raise seg.InvalidTranslationError("that is the translation already; suggest a different text")
    return propose(session, user=user, release=release, language=language, segment=segment, text=text)


def propose(
    session: Session, *, user: User, release: str, language: str, segment: seg.SegmentView, text: str
) -> Proposal:
    """Record a change to an approved segment, or a suggester's text, as an open proposal.

    One per person and segment.
    """
    workflow.require_member(user, language)  # every member of the language's team may suggest
    proposal = session.scalar(
        select(Proposal).where(
            Proposal.release == release,
            Proposal.language == language,
            Proposal.segment_id == segment.id,
            Proposal.user_id == user.id,
            Proposal.status == "open",
        )
    )
    if proposal is None:
        proposal = Proposal(user_id=user.id, release=release, language=language, segment_id=segment.id)
        session.add(proposal)
    proposal.text = text
    proposal.base_version = segment.version
    proposal.at = utcnow()
    session.add(
        AuditLog(
            user_id=user.id,
            release=release,
            language=language,
            segment_id=segment.id,
            action="propose",
            old_text=segment.translation,
            new_text=text,
            old_state=segment.state,
            new_state=segment.state,
        )
    )
    session.commit()
    notifications.proposed(session, proposal)
    return proposal


def open_counts(session: Session, release: str, language: str) -> dict[str, int]:
    """Count the open proposals of each segment of a language."""
    rows = session.execute(
        select(Proposal.segment_id, func.count())
        .where(Proposal.release == release, Proposal.language == language, Proposal.status == "open")
        .group_by(Proposal.segment_id)
    )
    return {segment_id: n for segment_id, n in rows}


def for_segment(session: Session, release: str, language: str, segment_id: str, limit: int = 20) -> list[Proposal]:
    """Return a segment's proposals, open ones first, newest first."""
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.release == release, Proposal.language == language, Proposal.segment_id == segment_id)
            .order_by((Proposal.status == "open").desc(), Proposal.id.desc())
            .limit(limit)
        )
    )


def vote_counts(session: Session, proposal_ids: list[int]) -> dict[int, int]:
    """Count the votes of each of these proposals."""
    if not proposal_ids:
        return {}
    rows = session.execute(
        select(ProposalVote.proposal_id, func.count())
        .where(ProposalVote.proposal_id.in_(proposal_ids))
        .group_by(ProposalVote.proposal_id)
    )
    return {proposal_id: n for proposal_id, n in rows}


def vote(session: Session, *, user: User, release: str, language: str, proposal_id: int, up: bool = True) -> int:
    """Give an open proposal this person's +1 (or take it back); return its votes. Not on one's own."""
    workflow.require_member(user, language)  # every member of the language's team may suggest
    proposal = _open_proposal(session, release, language, proposal_id)
    if proposal.user_id == user.id:
        raise PermissionDeniedError("you cannot vote for your own suggestion")
    mine = session.scalar(
        select(ProposalVote).where(ProposalVote.proposal_id == proposal_id, ProposalVote.user_id == user.id)
    )
    if up and mine is None:
        session.add(ProposalVote(proposal_id=proposal_id, user_id=user.id))
    elif not up and mine is not None:
        session.execute(delete(ProposalVote).where(ProposalVote.id == mine.id))
    session.commit()
    return vote_counts(session, [proposal_id]).get(proposal_id, 0)


def best_open(session: Session, release: str, language: str) -> dict[str, Proposal]:
    """Return, per segment, the open proposal a reviewer would take first: most votes, then the newest."""
    found = list(
        session.scalars(
            select(Proposal).where(
                Proposal.release == release, Proposal.language == language, Proposal.status == "open"
            )
        )
    )
    votes = vote_counts(session, [p.id for p in found])
    best: dict[str, Proposal] = {}
    for p in sorted(found, key=lambda p: (votes.get(p.id, 0), p.id)):
        best[p.segment_id] = p
    return best


def mark_accepted(session: Session, proposal_id: int, user: User) -> Proposal:
    """Record that a proposal's text is in the catalog now, accepted by this reviewer (the caller commits)."""
    proposal = session.get_one(Proposal, proposal_id)
    proposal.status, proposal.decided_by_id, proposal.decided_at = "accepted", user.id, utcnow()
    return proposal


def as_api(
    session: Session,
    proposal: Proposal,
    segment: seg.SegmentView | None = None,
    *,
    language: str = "",
    extra: list | None = None,
    viewer: User | None = None,
) -> dict:
    """Describe a proposal for the API, with its votes and the checks of its text against the segment's source."""
    decided_by = session.get(User, proposal.decided_by_id) if proposal.decided_by_id else None
    data = {
        "votes": vote_counts(session, [proposal.id]).get(proposal.id, 0),
        "mine": viewer is not None and proposal.user_id == viewer.id,
        "voted": viewer is not None
        and (
            session.scalar(
                select(func.count()).where(ProposalVote.proposal_id == proposal.id, ProposalVote.user_id == viewer.id)
            )
            or 0
        )
        > 0,
        "id": proposal.id,
        "segment": proposal.segment_id,
        "text": proposal.text,
        "status": proposal.status,
        "at": proposal.at.isoformat(),
        "by": proposal.user.shown_name
        if proposal.user
        # a git merge keeps the repository's text (gitsync)
        else ("the repository (git merge)" if proposal.reason.startswith("git merge") else None),
        "base_version": proposal.base_version,
        "reason": proposal.reason,
        "decided_by": decided_by.shown_name if decided_by else None,
        "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
    }
    if segment is not None:
        data["current"] = proposal.base_version == segment.version  # made on the text shown now
        data["checks"] = [
            r.as_dict() for r in run_checks(segment.source, proposal.text, language=language, extra=extra or [])
        ]
    return data


def _open_proposal(session: Session, release: str, language: str, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.release != release or proposal.language != language:
        raise UnknownProposalError(f"no proposal {proposal_id} in {release}/{language}")
    if proposal.status != "open":
        raise ProposalDecidedError(f"this proposal was already {proposal.status}")
    return proposal


def _require_reviewer(user: User, language: str) -> None:
    if not user.can_review(language):
        raise PermissionDeniedError(f"accepting or rejecting proposals needs the reviewer role for {language}")


def accept(
    session: Session,
    *,
    project: Project,
    user: User,
    release: str,
    language: str,
    proposal_id: int,
    version: str | None,
) -> tuple[Proposal, seg.SegmentView]:
    """Store a proposal's text and approve it as this reviewer; the segment must still be at `version`."""
    _require_reviewer(user, language)
    proposal = _open_proposal(session, release, language, proposal_id)
    rel = workflow.release_record(session, project, release)
    if proposal.user_id == user.id and not (rel.self_review or user.is_coordinator):
        raise PermissionDeniedError("this is your own proposal; another reviewer must accept it")
    author = proposal.user.name if proposal.user else user.name
    segment_id, text = proposal.segment_id, proposal.text
    session.commit()  # no transaction open while waiting for the catalog
    after = workflow.submit_edit(
        session,
        project,
        release,
        language,
        {
            "kind": "accept",
            "segment": segment_id,
            "text": text,
            "version": version,
            "by": user.name,
            "author": author,
            "user_id": user.id,
        },
    )
    proposal = mark_accepted(session, proposal_id, user)  # its text is in the catalog now, whatever came between
    session.commit()
    return proposal, after


def reject(
    session: Session, *, user: User, release: str, language: str, proposal_id: int, reason: str = ""
) -> Proposal:
    """Reject a proposal with a reason for its author; the approved text stays."""
    _require_reviewer(user, language)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise seg.InvalidTranslationError(f"a reason has at most {MAX_REASON_CHARS} characters")
    proposal = _open_proposal(session, release, language, proposal_id)
    proposal.status, proposal.decided_by_id, proposal.decided_at = "rejected", user.id, utcnow()
    proposal.reason = reason
    session.add(
        AuditLog(
            user_id=user.id,
            release=release,
            language=language,
            segment_id=proposal.segment_id,
            action="reject proposal",
            old_text="",
            new_text=proposal.text,
            note=reason,
        )
    )
    session.commit()
    return proposal
