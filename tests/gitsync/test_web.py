"""The web side of the sync: the push webhook, "Sync now" and the coordinator's page section."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from pathlib import Path

import polib
import pytest

from translate_app.gitsync.state import SyncState

from .conftest import PASSWORD, git

SECRET = "s3cret-for-the-hook"
BODY = json.dumps({"ref": "refs/heads/main", "after": "0" * 40}).encode()


@pytest.fixture
def service(make_instance):
    """Return an instance whose app has a webhook secret."""
    return make_instance(git_webhook_secret=SECRET)


@pytest.fixture
def app(service):
    from translate_app import create_app
    from translate_app.web.extensions import Database

    app = create_app({"SETTINGS": service.settings, "TESTING": True})
    yield app
    sched = app.extensions.get("translate_app.git_scheduler")
    if sched is not None:
        sched.stop()
    Database.dispose(app)


def _sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _requested(service) -> str | None:
    return SyncState(service.settings.instance_dir).load().get("requested")


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 403),
        ({"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403),
        ({"X-Hub-Signature-256": "sha256=" + _sign(BODY)}, 202),
        ({"X-Gitea-Signature": _sign(BODY, "wrong")}, 403),
        ({"X-Gitea-Signature": _sign(BODY)}, 202),
        ({"X-Gitlab-Token": "wrong"}, 403),
        ({"X-Gitlab-Token": SECRET}, 202),
    ],
)
def test_webhook_checks_the_shared_secret(app, service, headers: dict, status: int) -> None:
    """Only a call signed with (or carrying) the shared secret asks for a sync; no CSRF token needed."""
    app.extensions["translate_app.git_scheduler"] = _NoThread(app)
    response = app.test_client().post("/hooks/git", data=BODY, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == status, response.get_data(as_text=True)
    assert (_requested(service) is not None) == (status == 202)


def test_webhook_ignores_other_branches_and_is_off_without_a_secret(app, service) -> None:
    """A push to another branch is ignored; without a configured secret the endpoint does not exist."""
    app.extensions["translate_app.git_scheduler"] = _NoThread(app)
    body = json.dumps({"ref": "refs/heads/feature"}).encode()
    response = app.test_client().post("/hooks/git", data=body, headers={"X-Gitea-Signature": _sign(body)})
    assert response.status_code == 202 and response.get_json()["status"] == "ignored"
    assert _requested(service) is None
    service.settings.git_webhook_secret = None
    assert app.test_client().post("/hooks/git", data=BODY, headers={"X-Gitlab-Token": SECRET}).status_code == 404


def test_webhook_to_updated_catalogs_within_five_seconds(app, service, other_clone: Path) -> None:
    """A partner pushes a catalog edit; the Gitea-style webhook brings it into the service's catalog."""
    from translate_app.web.sync import scheduler

    sched = scheduler(app)
    sched.tick = 0.2
    path = other_clone / "locales/de/LC_MESSAGES/appeal.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "Stoppt die Abschiebung"
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Partner's translation")
    git(other_clone, "push", "-q")
    start = time.monotonic()
    response = app.test_client().post("/hooks/git", data=BODY, headers={"X-Gitea-Signature": _sign(BODY)})
    assert response.status_code == 202
    while time.monotonic() - start < 5:
        if service.entry("de", "Stop the").msgstr == "Stoppt die Abschiebung":
            break
        time.sleep(0.05)
    assert service.entry("de", "Stop the").msgstr == "Stoppt die Abschiebung"


class _NoThread:
    """A scheduler stand-in that records requests without syncing (the request is what is tested)."""

    def __init__(self, app) -> None:
        from translate_app.gitsync.scheduler import SyncScheduler
        from translate_app.web.extensions import Database

        self._real = SyncScheduler(app.config["SETTINGS"], Database.factory(app))
        self.sync = self._real.sync
        self.running = False

    def request(self, reason: str) -> None:
        self.sync.state.update(requested=reason)

    def stop(self) -> None:
        pass


def _login(client, name: str) -> str:
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_sync_now_is_for_coordinators_with_csrf(app, service) -> None:
    """A translator may not ask; a coordinator's form without its CSRF token is refused; with it, a sync runs."""
    app.extensions["translate_app.git_scheduler"] = _NoThread(app)
    client = app.test_client()
    token = _login(client, "olena")
    assert client.post("/coordinate/sync", data={"csrf_token": token}).status_code == 403
    client = app.test_client()
    token = _login(client, "coord")
    assert client.post("/coordinate/sync", data={}).status_code == 400
    assert _requested(service) is None
    response = client.post("/coordinate/sync", data={"csrf_token": token})
    assert response.status_code == 302
    assert _requested(service) == "asked by coord"


