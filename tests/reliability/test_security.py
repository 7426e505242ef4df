"""Security tests that fail when a protection is removed: sessions end on the server, login throttling,
no privilege escalation, one winner per invitation, bad upload names, and the security headers."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import threading

import pytest
from flask import url_for
from sqlalchemy import select

from tests.web.conftest import PASSWORD, Auth
from translate_app import accounts
from translate_app.models import User
from translate_app.web.extensions import Database

WRONG = "not the password at all"


def _uid(app, name: str) -> int:
    with Database.factory(app)() as session:
        return session.scalar(select(User.id).where(User.name == name))


# -- sessions --------------------------------------------------------------------


def test_a_stolen_session_cookie_dies_with_logout(app, client, auth):
    auth.login("coord")
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/coordinate/users").status_code == 200
    auth.logout()
    assert thief.get("/coordinate/users").status_code == 302
    assert thief.get("/api/releases").status_code == 401


def test_a_stolen_session_cookie_dies_with_a_new_password(app, client, auth):
    thief = app.test_client()
    Auth(thief).login("tr_de")
    with Database.factory(app)() as session:
        accounts.set_password(session.scalar(select(User).where(User.name == "tr_de")), "the victim's new password")
        session.commit()
    assert thief.get("/api/releases").status_code == 401


def test_a_deactivated_persons_session_and_tokens_stay_dead_after_reactivation(app):
    who = app.test_client()
    Auth(who).login("tr_de")
    with Database.factory(app)() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        token = accounts.create_token(session, user)
        session.commit()
        user.active = False
        session.commit()
        user.active = True
        session.commit()
    assert who.get("/api/releases").status_code == 401
    assert app.test_client().get("/api/releases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


# -- throttling --------------------------------------------------------------------


def test_guessing_is_throttled_for_known_and_unknown_names_alike(client, auth):
    for name in ("tr_de", "nobody_here"):
        for _ in range(accounts.FREE_FAILURES_PER_NAME):
            assert auth.login(name, WRONG).status_code == 401
        r = auth.login(name, PASSWORD)
        assert r.status_code == 429 and "Retry-After" in r.headers  # the right password waits too


def test_a_login_burst_is_turned_away_before_it_hashes(app, client, auth, monkeypatch):
    """With every place of the login gate taken, a login is answered 503 at once."""
    gate = accounts.LoginGate(at_once=1, waiting=0, wait_seconds=0.01)
    monkeypatch.setattr(accounts, "LOGIN_GATE", gate)
    with gate.enter():
        r = auth.login("tr_de")
    assert r.status_code == 503 and int(r.headers["Retry-After"]) >= 1
    assert auth.login("tr_de").status_code == 302


# -- privilege escalation ------------------------------------------------------------

_ARGS = {"release": "appeal", "language": "de", "fmt": "md", "kind": "pdf", "invitation_id": 1, "link_id": 1}


def _coordinator_urls(app) -> list[tuple[str, str]]:
    """Every coordinator route with its methods, built with real arguments."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("coordinate.") and rule.endpoint not in ("links.manage", "links.revoke"):
                continue
            args = {a: (_uid(app, "tr_de") if a == "user_id" else _ARGS[a]) for a in rule.arguments}
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                urls.append((method, url_for(rule.endpoint, **args)))
    return urls


def test_a_translator_cannot_use_any_coordinator_route(app, client, auth):
    auth.login("tr_de")
    token = auth.csrf("/")
    urls = _coordinator_urls(app)
    assert len(urls) >= 10
    for method, url in urls:
        r = client.open(url, method=method, data={"csrf_token": token})
        assert r.status_code == 403, f"{method} {url}: {r.status_code}"


def test_a_translator_cannot_raise_their_own_role(app, client, auth):
    uid = _uid(app, "tr_de")
    auth.login("tr_de")
    token = auth.csrf("/")
    r = client.post(
        f"/coordinate/users/{uid}",
        data={f"u{uid}-role": "coordinator", f"u{uid}-languages": "de", f"u{uid}-active": "y", "csrf_token": token},
    )
    assert r.status_code == 403
    with Database.factory(app)() as session:
        assert session.get(User, uid).role == "translator"


def test_api_tokens_carry_no_more_rights_than_their_person(app, client):
    with Database.factory(app)() as session:
        value = accounts.create_token(session, session.scalar(select(User).where(User.name == "tr_de")))
        session.commit()
    headers = {"Authorization": f"Bearer {value}"}
    assert client.post("/api/releases/appeal/de/publish", headers=headers).status_code == 403
    assert client.post("/api/releases/appeal/pretranslate", headers=headers, json={}).status_code == 403
    assert client.get("/api/releases/appeal/fr/segments", headers=headers).status_code == 403
    assert client.get("/coordinate/users", headers=headers).status_code == 403


