"""Segments as the editor and the API see them, and the edits a person can make."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import polib

from .catalog import entry_id, entry_version, find_entry
from .checks import Check, CheckResult, blocking_check_ids, run_checks
from .edits import Edit, Outcome
from .errors import (
    CatalogError,
    NotApprovedError,
    PermissionDeniedError,
    StaleVersionError,
    TranslateAppError,
    error_class,
)
from .states import (
    OVERRIDE_REASON_MAX,
    OVERRIDE_REASON_MIN,
    STATES,
    State,
    entry_override,
    entry_partner,
    entry_signatories,
    entry_state,
    one_line,
    review_fields,
    set_approved,
    set_translated,
    set_untranslated,
)

if TYPE_CHECKING:
    from datetime import date

MAX_TRANSLATION_CHARS = 20_000


class UnknownSegmentError(TranslateAppError):
    """A segment id that the catalog does not have."""

    code = "unknown_segment"


class InvalidTranslationError(TranslateAppError):
    """A translation that cannot be stored as it is."""

    code = "invalid_translation"


class ProposalNeededError(TranslateAppError):
    """A change to approved text by someone who may not approve it: it becomes a proposal instead."""

    code = "proposal_needed"

    def __init__(self, message: str, current: SegmentView | None = None) -> None:
        super().__init__(message)
        self.current = current


class BlockingChecksError(TranslateAppError):
    """An approval refused while checks fail: blocking ones without an override, or errors (a 422)."""

    code = "blocking_checks"

    def __init__(self, message: str, checks: list[dict]) -> None:
        super().__init__(message)
        self.checks = checks


@dataclass
class SegmentView:
    """One segment with everything the editor and the API show about it."""

    id: str
    source: str
    translation: str
    state: str
    version: str
    checks: list[dict[str, str | bool]]
    comment: str = ""
    occurrences: list[str] = field(default_factory=list)
    previous_source: str | None = None
    machine: dict[str, str] | None = None
    approved_by: str | None = None
    translated_by: str | None = None
    override: dict | None = None  # {"checks": [...], "by", "reason"}: approved despite failing blocking checks
    partner: str | None = None  # the partner organisation whose text this is, while it needs review
    # a signatory item filled by the service, while unreviewed: {"description": the part still in English, or ""}
    signatories: dict[str, str] | None = None

    def as_api(self) -> dict:
        """Return the fields of the JSON API contract plus the helpful extras.

        A shallow copy (dataclasses.asdict copies deeply, and slowly): the
        lists and dicts inside are shared, to be serialised, not changed.
        """
        return dict(vars(self))


def view(entry: polib.POEntry, language: str = "", extra: Iterable[Check] = (), *, checks: bool = True) -> SegmentView:
    """Describe one catalog entry, with the failures of the registered and extra checks.

    checks=False leaves them out (see with_checks), for views made under the catalog lock.
    """
    fields = review_fields(entry)
    state = entry_state(entry)
    return SegmentView(
        id=entry_id(entry),
        source=entry.msgid,
        translation=entry.msgstr,
        state=state.value,
        version=entry_version(entry),
        checks=[r.as_dict() for r in run_checks(entry.msgid, entry.msgstr, language=language, extra=extra)]
        if checks
        else [],
        comment=entry.comment or "",
        occurrences=[f"{path}:{line}" for path, line in entry.occurrences],
        previous_source=entry.previous_msgid,
        machine=fields.get("machine") if state == State.MACHINE else None,
        approved_by=fields.get("approved", {}).get("by") if state == State.APPROVED else None,
        translated_by=fields.get("translated", {}).get("by"),
        override=_override_view(entry) if "override" in fields else None,
        partner=entry_partner(entry) if "partner" in fields else None,
        signatories=_signatories_view(entry) if "signatories" in fields else None,
    )


def _signatories_view(entry: polib.POEntry) -> dict[str, str] | None:
    fill = entry_signatories(entry)
    if fill is None:
        return None
    from .signatories import parse  # here: Babel's CLDR data only when a segment was filled by it

    left = parse(entry.msgid).description if fill.get("todo") == "description" else ""
    return {"description": left}


def _override_view(entry: polib.POEntry) -> dict | None:
    override = entry_override(entry)
    return override.as_dict() if override is not None else None


def with_checks(segment: SegmentView, language: str = "", extra: Iterable[Check] = ()) -> SegmentView:
    """Return a view with its check results filled in."""
    results = run_checks(segment.source, segment.translation, language=language, extra=extra)
    return replace(segment, checks=[r.as_dict() for r in results])


def views(po: polib.POFile, language: str = "", extra: Iterable[Check] = ()) -> list[SegmentView]:
    """Describe every live entry of a catalog, in document order."""
    extra = list(extra)
    return [view(e, language, extra) for e in po if not e.obsolete and e.msgid]


def counts(po: polib.POFile) -> dict[str, int]:
    """Count the entries of a catalog in each state."""
    c = Counter({s: 0 for s in STATES})
    for e in po:
        if not e.obsolete and e.msgid:
            c[entry_state(e).value] += 1
    return dict(c)


def require_entry(po: polib.POFile, segment_id: str) -> polib.POEntry:
    """Return the live entry with this id, or raise UnknownSegmentError (a 404)."""
    entry = find_entry(po, segment_id)
    if entry is None:
        raise UnknownSegmentError(f"no segment {segment_id!r}")
    return entry


def _require_version(
    entry: polib.POEntry, version: str | None, language: str, extra: list[Check], checks: bool = True
) -> None:
    if version is None or version != entry_version(entry):
        raise StaleVersionError(
            "the segment changed since you loaded it; compare the two texts",
            current=view(entry, language, extra, checks=checks),
        )


def require_current(
    po: polib.POFile,
    segment_id: str,
    version: str | None,
    *,
    language: str = "",
    extra: Iterable[Check] = (),
    by: str | None = None,
    text: str | None = None,
    approving: bool = False,
) -> None:
    """Refuse a stale version early, from an unlocked read: a stale version stays stale.

    With `by` and the `text` of a save (or `approving`), a stale version whose
    entry already holds exactly that from that person is let through: the
    edit is answered under the lock, as a success (see already_saved).
    """
    entry = require_entry(po, segment_id)
    if by is not None and (
        text is not None and already_saved(entry, text, by) or approving and already_approved(entry, by)
    ):
        return
    _require_version(entry, version, language, list(extra))


def already_saved(entry: polib.POEntry, text: object, by: str) -> bool:
    """Say whether the entry holds exactly this text, saved by this person: a re-applied save.

    A client whose request was cut off by a crash after its save was stored
    sends it again with the old version; that is its own text, not someone
    else's, and is answered as a success (without a second change).
    """
    try:
        text = clean_translation(text)
    except InvalidTranslationError:
        return False
    return (
        bool(text.strip())
        and text == entry.msgstr
        and entry_state(entry) in (State.TRANSLATED, State.APPROVED)
        and review_fields(entry).get("translated", {}).get("by") == by
    )


def already_approved(entry: polib.POEntry, by: str) -> bool:
    """Say whether the entry is approved, by this person, for its current text: a re-applied approval."""
    return entry_state(entry) == State.APPROVED and review_fields(entry).get("approved", {}).get("by") == by


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # control characters other than tab and newline
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def require_unicode(text: str, what: str = "translation") -> str:
    """Refuse text that is not made of Unicode scalar values (a lone surrogate, from a broken paste).

    JSON lets "\\ud800" through; no UTF-8 file or database can store it.
    """
    m = _SURROGATE.search(text)
    if m:
        raise InvalidTranslationError(
            f"the {what} holds an invalid character (a lone surrogate, U+{ord(m.group()):04X}) at position "
            f"{m.start() + 1}; it usually comes from a broken copy and paste: type or paste that part again"
        )
    return text


def clean_translation(text: object) -> str:
    """Normalise a submitted translation: valid Unicode, newlines, stray control characters, size."""
    if not isinstance(text, str):
        raise InvalidTranslationError("translation must be text")
    require_unicode(text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TRANSLATION_CHARS:
        raise InvalidTranslationError(f"translation is longer than {MAX_TRANSLATION_CHARS} characters")
    return text.strip("\n")


def save(
    po: polib.POFile,
    segment_id: str,
    text: str,
    *,
    version: str | None,
    by: str,
    language: str = "",
    extra: Iterable[Check] = (),
    checks: bool = True,
) -> tuple[SegmentView, SegmentView]:
    """Store a person's translation if the version matches; return (before, after).

    checks=False leaves the check results out of both views (they can be added
    after the catalog lock is let go).
    """
    extra = list(extra)
    text = clean_translation(text)
    entry = require_entry(po, segment_id)
    if version != entry_version(entry) and already_saved(entry, text, by):
        same = view(entry, language, extra, checks=checks)
        return same, same
    _require_version(entry, version, language, extra, checks)
    before = view(entry, language, extra, checks=checks)
    if not text.strip():
        set_untranslated(entry)
    elif text != entry.msgstr or entry_state(entry) != State.APPROVED:
        set_translated(entry, text, by=by)
    return before, view(entry, language, extra, checks=checks)


def clean_override_reason(reason: object) -> str:
    """Return a reviewer's reason for an override as one line, or refuse it (too short, too long, not text)."""
    if not isinstance(reason, str):
        raise InvalidTranslationError("'override' must be the reason, as text")
    require_unicode(reason, "reason")
    if len(reason) > OVERRIDE_REASON_MAX * 4:
        raise InvalidTranslationError(f"the reason is longer than {OVERRIDE_REASON_MAX} characters")
    reason = one_line(reason)
    if len(reason) < OVERRIDE_REASON_MIN:
        raise InvalidTranslationError(
            f"say in at least {OVERRIDE_REASON_MIN} characters why the failing checks are right to ignore"
        )
    if len(reason) > OVERRIDE_REASON_MAX:
        raise InvalidTranslationError(f"the reason is longer than {OVERRIDE_REASON_MAX} characters")
    return reason


