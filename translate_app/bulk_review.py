"""Bulk review: approve, or accept the best suggestion of, every segment the editor's filters show, in one batch.

First `plan` lists what would happen, with the checks of each text: the
segments whose blocking checks fail are shown to the reviewer, and are
skipped unless the reviewer overrides them one by one with a reason; failing
error checks cannot be overridden. Then `run` sends the chosen items, each
with the version it was planned on, to the catalog in one batch
(workflow.submit_batch): one write, one audit transaction; a segment that
changed meanwhile or is refused is reported and the others go through.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from . import proposals, workflow
from .core import segments as seg
from .core.checks import run_checks
from .core.errors import PermissionDeniedError, StaleVersionError, TranslateAppError
from .models import User
from .project import Project

ACTIONS = ("approve", "accept")
MAX_ITEMS = 5000
NOTE = "bulk review"


class BulkReviewError(TranslateAppError):
    """A bulk review asked for in a way that cannot be done (a 400)."""


@dataclass
class PlannedItem:
    """One segment of a bulk review: the text it would approve and what its checks say."""

    id: str
    number: int
    source: str
    text: str
    state: str
    version: str
    blocking: list[dict] = field(default_factory=list)  # failing blocking checks: skipped unless overridden
    errors: list[dict] = field(default_factory=list)  # failing error checks: always skipped
    proposal: int | None = None  # the suggestion accepted (action "accept")
    author: str | None = None
    own: bool = False  # the reviewer's own text: refused unless self-review is allowed


def _require_reviewer(user: User, language: str, action: str) -> None:
    if action not in ACTIONS:
        raise BulkReviewError(f"the action is one of {', '.join(ACTIONS)}")
    if not user.can_review(language):
        raise PermissionDeniedError(f"bulk review needs the reviewer role for {language}")


def plan(
    session: Session, *, project: Project, user: User, release: str, language: str, action: str, filters: seg.Filters
) -> list[PlannedItem]:
    """Return the segments the filters show that the action would change, with their failing checks."""
    _require_reviewer(user, language, action)
    po = project.load_catalog(release, language)
    extra = project.extra_checks(release)
    waiting = proposals.open_counts(session, release, language)
    best = proposals.best_open(session, release, language) if action == "accept" else {}
    self_review = bool(workflow.release_record(session, project, release).self_review or user.is_coordinator)
    rows, page = [], 1
    while True:
        found = seg.editor_page(po, filters, page, proposals=waiting, language=language, extra=extra)
        rows += found.rows
        if not found.has_next or len(rows) >= MAX_ITEMS:
            break
        page += 1
    items = []
    for number, entry in rows[:MAX_ITEMS]:
        view = seg.view(entry, language, extra, checks=False)
        if action == "approve":
            if view.state == "approved" or not view.translation.strip():
                continue
            text, proposal, author = view.translation, None, view.translated_by
        else:
            chosen = best.get(view.id)
            if chosen is None:
                continue
            text, proposal = chosen.text, chosen.id
            author = chosen.user.name if chosen.user else None
        results = [r.as_dict() for r in run_checks(view.source, text, language=language, extra=extra)]
        items.append(
            PlannedItem(
                id=view.id,
                number=number,
                source=view.source,
                text=text,
                state=view.state,
                version=view.version,
                blocking=[c for c in results if c.get("blocking")],
                errors=[c for c in results if c["severity"] == "error" and not c.get("blocking")],
                proposal=proposal,
                author=author,
                own=author == user.name and not self_review,
            )
        )
    session.commit()
    return items


def as_api(items: list[PlannedItem]) -> dict:
    """Describe a plan: every item, and how many would go through without an override."""
    return {
        "items": [asdict(i) for i in items],
        "ready": sum(1 for i in items if not i.blocking and not i.errors and not i.own),
        "blocked": sum(1 for i in items if i.blocking or i.errors),
    }


def run(
    session: Session, *, project: Project, user: User, release: str, language: str, action: str, items: list[dict]
) -> list[dict]:
    """Apply the action to the items ({"id", "version", "proposal"?, "override"?}) in one batch; return each outcome.

    Each outcome is {"id", "outcome": "approved" | "accepted" | "conflict" | "refused", "message"?, "segment"?}.
    """
    _require_reviewer(user, language, action)
    if len(items) > MAX_ITEMS:
        raise BulkReviewError(f"at most {MAX_ITEMS} segments at once")
    rel = workflow.release_record(session, project, release)
    self_review = bool(rel.self_review or user.is_coordinator)
    edits, accepted = [], {}
    chosen = {p.id: p for p in proposals.best_open(session, release, language).values()} if action == "accept" else {}
    for item in items:
        if action == "approve":
            edit = {
                "kind": "approve",
                "segment": item["id"],
                "version": item.get("version"),
                "by": user.name,
                "user_id": user.id,
                "self_review": self_review,
                "note": NOTE,
            }
            if item.get("override"):
                edit["override"] = seg.clean_override_reason(item["override"])
        else:
            proposal_id = item.get("proposal")
            proposal = chosen.get(proposal_id) if proposal_id is not None else None
            if proposal is None or proposal.segment_id != item["id"]:
                raise BulkReviewError(f"segment {item['id']} has no such open suggestion any more; review again")
            if proposal.user_id == user.id and not self_review:
                raise BulkReviewError(
                    f"segment {item['id']}: that is your own suggestion; another reviewer must accept it"
                )
            accepted[item["id"]] = proposal.id
            edit = {
                "kind": "accept",
                "segment": item["id"],
                "text": proposal.text,
                "version": item.get("version"),
                "by": user.name,
                "author": proposal.user.name if proposal.user else user.name,
                "user_id": user.id,
                "note": f"{NOTE}: suggestion {proposal.id}",
            }
        edits.append(edit)
    if not edits:
        return []
    extra = project.extra_checks(release)
    results = []
    for edit, outcome in zip(edits, workflow.submit_batch(session, project, release, language, edits), strict=True):
        try:
            after = seg.edit_outcome(outcome, language, extra)[1]
        except StaleVersionError as exc:
            results.append({"id": edit["segment"], "outcome": "conflict", "message": str(exc)})
            continue
        except TranslateAppError as exc:
            results.append({"id": edit["segment"], "outcome": "refused", "message": str(exc)})
            continue
        if edit["segment"] in accepted:
            proposals.mark_accepted(session, accepted[edit["segment"]], user)
        results.append(
            {
                "id": edit["segment"],
                "outcome": "accepted" if action == "accept" else "approved",
                "segment": after.as_api(),
            }
        )
    session.commit()
    return results
