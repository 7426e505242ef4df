"""In the browser: the strict Content-Security-Policy breaks no page, the API tokens page, and ended sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "tr_de": ["/", "/releases/appeal/de", "/releases/appeal/de/preview", "/account/tokens"],
    "coord": [
        "/coordinate/",
        "/coordinate/releases/appeal",
        "/coordinate/users",
        "/coordinate/releases/new",
        "/account/tokens",
    ],
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_breaks_the_content_security_policy(person, live_server, viewport, name):
    page = person(name)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    for path in PAGES[name]:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        if path in ("/", "/releases/appeal/de", "/coordinate/", "/coordinate/releases/appeal"):
            bar = page.locator(".progress rect.machine").first  # the German catalog is machine-filled
            expect(bar).to_be_visible()
            assert bar.bounding_box()["width"] > 20, f"{path}: the progress bar has no width"
        if path.endswith("/preview"):  # its own <style> elements apply (allowed by their hashes)
            note = page.locator(".preview-note")
            expect(note).to_be_visible()
            assert note.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(246, 246, 244)"
        screenshot(page, f"csp-{name}-{path.strip('/').replace('/', '-') or 'home'}-{viewport}")
    assert refused == [], refused


def test_a_person_creates_and_revokes_an_api_token(person, live_server, viewport):
    page = person("tr_de")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    page.get_by_label("What it is for").fill("my import script")
    page.get_by_label("Expires after (days)").fill("30")
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_text("Copy it now: it is shown only once.")).to_be_visible()
    value = page.locator("#new-token").input_value()
    assert value.startswith("ta_")
    row = page.locator(".token-list li", has_text="my import script")
    expect(row).to_be_visible()
    expect(row).to_contain_text("never")  # not used yet
    r = page.request.get(live_server + "/api/releases", headers={"Authorization": f"Bearer {value}"})
    assert r.status == 200
    expect(page.get_by_label("What it is for")).to_have_value("")  # ready for the next one
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "wider than the screen"
    screenshot(page, f"tokens-created-{viewport}")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("revoked: it no longer works")).to_be_visible()
    expect(page.locator(".token-list li", has_text="my import script")).to_be_hidden()
    expect(page.locator("#new-token")).to_be_hidden()
    screenshot(page, f"tokens-revoked-{viewport}")


def test_logging_out_ends_every_copy_of_the_session(browser, person, live_server, viewport):
    laptop = person("tr_de")
    copy = browser.new_context(viewport=VIEWPORTS[viewport])  # another browser holding the same cookie
    try:
        copy.add_cookies(laptop.context.cookies())
        phone = copy.new_page()
        phone.goto(live_server + "/")
        expect(phone.get_by_role("button", name="Log out")).to_be_visible()
        laptop.get_by_role("button", name="Log out").click()
        laptop.wait_for_url("**/login")
        phone.goto(live_server + "/releases/appeal/de")
        expect(phone.get_by_text("Your session has ended")).to_be_visible()
        expect(phone.get_by_role("button", name="Log in")).to_be_visible()
        expect(phone.get_by_role("button", name="Log out")).to_be_hidden()
        screenshot(phone, f"session-ended-{viewport}")
    finally:
        copy.close()
