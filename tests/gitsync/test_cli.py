"""`translate-app sync`, `sync status` and `index rebuild` on a clone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from translate_app.cli import main
from translate_app.models import MemoryEntry

from .conftest import git


@pytest.fixture
def env(make_instance, monkeypatch: pytest.MonkeyPatch):
    """Return an instance, with the environment pointing the command line at it."""
    service = make_instance()
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(service.root))
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", service.settings.database_url)
    monkeypatch.setenv("TRANSLATE_APP_GIT_NOREPLY_DOMAIN", "users.noreply.example.org")
    return service


def test_sync_commits_pulls_and_pushes(env, remote: Path) -> None:
    env.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 0, result.output
    assert "committed: appeal: German (de), 1 segment" in result.output and "pushed" in result.output
    assert "Stoppt die Abschiebung" in git(remote, "show", "main:locales/de/LC_MESSAGES/appeal.po")
    status = CliRunner().invoke(main, ["sync", "status"])
    assert status.exit_code == 0 and "changes waiting for a commit: 0" in status.output


def test_sync_failure_exits_1_with_the_reason(env, remote: Path) -> None:
    remote.rename(remote.with_name("gone.git"))
    env.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    assert "committed: appeal: German (de), 1 segment" in result.output
    assert "error: git fetch:" in result.output and "does not appear to be a git repository" in result.output
    status = CliRunner().invoke(main, ["sync", "status"])
    assert "1 failure(s) in a row" in status.output


def test_index_rebuild_fills_the_memory_table_from_the_catalogs(env) -> None:
    env.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    env.approve("taras", "de", "Stop the")
    env.save("olena", "fr", "Stop the", "Arrêtez l'expulsion")  # translated, not approved: not in memory
    with env.sessions() as session:
        session.add(MemoryEntry(language="de", release="gone", source="x", translation="y", source_hash="0"))
        session.commit()
    result = CliRunner().invoke(main, ["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1 approved translations from 2 catalogs (de 1)" in result.output
    with env.sessions() as session:
        rows = session.scalars(select(MemoryEntry)).all()
        assert [(r.language, r.release, r.translation) for r in rows] == [("de", "appeal", "Stoppt die Abschiebung")]