def test_nobody_revokes_another_persons_token_but_a_coordinator(app, client, auth):
    with Database.factory(app)() as session:
        value = accounts.create_token(session, session.scalar(select(User).where(User.name == "tr_fr")))
        session.commit()
        token_id = accounts.tokens_of(session)[0].id
    auth.login("tr_de")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert f"#{token_id}" not in page
    r = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": auth.csrf("/account/tokens")})
    assert r.status_code == 404
    assert app.test_client().get("/api/releases", headers={"Authorization": f"Bearer {value}"}).status_code == 200


# -- invitations and uploads ------------------------------------------------------------


def test_parallel_acceptances_of_one_invitation_have_one_winner(app, client, auth):
    with Database.factory(app)() as session:
        secret = accounts.create_invitation(
            session, name="new_one", role="translator", languages=["de"], created_by=None
        )
        session.commit()
    path = f"/invite/{secret}"
    people = [Auth(app.test_client()) for _ in range(4)]
    tokens = [p.csrf(path) for p in people]
    barrier = threading.Barrier(4)
    statuses = []

    def accept(p: Auth, token: str) -> None:
        barrier.wait()
        r = p.client.post(
            path,
            data={
                "password": "my own password",
                "confirm": "my own password",
                "display_name": "New One",
                "csrf_token": token,
            },
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=accept, args=(p, t)) for p, t in zip(people, tokens, strict=False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 409, 409, 409], statuses
    late = app.test_client().get(path)  # and whoever comes later
    assert late.status_code == 409 and "already used" in late.get_data(as_text=True)
    with Database.factory(app)() as session:
        assert len(session.scalars(select(User).where(User.name == "new_one")).all()) == 1


def _upload(client, auth, filename: str):
    token = auth.csrf("/coordinate/releases/new")
    return client.post(
        "/coordinate/releases/new",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "existing": "",
            "deadline": "",
            "title": "",
            "languages": "German",
            "upload": (io.BytesIO(b"# A title\n\nA paragraph.\n"), filename),
        },
    )


def test_a_nul_in_an_upload_name_is_refused_with_400(client, auth, web_project):
    auth.login("coord")
    r = _upload(client, auth, "state\x00ment.md")
    assert r.status_code == 400 and "control character" in r.get_data(as_text=True)


def test_a_markdown_extension_upload_is_accepted(client, auth, web_project):
    auth.login("coord")
    r = _upload(client, auth, "statement.markdown")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert (web_project / "source" / "statement.md").is_file()
    assert (web_project / "locales" / "de" / "LC_MESSAGES" / "statement.po").is_file()


# -- headers ------------------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    return {
        d.split()[0]: d.partition(" ")[2]
        for d in (x.strip() for x in response.headers["Content-Security-Policy"].split(";"))
        if d
    }


def test_the_content_security_policy_is_strict(client, auth):
    auth.login("tr_de")
    for path in ("/login", "/", "/account/tokens"):
        policy = _policy(client.get(path))
        assert "'unsafe-inline'" not in " ".join(policy.values()), path
        assert policy["img-src"] == "'self' data:" and policy["style-src"] == "'self'"
        assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"


def test_the_preview_allows_exactly_its_own_style_elements(client, auth):
    auth.login("tr_de")
    r = client.get("/releases/appeal/de/preview")
    assert r.status_code == 200
    styles = re.findall(r"<style>(.*?)</style>", r.get_data(as_text=True), re.S)
    assert styles
    allowed = _policy(r)["style-src"].split()
    for body in styles:
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        assert digest in allowed
    assert "'unsafe-inline'" not in allowed and len(allowed) == 1 + len(styles)


@pytest.mark.parametrize("secure", [True, False])
def test_hsts_is_sent_when_cookies_are_secure(web_project, secure):
    from translate_app import create_app
    from translate_app.config import Settings

    settings = Settings(
        root=web_project, secret_key="t", database_url=f"sqlite:///{web_project / 'h.sqlite3'}", secure_cookies=secure
    )
    app = create_app({"SETTINGS": settings, "TESTING": True})
    try:
        r = app.test_client().get("/login")
        assert ("Strict-Transport-Security" in r.headers) is secure
        if secure:
            assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    finally:
        Database.dispose(app)
