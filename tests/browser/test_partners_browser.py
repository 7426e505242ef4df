"""A partner's translation taken in as a coordinator sees it, at desktop width and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import VIEWPORTS, screenshot

pytestmark = pytest.mark.parametrize("viewport", list(VIEWPORTS))

PARTNER_TEXT = """# Stoppt die Abschiebung

Die unterzeichnenden Organisationen rufen das **Gericht** auf, [Maksim Kuzmin](https://example.org/mk) zu schützen.

- Kriegsdienstverweigerer schützen. Das Urteil von 2023 respektieren.

Unterzeichnet am 30. März 2026.
"""


def _texts(page) -> list[str]:
    return page.locator("table.align-table textarea").evaluate_all("areas => areas.map(a => a.value)")


def test_align_shift_and_write_then_the_editor_credits_the_partner(login, live_server, viewport) -> None:
    from playwright.sync_api import expect

    page = login("coord")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server + "/coordinate/releases/appeal")
    page.get_by_role("link", name="Take in a partner's translation").click()
    page.get_by_label("Partner organisation (or tool)").fill("Connection e.V.")
    page.get_by_label("Language").select_option(label="German (de)")
    page.get_by_label("…or paste the translated text").fill(PARTNER_TEXT)
    page.get_by_role("button", name="Align with the source").click()

    expect(page.get_by_role("heading", name="German from Connection e.V.")).to_be_visible()
    rows = page.locator("tr.align-row")
    expect(rows).to_have_count(5)
    # The partner merged the two list items: both rows are marked for a second look, the others are not.
    doubtful = page.locator("tr.align-row.is-doubtful")
    expect(doubtful).to_have_count(2)
    for k in (2, 3):
        expect(rows.nth(k).locator(".flag", has_text="doubtful")).to_be_visible()
        expect(rows.nth(k).locator(".flag", has_text="merged")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="2 rows to look at twice")).to_be_visible()
    assert _texts(page)[2:4] == ["Kriegsdienstverweigerer schützen.", "Das Urteil von 2023 respektieren."]
    screenshot(page, f"partners-align-{viewport}")

    if viewport == "phone":  # stacked: the source above its translation, nothing wider than the screen
        source = rows.nth(1).locator(".align-source").bounding_box()
        target = rows.nth(1).locator("textarea").bounding_box()
        assert target["y"] >= source["y"] + source["height"] - 1
        assert target["x"] >= 0 and target["x"] + target["width"] <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A shift moves the text: Down on row 3 puts its text in row 4 (and row 4's in row 3).
    rows.nth(2).get_by_role("button", name="Down").click()
    assert _texts(page)[2:4] == ["Das Urteil von 2023 respektieren.", "Kriegsdienstverweigerer schützen."]
    expect(rows.nth(3).locator("textarea")).to_be_focused()
    # By keyboard: Alt+↑ in row 4 moves it back, and the focus follows the text.
    page.keyboard.press("Alt+ArrowUp")
    assert _texts(page)[2:4] == ["Kriegsdienstverweigerer schützen.", "Das Urteil von 2023 respektieren."]
    expect(rows.nth(2).locator("textarea")).to_be_focused()
    # Clearing a row takes it out of what is written.
    rows.nth(4).get_by_role("button", name="Clear").click()
    write = page.get_by_role("button", name="Write 4 segments as needs review")
    expect(write).to_be_visible()
    screenshot(page, f"partners-align-edited-{viewport}")
    write.click()

    written = "4 segments written as “needs review”, credited to Connection e.V."
    expect(page.get_by_role("status").filter(has_text=written)).to_be_visible()
    page.get_by_role("link", name="Open the German editor").click()
    first = page.locator("li.segment").first
    expect(first.locator(".state.badge")).to_have_text("Needs review")
    expect(first.locator(".provenance.partner")).to_have_text(
        "translation by the partner Connection e.V., needs review"
    )
    expect(first.locator("textarea")).to_have_value("Stoppt die Abschiebung")
    # The row cleared on the alignment screen still holds the machine's suggestion.
    expect(page.locator(".key.needs_review")).to_have_text("4 needs review")
    expect(page.locator(".key.machine")).to_have_text("1 machine")
    screenshot(page, f"partners-editor-{viewport}")


def test_merge_split_and_a_kept_row(login, live_server, live_project, viewport) -> None:
    """Merge two rows' texts, split them at a sentence end and at the cursor; a person's row is kept."""
    from playwright.sync_api import expect

    from translate_app.core.states import set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    with edit_catalog(Project(live_project).catalog_path("appeal", "de")) as po:
        set_translated(
            next(e for e in po if e.msgid.startswith("Signed on")), "Unterschrieben am 30.3.2026.", by="tr_de"
        )
    page = login("coord")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server + "/coordinate/releases/appeal/partners")
    page.get_by_label("Partner organisation (or tool)").fill("Connection e.V.")
    page.get_by_label("…or paste the translated text").fill(PARTNER_TEXT)
    page.get_by_role("button", name="Align with the source").click()
    rows = page.locator("tr.align-row")
    expect(rows).to_have_count(5)
    kept = rows.nth(4)
    expect(kept.locator(".flag", has_text="kept")).to_be_visible()
    expect(kept.locator(".kept-note")).to_contain_text("Kept, not written: translated text in the catalog:")
    expect(kept.locator(".kept-note q")).to_have_text("Unterschrieben am 30.3.2026.")
    expect(page.get_by_role("button", name="Write 4 segments as needs review")).to_be_visible()

    rows.nth(2).get_by_role("button", name="Merge next").click()
    assert _texts(page)[2:4] == ["Kriegsdienstverweigerer schützen. Das Urteil von 2023 respektieren.", ""]
    expect(page.get_by_role("button", name="Write 3 segments as needs review")).to_be_visible()
    # The cursor at the end: split at the sentence end nearest the middle, into the empty row below.
    area = rows.nth(2).locator("textarea")
    area.focus()
    page.keyboard.press("End")
    rows.nth(2).get_by_role("button", name="Split").click()
    assert _texts(page)[2:4] == ["Kriegsdienstverweigerer schützen.", "Das Urteil von 2023 respektieren."]
    expect(rows.nth(3).locator("textarea")).to_be_focused()
    # At the cursor (Alt+S): the rest goes to the next row and the rows below move down into the empty one.
    rows.nth(1).get_by_role("button", name="Clear").click()
    rows.nth(0).locator("textarea").evaluate(
        "a => { a.value = 'Stoppt die Abschiebung Die unterzeichnenden'; a.focus(); a.setSelectionRange(22, 22); }"
    )
    page.keyboard.press("Alt+s")
    assert _texts(page)[0:3] == ["Stoppt die Abschiebung", "Die unterzeichnenden", "Kriegsdienstverweigerer schützen."]
    expect(page.locator("p.live")).to_have_text("Row 1 split; its second part is now in row 2.")
    screenshot(page, f"partners-merge-split-{viewport}")
