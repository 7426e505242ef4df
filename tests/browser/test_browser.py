"""What volunteers and coordinators do in a real browser (Debian's chromium)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_translate_with_keyboard_review_publish_download(login, live_server, live_project):
    page = login("tr_de")
    screenshot(page, "dashboard")
    page.click("text=German")
    page.wait_for_selector("li.segment.current")
    # Three segments with the keyboard only: type, then Ctrl+Enter saves and moves on.
    for text in ["Stoppt die Abschiebung", "Die unterzeichnenden Organisationen rufen das **Gericht** auf, [Maksim Kuzmin](https://example.org/mk) zu schützen.", "Schützt Kriegsdienstverweigerer."]:
        page.keyboard.press("Control+a")
        page.keyboard.type(text)
        page.keyboard.press("Control+Enter")
        page.wait_for_function("(t) => Array.from(document.querySelectorAll('li.segment')).some(li => li.dataset.saved === t && li.dataset.state === 'translated')", arg=text)
    assert page.locator("li.segment.state-translated").count() == 3
    screenshot(page, "editor")
    page.context.close()

    page = login("rev_de")
    page.goto(live_server + "/releases/appeal/de")
    page.wait_for_selector("li.segment.current")
    segments = page.locator("li.segment")
    for i in range(segments.count()):
        segments.nth(i).locator("textarea").focus()
        page.keyboard.press("Alt+a")
        page.wait_for_function("(i) => document.querySelectorAll('li.segment')[i].dataset.state === 'approved'", arg=i)
    assert page.locator("li.segment.state-approved").count() == segments.count()
    page.context.close()

    page = login("coord")
    page.goto(live_server + "/coordinate/releases/appeal")
    row = page.locator("tr[data-language=de]")
    row.locator("button", has_text="Publish").click()
    page.wait_for_selector("text=German published.")
    with page.expect_download() as info:
        page.locator("tr[data-language=de] a", has_text="HTML").click()
    html = open(info.value.path(), encoding="utf-8").read()
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
    page.wait_for_selector("li.segment.state-translated")
    screenshot(page, "editor-hebrew")
    preview = page.context.new_page()
    preview.goto(live_server + "/releases/appeal/he/preview")
    assert preview.locator("html").get_attribute("dir") == "rtl"


def test_two_browsers_saving_one_segment_see_the_conflict(login, live_server):
    first = login("tr_de")
    second = login("tr2_de")
    for page in (first, second):
        page.goto(live_server + "/releases/appeal/de")
        page.wait_for_selector("li.segment.current")
    first.locator("li.segment textarea").first.fill("Fassung eins")
    first.keyboard.press("Control+Enter")
    first.wait_for_selector("li.segment.state-translated")
    second.locator("li.segment textarea").first.fill("Fassung zwei")
    second.keyboard.press("Control+Enter")
    conflict = second.locator("li.segment .conflict").first
    conflict.wait_for(state="visible")
    assert "Fassung eins" in conflict.locator("pre.theirs").inner_text()
    assert "Fassung zwei" in conflict.locator("pre.mine").inner_text()
    screenshot(second, "conflict")
    conflict.locator("button", has_text="Keep mine").click()
    second.wait_for_function("() => document.querySelector('li.segment').dataset.saved === 'Fassung zwei'")
    first.reload()
    assert first.locator("li.segment textarea").first.input_value() == "Fassung zwei"


def test_coordinator_watches_pretranslation_progress(login, live_server, live_project, libre):
    from translate_app.core.project import Project

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
