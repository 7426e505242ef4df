"""Notifications: events recorded when things happen, digests sent by a real SMTP server and webhook receiver.

The SMTP server (aiosmtpd) and the webhook receiver run on 127.0.0.1 in this
test; the delivery job is the real one, called with a chosen `now` where the
test needs an hour to pass.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.notify_servers import SmtpSink, WebhookReceiver
from translate_app import mail, notifications
from translate_app.models import NotificationDigest, NotificationEvent, Release, User, utcnow
from translate_app.notifications_delivery import MAX_ATTEMPTS, NotificationWorker, deliver_due
from translate_app.web.extensions import Database

BASE = "/api/releases/appeal/de"


@pytest.fixture
def smtp():
    """Run a real SMTP server on 127.0.0.1."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def hook():
    """Run a webhook receiver on 127.0.0.1."""
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def settings(app, smtp):
    """Return the app's settings, pointed at the test SMTP server (no TLS on 127.0.0.1), gathering nothing."""
    s = app.config["SETTINGS"]
    s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_from = "127.0.0.1", smtp.port, False, "news@example.org"
    s.smtp_timeout = 5.0
    s.notify_webhook_private = True  # the receiver is on 127.0.0.1
    s.notify_gather_seconds = 0.0
    return s


@pytest.fixture
def sessions(app):
    return Database.factory(app)


def user_id(sessions, name: str) -> int:
    with sessions() as session:
        return session.scalar(select(User.id).where(User.name == name))


def choose(sessions, name: str, *, email: str | None = None, webhook: str | None = None, **choices: str) -> None:
    """Save a person's preferences as the page does."""
    with sessions() as session:
        user = session.scalar(select(User).where(User.name == name))
        notifications.save_preferences(session, user=user, email=email, webhook_url=webhook, choices=choices)


def events(sessions, **where) -> list[NotificationEvent]:
    with sessions() as session:
        query = select(NotificationEvent).order_by(NotificationEvent.id)
        for key, value in where.items():
            query = query.where(getattr(NotificationEvent, key) == value)
        return list(session.scalars(query))


def first_segment(auth) -> dict:
    r = auth.api("GET", f"{BASE}/segments")
    assert r.status_code == 200
    return r.get_json()[0]


def translate_first(auth, name="tr_de", text="Stoppt die Abschiebung") -> dict:
    auth.login(name)
    seg = first_segment(auth)
    r = auth.api("PUT", f"{BASE}/segments/{seg['id']}", {"translation": text, "version": seg["version"]})
    assert r.status_code == 200, r.get_json()
    auth.logout()
    notifications.flush()
    return r.get_json()


def comment(auth, name: str, segment_id: str, text: str) -> None:
    r = auth.api("POST", f"{BASE}/segments/{segment_id}/comments", {"text": text})
    assert r.status_code == 201, r.get_json()


# -- mail -------------------------------------------------------------------------------------------


def test_invitation_and_password_reset_mails_arrive_in_html_and_text(settings, smtp):
    expires = utcnow() + timedelta(days=7)
    mail.send_invitation(
        settings=settings,
        to="olena@example.org",
        link="https://t.example/invite/abc",
        inviter="Mira",
        role="translator",
        languages=["uk", "he"],
        expires_at=expires,
    )
    mail.send_password_reset(settings=settings, to="olena@example.org", link="https://t.example/reset/xyz")
    assert [e[1] for e in smtp.envelopes] == [["olena@example.org"], ["olena@example.org"]]
    invite, reset = smtp.messages
    assert invite["Subject"] == "You are invited to translate with translate-app"
    assert invite["From"].addresses[0].addr_spec == "news@example.org"
    assert invite["Message-ID"] and invite["Date"] and invite["Auto-Submitted"] == "auto-generated"
    assert invite.get_content_type() == "multipart/alternative"
    text = invite.get_body(("plain",)).get_content()
    html = invite.get_body(("html",)).get_content()
    assert "Mira invites you" in text and "Ukrainian, Hebrew" in text and "https://t.example/invite/abc" in text
    assert '<a href="https://t.example/invite/abc"' in html and expires.strftime("%Y-%m-%d") in html
    assert invite.get_body(("plain",)).get_content_charset() == "utf-8"
    assert "https://t.example/reset/xyz" in reset.get_body(("plain",)).get_content()


