"""A release's database row is made when the release is added, by the command line too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tests.conftest import SAMPLE
from translate_app.cli import main
from translate_app.config import Settings
from translate_app.db import open_database
from translate_app.models import Release


def test_add_release_makes_the_row_with_the_documents_title(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", f"sqlite:///{project_dir / 'rows.sqlite3'}")
    shutil.copy(SAMPLE, project_dir / "source")
    result = CliRunner().invoke(main, ["add-release", f"source/{SAMPLE.name}", "-l", "de"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with open_database(Settings.from_env())() as session:
        row = session.scalar(select(Release).where(Release.name == SAMPLE.stem))
    assert row is not None and row.title and row.deadline is None and not row.self_review


def test_a_database_that_refuses_is_a_warning_the_catalogs_are_written(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project_dir)
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    shutil.copy(SAMPLE, project_dir / "source")
    result = CliRunner().invoke(main, ["add-release", f"source/{SAMPLE.name}", "-l", "de"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "the service makes it when it starts" in result.stderr
    assert (project_dir / "locales" / "de" / "LC_MESSAGES" / f"{SAMPLE.stem}.po").is_file()
