"""The editor on a phone and for focus: one segment at a time, markup tokens, right-to-left markup,
history with differences and restore, comments with @mentions (issue 14, "Working")."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, VIEWPORTS, screenshot

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect

TITLE, APPEAL, OBJECTORS, RULING, SIGNED = range(5)  # the small release's segments, in order
LINK = "https://example.org/mk"


@pytest.fixture
def editor(person, live_server, viewport):
    """Return a function that opens an editor at the test's viewport, in the view it starts with."""

    def _open(name: str = "tr_de", language: str = "de"):
        page = person(name)
        page.goto(f"{live_server}/releases/appeal/{language}")
        expect(page.locator("li.segment.current")).to_be_visible()
        return page

    return _open


def segment(page, i: int):
    return page.locator("li.segment").nth(i)


def screen(page, name: str) -> None:
    """Save what is on the screen (not the whole page) under tests/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def uncovered(page, locator) -> None:
    """Assert that nothing (a sticky header) lies over the element: its corners and centre are its own."""
    covered = locator.evaluate("""el => {
        const r = el.getBoundingClientRect();
        const points = [[r.left + 4, r.top + 4], [r.right - 4, r.top + 4],
                        [r.left + r.width / 2, r.top + r.height / 2]];
        return points.filter(([x, y]) => y >= 0 && y < innerHeight)
                     .filter(([x, y]) => {
                         const hit = document.elementFromPoint(x, y);
                         return !(hit === el || el.contains(hit));
                     })
                     .map(([x, y]) => document.elementFromPoint(x, y).outerHTML.slice(0, 80));
    }""")
    assert covered == []


def test_one_segment_view_on_one_screen_with_navigation_and_keyboard(editor, viewport):
    page = editor()
    toggle = page.locator("#view-toggle")
    if viewport == "desktop":  # the list stays the default on a large screen; the toggle switches
        expect(toggle).to_have_attribute("aria-pressed", "false")
        expect(page.locator("li.segment:visible")).to_have_count(5)
        expect(page.locator("#single-nav")).to_be_hidden()
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")  # phones start here
    expect(toggle).to_have_text("Show the list")
    expect(page.locator("li.segment:visible")).to_have_count(1)
    current = page.locator("li.segment.current")
    expect(current).to_be_visible()
    expect(page.locator("#position")).to_have_text("1 of 5")  # the first open segment: all are machine text
    expect(current.locator("textarea")).to_be_focused()
    no_sideways_scroll(page)

    # Source, translation, checks, actions and navigation are all on the first screen.
    page.evaluate("window.scrollTo(0, 0)")
    height = VIEWPORTS[viewport]["height"]
    for part in (
        current.locator(".source .text.rendered"),
        current.locator("textarea"),
        current.locator(".actions"),
        page.locator("#single-nav"),
    ):
        box = part.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, part
    screen(page, f"focus-single-{viewport}")

    page.locator("#single-nav button[data-go=next]").click()
    expect(page.locator("#position")).to_have_text("2 of 5")
    expect(segment(page, APPEAL)).to_be_visible()
    expect(segment(page, TITLE)).to_be_hidden()
    expect(segment(page, APPEAL).locator("textarea")).to_be_focused()
    page.keyboard.press("Alt+ArrowDown")
    expect(segment(page, OBJECTORS).locator("textarea")).to_be_focused()
    expect(page.locator("#position")).to_have_text("3 of 5")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    expect(segment(page, TITLE).locator("textarea")).to_be_focused()
    page.locator("#single-nav button[data-go=previous]").click()  # nothing before the first: it stays
    expect(page.locator("#position")).to_have_text("1 of 5")

    # Ctrl+Enter saves and shows the next open segment alone.
    page.keyboard.press("Control+a")
    page.keyboard.type("Stoppt die Abschiebung")
    page.keyboard.press("Control+Enter")
    expect(segment(page, TITLE).locator(".state")).to_have_text("Translated")
    expect(segment(page, TITLE)).to_be_hidden()
    expect(segment(page, APPEAL)).to_be_visible()
    expect(page.locator("#position")).to_have_text("2 of 5")
    page.locator("#single-nav button[data-go=open]").click()
    expect(page.locator("#position")).to_have_text("3 of 5")

    # The header is small and does not stay over the textarea when the on-screen keyboard halves the screen.
    page.set_viewport_size({"width": VIEWPORTS[viewport]["width"], "height": 420})
    area = segment(page, OBJECTORS).locator("textarea")
    area.click()
    page.keyboard.type(" Schützt")
    area.evaluate("el => el.scrollIntoView({block: 'start'})")
    uncovered(page, area)
    screen(page, f"focus-single-keyboard-{viewport}")
    no_sideways_scroll(page)

    # The choice is kept: a reload shows one segment again, and the toggle brings the list back.
    page.set_viewport_size(VIEWPORTS[viewport])
    page.once("dialog", lambda d: d.accept())
    page.reload()
    expect(page.locator("li.segment:visible")).to_have_count(1)
    page.locator("#view-toggle").click()
    expect(page.locator("li.segment:visible")).to_have_count(5)
    no_sideways_scroll(page)


def test_filters_in_the_one_segment_view_open_on_demand(editor, viewport):
    page = editor()
    if viewport == "desktop":
        page.locator("#view-toggle").click()
    expect(page.locator("#filter-text")).to_be_hidden()
    page.locator("#filters-toggle").click()
    expect(page.locator("#filters-toggle")).to_have_attribute("aria-expanded", "true")
    page.fill("#filter-text", "ruling")
    expect(page.locator("#filter-count")).to_have_text("1 of 5 segments")
    expect(segment(page, RULING)).to_be_visible()
    expect(page.locator("#position")).to_have_text("1 of 1")
    no_sideways_scroll(page)


def test_markup_tokens_insert_at_the_caret_and_a_lost_one_is_flagged(editor, viewport):
    page = editor()
    appeal = segment(page, APPEAL)
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        page.locator("#single-nav button[data-go=next]").click()
    tokens = appeal.locator(".tokens button.token")
    expect(tokens).to_have_count(2)
    expect(tokens.nth(0)).to_contain_text("bold Court")
    expect(tokens.nth(1)).to_contain_text("link " + LINK)
    area = appeal.locator("textarea")
    area.click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Die Organisationen rufen das  auf.")
    for _ in range(len(" auf.")):
        page.keyboard.press("ArrowLeft")
    tokens.nth(0).click()  # bold: both halves, the caret between them
    page.keyboard.type("Gericht")
    expect(area).to_have_value("Die Organisationen rufen das **Gericht** auf.")
    expect(area).to_be_focused()

    # The link is lost: the warning says which, while typing, before any save.
    warning = appeal.locator(".token-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"[Maksim Kuzmin]({LINK})")
    expect(tokens.nth(1)).to_have_class("token token-link lost")
    expect(appeal.locator(".checks")).to_contain_text("Links and URLs")  # the server's check, debounced
    screen(page, f"focus-token-lost-{viewport}")

    # Alt+2 inserts the second token around the selected words.
    page.keyboard.press("Control+End")  # the end of the text, not of a wrapped line
    page.keyboard.press("ArrowLeft")
    page.keyboard.type(", Maksim Kuzmin zu schützen")
    for _ in range(len("Maksim Kuzmin zu schützen")):
        page.keyboard.press("ArrowLeft")
    for _ in range(len("Maksim Kuzmin")):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Alt+2")
    expect(area).to_have_value(f"Die Organisationen rufen das **Gericht** auf, [Maksim Kuzmin]({LINK}) zu schützen.")
    expect(warning).to_be_hidden()
    expect(appeal.locator(".checks")).not_to_contain_text("Links and URLs")
    page.keyboard.type(" sofort")  # the caret is after the inserted link
    expect(area).to_have_value(
        f"Die Organisationen rufen das **Gericht** auf, [Maksim Kuzmin]({LINK}) sofort zu schützen."
    )
    # A changed URL counts as lost.
    area.fill(f"Die Organisationen rufen das **Gericht** auf, [Maksim Kuzmin]({LINK}x) zu schützen.")
    expect(warning).to_be_visible()
    no_sideways_scroll(page)

    # The source as Markdown shows the link's address, and the choice stays after a reload.
    page.locator("#source-toggle").click()
    raw = appeal.locator(".source .text.raw")
    expect(raw).to_be_visible()
    expect(raw).to_have_text(f"The undersigned organisations call on the **Court** to protect [Maksim Kuzmin]({LINK}).")
    expect(appeal.locator(".source .text.rendered")).to_be_hidden()
    screen(page, f"focus-source-raw-{viewport}")
    no_sideways_scroll(page)
    page.locator("#source-toggle").click()
    expect(appeal.locator(".source .text.rendered a")).to_have_text("Maksim Kuzmin")


def test_hebrew_translation_shows_markup_and_urls_isolated_left_to_right(editor, live_server, viewport):
    page = editor(language="he")
    appeal = segment(page, APPEAL)
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        page.locator("#single-nav button[data-go=next]").click()
    area = appeal.locator("textarea")
    expect(area).to_have_attribute("dir", "rtl")
    area.fill(f"הארגונים קוראים ל**בית המשפט** להגן על [מקסים קוזמין]({LINK}).")
    view = appeal.locator(".markup-view")
    expect(view).to_be_visible()
    expect(view).to_have_attribute("dir", "rtl")
    isolated = view.locator("bdi[dir=ltr]", has_text=LINK)
    expect(isolated).to_have_text(f"]({LINK})")
    assert isolated.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    assert isolated.evaluate("el => getComputedStyle(el).direction") == "ltr"
    expect(appeal.locator(".token-warning")).to_be_hidden()
    screen(page, f"focus-rtl-{viewport}")
    no_sideways_scroll(page)

    # Saved, the live preview shows the link isolated inside the right-to-left text.
    area.click()
    page.keyboard.press("Control+Enter")
    expect(appeal.locator(".state")).to_have_text("Translated")
    preview = page.context.new_page()
    preview.goto(f"{live_server}/releases/appeal/he/preview")
    link = preview.locator(f"main a[href='{LINK}']")
    expect(link).to_have_text("מקסים קוזמין")
    assert link.evaluate("el => getComputedStyle(el).unicodeBidi") == "isolate"
    preview.close()


def test_history_shows_differences_and_restores_an_earlier_text(editor, live_project, viewport):
    from translate_app.project import Project
    from translate_app.storage import edit as edit_catalog

    with edit_catalog(Project(live_project).catalog_path("appeal", "de")) as po:
        [e for e in po if e.msgid][RULING].previous_msgid = "Respect the ruling of 2022."
    page = editor()
    ruling = segment(page, RULING)
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        for _ in range(RULING):
            page.locator("#single-nav button[data-go=next]").click()
    # While the segment waits for a look after the source changed, the history shows that change.
    ruling.get_by_role("button", name="History", exact=True).click()
    source = ruling.locator(".history-box .source-change")
    expect(source).to_contain_text("The English source changed")
    expect(source.locator("del")).to_have_text("2022")
    expect(source.locator("ins")).to_have_text("2023")
    screen(page, f"focus-history-source-{viewport}")
    ruling.get_by_role("button", name="History", exact=True).click()
    expect(source).to_be_hidden()

    area = ruling.locator("textarea")
    area.fill("Respektiert das Urteil von 2023.")
    area.click()
    page.keyboard.press("Control+Enter")
    expect(ruling.locator(".state")).to_have_text("Translated")
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        page.locator("#single-nav button[data-go=previous]").click()
    expect(area).to_be_visible()
    area.fill("Achtet das Urteil aus dem Jahr 2023.")
    ruling.locator("button[data-action=save]").click()  # saves and goes on to the next open segment
    expect(ruling.locator(".status")).to_have_text("saved")
    if page.locator("#view-toggle").get_attribute("aria-pressed") == "true":
        page.locator("#single-nav button[data-go=previous]").click()

    ruling.get_by_role("button", name="History", exact=True).click()
    history = ruling.locator(".history-box")
    expect(history).to_be_visible()
    latest = history.locator("li.change").first
    expect(latest.locator("del")).to_have_text(["Respektiert", "von"])
    expect(latest.locator("ins")).to_have_text(["Achtet", "aus dem Jahr"])
    screenshot(page, f"focus-history-{viewport}")
    no_sideways_scroll(page)

    latest.locator("button.restore").click()  # the text before the last change
    expect(area).to_have_value("Respektiert das Urteil von 2023.")
    expect(ruling.locator(".status")).to_have_text("earlier text restored")
    expect(ruling.locator(".unsaved-mark")).to_be_hidden()
    ruling.get_by_role("button", name="History", exact=True).click()
    expect(history.locator("li.change")).to_have_count(3)
    expect(history.locator("li.change").first.locator("ins")).to_have_text(["Respektiert", "von"])
    page.reload()
    expect(segment(page, RULING).locator("textarea")).to_have_value("Respektiert das Urteil von 2023.")


def test_comments_are_counted_on_the_segment_and_mentions_highlighted(editor, viewport):
    page = editor()
    title = segment(page, TITLE)
    badge = title.locator(".comments-count")
    expect(badge).to_be_hidden()
    title.get_by_role("button", name="History", exact=True).click()
    comment = title.locator(".history-box input[aria-label=Comment]")
    comment.fill("@rev_de is “Abschiebung” right? @nobody knows")
    comment.press("Enter")
    mention = title.locator(".history-box mark.mention")
    expect(mention).to_have_count(1)
    expect(mention).to_have_text("@rev_de")
    expect(title.locator(".history-box .comments")).to_contain_text("@nobody knows")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("💬 1 comment")
    screenshot(page, f"focus-comments-{viewport}")
    page.reload()
    title = segment(page, TITLE)
    expect(title.locator(".comments-count")).to_have_text("💬 1 comment")
    title.locator(".comments-count").click()  # the marker opens the comments
    expect(title.locator(".history-box mark.mention")).to_have_text("@rev_de")
    no_sideways_scroll(page)


@pytest.mark.parametrize(
    "path", ["/coordinate/", "/coordinate/releases/new", "/coordinate/users", "/coordinate/releases/appeal"]
)
def test_coordinator_pages_fit_the_screen(person, live_server, viewport, path):
    if path == "/coordinate/":  # "who worked on what" lists a change, with a long text
        translator = person("tr_de")
        translator.goto(f"{live_server}/releases/appeal/de")
        area = translator.locator("li.segment.current textarea")
        area.fill("Stoppt die Abschiebung von Maksim Kuzmin, Kriegsdienstverweigerer aus Überzeugung, sofort")
        area.press("Control+Enter")
        expect(translator.locator("li.segment .state").first).to_have_text("Translated")
    page = person("coord")
    response = page.goto(live_server + path)
    assert response.ok
    expect(page.locator("main h1").first).to_be_visible()
    screenshot(page, "coordinate" + path.replace("/", "-").rstrip("-") + f"-{viewport}")
    no_sideways_scroll(page)
    # Tables that may scroll inside their box show every column without it.
    assert page.evaluate("[...document.querySelectorAll('.table-scroll')].every(b => b.scrollWidth <= b.clientWidth)")
