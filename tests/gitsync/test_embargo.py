"""The git sync leaves a release under embargo out of every commit and push, and sends it after the embargo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.gitsync.conftest import git
from translate_app import embargo

NOW = datetime(2026, 12, 1, 4, 55, tzinfo=UTC)
STATEMENT = "# Embargoed statement\n\nThe coalition will announce its campaign on Wednesday.\n"
FILES = (
    "source/statement.md",
    "locales/templates/statement.pot",
    "locales/de/LC_MESSAGES/statement.po",
    "locales/fr/LC_MESSAGES/statement.po",
)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    embargo.clock.set(NOW)
    yield
    embargo.clock.set(None)


def pushed_files(remote: Path) -> set[str]:
    return set(git(remote, "ls-tree", "-r", "--name-only", "main").split())


def test_an_embargoed_release_reaches_the_remote_only_after_its_embargo(make_instance, remote: Path) -> None:
    service = make_instance()
    project = service.settings.project()
    source = service.root / "source" / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    project.add_release(source, ["de", "fr"])
    with service.sessions() as session:
        embargo.set_embargo(session, project, "statement", at=NOW + timedelta(hours=2), zone="Europe/Berlin", by=None)
        session.commit()
    service.save("olena", "de", "The coalition", "Das Bündnis kündigt am Mittwoch seine Kampagne an.", "statement")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")  # a release without embargo goes on as ever

    report = service.sync()

    assert report.error is None and report.pushed
    assert report.held == ["statement"]
    assert any("held back under embargo: statement" in line for line in report.lines())
    files = pushed_files(remote)
    assert not set(FILES) & files, "embargoed files reached the remote"
    assert "locales/de/LC_MESSAGES/appeal.po" in files
    assert "Stoppt die Abschiebung" in git(remote, "show", "main:locales/de/LC_MESSAGES/appeal.po")
    history = git(remote, "log", "--format=%B", "main")
    assert "statement" not in history and "Bündnis" not in history
    assert service.sync().held == ["statement"]  # still held, every sync, and still not pushed
    assert not set(FILES) & pushed_files(remote)

    embargo.clock.set(NOW + timedelta(hours=2))  # the embargo time
    after = service.sync()

    assert after.error is None and after.pushed and after.held == []
    assert set(FILES) <= pushed_files(remote)
    pushed = git(remote, "show", "main:locales/de/LC_MESSAGES/statement.po")
    assert "Das Bündnis kündigt am Mittwoch seine Kampagne an." in pushed
    olena = service.users["olena"]
    german = git(remote, "log", "--format=%B", "-1", "main", "--", "locales/de/LC_MESSAGES/statement.po")
    assert german.startswith("statement: German (de)")
    assert f"Co-authored-by: Olena Shevchenko <{olena}+olena@users.noreply.example.org>" in german


def test_the_git_card_says_what_is_held_back(make_instance) -> None:
    service = make_instance()
    project = service.settings.project()
    with service.sessions() as session:
        embargo.set_embargo(session, project, "appeal", at=NOW + timedelta(hours=2), zone="UTC", by=None)
        session.commit()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().held == ["appeal"]
    from translate_app.gitsync.state import SyncState

    assert SyncState(service.settings.instance_dir).load()["held"] == ["appeal"]
