"""The embargo in the browser, at desktop width and on a phone: set it, who sees the release, a preview link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, screenshot

TITLE = "Stop the deportation"


def test_embargo_hides_the_release_from_the_uninvited_and_a_preview_opens_without_login(
    browser, person, live_server, viewport
) -> None:
    day = (datetime.now(UTC) + timedelta(days=2)).date()
    coord = person("coord")
    coord.goto(live_server + "/coordinate/releases/appeal")
    coord.get_by_role("link", name="Embargo and preview links").click()  # on the release's own page
    expect(coord.get_by_role("heading", name="Embargo", exact=True)).to_be_in_viewport()
    # A new embargo starts in the coordinator's own time zone (the browser's).
    own_zone = coord.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(coord.locator("select[name=zone]")).to_have_value(own_zone)
    coord.fill("input[name=date]", day.isoformat())
    coord.fill("input[name=time]", "09:00")
    coord.select_option("select[name=zone]", "Europe/Berlin")
    coord.get_by_role("button", name="Set the embargo").click()
    when = f"{day.day} {day.strftime('%B')} {day.year}, 09:00 Europe/Berlin"
    expect(coord).to_have_url(live_server + "/coordinate/releases/appeal#embargo")
    expect(coord.locator(".embargo-status")).to_contain_text(f"Embargoed until {when} (in ")

    coord.locator("#people input[name=name]").fill("tr_de")
    coord.locator("#people").get_by_role("button", name="Add person", exact=True).click()
    expect(coord).to_have_url(live_server + "/coordinate/releases/appeal#embargo")
    expect(coord.locator(".embargo-people li[data-person=tr_de]")).to_be_visible()
    coord.get_by_role("button", name="Create preview link").click()
    link = coord.locator("#new-preview")
    expect(link).to_be_visible()
    preview_url = link.input_value()
    assert "/preview/pv_" in preview_url
    expect(coord.locator("select[name=zone]")).to_have_value("Europe/Berlin")  # the embargo as it is, kept
    expect(coord.locator("input[name=date]")).to_have_value(day.isoformat())
    screenshot(coord, f"embargo-coordinator-{viewport}")
    coord.goto(live_server + "/coordinate/releases/appeal")
    expect(coord.locator(".embargo-notice")).to_contain_text(f"Embargoed until {when}")
    expect(coord.locator("#previews .preview-link")).to_have_count(1)
    expect(coord.locator("#people li[data-person=tr_de]")).to_be_visible()
    screenshot(coord, f"embargo-release-page-{viewport}")

    uninvited = person("tr2_de")
    expect(uninvited.get_by_role("heading", name="My languages")).to_be_visible()
    expect(uninvited.get_by_text(TITLE)).to_have_count(0)
    screenshot(uninvited, f"embargo-uninvited-dashboard-{viewport}")
    response = uninvited.goto(live_server + "/releases/appeal/de")
    assert response is not None and response.status == 404
    expect(uninvited.get_by_text(TITLE)).to_have_count(0)

    invited = person("tr_de")
    expect(invited.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(invited.locator(".embargo-notice")).to_contain_text(f"Embargoed until {when}")
    screenshot(invited, f"embargo-invited-dashboard-{viewport}")

    journalist = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    try:
        response = journalist.goto(preview_url)
        assert response is not None and response.status == 200
        banner = journalist.locator(".embargo-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(f"Preview — under embargo until {when}")
        expect(journalist.locator("main h1")).to_be_visible()
        assert journalist.locator("meta[name=robots]").get_attribute("content") == "noindex"
        box = banner.bounding_box()
        assert box is not None and box["width"] <= VIEWPORTS[viewport]["width"]
        screenshot(journalist, f"embargo-preview-{viewport}")
    finally:
        journalist.context.close()
