"""What coordinators and volunteers see on the people and release pages (issue 9, items 1, 2, 3, 11, 13)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import VIEWPORTS, screenshot
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW_RELEASE = "# Free the journalists\n\nThe coalition calls for the release of 3 journalists.\n"


def assert_fits(page) -> None:
    """Check that the page needs no sideways scrolling."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "page wider than the screen"
    )


def test_hidden_attribute_wins_over_display_rules(person, live_server, viewport):
    from playwright.sync_api import expect

    page = person("tr_de")
    # label.check has display:flex; with [hidden] it must still disappear.
    page.evaluate("""() => { const l = document.createElement('label'); l.className = 'check'; l.id = 'probe';
                             l.textContent = 'probe'; l.hidden = true; document.querySelector('main').append(l); }""")
    expect(page.locator("#probe")).to_be_hidden()
    # The editor's search hides the segments that do not match.
    page.goto(live_server + "/releases/appeal/de")
    if page.locator("#filters-toggle").is_visible():  # a phone shows one segment at a time, filters folded
        page.locator("#filters-toggle").click()
    page.fill("#filter-text", "Court")
    segments = page.locator("li.segment")
    expect(segments.filter(has_text="Court").first).to_be_visible()
    expect(segments.filter(has_text="Respect the ruling")).to_be_hidden()
    screenshot(page, f"people-editor-search-{viewport}")


def test_language_picker_types_ahead_and_keeps_choices_after_an_error(
    person, live_server, live_project, viewport, tmp_path
):
    from playwright.sync_api import expect

    page = person("coord")
    page.goto(live_server + "/coordinate/releases/new")
    combo = page.get_by_role("combobox", name="Languages")
    listbox = page.get_by_role("listbox", name="Matching languages")
    expect(listbox).to_be_hidden()
    combo.focus()
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("English")  # common languages first
    expect(listbox).not_to_contain_text("Abkhazian")
    assert options.count() <= 15
    combo.type("ukr")
    expect(options.first).to_contain_text("Ukrainian")
    expect(listbox).not_to_contain_text("German")
    screenshot(page, f"people-picker-typing-{viewport}")
    combo.press("Enter")
    expect(page.get_by_role("button", name="Remove Ukrainian")).to_be_visible()
    expect(combo).to_have_value("")
    combo.type("Deutsch")
    expect(options.first).to_contain_text("German")
    combo.press("Enter")
    expect(page.get_by_role("button", name="Remove German")).to_be_visible()
    combo.type("Abkh")
    expect(options).to_have_text([re.compile("^Abkhazian"), re.compile(r"^Abkhazian \(Georgia\)")])
    combo.press("Escape")
    expect(listbox).to_be_hidden()
    combo.fill("")
    page.get_by_role("button", name="Remove German").click()
    expect(page.get_by_role("button", name="Remove German")).to_have_count(0)

    # A file that is not UTF-8: refused, and the title and chosen languages stay.
    bad = tmp_path / "bad" / "journalists.md"
    bad.parent.mkdir()
    bad.write_bytes(b"\xff\xfe# Free\x80")
    page.set_input_files("input[name=upload]", str(bad))
    page.fill("input[name=title]", "Free the journalists now")
    page.get_by_role("button", name="Add release").click()
    expect(page.locator(".flash.error")).to_contain_text("not valid UTF-8")
    expect(page.locator(".kept-file")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove Ukrainian")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("Free the journalists now")
    # A good file but no language: the file is kept on the server and the page says so.
    source = tmp_path / "journalists.md"
    source.write_text(NEW_RELEASE, encoding="utf-8")
    page.set_input_files("input[name=upload]", str(source))
    page.get_by_role("button", name="Remove Ukrainian").click()
    page.get_by_role("button", name="Add release").click()
    expect(page.locator(".flash.error")).to_have_text("Choose at least one language.")
    expect(page.locator(".kept-file")).to_have_text(
        "Your file journalists.md is kept from the last attempt; choose a file above only to replace it."
    )
    expect(page.locator("input[name=title]")).to_have_value("Free the journalists now")
    assert_fits(page)
    screenshot(page, f"people-new-release-error-{viewport}")
    combo = page.get_by_role("combobox", name="Languages")
    combo.type("Ukrainian")
    combo.press("Enter")
    page.get_by_role("button", name="Add release").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Free the journalists now")
    expect(page.locator(".flash.ok")).to_have_text("Release journalists added in 1 language: Ukrainian.")
    assert (live_project / "locales/uk/LC_MESSAGES/journalists.po").is_file()


def test_volunteers_page_after_an_invitation(person, live_server, viewport):
    from playwright.sync_api import expect

    page = person("coord")
    page.goto(live_server + "/coordinate/users")
    page.get_by_label("Name as others see it").fill("Olena Shevchenko")
    combo = page.get_by_role("combobox", name="Languages").first
    combo.type("ukrain")
    combo.press("Enter")
    combo.press("Escape")
    # One Tab from the language search reaches the button (no list of 1,037 checkboxes in between).
    combo.press("Tab")
    expect(page.get_by_role("button", name="Create invitation link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".flash.ok")).to_contain_text(
        "Invitation for Olena Shevchenko (login name olena.shevchenko) as translator for Ukrainian"
    )
    link = page.get_by_label(re.compile("Invitation link"))
    # The display name is stored with the invitation, not carried in the link.
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/invite/[\w-]+$"))
    expect(page.locator(".invite-link")).to_contain_text("UTC")
    invitation = link.input_value()
    # Every row shows the person's real state: everyone here is active.
    for name in ("coord", "rev_de", "tr_de", "tr2_de"):
        expect(page.locator(f"li.person[data-user='{name}']").get_by_label("Active")).to_be_checked()
    row = page.locator("li.person[data-user='tr_de']")
    expect(row.get_by_role("button", name="Remove German")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"people-volunteers-{viewport}")
    row.get_by_role("button", name="Save tr_de").click()
    expect(page.locator(".flash.ok")).to_have_text("tr_de updated.")
    expect(page.locator("li.person[data-user='tr_de']").get_by_label("Active")).to_be_checked()

    # Deactivate tr_de: the row says so, and tr_de's next login says so too.
    row = page.locator("li.person[data-user='tr_de']")
    row.get_by_label("Active").uncheck()
    row.get_by_role("button", name="Save tr_de").click()
    expect(page.locator(".flash.ok")).to_have_text("tr_de updated and deactivated.")
    expect(page.locator("li.person[data-user='tr_de'] .badge")).to_have_text("deactivated")
    other = person("tr_de", expect_home=False)
    expect(other.locator(".flash.error")).to_have_text(
        "Your account is deactivated; ask a coordinator to reactivate it."
    )
    screenshot(other, f"people-deactivated-login-{viewport}")

    # The invited person opens the link: their name is filled in, and they can correct it.
    invitee = page.context.browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    invitee.goto(invitation)
    expect(invitee.get_by_text("You were invited as translator for Ukrainian.")).to_be_visible()
    expect(invitee.get_by_label("Your name as others see it")).to_have_value("Olena Shevchenko")
    invitee.get_by_label("Password", exact=True).fill(PASSWORD)
    invitee.get_by_label("Repeat the password").fill(PASSWORD)
    assert_fits(invitee)
    screenshot(invitee, f"people-invitation-{viewport}")
    invitee.get_by_role("button", name="Set password and start").click()
    expect(invitee.locator(".flash.ok")).to_have_text("Welcome, Olena Shevchenko. Your login name is olena.shevchenko.")
    expect(invitee.locator("header .who")).to_have_text("Olena Shevchenko · translator")
    invitee.context.close()


def test_release_page_before_anything_is_published(person, live_server, viewport):
    from playwright.sync_api import expect

    page = person("coord")
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(live_server + "/coordinate/releases/appeal")
    expect(page.get_by_role("link", name=re.compile("zip"))).to_have_count(0)
    expect(page.locator("p.meta").first).to_contain_text("nothing published yet")
    row = page.locator("tr[data-language=de]")
    expect(row.get_by_role("button", name="Publish")).to_be_disabled()
    expect(row.locator(".why")).to_be_visible()
    expect(row.locator(".why")).to_have_text(re.compile(r"^\d+ of \d+ segments not approved yet$"))
    combo = page.get_by_role("combobox", name="Languages")
    combo.type("Lithuan")
    combo.press("Enter")
    expect(page.get_by_role("button", name="Remove Lithuanian")).to_be_visible()
    assert_fits(page)
    screenshot(page, f"people-release-{viewport}")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(".flash.ok")).to_have_text("Added Lithuanian.")
    expect(page.locator("tr[data-language=lt] th a")).to_have_text("Lithuanian")
    page.goto(live_server + "/favicon.ico")
    assert errors == []


def test_forced_password_change_shows_no_navigation(person, live_server, viewport, live_project, tmp_path):
    from playwright.sync_api import expect
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET must_change_password = 1 WHERE name = 'tr2_de'"))
    engine.dispose()
    page = person("tr2_de", expect_home=False)
    page.wait_for_url(re.compile(r"/account/password$"))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    expect(page.get_by_role("link", name="My languages")).to_have_count(0)
    expect(page.locator("header.top")).to_contain_text("Choose your own password to go on.")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, f"people-forced-password-{viewport}")


