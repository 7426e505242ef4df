"""Review states of catalog entries, kept where msgmerge and Poedit leave them alone.

State lives in translator comments plus the standard `fuzzy` flag, because GNU
msgmerge drops unknown flags. Lines this module owns start with a keyword:

    # machine: provider=libretranslate date=2026-11-26 score=87
    # translated: by=alice at=2026-11-26T10:00:00Z
    # approved: by=bob at=2026-11-26T11:00:00Z sha256=0123456789abcdef

An approval is bound to a hash of the source and the approved text, so a
translation edited elsewhere is no longer approved.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from enum import Enum

import polib

_OWNED = re.compile(r"^(machine|translated|approved):\s*(.*)$")


class State(str, Enum):
    """The life of a segment from empty to approved."""

    UNTRANSLATED = "untranslated"
    MACHINE = "machine"
    NEEDS_REVIEW = "needs_review"
    TRANSLATED = "translated"
    APPROVED = "approved"


STATES = [s.value for s in State]


def now_iso() -> str:
    """Return the current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def translation_text(entry: polib.POEntry) -> str:
    """Return the translation of an entry; plural forms (from catalogs made elsewhere) joined by NUL."""
    if entry.msgid_plural:
        return "\x00".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return entry.msgstr


def approval_hash(entry: polib.POEntry) -> str:
    """Return the hash that binds an approval to the source and the approved text."""
    data = f"{entry.msgctxt or ''}\x04{entry.msgid}\x00{translation_text(entry)}".encode()
    return hashlib.sha256(data).hexdigest()[:16]


def review_fields(entry: polib.POEntry) -> dict[str, dict[str, str]]:
    """Parse the comment lines this module owns into {keyword: {key: value}}."""
    fields: dict[str, dict[str, str]] = {}
    for line in (entry.tcomment or "").splitlines():
        m = _OWNED.match(line.strip())
        if m:
            fields[m.group(1)] = dict(
                part.split("=", 1) for part in m.group(2).split() if "=" in part
            )
    return fields


def _set_fields(entry: polib.POEntry, keyword: str | None, values: dict[str, str] | None,
                drop: tuple[str, ...] = ("machine", "translated", "approved")) -> None:
    kept = [
        line for line in (entry.tcomment or "").splitlines()
        if not ((m := _OWNED.match(line.strip())) and m.group(1) in drop)
    ]
    if keyword:
        kept.append(f"{keyword}: " + " ".join(f"{k}={v}" for k, v in values.items() if v not in (None, "")))
    entry.tcomment = "\n".join(kept)


def entry_state(entry: polib.POEntry) -> State:
    """Return the review state of a catalog entry."""
    if not all(form.strip() for form in translation_text(entry).split("\x00")):
        return State.UNTRANSLATED
    fields = review_fields(entry)
    if "fuzzy" in entry.flags:
        if "machine" in fields and not entry.previous_msgid:
            return State.MACHINE
        return State.NEEDS_REVIEW
    approved = fields.get("approved")
    if approved and approved.get("sha256") == approval_hash(entry):
        return State.APPROVED
    return State.TRANSLATED


def stale_approval(entry: polib.POEntry) -> bool:
    """Say whether an entry carries an approval that no longer matches its text."""
    approved = review_fields(entry).get("approved")
    if not approved or "fuzzy" in entry.flags or not translation_text(entry):
        return False
    return approved.get("sha256") != approval_hash(entry)


def set_machine(entry: polib.POEntry, text: str, *, provider: str, score: int | None = None,
                when: str | None = None) -> None:
    """Fill an entry with a machine suggestion: fuzzy, with its provenance."""
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    values = {"provider": provider, "date": (when or now_iso())[:10]}
    if score is not None:
        values["score"] = str(score)
    _set_fields(entry, "machine", values)


def set_translated(entry: polib.POEntry, text: str, *, by: str, when: str | None = None) -> None:
    """Record a person's translation: not fuzzy, any approval dropped."""
    entry.msgstr = text
    _clear_fuzzy(entry)
    _set_fields(entry, "translated", {"by": by, "at": when or now_iso()})


def set_approved(entry: polib.POEntry, *, by: str, when: str | None = None) -> None:
    """Approve the entry's current text, binding the approval to its hash."""
    _clear_fuzzy(entry)
    _set_fields(entry, "approved", {"by": by, "at": when or now_iso(), "sha256": approval_hash(entry)},
                drop=("machine", "approved"))


def set_untranslated(entry: polib.POEntry) -> None:
    """Empty an entry and forget its review history."""
    entry.msgstr = ""
    _clear_fuzzy(entry)
    _set_fields(entry, None, None)


def _clear_fuzzy(entry: polib.POEntry) -> None:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.previous_msgid_plural = None
