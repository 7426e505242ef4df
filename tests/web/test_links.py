"""Share links: a coordinator lets people in for one release and some languages.

They stay inside; revoking ends them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from translate_app import sharelinks
from translate_app.models import LoginAttempt, Proposal, ShareLink, User, utcnow
from translate_app.project import Project
from translate_app.web.extensions import Database

from .conftest import PASSWORD, SMALL_RELEASE, Auth


@pytest.fixture(autouse=True)
def _fresh_link_view_counts():
    """Opening links is limited per address in each process's memory; every test starts afresh (all are 127.0.0.1)."""
    from translate_app.web.links import LINK_VIEWS

    LINK_VIEWS.reset()


def make_link(client, auth: Auth, *, languages=("de",), role="translator", days=7, max_uses="", release="appeal"):
    """Create a link as the coordinator (the client must be logged in as one) and return its address."""
    token = auth.csrf(f"/coordinate/releases/{release}/links")
    page = client.post(
        f"/coordinate/releases/{release}/links",
        data={
            "csrf_token": token,
            "languages": list(languages),
            "role": role,
            "days": days,
            "max_uses": max_uses,
            "label": "press team",
        },
    )
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert "it is shown only once" in html
    return re.search(r'value="http://localhost(/join/tl_[^"]+)" id="new-link"', html).group(1)


def enter(app, url: str, name: str = "Owl", credit: str = "pseudonym"):
    """Open a link in a fresh client (a new browser), give a name, and return the client and the response."""
    person = app.test_client()
    page = person.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = person.post(url, data={"csrf_token": token, "shown_name": name, "credit": credit})
    return person, response


def _csrf(person, path: str) -> str:
    return Auth(person).csrf(path)


def _first_segment(person, release="appeal", language="de") -> dict:
    return person.get(f"/api/releases/{release}/{language}/segments").get_json()[0]


def test_a_link_person_lands_in_the_editor_and_saves(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth, languages=["de"], role="translator")
    person, response = enter(app, url, name="Night Owl")
    assert response.status_code == 302 and response.headers["Location"].endswith("/here")
    editor = person.get("/here")
    assert editor.status_code == 302 and editor.headers["Location"].endswith("/releases/appeal/de")
    page = person.get("/releases/appeal/de").get_data(as_text=True)
    assert 'class="who">Night Owl · translator<' in page
    segment = _first_segment(person)
    saved = person.put(
        f"/api/releases/appeal/de/segments/{segment['id']}",
        json={"translation": "Stoppt die Abschiebung", "version": segment["version"]},
        headers={"X-CSRFToken": _csrf(person, "/releases/appeal/de")},
    )
    assert saved.status_code == 200 and saved.get_json()["state"] == "translated"
    # The catalog records a login name that says nothing about the person; others see the pseudonym.
    po = (Project(app.config["SETTINGS"].root).catalog_path("appeal", "de")).read_text(encoding="utf-8")
    assert re.search(r"by=guest-[0-9a-f]{8}", po) and "Night Owl" not in po
    history = person.get(f"/api/releases/appeal/de/segments/{segment['id']}/history").get_json()
    assert history["changes"][0]["user"] == "Night Owl"


def test_the_token_is_long_random_and_stored_hashed(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth)
    token = url.rsplit("/", 1)[1]
    assert len(token) >= 40
    with Database.factory(app)() as session:
        stored = session.scalars(select(ShareLink.token_hash)).all()
    assert stored and token not in stored and all(len(h) == 64 for h in stored)


def test_a_suggest_link_saves_only_suggestions(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth, role="suggester")
    person, _ = enter(app, url)
    segment = _first_segment(person)
    r = person.put(
        f"/api/releases/appeal/de/segments/{segment['id']}",
        json={"translation": "Vorschlag", "version": segment["version"]},
        headers={"X-CSRFToken": _csrf(person, "/releases/appeal/de")},
    )
    assert r.status_code == 202 and r.get_json()["proposal"]["text"] == "Vorschlag"
    assert r.get_json()["segment"]["translation"] == segment["translation"]
    po = Project(app.config["SETTINGS"].root).catalog_path("appeal", "de").read_text(encoding="utf-8")
    assert "Vorschlag" not in po  # the catalog is never written by a suggester
    approve = person.post(
        f"/api/releases/appeal/de/segments/{segment['id']}/approve",
        json={"version": segment["version"]},
        headers={"X-CSRFToken": _csrf(person, "/releases/appeal/de")},
    )
    assert approve.status_code == 403
    with Database.factory(app)() as session:
        assert session.scalar(select(Proposal.status).where(Proposal.text == "Vorschlag")) == "open"


