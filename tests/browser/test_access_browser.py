"""Getting in (issue 14): share links from the coordinator to a first saved suggestion, password links, invitations."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, choose_view, screenshot
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _fresh_link_view_counts():
    """Opening links is limited per address in each process's memory; every test starts afresh (all are 127.0.0.1)."""
    from translate_app.web.links import LINK_VIEWS

    LINK_VIEWS.reset()


def assert_fits(page) -> None:
    """Check that the page needs no sideways scrolling."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "page wider than the screen"
    )


def _record(name: str, seconds: float) -> None:
    """Keep a measured figure next to the screenshots (tests/artifacts/timings.txt) for the closing note."""
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "timings.txt").open("a", encoding="utf-8") as out:
        out.write(f"{name}\t{seconds:.2f} s\n")


@pytest.mark.parametrize("role", ["suggester", "translator"])
def test_a_share_link_from_creation_to_revocation(person, browser, live_server, viewport, role):
    from playwright.sync_api import expect

    # The coordinator makes a link for German only.
    coord = person("coord")
    coord.goto(live_server + "/coordinate/releases/appeal")
    coord.get_by_role("link", name="Share links").click()
    coord.get_by_label("German (de)").check()
    coord.get_by_label("Role").select_option(role)
    coord.get_by_label("Use limit (people)").fill("5")
    coord.get_by_label("Note (for you: who it is for)").fill("Berlin group")
    coord.get_by_role("button", name="Create link").click()
    expect(coord.get_by_text("Copy it now and send it: it is shown only once")).to_be_visible()
    url = coord.locator("#new-link").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/join/tl_[\w-]{40,}", url)
    assert_fits(coord)
    screenshot(coord, f"access-link-created-{role}-{viewport}")

    # A new person opens it in a fresh browser (no cookies), gives a pseudonym and saves.
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url)
        expect(page.get_by_role("heading", name="Join the translation")).to_be_visible()
        expect(page.get_by_text("No account needed.")).to_be_visible()
        paused = time.perf_counter()  # the test's own looking is not the person's time
        assert_fits(page)
        screenshot(page, f"access-join-{role}-{viewport}")
        started += time.perf_counter() - paused
        page.get_by_label("Your name as others will see it (a pseudonym is fine)").fill("Night Owl")
        page.get_by_role("radio", name="a pseudonym").check()
        page.get_by_role("button", name="Start").click()
        page.wait_for_url(live_server + "/releases/appeal/de")
        expect(page.locator("header .who")).to_have_text(f"Night Owl · {role}")
        in_editor = time.perf_counter() - started
        first = page.locator("li.segment").first
        first.locator("textarea").fill("Stoppt die Abschiebung von Maksim")
        first.get_by_role("button", name="Suggest" if role == "suggester" else "Save").click()
        expected = "waiting for a reviewer" if role == "suggester" else "saved"
        expect(first.locator(".status")).to_contain_text(expected)
        elapsed = time.perf_counter() - started
        _record(
            f"link opened -> first saved {'suggestion' if role == 'suggester' else 'translation'} "
            f"({viewport}; in the editor after {in_editor:.2f} s)",
            elapsed,
        )
        choose_view(page, "list")  # phones work one segment at a time; the rest of the test looks at the list
        if role == "suggester":
            expect(first.locator(".state")).not_to_have_text("Translated")  # the catalog did not change
            expect(first.locator(".proposals-count")).to_be_visible()
        else:
            expect(first.locator(".state")).to_have_text("Translated")
        screenshot(page, f"access-first-save-{role}-{viewport}")
        assert elapsed < 20, f"from the link to the first save took {elapsed:.1f} s"

        # Other releases and languages stay closed.
        refused = page.goto(live_server + "/releases/appeal/he")
        assert refused.status == 403
        expect(page.get_by_text("Your access is limited to the release appeal in de.")).to_be_visible()
        page.goto(live_server + "/releases/appeal/de")

        # The coordinator sees them and revokes the link.
        coord.goto(live_server + "/coordinate/releases/appeal/links")  # not a reload: that would post again
        row = coord.locator("li.share-link").first
        expect(row.get_by_text("Night Owl")).to_be_visible()
        expect(row).to_contain_text("used 1 of 5 times")
        row.get_by_role("button", name=re.compile(r"^Revoke link \d+ \(ends their sessions\)")).click()
        expect(coord.get_by_text("Link revoked; 1 session ended.")).to_be_visible()
        expect(coord.locator("li.share-link").first.locator(".badge", has_text="revoked")).to_be_visible()
        screenshot(coord, f"access-link-revoked-{role}-{viewport}")

        # The person's next request is refused with a clear message: a save first, then a page.
        second = page.locator("li.segment").nth(1)
        second.locator("textarea").fill("Noch ein Versuch")
        second.get_by_role("button", name="Suggest" if role == "suggester" else "Save").click()
        expect(second.locator(".status")).to_contain_text("Your access through the share link has ended")
        page.reload()
        expect(page.get_by_role("alert")).to_contain_text(
            "Your access through the share link has ended: a coordinator revoked the link or it expired."
        )
        assert_fits(page)
        screenshot(page, f"access-after-revoke-{role}-{viewport}")
    finally:
        context.close()


def test_password_link_flow(person, browser, live_server, viewport):
    from playwright.sync_api import expect

    coord = person("coord")
    coord.goto(live_server + "/coordinate/users")
    coord.get_by_role("button", name="Password link for tr2_de").click()
    expect(coord.get_by_role("heading", name="Password link for tr2_de")).to_be_visible()
    url = coord.locator("#reset-link").input_value()
    coord.locator("button[data-copy=reset-link]").click()
    expect(coord.locator(".password-link .copy-status")).not_to_have_text("")
    assert_fits(coord)
    screenshot(coord, f"access-password-link-{viewport}")

    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_text("A new password for tr2_de")).to_be_visible()
        page.get_by_label("Password", exact=True).fill("a brand new password")
        page.get_by_label("Repeat the password").fill("a brand new password")
        page.get_by_role("button", name="Save password").click()
        expect(page.get_by_text("Password set.")).to_be_visible()
        expect(page.locator("header .who")).to_have_text("tr2_de · translator")
        assert_fits(page)
        screenshot(page, f"access-password-set-{viewport}")
        page.goto(url)
        expect(page.get_by_text("not valid or was already used")).to_be_visible()
    finally:
        context.close()
    old = person("tr2_de", PASSWORD, expect_home=False)
    expect(old.get_by_text("Wrong name or password.")).to_be_visible()


def test_invitations_list_with_new_link_and_revoke(person, browser, live_server, viewport):
    from playwright.sync_api import expect

    coord = person("coord")
    coord.goto(live_server + "/coordinate/users")
    coord.get_by_label("Name as others see it").fill("Olena Shevchenko")
    coord.get_by_role("button", name="Create invitation link").click()
    first = coord.locator("#invite-link").input_value()
    assert "?" not in first and "Olena" not in first
    pending = coord.locator("section.pending-invitations")
    expect(pending.get_by_text("Olena Shevchenko")).to_be_visible()
    expect(pending).to_contain_text("a link cannot be shown again")
    pending.get_by_role("button", name="New link for olena.shevchenko").click()
    expect(coord.get_by_text("the earlier link no longer works")).to_be_visible()
    second = coord.locator("#invite-link").input_value()
    assert second != first
    assert_fits(coord)
    screenshot(coord, f"access-invitations-{viewport}")

    context = browser.new_context(viewport=VIEWPORTS[viewport])
    try:
        page = context.new_page()
        assert page.goto(first).status == 400
        page.goto(second)
        expect(page.get_by_label("Your name as others see it")).to_have_value("Olena Shevchenko")
        coord.locator("section.pending-invitations").get_by_role(
            "button", name="Revoke the invitation of olena.shevchenko"
        ).click()
        expect(coord.get_by_text("Invitation for olena.shevchenko revoked")).to_be_visible()
        expect(coord.locator("section.pending-invitations")).to_contain_text("No pending invitations.")
        page.reload()
        expect(page.get_by_text("a coordinator may have replaced or revoked it")).to_be_visible()
    finally:
        context.close()