def test_mail_is_configured_only_with_a_host_and_refuses_bad_addresses(app, monkeypatch):
    from translate_app.config import Settings

    s = Settings()
    assert not s.mail_configured
    with pytest.raises(mail.MailNotConfiguredError):
        mail.send_password_reset(settings=s, to="a@example.org", link="https://t.example/r")
    monkeypatch.setenv("TRANSLATE_APP_SMTP_URL", "smtps://bot%40org:s%3Acret@mail.example.org:2465")
    s = Settings.from_env()
    assert (s.smtp_host, s.smtp_port, s.smtp_ssl, s.smtp_starttls, s.smtp_user, s.smtp_password) == (
        "mail.example.org",
        2465,
        True,
        False,
        "bot@org",
        "s:cret",
    )
    assert s.mail_configured
    monkeypatch.setenv("TRANSLATE_APP_SMTP_HOST", "relay.example.org")  # a single setting wins over the URL
    assert Settings.from_env().smtp_host == "relay.example.org"
    monkeypatch.setenv("TRANSLATE_APP_SMTP_URL", "ftp://mail.example.org")
    with pytest.raises(ValueError, match="SMTP_URL"):
        Settings.from_env()
    for bad in ("", "no-at-sign", "a@b", "two@@example.org", "a b@example.org", "x@example.org\nBcc: y@z.org"):
        with pytest.raises(mail.InvalidAddressError):
            mail.clean_address(bad)


# -- preferences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://",
        "https://exa mple.org/x",
        "example.org/hook",
    ],
)
def test_webhook_urls_must_be_http_or_https(url):
    with pytest.raises(notifications.InvalidPreferencesError):
        notifications.clean_webhook_url(url)


def test_webhooks_to_private_addresses_are_refused_unless_allowed():
    with pytest.raises(notifications.WebhookRefusedError, match="private"):
        notifications.check_webhook_target("http://127.0.0.1:7599/x", allow_private=False)
    with pytest.raises(notifications.WebhookRefusedError):
        notifications.check_webhook_target("http://[::1]/x", allow_private=False)
    notifications.check_webhook_target("http://127.0.0.1:7599/x", allow_private=True)


def test_a_channel_needs_its_address(sessions):
    with pytest.raises(notifications.InvalidPreferencesError, match="needs an e-mail address"):
        choose(sessions, "tr_de", segment_activity="email")
    with pytest.raises(notifications.InvalidPreferencesError, match="needs a webhook URL"):
        choose(sessions, "tr_de", email="t@example.org", review_needed="webhook")
    with pytest.raises(notifications.InvalidPreferencesError, match="unknown way"):
        choose(sessions, "tr_de", email="t@example.org", review_needed="pigeon")


def test_preferences_page_saves_the_persons_own_settings_with_csrf(client, auth, sessions):
    auth.login("tr_de")
    page = client.get("/account/notifications")
    assert page.status_code == 200 and "A segment of mine commented on" in page.get_data(as_text=True)
    assert "Segments waiting for review" not in page.get_data(as_text=True)  # a translator reviews nothing
    r = client.post("/account/notifications", data={"email": "tr@example.org", "segment_activity": "email"})
    assert r.status_code == 400  # no CSRF token
    token = auth.csrf("/account/notifications")
    data = {
        "csrf_token": token,
        "email": "tr@example.org",
        "webhook_url": "",
        "segment_activity": "email",
        "new_release": "email",
        "source_corrected": "none",
        "review_needed": "none",
        "deadline_near": "email",
    }
    r = client.post("/account/notifications", data=data)
    assert r.status_code == 302
    html = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="tr@example.org"' in html and "Notification settings saved." in html
    with sessions() as session:
        prefs = notifications.preferences(session, user_id(sessions, "tr_de"))
    assert prefs.choices["deadline_near"] == "email" and prefs.channel("review_needed") == "none"
    r = client.post("/account/notifications", data={**data, "webhook_url": "ftp://x.org", "review_needed": "webhook"})
    assert r.status_code == 400 and "https://" in r.get_data(as_text=True)
    auth.logout()
    # Nobody else sees the address: not the coordinator's page of volunteers, not another person's settings page.
    auth.login("coord")
    assert "Segments waiting for review" in client.get("/account/notifications").get_data(as_text=True)
    for path in ("/coordinate/users", "/account/notifications", "/coordinate/"):
        assert "tr@example.org" not in client.get(path).get_data(as_text=True), path


# -- events and digests -----------------------------------------------------------------------------