def test_a_link_person_stays_inside_the_release_and_languages(app, client, auth):
    root = app.config["SETTINGS"].root
    (root / "source" / "other.md").write_text(SMALL_RELEASE, encoding="utf-8")
    Project(root).add_release(root / "source" / "other.md", ["de", "fr"])
    auth.login("coord")
    url = make_link(client, auth, languages=["de"])
    person, _ = enter(app, url)
    token = _csrf(person, "/releases/appeal/de")
    assert person.get("/releases/appeal/de").status_code == 200
    for path in (
        "/releases/other/de",
        "/releases/appeal/fr",
        "/releases/appeal/FR",
        "/releases/other/de/preview",
        "/coordinate/",
        "/coordinate/users",
        "/account/tokens",
    ):
        r = person.get(path)
        assert r.status_code == 403, path
        assert "limited to the release appeal in de" in r.get_data(as_text=True), path
    for method, path in (
        ("GET", "/api/releases"),
        ("GET", "/api/releases/other/de/segments"),
        ("GET", "/api/releases/appeal/fr/segments"),
        ("PUT", "/api/releases/other/de/segments/x"),
        ("POST", "/api/releases/appeal/fr/segments/x/comments"),
    ):
        r = person.open(path, method=method, json={"translation": "x", "text": "x"}, headers={"X-CSRFToken": token})
        assert r.status_code == 403 and "limited to the release appeal" in r.get_json()["error"], path
    home = person.get("/")
    assert home.status_code == 302 and "/here" in home.headers["Location"]


def test_revoking_ends_the_sessions_with_a_clear_message(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth)
    person, _ = enter(app, url)
    assert person.get("/releases/appeal/de").status_code == 200
    page = client.get("/coordinate/releases/appeal/links").get_data(as_text=True)
    assert "Came in through it:" in page and "<strong>Owl</strong>" in page
    link_id = int(re.search(r'data-link="(\d+)"', page).group(1))
    r = client.post(
        f"/coordinate/releases/appeal/links/{link_id}/revoke",
        data={"csrf_token": auth.csrf("/coordinate/releases/appeal/links")},
        follow_redirects=True,
    )
    assert "Link revoked; 1 session ended." in r.get_data(as_text=True)
    api = person.get("/api/releases/appeal/de/segments")
    assert api.status_code == 401 and "revoked the link" in api.get_json()["error"]
    again = app.test_client().get(url)
    assert again.status_code == 410 and "revoked by a coordinator" in again.get_data(as_text=True)
    # A fresh page request of the revoked person says why too (their session was cleared by the first refusal).
    person_b, _ = enter(app, make_link(client, auth))
    link_b = max(
        int(i)
        for i in re.findall(
            r'data-link="(\d+)"', client.get("/coordinate/releases/appeal/links").get_data(as_text=True)
        )
    )
    client.post(
        f"/coordinate/releases/appeal/links/{link_b}/revoke",
        data={"csrf_token": auth.csrf("/coordinate/releases/appeal/links")},
    )
    page = person_b.get("/releases/appeal/de")
    assert page.status_code == 401 and "Your access through the share link has ended" in page.get_data(as_text=True)


def test_use_limit_and_expiry(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth, max_uses="1")
    first, response = enter(app, url)
    assert response.status_code == 302
    late = app.test_client().get(url)
    assert late.status_code == 410 and "used as many times as it allows" in late.get_data(as_text=True)
    assert first.get("/releases/appeal/de").status_code == 200  # using it up ends nobody
    with Database.factory(app)() as session:
        session.execute(update(ShareLink).values(expires_at=utcnow() - timedelta(minutes=1)))
        session.commit()
    ended = first.get("/releases/appeal/de")
    assert ended.status_code == 401 and "expired" in ended.get_data(as_text=True)


