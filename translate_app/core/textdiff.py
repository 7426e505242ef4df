"""Word-level differences between two source texts, for showing what a memory match was made for."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "insert", "delete"]

# Words, runs of white space, and single other characters (punctuation, symbols).
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffPart:
    """One piece of a diff: text kept (equal), only in the new text (insert) or only in the old (delete)."""

    op: Op
    text: str

    def as_dict(self) -> dict[str, str]:
        """Return the piece as plain JSON-ready data."""
        return {"op": self.op, "text": self.text}


def tokens(text: str) -> list[str]:
    """Split a text into words, white space and single punctuation characters, losing nothing."""
    return _TOKEN.findall(text)


@dataclass
class _Change:
    old: str
    new: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Return the word-level diff that turns `old` into `new`.

    Joining the parts that are not "insert" gives `old` back; joining those that
    are not "delete" gives `new`. White space alone between two changes is
    folded into them, so "30 November" → "4 December" reads as one change.
    """
    a, b = tokens(old), tokens(new)
    chunks: list[str | _Change] = []  # a str is kept text
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            chunks.append("".join(a[i1:i2]))
            continue
        change = _Change("".join(a[i1:i2]), "".join(b[j1:j2]))
        if chunks and isinstance(chunks[-1], _Change):
            chunks[-1].old += change.old
            chunks[-1].new += change.new
        elif (
            len(chunks) >= 2
            and isinstance(chunks[-1], str)
            and not chunks[-1].strip()
            and isinstance(chunks[-2], _Change)
        ):
            space = chunks.pop()
            assert isinstance(space, str) and isinstance(chunks[-1], _Change)
            chunks[-1].old += space + change.old
            chunks[-1].new += space + change.new
        else:
            chunks.append(change)
    parts: list[DiffPart] = []
    for chunk in chunks:
        if isinstance(chunk, str):
            parts.append(DiffPart("equal", chunk))
            continue
        if chunk.old:
            parts.append(DiffPart("delete", chunk.old))
        if chunk.new:
            parts.append(DiffPart("insert", chunk.new))
    return parts