def _describe(checks: list[dict]) -> str:
    return "; ".join(f"{c['name']}: {c['message']}" for c in checks)


def approve(
    po: polib.POFile,
    segment_id: str,
    *,
    version: str | None,
    by: str,
    override: str | None = None,
    language: str = "",
    extra: Iterable[Check] = (),
    checks: bool = True,
) -> tuple[SegmentView, SegmentView]:
    """Approve the current translation if the version matches and no check stands in the way.

    Failing blocking checks (numbers, links) refuse the approval unless
    `override` gives the reviewer's reason, which is then recorded with the
    approval; failing error checks that are not blocking always refuse. Both
    raise BlockingChecksError with the failing checks. The checks always run
    on the text being approved; checks=False only leaves them out of the
    returned views.
    """
    extra = list(extra)
    if override is not None:
        override = clean_override_reason(override)
    entry = require_entry(po, segment_id)
    if version != entry_version(entry) and already_approved(entry, by):
        same = view(entry, language, extra, checks=checks)
        return same, same
    _require_version(entry, version, language, extra, checks)
    before = view(entry, language, extra)
    if not entry.msgstr.strip():
        raise InvalidTranslationError("an empty translation cannot be approved")
    blocking = [c for c in before.checks if c.get("blocking")]
    errors = [c for c in before.checks if c["severity"] == "error" and not c.get("blocking")]
    if errors:
        raise BlockingChecksError(
            "fix the failing checks before approving (they cannot be overridden): " + _describe(errors),
            errors + blocking,
        )
    if blocking and override is None:
        raise BlockingChecksError(
            "the translation does not match the source: "
            + _describe(blocking)
            + "; correct it, or approve with an override and say why",
            blocking,
        )
    set_approved(
        entry,
        by=by,
        override=(tuple(str(c["id"]) for c in blocking), override) if blocking and override is not None else None,
    )
    if not checks:
        before = replace(before, checks=[])
    return before, view(entry, language, extra, checks=checks)


