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
from translate_app.core.project import Project
from translate_app.db import make_engine, make_session_factory, upgrade

RELEASE = "kuzmin-2026-03-30"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep retries and timeouts short, so that fault tests take a moment, not minutes."""
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
    return Settings(root=sample_project, database_url=db_url, libretranslate_url=libre.url,
                    mt_provider="libretranslate")


@pytest.fixture
def project(sample_project: Path) -> Project:
    """Return the sample project (German and Hebrew catalogs)."""
    return Project(sample_project)
