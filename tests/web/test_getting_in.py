"""Password links, pending invitations, how people are credited, `user set-password`, and the 0006 migration."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select

from translate_app import accounts, workflow
from translate_app.models import PasswordReset, User
from translate_app.web.extensions import Database

from .conftest import PASSWORD, Auth

NEW_PASSWORD = "a much longer new password"


def _user(app, name: str) -> User:
    with Database.factory(app)() as session:
        return session.scalar(select(User).where(User.name == name))


def _password_link(client, auth: Auth, user_id: int) -> str:
    page = client.post(
        f"/coordinate/users/{user_id}/password-link", data={"csrf_token": auth.csrf("/coordinate/users")}
    ).get_data(as_text=True)
    assert "Password link for" in page and "it works once" in page
    return re.search(r'value="http://localhost(/reset/[^"]+)" size="70" id="reset-link"', page).group(1)


def test_a_coordinator_password_link_works_once_and_ends_other_sessions(app, client, auth):
    other = app.test_client()
    assert Auth(other).login("tr_de").status_code == 302
    auth.login("coord")
    link = _password_link(client, auth, _user(app, "tr_de").id)
    with Database.factory(app)() as session:
        stored = session.scalars(select(PasswordReset.token_hash)).all()
    assert link.rsplit("/", 1)[1] not in stored  # only a hash is kept
    person = app.test_client()
    page = person.get(link).get_data(as_text=True)
    assert "A new password for <strong>tr_de</strong>" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    r = person.post(
        link, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )
    assert "Password set." in r.get_data(as_text=True) and 'class="who">tr_de · translator<' in r.get_data(as_text=True)
    assert other.get("/api/releases").status_code == 401  # the other session has ended
    assert app.test_client().get(link).status_code == 410  # once only
    assert Auth(app.test_client()).login("tr_de").status_code == 401
    assert Auth(app.test_client()).login("tr_de", NEW_PASSWORD).status_code == 302


def test_a_new_password_link_replaces_the_earlier_one(app, client, auth):
    auth.login("coord")
    user_id = _user(app, "tr_fr").id
    first = _password_link(client, auth, user_id)
    second = _password_link(client, auth, user_id)
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200


def test_the_reset_link_function_makes_an_address_to_mail(app):
    from translate_app.web.auth import password_reset_link
    from translate_app.web.extensions import db

    with app.test_request_context("/", base_url="https://translate.example.org"):
        user = db.session.scalar(select(User).where(User.name == "tr_de"))
        url = password_reset_link(user, created_by=None)
        db.session.commit()
    assert url.startswith("https://translate.example.org/reset/")
    assert app.test_client().get(url.removeprefix("https://translate.example.org")).status_code == 200


def test_pending_invitations_are_listed_renewed_and_revoked(app, client, auth):
    auth.login("coord")
    page = client.post(
        "/coordinate/users",
        data={
            "csrf_token": auth.csrf("/coordinate/users"),
            "display_name": "Olena Shevchenko",
            "name": "",
            "role": "suggester",
            "languages": "uk",
        },
    ).get_data(as_text=True)
    first = re.search(r'value="http://localhost(/invite/[^"]+)"', page).group(1)
    listing = client.get("/coordinate/users").get_data(as_text=True)
    assert 'data-invitation="olena.shevchenko"' in listing and "<strong>Olena Shevchenko</strong>" in listing
    assert "a link cannot be shown again" in listing  # honest: "New link" makes a fresh one
    inv_id = int(re.search(r"/coordinate/invitations/(\d+)/renew", listing).group(1))
    renewed = client.post(
        f"/coordinate/invitations/{inv_id}/renew", data={"csrf_token": auth.csrf("/coordinate/users")}
    ).get_data(as_text=True)
    assert "the earlier link no longer works" in renewed
    second = re.search(r'value="http://localhost(/invite/[^"]+)"', renewed).group(1)
    assert second != first
    stranger = app.test_client()
    assert stranger.get(first).status_code == 400
    invite = stranger.get(second).get_data(as_text=True)
    assert 'value="Olena Shevchenko"' in invite and "suggester" in invite
    client.post(f"/coordinate/invitations/{inv_id}/revoke", data={"csrf_token": auth.csrf("/coordinate/users")})
    assert "revoked" in stranger.get(second).get_data(as_text=True)
    assert stranger.get(second).status_code == 400
    assert 'data-invitation="olena.shevchenko"' not in client.get("/coordinate/users").get_data(as_text=True)


@pytest.mark.parametrize(
    "credit, extra, shown",
    [
        ("name", {"display_name": "Olga Petrova"}, "Olga Petrova"),
        ("pseudonym", {"display_name": "Olga Petrova", "pseudonym": "Kestrel"}, "Kestrel"),
        ("organisation", {"organisation": "Memorial"}, "Memorial"),
        ("none", {"display_name": "Olga Petrova"}, "a volunteer"),
    ],
)
def test_each_person_chooses_how_they_are_credited(app, client, auth, credit, extra, shown):
    auth.login("tr_de")
    r = client.post(
        "/account/settings",
        data={"csrf_token": auth.csrf("/account/settings"), "credit": credit, **extra},
        follow_redirects=True,
    )
    assert f"Saved: others now see you as {shown}." in r.get_data(as_text=True)
    segment = client.get("/api/releases/appeal/de/segments").get_json()[0]
    auth.api(
        "PUT",
        f"/api/releases/appeal/de/segments/{segment['id']}",
        {"translation": "Stoppt die Abschiebung", "version": segment["version"]},
    )
    auth.api("POST", f"/api/releases/appeal/de/segments/{segment['id']}/comments", {"text": "Frage"})
    auth.logout()
    auth.login("rev_de")
    history = client.get(f"/api/releases/appeal/de/segments/{segment['id']}/history").get_json()
    assert history["changes"][0]["user"] == shown and history["comments"][0]["user"] == shown
    editor = client.get("/releases/appeal/de").get_data(as_text=True)
    assert f"by {shown}" in editor
    if credit in ("pseudonym", "none"):
        assert "Olga Petrova" not in editor and "Olga Petrova" not in str(history)
    with Database.factory(app)() as session:
        assert workflow.shown_names(session)["tr_de"] == shown


def test_a_pseudonym_choice_needs_the_pseudonym(app, client, auth):
    auth.login("tr_de")
    r = client.post("/account/settings", data={"csrf_token": auth.csrf("/account/settings"), "credit": "pseudonym"})
    assert r.status_code == 400 and "Give the pseudonym to be shown." in r.get_data(as_text=True)


def test_cli_set_password_reads_stdin_never_argv(app, monkeypatch):
    from translate_app.cli import main

    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(app.config["SETTINGS"].root))
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", app.config["DATABASE_URL"])
    other = app.test_client()
    assert Auth(other).login("tr_fr").status_code == 302
    result = CliRunner().invoke(
        main, ["user", "set-password", "tr_fr", "--password-stdin"], input=NEW_PASSWORD + "\n", catch_exceptions=False
    )
    assert result.exit_code == 0 and "password of tr_fr set" in result.output
    assert other.get("/api/releases").status_code == 401
    assert Auth(app.test_client()).login("tr_fr", NEW_PASSWORD).status_code == 302
    short = CliRunner().invoke(main, ["user", "set-password", "tr_fr", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    prompted = CliRunner().invoke(
        main, ["user", "set-password", "tr_fr"], input=f"{PASSWORD}\n{PASSWORD}\n", catch_exceptions=False
    )
    assert prompted.exit_code == 0 and PASSWORD not in prompted.output


def test_migration_0006_goes_up_and_down(database_url):
    from alembic import command

    from translate_app.db import alembic_config, upgrade

    upgrade(database_url)
    engine = create_engine(database_url)
    assert {"share_links", "password_resets"} <= set(inspect(engine).get_table_names())
    assert {"credit", "pseudonym", "organisation", "link_id", "release_scope"} <= {
        c["name"] for c in inspect(engine).get_columns("users")
    }
    command.downgrade(alembic_config(database_url), "0005")
    engine.dispose()
    engine = create_engine(database_url)
    assert "share_links" not in inspect(engine).get_table_names()
    assert "credit" not in {c["name"] for c in inspect(engine).get_columns("users")}
    engine.dispose()
    upgrade(database_url)
    engine = create_engine(database_url)
    assert "share_links" in inspect(engine).get_table_names()
    engine.dispose()


def test_accounts_reset_refuses_a_deactivated_person(app):
    with Database.factory(app)() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        token = accounts.create_password_reset(session, user, created_by=None)
        user.active = False
        session.commit()
        with pytest.raises(accounts.AccountDeactivatedError):
            accounts.open_password_reset(session, token)
