"""Reading, editing and writing catalog files.

Invariants:

* The file is the only truth. A parsed copy is reused only while the file's
  (inode, mtime_ns, size) is the one it was parsed at: every write here makes
  a new file by rename, stamped with an mtime after the old one's, so no two
  versions written by this code share that key; a write by another tool
  changes at least one of them, and the copy is dropped.
* A cached copy is shared between threads and must not be changed: edit()
  takes it out of the cache before its caller changes it, and puts it back
  only once the changed copy is on disk.
* edit() writes nothing if its block raises, and writes only when some entry,
  the header or the metadata changed.
* The text of an entry is a function of catalog.entry_key(entry) and the wrap
  width, so the text of unchanged entries is kept between writes (polib
  rebuilds and re-wraps every entry on each write).
* edit() keeps, beside its copy, the text that copy was parsed from or written
  as, split into blocks (one per entry). When another process has written the
  catalog since, the copy is brought up to date by parsing only the blocks
  that differ (catalog.refresh), under the lock, from the file itself: the file
  stays the truth, and anything but a few changed entries of the same catalog
  is parsed whole. read() never changes a copy (it parses a new version
  whole); a copy it handed out may still be changed in place by this
  process's next edit(), an entry at a time, as in the old design.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import polib

from ..core import catalog as cat
from .files import write_atomic
from .lock import catalog_lock

_PARSED: dict[str, tuple[tuple, polib.POFile]] = {}
_PARSED_GUARD = threading.Lock()
#: Per catalog, the copy edit() last had, its blocks and its entries in their order (see the invariants).
_EDITED: dict[str, tuple[polib.POFile, list[str], list[polib.POEntry]]] = {}

_ENTRY_TEXT: dict[tuple, str] = {}
_ENTRY_TEXT_LIMIT = 200_000


def _entry_text(entry: polib.POEntry, wrapwidth: int) -> str:
    """Render an entry as polib does, reusing the text of an entry with the same key."""
    key = (wrapwidth, cat.entry_key(entry))
    text = _ENTRY_TEXT.get(key)
    if text is None:
        if len(_ENTRY_TEXT) > _ENTRY_TEXT_LIMIT:
            _ENTRY_TEXT.clear()
        text = _ENTRY_TEXT[key] = entry.__unicode__(wrapwidth)
    return text


def file_key(path: Path) -> tuple | None:
    """Return what tells two versions of a catalog apart without reading it (see the invariants)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def save(po: polib.POFile, path: Path | str) -> str:
    """Write a catalog atomically and durably (the caller holds its lock, or owns the file alone); return its text."""
    text = cat.serialise(po, _entry_text)
    write_atomic(path, text.encode("utf-8"), later_mtime=True)
    return text


def read(path: Path | str) -> polib.POFile:
    """Return a parsed catalog, reusing this process's copy while the file is unchanged.

    The result is shared: do not change it.
    """
    path = Path(path)
    key = file_key(path)
    with _PARSED_GUARD:
        cached = _PARSED.get(str(path))
    if cached is not None and key is not None and cached[0] == key:
        return cached[1]
    po = cat.load(path)
    if key is not None and file_key(path) == key:
        with _PARSED_GUARD:
            _PARSED[str(path)] = (key, po)
    return po


def peek(path: Path | str) -> polib.POFile | None:
    """Return this process's parsed copy if the file has not changed since, else None (no parsing)."""
    path = Path(path)
    key = file_key(path)
    with _PARSED_GUARD:
        cached = _PARSED.get(str(path))
    return cached[1] if cached is not None and key is not None and cached[0] == key else None


def forget_parsed() -> None:
    """Drop every parsed copy and kept entry text of this process (for benchmarks of cold reads)."""
    with _PARSED_GUARD:
        _PARSED.clear()
        _EDITED.clear()
    _ENTRY_TEXT.clear()


@contextlib.contextmanager
def edit(path: Path | str, timeout: float = 30.0) -> Iterator[polib.POFile]:
    """Lock a catalog, let the caller change its current content, and write it atomically.

    Nothing is written if the block raises, or if it changed nothing.
    """
    path = Path(path)
    with catalog_lock(path, timeout):
        key = file_key(path)
        with _PARSED_GUARD:
            cached = _PARSED.pop(str(path), None)  # readers parse their own copy while we edit
            edited = _EDITED.pop(str(path), None)
        po, text_blocks = _current(path, key, cached, edited)
        if po is None:
            po = cat.load(path)
            text_blocks = _file_blocks(path, po)
            if file_key(path) != key:  # changed while read, by a tool that takes no lock
                key = None
        keys = [cat.entry_key(e) for e in po]
        before = (po.header, tuple(po.metadata.items()), po.wrapwidth)
        yield po
        if [cat.entry_key(e) for e in po] != keys or (po.header, tuple(po.metadata.items()), po.wrapwidth) != before:
            po.metadata["PO-Revision-Date"] = cat.header_date()
            text_blocks = cat.blocks(save(po, path))
            key = file_key(path)
        if key is not None:
            with _PARSED_GUARD:
                _PARSED[str(path)] = (key, po)
                if text_blocks is not None:
                    # in the order serialise writes them
                    _EDITED[str(path)] = (
                        po,
                        text_blocks,
                        [e for e in po if not e.obsolete] + [e for e in po if e.obsolete],
                    )


def _current(
    path: Path, key: tuple | None, cached: tuple | None, edited: tuple | None
) -> tuple[polib.POFile | None, list[str] | None]:
    """Return this process's copy of the catalog brought to the file's version, with its blocks; or (None, None)."""
    if key is None:
        return None, None
    if cached is not None and cached[0] == key:  # parsed (or written) at this very version
        if edited is not None and edited[0] is cached[1]:
            return cached[1], edited[1]
        return cached[1], _file_blocks(path, cached[1])
    if edited is None:
        return None, None
    po, old, entries = edited
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None
    new = cat.refresh(po, entries, old, text)
    if new is None or file_key(path) != key:
        return None, None
    return po, new


def _file_blocks(path: Path, po: polib.POFile) -> list[str] | None:
    """Return the blocks of the file po was just parsed from, if they are one per entry (see refresh)."""
    try:
        found = cat.blocks(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return found if len(found) == len(po) + 1 else None
