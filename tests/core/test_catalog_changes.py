"""A process whose parsed catalog is a few writes old catches up from the changes those writes left."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest

from translate_app.core import catalog as cat
from translate_app.project import Project
from translate_app.core.states import set_approved, set_translated
from translate_app import storage

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
RELEASE = SAMPLE.stem


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copyfile(SAMPLE, tmp_path / "source" / SAMPLE.name)
    project = Project(tmp_path)
    project.add_release(tmp_path / "source" / SAMPLE.name, ["de"])
    return project.catalog_path(RELEASE, "de")


def _other_process_edits(path: str, start: int, count: int) -> None:
    """Stand for another gunicorn worker: translate and approve some entries."""
    for n in range(start, start + count):
        with storage.edit(path) as po:
            live = [e for e in po if e.msgid and not e.obsolete]
            entry = live[n % len(live)]
            set_translated(entry, f"Übersetzung {n}: «{entry.msgid[:20]}»\n\tzweite Zeile \"zitiert\"", by=f"p{n}")
            if n % 3 == 0:
                set_approved(entry, by="reviewer")


def _in_other_process(*args) -> None:
    proc = multiprocessing.get_context("fork").Process(target=_other_process_edits, args=args)
    proc.start()
    proc.join(30)
    assert proc.exitcode == 0


def _state(po) -> tuple:
    return (po.header, dict(po.metadata), [cat._entry_key(e) for e in po])


def test_a_stale_copy_is_brought_up_to_date_without_parsing(catalog: Path, monkeypatch) -> None:
    with storage.edit(catalog) as po:  # this process now holds a parsed copy
        set_translated(next(e for e in po if e.msgid), "Erste", by="here")
    _in_other_process(str(catalog), 1, 7)  # seven writes elsewhere, each leaving its changes

    parses = []
    real_load = cat.load
    monkeypatch.setattr(cat, "load", lambda p: parses.append(p) or real_load(p))
    with storage.edit(catalog) as po:
        caught_up = _state(po)
    assert parses == [], "the copy should have been replayed, not parsed"
    assert caught_up == _state(real_load(catalog))


def test_the_replayed_copy_writes_the_same_file_as_a_fresh_parse(catalog: Path) -> None:
    with storage.edit(catalog):
        pass
    _in_other_process(str(catalog), 0, 5)
    with storage.edit(catalog) as po:  # replayed, then changed here
        set_translated(po[3], "Hier geändert", by="here")
    fresh = cat.load(catalog)
    assert cat.serialise(fresh) == catalog.read_text(encoding="utf-8")
    assert fresh[3].msgstr == "Hier geändert"
    assert [e.msgstr for e in fresh][:5] == [e.msgstr for e in po][:5]


def test_a_write_by_another_tool_breaks_the_chain_and_the_file_is_parsed(catalog: Path, monkeypatch) -> None:
    with storage.edit(catalog):
        pass
    _in_other_process(str(catalog), 0, 2)
    # msgcat, an editor or `git pull` rewrites the file and leaves no changes behind
    text = catalog.read_text(encoding="utf-8").replace("Übersetzung 1:", "Von Hand:")
    catalog.write_text(text, encoding="utf-8")

    parses = []
    real_load = cat.load
    monkeypatch.setattr(cat, "load", lambda p: parses.append(p) or real_load(p))
    with storage.edit(catalog) as po:
        assert any(e.msgstr.startswith("Von Hand:") for e in po)
    assert parses == [catalog]


def test_a_change_of_the_entry_list_is_not_replayed(catalog: Path, monkeypatch) -> None:
    with storage.edit(catalog):
        pass

    def drop_one(path: str) -> None:
        with storage.edit(path) as po:
            po.remove(po[-1])

    proc = multiprocessing.get_context("fork").Process(target=drop_one, args=(str(catalog),))
    proc.start()
    proc.join(30)
    assert proc.exitcode == 0
    parses = []
    real_load = cat.load
    monkeypatch.setattr(cat, "load", lambda p: parses.append(p) or real_load(p))
    with storage.edit(catalog) as po:
        assert len(po) == len(real_load(catalog))
    assert parses == [catalog]


def test_old_changes_are_swept_by_the_time_in_their_name(catalog: Path, monkeypatch) -> None:
    import os
    import time

    with storage.edit(catalog) as po:
        set_translated(po[1], "Eins", by="here")
    folder = cat._changes_dir(catalog)
    (recent,) = [p.name for p in folder.iterdir()]
    old = folder / f"1-{time.time_ns() - 3600 * 10**9}-100"  # a version written an hour ago
    old.write_text("{}")
    stray = folder / ".1-2-3.tmp"
    stray.write_text("")
    os.utime(old)  # its file time is new: only the name tells its age
    monkeypatch.setattr(cat, "_LAST_SWEEP", {})
    with storage.edit(catalog) as po:
        set_translated(po[2], "Zwei", by="here")
    names = {p.name for p in folder.iterdir()}
    assert recent in names and old.name not in names and stray.name not in names


def test_each_write_of_a_catalog_is_a_new_version_even_within_one_clock_tick(tmp_path: Path) -> None:
    """The kernel's file clock moves in ticks and inode numbers come back: mtime must still grow."""
    from translate_app.storage import write_atomic

    target = tmp_path / "x.po"
    target.write_bytes(b"a")
    ahead = time.time_ns() + 5_000_000_000  # as if the old version was stamped later than our clock says
    os.utime(target, ns=(ahead, ahead))
    mtimes = []
    for text in (b"b", b"c", b"d"):  # same size each time
        write_atomic(target, text, later_mtime=True)
        mtimes.append(target.stat().st_mtime_ns)
    assert mtimes == [ahead + 1, ahead + 2, ahead + 3]
    assert target.read_bytes() == b"d"

    write_atomic(target, b"e")  # other files keep the kernel's stamp
    assert target.stat().st_mtime_ns < ahead


def test_entries_another_process_rendered_are_not_rendered_again(catalog: Path, monkeypatch) -> None:
    """The changes a writer leaves carry the entries' text: readers write the file without re-wrapping them."""
    import polib

    with storage.edit(catalog):
        pass
    _in_other_process(str(catalog), 0, 5)
    rendered: list[str] = []
    real = polib.POEntry.__unicode__
    monkeypatch.setattr(polib.POEntry, "__unicode__", lambda self, wrapwidth=78: rendered.append(self.msgid)
                        or real(self, wrapwidth))
    with storage.edit(catalog) as po:  # replayed, then changed here
        set_translated(po[10], "Hier geändert", by="here")
    assert sorted(rendered) == sorted(["", po[10].msgid])  # the header and the entry changed here
    monkeypatch.undo()
    assert cat.serialise(cat.load(catalog)) == catalog.read_text(encoding="utf-8")
