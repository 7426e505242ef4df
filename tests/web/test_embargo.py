"""The embargo on the web: nothing of the release reaches the uninvited, the coordinator's page, preview links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.web.conftest import Auth
from tests.web.test_links import make_link
from translate_app import embargo
from translate_app.core.states import set_approved, set_translated
from translate_app.project import Project
from translate_app.storage import edit as edit_catalog

NOW = datetime(2026, 12, 1, 4, 55, tzinfo=UTC)
TITLE = "Stop the deportation"
# Text of the release that only a reader of it would know.
SECRET = ("Stop the deportation", "conscientious objectors", "Maksim Kuzmin")


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    embargo.clock.set(NOW)
    yield
    embargo.clock.set(None)


@pytest.fixture(autouse=True)
def _open_links():
    from translate_app.web.links import LINK_VIEWS

    LINK_VIEWS.reset()


@pytest.fixture
def other_release(web_project):
    """A second release, not under embargo, in German: the uninvited translator's work."""
    source = web_project / "source" / "other.md"
    source.write_text("# Another statement\n\nProtect conscientious objectors.\n", encoding="utf-8")
    Project(web_project).add_release(source, ["de"])
    return "other"


def approve(web_project, language: str, release: str = "appeal") -> None:
    with edit_catalog(web_project / f"locales/{language}/LC_MESSAGES/{release}.po") as po:
        for entry in po:
            if entry.msgid:
                set_translated(entry, f"{entry.msgid} ({language})", by="tr_de")
                set_approved(entry, by="rev_de")


def set_embargo(client, auth: Auth, *, date="2026-12-02", time="09:00", zone="Europe/Berlin"):
    token = auth.csrf("/coordinate/releases/appeal/embargo")
    return client.post(
        "/coordinate/releases/appeal/embargo", data={"csrf_token": token, "date": date, "time": time, "zone": zone}
    )


def segment_id(web_project, release: str = "appeal", language: str = "de") -> str:
    from translate_app.core.catalog import entry_id

    po = Project(web_project).load_catalog(release, language)
    return entry_id([e for e in po if e.msgid][0])


def leaks(body: str) -> list[str]:
    return [s for s in SECRET if s in body]


# -- the walk -----------------------------------------------------------------------------------------------


def test_an_uninvited_translator_finds_nothing_of_the_release_anywhere(app, client, auth, web_project, other_release):
    approve(web_project, "de")  # its approved German would otherwise be a memory suggestion elsewhere
    auth.login("coord")
    assert set_embargo(client, auth).status_code == 302
    link = make_link(client, auth)
    sid = segment_id(web_project)
    auth.logout()

    auth.login("tr_de")
    seen: dict[str, tuple[int, str]] = {}
    for path in [
        "/",
        "/releases/appeal/de",
        "/releases/appeal/de/preview",
        "/api/releases",
        "/api/releases/appeal/de/segments",
        f"/api/releases/appeal/de/segments/{sid}/history",
        f"/api/releases/appeal/de/segments/{sid}/suggestions",
        f"/api/releases/appeal/de/segments/{sid}/proposals",
        "/api/releases/appeal/de/claims",
        "/api/releases/appeal/de/glossary",
        "/api/releases/appeal/de/catalog.po",
        "/account/notifications",
    ]:
        response = client.get(path)
        seen[path] = (response.status_code, response.get_data(as_text=True))
    for path, (_status, body) in seen.items():
        assert leaks(body) == [], path
    assert seen["/"][0] == 200 and "appeal" not in seen["/"][1]
    assert [r["name"] for r in client.get("/api/releases").get_json()] == ["other"]
    expected_404 = [p for p in seen if p.startswith(("/releases/appeal", "/api/releases/appeal"))]
    assert {p: seen[p][0] for p in expected_404} == {p: 404 for p in expected_404}

    # Writing is refused the same way (404, not 403).
    save = auth.api("PUT", f"/api/releases/appeal/de/segments/{sid}", json={"translation": "x", "version": None})
    assert save.status_code == 404 and leaks(save.get_data(as_text=True)) == []
    comment = auth.api("POST", f"/api/releases/appeal/de/segments/{sid}/comments", json={"text": "hello"})
    assert comment.status_code == 404

    # Memory suggestions for their own release leave out the embargoed one's approved text.
    other_sid = [
        s["id"] for s in client.get("/api/releases/other/de/segments").get_json() if "objectors" in s["source"]
    ][0]
    suggestions = client.get(f"/api/releases/other/de/segments/{other_sid}/suggestions").get_json()
    assert [s for s in suggestions if s["origin"] == "appeal"] == []

    # Coordinators' pages stay closed (403 as for every coordinator page, which names nothing).
    for path in ["/coordinate/releases/appeal", "/coordinate/releases/appeal/embargo", "/api/releases/appeal/embargo"]:
        response = client.get(path)
        assert response.status_code == 403 and leaks(response.get_data(as_text=True)) == [], path
    auth.logout()

    # A share link of the release does not let anyone in while it is under embargo.
    stranger = app.test_client()
    page = stranger.get(link)
    assert page.status_code == 410 and "not valid" in page.get_data(as_text=True)
    assert leaks(page.get_data(as_text=True)) == []

    # At the embargo time the release is the translator's like any other.
    embargo.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    auth.login("tr_de")
    assert client.get("/releases/appeal/de").status_code == 200
    assert "appeal" in [r["name"] for r in client.get("/api/releases").get_json()]


