"""A live server and Debian's chromium driven by Playwright, for what a person does in the browser."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.factory import PASSWORD, Person, make_app, make_project, sqlite_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# A coordinator, a reviewer and a translator of German and Hebrew, and a second translator of German.
PEOPLE = (
    Person("coord", "coordinator"),
    Person("rev_de", "reviewer", ("de", "he")),
    Person("tr_de", "translator", ("de", "he")),
    Person("tr2_de", "translator", ("de",)),
)


@pytest.fixture(scope="session")
def browser():
    """Launch Debian's chromium once per test session."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def live_project(tmp_path: Path) -> Path:
    """Return a project with the small release in German and Hebrew, pre-filled by 'machine'."""
    from translate_app.core.states import set_machine
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    root = make_project(tmp_path / "project", languages=["de", "he"])
    with edit_catalog(Project(root).catalog_path("appeal", "de")) as po:
        for entry in po:
            if entry.msgid:
                set_machine(entry, entry.msgid.replace("the", "die"), provider="test")
    return root


@pytest.fixture
def libre():
    """Run a LibreTranslate-compatible server on 127.0.0.1 with a little latency."""
    from tests.libretranslate_server import FakeLibreTranslate

    server = FakeLibreTranslate(latency=0.05).start()
    yield server
    server.stop()


@pytest.fixture
def live_server(live_project: Path, tmp_path: Path, libre):
    """Serve the app on 127.0.0.1 on a free port in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    from translate_app.web.extensions import Database

    app = make_app(
        live_project,
        sqlite_url(tmp_path, "live"),
        people=PEOPLE,
        testing=False,
        secret_key="browser-test",
        mt_provider="libretranslate",
        mt_tuning={"backoff": 0.01},
        options={"LIBRETRANSLATE_URL": libre.url, "LIBRETRANSLATE_API_KEY": "test-key"},
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    Database.dispose(app)


@pytest.fixture
def login(browser, live_server):
    """Return a function that opens a new browser context logged in as a user."""
    contexts = []

    def _login(name: str):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server + "/login")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(live_server + "/")
        return page

    yield _login
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot under tests/artifacts/ (ignored by git) and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    """Run a flow at desktop width and on a phone."""
    return request.param


@pytest.fixture
def person(browser, live_server, viewport):
    """Return a function that opens a new context at the test's viewport, logged in as someone."""
    contexts = []

    def _open(name: str, password: str = PASSWORD, expect_home: bool = True):
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server + "/login")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", password)
        page.press("input[name=password]", "Enter")
        if expect_home:
            page.wait_for_url(live_server + "/")
        else:
            page.wait_for_load_state()
        return page

    yield _open
    for context in contexts:
        context.close()


def choose_view(page, view: str = "list") -> None:
    """Switch the editor to the list or to one segment at a time (phones start with one segment)."""
    toggle = page.locator("#view-toggle")
    if (toggle.get_attribute("aria-pressed") == "true") != (view == "single"):
        toggle.click()