def test_a_burst_of_79_comments_is_one_mail_within_the_hour(settings, smtp, sessions, auth):
    """Weblate#14130 sent 79 digest e-mails in one morning; here a burst is one digest, the rest an hour later."""
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    seg = translate_first(auth)
    auth.login("rev_de")
    start = utcnow()
    # Two delivery workers run while the comments come in, as two gunicorn workers would.
    workers = [NotificationWorker(settings, sessions, tick=0.01, deadline_every=3600) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        for i in range(79):
            comment(auth, "rev_de", seg["id"], f"Bemerkung {i}: bitte „Gericht“ prüfen")
    finally:
        for w in workers:
            w.stop()
    assert len(smtp.messages) == 1, [m["Subject"] for m in smtp.messages]
    # Within the hour nothing more goes out, whoever delivers.
    for minutes in (1, 30, 59):
        deliver_due(settings=settings, sessions=sessions, now=start + timedelta(minutes=minutes))
    assert len(smtp.messages) == 1
    report = deliver_due(settings=settings, sessions=sessions, now=start + timedelta(minutes=61))
    assert report.messages == 1 and len(smtp.messages) == 2
    sent = events(sessions, user_id=user_id(sessions, "tr_de"))
    assert len(sent) == 79 and all(e.status == "sent" for e in sent)
    # Every comment is in exactly one of the two mails.
    bodies = [m.get_body(("plain",)).get_content() for m in smtp.messages]
    for i in range(79):
        assert sum(f"Bemerkung {i}:" in body for body in bodies) == 1, i
    assert "„Gericht“" in bodies[1] and "rev_de" in bodies[1]
    assert all(m["To"] == "tr@example.org" for m in smtp.messages)


def test_a_burst_gathered_for_a_minute_is_a_single_digest(settings, smtp, sessions, auth):
    settings.notify_gather_seconds = 60.0
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    seg = translate_first(auth)
    auth.login("rev_de")
    for i in range(79):
        comment(auth, "rev_de", seg["id"], f"Bemerkung {i}")
    now = utcnow()
    assert deliver_due(settings=settings, sessions=sessions, now=now).deferred == 79 and not smtp.messages
    report = deliver_due(settings=settings, sessions=sessions, now=now + timedelta(seconds=61))
    assert report.messages == 1 and report.events_sent == 79
    assert smtp.messages[0]["Subject"] == "appeal: 79 updates"


def test_no_double_sending_when_workers_race(settings, smtp, sessions, auth):
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    seg = translate_first(auth)
    auth.login("rev_de")
    for i in range(5):
        comment(auth, "rev_de", seg["id"], f"Bemerkung {i}")
    barrier = threading.Barrier(4)
    reports = []

    def run(n):
        barrier.wait()
        reports.append(deliver_due(settings=settings, sessions=sessions, worker=f"w{n}"))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(smtp.messages) == 1 and sum(r.messages for r in reports) == 1
    assert len(events(sessions, status="sent")) == 5
    with sessions() as session:
        digest = session.scalar(select(NotificationDigest))
        assert digest.claimed_by is None and digest.last_sent_at is not None  # the lease was given back


def test_a_refusing_smtp_server_is_tried_again_with_backoff(settings, smtp, sessions, auth):
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    seg = translate_first(auth)
    auth.login("rev_de")
    comment(auth, "rev_de", seg["id"], "Bitte prüfen")
    smtp.refuse = "451 4.3.0 Try again later"
    now = utcnow()
    report = deliver_due(settings=settings, sessions=sessions, now=now)
    assert report.messages == 0 and "451" in report.errors[0]
    [event] = events(sessions)
    assert event.status == "pending" and event.attempts == 1 and "451" in event.error
    smtp.refuse = None
    assert deliver_due(settings=settings, sessions=sessions, now=now + timedelta(seconds=30)).messages == 0  # backoff
    assert deliver_due(settings=settings, sessions=sessions, now=now + timedelta(seconds=61)).messages == 1
    [event] = events(sessions)
    assert event.status == "sent" and event.error == "" and len(smtp.messages) == 1
    # A server that refuses for good: failed after the last attempt, with the reason.
    comment(auth, "rev_de", seg["id"], "Noch einmal")
    smtp.refuse = "550 5.1.1 No such mailbox"
    later = now + timedelta(hours=2)
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(hours=2)
        deliver_due(settings=settings, sessions=sessions, now=later)
    last = events(sessions)[-1]
    assert last.status == "failed" and last.attempts == MAX_ATTEMPTS and "550" in last.error


def test_right_to_left_digest_is_laid_out_right_to_left(settings, smtp, sessions):
    from translate_app import accounts

    with sessions() as session:
        accounts.create_user(session, name="tr_he", role="translator", languages=["he"], password="x" * 12)
        session.commit()
    choose(sessions, "tr_he", email="he@example.org", segment_activity="email")
    with sessions() as session:
        he = session.scalar(select(User).where(User.name == "tr_he"))
        session.add(
            NotificationEvent(
                user_id=he.id,
                event="changed",
                channel="email",
                release="appeal",
                language="he",
                segment_id="abc123",
                actor="Dana",
                detail="עצרו את הגירוש של <b>מקסים</b>",
            )
        )
        session.commit()
    deliver_due(settings=settings, sessions=sessions)
    [message] = smtp.messages
    html = message.get_body(("html",)).get_content()
    assert '<html lang="he" dir="rtl">' in html and "text-align:right" in html
    assert 'lang="he" dir="rtl">עצרו את הגירוש של &lt;b&gt;מקסים&lt;/b&gt;</p>' in html  # escaped, isolated
    assert message["Content-Language"] == "he"
    assert "עצרו את הגירוש" in message.get_body(("plain",)).get_content()


def test_mixed_languages_stay_left_to_right_with_each_item_in_its_direction(settings):
    assert mail.page_direction(["he", "ar"]) == ("he", "rtl")
    assert mail.page_direction(["he", "de"]) == ("en", "ltr")
    assert mail.page_direction(["de"]) == ("de", "ltr")
    assert mail.page_direction([]) == ("en", "ltr")


def test_webhook_gets_slack_shaped_json_and_failures_are_retried(settings, sessions, auth, hook):
    choose(sessions, "rev_de", webhook=hook.url, review_needed="webhook")
    choose(sessions, "rev2_de", email="rev2@example.org", review_needed="none")
    translate_first(auth)
    recorded = events(sessions)
    assert [(e.event, e.channel) for e in recorded] == [("review_needed", "webhook")]  # rev2_de chose nothing
    hook.status = 503
    now = utcnow()
    report = deliver_due(settings=settings, sessions=sessions, now=now)
    assert report.messages == 0 and "503" in report.errors[0] and not hook.bodies
    hook.status = 200
    deliver_due(settings=settings, sessions=sessions, now=now + timedelta(minutes=2))
    [body] = hook.bodies
    assert body["text"].startswith("*Review needed: appeal*") and "Stoppt die Abschiebung" in body["text"]
    assert body["release"] == "appeal" and body["events"][0]["language"] == "de"
    assert body["events"][0]["actor"] == "tr_de" and body["urgent"] is False
    assert hook.headers[0]["Content-Type"] == "application/json"


def test_preferences_are_honoured_at_recording_and_at_delivery(settings, smtp, sessions, auth, hook):
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    choose(
        sessions, "tr_fr", email="fr@example.org", segment_activity="email", review_needed="email", new_release="email"
    )
    choose(sessions, "rev_de", email="rev@example.org", segment_activity="email", review_needed="none")
    seg = translate_first(auth)
    assert events(sessions) == []  # nobody who asked: tr_fr has no German, rev_de chose no reviews, tr_de acted
    auth.login("rev_de")
    comment(auth, "rev_de", seg["id"], "Gut so")  # tells tr_de, not rev_de who wrote it
    auth.logout()
    assert [(e.event, e.user_id) for e in events(sessions)] == [("commented", user_id(sessions, "tr_de"))]
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="none")  # changed the mind before delivery
    report = deliver_due(settings=settings, sessions=sessions)
    assert report.dropped == 1 and not smtp.messages and events(sessions)[0].status == "dropped"
    # Switching the way of being told takes effect for what is still waiting.
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    auth.login("rev_de")
    comment(auth, "rev_de", seg["id"], "Noch eine Anmerkung")
    choose(sessions, "tr_de", webhook=hook.url, segment_activity="webhook")
    deliver_due(settings=settings, sessions=sessions)
    assert not smtp.messages and "Noch eine Anmerkung" in hook.bodies[0]["text"]