@pytest.mark.parametrize(
    "path", ["/coordinate/users", "/coordinate/releases/appeal", "/coordinate/releases/new", "/coordinate/"]
)
def test_axe_finds_no_violation_with_the_picker_open(person, live_server, viewport, path):
    from playwright.sync_api import expect

    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    page = person("coord")
    page.goto(live_server + path)
    pickers = page.locator(".language-picker")
    if pickers.count():
        combo = pickers.first.get_by_role("combobox")
        combo.type("port")
        expect(pickers.first.get_by_role("option").first).to_be_visible()
    results = axe.Axe().run(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]] == []


def test_overview_names_languages_and_says_the_time_zone(person, live_server, viewport):
    from datetime import date

    from playwright.sync_api import expect

    page = person("tr_de")
    page.goto(live_server + "/releases/appeal/de")
    page.locator("li.segment textarea").first.fill("Stoppt die Abschiebung")
    page.keyboard.press("Control+Enter")
    expect(page.locator("li.segment").first).to_have_attribute("data-state", "translated")
    page = person("coord")
    page.goto(live_server + "/coordinate/releases/appeal")
    page.fill("input[name=deadline]", date.today().isoformat())
    page.get_by_role("button", name="Save settings").click()
    page.goto(live_server + "/coordinate/")
    expect(page.locator(".risk-text")).to_have_text(
        re.compile(r"^2 languages at risk: (German, Hebrew|Hebrew, German)$")
    )
    row = page.locator("table.plain tbody tr").first
    expect(row.locator("td").nth(2)).to_have_text("German")
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
    assert_fits(page)
    screenshot(page, f"people-overview-{viewport}")