def unoverridden_blocking(
    entry: polib.POEntry, language: str = "", results: Iterable[CheckResult] | None = None
) -> list[CheckResult]:
    """Return the blocking checks an approved entry fails that its approval did not override.

    `results` are the entry's check results when the caller has them already.
    """
    if entry_state(entry) != State.APPROVED:
        return []
    if results is None:
        results = run_checks(entry.msgid, entry.msgstr, language=language, enabled=list(blocking_check_ids()))
    failing = [r for r in results if r.blocking]
    if not failing:
        return []
    override = entry_override(entry)
    overridden = set(override.checks) if override is not None else set()
    return [r for r in failing if r.id not in overridden]


def apply_edit(po: polib.POFile, edit: Edit, *, language: str = "", extra: Iterable[Check] = ()) -> Outcome:
    """Apply one edit to a parsed catalog (see core/edits.py) and return its outcome.

    It runs under the catalog lock, so the views it returns leave out the check
    results; edit_outcome adds them once the lock is let go. A refusal is an
    outcome, not an exception, so one bad edit does not undo the others of its
    batch.
    """
    try:
        if edit.kind == "save" and edit.propose:
            _refuse_change_of_approved(po, edit, language, extra)
        if edit.kind == "save":
            before, after = save(
                po,
                edit.segment,
                edit.text or "",
                version=edit.version,
                by=edit.by,
                language=language,
                extra=extra,
                checks=False,
            )
        elif edit.kind == "approve":
            entry = require_entry(po, edit.segment)
            fields = review_fields(entry)
            if (
                fields.get("translated", {}).get("by") == edit.by
                and not edit.self_review
                and entry_state(entry) != State.APPROVED
            ):
                raise PermissionDeniedError(
                    "you translated this segment yourself; another reviewer must approve it "
                    "(a coordinator can allow self-review for this release)"
                )
            before, after = approve(
                po,
                edit.segment,
                version=edit.version,
                by=edit.by,
                override=edit.override,
                language=language,
                extra=extra,
                checks=False,
            )
        elif edit.kind == "accept":
            before, after = accept_text(
                po,
                edit.segment,
                edit.text or "",
                version=edit.version,
                by=edit.by,
                author=edit.author or edit.by,
                language=language,
                extra=extra,
            )
        else:
            raise CatalogError(f"unknown kind of edit {edit.kind!r}")
    except TranslateAppError as exc:
        return Outcome.refused(exc)
    return Outcome(before=before, after=after)


