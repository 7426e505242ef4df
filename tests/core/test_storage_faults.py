"""Storage faults: malformed catalogs refused like msgfmt does, crash leftovers swept, full and read-only disks."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import polib
import pytest

from translate_app import storage
from translate_app.core import catalog
from translate_app.core.errors import MalformedCatalogError, StorageError, StorageFullError
from translate_app.storage import files as atomic

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize(
    "text, line",
    [
        ("", None),
        ("\n\n", None),
        (HEADER + 'msgid "Hello"\n', 5),
        (HEADER + 'msgid "Hello"\nmsgstr "Hallo"\n\nmsgid "World"\n', 8),
        (HEADER + 'msgid "Hello"\nmsgid "World"\nmsgstr "Welt"\n', 5),
    ],
)
def test_catalogs_msgfmt_refuses_are_refused(tmp_path, text, line):
    """A 0-byte catalog or a msgid without msgstr is malformed, as msgfmt --check says."""
    path = tmp_path / "x.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MalformedCatalogError) as info:
        catalog.load(path)
    if line is not None:
        assert f"x.po:{line}:" in str(info.value)
    if shutil.which("msgfmt"):
        assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True).returncode != 0


def test_plural_and_obsolete_entries_are_still_read(tmp_path):
    """msgid_plural, msgstr[N] and obsolete (#~) entries are valid PO."""
    path = tmp_path / "ok.po"
    path.write_text(
        HEADER + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "xs"\n\n#~ msgid "old"\n#~ msgstr "alt"\n',
        encoding="utf-8",
    )
    po = catalog.load(path)
    assert [e.msgid for e in po if not e.obsolete] == ["a"]


def _catalog(tmp_path: Path) -> Path:
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Hello", msgstr="Hallo"))
    path = tmp_path / "locales" / "de" / "LC_MESSAGES" / "r.po"
    path.parent.mkdir(parents=True)
    po.save(str(path))
    return path


def test_temporary_copies_left_by_a_crash_are_swept_when_the_lock_is_taken(tmp_path):
    """A writer killed mid-write leaves .r.po.XXXX.tmp; the next lock holder removes it."""
    path = _catalog(tmp_path)
    leftovers = [path.parent / ".r.po.abc123.tmp", path.parent / ".r.po.zz9.tmp"]
    for leftover in leftovers:
        leftover.write_text("half a catal")
    unrelated = path.parent / ".other.po.abc.tmp"
    unrelated.write_text("x")
    with storage.catalog_lock(path):
        pass
    assert not any(p.exists() for p in leftovers)
    assert unrelated.exists()  # another catalog's: swept under that catalog's lock


def test_a_nearly_full_disk_refuses_the_write_and_keeps_the_old_file(tmp_path, monkeypatch):
    """Free space is checked before writing; the refusal names no server folder and loses nothing."""
    path = tmp_path / "r.po"
    path.write_bytes(b"old")
    monkeypatch.setattr(atomic, "MIN_FREE_BYTES", 1 << 62)
    with pytest.raises(StorageFullError) as info:
        atomic.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert str(tmp_path) not in str(info.value) and "disk is full" in str(info.value)
    assert not list(tmp_path.glob(".r.po.*.tmp"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the lock-file case is tested below")
def test_a_read_only_folder_is_a_storage_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="cannot write"):
            atomic.write_atomic(folder / "r.po", b"x")
    finally:
        folder.chmod(0o700)


def test_a_lock_file_that_cannot_be_made_fails_at_once(tmp_path):
    """Without a lock file and without a way to make one, taking the lock fails now, not after 30 s."""
    path = tmp_path / "missing-folder" / "sub" / "r.po"
    (tmp_path / "missing-folder").write_text("a file where the folder should be")
    start = time.monotonic()
    with pytest.raises(StorageError, match="cannot take the catalog's lock"), storage.catalog_lock(path, timeout=30):
        pass
    assert time.monotonic() - start < 5
