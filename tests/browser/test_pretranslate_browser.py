"""Pre-translation on a release page as a coordinator sees it: providers, an honest bar, readable errors."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import VIEWPORTS, screenshot

pytestmark = pytest.mark.parametrize("viewport", list(VIEWPORTS))


def release_page(login, live_server, viewport: str):
    """Open the small release's page as the coordinator at a viewport size."""
    page = login("coord")
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server + "/coordinate/releases/appeal")
    return page


def start(page, provider: str, languages: list[str]) -> None:
    """Choose languages and a provider by what the form shows, and start."""
    from playwright.sync_api import expect

    form = page.locator("#pretranslate form")
    for box in form.locator("input[name=languages]").all():
        box.set_checked(box.get_attribute("value") in languages)
    form.get_by_label("Provider").select_option(label=provider)
    form.get_by_role("button", name="Start pre-translation").click()
    expect(page.locator("#pretranslate .job")).to_be_visible()


def section_shot(page, name: str) -> None:
    """Save the pre-translation block alone, so that its screenshot is readable."""
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#pretranslate").screenshot(path=str(ARTIFACTS / f"{name}-block.png"))


def part_width(page, part: str) -> float:
    """Return the share of the job bar that one part takes, from its rendered size."""
    bar = page.locator("#pretranslate .job-bar").bounding_box()
    box = page.locator(f"#pretranslate .job-bar .part.{part}").bounding_box()
    return (box["width"] if box else 0.0) / bar["width"]


def test_only_configured_providers_are_offered(login, live_server, viewport) -> None:
    from playwright.sync_api import expect

    page = release_page(login, live_server, viewport)
    section = page.locator("#pretranslate")
    options = section.get_by_label("Provider").locator("option")
    assert options.all_inner_texts() == ["Translation memory", "LibreTranslate"]
    configured = section.get_by_role("list", name="Configured providers")
    assert configured.locator("li strong").all_inner_texts() == ["Translation memory", "LibreTranslate"]
    expect(configured.locator("li", has_text="LibreTranslate")).to_contain_text(
        re.compile(r"configured\s+LibreTranslate\s+sends the text to the server at http://127\.0\.0\.1:\d+$")
    )
    others = section.get_by_role("list", name="Providers that are not configured")
    expect(others).to_be_hidden()
    summary = section.get_by_text("Not configured: DeepL, Google Translate, Microsoft Translator, MyMemory")
    expect(summary).to_be_visible()
    summary.click()
    expect(others).to_be_visible()
    expect(others.locator("li", has_text="DeepL")).to_contain_text("not configured")
    expect(others.locator("li", has_text="DeepL")).to_contain_text("TRANSLATE_APP_DEEPL_API_KEY")
    expect(others.locator("li", has_text="Google Translate")).to_contain_text("TRANSLATE_APP_MT_PUBLIC_SERVICES=1")
    expect(section.locator(".job")).to_be_hidden()  # no job yet: nothing to show
    screenshot(page, f"pretranslate-providers-{viewport}")
    section_shot(page, f"pretranslate-providers-{viewport}")


def test_a_memory_job_without_matches_shows_no_match_not_done(login, live_server, viewport) -> None:
    from playwright.sync_api import expect

    page = release_page(login, live_server, viewport)
    start(page, "Translation memory", ["he"])
    job = page.locator("#pretranslate .job")
    # The counts refresh right after (" The language counts above are updated." follows), faster than a poll
    # may see the text without it now that the release page is small.
    expect(job.locator(".job-text")).to_have_text(re.compile(r"^Finished: 0 of 5 segments filled\."), timeout=30_000)
    expect(job.locator(".key.no-match")).to_have_text("5 no match")
    expect(job.locator(".key.done")).to_have_text("0 filled")
    expect(job.locator(".key.failed")).to_be_hidden()
    expect(job.locator(".job-note")).to_contain_text(
        "5 segment(s) have no approved translation of the same English text"
    )
    expect(job.locator(".job-error")).to_be_hidden()
    # The bar is honest: all of it is "no match", none of it "filled".
    assert part_width(page, "no-match") > 0.95 and part_width(page, "done") == 0
    screenshot(page, f"pretranslate-no-match-{viewport}")
    section_shot(page, f"pretranslate-no-match-{viewport}")
    page.reload()
    expect(job.locator(".job-title")).to_have_text(
        re.compile(r"^Last pre-translation: Translation memory → Hebrew, .+")
    )
    expect(job.locator(".job-text")).to_have_text("Finished: 0 of 5 segments filled.")
    expect(job.locator(".key.no-match")).to_have_text("5 no match")
    assert part_width(page, "no-match") > 0.95


