"""Proposals: a translator's change to approved text, waiting for a reviewer to accept or reject it.

The approved text stays in the catalog (and so in what is published) until a
reviewer accepts a proposal; accepting stores the proposed text as the
proposer's translation and approves it as the reviewer, under the same checks
as approving. The proposals themselves live in the database.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import workflow
from .core import segments as seg
from .core.checks import run_checks
from .core.errors import PermissionDeniedError, StaleVersionError
from .core.project import Project
from .models import AuditLog, Proposal, User, utcnow

MAX_REASON_CHARS = 2000


class UnknownProposalError(seg.UnknownSegmentError):
    """A proposal id that this release and language do not have (a 404)."""


class ProposalDecidedError(StaleVersionError):
    """A proposal that was already accepted or rejected (a 409)."""


def propose(session: Session, *, user: User, release: str, language: str, segment: seg.SegmentView,
            text: str) -> Proposal:
    """Record a change to an approved segment as an open proposal (one per person and segment)."""
    workflow.require_translator(user, language)
    proposal = session.scalar(
        select(Proposal).where(Proposal.release == release, Proposal.language == language,
                               Proposal.segment_id == segment.id, Proposal.user_id == user.id,
                               Proposal.status == "open"))
    if proposal is None:
        proposal = Proposal(user_id=user.id, release=release, language=language, segment_id=segment.id)
        session.add(proposal)
    proposal.text = text
    proposal.base_version = segment.version
    proposal.at = utcnow()
    session.add(AuditLog(user_id=user.id, release=release, language=language, segment_id=segment.id,
                         action="propose", old_text=segment.translation, new_text=text,
                         old_state=segment.state, new_state=segment.state))
    session.commit()
    return proposal


def open_counts(session: Session, release: str, language: str) -> dict[str, int]:
    """Count the open proposals of each segment of a language."""
    rows = session.execute(
        select(Proposal.segment_id, func.count()).where(
            Proposal.release == release, Proposal.language == language, Proposal.status == "open")
        .group_by(Proposal.segment_id))
    return {segment_id: n for segment_id, n in rows}


def for_segment(session: Session, release: str, language: str, segment_id: str, limit: int = 20) -> list[Proposal]:
    """Return a segment's proposals, open ones first, newest first."""
    return list(session.scalars(
        select(Proposal).where(Proposal.release == release, Proposal.language == language,
                               Proposal.segment_id == segment_id)
        .order_by((Proposal.status == "open").desc(), Proposal.id.desc()).limit(limit)))


def as_api(session: Session, proposal: Proposal, segment: seg.SegmentView | None = None, *, language: str = "",
           extra: list | None = None) -> dict:
    """Describe a proposal for the API, with the checks of its text against the segment's source."""
    decided_by = session.get(User, proposal.decided_by_id) if proposal.decided_by_id else None
    data = {
        "id": proposal.id, "segment": proposal.segment_id, "text": proposal.text, "status": proposal.status,
        "at": proposal.at.isoformat(),
        "by": proposal.user.shown_name if proposal.user else  # a git merge keeps the repository's text (gitsync)
        ("the repository (git merge)" if proposal.reason.startswith("git merge") else None),
        "base_version": proposal.base_version, "reason": proposal.reason,
        "decided_by": decided_by.shown_name if decided_by else None,
        "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
    }
    if segment is not None:
        data["current"] = proposal.base_version == segment.version  # made on the text shown now
        data["checks"] = [r.as_dict() for r in run_checks(segment.source, proposal.text, language=language,
                                                             extra=extra or [])]
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


def accept(session: Session, *, project: Project, user: User, release: str, language: str, proposal_id: int,
           version: str | None) -> tuple[Proposal, seg.SegmentView]:
    """Store a proposal's text and approve it as this reviewer; the segment must still be at `version`."""
    _require_reviewer(user, language)
    proposal = _open_proposal(session, release, language, proposal_id)
    rel = workflow.release_record(session, project, release)
    if proposal.user_id == user.id and not (rel.self_review or user.is_coordinator):
        raise PermissionDeniedError("this is your own proposal; another reviewer must accept it")
    author = proposal.user.name if proposal.user else user.name
    segment_id, text = proposal.segment_id, proposal.text
    session.commit()  # no transaction open while waiting for the catalog
    after = workflow.submit_edit(session, project, release, language, {
        "kind": "accept", "segment": segment_id, "text": text, "version": version, "by": user.name,
        "author": author, "user_id": user.id})
    proposal = session.get_one(Proposal, proposal_id)  # its text is in the catalog now: accepted, whatever came between
    proposal.status, proposal.decided_by_id, proposal.decided_at = "accepted", user.id, utcnow()
    session.commit()
    return proposal, after


def reject(session: Session, *, user: User, release: str, language: str, proposal_id: int,
           reason: str = "") -> Proposal:
    """Reject a proposal with a reason for its author; the approved text stays."""
    _require_reviewer(user, language)
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise seg.InvalidTranslationError(f"a reason has at most {MAX_REASON_CHARS} characters")
    proposal = _open_proposal(session, release, language, proposal_id)
    proposal.status, proposal.decided_by_id, proposal.decided_at = "rejected", user.id, utcnow()
    proposal.reason = reason
    session.add(AuditLog(user_id=user.id, release=release, language=language, segment_id=proposal.segment_id,
                         action="reject proposal", old_text="", new_text=proposal.text, note=reason))
    session.commit()
    return proposal

