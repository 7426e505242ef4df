"""What volunteers and coordinators do in a real browser (Debian's chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def test_translate_with_keyboard_review_publish_download(login, live_server, live_project):
    page = login("tr_de")
    screenshot(page, "dashboard")
    page.click("text=German")
    segments = page.locator("li.segment")
    expect(segments.first.locator("textarea")).to_be_focused()
    # Three segments with the keyboard only: type, then Ctrl+Enter saves and moves on.
    texts = [
        "Stoppt die Abschiebung",
        "Die unterzeichnenden Organisationen rufen das **Gericht** auf, "
        "[Maksim Kuzmin](https://example.org/mk) zu schützen.",
        "Schützt Kriegsdienstverweigerer.",
    ]
    for i, text in enumerate(texts):
        expect(segments.nth(i).locator("textarea")).to_be_focused()
        page.keyboard.press("Control+a")
        page.keyboard.type(text)
        page.keyboard.press("Control+Enter")
        expect(segments.nth(i).locator(".state")).to_have_text("Translated")
        expect(segments.nth(i).locator(".status")).to_have_text("saved")
        expect(segments.nth(i).locator("textarea")).to_have_value(text)
    expect(segments.nth(3).locator("textarea")).to_be_focused()
    expect(page.locator("#progress .legend")).to_contain_text("3 translated")
    screenshot(page, "editor")
    page.context.close()

    page = login("rev_de")
    page.goto(live_server + "/releases/appeal/de")
    segments = page.locator("li.segment")
    expect(segments.first.locator("textarea")).to_be_visible()
    for i in range(segments.count()):
        segments.nth(i).locator("textarea").focus()
        page.keyboard.press("Alt+a")
        expect(segments.nth(i).locator(".state")).to_have_text("Approved")
        expect(segments.nth(i).locator(".by")).to_have_text("approved by rev_de")
    expect(page.locator("#progress .legend")).to_contain_text("5 approved")
    page.context.close()

    page = login("coord")
    page.goto(live_server + "/coordinate/releases/appeal")
    row = page.locator("tr[data-language=de]")
    row.locator("button", has_text="Publish").click()
    page.wait_for_selector("text=German published.")
    with page.expect_download() as info:
        page.locator("tr[data-language=de] a", has_text="HTML").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert '<html lang="de" dir="ltr">' in html
    assert "Stoppt die Abschiebung" in html and "<strong>Gericht</strong>" in html


def test_hebrew_is_edited_right_to_left(login, live_server):
    page = login("tr_de")
    page.goto(live_server + "/releases/appeal/he")
    area = page.locator("li.segment textarea").first
    assert area.get_attribute("dir") == "rtl"
    assert area.evaluate("el => getComputedStyle(el).direction") == "rtl"
    area.fill("עצרו את הגירוש")
    page.keyboard.press("Control+Enter")
    expect(page.locator("li.segment .state").first).to_have_text("Translated")
    screenshot(page, "editor-hebrew")
    preview = page.context.new_page()
    preview.goto(live_server + "/releases/appeal/he/preview")
    assert preview.locator("html").get_attribute("dir") == "rtl"
    expect(preview.locator("main h1")).to_have_text("עצרו את הגירוש")


def test_two_browsers_saving_one_segment_see_the_conflict(login, live_server):
    first = login("tr_de")
    second = login("tr2_de")
    for page in (first, second):
        page.goto(live_server + "/releases/appeal/de")
        expect(page.locator("li.segment.current")).to_be_visible()
    first.locator("li.segment textarea").first.fill("Fassung eins")
    first.keyboard.press("Control+Enter")
    expect(first.locator("li.segment .state").first).to_have_text("Translated")
    second.locator("li.segment textarea").first.fill("Fassung zwei")
    second.keyboard.press("Control+Enter")
    conflict = second.locator("li.segment .conflict").first
    expect(conflict).to_be_visible()
    expect(conflict.locator("pre.theirs")).to_have_text("Fassung eins")
    expect(conflict.locator("pre.mine")).to_have_text("Fassung zwei")
    screenshot(second, "conflict")
    conflict.locator("button", has_text="Keep mine").click()
    expect(conflict).to_be_hidden()
    expect(second.locator("li.segment .status").first).to_have_text("saved")
    expect(second.locator("li.segment .unsaved-mark").first).to_be_hidden()
    first.reload()
    expect(first.locator("li.segment textarea").first).to_have_value("Fassung zwei")


def test_coordinator_watches_pretranslation_progress(login, live_server, live_project, libre):
    from translate_app.project import Project

    page = login("coord")
    page.goto(live_server + "/coordinate/releases/appeal")
    form = page.locator("#pretranslate form")
    form.locator("input[value=de]").uncheck()
    form.locator("input[value=he]").check()
    form.locator("select[name=provider]").select_option("libretranslate")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#pretranslate .job-text:has-text('Finished: all 5 segments filled.')", timeout=30_000)
    assert libre.requests >= 1
    screenshot(page, "pretranslate")
    status = {s.language: s.counts for s in Project(live_project).status("appeal")}
    assert status["he"]["machine"] == 5
