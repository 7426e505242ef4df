"""Translating, reviewing and publishing through the pages and the JSON API."""

from __future__ import annotations

import pytest

from translate_app.core.catalog import load


def segments(auth, lang="de"):
    r = auth.api("GET", f"/api/releases/appeal/{lang}/segments")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_login_and_dashboard(client, auth):
    assert client.get("/").status_code == 302
    r = auth.login("tr_de", "wrong password!!")
    assert r.status_code == 401
    r = auth.login("tr_de")
    assert r.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "German" in page and "French" not in page
    assert 'class="progress"' in page


def test_translate_review_publish(client, auth, app, web_project):
    auth.login("tr_de")
    segs = segments(auth)
    assert [s["state"] for s in segs] == ["untranslated"] * len(segs)
    first = segs[0]
    r = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{first['id']}",
        {"translation": "Stoppt die Abschiebung", "version": first["version"]},
    )
    assert r.status_code == 200
    saved = r.get_json()
    assert saved["state"] == "translated" and saved["version"] != first["version"]
    # The catalog on disk is the truth.
    po = load(web_project / "locales/de/LC_MESSAGES/appeal.po")
    assert po.find(first["source"]).msgstr == "Stoppt die Abschiebung"
    # A translator cannot approve.
    r = auth.api("POST", f"/api/releases/appeal/de/segments/{first['id']}/approve", {"version": saved["version"]})
    assert r.status_code == 403
    auth.logout()

    auth.login("rev_de")
    for seg in segments(auth):
        if seg["state"] == "untranslated":
            text = seg["source"].replace("Court", "Gericht")
            r = auth.api(
                "PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": text, "version": seg["version"]}
            )
            assert r.status_code == 200
    # Own translations need another reviewer unless self-review is allowed.
    own = [s for s in segments(auth) if s["translated_by"] == "rev_de"]
    r = auth.api("POST", f"/api/releases/appeal/de/segments/{own[0]['id']}/approve", {"version": own[0]["version"]})
    assert r.status_code == 403 and "another reviewer" in r.get_json()["error"]
    auth.logout()

    auth.login("rev2_de")
    for seg in segments(auth):
        r = auth.api("POST", f"/api/releases/appeal/de/segments/{seg['id']}/approve", {"version": seg["version"]})
        assert r.status_code == 200, r.get_json()
    assert {s["state"] for s in segments(auth)} == {"approved"}
    r = auth.api("POST", "/api/releases/appeal/de/publish")
    assert r.status_code == 403  # reviewers do not publish
    auth.logout()

    auth.login("coord")
    r = auth.api("POST", "/api/releases/appeal/fr/publish")
    assert r.status_code == 409 and "not approved" in r.get_json()["error"]
    r = auth.api("POST", "/api/releases/appeal/de/publish")
    assert r.status_code == 200
    html = client.get("/coordinate/releases/appeal/de/published.html")
    assert html.status_code == 200
    assert b'<html lang="de" dir="ltr">' in html.data and "Stoppt die Abschiebung" in html.get_data(as_text=True)
    zipped = client.get("/coordinate/releases/appeal/published.zip")
    assert zipped.status_code == 200 and zipped.data[:2] == b"PK"
    page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert "published" in page
    # A source correction makes the published language stale.
    src = web_project / "source/appeal.md"
    src.write_text(src.read_text().replace("Respect the ruling of 2023.", "Respect the rulings of 2023."))
    r = auth.api("POST", "/coordinate/releases/appeal/update")
    r = client.post("/coordinate/releases/appeal/update", data={"csrf_token": auth.csrf("/coordinate/releases/appeal")})
    assert r.status_code == 302
    assert "published, stale" in client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert client.get("/api/releases").get_json()[0]["published"]["de"] == "stale"


def test_stale_version_is_a_conflict_not_an_overwrite(client, auth):
    auth.login("tr_de")
    seg = segments(auth)[1]
    r1 = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{seg['id']}",
        {"translation": "Erste Fassung", "version": seg["version"]},
    )
    assert r1.status_code == 200
    r2 = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{seg['id']}",
        {"translation": "Zweite Fassung", "version": seg["version"]},
    )
    assert r2.status_code == 409
    body = r2.get_json()
    assert body["current"]["translation"] == "Erste Fassung" and "error" in body
    assert segments(auth)[1]["translation"] == "Erste Fassung"
    # Same request twice (a double submit, or a retry after a lost answer): the second is answered as the
    # success it was, with the stored segment, not as a conflict with the person's own text (issue 11.9).
    v = body["current"]["version"]
    first = auth.api("PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": "Dritte", "version": v})
    assert first.status_code == 200
    again = auth.api("PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": "Dritte", "version": v})
    assert again.status_code == 200 and again.get_json()["version"] == first.get_json()["version"]


