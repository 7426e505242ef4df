"""Corrections after publication: what changed in the source, and what each change means for translations.

When the source of a published release is corrected, merging the new
template (catalog.merge, as msgmerge --previous) turns every changed segment
into `needs review`: fuzzy, with the source it was translated from kept as
the previous msgid. A typo fixed in the English does not make twenty
translations wrong, so the coordinator decides per change:

* **wording only**: the translation stands. The fuzzy flag and the previous
  source go; a translation that was approved is approved again, bound to the
  new source, in the name of the coordinator who decided (the catalog then
  says who vouched for it); one that was a person's stays translated;
* **meaning changed**: the segment stays `needs review` with the previous
  source shown to the translator, and the decision is written in the entry
  (`# correction: decision=meaning by=… at=… source=HASH`, bound to the new
  source) so the change is not asked about again.

A correction is pending while an entry is fuzzy, has a previous msgid and
carries no decision bound to its current source. Pure functions on catalog
entries; the workflow applies them through the storage layer, one catalog
per language, and republishes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

import polib

from .states import State, now_iso, review_fields, set_approved, set_correction, translation_text

WORDING = "wording"
MEANING = "meaning"


class Decision(str, Enum):
    """What a coordinator says a source change means for its translations."""

    WORDING_ONLY = WORDING
    MEANING_CHANGED = MEANING


@dataclass(frozen=True)
class Correction:
    """A changed segment of one language's catalog."""

    old_source: str
    new_source: str
    translation: str
    was_approved: bool  # the translation had been approved for the old source


def source_hash(entry: polib.POEntry) -> str:
    """Return the hash a decision is bound to: the entry's current source."""
    return hashlib.sha256(f"{entry.msgctxt or ''}\x04{entry.msgid}".encode()).hexdigest()[:16]


def decided(entry: polib.POEntry) -> Decision | None:
    """Return the decision recorded for the entry's current source, if any."""
    fields = review_fields(entry).get("correction")
    if not fields or fields.get("source") != source_hash(entry):
        return None
    try:
        return Decision(fields.get("decision", ""))
    except ValueError:
        return None


def correction(entry: polib.POEntry) -> Correction | None:
    """Return the entry's pending source change, or None."""
    if entry.obsolete or "fuzzy" not in entry.flags or not entry.previous_msgid or not translation_text(entry):
        return None
    if decided(entry) is not None:
        return None
    return Correction(entry.previous_msgid, entry.msgid, entry.msgstr, "approved" in review_fields(entry))


def pending(po: polib.POFile) -> dict[str, Correction]:
    """Return every pending correction of a catalog, by the entry's source."""
    found = {}
    for entry in po:
        change = correction(entry)
        if change is not None:
            found[entry.msgid] = change
    return found


def decide(entry: polib.POEntry, decision: Decision, *, by: str, when: str | None = None) -> State:
    """Apply a coordinator's decision to one entry and return its new state.

    Raises ValueError when the entry has no pending change.
    """
    change = correction(entry)
    if change is None:
        raise ValueError("this segment has no source change waiting for a decision")
    when = when or now_iso()
    if decision is Decision.MEANING_CHANGED:
        set_correction(entry, decision=MEANING, by=by, when=when, source=source_hash(entry))
        return State.NEEDS_REVIEW
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    if change.was_approved:
        set_approved(entry, by=by, when=when)
        return State.APPROVED
    fields = review_fields(entry)
    if "machine" in fields and "translated" not in fields:
        entry.flags.append("fuzzy")  # a machine suggestion stays one
        return State.MACHINE
    return State.TRANSLATED
