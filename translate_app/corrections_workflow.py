"""Corrections after publication, across every language of a release: see, decide once, republish.

When a typo or a wrong figure is found in a source after languages were
published, `Project.update` merges the corrected source into every catalog and
each changed segment needs review in each language (core/corrections.py). A
coordinator should not decide the same change twelve times, so this module:

* lists the pending changes of a release ONCE, grouped by segment (the segment
  id is the same in every language): old and new source with a word diff, and
  per language whether its translation had been approved and whether the
  language was published (`pending_changes`);
* applies one decision per segment to every language's catalog, one
  storage.apply per catalog through workflow.submit_batch (so under the
  catalog's lock, logged in the audit log as action "correct"), and tells the
  people of the languages where a change of meaning needs review
  (`decide`, notifications.corrections_to_review);
* republishes, in one action, every published language that is ready again
  (every segment approved, the publication stale), each with an optional
  errata note in its language (`republish`, workflow.publish).

Nothing here reads a request or renders: the coordinator's page, the API and
the `corrections` command call these functions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.orm import Session

from . import notifications, workflow
from .core import corrections as corr
from .core.catalog import entry_id
from .core.errors import MalformedCatalogError, TranslateAppError
from .core.languages import language_names
from .core.segments import require_complete
from .core.textdiff import DiffPart, word_diff
from .models import User
from .project import Project

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LanguageImpact:
    """One language a source change touches: was its translation approved, is the language published."""

    language: str
    translation: str
    was_approved: bool
    published: bool


@dataclass
class SourceChange:
    """A changed segment of a release, once for all its languages."""

    segment_id: str
    old_source: str
    new_source: str
    diff: list[DiffPart]
    languages: list[LanguageImpact] = field(default_factory=list)

    @property
    def published(self) -> list[str]:
        """Return the published languages this change touches."""
        return [i.language for i in self.languages if i.published]

    @property
    def approved(self) -> list[str]:
        """Return the languages whose translation had been approved for the old source."""
        return [i.language for i in self.languages if i.was_approved]

    def as_api(self) -> dict:
        """Return the change as JSON-ready data."""
        return {
            "segment_id": self.segment_id,
            "old_source": self.old_source,
            "new_source": self.new_source,
            "diff": [p.as_dict() for p in self.diff],
            "languages": [vars(i) for i in self.languages],
        }


@dataclass
class DecisionReport:
    """What deciding did: per language, the segments changed (by new state) and those left as they were."""

    decided: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> {segment id: new state}
    unchanged: dict[str, list[str]] = field(default_factory=dict)  # language -> segments decided already
    failed: dict[str, str] = field(default_factory=dict)  # language -> why its catalog was not changed
    told: int = 0  # notifications recorded

    def as_api(self) -> dict:
        """Return the report as JSON-ready data."""
        return {"decided": self.decided, "unchanged": self.unchanged, "failed": self.failed, "notified": self.told}


@dataclass
class LanguageReadiness:
    """Whether a language can be republished now, and why not."""

    language: str
    published: bool
    state: str | None  # workflow.publication_state: None, "current" or "stale"
    ready: bool
    why: str = ""  # when not ready


@dataclass
class RepublishReport:
    """What republishing did, per language."""

    published: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # language -> why

    def as_api(self) -> dict:
        """Return the report as JSON-ready data."""
        return {"published": self.published, "skipped": self.skipped}


def _catalogs(project: Project, release: str):
    """Yield (language, parsed catalog) of a release; a broken catalog is left out (the release page says why)."""
    for code in project.languages(release):
        try:
            yield code, project.load_catalog(release, code)
        except MalformedCatalogError:
            log.warning("corrections: the %s catalog of %s cannot be read; left out", code, release)


def pending_changes(session: Session, project: Project, release: str) -> list[SourceChange]:
    """Return the source changes of a release that wait for a decision, once per segment, in document order."""
    project.require(release)
    published = {code for code in project.languages(release) if workflow.latest_publication(session, release, code)}
    found: dict[str, SourceChange] = {}
    order: dict[str, int] = {}
    for code, po in _catalogs(project, release):
        for position, entry in enumerate(po):
            change = corr.correction(entry)
            if change is None:
                continue
            sid = entry_id(entry)
            order.setdefault(sid, position)
            if sid not in found:
                found[sid] = SourceChange(
                    sid, change.old_source, change.new_source, word_diff(change.old_source, change.new_source)
                )
            found[sid].languages.append(
                LanguageImpact(code, change.translation, change.was_approved, code in published)
            )
    return sorted(found.values(), key=lambda c: order[c.segment_id])


def pending_count(project: Project, release: str) -> int:
    """Return how many segments of a release have a source change waiting for a decision (no database)."""
    ids: set[str] = set()
    for _code, po in _catalogs(project, release):
        ids.update(entry_id(e) for e in po if corr.correction(e) is not None)
    return len(ids)


def decide(
    session: Session, project: Project, user: User, release: str, decisions: dict[str, corr.Decision]
) -> DecisionReport:
    """Apply a coordinator's decision per segment to every language of the release; tell whom it concerns.

    `decisions` maps segment ids to Decision. Each catalog is written once, under
    its lock; a segment already decided (or not pending in a language) is left
    as it is. Unknown segment ids are refused before anything is written.
    """
    workflow.require_coordinator(user, "decide what a source change means for translations")
    project.require(release)
    if not decisions:
        raise corr.InvalidDecisionError("choose “wording only” or “meaning changed” for at least one change")
    pending = {c.segment_id: c for c in pending_changes(session, project, release)}
    unknown = [sid for sid in decisions if sid not in pending]
    if unknown:
        raise corr.InvalidDecisionError(
            f"no source change waits for a decision in segment {unknown[0]!r} (decided already, or unknown)"
        )
    extra = project.extra_checks(release)
    _refuse_wording_only_that_is_not(pending, decisions, extra)
    report = DecisionReport()
    to_review: dict[str, dict[str, str]] = {}
    touched = {sid: {i.language for i in pending[sid].languages} for sid in decisions}
    for code in project.languages(release):
        mine = [sid for sid in decisions if code in touched[sid]]
        if not mine:
            continue
        edits = [
            {
                "kind": "correct",
                "segment": sid,
                "version": None,
                "by": user.name,
                "user_id": user.id,
                "note": "source corrected: "
                + (
                    "wording only, translation kept"
                    if decisions[sid] is corr.Decision.WORDING_ONLY
                    else "meaning changed"
                ),
            }
            for sid in mine
        ]
        change = partial(corr.apply_decision, decisions=decisions, language=code, extra=extra)
        try:
            outcomes = workflow.submit_batch(session, project, release, code, edits, change=change)
        except TranslateAppError as exc:  # the lock or the disk: this language alone
            report.failed[code] = str(exc)
            continue
        for sid, outcome in zip(mine, outcomes, strict=True):
            if not outcome.ok:
                report.failed[code] = outcome.message
                continue
            assert outcome.before is not None and outcome.after is not None
            if outcome.before.version == outcome.after.version:
                report.unchanged.setdefault(code, []).append(sid)
                continue
            report.decided.setdefault(code, {})[sid] = outcome.after.state
            if decisions[sid] is corr.Decision.MEANING_CHANGED:
                to_review.setdefault(code, {})[sid] = pending[sid].new_source
    if to_review:
        report.told = notifications.corrections_to_review(session, release, to_review, actor=user)
    return report


def _refuse_wording_only_that_is_not(
    pending: dict[str, SourceChange], decisions: dict[str, corr.Decision], extra: list
) -> None:
    """Refuse, before anything is written, "wording only" for a change the kept translations would not fit.

    A changed figure or link makes the translations fail a blocking check
    against the new source; keeping them would publish the old figure.
    """
    for number, (sid, change) in enumerate(pending.items(), start=1):
        if decisions.get(sid) is not corr.Decision.WORDING_ONLY:
            continue
        failing = {
            item.language: problems
            for item in change.languages
            if (
                problems := corr.kept_translation_fails(
                    change.new_source, item.translation, language=item.language, extra=extra
                )
            )
        }
        if failing:
            first = next(iter(failing.values()))[0]
            raise corr.InvalidDecisionError(
                f"change {number} is not wording only: the kept translations would no longer fit the new source "
                f"in {language_names(list(failing))} ({first}); choose “meaning changed”"
            )


def readiness(session: Session, project: Project, release: str) -> list[LanguageReadiness]:
    """Say, for every language of a release, whether it can be republished now (published, stale, all approved)."""
    project.require(release)
    doc = project.document(release)
    result = []
    for code in project.languages(release):
        published = workflow.latest_publication(session, release, code) is not None
        try:
            po = project.load_catalog(release, code)
        except MalformedCatalogError:
            result.append(LanguageReadiness(code, published, None, False, "the catalog cannot be read"))
            continue
        state = workflow.publication_state(session, project, release, code, po=po, doc=doc)
        why = ""
        if not published:
            why = "not published yet (publish it from the release page)"
        elif state == "current":
            why = "the publication is up to date"
        else:
            try:
                require_complete(po)
            except TranslateAppError as exc:
                why = str(exc)
        result.append(LanguageReadiness(code, published, state, not why, why))
    return result


def republish(
    session: Session,
    project: Project,
    user: User,
    release: str,
    *,
    notes: dict[str, str] | None = None,
    languages: list[str] | None = None,
) -> RepublishReport:
    """Publish again every published language that is ready (or those of `languages`), each with its errata note.

    A language that is not ready is skipped with the reason; the notes are
    checked before anything is published.
    """
    workflow.require_coordinator(user, "republish")
    notes = {code: corr.clean_errata(text) for code, text in (notes or {}).items()}
    report = RepublishReport()
    for item in readiness(session, project, release):
        if languages is not None and item.language not in languages:
            continue
        if not item.ready:
            report.skipped[item.language] = item.why
            continue
        try:
            workflow.publish(
                session=session,
                project=project,
                user=user,
                release=release,
                language=item.language,
                errata=notes.get(item.language, ""),
            )
        except TranslateAppError as exc:  # approved meanwhile no more: the others still go out
            session.rollback()
            report.skipped[item.language] = str(exc)
            continue
        report.published.append(item.language)
    return report
