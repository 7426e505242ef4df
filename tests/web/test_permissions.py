"""Who may do what: every state-changing route for every kind of person."""

from __future__ import annotations

import pytest

from translate_app.core import segments as seg
from translate_app.storage import edit as edit_catalog

# sug_de: a suggester of German; link_*: people who came in through a share link for appeal/de with that
# role (suggest, translate, review), limited to that release and language.
ROLES = ["anonymous", "tr_fr", "tr_de", "rev_de", "coord", "sug_de", "link_sug", "link_tr", "link_rev"]

# route name -> expected status for each person, in ROLES order.
EXPECTED = {
    "approve": [401, 403, 403, 200, 200, 403, 403, 403, 200],
    "save": [401, 403, 200, 200, 200, 202, 202, 200, 200],  # 202: a suggestion, the catalog unchanged
    "comment": [401, 403, 201, 201, 201, 201, 201, 201, 201],
    "api_publish": [401, 403, 403, 403, 409, 403, 403, 403, 403],
    "pretranslate": [401, 403, 403, 403, 202, 403, 403, 403, 403],
    "editor": [302, 403, 200, 200, 200, 200, 200, 200, 200],
    "preview": [302, 403, 200, 200, 200, 200, 200, 200, 200],
    "settings": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "add_languages": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "update": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "page_publish": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "invite": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "new_release": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "download_zip": [302, 403, 403, 403, 404, 403, 403, 403, 403],  # allowed, but nothing is published yet
    "links_page": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "make_link": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "people_page": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "corrections_page": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "decide_corrections": [302, 403, 403, 403, 302, 403, 403, 403, 403],  # nothing chosen: back with a message
    "republish": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "api_corrections": [401, 403, 403, 403, 200, 403, 403, 403, 403],
    "api_republish": [401, 403, 403, 403, 200, 403, 403, 403, 403],
    "embargo_page": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "set_embargo": [302, 403, 403, 403, 302, 403, 403, 403, 403],
    "make_preview": [302, 403, 403, 403, 200, 403, 403, 403, 403],
    "embargo_api": [401, 403, 403, 403, 200, 403, 403, 403, 403],  # clears the embargo set just before
    "presskit": [401, 403, 403, 403, 400, 403, 403, 403, 403],  # allowed, but nothing is published yet
    "press_document": [302, 403, 403, 403, 404, 403, 403, 403, 403],  # likewise
}
LINK_ROLES = {"link_sug": "suggester", "link_tr": "translator", "link_rev": "reviewer"}


@pytest.fixture(autouse=True)
def _fresh_link_view_counts():
    """Opening links is limited per address in each process's memory; every test starts afresh (all are 127.0.0.1)."""
    from translate_app.web.links import LINK_VIEWS

    LINK_VIEWS.reset()


