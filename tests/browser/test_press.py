"""A coordinator publishes two languages of the sample, a journalist reads and switches them, the kit is built."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.factory import make_project

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
SAMPLE = Path(__file__).resolve().parents[2] / "source" / "kuzmin-2026-03-30.md"
HEADINGS = {"de": "GEMEINSAME PRESSEMITTEILUNG", "ar": "بيان صحفي مشترك"}


@pytest.fixture
def live_project(tmp_path: Path) -> Path:
    """The sample release in German, Arabic and French; German and Arabic approved (the first segment translated)."""
    from translate_app.core.states import set_approved, set_translated
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    root = make_project(tmp_path / "project", source=SAMPLE, name="kuzmin", languages=["de", "ar", "fr"])
    for code, heading in HEADINGS.items():
        with edit_catalog(Project(root).catalog_path("kuzmin", code)) as po:
            for entry in po:
                if entry.msgid:
                    text = heading if entry.msgid == "JOINT PRESS RELEASE" else entry.msgid
                    set_translated(entry, text, by="tr_de")
                    set_approved(entry, by="rev_de")
    return root


def test_publish_read_switch_and_build_the_kit(person, live_server, viewport):
    page = person("coord")
    page.goto(live_server + "/coordinate/releases/kuzmin")
    for code, name in (("de", "German"), ("ar", "Arabic")):
        page.locator(f"tr[data-language={code}]").get_by_role("button", name="Publish").click()
        expect(page.get_by_text(f"{name} published.")).to_be_visible()
    expect(page.locator("tr[data-language=fr] a.public-page")).to_have_count(0)  # French is not published

    # The public page, as a journalist without a login sees it.
    href = page.locator("tr[data-language=de] a.public-page").get_attribute("href")
    assert href == "/press/kuzmin/de/"
    reader = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    reader.goto(live_server + href)
    expect(reader.locator("main p").first).to_have_text(HEADINGS["de"])
    assert reader.locator("html").get_attribute("dir") == "ltr"
    switcher = reader.get_by_role("navigation", name="Languages")
    expect(switcher.get_by_role("link")).to_have_text(["العربية", "Deutsch"])  # the published languages only
    expect(switcher.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "page")
    screenshot(reader, f"press-page-de-{viewport}")
    switcher.get_by_role("link", name="العربية").click()
    reader.wait_for_url(live_server + "/press/kuzmin/ar/")
    expect(reader.locator("main p").first).to_have_text(HEADINGS["ar"])
    expect(reader.locator("main p").first).to_be_visible()
    assert reader.locator("html").get_attribute("dir") == "rtl"
    assert reader.locator("html").get_attribute("lang") == "ar"
    # Right to left: the heading's right edge is at the right of the page's column.
    box = reader.locator("main p").first.bounding_box()
    main = reader.locator("main").bounding_box()
    assert box and main and abs((box["x"] + box["width"]) - (main["x"] + main["width"])) < 40
    screenshot(reader, f"press-page-ar-{viewport}")
    reader.context.close()

    # The press kit, built as a job with a progress bar.
    section = page.locator("#presskit")
    section.scroll_into_view_if_needed()
    expect(section.get_by_role("checkbox")).to_have_count(2)
    section.get_by_role("button", name="Build the press kit").click()
    bar = section.locator("progress.kit-bar")
    expect(bar).to_be_visible()
    expect(section.locator(".kit-text")).to_contain_text(" of 2 languages")  # queued or building: the count shows
    seen = set()
    for _ in range(600):  # watch the bar fill, language by language
        seen.add(bar.evaluate("b => b.value"))
        if section.locator(".kit-download").is_visible():
            break
        page.wait_for_timeout(100)
    expect(section.locator(".kit-text")).to_have_text("Press kit ready: 2 languages.")
    # The bar was seen before the end (a warm cache can go from 0 to 2 between two looks) and ends full.
    assert min(seen) < 2 and bar.evaluate("b => [b.value, b.max]") == [2, 2]
    screenshot(page, f"press-kit-{viewport}")
    with page.expect_download() as info:
        section.get_by_role("link", name="Download the press kit (zip)").click()
    zf = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    names = set(zf.namelist())
    assert {"de/kuzmin-de.docx", "ar/kuzmin-ar.pdf", "ar/kuzmin-ar.odt", "de/email.txt"} <= names
    assert HEADINGS["ar"] in zf.read("ar/index.html").decode()
    assert not any(name.startswith("fr/") for name in names)
