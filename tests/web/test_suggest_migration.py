"""Migration 0007 (suggestions): its tables come and go on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect


def test_migration_adds_votes_and_claims_and_downgrade_removes_them(database_url):
    from alembic import command

    from translate_app.db import alembic_config, upgrade

    upgrade(database_url, "0005")
    engine = create_engine(database_url)
    try:
        assert not {"proposal_votes", "claims"} & set(inspect(engine).get_table_names())
        upgrade(database_url, "0007")
        inspector = inspect(engine)
        assert {"proposal_votes", "claims"} <= set(inspector.get_table_names())
        assert {c["name"] for c in inspector.get_columns("claims")} >= {
            "user_id",
            "release",
            "language",
            "label",
            "segment_ids",
            "expires_at",
            "released_at",
        }
        assert any(
            u["column_names"] == ["proposal_id", "user_id"] for u in inspector.get_unique_constraints("proposal_votes")
        )
        command.downgrade(alembic_config(database_url), "0005")
        assert not {"proposal_votes", "claims"} & set(inspect(engine).get_table_names())
        assert "proposals" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
