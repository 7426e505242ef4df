"""Invitation and password links e-mailed when mail is configured (a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.notify_servers import SmtpSink
from translate_app.models import NotificationSettings, User
from translate_app.web.extensions import Database


@pytest.fixture
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


def _mail_on(app, smtp) -> None:
    s = app.config["SETTINGS"]
    s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_from = "127.0.0.1", smtp.port, False, "coalition@example.org"
    s.smtp_timeout = 5.0


def test_an_invitation_link_is_e_mailed_and_the_address_is_not_kept(app, auth, client, smtp):
    _mail_on(app, smtp)
    auth.login("coord")
    page = client.get("/coordinate/users").get_data(as_text=True)
    assert 'name="email"' in page
    token = auth.csrf("/coordinate/users")
    r = client.post(
        "/coordinate/users",
        data={
            "csrf_token": token,
            "display_name": "Olena Shevchenko",
            "role": "translator",
            "languages": "de",
            "email": "olena@example.org",
        },
        follow_redirects=True,
    )
    body = r.get_data(as_text=True)
    assert "The link was also e-mailed." in body
    shown = re.search(r'value="([^"]+)" size="70" id="invite-link"', body)
    assert smtp.envelopes and smtp.envelopes[0][1] == ["olena@example.org"]
    assert shown and shown.group(1) in smtp.messages[0].get_body(("plain",)).get_content()
    assert "olena@example.org" not in client.get("/coordinate/users").get_data(as_text=True)


def test_a_password_link_goes_to_the_address_in_the_persons_settings(app, auth, client, smtp):
    _mail_on(app, smtp)
    with Database.factory(app)() as session:
        user = session.scalar(select(User).where(User.name == "tr_de"))
        session.add(NotificationSettings(user_id=user.id, email="tr@example.org"))
        session.commit()
        uid = user.id
    auth.login("coord")
    token = auth.csrf("/coordinate/users")
    r = client.post(f"/coordinate/users/{uid}/password-link", data={"csrf_token": token})
    body = r.get_data(as_text=True)
    assert "also e-mailed to the address they gave" in body
    assert smtp.envelopes[-1][1] == ["tr@example.org"]
    shown = re.search(r"(http://localhost/\S+)", body)
    assert shown and shown.group(1).rstrip('"<') in smtp.messages[-1].get_body(("plain",)).get_content()


def test_without_mail_the_link_is_only_shown(app, auth, client):
    auth.login("coord")
    page = client.get("/coordinate/users").get_data(as_text=True)
    assert 'name="email"' not in page
