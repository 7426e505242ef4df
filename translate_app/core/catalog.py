"""Gettext catalogs: templates from documents, msgmerge-style updates, safe reads and writes."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polib

from .. import __version__
from .atomic import work_dir, write_atomic, write_scratch
from .blocks import Document
from .errors import CatalogBusyError, CatalogError, MalformedCatalogError, StorageError
from .languages import get_language

WRAP_WIDTH = 79
FUZZY_CUTOFF = 60.0
GENERATOR = f"translate-app {__version__}"

_thread_locks: dict[str, _CatalogLock] = {}
_thread_locks_guard = threading.Lock()


def entry_id(entry: polib.POEntry) -> str:
    """Return the stable id of an entry: a hash of its context and source text."""
    key = f"{entry.msgctxt or ''}\x04{entry.msgid}".encode()
    return hashlib.sha1(key).hexdigest()[:12]


def entry_version(entry: polib.POEntry) -> str:
    """Return a token that changes with every change of the entry's translation or state."""
    key = "\x00".join([entry.msgstr, ",".join(sorted(entry.flags)), entry.tcomment or "", entry.previous_msgid or ""])
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def header_date() -> str:
    """Return the current time in the format gettext puts in headers."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")


def _header(release: str, language: str | None) -> dict[str, str]:
    meta = {
        "Project-Id-Version": release,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": header_date(),
        "PO-Revision-Date": header_date() if language else "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    if language:
        lang = get_language(language)
        meta["Language"] = lang.code
        meta["Language-Team"] = lang.english_name
        meta["Plural-Forms"] = lang.plural_forms
    return meta


def template_from_document(doc: Document, release: str, *, occurrence_path: str | None = None) -> polib.POFile:
    """Build a template: one entry per distinct text, with every place it occurs."""
    pot = polib.POFile(wrapwidth=WRAP_WIDTH)
    pot.header = f"Template of the release {release}."
    pot.metadata = _header(release, None)
    by_text: dict[str, polib.POEntry] = {}
    path = occurrence_path or doc.path
    for block in doc.blocks:
        entry = by_text.get(block.text)
        if entry is None:
            entry = polib.POEntry(msgid=block.text, msgstr="", comment=block.comment, occurrences=[])
            by_text[block.text] = entry
            pot.append(entry)
        elif block.comment not in entry.comment.split("\n"):
            entry.comment += "\n" + block.comment
        entry.occurrences.append((path, str(block.line)))
    return pot


def new_catalog(template: polib.POFile, language: str, release: str) -> polib.POFile:
    """Return an empty catalog for one language from a template."""
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = f"{get_language(language).english_name} translation of the release {release}."
    po.metadata = _header(release, language)
    po.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", header_date())
    for t in template:
        po.append(_copy_source(t))
    return po


def _copy_source(t: polib.POEntry) -> polib.POEntry:
    return polib.POEntry(
        msgid=t.msgid,
        msgctxt=t.msgctxt,
        msgstr="",
        comment=t.comment,
        occurrences=list(t.occurrences),
        flags=[f for f in t.flags if f != "fuzzy"],
    )


def merge(po: polib.POFile, template: polib.POFile) -> polib.POFile:
    """Merge a catalog with a new template the way GNU msgmerge --previous does.

    Kept segments keep translation and state; changed segments take the old
    translation as fuzzy with the previous msgid; removed translated segments
    become obsolete; removed empty ones go.
    """
    old_live = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    old_obsolete = {(e.msgctxt, e.msgid): e for e in po if e.obsolete}
    used: set[tuple[str | None, str]] = set()
    result = polib.POFile(wrapwidth=po.wrapwidth or WRAP_WIDTH)
    result.metadata = dict(po.metadata)
    result.metadata["POT-Creation-Date"] = template.metadata.get("POT-Creation-Date", header_date())
    result.header = po.header

    fresh: list[tuple[int, polib.POEntry]] = []
    for t in template:
        key = (t.msgctxt, t.msgid)
        old = old_live.get(key) or old_obsolete.get(key)
        entry = _copy_source(t)
        if old is not None:
            used.add(key)
            entry.msgstr = old.msgstr
            entry.tcomment = old.tcomment
            if not old.obsolete:
                entry.flags = list(dict.fromkeys(entry.flags + [f for f in old.flags if f == "fuzzy"]))
                entry.previous_msgid = old.previous_msgid
                entry.previous_msgctxt = old.previous_msgctxt
        else:
            fresh.append((len(result), entry))
        result.append(entry)

    # Fuzzy matching against every translated entry, as msgmerge does: one
    # that kept its exact match may still lend its translation to a near copy.
    from rapidfuzz import fuzz, process  # only merging needs it

    candidates = {key: e for key, e in old_live.items() if e.msgstr.strip()}
    choices = {key: e.msgid for key, e in candidates.items()}
    for _, entry in fresh:
        if not choices:
            break
        match = process.extractOne(entry.msgid, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is None:
            continue
        key = match[2]
        old = candidates[key]
        entry.msgstr = old.msgstr
        entry.tcomment = old.tcomment
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        # Like msgmerge, keep the source the translation was made from.
        if "fuzzy" in old.flags and old.previous_msgid:
            entry.previous_msgid, entry.previous_msgctxt = old.previous_msgid, old.previous_msgctxt
        else:
            entry.previous_msgid, entry.previous_msgctxt = old.msgid, old.msgctxt
        used.add(key)

    for key, old in list(old_live.items()) + list(old_obsolete.items()):
        if key in used or not old.msgstr.strip():
            continue
        old.obsolete = True
        old.occurrences = []
        result.append(old)
    return result


def same_entries(a: polib.POFile, b: polib.POFile) -> bool:
    """Say whether two templates hold the same entries, comments and occurrences."""
    def key(po: polib.POFile) -> list[tuple]:
        return [(e.msgctxt, e.msgid, e.comment, tuple(e.occurrences), e.obsolete) for e in po]
    return key(a) == key(b)


_SYNTAX_LINE = re.compile(r"\(line (\d+)\)")
_PO_LINE = r'(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+)?"(?:[^"\\\n]|\\.)*"'
# A line that is neither blank, a comment, nor a keyword and/or a quoted string.
_BAD_PO_LINE = re.compile(r"^(?![^\S\n]*(?:#|$|" + _PO_LINE + r"[^\S\n]*$)).+$", re.M)


_KEYWORD_LINE = re.compile(r"^(msgid|msgstr)\b", re.M)


def _msgid_without_msgstr(text: str) -> int | None:
    """Return the line of the first msgid that no msgstr follows (msgfmt refuses it; polib does not)."""
    open_at = None  # where the msgid waiting for its msgstr starts; its line is counted only if returned
    for m in _KEYWORD_LINE.finditer(text):
        if m.group(1) == "msgid":
            if open_at is not None:
                break
            open_at = m.start()
        else:
            open_at = None
    return None if open_at is None else text.count("\n", 0, open_at) + 1


def load(path: Path | str) -> polib.POFile:
    """Read a catalog, turning any parse error into a CatalogError naming file and line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror}") from exc
    if b"\x00" in raw:
        raise MalformedCatalogError(f"{path}: binary file, not a PO catalog")
    if not raw.strip():
        raise MalformedCatalogError(f"{path}: empty file, not a PO catalog (it needs at least a header entry)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MalformedCatalogError(f"{path}:{line}: not valid UTF-8") from exc
    # polib reads some broken lines (an unterminated string, an unquoted msgid)
    # without complaint, so every line is checked against the PO syntax first.
    lines = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    bad = _BAD_PO_LINE.search(lines)
    if bad is not None:
        number = lines.count("\n", 0, bad.start()) + 1
        raise MalformedCatalogError(f"{path}:{number}: malformed catalog: cannot read {bad.group(0).strip()[:60]!r}")
    missing = _msgid_without_msgstr(lines)
    if missing is not None:
        raise MalformedCatalogError(f"{path}:{missing}: malformed catalog: msgid without msgstr")
    try:
        # From the file, not the text: polib splits a text also at U+2028 and U+0085,
        # which a translation may hold.
        po = polib.pofile(str(path), wrapwidth=WRAP_WIDTH, encoding="utf-8")
    except (OSError, ValueError) as exc:
        message = str(exc)
        m = _SYNTAX_LINE.search(message)
        where, detail = (f"{path}:{m.group(1)}", "syntax error") if m else (str(path), message)
        raise MalformedCatalogError(f"{where}: malformed catalog: {detail}") from exc
    # Duplicates are found here in one pass; polib's own check is quadratic and names no line.
    seen: dict[tuple[str | None, str], int | None] = {}
    for entry in po:
        if entry.obsolete:
            continue
        first = seen.setdefault((entry.msgctxt, entry.msgid), entry.linenum)
        if first != entry.linenum:
            raise MalformedCatalogError(f"{path}:{entry.linenum}: malformed catalog: duplicate of the entry "
                               f"at line {first} ({entry.msgid[:40]!r})")
    po.fpath = str(path)
    return po


def _entry_key(e: polib.POEntry) -> tuple:
    """Return everything that shapes an entry's text in a catalog."""
    return (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
            tuple(e.flags), e.tcomment, e.comment, tuple(e.occurrences), e.previous_msgctxt,
            e.previous_msgid, e.previous_msgid_plural, e.obsolete)


# polib rebuilds (and re-wraps) every entry on each str(); most entries do not
# change between two writes of a catalog, so their text is kept here.
_ENTRY_TEXT: dict[tuple, str] = {}
_ENTRY_TEXT_LIMIT = 200_000


def _entry_text(entry: polib.POEntry, wrapwidth: int, entry_key: tuple) -> str:
    text = _ENTRY_TEXT.get((wrapwidth, entry_key))
    if text is None:
        text = _remember_text(wrapwidth, entry_key, entry.__unicode__(wrapwidth))
    return text


def _remember_text(wrapwidth: int, entry_key: tuple, text: str) -> str:
    if len(_ENTRY_TEXT) > _ENTRY_TEXT_LIMIT:
        _ENTRY_TEXT.clear()
    _ENTRY_TEXT[(wrapwidth, entry_key)] = text
    return text


def _key_digest(entry_key: tuple) -> str:
    """Name an entry's text-shaping fields across processes (repr of str, None, bool and tuples is stable)."""
    return hashlib.blake2b(repr(entry_key).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def serialise(po: polib.POFile, keys: list[tuple] | None = None) -> str:
    """Return the text of a catalog exactly as polib writes it (str(po)), ending in a newline.

    `keys` are the entries' _entry_key values in order, when the caller has them.
    """
    header = ""
    for line in po.header.split("\n"):
        if not line:
            header += "#\n"
        elif line[:1] in (",", ":"):
            header += f"#{line}\n"
        else:
            header += f"# {line}\n"
    width = po.wrapwidth
    if keys is None:
        keys = [_entry_key(e) for e in po]
    pairs = list(zip(po, keys, strict=False))
    parts = [po.metadata_as_entry().__unicode__(width)]
    parts += [_entry_text(e, width, k) for e, k in pairs if not e.obsolete]
    parts += [_entry_text(e, width, k) for e, k in pairs if e.obsolete]
    text = header + "\n".join(parts)
    return text if text.endswith("\n") else text + "\n"


def save_atomic(po: polib.POFile, path: Path | str, keys: list[tuple] | None = None) -> None:
    """Write a catalog beside its target, fsync it and rename it into place."""
    write_atomic(path, serialise(po, keys).encode("utf-8"), later_mtime=True)  # see _stat_key


@contextlib.contextmanager
def catalog_lock(path: Path | str, timeout: float = 30.0, *, wait_on: threading.Condition | None = None,
                 give_up: Callable[[], bool] | None = None) -> Iterator[bool]:
    """Hold the per-catalog lock, across threads and processes; the holder may take it again.

    Yields True once the lock is held. With `give_up`, a predicate checked while
    holding `wait_on` (which whoever changes its answer notifies), waiting stops
    as soon as it says so, and the block runs without the lock, given False.
    """
    path = Path(path)
    with _thread_locks_guard:
        lock = _thread_locks.get(str(path))
        if lock is None:
            key = str(path.resolve())
            if key not in _thread_locks:
                _thread_locks[key] = _CatalogLock(path.parent / f".{path.name}.lock")
            lock = _thread_locks[str(path)] = _thread_locks[key]
    started = time.monotonic()
    if not _acquire_thread_lock(lock.threads, timeout, wait_on, give_up):
        if give_up is not None and _asks(wait_on, give_up):
            yield False
            return
        raise CatalogBusyError(f"{path}: locked by another task of this process for over {timeout:g} s")
    try:
        if lock.depth == 0:
            fd = _lock_file(lock.path, max(0.0, timeout - (time.monotonic() - started)), path, wait_on, give_up)
            if fd < 0:
                yield False
                return
            lock.fd = fd
            sweep_temporary_files(path)
        lock.depth += 1
        try:
            yield True
        finally:
            lock.depth -= 1
            if lock.depth == 0:
                fcntl.flock(lock.fd, fcntl.LOCK_UN)
                os.close(lock.fd)
                lock.fd = -1
    finally:
        lock.threads.release()


def sweep_temporary_files(path: Path | str) -> int:
    """Remove the temporary copies a crashed writer left beside a catalog; call with its lock held.

    write_atomic writes `.NAME.po.RANDOM.tmp` beside the catalog and renames it
    into place; only the lock holder writes, so under the lock any such file is
    the leftover of a writer killed mid-write. Returns how many were removed.
    """
    path = Path(path)
    removed = 0
    try:
        leftovers = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return 0
    for leftover in leftovers:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            leftover.unlink()
            removed += 1
    return removed


def glob_escape(name: str) -> str:
    """Escape the characters glob reads as patterns."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _asks(wait_on: threading.Condition | None, give_up: Callable[[], bool]) -> bool:
    if wait_on is None:
        return give_up()
    with wait_on:
        return give_up()


def _acquire_thread_lock(threads: threading.RLock, timeout: float, wait_on: threading.Condition | None,
                         give_up: Callable[[], bool] | None) -> bool:
    """Take this process's lock of a catalog; with `give_up`, look at it every 50 ms (rarely contended)."""
    if give_up is None:
        return threads.acquire(timeout=timeout)
    deadline = time.monotonic() + timeout
    while not threads.acquire(timeout=min(0.05, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline or _asks(wait_on, give_up):
            return False
    return True


class _CatalogLock:
    """A thread lock for this process plus an flock on a file beside the catalog for others."""

    def __init__(self, path: Path) -> None:
        self.path = path  # stays in place: deleting it would race with waiters
        self.threads = threading.RLock()
        self.depth = 0
        self.fd = -1


def _lock_file(lock_path: Path, timeout: float, catalog: Path, wait_on: threading.Condition | None = None,
               give_up: Callable[[], bool] | None = None) -> int:
    """Take an exclusive flock, waiting in the kernel (no polling) for at most `timeout` seconds.

    The kernel wakes a waiter as soon as the holder lets go. flock has no timeout,
    so a contended lock is awaited in a helper thread; if the caller gives up
    (time is up, or `give_up` says so: then -1 is returned), the helper releases
    the lock the moment it gets it.
    """
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # a read-only or missing folder: fail now, not after the lock's timeout
        raise StorageError(f"{catalog}: cannot take the catalog's lock ({exc.strerror}); nothing was changed") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        pass
    cond = wait_on or threading.Condition()
    state = {"got": False, "abandoned": False}

    def wait() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with cond:
            if state["abandoned"]:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            else:
                state["got"] = True
                cond.notify_all()

    threading.Thread(target=wait, name=f"lock {catalog.name}", daemon=True).start()
    deadline = time.monotonic() + timeout
    with cond:
        while not state["got"]:
            if give_up is not None and give_up():
                state["abandoned"] = True
                return -1
            left = deadline - time.monotonic()
            if left <= 0:
                state["abandoned"] = True
                raise CatalogBusyError(f"{catalog}: locked by another process for over {timeout:g} s")
            cond.wait(left)
        return fd


_PARSED: dict[str, tuple[tuple, polib.POFile]] = {}
_PARSED_GUARD = threading.Lock()


def _stat_key(path: Path) -> tuple | None:
    """Return what tells two versions of a catalog apart without reading it.

    Every write makes a new file (a new inode, though a freed number comes back
    soon) and save_atomic gives it a modification time after the old one's, so
    versions written by this code never share a key.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def load_cached(path: Path | str) -> polib.POFile:
    """Return a parsed catalog, reusing this process's copy while the file is unchanged.

    Writes go through rename, so a new file has a new inode; an edit elsewhere
    changes the modification time or size. The result is shared: do not change it.
    """
    path = Path(path)
    key = str(path)
    stat = _stat_key(path)
    with _PARSED_GUARD:
        cached = _PARSED.get(key)
    if cached is not None and stat is not None and cached[0] == stat:
        return cached[1]
    po = load(path)
    if stat is not None and _stat_key(path) == stat:
        with _PARSED_GUARD:
            _PARSED[key] = (stat, po)
    return po


def peek_cached(path: Path | str) -> polib.POFile | None:
    """Return this process's parsed copy if the file has not changed since, else None (no parsing)."""
    path = Path(path)
    stat = _stat_key(path)
    with _PARSED_GUARD:
        cached = _PARSED.get(str(path))
    return cached[1] if cached is not None and stat is not None and cached[0] == stat else None


@contextlib.contextmanager
def edit_catalog(path: Path | str) -> Iterator[polib.POFile]:
    """Lock a catalog, load it fresh, let the caller change it, and save it atomically.

    Nothing is written if the block raises. A process whose parsed copy is a
    few writes old brings it up to date from the changes those writes left
    (see _record_changes) instead of parsing the file again.
    """
    path = Path(path)
    key = str(path)
    with catalog_lock(path):
        stat = _stat_key(path)
        with _PARSED_GUARD:
            cached = _PARSED.pop(key, None)  # readers parse their own copy while we edit
        po = None
        if cached is not None and stat is not None:
            po = cached[1] if cached[0] == stat else _replay(path, cached[0], cached[1], stat)
        if po is None:
            po = load(path)
            if _stat_key(path) != stat:  # changed while read, by a tool that takes no lock
                stat = None
        keys = [_entry_key(e) for e in po]
        before = (po.header, tuple(po.metadata.items()), po.wrapwidth)
        yield po
        new_keys = [_entry_key(e) for e in po]
        if new_keys != keys or (po.header, tuple(po.metadata.items()), po.wrapwidth) != before:
            po.metadata["PO-Revision-Date"] = header_date()
            save_atomic(po, path, new_keys)
            new_stat = _stat_key(path)
            _record_changes(path, stat, new_stat, keys, new_keys, po)
        else:
            new_stat = stat
        if new_stat is not None:
            with _PARSED_GUARD:
                _PARSED[key] = (new_stat, po)


# -- changes between versions of a catalog ---------------------------------------------
#
# After each write, the writer leaves the entries it changed in a small file
# named after the version it started from (inode, mtime, size). Another process
# holding a parsed copy of that version applies the chain of such files up to
# the current version. Any gap (a write by another tool, a cleaned-up file, a
# changed list of entries) means a full parse, so the files are only a cache.

_CHANGE_FIELDS = ("msgstr", "msgstr_plural", "flags", "tcomment", "comment", "occurrences",
                  "previous_msgctxt", "previous_msgid", "previous_msgid_plural", "obsolete")
_CHANGES_KEEP_SECONDS = 30  # a copy older than that is parsed again
_CHANGES_SWEEP_SECONDS = 10  # how often a process clears out old changes
_LAST_SWEEP: dict[str, float] = {}
_CHANGES_MAX_CHAIN = 64


def _changes_dir(path: Path) -> Path:
    return work_dir(path, "changes")


def _version_name(stat: tuple) -> str:
    return "-".join(str(x) for x in stat)


def _record_changes(path: Path, old: tuple | None, new: tuple | None, old_keys: list[tuple],
                    new_keys: list[tuple], po: polib.POFile) -> None:
    if old is None or new is None or len(old_keys) != len(new_keys):
        return
    changes, texts = {}, {}
    for i, (k, n) in enumerate(zip(old_keys, new_keys, strict=True)):
        if k[:3] != n[:3]:
            return  # entries were added, removed or moved: others must parse
        if k != n:
            e = po[i]
            changes[i] = [e.msgctxt, e.msgid] + [getattr(e, f) for f in _CHANGE_FIELDS]
            text = _ENTRY_TEXT.get((po.wrapwidth, n))
            if text is not None:  # rendered for the write just now: spare the readers
                texts[i] = [_key_digest(n), text]
    folder = _changes_dir(path)
    record = {"to": list(new), "length": len(po), "header": po.header, "metadata": po.metadata,
              "changes": changes, "width": po.wrapwidth, "texts": texts}
    try:
        write_scratch(folder / _version_name(old), json.dumps(record).encode())  # only the lock holder writes
        now = time.monotonic()
        if now - _LAST_SWEEP.get(str(folder), 0.0) > _CHANGES_SWEEP_SECONDS:
            _LAST_SWEEP[str(folder)] = now
            _sweep_changes(folder, time.time_ns() - _CHANGES_KEEP_SECONDS * 1_000_000_000)
    except OSError:
        pass  # only a cache: readers fall back to parsing


def _sweep_changes(folder: Path, cutoff_ns: int) -> None:
    """Remove the changes of versions written before the cutoff (the name holds the time: no stat)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                written = int(entry.name.split("-")[1])  # inode-MTIME_NS-size
            except (IndexError, ValueError):
                written = 0  # a temporary file left by a crash
            if written < cutoff_ns:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)


def _replay(path: Path, have: tuple, copy: polib.POFile, want: tuple) -> polib.POFile | None:
    """Bring a parsed copy from version `have` to `want` with recorded changes, or return None."""
    folder = _changes_dir(path)
    chain: list[dict[str, Any]] = []
    while have != want:
        if len(chain) >= _CHANGES_MAX_CHAIN:
            return None
        try:
            record = json.loads((folder / _version_name(have)).read_bytes())
        except (OSError, ValueError):
            return None
        if record.get("length") != len(copy):
            return None
        for i, values in record["changes"].items():
            entry = copy[int(i)]
            if [entry.msgctxt, entry.msgid] != values[:2]:
                return None
        chain.append(record)
        have = tuple(record["to"])
    for record in chain:  # every link was found and fits: now change the copy
        for i, values in record["changes"].items():
            entry = copy[int(i)]
            for name, value in zip(_CHANGE_FIELDS, values[2:], strict=False):
                if name == "msgstr_plural":
                    value = {int(k): v for k, v in value.items()}
                elif name == "occurrences":
                    value = [tuple(o) for o in value]
                setattr(entry, name, value)
        if record.get("width") == copy.wrapwidth:
            for i, (digest, text) in (record.get("texts") or {}).items():
                key = _entry_key(copy[int(i)])
                if _key_digest(key) == digest:  # the very entry the writer rendered
                    _remember_text(copy.wrapwidth, key, text)
        copy.header = record["header"]
        copy.metadata = record["metadata"]
    return copy


def find_entry(po: polib.POFile, segment_id: str) -> polib.POEntry | None:
    """Return the live entry with this id, or None.

    An index of ids is kept on the catalog object; edits change translations,
    never ids, and an index that misses or disagrees is rebuilt.
    """
    index = getattr(po, "_segment_index", None)
    entry = index.get(segment_id) if index is not None else None
    if entry is not None and not entry.obsolete and entry_id(entry) == segment_id:
        return entry
    index = {entry_id(e): e for e in po if not e.obsolete}
    po._segment_index = index  # type: ignore[attr-defined]  # a cache on the object
    return index.get(segment_id)
