"""Review states of catalog entries, kept where msgmerge and Poedit leave them alone.

State lives in translator comments plus the standard `fuzzy` flag, because GNU
msgmerge drops unknown flags. Lines this module owns start with a keyword:

    # machine: provider=libretranslate date=2026-11-26 score=87
    # translated: by=alice at=2026-11-26T10:00:00Z
    # approved: by=bob at=2026-11-26T11:00:00Z sha256=0123456789abcdef
    # override: checks=numbers by=bob sha256=0123456789abcdef
    # override-reason: The court's ruling says 47; the source's 48 is a typo.
    # correction: decision=meaning by=carol at=2026-11-27T09:00:00Z source=89abcdef01234567
    # partner: name=Connection%20e.V. at=2026-11-30T09:00:00Z
    # signatories: date=2026-11-30 text=0123456789abcdef todo=description

A `partner` line credits a text that a partner organisation translated (or
another tool's catalog held) and that waits for review: fuzzy, without a
machine line, so it counts as `needs review`. The name is percent-encoded so
the line holds no spaces.

A `signatories` line marks an item of a signatory list filled in by the
service (the organisation's name kept, its countries named from CLDR; see
translate_app/signatory_fill.py): fuzzy, so `needs review`, with a hash of
the text written, so that a text changed since (by a person, in any tool) is
no longer the fill's, and `todo=description` while the item's description is
still in the source language.

An approval is bound to a hash of the source and the approved text, so a
translation edited elsewhere is no longer approved. An approval despite a
failing blocking check (numbers, links) carries an override: the checks, who
and why, bound to the same hash, so it disappears with the approval when the
text changes. The reason is one line of plain text, which msgmerge and Poedit
keep as they keep every translator comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import quote, unquote

import polib

_NAME_SAFE = "!'()*,-./:;_~"  # kept as written in a partner's name; spaces, =, @ and % are encoded

_OWNED = re.compile(r"^(machine|translated|approved|override|correction|partner|signatories):\s*(.*)$")
_REASON = re.compile(r"^override-reason(\+?):\s?(.*)$")
_KEYWORDS = (
    "machine",
    "translated",
    "approved",
    "override",
    "override-reason",
    "correction",
    "partner",
    "signatories",
)
# polib (and so this service) wraps comment lines longer than the catalog's
# width at spaces: a line of nothing but our key=value pairs right after one of
# our lines is the rest of it.
_CONTINUATION = re.compile(r"^(?:(?:by|at|sha256|checks|provider|date|score|source|decision|name|text|todo)=\S*\s*)+$")
#: Characters of a reason per comment line: short enough that no tool wraps it (79 columns).
_REASON_CHUNK = 56
_NOT_IN_A_LINE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")

#: Shortest and longest reason a reviewer may give for an override (characters).
OVERRIDE_REASON_MIN = 10
OVERRIDE_REASON_MAX = 500


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
    from datetime import UTC, datetime  # only writes stamp a time: reading commands skip the import

    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def translation_text(entry: polib.POEntry) -> str:
    """Return the translation of an entry; plural forms (from catalogs made elsewhere) joined by NUL."""
    if entry.msgid_plural:
        return "\x00".join(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
    return entry.msgstr


def approval_hash(entry: polib.POEntry) -> str:
    """Return the hash that binds an approval to the source and the approved text."""
    import hashlib  # here: what never meets an approval (extract, most of render) hashes nothing

    data = f"{entry.msgctxt or ''}\x04{entry.msgid}\x00{translation_text(entry)}".encode()
    return hashlib.sha256(data).hexdigest()[:16]


def _pairs(text: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


def _owned_lines(tcomment: str) -> list[tuple[str | None, str]]:
    """Split translator comments into lines, each with the keyword it belongs to (None: a person's)."""
    result: list[tuple[str | None, str]] = []
    previous: str | None = None
    for line in tcomment.splitlines():
        keyword = _keyword(line)
        if keyword is None and previous not in (None, "override-reason") and _CONTINUATION.match(line.strip()):
            keyword = previous
        result.append((keyword, line))
        previous = keyword
    return result


def review_fields(entry: polib.POEntry) -> dict[str, dict[str, str]]:
    """Parse the comment lines this module owns into {keyword: {key: value}}."""
    fields: dict[str, dict[str, str]] = {}
    previous: str | None = None
    for keyword, line in _owned_lines(entry.tcomment or ""):
        if keyword is None or keyword == "override-reason":
            previous = None
            continue
        m = _OWNED.match(line.strip())
        if m:
            fields[keyword] = _pairs(m.group(2))
        elif keyword == previous:  # a wrapped line's rest
            fields[keyword].update(_pairs(line))
        previous = keyword
    return fields


def _keyword(line: str) -> str | None:
    line = line.strip()
    if _REASON.match(line):
        return "override-reason"
    m = _OWNED.match(line)
    return m.group(1) if m else None


def _set_fields(
    entry: polib.POEntry,
    keyword: str | None,
    values: dict[str, str] | None,
    drop: tuple[str, ...] = _KEYWORDS,
    lines: tuple[str, ...] = (),
) -> None:
    kept = [line for kw, line in _owned_lines(entry.tcomment or "") if kw not in drop]
    if keyword:
        assert values is not None, "a keyword line needs its values"
        kept.append(f"{keyword}: " + " ".join(f"{k}={v}" for k, v in values.items() if v not in (None, "")))
    kept.extend(lines)
    entry.tcomment = "\n".join(kept)


@dataclass(frozen=True)
class Override:
    """A reviewer's approval despite failing blocking checks: which checks, who, when and why."""

    checks: tuple[str, ...]
    by: str
    reason: str
    at: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the override as the segment view shows it."""
        return {"checks": list(self.checks), "by": self.by, "reason": self.reason}


def one_line(text: str) -> str:
    """Return text as one line of a comment: line breaks and control characters become single spaces."""
    return " ".join(_NOT_IN_A_LINE.sub(" ", text).split())


def entry_override(entry: polib.POEntry) -> Override | None:
    """Return the override of the entry's current approval, or None (none, or for another text)."""
    fields = review_fields(entry)
    override = fields.get("override")
    if not override or entry_state(entry) != State.APPROVED:
        return None
    if override.get("sha256") != approval_hash(entry) or fields["approved"].get("sha256") != approval_hash(entry):
        return None
    reason = ""
    for line in (entry.tcomment or "").splitlines():
        m = _REASON.match(line.strip())
        if m:
            glue = "" if m.group(1) or not reason else " "
            reason += glue + m.group(2).strip()
    checks = tuple(c for c in override.get("checks", "").split(",") if c)
    return Override(checks=checks, by=override.get("by", ""), reason=reason, at=fields["approved"].get("at", ""))


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


def set_machine(
    entry: polib.POEntry, text: str, *, provider: str, score: int | None = None, when: str | None = None
) -> None:
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


def set_partner(entry: polib.POEntry, text: str, name: str, *, when: str | None = None) -> None:
    """Fill an entry with a partner's translation: fuzzy (needs review), credited to the partner, no machine line."""
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    _set_fields(entry, "partner", {"name": quote(one_line(name), safe=_NAME_SAFE), "at": when or now_iso()})


def entry_partner(entry: polib.POEntry) -> str | None:
    """Return the partner credited with an entry's text while it needs review, else None."""
    partner = review_fields(entry).get("partner")
    if not partner or entry_state(entry) != State.NEEDS_REVIEW:
        return None
    return unquote(partner.get("name", "")) or None


def _text_hash(text: str) -> str:
    import hashlib  # lazily, as in approval_hash

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def set_signatories(entry: polib.POEntry, text: str, *, description_left: bool, when: str | None = None) -> None:
    """Fill an entry with a signatory item written in its language: fuzzy (needs review), marked as the fill's.

    description_left says that the item's description is still in the source
    language, for a reviewer to translate.
    """
    entry.msgstr = text
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    values = {
        "date": (when or now_iso())[:10],
        "text": _text_hash(text),
        "todo": "description" if description_left else "",
    }
    _set_fields(entry, "signatories", values)


def entry_signatories(entry: polib.POEntry) -> dict[str, str] | None:
    """Return the fields of the signatory fill an entry still holds unreviewed, else None.

    The fill's once nobody has changed its text or reviewed it: fuzzy, with
    the hash of the text written. A person's save or an approval drops the line.
    """
    fields = review_fields(entry).get("signatories")
    if not fields or "fuzzy" not in entry.flags or fields.get("text") != _text_hash(entry.msgstr):
        return None
    return fields


def set_translated(entry: polib.POEntry, text: str, *, by: str, when: str | None = None) -> None:
    """Record a person's translation: not fuzzy, any approval dropped."""
    entry.msgstr = text
    _clear_fuzzy(entry)
    _set_fields(entry, "translated", {"by": by, "at": when or now_iso()})


def set_approved(
    entry: polib.POEntry, *, by: str, when: str | None = None, override: tuple[tuple[str, ...], str] | None = None
) -> None:
    """Approve the entry's current text, binding the approval to its hash.

    override=(check ids, reason) records that the reviewer approved despite
    those failing checks, and why; any earlier override goes.
    """
    _clear_fuzzy(entry)
    when = when or now_iso()
    digest = approval_hash(entry)
    lines: tuple[str, ...] = ()
    if override is not None:
        checks, reason = override
        lines = (
            f"override: checks={','.join(sorted(checks))} by={by} sha256={digest}",
            *_reason_lines(one_line(reason)[:OVERRIDE_REASON_MAX]),
        )
    _set_fields(
        entry,
        "approved",
        {"by": by, "at": when, "sha256": digest},
        drop=("machine", "approved", "override", "override-reason", "correction", "signatories"),
        lines=lines,
    )


def _reason_lines(reason: str) -> list[str]:
    """Split a reason over comment lines so short that no tool re-wraps them.

    `override-reason:` lines join with a space; `override-reason+:` goes on
    a word that was too long for one line.
    """
    pieces: list[tuple[bool, str]] = []  # (glued to the one before, text)
    for word in reason.split(" "):
        parts = [word[i : i + _REASON_CHUNK] for i in range(0, len(word), _REASON_CHUNK)] or [""]
        pieces += [(False, parts[0])] + [(True, part) for part in parts[1:]]
    lines: list[list] = []
    for glued, text in pieces:
        if lines and not glued and len(lines[-1][1]) + 1 + len(text) <= _REASON_CHUNK:
            lines[-1][1] += " " + text
        else:
            lines.append([glued, text])
    return [f"override-reason{'+' if glued else ''}: {text}" for glued, text in lines]


def set_correction(entry: polib.POEntry, *, decision: str, by: str, when: str, source: str) -> None:
    """Record a coordinator's decision on a source change, bound to the source's hash (see corrections.py)."""
    _set_fields(
        entry, "correction", {"decision": decision, "by": by, "at": when, "source": source}, drop=("correction",)
    )


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