def _refuse_change_of_approved(po: polib.POFile, edit: Edit, language: str, extra: Iterable[Check]) -> None:
    """Raise ProposalNeededError when a save would change approved text (stale versions answer first)."""
    entry = require_entry(po, edit.segment)
    if edit.version != entry_version(entry) and already_saved(entry, edit.text, edit.by):
        return  # a re-applied save of this person's own text: save answers it as a success
    _require_version(entry, edit.version, language, list(extra), False)
    if entry_state(entry) != State.APPROVED:
        return
    text = clean_translation(edit.text or "")
    if text == entry.msgstr:
        return
    if not text.strip():
        raise InvalidTranslationError("approved text cannot be emptied; ask a reviewer of the language")
    raise ProposalNeededError(
        "the segment is approved; your change waits for a reviewer", current=view(entry, language, extra, checks=False)
    )


def accept_text(
    po: polib.POFile,
    segment_id: str,
    text: str,
    *,
    version: str | None,
    by: str,
    author: str,
    language: str = "",
    extra: Iterable[Check] = (),
) -> tuple[SegmentView, SegmentView]:
    """Store `author`'s text and approve it as `by`, or change nothing when approving it is refused."""
    extra = list(extra)
    entry = require_entry(po, segment_id)
    _require_version(entry, version, language, extra, False)
    text = clean_translation(text)
    if not text.strip():
        raise InvalidTranslationError("an empty translation cannot be approved")
    before = view(entry, language, extra, checks=False)
    kept = (
        entry.msgstr,
        entry.tcomment,
        list(entry.flags),
        entry.previous_msgid,
        entry.previous_msgctxt,
        entry.previous_msgid_plural,
    )
    set_translated(entry, text, by=author)
    try:
        _, after = approve(
            po, segment_id, version=entry_version(entry), by=by, language=language, extra=extra, checks=False
        )
    except TranslateAppError:
        (
            entry.msgstr,
            entry.tcomment,
            entry.flags,
            entry.previous_msgid,
            entry.previous_msgctxt,
            entry.previous_msgid_plural,
        ) = kept
        raise
    return before, after


def edit_outcome(outcome: Outcome, language: str = "", extra: Iterable[Check] = ()) -> tuple[SegmentView, SegmentView]:
    """Return (before, after) of an applied edit, with checks, or raise the error it met."""
    if outcome.error is not None:
        cls = error_class(outcome.error)
        current = with_checks(outcome.current, language, extra) if outcome.current is not None else None
        if cls is StaleVersionError or cls is ProposalNeededError:
            raise cls(outcome.message, current=current)
        if cls is BlockingChecksError:
            raise BlockingChecksError(outcome.message, list(outcome.blocking))
        raise cls(outcome.message or outcome.error)
    assert outcome.before is not None and outcome.after is not None
    return outcome.before, with_checks(outcome.after, language, extra)


def require_complete(po: polib.POFile) -> None:
    """Raise NotApprovedError unless every segment is approved, none despite an unoverridden blocking check.

    An approval made elsewhere (a hand edit, an older version of the service)
    can hold a wrong figure or link; it is not published.
    """
    c = counts(po)
    missing = sum(c.values()) - c[State.APPROVED.value]
    if missing:
        raise NotApprovedError(f"{missing} of {sum(c.values())} segments are not approved yet")
    language = po.metadata.get("Language", "")
    blocked = [e for e in po if not e.obsolete and e.msgid and unoverridden_blocking(e, language)]
    if blocked:
        first = unoverridden_blocking(blocked[0], language)[0]
        raise NotApprovedError(
            f"{len(blocked)} approved segment(s) fail a blocking check without an override "
            f"(first: {blocked[0].msgid[:60]!r}: {first.name}: {first.message}); approve them again"
        )


