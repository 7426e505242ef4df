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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

import polib

from .catalog import entry_id
from .checks import Check, blocking_check_ids, run_checks
from .edits import Edit, Outcome
from .errors import TranslateAppError
from .escaping import escape_line_start
from .segments import require_entry, view
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


# -- applying decisions to a catalog, and the errata note of a republication ---------------------------

#: The longest errata note kept with a publication.
MAX_ERRATA_CHARS = 2000


class InvalidErrataError(TranslateAppError):
    """An errata note that cannot be published as given."""

    code = "invalid_errata"


class InvalidDecisionError(TranslateAppError):
    """A decision about a source change that names no segment or no known decision."""

    code = "invalid_decision"


def apply_decision(
    po: polib.POFile,
    edit: Edit,
    *,
    decisions: Mapping[str, Decision],
    language: str = "",
    extra: Iterable[Check] = (),
) -> Outcome:
    """Apply the decision about one segment (edit.segment, looked up in `decisions`) to a catalog.

    The `change` of storage.apply for edits of kind "correct", run under the
    catalog's lock. A segment whose change was decided meanwhile (another
    coordinator, an earlier batch) or was never translated in this language is
    answered unchanged: deciding twice is not an error, and logs nothing.
    """
    try:
        entry = require_entry(po, edit.segment)
        decision = decisions.get(edit.segment)
        if decision is None:
            raise InvalidDecisionError(f"no decision given for segment {edit.segment!r}")
        before = view(entry, language, extra, checks=False)
        if correction(entry) is None:
            return Outcome(before=before, after=before)
        if decision is Decision.WORDING_ONLY:
            failing = kept_translation_fails(entry.msgid, entry.msgstr, language=language, extra=extra)
            if failing:
                raise InvalidDecisionError(
                    f"the translation no longer fits the new source ({'; '.join(failing)}): choose “meaning changed”"
                )
        decide(entry, decision, by=edit.by)
        return Outcome(before=before, after=view(entry, language, extra, checks=False))
    except TranslateAppError as exc:
        return Outcome.refused(exc)


def kept_translation_fails(
    new_source: str, translation: str, *, language: str = "", extra: Iterable[Check] = ()
) -> list[str]:
    """Return what a translation kept for a corrected source would fail among the blocking checks.

    A figure, link or name changed in the source is not "wording only": the
    translation still says the old one, and approving it again would publish it.
    Each failure is "check name: message".
    """
    results = run_checks(new_source, translation, language=language, enabled=list(blocking_check_ids()), extra=extra)
    return [f"{r.name}: {r.message}" for r in results if r.blocking]


def parse_decision(value: object) -> Decision:
    """Return the Decision a form or a request names ("wording" or "meaning"); InvalidDecisionError otherwise."""
    try:
        return Decision(value)
    except ValueError:
        raise InvalidDecisionError(
            f"a decision is {WORDING!r} (wording only) or {MEANING!r} (meaning changed)"
        ) from None


def segment_of(entry: polib.POEntry) -> str:
    """Return the id of the segment a pending correction is about (the same in every language)."""
    return entry_id(entry)


def clean_errata(text: object) -> str:
    """Return an errata note fit to publish: stripped, at most MAX_ERRATA_CHARS, no control characters."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise InvalidErrataError("an errata note is text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > MAX_ERRATA_CHARS:
        raise InvalidErrataError(f"an errata note has at most {MAX_ERRATA_CHARS} characters")
    if any(ord(c) < 32 and c not in "\n\t" or 0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise InvalidErrataError("an errata note cannot hold control characters")
    return text


def errata_markdown(note: str, when: date, language: str) -> str:
    """Return the Markdown appended to a republished language: a rule, then the note quoted with its date.

    The date is written in the language (CLDR through Babel), after the label
    "Correction"; the note is the coordinator's text in that language, its lines
    escaped so that none starts a heading or a list (raw HTML is shown as text by
    the renderer). An empty note adds nothing.
    """
    note = clean_errata(note)
    if not note:
        return ""
    from babel.dates import format_date

    try:
        shown = format_date(when, format="long", locale=language.replace("-", "_") or "en")
    except (ValueError, LookupError):  # a code Babel does not know
        shown = when.isoformat()
    lines = [escape_line_start(line) if line.strip() else "" for line in note.split("\n")]
    quoted = "\n".join(f"> {line}".rstrip() for line in lines)
    return f"\n\n---\n\n> **Correction ({shown}):**\n>\n{quoted}\n"