def test_counts_refresh_when_the_job_ends(login, live_server, viewport, libre) -> None:
    from playwright.sync_api import expect

    page = release_page(login, live_server, viewport)
    hebrew = page.locator("table.langs tr[data-language=he]")
    expect(hebrew.locator(".legend")).to_contain_text("5 untranslated")
    start(page, "LibreTranslate", ["he"])
    job = page.locator("#pretranslate .job")
    expect(job.locator(".job-text")).to_have_text(
        "Finished: all 5 segments filled. The language counts above are updated.", timeout=30_000
    )
    expect(hebrew.locator(".legend")).to_contain_text("5 machine")  # without a reload
    expect(hebrew.locator(".legend")).not_to_contain_text("untranslated")
    assert part_width(page, "done") > 0.95
    screenshot(page, f"pretranslate-filled-{viewport}")
    section_shot(page, f"pretranslate-filled-{viewport}")
    page.reload()
    expect(job.locator(".job-title")).to_contain_text("Last pre-translation: LibreTranslate → Hebrew")
    expect(job.locator(".job-text")).to_have_text(re.compile(r"^Finished: all 5 segments filled\."))


def test_an_unreachable_provider_gives_a_readable_error(
    login, live_server, viewport, libre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    origin = libre.url.rstrip("/")
    page = release_page(login, live_server, viewport)
    libre.stop()
    # Unreachable when the job is asked for: refused at once, in words, with no bar.
    start(page, "LibreTranslate", ["he"])
    job = page.locator("#pretranslate .job")
    error = job.locator(".job-error")
    expect(error).to_have_text(f"LibreTranslate at {origin} is unreachable (connection refused)")
    expect(job.locator(".job-bar")).to_be_hidden()
    screenshot(page, f"pretranslate-refused-{viewport}")
    section_shot(page, f"pretranslate-refused-{viewport}")


def test_a_provider_lost_during_the_job_fails_it_readably(
    login, live_server, live_project, viewport, libre, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    from translate_app.config import Settings
    from translate_app.mt.base import make_provider

    origin = libre.url.rstrip("/")
    # The server's languages are known (the service asked earlier); then the server goes away.
    provider = make_provider("libretranslate", Settings(root=live_project, options={"LIBRETRANSLATE_URL": libre.url}))
    provider.check_languages("en", ["he"])
    page = release_page(login, live_server, viewport)
    libre.stop()
    start(page, "LibreTranslate", ["he"])
    job = page.locator("#pretranslate .job")
    expect(job.locator(".job-text")).to_have_text(
        re.compile(r"^Failed: 0 of 5 segments filled before it stopped\."), timeout=30_000
    )
    error = job.locator(".job-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(f"LibreTranslate at {origin} is unreachable (connection refused)")
    assert "q=" not in error.inner_text() and "ConnectionPool" not in error.inner_text()
    expect(job.locator(".key.failed")).to_have_text("5 failed")
    assert part_width(page, "failed") > 0.95 and part_width(page, "done") == 0
    screenshot(page, f"pretranslate-failed-{viewport}")
    section_shot(page, f"pretranslate-failed-{viewport}")
    page.reload()
    expect(job.locator(".job-title")).to_contain_text("Last pre-translation: LibreTranslate → Hebrew")
    expect(job.locator(".job-text")).to_have_text("Failed: 0 of 5 segments filled before it stopped.")
    expect(job.locator(".job-error")).to_contain_text(f"LibreTranslate at {origin} is unreachable (connection refused)")
    expect(job.locator(".key.failed")).to_have_text("5 failed")


def test_a_running_job_is_followed_again_after_a_reload(login, live_server, viewport, libre) -> None:
    from playwright.sync_api import expect

    libre.latency = 2.5  # long enough to reload the page while the job runs
    page = release_page(login, live_server, viewport)
    start(page, "LibreTranslate", ["he"])
    job = page.locator("#pretranslate .job")
    expect(job.locator(".job-text")).to_have_text("Running: 0 of 5 segments handled", timeout=10_000)
    page.reload()
    expect(job.locator(".job-title")).to_have_text("Pre-translation: LibreTranslate → Hebrew")
    expect(job.locator(".job-text")).to_have_text("Running: 0 of 5 segments handled")
    expect(job.locator(".key.left")).to_have_text("5 left")
    expect(page.locator("#pretranslate").get_by_role("button", name="Start pre-translation")).to_be_disabled()
    screenshot(page, f"pretranslate-running-{viewport}")
    section_shot(page, f"pretranslate-running-{viewport}")
    expect(job.locator(".job-text")).to_have_text(
        "Finished: all 5 segments filled. The language counts above are updated.", timeout=30_000
    )
    expect(page.locator("table.langs tr[data-language=he] .legend")).to_contain_text("5 machine")
    expect(page.locator("#pretranslate").get_by_role("button", name="Start pre-translation")).to_be_enabled()
