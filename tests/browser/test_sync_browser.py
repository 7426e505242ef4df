"""The coordinator's Git section in a browser: state, the failing push's reason, conflicts, "Sync now"."""

from __future__ import annotations

import threading
from pathlib import Path

import polib
import pytest

from tests.browser.conftest import screenshot
from tests.gitsync.conftest import GITIGNORE, RELEASE, git
from tests.web.conftest import PASSWORD

CATALOG_DE = "locales/de/LC_MESSAGES/appeal.po"


@pytest.fixture
def git_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Serve an app whose project folder is a clone; one entry was changed on both sides; yield (url, remote)."""
    from werkzeug.serving import make_server

    from translate_app import accounts, create_app, workflow
    from translate_app.config import Settings
    from translate_app.core import catalog as cat
    from translate_app.gitsync.service import GitSync
    from translate_app.project import Project
    from translate_app.web.extensions import Database

    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Partner Org")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "dev@partner.example")
    bare, seed, other, root = (tmp_path / n for n in ("remote.git", "seed", "other", "service"))
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / "source").mkdir()
    (seed / "source" / "appeal.md").write_text(RELEASE, encoding="utf-8")
    (seed / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    Project(seed).add_release(seed / "source" / "appeal.md", ["de", "fr"])
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "release")
    git(seed, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", str(bare), str(root))
    git(tmp_path, "clone", "-q", str(bare), str(other))
    po = polib.pofile(str(other / CATALOG_DE))
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "Die Abschiebung <em>stoppen</em>"
    po.save(str(other / CATALOG_DE))
    git(other, "commit", "-qam", "Partner's translation")
    git(other, "push", "-q")

    settings = Settings(
        root=root,
        secret_key="browser-test",
        secure_cookies=False,
        database_url=f"sqlite:///{tmp_path / 'live.sqlite3'}",
        git_noreply_domain="users.noreply.example.org",
    )
    app = create_app({"SETTINGS": settings})
    sessions = Database.factory(app)
    with sessions() as session:
        coord = accounts.create_user(
            session, name="coord", role="coordinator", languages=[], password=PASSWORD, display_name="Maria Coordinator"
        )
        session.commit()
        entry = next(e for e in cat.load(root / CATALOG_DE) if e.msgid.startswith("Stop the"))
        workflow.save_segment(
            session=session,
            project=settings.project(),
            user=coord,
            release="appeal",
            language="de",
            segment_id=cat.entry_id(entry),
            text="Stoppt die Abschiebung",
            version=cat.entry_version(entry),
        )
    report = GitSync(settings, sessions).sync(push=False)
    assert report.conflicts == 1
    bare.rename(tmp_path / "gone.git")  # the remote is away: the next sync fails
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", bare, tmp_path / "gone.git"
    server.shutdown()
    sched = app.extensions.get("translate_app.git_scheduler")
    if sched is not None:
        sched.stop()
    Database.dispose(app)


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_coordinator_sees_the_sync_state_and_syncs_now(browser, git_server, width: int, height: int) -> None:
    from playwright.sync_api import expect

    url, remote, gone = git_server
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url + "/login")
    page.fill("input[name=name]", "coord")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.goto(url + "/coordinate/")
    section = page.locator("#git-sync")
    expect(section.get_by_role("heading", name="Git")).to_be_visible()
    expect(section).to_contain_text("origin/main")
    expect(section.locator(".git-conflicts")).to_contain_text("Die Abschiebung <em>stoppen</em>")
    expect(section.locator(".git-conflicts")).to_contain_text("Stop the deportation")  # which segment
    expect(section.locator(".git-conflicts em")).to_have_count(0)  # shown as text, never as markup

    section.get_by_role("button", name="Sync now").click()
    expect(page.get_by_role("status")).to_contain_text("Sync started")
    for _ in range(50):  # the sync runs in the background; the page says how it went on reload
        page.reload()
        if page.locator("#git-sync .git-error").count():
            break
        page.wait_for_timeout(200)
    error = page.locator("#git-sync").get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("does not appear to be a git repository")
    expect(page.locator("#git-sync")).to_contain_text("failing")
    expect(page.locator("#git-sync")).to_contain_text("not yet pushed")
    box = page.locator("#git-sync").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # no sideways scrolling on a phone
    screenshot(page, f"sync-failing-{width}")

    gone.rename(remote)  # the remote is back: "Sync now" pushes everything that waited
    page.locator("#git-sync").get_by_role("button", name="Sync now").click()
    for _ in range(50):
        page.reload()
        if "in sync" in page.locator("#git-sync").inner_text():
            break
        page.wait_for_timeout(200)
    expect(page.locator("#git-sync .badge.done")).to_have_text("in sync")
    expect(page.locator("#git-sync .git-error")).to_be_hidden()
    screenshot(page, f"sync-ok-{width}")
    assert "Stoppt die Abschiebung" in git(remote, "show", f"main:{CATALOG_DE}")
    context.close()