def test_changes_to_my_segment_and_proposals_tell_the_right_people(settings, sessions, auth):
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email")
    choose(sessions, "rev_de", email="rev@example.org", review_needed="email")
    seg = translate_first(auth)
    assert [e.event for e in events(sessions, user_id=user_id(sessions, "rev_de"))] == ["review_needed"]
    auth.login("rev2_de")  # a reviewer rewrites tr_de's text
    r = auth.api(
        "PUT", f"{BASE}/segments/{seg['id']}", {"translation": "Stoppt die Ausweisung", "version": seg["version"]}
    )
    assert r.status_code == 200
    notifications.flush()
    changed = events(sessions, event="changed")
    assert [(e.user_id, e.detail, e.actor) for e in changed] == [
        (user_id(sessions, "tr_de"), "Stoppt die Ausweisung", "rev2_de")
    ]
    version = r.get_json()["version"]
    auth.logout()
    auth.login("rev_de")  # another reviewer approves it (no self-review)
    r = auth.api("POST", f"{BASE}/segments/{seg['id']}/approve", {"version": version})
    assert r.status_code == 200
    auth.logout()
    before = len(events(sessions, event="review_needed"))
    auth.login("tr_de")  # a change to approved text is a proposal: reviewers are told
    r = auth.api(
        "PUT",
        f"{BASE}/segments/{seg['id']}",
        {"translation": "Stoppt die Abschiebung!", "version": r.get_json()["version"]},
    )
    assert r.status_code == 202
    notifications.flush()
    review = events(sessions, event="review_needed")
    assert len(review) == before + 1 and review[-1].detail == "Stoppt die Abschiebung!"


