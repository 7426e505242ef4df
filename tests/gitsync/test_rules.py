"""Pure parts of the sync: the PO three-way merge, the batching rules, git's error lines."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import polib
import pytest

from translate_app.config import Settings
from translate_app.core import pomerge
from translate_app.core.states import State, entry_state, set_approved, set_translated
from translate_app.gitsync.repo import reason
from translate_app.gitsync.scheduler import due


def catalog(**texts: str) -> polib.POFile:
    """Return a catalog with entries a, b, c (msgid = name) holding the given translations."""
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Language": "de", "Content-Type": "text/plain; charset=UTF-8"}
    for msgid in ("a", "b", "c"):
        entry = polib.POEntry(msgid=msgid, msgstr="")
        if texts.get(msgid):
            set_translated(entry, texts[msgid], by="x", when="2026-01-01T00:00:00Z")
        po.append(entry)
    return po


def text_of(po: polib.POFile, msgid: str) -> str:
    return next(e for e in po if e.msgid == msgid).msgstr


def test_each_side_changing_different_entries_keeps_both() -> None:
    base = catalog(a="A", b="B")
    result = pomerge.merge(base, catalog(a="A2", b="B"), catalog(a="A", b="B2", c="C"))
    assert [text_of(result.po, m) for m in "abc"] == ["A2", "B2", "C"] and result.conflicts == []


def test_both_changing_one_entry_keeps_ours_and_reports_theirs() -> None:
    result = pomerge.merge(catalog(a="A"), catalog(a="ours"), catalog(a="theirs"))
    assert text_of(result.po, "a") == "ours"
    assert [(c.ours, c.theirs, c.theirs_state) for c in result.conflicts] == [("ours", "theirs", "translated")]


def test_approval_here_of_a_text_they_changed_gives_way_to_their_text() -> None:
    ours = catalog(a="A")
    set_approved(ours[0], by="rev", when="2026-01-02T00:00:00Z")
    result = pomerge.merge(catalog(a="A"), ours, catalog(a="A, better"))
    assert text_of(result.po, "a") == "A, better" and not result.conflicts
    assert entry_state(result.po[0]) == State.TRANSLATED


def test_wrapping_and_header_churn_is_no_change() -> None:
    long = "word " * 40
    base = catalog(a=long.strip())
    rewrapped = catalog(a=long.strip())
    rewrapped.wrapwidth = 30  # another tool's wrapping
    assert str(rewrapped) != str(base)
    theirs = polib.pofile(str(rewrapped))
    theirs.metadata["Last-Translator"] = "Someone <someone@example.org>"
    result = pomerge.merge(base, catalog(a="ours"), theirs)
    assert text_of(result.po, "a") == "ours" and not result.conflicts and result.taken == 0


def test_removed_on_one_side_and_changed_on_the_other_is_kept() -> None:
    base = catalog(a="A", b="B")
    theirs = catalog(a="A", b="B")
    theirs.remove(next(e for e in theirs if e.msgid == "b"))
    result = pomerge.merge(base, catalog(a="A", b="B changed"), theirs)
    assert text_of(result.po, "b") == "B changed"
    untouched = pomerge.merge(base, catalog(a="A", b="B"), theirs)
    assert [e.msgid for e in untouched.po] == ["a", "c"]


def test_emails_are_scrubbed_from_headers() -> None:
    po = catalog()
    po.metadata["Last-Translator"] = "Olena <olena@example.org>"
    po.header = "Translated by olena@example.org, 2026."
    pomerge.scrub_emails(po)
    assert "@" not in po.metadata["Last-Translator"] and "@" not in po.header
    assert po.metadata["Last-Translator"] == "Olena"


NOW = time.time()
RECENT = datetime.now(UTC) - timedelta(seconds=10)
OLD = datetime.now(UTC) - timedelta(minutes=10)


@pytest.mark.parametrize(
    "on, state, pending, latest, expected",
    [
        (True, {"requested": "publish"}, 0, None, "publish"),
        (False, {"requested": "asked by coord"}, 0, None, "asked by coord"),
        (False, {"last_sync_epoch": 0}, 100, RECENT, None),  # automatic sync off
        (True, {"last_sync_epoch": NOW}, 20, RECENT, "20 changes"),
        (True, {"last_sync_epoch": NOW}, 3, RECENT, None),
        (True, {"last_sync_epoch": NOW}, 3, OLD, "quiet"),
        (True, {"last_sync_epoch": NOW - 3600}, 0, None, "pull interval"),
        (True, {"last_sync_epoch": 0, "next_retry_at": NOW + 60}, 50, OLD, None),  # backing off
        (True, {"last_sync_epoch": NOW, "next_retry_at": NOW - 1}, 0, None, "retry"),
    ],
)
def test_batching_rules(on: bool, state: dict, pending: int, latest, expected) -> None:
    settings = Settings(git_sync=on, git_commit_after_changes=20, git_commit_after_quiet_minutes=5, git_pull_minutes=10)
    assert due(settings=settings, state=state, pending=pending, latest_change=latest, now=NOW) == expected


def test_git_error_lines_name_the_reason_without_credentials() -> None:
    out = (
        "remote: Invalid username or password.\n"
        "fatal: Authentication failed for 'https://bot:ghp_token123@forge.example/org/site.git/'\n"
    )
    assert reason(out, 128) == "Authentication failed for 'https://***@forge.example/org/site.git/'"


def test_counting_changed_entries_by_text_agrees_with_parsing() -> None:
    """The fast count over texts gives the parsed count, and ignores another tool's wrapping."""
    long = "word " * 40
    old = catalog(a="A", b=long.strip())
    new = catalog(a="A2", b=long.strip(), c="C")
    new.append(polib.POEntry(msgid="d", msgstr="", msgctxt="ctx"))
    assert pomerge.count_changed(str(old), str(new)) == pomerge.changed_segments(old, new) == 3
    rewrapped = catalog(a="A", b=long.strip())
    rewrapped.wrapwidth = 30
    rewrapped[0].occurrences = [("source/x.md", "3")]
    assert pomerge.count_changed(str(old), str(rewrapped)) == 0
    assert pomerge.count_changed(None, str(new)) == 4


