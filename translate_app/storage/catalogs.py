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


def save(po: polib.POFile, path: Path | str) -> None:
    """Write a catalog atomically and durably (the caller holds its lock, or owns the file alone)."""
    write_atomic(path, cat.serialise(po, _entry_text).encode("utf-8"), later_mtime=True)


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
        if cached is not None and key is not None and cached[0] == key:
            po = cached[1]
        else:
            po = cat.load(path)
            if file_key(path) != key:  # changed while read, by a tool that takes no lock
                key = None
        keys = [cat.entry_key(e) for e in po]
        before = (po.header, tuple(po.metadata.items()), po.wrapwidth)
        yield po
        if [cat.entry_key(e) for e in po] != keys or (po.header, tuple(po.metadata.items()), po.wrapwidth) != before:
            po.metadata["PO-Revision-Date"] = cat.header_date()
            save(po, path)
            key = file_key(path)
        if key is not None:
            with _PARSED_GUARD:
                _PARSED[str(path)] = (key, po)