def deadline_risk(counts_by_state: dict[str, int], deadline: date | None, today: date) -> str:
    """Say whether a language is 'done', 'ok', 'at risk' or 'missed' for its deadline."""
    total = sum(counts_by_state.values())
    approved = counts_by_state.get(State.APPROVED.value, 0)
    if total and approved == total:
        return "done"
    if deadline is None:
        return "ok"
    days = (deadline - today).days
    if days < 0:
        return "missed"
    done = (approved + 0.5 * counts_by_state.get(State.TRANSLATED.value, 0)) / total if total else 1.0
    if days == 0 and done < 1 or days <= 1 and done < 0.5 or days <= 3 and done < 0.25:
        return "at risk"
    return "ok"


# -- the editor's pages: a big release is shown a page at a time, filtered on the server --

#: Segments per editor page; a release this size or smaller is one page, filtered in the browser.
PAGE_SIZE = 200
OPEN_STATES = frozenset({State.UNTRANSLATED.value, State.MACHINE.value, State.NEEDS_REVIEW.value})


@dataclass(frozen=True)
class Filters:
    """What the editor shows: a state ('open', 'proposals' or a state), failing checks, a text to find."""

    state: str = ""
    check: str = ""  # "", "failing" or "error"
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.state or self.check or self.text)


@dataclass
class EditorPage:
    """One page of segments: (number in the release, entry) pairs, and where the page is."""

    rows: list[tuple[int, polib.POEntry]]
    page: int
    total: int  # live segments in the release
    matching: int | None  # segments matching the filters (None: not counted, with a check filter)
    has_next: bool

    @property
    def pages(self) -> int | None:
        """Return the number of pages, or None when the matching segments were not all counted."""
        if self.matching is None:
            return None
        return max(1, -(-self.matching // PAGE_SIZE))


def _matching(
    po: polib.POFile, filters: Filters, proposals: dict[str, int], language: str, extra: list[Check]
) -> Iterable[tuple[int, polib.POEntry]]:
    """Yield (number, entry) of the live entries that match the filters, in document order (checks run lazily)."""
    text = filters.text.lower()
    number = 0
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        number += 1
        if filters.state:
            if filters.state == "proposals":
                if not proposals.get(entry_id(entry)):
                    continue
            elif filters.state == "open":
                if entry_state(entry).value not in OPEN_STATES:
                    continue
            elif entry_state(entry).value != filters.state:
                continue
        if text and text not in entry.msgid.lower() and text not in entry.msgstr.lower():
            continue
        if filters.check:
            results = run_checks(entry.msgid, entry.msgstr, language=language, extra=extra)
            if not any(filters.check == "failing" or r.severity == "error" for r in results):
                continue
        yield number, entry


def editor_page(
    po: polib.POFile,
    filters: Filters,
    page: int,
    *,
    proposals: dict[str, int] | None = None,
    language: str = "",
    extra: Iterable[Check] = (),
) -> EditorPage:
    """Return one page of the segments matching the filters (page 1 is the first; past the end: the last)."""
    extra, proposals = list(extra), proposals or {}
    total = sum(1 for e in po if not e.obsolete and e.msgid)
    page = max(1, page)
    found = _matching(po, filters, proposals, language, extra)
    if filters.check:  # checks cost: look only as far as this page and one more
        rows = list(itertools.islice(found, (page - 1) * PAGE_SIZE, page * PAGE_SIZE + 1))
        has_next = len(rows) > PAGE_SIZE
        return EditorPage(rows[:PAGE_SIZE], page, total, None, has_next)
    every = list(found)
    last = max(1, -(-len(every) // PAGE_SIZE))
    page = min(page, last)
    return EditorPage(every[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, total, len(every), page < last)


def next_open_position(
    po: polib.POFile,
    filters: Filters,
    after_id: str,
    *,
    proposals: dict[str, int] | None = None,
    language: str = "",
    extra: Iterable[Check] = (),
) -> tuple[int, str] | None:
    """Return (page, id) of the next open segment matching the filters after `after_id`, wrapping; None if none."""
    first: tuple[int, str] | None = None
    passed = False
    for k, (_number, entry) in enumerate(_matching(po, filters, proposals or {}, language, list(extra))):
        sid = entry_id(entry)
        if sid == after_id:
            passed = True
            continue
        if entry_state(entry).value not in OPEN_STATES:
            continue
        here = (k // PAGE_SIZE + 1, sid)
        if passed:
            return here
        if first is None:
            first = here
    return first