def test_catalog_syntax_check_is_linear_in_the_catalog() -> None:
    """Finding a msgid without msgstr in a large catalog (every sync re-reads all of them) takes linear time."""
    from translate_app.core.catalog import _msgid_without_msgstr

    entries = "".join(f'#: source/x.md:{i}\nmsgid "Paragraph {i} {"x" * 60}"\nmsgstr ""\n\n' for i in range(20000))
    start = time.perf_counter()
    assert _msgid_without_msgstr(entries) is None
    assert _msgid_without_msgstr(entries + 'msgid "no msgstr"\n') == entries.count("\n") + 1
    assert time.perf_counter() - start < 1.0


def test_update_reads_each_catalog_once(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Merging a changed source into every language parses each catalog once, unless a save came between."""
    from translate_app.core import catalog as cat
    from translate_app.project import Project

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "r.md").write_text("# Title\n\nOne paragraph.\n", encoding="utf-8")
    project = Project(tmp_path)
    project.add_release(tmp_path / "source" / "r.md", ["de", "fr", "uk"])
    (tmp_path / "source" / "r.md").write_text("# Title\n\nOne paragraph, changed.\n", encoding="utf-8")
    loads = []
    real = cat.load
    monkeypatch.setattr(cat, "load", lambda path: loads.append(str(path)) or real(path))
    project.update("r")
    catalogs = [p for p in loads if p.endswith(".po")]
    assert sorted(catalogs) == sorted(str(project.catalog_path("r", c)) for c in ("de", "fr", "uk"))


def test_our_newer_text_follows_their_msgmerge_to_the_changed_msgid() -> None:
    """They updated the catalog to a changed source; our new translation of the old msgid moves along, fuzzy."""
    base = catalog(a="A", b="B")
    theirs = catalog(b="B")
    theirs.remove(next(e for e in theirs if e.msgid == "a"))
    moved = polib.POEntry(msgid="a, changed", msgstr="A", flags=["fuzzy"], previous_msgid="a")
    theirs.insert(1, moved)
    theirs.append(polib.POEntry(msgid="a", msgstr="A", obsolete=True))
    result = pomerge.merge(base, catalog(a="A, better", b="B"), theirs)
    live = {e.msgid: e for e in result.po if not e.obsolete}
    assert "a" not in live and live["a, changed"].msgstr == "A, better"
    assert "fuzzy" in live["a, changed"].flags and live["a, changed"].previous_msgid == "a"
    assert not result.conflicts


@pytest.mark.parametrize(
    "login, display, name, address",
    [
        ("olena", "Olena Shevchenko", "Olena Shevchenko", "7+olena@users.noreply.example.org"),
        ("olena@example.org", None, "olena", "7+olena-example.org@users.noreply.example.org"),
        ("x", "Evil <a@b.c>\nCo-authored-by: z", "Evil a Co-authored-by: z", "7+x@users.noreply.example.org"),
    ],
)
def test_credits_never_carry_an_email(login: str, display: str | None, name: str, address: str) -> None:
    """A login name that is an e-mail address, or a display name with one, is credited without it."""
    from translate_app.gitsync.service import noreply_address, trailer_name
    from translate_app.models import User

    user = User(id=7, name=login, display_name=display)
    assert trailer_name(user.shown_name) == name
    assert noreply_address(user, "users.noreply.example.org") == address
