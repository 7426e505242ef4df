"""A PO-aware three-way merge of catalogs: per entry, against the last synchronised version.

Two copies of one catalog changed since a common version (`base`): the
service's (`ours`) and the repository's (`theirs`, e.g. a Poedit edit or a
partner's pull request). Entries are matched by (msgctxt, msgid) and compared
by what a person can change: the translation, the flags, the translator
comments (where review states live) and the previous msgid. Wrapping, the
header and the order of entries are not compared, so a tool that re-wraps or
stamps its name in the header causes no conflict.

Per entry:
- only one side changed it: that side's entry is taken, with its state (an
  approval whose hash no longer matches is no approval, see states.py);
- both changed the translation to different texts: our entry stays and theirs
  is reported as a Conflict, for the caller to keep as a suggestion;
- both changed it but one side kept the base text (only a state changed
  there, e.g. an approval of the old text): the side with the new text wins,
  since the other side's state was about a text that is gone;
- added on one side: kept; removed on one side and unchanged on the other:
  removed; removed on one side and changed on the other: kept (nothing lost),
  except when their msgmerge moved the old translation to a changed msgid
  (fuzzy, previous msgid): our newer text goes there, still fuzzy.

The header is ours (theirs for a catalog new to us), without e-mail addresses.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

import polib

from .catalog import entry_id, entry_version
from .states import entry_state, translation_text

Key = tuple[bool, str | None, str]

_EMAIL = re.compile(r"\s*<?[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>?")


@dataclass(frozen=True)
class Conflict:
    """An entry both sides changed to different texts: ours stayed, theirs is kept here."""

    segment_id: str
    source: str
    ours: str
    theirs: str
    theirs_state: str


@dataclass
class MergeResult:
    """The merged catalog and what the merge did."""

    po: polib.POFile
    conflicts: list[Conflict] = field(default_factory=list)
    taken: int = 0  # entries taken from their side
    added: int = 0
    removed: int = 0


def _key(entry: polib.POEntry) -> Key:
    return (bool(entry.obsolete), entry.msgctxt, entry.msgid)


def _content(entry: polib.POEntry | None) -> tuple | None:
    """Return what a person can change in an entry, independent of wrapping."""
    if entry is None:
        return None
    return (
        entry.obsolete,
        translation_text(entry),
        tuple(sorted(entry.flags)),
        (entry.tcomment or "").strip(),
        entry.previous_msgid or "",
        entry.previous_msgctxt or "",
    )


def _entries(po: polib.POFile | None) -> dict[Key, polib.POEntry]:
    if po is None:
        return {}
    return {_key(e): e for e in po if e.msgid or e.msgctxt}


def scrub_emails(po: polib.POFile) -> polib.POFile:
    """Remove e-mail addresses from a catalog's header (Last-Translator, Language-Team...) and header comment."""
    for name, value in list(po.metadata.items()):
        if "@" in value:
            po.metadata[name] = _EMAIL.sub("", value).strip()
    if po.header and "@" in po.header:
        po.header = "\n".join(_EMAIL.sub("", line).rstrip() for line in po.header.split("\n"))
    return po


