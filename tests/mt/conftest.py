"""Fixtures for machine translation: the fake LibreTranslate server, a database, settings; and the web app's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.factory import sqlite_url
from tests.libretranslate_server import FakeLibreTranslate
from tests.web.conftest import app, auth, client, database_url, web_project  # noqa: F401  (for the API tests)
from translate_app.config import Settings
from translate_app.db import make_engine, make_session_factory, upgrade
from translate_app.project import Project

RELEASE = "kuzmin-2026-03-30"


# Short retries and timeouts, so that fault tests take a moment, not minutes.
FAST = {"backoff": 0.01, "timeout": (1.0, 1.0)}


def mt_settings(root: Path, *, public: bool = False, **options: str) -> Settings:
    """Return settings with fast retries and these provider variables (LIBRETRANSLATE_URL=...)."""
    return Settings(root=root, mt_tuning=dict(FAST), mt_public_services=public, options=options)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for commands, which read their settings from the environment."""
    monkeypatch.setenv("TRANSLATE_APP_MT_BACKOFF", "0.01")
    monkeypatch.setenv("TRANSLATE_APP_MT_TIMEOUT", "1.0")
    monkeypatch.setenv("TRANSLATE_APP_MT_CONNECT_TIMEOUT", "1.0")


@pytest.fixture
def libre() -> Iterator[FakeLibreTranslate]:
    """Return a LibreTranslate-compatible server running on 127.0.0.1."""
    with FakeLibreTranslate(hang=3.0) as server:
        yield server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Return the URL of a fresh SQLite database with the schema applied."""
    url = sqlite_url(tmp_path)
    upgrade(url)
    return url


@pytest.fixture
def session_factory(db_url: str) -> sessionmaker[Session]:
    """Return a session factory on the test database."""
    return make_session_factory(make_engine(db_url))


@pytest.fixture
def settings(sample_project: Path, libre: FakeLibreTranslate, db_url: str) -> Settings:
    """Return settings for the sample project, the test database and the fake server."""
    return Settings(
        root=sample_project,
        database_url=db_url,
        mt_provider="libretranslate",
        mt_tuning=dict(FAST),
        options={"LIBRETRANSLATE_URL": libre.url},
    )


@pytest.fixture
def project(sample_project: Path) -> Project:
    """Return the sample project (German and Hebrew catalogs)."""
    return Project(sample_project)
