"""The coordinator's corrections page and its API: coordinators only, CSRF, escaped texts, decide and republish."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.partners.correcting import approve_everything, correct_source
from translate_app import workflow
from translate_app.models import AuditLog, Publication, User
from translate_app.project import Project
from translate_app.web.extensions import Database

RELEASE = "appeal"
FIGURE = ("Respect the ruling of 2023.", "Respect the ruling of 2024 <script>alert(1)</script>.")
TYPO = ("call on the **Court** to protect", "call on the **Court** to defend")
PAGE = f"/coordinate/releases/{RELEASE}/corrections"


@pytest.fixture
def corrected(app, web_project):
    """Publish German, French and Hebrew, then correct a figure (with markup in it) and a word of the source."""
    project = Project(web_project)
    with Database.factory(app)() as session:
        coord = session.scalar(select(User).where(User.name == "coord"))
        for code in ("de", "fr", "he"):
            approve_everything(project, RELEASE, code)
            workflow.publish(session=session, project=project, user=coord, release=RELEASE, language=code)
    correct_source(project, RELEASE, FIGURE, TYPO)
    return project


def _segments(html: str) -> list[str]:
    return re.findall(r'data-segment="([0-9a-f]+)"', html)


@pytest.mark.parametrize("who,status", [("rev_de", 403), ("tr_de", 403), ("tr_fr", 403), (None, 302)])
def test_only_coordinators_see_or_change_corrections(client, auth, corrected, who, status):
    if who:
        auth.login(who)
    assert client.get(PAGE).status_code == status
    token = auth.csrf("/" if who else "/login")
    assert client.post(PAGE, data={"csrf_token": token}).status_code == status
    assert client.post(f"/coordinate/releases/{RELEASE}/republish", data={"csrf_token": token}).status_code == status
    if who:
        assert auth.api("GET", f"/api/releases/{RELEASE}/corrections").status_code == 403
        assert auth.api("POST", f"/api/releases/{RELEASE}/corrections", json={"decisions": {}}).status_code == 403
        assert auth.api("POST", f"/api/releases/{RELEASE}/republish", json={}).status_code == 403


def test_the_release_page_shows_the_banner_and_the_page_escapes_the_source(client, auth, corrected):
    auth.login("coord")
    release = client.get(f"/coordinate/releases/{RELEASE}").get_data(as_text=True)
    assert "2 source changes since publication need a decision" in release and PAGE in release
    html = client.get(PAGE).get_data(as_text=True)
    assert "2 source changes need a decision" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<del>2023</del><ins>2024 &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "<del>protect</del><ins>defend</ins>" in html
    assert html.count('value="wording"') == 2 and "3 languages, 3 published" in html


def test_decisions_and_republish_need_the_csrf_token(client, auth, corrected):
    auth.login("coord")
    segment = _segments(client.get(PAGE).get_data(as_text=True))[0]
    assert client.post(PAGE, data={f"decision-{segment}": "wording"}).status_code == 400
    assert client.post(f"/coordinate/releases/{RELEASE}/republish", data={}).status_code == 400
    api = client.post(f"/api/releases/{RELEASE}/corrections", json={"decisions": {segment: "wording"}})
    assert api.status_code in (400, 403)
    assert "2 source changes need a decision" in client.get(PAGE).get_data(as_text=True)  # nothing decided


def test_deciding_and_republishing_from_the_page(app, client, auth, corrected):
    auth.login("coord")
    html = client.get(PAGE).get_data(as_text=True)
    typo, figure = _segments(html)
    token = auth.csrf(PAGE)
    bad = client.post(PAGE, data={"csrf_token": token, f"decision-{typo}": "maybe"}, follow_redirects=True)
    assert "a decision is" in bad.get_data(as_text=True)
    refused = client.post(
        PAGE,
        data={"csrf_token": token, f"decision-{typo}": "wording", f"decision-{figure}": "wording"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "change 2 is not wording only" in refused and "German, French, Hebrew" in refused
    assert "2 source changes need a decision" in refused  # nothing written
    done = client.post(PAGE, data={"csrf_token": token, f"decision-{typo}": "wording"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "1 change decided in 3 languages." in done and "1 source change needs a decision" in done
    assert "Republish 3 ready languages" not in done and "not approved yet" in done
    # The figure: a reviewer of each language would correct it; here the catalogs are approved again directly.
    for code in ("de", "fr", "he"):
        approve_everything(corrected, RELEASE, code)
    done = client.get(PAGE).get_data(as_text=True)
    assert "No source change waits for a decision" in done and "Republish 3 ready languages" in done
    result = client.post(
        f"/coordinate/releases/{RELEASE}/republish",
        data={"csrf_token": token, "errata-de": "Korrigiert: 2024.", "errata-fr": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Republished 3 languages: German, French, Hebrew (with an errata note: German)." in result
    assert "No published language is ready to go out again." in result
    with Database.factory(app)() as session:
        notes = {p.language: p.errata for p in session.scalars(select(Publication).order_by(Publication.id)).all()}
        assert notes == {"de": "Korrigiert: 2024.", "fr": None, "he": None}
        assert session.query(AuditLog).filter_by(action="correct").count() == 3


def test_the_api_lists_decides_and_republishes(client, auth, corrected):
    auth.login("coord")
    listed = auth.api("GET", f"/api/releases/{RELEASE}/corrections").get_json()
    assert [c["new_source"] for c in listed["changes"]][1] == FIGURE[1]
    assert listed["changes"][1]["diff"][1] == {"op": "delete", "text": "2023"}
    assert {r["language"]: r["ready"] for r in listed["languages"]} == {"de": False, "fr": False, "he": False}
    typo, figure = (c["segment_id"] for c in listed["changes"])
    refused = auth.api("POST", f"/api/releases/{RELEASE}/corrections", json={"decisions": {typo: "perhaps"}})
    assert refused.status_code == 400 and "a decision is" in refused.get_json()["error"]
    assert auth.api("POST", f"/api/releases/{RELEASE}/corrections", json={"decisions": []}).status_code == 400
    decided = auth.api(
        "POST", f"/api/releases/{RELEASE}/corrections", json={"decisions": {typo: "wording", figure: "meaning"}}
    )
    assert decided.status_code == 200
    assert decided.get_json()["decided"]["de"] == {typo: "approved", figure: "needs_review"}
    republished = auth.api("POST", f"/api/releases/{RELEASE}/republish", json={"notes": {"de": "x"}})
    assert republished.status_code == 200
    body = republished.get_json()
    assert body["published"] == [] and "1 of" in body["skipped"]["de"]
    assert auth.api("POST", f"/api/releases/{RELEASE}/republish", json={"notes": "x"}).status_code == 400


def test_the_german_volunteer_gets_a_mail_naming_the_segment_to_review(app, client, auth, corrected):
    from datetime import timedelta

    from tests.notify_servers import SmtpSink
    from translate_app import notifications
    from translate_app.models import utcnow
    from translate_app.notifications_delivery import deliver_due

    sessions = Database.factory(app)
    with sessions() as session:
        tr = session.scalar(select(User).where(User.name == "tr_de"))
        notifications.save_preferences(
            session, user=tr, email="tr@example.org", webhook_url=None, choices={"source_corrected": "email"}
        )
    auth.login("coord")
    token = auth.csrf(PAGE)
    typo, figure = _segments(client.get(PAGE).get_data(as_text=True))
    client.post(PAGE, data={"csrf_token": token, f"decision-{typo}": "wording", f"decision-{figure}": "meaning"})
    sink = SmtpSink().start()
    try:
        settings = app.config["SETTINGS"]
        settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", sink.port, False
        settings.smtp_from, settings.smtp_timeout, settings.notify_gather_seconds = "news@example.org", 5.0, 0.0
        report = deliver_due(settings=settings, sessions=sessions, now=utcnow() + timedelta(seconds=61))
        assert report.messages == 1 and [m["To"] for m in sink.messages] == ["tr@example.org"]
        body = sink.messages[0].get_body(("plain",)).get_content()
    finally:
        sink.stop()
    assert "Source corrected" in body and "1 segment to review again, the meaning changed" in body
    assert "Respect the ruling of 2024 <script>alert(1)</script>." in body  # plain text: as written
    html = sink.messages[0].get_body(("html",)).get_content()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_a_script_with_a_token_decides_and_republishes_without_csrf(app, client, corrected):
    from translate_app import accounts

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == "coord")))
        session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    changes = client.get(f"/api/releases/{RELEASE}/corrections", headers=headers).get_json()["changes"]
    typo = changes[0]["segment_id"]
    decided = client.post(
        f"/api/releases/{RELEASE}/corrections", json={"decisions": {typo: "wording"}}, headers=headers
    )
    assert decided.status_code == 200 and set(decided.get_json()["decided"]) == {"de", "fr", "he"}
    again = client.post(f"/api/releases/{RELEASE}/corrections", json={"decisions": {typo: "wording"}}, headers=headers)
    assert again.status_code == 400 and "decided already" in again.get_json()["error"]
