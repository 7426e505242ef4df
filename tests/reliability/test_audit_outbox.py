"""Every acknowledged save has its audit row, also when the database refuses at that moment or the
process dies between the catalog write and the database commit (the audit outbox, see translate_app/audit.py)."""

from __future__ import annotations

import json

from sqlalchemy import event, func, select

from translate_app.models import AuditLog


def _token(app, name="tr_de"):
    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == name)))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def _rows(app) -> list[AuditLog]:
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def _save_all(client, headers, texts):
    acknowledged = []
    for text in texts:
        seg = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()[0]
        answer = client.put(
            f"/api/releases/appeal/de/segments/{seg['id']}",
            headers=headers,
            json={"translation": text, "version": seg["version"]},
        )
        assert answer.status_code == 200, answer.get_json()
        acknowledged.append(text)
    return acknowledged


def test_saves_while_the_database_refuses_the_audit_are_logged_once_it_accepts_again(app):
    engine = app.extensions["translate_app.engine"]
    outbox = app.config["SETTINGS"].instance_dir / "audit-outbox"
    headers = _token(app)
    client = app.test_client()

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            raise RuntimeError("connection terminated by the administrator (test)")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        during = _save_all(client, headers, ["Erste Fassung", "Zweite Fassung", "Dritte Fassung"])
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert len(list(outbox.glob("*.json"))) == 3  # durable, waiting
    assert _rows(app) == []
    after = _save_all(client, headers, ["Vierte Fassung"])  # the next batch replays the outbox first
    rows = _rows(app)
    assert [r.new_text for r in rows] == during + after
    assert len({r.edit_key for r in rows}) == len(rows)
    assert list(outbox.glob("*.json")) == []


def test_rows_left_by_a_crash_are_replayed_at_start_and_never_twice(app, web_project, database_url):
    """A process killed after the outbox write: the next start inserts the rows; a second replay adds nothing."""
    from translate_app import audit, create_app
    from translate_app.config import Settings
    from translate_app.web.extensions import Database

    headers = _token(app)
    client = app.test_client()
    _save_all(client, headers, ["Erste Fassung"])
    first = _rows(app)[0]
    outbox = app.config["SETTINGS"].instance_dir / "audit-outbox"
    crashed = [
        {
            "user_id": first.user_id,
            "release": "appeal",
            "language": "de",
            "segment_id": first.segment_id,
            "action": "save",
            "old_text": "Erste Fassung",
            "new_text": "Nach dem Absturz",
            "old_state": "translated",
            "new_state": "translated",
            "note": "",
            "edit_key": "k-crash-1",
            "at": "2026-11-30T10:00:00+00:00",
        }
    ]
    (outbox / "00000000000000000001-crash.json").write_text(json.dumps(crashed))
    # the same rows twice: one file replayed after its rows were already inserted (crash before its removal)
    (outbox / "00000000000000000002-crash.json").write_text(json.dumps(crashed))
    Database.dispose(app)
    restarted = create_app(
        {
            "SETTINGS": Settings(
                root=web_project, secret_key="test-secret", database_url=database_url, secure_cookies=False
            ),
            "TESTING": True,
        }
    )
    texts = [r.new_text for r in _rows(restarted)]
    assert texts == ["Erste Fassung", "Nach dem Absturz"]
    assert list(outbox.glob("*.json")) == []
    assert audit.replay(restarted.extensions["translate_app.engine"], outbox) == 0
    Database.dispose(restarted)


def test_an_acknowledged_save_is_never_logged_twice(app):
    headers = _token(app)
    client = app.test_client()
    _save_all(client, headers, ["Eins", "Zwei"])
    rows = _rows(app)
    assert len(rows) == 2 and all(r.edit_key for r in rows)
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        assert session.scalar(select(func.count(func.distinct(AuditLog.edit_key)))) == 2