def test_new_release_and_corrected_source_from_the_coordinator(settings, sessions, auth, client, web_project, smtp):
    choose(sessions, "tr_de", email="tr@example.org", new_release="email", source_corrected="email")
    choose(sessions, "tr_fr", email="fr@example.org", new_release="email", source_corrected="email")
    (web_project / "source" / "second.md").write_text("# Second\n\nA second statement.\n", encoding="utf-8")
    auth.login("coord")
    token = auth.csrf("/coordinate/releases/new")
    r = client.post(
        "/coordinate/releases/new",
        data={"csrf_token": token, "existing": "second", "languages": "de", "title": "Zweite"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    added = events(sessions, event="release_added")
    assert [(e.user_id, e.release) for e in added] == [(user_id(sessions, "tr_de"), "second")]
    assert "Zweite" in added[0].detail and added[0].actor == "coord"
    # Re-reading an unchanged source tells nobody; a corrected one tells each person once.
    token = auth.csrf("/coordinate/releases/appeal")
    client.post("/coordinate/releases/appeal/update", data={"csrf_token": token})
    assert events(sessions, event="source_corrected") == []
    auth.logout()
    auth.login("tr_de")  # tr_de translates a bullet, which the correction then turns into 'needs review'
    segs = auth.api("GET", f"{BASE}/segments").get_json()
    bullet = next(s for s in segs if s["source"] == "Protect conscientious objectors.")
    assert (
        auth.api(
            "PUT",
            f"{BASE}/segments/{bullet['id']}",
            {"translation": "Schützt Verweigerer.", "version": bullet["version"]},
        ).status_code
        == 200
    )
    auth.logout()
    auth.login("coord")
    source = web_project / "source" / "appeal.md"
    source.write_text(
        source.read_text().replace("Protect conscientious objectors.", "Protect all conscientious objectors."),
        encoding="utf-8",
    )
    for _ in range(2):
        token = auth.csrf("/coordinate/releases/appeal")
        assert client.post("/coordinate/releases/appeal/update", data={"csrf_token": token}).status_code == 302
    corrected = events(sessions, event="source_corrected")
    assert [(e.user_id, e.detail) for e in corrected] == [(user_id(sessions, "tr_de"), "de: 1 segment(s) need review")]
    deliver_due(settings=settings, sessions=sessions)
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == ["New release: second", "Source corrected: appeal"]


def test_deadline_near_is_urgent_once_and_passes_the_hourly_limit(settings, smtp, sessions, auth, app):
    choose(sessions, "tr_de", email="tr@example.org", segment_activity="email", deadline_near="email")
    seg = translate_first(auth)
    auth.login("rev_de")
    comment(auth, "rev_de", seg["id"], "Erste Bemerkung")
    now = utcnow()
    assert deliver_due(settings=settings, sessions=sessions, now=now).messages == 1  # the hour starts
    project = settings.project()
    with sessions() as session:
        session.add(Release(name="appeal", title="Appeal", deadline=now.date() + timedelta(days=3)))
        session.commit()
        assert notifications.check_deadlines(session, project, hours=24, now=now) == 0  # not near yet
        session.scalar(select(Release)).deadline = now.date()
        session.commit()
        assert notifications.check_deadlines(session, project, hours=24, now=now) == 1
        assert notifications.check_deadlines(session, project, hours=24, now=now) == 0  # recorded once
    comment(auth, "rev_de", seg["id"], "Zweite Bemerkung")
    report = deliver_due(settings=settings, sessions=sessions, now=now + timedelta(minutes=5))
    assert report.messages == 1 and len(smtp.messages) == 2  # urgent: within the hour, with what waited
    urgent = smtp.messages[1]
    assert urgent["Subject"] == "Deadline near: appeal (de)" and urgent["Importance"] == "high"
    body = urgent.get_body(("plain",)).get_content()
    assert "0 of 5 segments approved" in body and "Zweite Bemerkung" in body
    # The French and Hebrew people were not subscribed: one event only.
    with sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(NotificationEvent).where(NotificationEvent.event == "deadline_near")
            )
            == 1
        )


