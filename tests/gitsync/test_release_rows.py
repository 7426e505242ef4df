"""A release that a pull brings gets its database row from the sync, not from the first page that shows it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.gitsync.conftest import git


def test_a_pulled_release_is_registered_by_the_sync(make_instance, other_clone: Path) -> None:
    from translate_app.models import Release
    from translate_app.project import Project

    service = make_instance()
    (other_clone / "source" / "second.md").write_text("# Another release\n\nOne more paragraph.\n", encoding="utf-8")
    Project(other_clone).add_release(other_clone / "source" / "second.md", ["de"])
    git(other_clone, "add", "-A")
    git(other_clone, "commit", "-qm", "Add the release second")
    git(other_clone, "push", "-q")
    with service.sessions() as session:
        assert session.scalars(select(Release.name)).all() == []

    assert service.sync().error is None

    with service.sessions() as session:
        rows = {r.name: r.title for r in session.scalars(select(Release))}
    assert rows == {"appeal": "Stop the deportation", "second": "Another release"}
