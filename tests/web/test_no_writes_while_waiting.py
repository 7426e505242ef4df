"""No request holds a database write transaction while it waits for a catalog write; GET requests write nothing."""

from __future__ import annotations

import time

from sqlalchemy import event, func, select


def _token(app, name: str) -> str:
    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == name)))
        session.commit()
    return token


def test_first_approval_of_a_fresh_release_answers_at_once(app):
    """Issue 11.1: the first request touching a release's row no longer deadlocks with the committer for 30 s."""
    client = app.test_client()
    coord = {"Authorization": f"Bearer {_token(app, 'coord')}"}
    translator = {"Authorization": f"Bearer {_token(app, 'tr_de')}"}
    segments = client.get("/api/releases/appeal/de/segments", headers=translator).get_json()
    first = segments[0]
    saved = client.put(
        f"/api/releases/appeal/de/segments/{first['id']}",
        headers=translator,
        json={"translation": "Stoppt die Abschiebung", "version": first["version"]},
    )
    assert saved.status_code == 200, saved.get_json()
    start = time.monotonic()
    approved = client.post(
        f"/api/releases/appeal/de/segments/{first['id']}/approve",
        headers=coord,
        json={"version": saved.get_json()["version"]},
    )
    elapsed = time.monotonic() - start
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["state"] == "approved"
    assert elapsed < 10, f"approval took {elapsed:.1f} s (the 30 s lock wait is back)"


def test_get_requests_write_nothing(app, auth):
    """Every page and API read a person opens leaves the database as it was (no INSERT, UPDATE or DELETE)."""
    from translate_app.models import Release
    from translate_app.web.extensions import Database

    auth.login("coord")
    writes: list[str] = []
    engine = app.extensions["translate_app.engine"]

    def _record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement.split("\n", 1)[0][:80])

    event.listen(engine, "before_cursor_execute", _record)
    try:
        for path in (
            "/",
            "/coordinate/",
            "/coordinate/releases/appeal",
            "/coordinate/users",
            "/releases/appeal/de",
            "/releases/appeal/he",
            "/releases/appeal/de/preview",
            "/api/releases",
            "/api/releases/appeal/de/segments",
        ):
            assert auth.client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", _record)
    assert writes == []
    with Database.factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(Release)) == 0


def test_release_settings_create_the_row_when_saved(app, auth):
    """A release without a row shows its defaults, and saving its settings stores them."""
    from translate_app.models import Release
    from translate_app.web.extensions import Database

    auth.login("coord")
    page = auth.client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert "Stop the deportation" in page
    token = auth.csrf("/coordinate/releases/appeal")
    answer = auth.client.post(
        "/coordinate/releases/appeal",
        data={"csrf_token": token, "title": "Appeal for Maksim", "deadline": "2026-12-04", "self_review": "y"},
    )
    assert answer.status_code == 302
    with Database.factory(app)() as session:
        rel = session.scalar(select(Release).where(Release.name == "appeal"))
        assert rel.title == "Appeal for Maksim" and rel.self_review and str(rel.deadline) == "2026-12-04"
