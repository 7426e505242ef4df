"""Translation memory: approved translations of every release in one language, exact and fuzzy.

The catalogs are the truth, so the memory is read from them; an index per
project and language is kept in memory and rebuilt only when a catalog's
modification time or size changes, so repeated editor calls are cheap.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from ..core import catalog as cat
from ..core.errors import TranslateAppError
from ..core.languages import get_language
from ..core.states import State, entry_state
from ..core.textdiff import word_diff
from ..project import Project

log = logging.getLogger(__name__)

DEFAULT_CUTOFF = 60


@dataclass(frozen=True)
class MemoryMatch:
    """A translation from memory: its text, match score (0-100) and the release it came from."""

    text: str
    score: int
    origin: str
    source: str = ""

    def as_dict(self) -> dict[str, object]:
        """Return the match as plain JSON-ready data."""
        return {"text": self.text, "score": self.score, "origin": self.origin, "source": self.source}

    def as_suggestion(self, segment_source: str) -> dict[str, object]:
        """Return the match for the editor, with the word diff from its source to the segment's source."""
        return {**self.as_dict(), "diff": [part.as_dict() for part in word_diff(self.source, segment_source)]}


@dataclass
class MemoryIndex:
    """Approved (source, translation, release) triples of one language."""

    language: str
    entries: list[tuple[str, str, str]] = field(default_factory=list)
    by_source: dict[str, list[int]] = field(default_factory=dict)

    def add(self, source: str, translation: str, release: str) -> None:
        """Add one approved translation."""
        self.by_source.setdefault(source, []).append(len(self.entries))
        self.entries.append((source, translation, release))

    def exact(
        self, text: str, *, exclude_release: str | None = None, hidden: Collection[str] = ()
    ) -> MemoryMatch | None:
        """Return a 100% match for a source text, or None; none from `exclude_release` or the `hidden` releases."""
        for i in self.by_source.get(text, []):
            source, translation, release = self.entries[i]
            if release != exclude_release and release not in hidden:
                return MemoryMatch(translation, 100, release, source)
        return None

    def matches(
        self, text: str, *, limit: int = 3, cutoff: int = DEFAULT_CUTOFF, exclude_release: str | None = None
    ) -> list[MemoryMatch]:
        """Return the best matches for a source text, best first, one per distinct translation."""
        sources = [s for s, ids in self.by_source.items() if any(self.entries[i][2] != exclude_release for i in ids)]
        if not sources or limit <= 0:
            return []
        found = process.extract(text, sources, scorer=fuzz.ratio, score_cutoff=cutoff, limit=max(limit * 3, 10))
        result: list[MemoryMatch] = []
        seen: set[str] = set()
        for source, score, _ in found:
            # Only an identical source scores 100; rounding must not promote a near match.
            points = 100 if source == text else min(int(score), 99)
            for i in self.by_source[source]:
                _, translation, release = self.entries[i]
                if release == exclude_release or translation in seen:
                    continue
                seen.add(translation)
                result.append(MemoryMatch(translation, points, release, source))
        result.sort(key=lambda m: -m.score)
        return result[:limit]


_indexes: dict[tuple[str, str], tuple[tuple, MemoryIndex]] = {}
_lock = threading.Lock()


def _catalogs(project: Project, language: str) -> list[Path]:
    return sorted(project.locales_dir.glob(f"{language}/LC_MESSAGES/*.po"))


def _signature(paths: list[Path]) -> tuple:
    sig = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        sig.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(sig)


def memory_index(project: Project, language: str) -> MemoryIndex:
    """Return the memory of one language, rebuilt only when a catalog changed."""
    from ..tmxmemory import imported_files, imported_units

    code = get_language(language).code
    paths = _catalogs(project, code)
    imported = imported_files(project, code)  # other tools' memories taken in as TMX (see tmxmemory.py)
    signature = _signature(paths + imported)
    key = (str(project.root), code)
    with _lock:
        cached = _indexes.get(key)
        if cached and cached[0] == signature:
            return cached[1]
    index = MemoryIndex(code)
    for path in paths:
        try:
            po = cat.load(path)
        except TranslateAppError as exc:  # one broken catalog must not hide the others
            log.warning("translation memory skips %s: %s", path, exc)
            continue
        release = path.stem
        for entry in po:
            if not entry.obsolete and entry.msgid and entry_state(entry) == State.APPROVED:
                index.add(entry.msgid, entry.msgstr, release)
    for path in imported:
        try:
            for unit in imported_units(path, code):
                index.add(unit.source, unit.target, f"tmx:{path.stem}")
        except (OSError, TranslateAppError) as exc:
            log.warning("translation memory skips %s: %s", path, exc)
    with _lock:
        _indexes[key] = (signature, index)
    return index


def memory_matches(
    project: Project,
    language: str,
    text: str,
    *,
    limit: int = 3,
    exclude_release: str | None = None,
    cutoff: int = DEFAULT_CUTOFF,
) -> list[MemoryMatch]:
    """Return up to `limit` memory matches for a source text, best first."""
    return memory_index(project, language).matches(text, limit=limit, cutoff=cutoff, exclude_release=exclude_release)