def test_release_added_from_the_command_line_reaches_the_database_only_when_there_is_one(settings, sessions, tmp_path):
    from translate_app.config import Settings

    choose(sessions, "tr_fr", email="fr@example.org", new_release="email")
    with_db = Settings(root=settings.root, database_url=settings.database_url)
    assert notifications.from_command_line(with_db, notifications.release_added, "appeal", ["fr"]) == 1
    without = Settings(root=tmp_path / "nowhere")
    assert notifications.from_command_line(without, notifications.release_added, "appeal", ["fr"]) == 0
    assert not (tmp_path / "nowhere").exists()  # no database made for it


def test_a_failing_hook_never_fails_the_save(settings, sessions, auth, monkeypatch):
    choose(sessions, "rev_de", email="rev@example.org", review_needed="email")

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(notifications, "_members", broken)
    seg = translate_first(auth)
    assert seg["state"] == "translated" and events(sessions) == []


def test_the_outbox_migration_goes_up_and_down(database_url):
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from translate_app.db import alembic_config, upgrade

    upgrade(database_url)
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    tables = set(inspect(engine).get_table_names())
    assert {"notification_settings", "notification_outbox", "notification_digests"} <= tables
    command.downgrade(alembic_config(database_url), "0005")
    engine.dispose()
    engine = create_engine(database_url)
    assert not {"notification_settings", "notification_outbox"} & set(inspect(engine).get_table_names())
    upgrade(database_url)
    assert "notification_outbox" in inspect(engine).get_table_names()
    engine.dispose()


def test_deadline_dates_end_at_midnight_utc():
    end = notifications.deadline_end(date(2026, 12, 1))
    assert end.isoformat() == "2026-12-02T00:00:00+00:00"


def test_add_release_on_the_command_line_tells_the_people_of_its_languages(
    settings, sessions, web_project, monkeypatch
):
    from click.testing import CliRunner

    from translate_app.cli import main

    choose(sessions, "tr_fr", email="fr@example.org", new_release="email")
    choose(sessions, "tr_de", email="tr@example.org", new_release="email")
    (web_project / "source" / "third.md").write_text("# Third\n\nA third statement.\n", encoding="utf-8")
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(web_project))
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(main, ["add-release", str(web_project / "source" / "third.md"), "-l", "fr"])
    assert result.exit_code == 0, result.output
    assert [(e.user_id, e.release) for e in events(sessions, event="release_added")] == [
        (user_id(sessions, "tr_fr"), "third")
    ]


def test_notification_settings_are_checked(monkeypatch):
    from translate_app.config import Settings

    monkeypatch.setenv("TRANSLATE_APP_NOTIFY_DEADLINE_HOURS", "soon")
    with pytest.raises(ValueError, match="number of hours"):
        Settings.from_env()
    monkeypatch.setenv("TRANSLATE_APP_NOTIFY_DEADLINE_HOURS", "48")
    monkeypatch.setenv("TRANSLATE_APP_SMTP_TIMEOUT", "0")
    with pytest.raises(ValueError, match="number of seconds"):
        Settings.from_env()
    monkeypatch.setenv("TRANSLATE_APP_SMTP_TIMEOUT", "7.5")
    s = Settings.from_env()
    assert (s.notify_deadline_hours, s.smtp_timeout, s.notify_gather_seconds) == (48.0, 7.5, 60.0)


def test_a_refused_recipient_is_reported_without_the_address(settings, smtp):
    async def refuse_rcpt(server, session, envelope, address, options):
        return "550 5.1.1 No such mailbox"

    smtp.handle_RCPT = refuse_rcpt
    with pytest.raises(mail.MailError) as caught:
        mail.send_password_reset(settings=settings, to="gone@example.org", link="https://t.example/r")
    assert "550" in str(caught.value) and "gone@example.org" not in str(caught.value)
