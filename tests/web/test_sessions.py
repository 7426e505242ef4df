"""Sessions end on the server: after logout, a new password or a deactivation; API tokens expire and are revoked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from translate_app import accounts
from translate_app.models import ApiToken, User, utcnow
from translate_app.web.extensions import Database

from .conftest import Auth


def _copy_session(app, source) -> object:
    """Return a second client holding a copy of another client's session cookie (another tab, a stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", source.get_cookie("session").value)
    return other


def _user(app, name: str) -> User:
    with Database.factory(app)() as session:
        return session.scalar(select(User).where(User.name == name))


def _token(app, name: str, **kwargs) -> tuple[str, int]:
    with Database.factory(app)() as session:
        value = accounts.create_token(session, session.scalar(select(User).where(User.name == name)), **kwargs)
        session.commit()
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.token_hash == accounts._hash_token(value)))
    return value, token_id


def _bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def _script(app, value: str) -> int:
    """Return the status a script with this token gets (a client without any session cookie)."""
    return app.test_client().get("/api/releases", headers=_bearer(value)).status_code


def test_a_copied_session_cookie_stops_working_after_logout(app, client, auth):
    auth.login("tr_de")
    copy = _copy_session(app, client)
    assert copy.get("/api/releases").status_code == 200
    auth.logout()
    r = copy.get("/api/releases")
    assert r.status_code == 401 and "session has ended" in r.get_json()["error"]
    page = copy.get("/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # Logging in again gives a working session.
    auth.login("tr_de")
    assert client.get("/api/releases").status_code == 200


def test_a_new_password_ends_every_other_session_but_not_the_one_that_set_it(app, client, auth):
    auth.login("tr_de")
    laptop = app.test_client()
    Auth(laptop).login("tr_de")
    assert laptop.get("/api/releases").status_code == 200
    token = auth.csrf("/account/password")
    r = client.post(
        "/account/password",
        data={"password": "a much newer password", "confirm": "a much newer password", "csrf_token": token},
    )
    assert r.status_code == 302
    assert client.get("/api/releases").status_code == 200
    assert laptop.get("/api/releases").status_code == 401
    assert Auth(laptop).login("tr_de").status_code == 401  # the old password is gone
    assert Auth(laptop).login("tr_de", "a much newer password").status_code == 302


def test_deactivation_ends_the_session_and_reactivation_does_not_revive_it(app, client, auth):
    translator = app.test_client()
    Auth(translator).login("tr_de")
    assert translator.get("/api/releases").status_code == 200
    uid = _user(app, "tr_de").id
    auth.login("coord")

    def edit(active: bool):
        token = auth.csrf("/coordinate/users")
        data = {f"u{uid}-role": "translator", f"u{uid}-languages": "de", "csrf_token": token}
        if active:
            data[f"u{uid}-active"] = "y"
        return client.post(f"/coordinate/users/{uid}", data=data)

    assert edit(False).status_code == 302
    assert translator.get("/api/releases").status_code == 401
    assert edit(True).status_code == 302
    assert translator.get("/api/releases").status_code == 401  # the old cookie stays dead
    assert Auth(translator).login("tr_de").status_code == 302
    assert translator.get("/api/releases").status_code == 200


def test_an_expired_token_is_refused(app, client):
    value, token_id = _token(app, "tr_de", expires_in_days=1)
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 200
    with Database.factory(app)() as session:
        session.get(ApiToken, token_id).expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 401


def test_token_use_is_recorded(app, client):
    value, token_id = _token(app, "tr_de")
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 200
    with Database.factory(app)() as session:
        assert session.get(ApiToken, token_id).last_used_at is not None


def test_a_new_password_and_a_deactivation_revoke_the_persons_tokens(app, client):
    value, _ = _token(app, "tr_de")
    other, _ = _token(app, "tr_fr")
    with Database.factory(app)() as session:
        accounts.set_password(session.scalar(select(User).where(User.name == "tr_de")), "another fine password")
        session.commit()
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 401
    assert client.get("/api/releases", headers=_bearer(other)).status_code == 200
    with Database.factory(app)() as session:
        session.scalar(select(User).where(User.name == "tr_fr")).active = False
        session.commit()
        session.scalar(select(User).where(User.name == "tr_fr")).active = True
        session.commit()
    assert client.get("/api/releases", headers=_bearer(other)).status_code == 401


@pytest.fixture
def cli(app, monkeypatch):
    """Run translate-app commands against the app's database."""
    from translate_app.cli import main

    settings = app.config["SETTINGS"]
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(settings.root))
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", app.config["DATABASE_URL"])

    def run(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


def test_cli_creates_lists_and_revokes_tokens(app, client, cli):
    made = cli("token", "create", "tr_de", "--expires-in", "3", "--label", "import script")
    assert made.exit_code == 0, made.output
    value = made.stdout.strip()
    assert value.startswith("ta_") and re.search(r"token \d+ for tr_de; expires: \d{4}-", made.stderr)
    token_id = int(re.search(r"token (\d+)", made.stderr).group(1))
    with Database.factory(app)() as session:
        expires = session.get(ApiToken, token_id).expires_at
    assert timedelta(days=2.9) < (expires.replace(tzinfo=None) - utcnow().replace(tzinfo=None)) < timedelta(days=3.1)
    second = cli("token", "create", "tr_de").stdout.strip()
    listed = cli("token", "list", "tr_de")
    assert listed.exit_code == 0 and "import script" in listed.output and f"{token_id:>5}  tr_de" in listed.output
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 200
    r = cli("token", "revoke", str(token_id))
    assert r.exit_code == 0 and f"token {token_id} of tr_de revoked" in r.output
    assert client.get("/api/releases", headers=_bearer(value)).status_code == 401
    assert client.get("/api/releases", headers=_bearer(second)).status_code == 200
    r = cli("token", "revoke", "--user", "tr_de")
    assert r.exit_code == 0 and "1 token of tr_de revoked" in r.output
    assert client.get("/api/releases", headers=_bearer(second)).status_code == 401
    assert cli("token", "revoke").exit_code == 2  # neither an id nor --user
    from translate_app.cli import main

    unknown = CliRunner().invoke(main, ["token", "revoke", "99999"])
    assert unknown.exit_code == 1 and "no API token 99999" in unknown.output


def _revoke_form(page: str, token_id: int) -> str:
    m = re.search(
        rf'action="/account/tokens/{token_id}/revoke">\s*<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page
    )
    assert m, f"no revoke button for token {token_id}"
    return m.group(1)


def test_the_tokens_page_lists_and_revokes_own_tokens_only(app, client, auth):
    mine, mine_id = _token(app, "tr_de", label="my <script>", expires_in_days=30)
    theirs, theirs_id = _token(app, "tr_fr")
    auth.login("tr_de")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert f"#{mine_id}" in page and "my &lt;script&gt;" in page and f"#{theirs_id}" not in page
    assert "never" in page  # not used yet
    csrf = _revoke_form(page, mine_id)
    assert client.post(f"/account/tokens/{mine_id}/revoke").status_code == 400  # no CSRF token
    assert client.post(f"/account/tokens/{theirs_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert _script(app, theirs) == 200
    r = client.post(f"/account/tokens/{mine_id}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 302
    assert _script(app, mine) == 401
    # A new token is shown once.
    r = client.post("/account/tokens", data={"label": "bot", "expires_in": "7", "csrf_token": csrf})
    created = re.search(r'value="(ta_[^"]+)"', r.get_data(as_text=True)).group(1)
    assert _script(app, created) == 200
    assert "ta_" not in client.get("/account/tokens").get_data(as_text=True)


def test_a_coordinator_sees_and_revokes_anyones_token(app, client, auth):
    theirs, theirs_id = _token(app, "tr_fr", label="fr-sync")
    auth.login("coord")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Everyone else" in page and f"#{theirs_id}" in page and "fr-sync" in page and "tr_fr" in page
    r = client.post(f"/account/tokens/{theirs_id}/revoke", data={"csrf_token": _revoke_form(page, theirs_id)})
    assert r.status_code == 302
    assert _script(app, theirs) == 401