def _come_in(who, app, client, auth):
    """Log the client in as `who`: with a password, or through a share link made for the occasion."""
    from translate_app import accounts, sharelinks
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    from .conftest import PASSWORD

    if who == "sug_de":
        with Database.factory(app)() as session:
            accounts.create_user(session, name="sug_de", role="suggester", languages=["de"], password=PASSWORD)
            session.commit()
    if who not in LINK_ROLES:
        assert auth.login(who).status_code == 302
        return auth.csrf("/releases/appeal/de")
    with Database.factory(app)() as session:
        _, token = sharelinks.create_link(
            session,
            Project(app.config["SETTINGS"].root),
            release="appeal",
            languages=["de"],
            role=LINK_ROLES[who],
            days=1,
        )
        session.commit()
    r = client.post(
        f"/join/{token}", data={"csrf_token": auth.csrf(f"/join/{token}"), "shown_name": who, "credit": "pseudonym"}
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    return auth.csrf("/releases/appeal/de")


def _first_segment(web_project):
    """Give the first German segment a translation by tr_de, so a reviewer may approve it."""
    path = web_project / "locales/de/LC_MESSAGES/appeal.po"
    with edit_catalog(path) as po:
        first = seg.views(po, "de")[0]
        _, after = seg.save(po, first.id, "Stoppt die Abschiebung", version=first.version, by="tr_de")
    return after


def _request(name, client, auth, token, segment):
    base = "/api/releases/appeal/de"
    sid, version = segment.id, segment.version
    headers = {"X-CSRFToken": token} if token else {}
    form = {"csrf_token": token or ""}
    if name == "save":
        return client.put(f"{base}/segments/{sid}", json={"translation": "Neu", "version": version}, headers=headers)
    if name == "approve":
        return client.post(f"{base}/segments/{sid}/approve", json={"version": version}, headers=headers)
    if name == "comment":
        return client.post(f"{base}/segments/{sid}/comments", json={"text": "Frage"}, headers=headers)
    if name == "api_publish":
        return client.post(f"{base}/publish", headers=headers)
    if name == "pretranslate":
        return client.post(
            "/api/releases/appeal/pretranslate", json={"languages": ["de"], "provider": "memory"}, headers=headers
        )
    if name == "editor":
        return client.get("/releases/appeal/de")
    if name == "preview":
        return client.get("/releases/appeal/de/preview")
    if name == "settings":
        return client.post("/coordinate/releases/appeal", data={**form, "title": "T", "deadline": "2026-12-24"})
    if name == "add_languages":
        return client.post("/coordinate/releases/appeal/languages", data={**form, "languages": "it"})
    if name == "update":
        return client.post("/coordinate/releases/appeal/update", data=form)
    if name == "page_publish":
        return client.post("/coordinate/releases/appeal/de/publish", data=form)
    if name == "invite":
        return client.post(
            "/coordinate/users", data={**form, "name": "newbie", "role": "translator", "languages": "de"}
        )
    if name == "new_release":
        return client.post("/coordinate/releases/new", data={**form, "languages": "de", "existing": "appeal"})
    if name == "download_zip":
        return client.get("/coordinate/releases/appeal/published.zip")
    if name == "links_page":
        return client.get("/coordinate/releases/appeal/links")
    if name == "make_link":
        return client.post(
            "/coordinate/releases/appeal/links", data={**form, "languages": ["de"], "role": "translator", "days": 3}
        )
    if name == "people_page":
        return client.get("/coordinate/users")
    if name == "corrections_page":
        return client.get("/coordinate/releases/appeal/corrections")
    if name == "decide_corrections":
        return client.post("/coordinate/releases/appeal/corrections", data=form)
    if name == "republish":
        return client.post("/coordinate/releases/appeal/republish", data=form)
    if name == "api_corrections":
        return client.get("/api/releases/appeal/corrections")
    if name == "api_republish":
        return client.post("/api/releases/appeal/republish", json={}, headers=headers)
    if name == "embargo_page":
        return client.get("/coordinate/releases/appeal/embargo")
    if name == "set_embargo":
        return client.post(
            "/coordinate/releases/appeal/embargo", data={**form, "date": "2099-01-01", "time": "09:00", "zone": "UTC"}
        )
    if name == "make_preview":
        return client.post("/coordinate/releases/appeal/embargo/previews", data={**form, "language": "", "hours": 48})
    if name == "embargo_api":
        return client.put("/api/releases/appeal/embargo", json={"at": None}, headers=headers)
    if name == "presskit":
        return client.post("/api/releases/appeal/presskit", json={}, headers=headers)
    if name == "press_document":
        return client.get("/coordinate/releases/appeal/de/press/docx")
    raise AssertionError(name)


@pytest.mark.parametrize("who", ROLES)
def test_permission_table(who, app, client, auth, web_project):
    segment = _first_segment(web_project)
    token = auth.csrf("/login")  # even an anonymous visitor has a session and a CSRF token
    if who != "anonymous":
        token = _come_in(who, app, client, auth)
    column = ROLES.index(who)
    got = {}
    for name in EXPECTED:
        response = _request(name, client, auth, token, segment)
        got[name] = response.status_code
        if name in ("save", "approve") and response.status_code == 200:
            segment = seg.SegmentView(**response.get_json())
    wanted = {name: statuses[column] for name, statuses in EXPECTED.items()}
    assert got == wanted


def test_every_form_posts_without_csrf_are_refused(client, auth):
    auth.login("coord")
    for path, data in [
        ("/coordinate/releases/appeal", {"title": "x"}),
        ("/coordinate/users", {"name": "x", "role": "translator"}),
        ("/coordinate/releases/appeal/update", {}),
        ("/coordinate/releases/appeal/corrections", {}),
        ("/coordinate/releases/appeal/republish", {}),
        ("/coordinate/releases/appeal/embargo", {"date": "2099-01-01", "time": "09:00", "zone": "UTC"}),
        ("/coordinate/releases/appeal/embargo/previews", {"hours": 48}),
        ("/logout", {}),
    ]:
        r = client.post(path, data=data)
        assert r.status_code == 400, path
