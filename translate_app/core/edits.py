"""The edit protocol: what a person asks to change in a catalog, and what came of it.

An Edit is applied to a parsed catalog by segments.apply_edit, which answers
with an Outcome; the storage package applies them in batches under the
catalog's lock (see translate_app.storage). Both are values: frozen, typed,
and stamped with the PROTOCOL_VERSION they were made under, so a change of
their meaning is a change of that number.

A refusal is an Outcome with an error `code` (TranslateAppError.code, never a
class name) and a message; raise_for turns it back into the domain error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .errors import TranslateAppError

if TYPE_CHECKING:
    from .segments import SegmentView

#: Raised whenever a field of Edit or Outcome changes meaning.
PROTOCOL_VERSION = 3

EditKind = Literal["save", "approve", "accept", "correct"]


@dataclass(frozen=True)
class Edit:
    """One change of one segment, made by `by`, based on the entry's `version`.

    save: store `text` (with `propose`, a change of approved text is refused
    as proposal_needed, decided under the lock); approve: approve the text as
    it is (`self_review` says whether `by` may approve their own translation,
    `override` is the reason to approve despite failing blocking checks);
    accept: store a proposal's `text` as `author`'s and approve it as `by`;
    correct: a coordinator's decision about a source change (core/corrections.py
    applies it; segments.apply_edit does not know it).
    `user_id`, `key` and `note` (why, in a few words: "bulk review") are for the audit log.
    """

    kind: EditKind
    segment: str
    version: str | None
    by: str
    text: str | None = None
    propose: bool = False
    self_review: bool = False
    override: str | None = None
    author: str | None = None
    user_id: int | None = None
    key: str = ""
    note: str = ""
    protocol: int = PROTOCOL_VERSION


@dataclass(frozen=True)
class Outcome:
    """What an Edit did: the segment before and after, or an error code with its message.

    A conflict (stale_version) or a refusal of an approved segment's change
    (proposal_needed) carries the `current` segment; blocking_checks carries
    the failing `blocking` checks.
    """

    before: SegmentView | None = None
    after: SegmentView | None = None
    error: str | None = None
    message: str = ""
    current: SegmentView | None = None
    blocking: tuple[dict, ...] = field(default_factory=tuple)
    protocol: int = PROTOCOL_VERSION

    @property
    def ok(self) -> bool:
        """Say whether the edit was applied (or found already applied)."""
        return self.error is None

    @classmethod
    def refused(cls, exc: TranslateAppError) -> Outcome:
        """Return the outcome of an edit refused with a domain error."""
        current = getattr(exc, "current", None)
        return cls(
            error=exc.code, message=str(exc), current=current, blocking=tuple(getattr(exc, "checks", None) or ())
        )
