"""`translate-app tmx export` and `tmx import`: the memory as TMX from the command line, loading nothing heavy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE
from tests.core.test_cli_imports import heavy, run_command
from translate_app import storage
from translate_app.core import tmx
from translate_app.core.states import set_approved, set_translated
from translate_app.project import Project

RELEASE = SAMPLE.stem


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    shutil.copy(SAMPLE, tmp_path / "source" / SAMPLE.name)
    proj = Project(tmp_path)
    proj.add_release(tmp_path / "source" / SAMPLE.name, ["de"])
    with storage.edit(proj.catalog_path(RELEASE, "de")) as po:
        entries = [e for e in po if e.msgid]
        for entry, text in ((entries[0], "GEMEINSAME PRESSEMITTEILUNG"), (entries[2], "30. März 2026")):
            set_translated(entry, text, by="tr_de")
            set_approved(entry, by="rev_de")
        set_translated(entries[3], "nur übersetzt", by="tr_de")  # not approved: not exported
    return tmp_path


def test_export_writes_the_approved_entries_and_import_fills_the_memory(project):
    from translate_app.mt.memory import memory_index

    proc, modules = run_command(project, "tmx", "export", "--lang", "de", "-o", "out/de.tmx")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "out/de.tmx: 2 translation units"
    assert heavy(modules) == []
    units = list(tmx.read((project / "out" / "de.tmx").read_bytes(), "en", "de"))
    assert [u.target for u in units] == ["GEMEINSAME PRESSEMITTEILUNG", "30. März 2026"]

    omegat = ROOT / "tests" / "data" / "tmx" / "omegat-l10n-de.tmx"
    proc, modules = run_command(project, "tmx", "import", str(omegat), "--lang", "de")
    assert proc.returncode == 0, proc.stderr
    count = len(list(tmx.read(omegat.read_bytes(), "en", "de")))
    assert proc.stdout.strip() == f"{count} translation units kept in memory/de/omegat-l10n-de.tmx"
    assert heavy(modules) == []
    index = memory_index(Project(project), "de")
    first = next(tmx.read(omegat.read_bytes(), "en", "de"))
    assert index.exact(first.source).origin == "tmx:omegat-l10n-de"


def test_import_refuses_what_is_not_a_memory_of_that_language(project):
    bad = project / "bad.tmx"
    bad.write_text("<html><body/></html>")
    proc, _ = run_command(project, "tmx", "import", str(bad), "--lang", "de")
    assert proc.returncode == 1 and "error: bad.tmx: not a TMX file" in proc.stderr
    french = project / "fr.tmx"
    french.write_bytes(tmx.write([tmx.Unit("Hello", "Bonjour")], "en", "fr"))
    proc, _ = run_command(project, "tmx", "import", str(french), "--lang", "de")
    assert proc.returncode == 1 and "no unit with both English and German text" in proc.stderr
    assert not (project / "memory" / "de").exists()


def test_index_rebuild_keeps_imported_memories(project, tmp_path):
    from sqlalchemy import select

    from translate_app.config import Settings
    from translate_app.db import open_database
    from translate_app.gitsync.index import rebuild
    from translate_app.models import MemoryEntry
    from translate_app.tmxmemory import import_tmx

    import_tmx(
        Project(project), "de", tmx.write([tmx.Unit("Hello", "Hallo")], "en", "de"), "mine.tmx", max_bytes=10_000
    )
    settings = Settings(root=project, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with open_database(settings)() as session:
        report = rebuild(session, Project(project))
        rows = session.execute(select(MemoryEntry.release, MemoryEntry.source, MemoryEntry.translation)).all()
    assert report.entries["de"] == 3
    assert ("tmx:mine", "Hello", "Hallo") in rows and len(rows) == 3