def test_script_in_a_translation_is_shown_as_text(client, auth):
    auth.login("tr_de")
    seg = segments(auth)[0]
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = auth.api(
        "PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": evil, "version": seg["version"]}
    )
    assert r.status_code == 200
    assert any(c["id"] == "html" for c in r.get_json()["checks"])
    page = client.get("/releases/appeal/de").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    preview = client.get("/releases/appeal/de/preview").get_data(as_text=True)
    assert "<script>alert" not in preview and "&lt;script&gt;" in preview


def test_hebrew_editor_is_right_to_left(client, auth):
    auth.login("coord")
    page = client.get("/releases/appeal/he").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="he"' in page


def test_api_with_bearer_token_needs_no_csrf(client, app):
    from sqlalchemy import select

    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == "tr_de")))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    segs = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()
    r = client.put(
        f"/api/releases/appeal/de/segments/{segs[0]['id']}",
        headers=headers,
        json={"translation": "Per Skript", "version": segs[0]["version"]},
    )
    assert r.status_code == 200
    assert client.get("/api/releases/appeal/fr/segments", headers=headers).status_code == 403
    bad = client.get("/api/releases", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.get_json() == {"error": "authentication required"}


def test_a_token_follows_its_users_rights_at_once(client, app):
    """The token's person is read on every request: a change of rights or a deactivation counts at once."""
    from sqlalchemy import select

    from translate_app import accounts
    from translate_app.models import Membership, User
    from translate_app.web.extensions import Database

    sessions = Database.factory(app)
    with sessions() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        token = accounts.create_token(session, user)
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    seg = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()[0]
    seg = client.put(
        f"/api/releases/appeal/de/segments/{seg['id']}",
        headers=headers,
        json={"translation": "Stoppt die Abschiebung", "version": seg["version"]},
    ).get_json()
    approve = f"/api/releases/appeal/de/segments/{seg['id']}/approve"
    r = client.post(approve, headers=headers, json={"version": seg["version"]})
    assert r.status_code == 403 and "reviewer role" in r.get_json()["error"]
    assert client.get("/api/releases/appeal/fr/segments", headers=headers).status_code == 403
    with sessions() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        user.role = "reviewer"
        user.memberships.append(Membership(language="fr"))
        session.commit()
    assert client.get("/api/releases/appeal/fr/segments", headers=headers).status_code == 200
    r = client.post(approve, headers=headers, json={"version": seg["version"]})
    assert r.status_code == 403 and "another reviewer" in r.get_json()["error"]  # a reviewer now; not of own work
    with sessions() as session:
        session.scalar(select(User).where(User.name == "tr_de")).active = False
        session.commit()
    assert client.get("/api/releases", headers=headers).status_code == 401


def test_a_token_user_with_a_one_time_password_must_change_it(client, app):
    from sqlalchemy import select

    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    sessions = Database.factory(app)
    with sessions() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        user.must_change_password = True
        token = accounts.create_token(session, user)
        session.commit()
    r = client.get("/api/releases", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and "one-time password" in r.get_json()["error"]


def test_session_api_without_csrf_is_refused(client, auth):
    auth.login("tr_de")
    seg = segments(auth)[0]
    r = client.put(
        f"/api/releases/appeal/de/segments/{seg['id']}", json={"translation": "x", "version": seg["version"]}
    )
    assert r.status_code == 400 and "CSRF" in r.get_json()["error"]


def test_unknown_release_or_language_is_a_404_page(client, auth):
    auth.login("coord")
    for path in ("/releases/nope/de", "/releases/appeal/xx", "/releases/appeal/ar", "/releases/..%2F..%2Fetc/de"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Traceback" not in r.get_data(as_text=True)
    assert client.get("/api/releases/nope/de/segments").get_json()["error"]


def test_login_is_rate_limited(client, auth):
    for _ in range(5):
        assert auth.login("tr_de", "wrong password!!").status_code == 401
    assert auth.login("tr_de").status_code == 429


def test_invitation_flow(client, auth):
    import re

    auth.login("coord")
    token = auth.csrf("/coordinate/users")
    r = client.post(
        "/coordinate/users", data={"name": "olena", "role": "translator", "languages": "uk", "csrf_token": token}
    )
    link = re.search(r'value="(http://[^"]+/invite/[^"]+)"', r.get_data(as_text=True)).group(1)
    auth.logout()
    path = link.split("localhost", 1)[1]
    token = auth.csrf(path)
    r = client.post(path, data={"password": "a long secret!", "confirm": "a long secret!", "csrf_token": token})
    assert r.status_code == 302
    assert "My languages" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get(path).status_code == 409  # used once: a conflict, as for parallel acceptances


def test_comments_and_history(client, auth):
    auth.login("tr_de")
    seg = segments(auth)[0]
    auth.api("PUT", f"/api/releases/appeal/de/segments/{seg['id']}", {"translation": "Eins", "version": seg["version"]})
    r = auth.api("POST", f"/api/releases/appeal/de/segments/{seg['id']}/comments", {"text": "Is 'Gericht' right?"})
    assert r.status_code == 201
    h = auth.api("GET", f"/api/releases/appeal/de/segments/{seg['id']}/history").get_json()
    assert h["changes"][0]["new"] == "Eins" and h["changes"][0]["user"] == "tr_de"
    assert h["comments"][0]["text"] == "Is 'Gericht' right?"


def test_add_release_by_upload(client, auth, web_project):
    import io

    auth.login("coord")
    token = auth.csrf("/coordinate/releases/new")
    data = {
        "languages": "uk,ar",
        "csrf_token": token,
        "deadline": "2026-12-01",
        "upload": (io.BytesIO(b"# Hello\n\nA statement.\n"), "statement.md"),
    }
    r = client.post("/coordinate/releases/new", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert (web_project / "locales/ar/LC_MESSAGES/statement.po").is_file()
    bad = {"languages": "uk", "csrf_token": token, "upload": (io.BytesIO(b"\x00\x01binary"), "evil.md")}
    r = client.post("/coordinate/releases/new", data=bad, content_type="multipart/form-data")
    assert r.status_code == 400 and "binary" in r.get_data(as_text=True)
    wrong = {"languages": "uk", "csrf_token": token, "upload": (io.BytesIO(b"x"), "evil.exe")}
    assert client.post("/coordinate/releases/new", data=wrong, content_type="multipart/form-data").status_code == 400
    assert not (web_project / "source/evil.md").exists()


def test_one_time_password_must_be_changed(app, client, auth, web_project):
    from translate_app.config import Settings
    from translate_app.web.serve import prepare

    settings = app.config["SETTINGS"]
    # prepare() makes a first coordinator only when there is nobody yet.
    assert prepare(settings) is None
    from sqlalchemy import delete

    from translate_app.models import Membership, User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        session.execute(delete(Membership))
        session.execute(delete(User))
        session.commit()
    password = prepare(Settings(root=web_project, database_url=settings.database_url, secret_key="x"))
    assert password
    r = auth.login("coordinator", password)
    assert r.headers["Location"].endswith("/account/password")
    assert client.get("/").status_code == 302
    token = auth.csrf("/account/password")
    r = client.post(
        "/account/password",
        data={"password": "my own long secret", "confirm": "my own long secret", "csrf_token": token},
    )
    assert r.status_code == 302
    assert client.get("/").status_code == 200


def test_glossary_terms_are_checked_in_the_editor_and_the_api(client, auth, web_project):
    (web_project / "source/appeal.glossary.yml").write_text("keep:\n  - Maksim Kuzmin\n", encoding="utf-8")
    auth.login("tr_de")
    seg = next(s for s in segments(auth) if "Maksim Kuzmin" in s["source"])
    r = auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{seg['id']}",
        {
            "translation": "Die Organisationen rufen das **Gericht** auf, [M. K.](https://example.org/mk) zu schützen.",
            "version": seg["version"],
        },
    )
    assert "glossary" in [c["id"] for c in r.get_json()["checks"]]
    live = auth.api(
        "POST",
        "/api/checks",
        {"source": seg["source"], "translation": "ohne Namen", "language": "de", "release": "appeal"},
    ).get_json()
    assert "glossary" in [c["id"] for c in live]
    assert "Glossary terms" in client.get("/releases/appeal/de").get_data(as_text=True)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no connection to lose
def test_a_token_lookup_outlives_a_dropped_database_connection(client, app, database_url):
    """Token lookups skip the ping before use; a connection the server dropped is replaced on the spot."""
    from sqlalchemy import create_engine, select, text

    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == "tr_de")))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/releases", headers=headers).status_code == 200  # pools a lookup connection
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with admin.begin() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND query LIKE '%api_tokens.token_hash%'"
            )
        ).scalar()
    admin.dispose()
    assert killed >= 1
    assert client.get("/api/releases", headers=headers).status_code == 200