def test_an_invited_translator_sees_it_with_the_embargo_shown(client, auth, web_project):
    auth.login("coord")
    set_embargo(client, auth)
    token = auth.csrf("/coordinate/releases/appeal/embargo")
    page = client.post(
        "/coordinate/releases/appeal/embargo/people", data={"csrf_token": token, "name": "tr_de"}, follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert 'data-person="tr_de"' in html
    auth.logout()
    auth.login("tr_de")
    dashboard = client.get("/").get_data(as_text=True)
    assert TITLE in dashboard
    assert "Embargoed until 2 December 2026, 09:00 Europe/Berlin (in 1 day 3 hours)" in dashboard
    editor = client.get("/releases/appeal/de")
    assert editor.status_code == 200 and "Embargoed until 2 December 2026" in editor.get_data(as_text=True)
    assert client.get("/releases/appeal/fr").status_code == 403  # still only their languages
    auth.logout()

    auth.login("coord")
    uid = re.search(
        r"/embargo/people/(\d+)/remove", client.get("/coordinate/releases/appeal/embargo").get_data(as_text=True)
    ).group(1)
    token = auth.csrf("/coordinate/releases/appeal/embargo")
    client.post(f"/coordinate/releases/appeal/embargo/people/{uid}/remove", data={"csrf_token": token})
    auth.logout()
    auth.login("tr_de")
    assert client.get("/releases/appeal/de").status_code == 404


# -- the coordinator's page and the API ----------------------------------------------------------------------


def test_setting_the_embargo_needs_a_coordinator_and_the_csrf_token(client, auth):
    auth.login("tr_de")
    token = auth.csrf("/")
    refused = client.post(
        "/coordinate/releases/appeal/embargo",
        data={"csrf_token": token, "date": "2026-12-02", "time": "09:00", "zone": "UTC"},
    )
    assert refused.status_code == 403
    auth.logout()
    auth.login("coord")
    no_token = client.post(
        "/coordinate/releases/appeal/embargo", data={"date": "2026-12-02", "time": "09:00", "zone": "UTC"}
    )
    assert no_token.status_code == 400
    page = client.get("/coordinate/releases/appeal/embargo").get_data(as_text=True)
    assert "No embargo" in page
    for path in ["/embargo/clear", "/embargo/previews", "/embargo/people"]:
        assert client.post(f"/coordinate/releases/appeal{path}", data={}).status_code == 400, path
    assert auth.api("PUT", "/api/releases/appeal/embargo", json={"at": None}).status_code == 200
    no_csrf = client.put("/api/releases/appeal/embargo", json={"at": "2026-12-02 09:00", "zone": "UTC"})
    assert no_csrf.status_code == 400


def test_the_coordinator_sets_shows_and_clears_the_embargo(client, auth):
    auth.login("coord")
    past = set_embargo(client, auth, date="2026-11-30")
    assert past.status_code == 400 and "in the past" in past.get_data(as_text=True)
    assert set_embargo(client, auth).status_code == 302
    page = client.get("/coordinate/releases/appeal/embargo").get_data(as_text=True)
    assert "Embargoed until 2 December 2026, 09:00 Europe/Berlin (in 1 day 3 hours)" in page
    assert "<option selected>Europe/Berlin</option>" in page
    release_page = client.get("/coordinate/releases/appeal").get_data(as_text=True)
    assert "Embargoed until 2 December 2026, 09:00 Europe/Berlin" in release_page
    assert "under embargo: published automatically at the embargo time" in release_page
    overview = client.get("/coordinate/").get_data(as_text=True)
    assert "Embargoed until 2 December 2026" in overview

    got = client.get("/api/releases/appeal/embargo").get_json()
    assert got["embargo"]["at"] == "2026-12-02T08:00:00+00:00" and got["embargo"]["zone"] == "Europe/Berlin"
    assert got["embargo"]["active"] is True
    put = auth.api("PUT", "/api/releases/appeal/embargo", json={"at": "2026-12-03 10:30", "zone": "Asia/Tokyo"})
    assert put.status_code == 200
    assert put.get_json()["embargo"]["text"] == "Embargoed until 3 December 2026, 10:30 Asia/Tokyo (in 1 day 20 hours)"
    bad = auth.api("PUT", "/api/releases/appeal/embargo", json={"at": "2026-12-03 10:30", "zone": "Nowhere/Else"})
    assert bad.status_code == 400 and "unknown time zone" in bad.get_json()["error"]

    token = auth.csrf("/coordinate/releases/appeal/embargo")
    client.post("/coordinate/releases/appeal/embargo/clear", data={"csrf_token": token})
    assert client.get("/api/releases/appeal/embargo").get_json()["embargo"] is None


def test_publishing_before_the_embargo_answers_409_on_the_page_and_the_api(client, auth, web_project):
    approve(web_project, "de")
    auth.login("coord")
    set_embargo(client, auth)
    token = auth.csrf("/coordinate/releases/appeal")
    page = client.post("/coordinate/releases/appeal/de/publish", data={"csrf_token": token})
    assert page.status_code == 409 and "under embargo until 2 December 2026, 09:00 Europe/Berlin" in page.get_data(
        as_text=True
    )
    api = auth.api("POST", "/api/releases/appeal/de/publish")
    assert api.status_code == 409 and "published automatically at that time" in api.get_json()["error"]
    embargo.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    assert auth.api("POST", "/api/releases/appeal/de/publish").status_code == 200


def test_the_form_offers_only_private_providers_under_embargo(web_project, database_url):
    from tests.factory import make_app

    app = make_app(
        web_project,
        database_url,
        options={"LIBRETRANSLATE_URL": "http://127.0.0.1:9/", "DEEPL_API_KEY": "test-key"},
    )
    client = app.test_client()
    auth = Auth(client)
    auth.login("coord")

    def offered() -> list[str]:
        html = client.get("/coordinate/releases/appeal").get_data(as_text=True)
        select = re.search(r'<select name="provider">(.*?)</select>', html, re.S).group(1)
        return re.findall(r'<option value="([^"]+)"', select)

    assert set(offered()) == {"memory", "libretranslate", "deepl"}
    set_embargo(client, auth)
    assert set(offered()) == {"memory", "libretranslate"}
    assert "only private providers are offered" in client.get("/coordinate/releases/appeal").get_data(as_text=True)
    refused = auth.api("POST", "/api/releases/appeal/pretranslate", json={"languages": ["de"], "provider": "deepl"})
    assert refused.status_code == 403 and "only to a private provider" in refused.get_json()["error"]


# -- preview links -----------------------------------------------------------------------------------------------


def create_preview(client, auth: Auth, language: str = "", hours: int = 48) -> str:
    token = auth.csrf("/coordinate/releases/appeal/embargo")
    page = client.post(
        "/coordinate/releases/appeal/embargo/previews",
        data={"csrf_token": token, "language": language, "hours": hours, "label": "press"},
    )
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.search(
        r'value="http://localhost(/preview/pv_[^"]+)" id="new-preview"', page.get_data(as_text=True)
    ).group(1)


def test_a_preview_link_opens_without_login_marked_and_closes_at_its_expiry(app, client, auth, web_project):
    with edit_catalog(web_project / "locales/de/LC_MESSAGES/appeal.po") as po:
        first = [e for e in po if e.msgid][0]
        set_translated(first, "Stoppt die Abschiebung", by="tr_de")
    auth.login("coord")
    set_embargo(client, auth)
    url = create_preview(client, auth)
    one = create_preview(client, auth, language="fr", hours=2)
    auth.logout()

    journalist = app.test_client()
    page = journalist.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Preview — under embargo until 2 December 2026, 09:00 Europe/Berlin (in 1 day 3 hours)" in html
    assert '<meta name="robots" content="noindex">' in html and page.headers["X-Robots-Tag"] == "noindex"
    assert "Stoppt die Abschiebung" in html and '<html lang="de" dir="ltr">' in html
    assert "conscientious objectors" in html  # what is not translated yet shows in English
    hebrew = journalist.get(url + "/he").get_data(as_text=True)
    assert '<html lang="he" dir="rtl">' in hebrew and 'lang="fr"' in hebrew  # every language, with a switcher
    assert journalist.get(one + "/de").status_code == 404  # a one-language link opens that language only

    embargo.clock.set(NOW + timedelta(hours=2))
    closed = journalist.get(one)
    assert closed.status_code == 410 and "This preview link no longer opens" in closed.get_data(as_text=True)
    assert "expired" in closed.get_data(as_text=True)
    assert journalist.get(url).status_code == 200
    embargo.clock.set(NOW + timedelta(hours=48))
    assert journalist.get(url).status_code == 410
    assert journalist.get("/preview/pv_made-up").status_code == 410


def test_a_revoked_preview_link_answers_410_and_the_page_lists_them(app, client, auth):
    auth.login("coord")
    url = create_preview(client, auth)
    page = client.get("/coordinate/releases/appeal/embargo").get_data(as_text=True)
    link_id = re.search(r'data-link="(\d+)"', page).group(1)
    assert url.split("/")[-1] not in page  # shown once, never listed
    token = auth.csrf("/coordinate/releases/appeal/embargo")
    client.post(f"/coordinate/releases/appeal/embargo/previews/{link_id}/revoke", data={"csrf_token": token})
    assert "revoked" in client.get("/coordinate/releases/appeal/embargo").get_data(as_text=True)
    closed = app.test_client().get(url)
    assert closed.status_code == 410 and "revoked" in closed.get_data(as_text=True)


def test_serve_starts_the_embargo_job_in_each_worker_after_the_fork(app):
    from types import SimpleNamespace

    from translate_app.web.embargo import worker
    from translate_app.web.serve import GUNICORN_SETTINGS, _start_embargo_job

    assert GUNICORN_SETTINGS["preload_app"]  # why the thread starts after the fork, not in the factory
    assert not worker(app).alive()
    _start_embargo_job(SimpleNamespace(wsgi=app))  # gunicorn's post_worker_init, as serve configures it
    try:
        assert worker(app).alive()
    finally:
        worker(app).stop()
    assert not worker(app).alive()


@pytest.mark.parametrize(
    "body",
    [
        {"at": "9999-12-31 23:59", "zone": "America/Los_Angeles"},
        {"at": "0001-01-01 00:00", "zone": "Pacific/Kiritimati"},
        {"at": "2026-12-02T09:00+99:00"},
        {"at": "", "zone": "UTC"},
        {"at": 5},
        {"at": "2026-12-02 09:00", "zone": "../../etc/passwd"},
        {"at": "2026-12-02 09:00", "zone": "UTC\x00"},
        {"zone": "UTC"},
        {"at": "2026-12-02 09:00", "zone": "\ud800"},
    ],
)
def test_the_api_refuses_unusable_embargo_times_with_400(client, auth, body):
    auth.login("coord")
    response = auth.api("PUT", "/api/releases/appeal/embargo", json=body)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert client.get("/api/releases/appeal/embargo").get_json()["embargo"] is None


def test_the_api_takes_a_time_with_its_offset_too(client, auth):
    auth.login("coord")
    put = auth.api("PUT", "/api/releases/appeal/embargo", json={"at": "2026-12-02T09:00+01:00", "zone": "Europe/Paris"})
    assert put.status_code == 200
    assert put.get_json()["embargo"]["at"] == "2026-12-02T08:00:00+00:00"
    assert put.get_json()["embargo"]["text"].startswith("Embargoed until 2 December 2026, 09:00 Europe/Paris")


def test_the_preview_shows_markup_in_a_translation_as_text_under_a_strict_policy(app, client, auth, web_project):
    with edit_catalog(web_project / "locales/de/LC_MESSAGES/appeal.po") as po:
        set_translated([e for e in po if e.msgid][0], "<script>alert(1)</script> Stoppt", by="tr_de")
    auth.login("coord")
    url = create_preview(client, auth, language="de")
    page = app.test_client().get(url)
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Stoppt" in html
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
