"""A big release in the editor: a page at a time, filters on the server, Ctrl+Enter across pages (issue 11.5).

The page size is lowered to 20 for these tests (200 in service) so that a
45-segment release has three pages.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

PAGE, SEGMENTS = 20, 45


@pytest.fixture
def big_editor(login, live_server, live_project, viewport, monkeypatch):
    """Add a 45-segment release (segments 1, 4, 7, ... translated) and open its German editor."""
    from translate_app.core import segments as seg
    from translate_app.core.states import set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    monkeypatch.setattr(seg, "PAGE_SIZE", PAGE)
    lines = ["# Big release", ""] + [x for i in range(1, SEGMENTS) for x in (f"Item {i}: the court must act.", "")]
    (live_project / "source" / "big.md").write_text("\n".join(lines), encoding="utf-8")
    project = Project(live_project)
    project.add_release(live_project / "source" / "big.md", ["de"])
    with edit_catalog(project.catalog_path("big", "de")) as po:
        for i, entry in enumerate(e for e in po if e.msgid and not e.obsolete):
            if i % 3 == 0:
                set_translated(entry, f"Übersetzt {i + 1}", by="seed")
    page = login("tr_de")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{live_server}/releases/big/de")
    expect(page.locator("li.segment.current")).to_be_visible()
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        page.locator("#view-toggle").click()  # phones start with one segment at a time; these flows use the list
    return page


def row(page, number: int):
    """Return the segment row that shows this number in the release."""
    return page.locator("li.segment").filter(has=page.locator("div.where", has_text=f"{number} ·")).first


def screen(page, name: str) -> None:
    """Save what is on the screen (not the whole page) under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_ctrl_enter_at_the_end_of_a_page_goes_to_the_next_open_segment_on_the_next_page(big_editor, viewport):
    page = big_editor
    expect(page.locator("nav.pager").first).to_contain_text("Page 1 of 3")
    expect(page.locator("#filter-count")).to_have_text("45 of 45 segments, page 1 of 3")
    expect(page.locator("li.segment")).to_have_count(PAGE)
    expect(row(page, 2).locator("textarea")).to_be_focused()  # the first open segment (1 is translated)
    screenshot(page, f"editor-paging-page1-{viewport}")
    last = row(page, 20).locator("textarea")
    last.click()
    last.fill("Punkt 19: das Gericht muss handeln.")
    last.press("Control+Enter")
    page.wait_for_url("**/releases/big/de?page=2#seg-*")
    expect(page.locator("nav.pager").first).to_contain_text("Page 2 of 3")
    expect(row(page, 21).locator("textarea")).to_be_focused()  # 21 is the next open one
    expect(row(page, 21)).to_be_in_viewport()
    expect(page.locator("#progress .legend")).to_contain_text("16 translated")  # the whole release, saved one too
    screenshot(page, f"editor-paging-page2-{viewport}")
    screen(page, f"editor-paging-page2-screen-{viewport}")
    no_sideways_scroll(page)
    page.goto(page.url.split("?")[0])  # the save is stored: page 1 shows it
    expect(row(page, 20).locator("textarea")).to_have_value("Punkt 19: das Gericht muss handeln.")
    expect(row(page, 20).locator(".state")).to_have_text("Translated")


def test_filters_and_search_of_a_big_release_load_matching_pages(big_editor, viewport):
    page = big_editor
    page.select_option("#filter-state", "translated")
    page.wait_for_url("**state=translated**")
    expect(page.locator("#filter-count")).to_have_text("15 of 45 segments, page 1 of 1")
    expect(page.locator("li.segment")).to_have_count(15)
    expect(page.locator("li.segment .state").first).to_have_text("Translated")
    expect(page.locator("#filter-state")).to_have_value("translated")
    page.select_option("#filter-state", "")
    page.wait_for_url("**state=&**")
    search = page.locator("#filter-text")
    search.fill("item 4")
    search.press("Enter")
    page.wait_for_url("**q=item+4**")
    expect(page.locator("#filter-count")).to_have_text("6 of 45 segments, page 1 of 1")
    expect(row(page, 5)).to_be_visible()  # "Item 4", and 41-45 ("Item 40" to "Item 44")
    expect(row(page, 45)).to_be_visible()
    expect(page.locator("#filter-text")).to_have_value("item 4")
    screenshot(page, f"editor-paging-search-{viewport}")
    no_sideways_scroll(page)
    search.fill("nothing like this")
    search.press("Enter")
    expect(page.locator("#no-segments")).to_have_text("No segments match the filters.")


def test_ctrl_enter_when_no_open_segment_is_left_says_so(big_editor, live_project, viewport):
    from translate_app.core.states import set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    page = big_editor
    with edit_catalog(Project(live_project).catalog_path("big", "de")) as po:
        for entry in po:
            if entry.msgid and not entry.msgstr and "Item 1:" not in entry.msgid:
                set_translated(entry, "Fertig", by="seed")
    page.reload()
    only = row(page, 2).locator("textarea")  # "Item 1": the last open segment
    only.click()
    only.fill("Punkt 1: das Gericht muss handeln.")
    only.press("Control+Enter")
    page.wait_for_url("**nothing_open=1**")
    expect(page.locator("#nothing-open")).to_have_text("No more open segments in this release.")
    expect(row(page, 2).locator(".state")).to_have_text("Translated")
    expect(row(page, 2).locator(".status")).to_have_text("no more open segments in this release")
    expect(row(page, 2).locator(".status")).to_be_in_viewport()
    expect(row(page, 2).locator("textarea")).to_be_focused()
    screenshot(page, f"editor-paging-none-open-{viewport}")
    screen(page, f"editor-paging-none-open-screen-{viewport}")