def test_coordinator_page_shows_state_error_and_conflicts(app, service, remote: Path, other_clone: Path) -> None:
    """The section shows the failing push's reason and each entry changed on both sides, escaped."""
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    path = other_clone / "locales/de/LC_MESSAGES/appeal.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "<b>Abschiebung</b> stoppen"
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Partner")
    git(other_clone, "push", "-q")
    service.save("taras", "de", "Stop the", "Stoppt sofort die Abschiebung")
    assert service.sync(push=False).conflicts == 1
    remote.rename(remote.with_name("gone.git"))
    service.save("taras", "de", "Signed on", "Unterzeichnet.")
    assert service.sync().error
    client = app.test_client()
    _login(client, "coord")
    html = client.get("/coordinate/").get_data(as_text=True)
    section = html[html.index('id="git-sync"') :]
    assert "failing" in section and "does not appear to be a git repository" in section
    assert "&lt;b&gt;Abschiebung&lt;/b&gt; stoppen" in section and "<b>Abschiebung</b>" not in section
    assert "commits not yet pushed" in section or "commit not yet pushed" in section


def test_served_app_starts_its_scheduler_on_the_first_request(service) -> None:
    """With automatic sync on, a (non-test) app runs the scheduler thread from its first request."""
    from translate_app import create_app
    from translate_app.web.extensions import Database

    service.settings.git_sync = True
    app = create_app({"SETTINGS": service.settings})
    try:
        assert "translate_app.git_scheduler" not in app.extensions  # nothing runs in the factory (pre-fork)
        app.test_client().get("/login")
        assert app.extensions["translate_app.git_scheduler"].alive()
    finally:
        app.extensions["translate_app.git_scheduler"].stop()
        Database.dispose(app)


def test_page_in_pull_request_mode_counts_what_the_translation_branch_lacks(make_instance) -> None:
    """Pushed to the translation branch means pushed, though the main branch does not have it yet."""
    from translate_app import create_app
    from translate_app.web.extensions import Database

    service = make_instance(git_push="pull-request")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().pushed
    app = create_app({"SETTINGS": service.settings, "TESTING": True})
    try:
        client = app.test_client()
        _login(client, "coord")
        section = client.get("/coordinate/").get_data(as_text=True).split('id="git-sync"')[1]
        assert "pushes each release to translate-app/RELEASE for a pull request" in section
        assert "in sync" in section and "not yet pushed" not in section
        service.save("olena", "de", "Signed on", "Unterzeichnet.")
        service.sync(push=False)
        section = client.get("/coordinate/").get_data(as_text=True).split('id="git-sync"')[1]
        assert "1 commit not yet pushed" in section
    finally:
        Database.dispose(app)


def test_the_repository_text_is_a_proposal_in_the_segment_history(app, service, other_clone: Path) -> None:
    """A reviewer sees the repository's text of an entry changed on both sides among the segment's proposals."""
    from translate_app.core.catalog import entry_id

    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    path = other_clone / "locales/de/LC_MESSAGES/appeal.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "Die Abschiebung stoppen"
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Partner")
    git(other_clone, "push", "-q")
    service.save("taras", "de", "Stop the", "Stoppt sofort die Abschiebung")
    assert service.sync().conflicts == 1
    client = app.test_client()
    _login(client, "olena")
    segment = entry_id(service.entry("de", "Stop the"))
    found = client.get(f"/api/releases/appeal/de/segments/{segment}/proposals").get_json()
    proposals = found["proposals"] if isinstance(found, dict) else found
    assert [(p["by"], p["text"], p["status"]) for p in proposals] == [
        ("the repository (git merge)", "Die Abschiebung stoppen", "open")
    ]


def test_publishing_asks_for_a_sync_and_a_refused_publish_does_not(app, service) -> None:
    """With automatic sync on, a successful publish requests a sync; one refused (not all approved) does not."""
    app.extensions["translate_app.git_scheduler"] = _NoThread(app)
    service.settings.git_sync = True
    client = app.test_client()
    token = _login(client, "coord")
    assert client.post("/coordinate/releases/appeal/de/publish", data={"csrf_token": token}).status_code == 302
    assert _requested(service) is None  # refused: nothing approved yet
    for start in ("Stop the", "The undersigned", "Protect", "Respect", "Signed on"):
        service.save("olena", "de", start, f"DE: {service.entry('de', start).msgid}")
        service.approve("taras", "de", start)
    assert client.post("/coordinate/releases/appeal/de/publish", data={"csrf_token": token}).status_code == 302
    assert _requested(service) == "publish"
