"""Segments as the editor and the API see them, and the edits a person can make."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

import polib

from .catalog import entry_id, entry_version, find_entry
from .checks import Check, run_checks
from .errors import NotApprovedError, StaleVersionError, TranslateAppError
from .states import STATES, State, entry_state, review_fields, set_approved, set_translated, set_untranslated

MAX_TRANSLATION_CHARS = 20_000


class UnknownSegmentError(TranslateAppError):
    """A segment id that the catalog does not have."""


class InvalidTranslationError(TranslateAppError):
    """A translation that cannot be stored as it is."""


@dataclass
class SegmentView:
    """One segment with everything the editor and the API show about it."""

    id: str
    source: str
    translation: str
    state: str
    version: str
    checks: list[dict[str, str]]
    comment: str = ""
    occurrences: list[str] = field(default_factory=list)
    previous_source: str | None = None
    machine: dict[str, str] | None = None
    approved_by: str | None = None
    translated_by: str | None = None

    def as_api(self) -> dict:
        """Return the fields of the JSON API contract plus the helpful extras."""
        return asdict(self)


def view(entry: polib.POEntry, language: str = "", extra: Iterable[Check] = ()) -> SegmentView:
    """Describe one catalog entry, with the failures of the registered and extra checks."""
    fields = review_fields(entry)
    state = entry_state(entry)
    return SegmentView(
        id=entry_id(entry),
        source=entry.msgid,
        translation=entry.msgstr,
        state=state.value,
        version=entry_version(entry),
        checks=[r.as_dict() for r in run_checks(entry.msgid, entry.msgstr, language=language, extra=extra)],
        comment=entry.comment or "",
        occurrences=[f"{path}:{line}" for path, line in entry.occurrences],
        previous_source=entry.previous_msgid,
        machine=fields.get("machine") if state == State.MACHINE else None,
        approved_by=fields.get("approved", {}).get("by") if state == State.APPROVED else None,
        translated_by=fields.get("translated", {}).get("by"),
    )


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


def _require_version(entry: polib.POEntry, version: str | None, language: str, extra: list[Check]) -> None:
    if version is None or version != entry_version(entry):
        raise StaleVersionError(
            "the segment changed since you loaded it; compare the two texts", current=view(entry, language, extra)
        )


def require_current(po: polib.POFile, segment_id: str, version: str | None, *, language: str = "",
                    extra: Iterable[Check] = ()) -> None:
    """Refuse a stale version early, from an unlocked read: a stale version stays stale."""
    _require_version(require_entry(po, segment_id), version, language, list(extra))


def clean_translation(text: str) -> str:
    """Normalise a submitted translation: newlines, stray control characters, size."""
    if not isinstance(text, str):
        raise InvalidTranslationError("translation must be text")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(c for c in text if c in "\n\t" or ord(c) >= 32)
    if len(text) > MAX_TRANSLATION_CHARS:
        raise InvalidTranslationError(f"translation is longer than {MAX_TRANSLATION_CHARS} characters")
    return text.strip("\n")


def save(po: polib.POFile, segment_id: str, text: str, *, version: str | None, by: str,
         language: str = "", extra: Iterable[Check] = ()) -> tuple[SegmentView, SegmentView]:
    """Store a person's translation if the version matches; return (before, after)."""
    extra = list(extra)
    entry = require_entry(po, segment_id)
    _require_version(entry, version, language, extra)
    before = view(entry, language, extra)
    text = clean_translation(text)
    if not text.strip():
        set_untranslated(entry)
    elif text != entry.msgstr or entry_state(entry) != State.APPROVED:
        set_translated(entry, text, by=by)
    return before, view(entry, language, extra)


def approve(po: polib.POFile, segment_id: str, *, version: str | None, by: str,
            language: str = "", extra: Iterable[Check] = ()) -> tuple[SegmentView, SegmentView]:
    """Approve the current translation if the version matches; return (before, after)."""
    extra = list(extra)
    entry = require_entry(po, segment_id)
    _require_version(entry, version, language, extra)
    before = view(entry, language, extra)
    if not entry.msgstr.strip():
        raise InvalidTranslationError("an empty translation cannot be approved")
    errors = [c for c in before.checks if c["severity"] == "error"]
    if errors:
        raise InvalidTranslationError("fix the failing checks before approving: "
                                      + "; ".join(f"{c['name']}: {c['message']}" for c in errors))
    set_approved(entry, by=by)
    return before, view(entry, language, extra)


def require_complete(po: polib.POFile) -> None:
    """Raise NotApprovedError unless every segment is approved."""
    c = counts(po)
    missing = sum(c.values()) - c[State.APPROVED.value]
    if missing:
        raise NotApprovedError(f"{missing} of {sum(c.values())} segments are not approved yet")


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