def merge(base: polib.POFile | None, ours: polib.POFile, theirs: polib.POFile) -> MergeResult:
    """Merge theirs into ours against base, entry by entry (see the module docstring); inputs are not changed."""
    b, o, t = _entries(base), _entries(ours), _entries(theirs)
    result = polib.POFile(wrapwidth=ours.wrapwidth)
    result.header = ours.header
    result.metadata = dict(ours.metadata)
    scrub_emails(result)
    merged = MergeResult(result)
    # Their msgmerge (a changed source) moved an entry's translation to a new msgid, fuzzy,
    # with the old msgid as previous: our newer text of the old msgid goes there too.
    moved = {
        (e.previous_msgctxt, e.previous_msgid): key
        for key, e in t.items()
        if e.previous_msgid and "fuzzy" in e.flags and not e.obsolete and key not in o
    }
    carried: dict[Key, polib.POEntry] = {}
    for key, mine in o.items():
        old, other = b.get(key), t.get(key)
        chosen = mine
        if other is None:
            if old is not None and _content(mine) == _content(old):
                merged.removed += 1  # they removed it and we did not touch it
                continue
            target = moved.get((mine.msgctxt, mine.msgid)) if not mine.obsolete and old is not None else None
            if target is not None and old is not None and translation_text(t[target]) == translation_text(old):
                carried[target] = copy.deepcopy(t[target])
                carried[target].msgstr = mine.msgstr  # still fuzzy: the source changed under it
                continue
        elif _content(other) != _content(mine) and _content(other) != _content(old):
            if old is None or _content(mine) == _content(old):
                chosen = other  # only they changed it (or both added it and only they hold it differently)
                merged.taken += 1
            elif translation_text(mine) == translation_text(other):
                pass  # same text, different state: ours stays
            elif translation_text(mine) == translation_text(old):
                chosen = other  # we changed only the state of the old text; they changed the text
                merged.taken += 1
            elif translation_text(other) == translation_text(old):
                pass  # they changed only the state of the old text; our new text stays
            elif not translation_text(other).strip("\x00").strip():
                pass  # they emptied it: our text stays, nothing to keep of theirs
            else:
                merged.conflicts.append(
                    Conflict(
                        entry_id(mine),
                        mine.msgid,
                        translation_text(mine),
                        translation_text(other),
                        entry_state(other).value,
                    )
                )
        result.append(copy.deepcopy(chosen))
    for key, other in t.items():
        if key in o:
            continue
        if other.obsolete and (False, other.msgctxt, other.msgid) in o:
            continue  # live here: never also an obsolete copy of it
        old = b.get(key)
        if old is not None and _content(other) == _content(old):
            continue  # we removed it and they did not touch it
        result.append(carried.get(key) or copy.deepcopy(other))
        merged.added += 1
    return merged


def changed_segments(old: polib.POFile | None, new: polib.POFile) -> int:
    """Count the live entries that differ between two versions of a catalog (added, changed or removed)."""
    before = {_key(e): entry_version(e) for e in (old or []) if not e.obsolete and e.msgid}
    after = {_key(e): entry_version(e) for e in new if not e.obsolete and e.msgid}
    changed = sum(1 for key, version in after.items() if before.get(key) != version)
    return changed + sum(1 for key in before if key not in after)


_CONTINUATION = re.compile(r'"[ \t]*\r?\n[ \t]*"')
_SKIP_LINE = re.compile(r"^#[:.]")  # occurrences and extracted comments come from the source, not people


def _entry_blocks(text: str) -> dict[str, str]:
    """Split a catalog's text into its live entries: {msgctxt and msgid as written: the rest}, unwrapped."""
    blocks: dict[str, str] = {}
    for block in re.split(r"\n[ \t]*\n", _CONTINUATION.sub("", text.replace("\r\n", "\n"))):
        lines: list[str] = []
        for line in block.strip("\n").split("\n"):
            if not line or _SKIP_LINE.match(line):
                continue
            if line.startswith("# ") and lines and lines[-1].startswith("# "):
                lines[-1] += " " + line[2:]  # a translator comment wrapped by a tool
            else:
                lines.append(line)
        if not lines or any(line.startswith("#~") for line in lines):
            continue
        key = "\n".join(line for line in lines if line.startswith(("msgctxt", "msgid ")))
        if key in ('msgid ""', ""):
            continue  # the header
        blocks[key] = "\n".join(lines)
    return blocks


def count_changed(old_text: str | None, new_text: str) -> int:
    """Count live entries added, changed or removed between two catalog texts, without parsing them.

    Fast enough for every commit: string continuation lines are joined (so a
    tool's wrapping counts as no change), occurrences and extracted comments
    are left out, as are the header and obsolete entries.
    """
    before = _entry_blocks(old_text or "")
    after = _entry_blocks(new_text)
    changed = sum(1 for key, block in after.items() if before.get(key) != block)
    return changed + sum(1 for key in before if key not in after)
