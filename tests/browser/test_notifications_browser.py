"""The notification settings page as a person uses it, at desktop and phone width (issue 14, being told)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def assert_fits(page) -> None:
    """Check that the page needs no sideways scrolling."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "page wider than the screen"
    )


def test_a_volunteer_chooses_what_and_how_to_be_told(person, live_server, viewport):
    from playwright.sync_api import expect

    page = person("tr_de")
    page.goto(live_server + "/account/notifications")
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    # No mail server in this service yet: the page says so rather than let e-mail choices fail silently.
    expect(page.get_by_text("This service cannot send e-mail yet")).to_be_visible()
    assert_fits(page)
    mine = page.get_by_role("group", name="A segment of mine commented on or changed by someone else")
    expect(mine.get_by_role("radio", name="Nothing")).to_be_checked()

    # Webhook without a URL: a clear error, and what was typed stays.
    page.get_by_label("E-mail address").fill("olena@example.org")
    mine.get_by_role("radio", name="Webhook").check()
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("by webhook needs a webhook URL")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value("olena@example.org")
    expect(mine.get_by_role("radio", name="Webhook")).to_be_checked()
    screenshot(page, f"notifications-error-{viewport}")

    mine.get_by_role("radio", name="E-mail").check()
    deadline = page.get_by_role("group", name="The deadline near while my language is not all approved")
    deadline.get_by_role("radio", name="E-mail").check()
    page.get_by_label("Webhook URL").fill("https://chat.example.org/hooks/abc")
    page.get_by_role("group", name="The source of a release in my languages corrected").get_by_role(
        "radio", name="Webhook"
    ).check()
    # A translator is not asked about reviews.
    expect(page.get_by_role("group", name="Segments waiting for review in my languages (reviewers)")).to_have_count(0)
    page.get_by_role("button", name="Save notification settings").click()
    expect(page.get_by_text("Notification settings saved.")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"notifications-saved-{viewport}")

    page.reload()
    expect(mine.get_by_role("radio", name="E-mail")).to_be_checked()
    expect(deadline.get_by_role("radio", name="E-mail")).to_be_checked()
    expect(
        page.get_by_role("group", name="A new release in my languages").get_by_role("radio", name="Nothing")
    ).to_be_checked()
    expect(page.get_by_label("Webhook URL")).to_have_value("https://chat.example.org/hooks/abc")
    expect(
        page.get_by_role("group", name="The source of a release in my languages corrected").get_by_role(
            "radio", name="Webhook"
        )
    ).to_be_checked()

    # Another volunteer sees their own empty settings, never this address.
    other = person("tr2_de")
    other.goto(live_server + "/account/notifications")
    expect(other.get_by_label("E-mail address")).to_have_value("")
    assert "olena@example.org" not in other.content()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_a_hebrew_digest_reads_right_to_left(browser, viewport_name):
    """The e-mail as a mail client shows it: right to left, the Hebrew text isolated and escaped."""
    from playwright.sync_api import expect

    from tests.browser.conftest import VIEWPORTS
    from translate_app.config import Settings
    from translate_app.models import NotificationEvent, User, utcnow
    from translate_app.notifications_delivery import digest_email

    settings = Settings(smtp_host="127.0.0.1", smtp_from="news@example.org", public_url="https://translate.example.org")
    person = User(name="dana", display_name="Dana Levi")
    events = [
        NotificationEvent(
            event="changed",
            release="appeal",
            language="he",
            segment_id="a1b2",
            actor="Noa",
            detail="עצרו את הגירוש של <b>מקסים קוזמין</b> (Maksim Kuzmin)",
            urgent=False,
            created_at=utcnow(),
        ),
        NotificationEvent(
            event="deadline_near",
            release="appeal",
            language="he",
            segment_id="",
            actor="",
            detail="3 of 5 segments approved; the deadline (2026-12-01) ends in about 9 hour(s)",
            urgent=True,
            created_at=utcnow(),
        ),
    ]
    message = digest_email(settings, person, "dana@example.org", "appeal", events)
    html = message.get_body(("html",)).get_content()
    context = browser.new_context(viewport=VIEWPORTS[viewport_name])
    try:
        page = context.new_page()
        page.set_content(html)
        assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
        assert page.evaluate("() => document.documentElement.lang") == "he"
        expect(page.get_by_role("heading", name="Deadline near: appeal (he)")).to_be_visible()
        detail = page.get_by_text("עצרו את הגירוש")
        expect(detail).to_be_visible()
        expect(detail).to_contain_text("<b>מקסים קוזמין</b>")  # shown as typed, not as markup
        expect(page.get_by_role("link", name="change them")).to_have_attribute(
            "href", "https://translate.example.org/account/notifications"
        )
        # Right to left: the text starts at the right edge of its box.
        box = detail.bounding_box()
        width = page.evaluate("() => document.documentElement.clientWidth")
        assert box["x"] + box["width"] > width * 0.6
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"notifications-digest-he-{viewport_name}")
    finally:
        context.close()
