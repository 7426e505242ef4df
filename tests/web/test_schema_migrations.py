"""Migration 0009 (dead schema): releases.mt_provider goes, rows stay; the downgrade brings the column back empty."""

from __future__ import annotations

from sqlalchemy import inspect, text

from translate_app.db import alembic_config, make_engine, upgrade

REVISION = "0009"


def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _before() -> str:
    """Return the revision this migration follows (whatever the migrations were chained onto)."""
    from alembic.script import ScriptDirectory

    down = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def test_dropping_the_unused_provider_column_keeps_every_release(database_url: str) -> None:
    from alembic import command

    upgrade(database_url, _before())
    assert "mt_provider" in _columns(database_url, "releases")
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO releases (name, title, self_review, created_at) "
                "VALUES ('appeal', 'Stop the deportation', true, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(database_url, REVISION)
    assert "mt_provider" not in _columns(database_url, "releases")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, title, self_review FROM releases")).one() == (
            "appeal",
            "Stop the deportation",
            True,
        )

    command.downgrade(alembic_config(database_url), _before())
    assert "mt_provider" in _columns(database_url, "releases")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, mt_provider FROM releases")).one() == ("appeal", None)
    engine.dispose()

    upgrade(database_url)  # and up again to the newest
    assert "mt_provider" not in _columns(database_url, "releases")