def test_opening_links_is_throttled_like_logins(app, client, auth, monkeypatch):
    monkeypatch.setattr(sharelinks, "FREE_FAILURES_PER_ADDRESS", 3)
    auth.login("coord")
    url = make_link(client, auth)
    stranger = app.test_client()
    token = _csrf(stranger, "/login")
    statuses = [
        stranger.post(f"/join/tl_wrong{i}", data={"csrf_token": token, "shown_name": "x", "credit": "name"}).status_code
        for i in range(4)
    ]
    assert statuses == [410, 410, 410, 429]
    refused = stranger.post(url, data={"csrf_token": token, "shown_name": "x", "credit": "name"})
    assert refused.status_code == 429 and refused.headers["Retry-After"]  # even the right link, for a while
    with Database.factory(app)() as session:
        assert session.scalar(select(User).where(User.display_name == "x")) is None
        assert session.scalars(select(LoginAttempt.key)).all().count("link:127.0.0.1") == 3


def test_a_link_person_makes_an_account(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth)
    person, _ = enter(app, url, name="Olena", credit="name")
    token = _csrf(person, "/account/make")
    r = person.post(
        "/account/make",
        data={"csrf_token": token, "name": "olena", "password": PASSWORD, "confirm": PASSWORD},
        follow_redirects=True,
    )
    assert "Your account is ready: log in as olena next time." in r.get_data(as_text=True)
    assert person.get("/releases/appeal/de").status_code == 200  # this session goes on
    person.post("/logout", data={"csrf_token": _csrf(person, "/releases/appeal/de")})
    assert Auth(person).login("olena").status_code == 302
    assert person.get("/releases/appeal/de").status_code == 200
    assert person.get("/releases/appeal/fr").status_code == 403  # still limited until a coordinator opens more
    # Revoking the link lets nobody new in but leaves the account.
    link_id = int(
        re.search(r'data-link="(\d+)"', client.get("/coordinate/releases/appeal/links").get_data(as_text=True)).group(1)
    )
    client.post(
        f"/coordinate/releases/appeal/links/{link_id}/revoke",
        data={"csrf_token": auth.csrf("/coordinate/releases/appeal/links")},
    )
    assert person.get("/releases/appeal/de").status_code == 200


def test_entering_asks_for_a_name_unless_not_credited(app, client, auth):
    auth.login("coord")
    url = make_link(client, auth)
    _, refused = enter(app, url, name="", credit="pseudonym")
    assert refused.status_code == 400 and "give the pseudonym" in refused.get_data(as_text=True).lower()
    person, ok = enter(app, url, name="", credit="none")
    assert ok.status_code == 302
    assert 'class="who">a volunteer · translator<' in person.get("/releases/appeal/de").get_data(as_text=True)


def test_several_languages_and_lifting_the_release_limit(app, client, auth):
    root = app.config["SETTINGS"].root
    (root / "source" / "other.md").write_text(SMALL_RELEASE, encoding="utf-8")
    Project(root).add_release(root / "source" / "other.md", ["de"])
    auth.login("coord")
    url = make_link(client, auth, languages=["de", "fr"], role="reviewer")
    person, _ = enter(app, url, name="Kestrel")
    home = person.get("/here").get_data(as_text=True)
    assert "German" in home and "French" in home and "Hebrew" not in home
    assert person.get("/releases/appeal/fr").status_code == 200
    token = _csrf(person, "/account/make")
    person.post(
        "/account/make", data={"csrf_token": token, "name": "kestrel", "password": PASSWORD, "confirm": PASSWORD}
    )
    people = client.get("/coordinate/users").get_data(as_text=True)
    assert re.search(r"came in through link #\d+</span>", people) and "Only appeal" in people
    with Database.factory(app)() as session:
        user_id = session.scalar(select(User.id).where(User.name == "kestrel"))
    assert person.get("/releases/other/de").status_code == 403
    client.post(
        f"/coordinate/users/{user_id}",
        data={
            "csrf_token": auth.csrf("/coordinate/users"),
            f"u{user_id}-role": "reviewer",
            f"u{user_id}-languages": "de,fr",
            f"u{user_id}-active": "y",
            f"u{user_id}-display_name": "",
        },
    )
    assert person.get("/releases/other/de").status_code == 200  # the coordinator opened every release
