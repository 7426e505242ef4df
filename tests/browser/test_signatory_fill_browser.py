"""The editor on the sample release in Hebrew: filled signatory items say where their text comes from,
and the ones whose description is still in English say so, at desktop width and on a phone."""

from __future__ import annotations

import shutil

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, choose_view, screenshot
from tests.conftest import SAMPLE
from translate_app.core.signatories import FSI, PDI


def test_filled_signatories_show_their_provenance_and_the_description_to_translate(
    login, live_project, live_server, viewport
):
    from translate_app.project import Project

    shutil.copy(SAMPLE, live_project / "source" / SAMPLE.name)
    Project(live_project).add_release(live_project / "source" / SAMPLE.name, ["he"])
    page = login("tr_de")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{live_server}/releases/{SAMPLE.stem}/he")
    expect(page.locator("li.segment.current")).to_be_visible()
    choose_view(page, "list")
    india = page.locator("li.segment", has=page.locator(".raw", has_text="FOR India (Indian branch of IFOR) – India"))
    india.scroll_into_view_if_needed()
    expect(india.locator(".provenance.signatories").first).to_have_text(
        "signatory list: name kept, countries filled in from CLDR; needs review"
    )
    todo = india.locator(".provenance.todo")
    expect(todo).to_be_visible()
    expect(todo).to_have_text("The description “Indian branch of IFOR” is still in English: translate it.")
    expect(india.locator("textarea")).to_have_value(f"{FSI}FOR India (Indian branch of IFOR){PDI} – הודו")
    expect(india.locator("textarea")).to_have_attribute("dir", "rtl")
    agdf = page.locator("li.segment", has=page.locator(".raw", has_text="(AGDF) – Germany"))
    expect(agdf.locator(".provenance.signatories")).to_be_visible()
    expect(agdf.locator(".provenance.todo")).to_have_count(0)
    expect(agdf.locator("textarea")).to_have_value(
        f"{FSI}Aktionsgemeinschaft Dienst für den Frieden (AGDF){PDI} – גרמניה"
    )
    expect(page.locator("li.segment .provenance.signatories.todo")).to_have_count(6)
    india.scroll_into_view_if_needed()
    screenshot(page, f"signatories-hebrew-{viewport}")
    india.screenshot(path=str(ARTIFACTS / f"signatories-hebrew-item-{viewport}.png"))
