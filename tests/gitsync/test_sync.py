"""The sync loop against a real bare remote and clones: commits, pulls, merges, pushes, failures."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from sqlalchemy import select

from translate_app.core.states import State, entry_state
from translate_app.models import Proposal

from .conftest import RELEASE, git

CATALOG_DE = "locales/de/LC_MESSAGES/appeal.po"


def remote_log(remote: Path, fmt: str = "%s") -> list[str]:
    """Return the remote branch's commits, newest first, in a git log format."""
    return git(remote, "log", f"--format={fmt}%x00", "main").split("\x00\n")[:-1]


def test_saves_become_commits_with_trailers_and_no_email(make_instance, remote: Path) -> None:
    """One commit per release and language, naming both and the count, crediting people by name only."""
    service = make_instance()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    service.save("olena", "de", "Signed on", "Unterzeichnet am 30. März 2026.")
    service.save("taras", "de", "Protect", "Schützt Kriegsdienstverweigerer.")
    service.save("taras", "fr", "Stop the", "Arrêtez l'expulsion")

    report = service.sync()

    assert report.error is None and report.pushed
    subjects = remote_log(remote)
    assert subjects[:2] == ["appeal: French (fr), 1 segment", "appeal: German (de), 3 segments"]
    body = remote_log(remote, "%B")[1]
    olena, taras = service.users["olena"], service.users["taras"]
    assert f"Co-authored-by: Olena Shevchenko <{olena}+olena@users.noreply.example.org>" in body
    assert f"Co-authored-by: taras <{taras}+taras@users.noreply.example.org>" in body
    assert "Release: appeal" in body and "Language: de" in body and "Segments: 3" in body
    # The service commits; no address but the no-reply ones appears anywhere in the new history.
    assert remote_log(remote, "%cn <%ce>")[0] == "translate-app <translate-app@users.noreply.example.org>"
    new_history = git(remote, "log", "--format=%an %ae %cn %ce %B", "main~2..main")
    assert set(re.findall(r"[\w.+-]+@[\w.-]+", new_history)) <= {
        f"{olena}+olena@users.noreply.example.org",
        f"{taras}+taras@users.noreply.example.org",
        "translate-app@users.noreply.example.org",
    }
    pushed = git(remote, "show", f"main:{CATALOG_DE}")
    assert 'msgstr "Stoppt die Abschiebung"' in pushed
    header = pushed.split("\n\n")[0]
    assert "@" not in header
    # Nothing left to commit: a second sync makes no commit.
    assert service.sync().commits == []
    assert len(remote_log(remote)) == 3


def test_source_change_pushed_elsewhere_is_merged_into_every_language(
    make_instance, other_clone: Path, remote: Path
) -> None:
    """A changed source is pulled and merged into every catalog (msgmerge semantics), then pushed."""
    service = make_instance()
    service.save("olena", "de", "Protect", "Schützt Kriegsdienstverweigerer.")
    service.save("taras", "fr", "Protect", "Protégez les objecteurs.")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    changed = RELEASE.replace("Protect conscientious objectors.", "Protect all conscientious objectors.")
    changed += "\nA new closing sentence.\n"
    (other_clone / "source" / "appeal.md").write_text(changed, encoding="utf-8")
    git(other_clone, "commit", "-qam", "Edit the release")
    git(other_clone, "push", "-q")

    report = service.sync()

    assert report.error is None, report.error
    assert report.updated_releases == ["appeal"]
    for language, old_text in (("de", "Schützt Kriegsdienstverweigerer."), ("fr", "Protégez les objecteurs.")):
        entry = service.entry(language, "Protect all")
        assert entry.msgstr == old_text and entry_state(entry) == State.NEEDS_REVIEW
        assert entry.previous_msgid == "Protect conscientious objectors."
        assert service.entry(language, "A new closing").msgstr == ""
    pushed = git(remote, "show", f"main:{CATALOG_DE}")
    assert 'msgid "A new closing sentence."' in pushed
    # One changed and one new segment: the old entry goes, two come.
    assert remote_log(remote)[:3] == [
        "appeal: source and template (1 file)",
        "appeal: French (fr), 3 segments",
        "appeal: German (de), 3 segments",
    ]


def test_poedit_edit_in_the_remote_is_read_back_with_its_state(make_instance, other_clone: Path) -> None:
    """An approved text edited outside (re-wrapped, header stamped) is taken and drops to translated."""
    service = make_instance()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    service.save("olena", "de", "Signed on", "Unterzeichnet am 30. März 2026.")
    service.approve("taras", "de", "Stop the")
    service.approve("taras", "de", "Signed on")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    path = other_clone / CATALOG_DE
    po = polib.pofile(str(path), wrapwidth=30)  # Poedit's own wrapping
    po.metadata["Last-Translator"] = "Partner <partner@example.org>"
    po.metadata["X-Generator"] = "Poedit 3.4"
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "Stoppt die Abschiebung jetzt"
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Poedit")
    git(other_clone, "push", "-q")

    report = service.sync()

    assert report.error is None and report.conflicts == 0
    edited = service.entry("de", "Stop the")
    assert edited.msgstr == "Stoppt die Abschiebung jetzt"
    assert entry_state(edited) == State.TRANSLATED  # the approval's hash no longer matches
    assert entry_state(service.entry("de", "Signed on")) == State.APPROVED
    text = (service.root / CATALOG_DE).read_text(encoding="utf-8")
    assert "partner@example.org" not in text and "@" not in text.split("\n\n")[0]


def test_conflicting_edit_on_both_sides_keeps_both_texts(make_instance, other_clone: Path, remote: Path) -> None:
    """Ours stays in the catalog; theirs becomes an open proposal saying it came from a git merge."""
    service = make_instance()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    path = other_clone / CATALOG_DE
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Stop the")).msgstr = "Die Abschiebung stoppen"
    next(e for e in po if e.msgid.startswith("Signed on")).msgstr = "Unterzeichnet am 30. März"
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Partner's edit")
    git(other_clone, "push", "-q")
    service.save("taras", "de", "Stop the", "Stoppt sofort die Abschiebung")

    report = service.sync()

    assert report.error is None and report.conflicts == 1 and report.pushed
    assert service.entry("de", "Stop the").msgstr == "Stoppt sofort die Abschiebung"
    assert service.entry("de", "Signed on").msgstr == "Unterzeichnet am 30. März"  # only they changed it
    with service.sessions() as session:
        proposals = session.scalars(select(Proposal)).all()
        assert [(p.text, p.status) for p in proposals] == [("Die Abschiebung stoppen", "open")]
        assert proposals[0].reason.startswith("git merge")
    pushed = git(remote, "show", f"main:{CATALOG_DE}")
    assert "Stoppt sofort die Abschiebung" in pushed and "Unterzeichnet am 30. März" in pushed
    assert service.sync().conflicts == 0  # recorded once, not again on the next sync
    with service.sessions() as session:
        assert len(session.scalars(select(Proposal)).all()) == 1


def test_push_to_a_remote_that_is_gone_is_retried_and_loses_nothing(make_instance, remote: Path) -> None:
    """While the remote is away, saves go on and commits wait; the next sync pushes them all."""
    from translate_app.gitsync.state import SyncState

    service = make_instance()
    away = remote.with_name("away.git")
    remote.rename(away)
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    report = service.sync()
    assert report.error and not report.pushed
    assert report.commits == ["appeal: German (de), 1 segment"]  # committed here, waiting
    state = SyncState(service.settings.instance_dir).load()
    assert state["last_error"] == report.error and state["failures"] == 1 and state["next_retry_at"]
    service.save("taras", "de", "Signed on", "Unterzeichnet am 30. März 2026.")  # saving goes on
    assert service.sync().error
    assert SyncState(service.settings.instance_dir).load()["failures"] == 2
    away.rename(remote)

    report = service.sync()

    assert report.error is None and report.pushed
    pushed = git(remote, "show", f"main:{CATALOG_DE}")
    assert "Stoppt die Abschiebung" in pushed and "Unterzeichnet am 30. März 2026." in pushed
    state = SyncState(service.settings.instance_dir).load()
    assert state["last_error"] is None and state["failures"] == 0


def test_two_instances_against_one_remote_lose_and_duplicate_nothing(make_instance, remote: Path) -> None:
    """Each instance's saves arrive once in the remote and in the other instance."""
    a, b = make_instance("a"), make_instance("b")
    a.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    b.save("taras", "de", "Signed on", "Unterzeichnet am 30. März 2026.")
    b.save("taras", "fr", "Stop the", "Arrêtez l'expulsion")
    assert a.sync().pushed
    assert b.sync().pushed  # rejected first? no: it pulls, merges, then pushes
    assert a.sync().error is None
    for instance in (a, b):
        assert instance.entry("de", "Stop the").msgstr == "Stoppt die Abschiebung"
        assert instance.entry("de", "Signed on").msgstr == "Unterzeichnet am 30. März 2026."
        assert instance.entry("fr", "Stop the").msgstr == "Arrêtez l'expulsion"
        with instance.sessions() as session:
            assert session.scalars(select(Proposal)).all() == []
    assert (a.root / CATALOG_DE).read_bytes() == (b.root / CATALOG_DE).read_bytes()
    subjects = remote_log(remote)
    assert subjects.count("appeal: German (de), 1 segment") == 2  # one from each, none twice
    assert subjects.count("appeal: French (fr), 1 segment") == 1
    assert git(a.root, "status", "--porcelain", "--", "locales", "source") == ""
    assert git(b.root, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")


def test_sync_of_a_folder_that_is_not_a_clone_says_so(tmp_path: Path) -> None:
    """A project folder without git gets a clear error, recorded, and nothing changes."""
    from translate_app.config import Settings
    from translate_app.gitsync.service import GitSync

    (tmp_path / "source").mkdir()
    report = GitSync(Settings(root=tmp_path)).sync()
    assert report.error and "not a git clone" in report.error


def test_squash_merged_translation_branch_is_rebuilt_not_rebased(
    make_instance, other_clone: Path, remote: Path
) -> None:
    """After a squash merge, changes made since are neither conflicts nor a replay of the merged work."""
    service = make_instance(git_push="pull-request")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    service.save("olena", "de", "Signed on", "Unterzeichnet am 30. März 2026.")
    report = service.sync()
    assert report.pushed and report.error is None
    assert git(remote, "rev-parse", "main") != git(remote, "rev-parse", "translate-app/appeal")
    # The organisation squash-merges the pull request and deletes the branch.
    git(other_clone, "fetch", "-q")
    git(other_clone, "merge", "-q", "--squash", "origin/translate-app/appeal")
    git(other_clone, "commit", "-qm", "Translations (#1)")
    git(other_clone, "push", "-q", "origin", "main", ":translate-app/appeal")
    # Meanwhile volunteers went on: one of the merged entries changed again, one new.
    service.save("taras", "de", "Stop the", "Stoppt sofort die Abschiebung")
    service.save("taras", "de", "Protect", "Schützt Kriegsdienstverweigerer.")

    report = service.sync()

    assert report.error is None and report.rebuilt and report.pushed
    assert report.conflicts == 0
    with service.sessions() as session:
        assert session.scalars(select(Proposal)).all() == []
    assert service.entry("de", "Stop the").msgstr == "Stoppt sofort die Abschiebung"
    # The new translation branch starts from the squash commit and holds only the new work.
    branch = "translate-app/appeal"
    assert git(remote, "merge-base", "--is-ancestor", "main", branch) == ""
    assert git(remote, "log", "--format=%s", f"main..{branch}").split("\n")[:-1] == [
        "appeal: translations from translate-app"
    ]
    body = git(remote, "log", "-1", "--format=%B", branch)
    assert "- appeal: German (de), 2 segments" in body and body.count("- appeal:") == 1
    assert f"Co-authored-by: taras <{service.users['taras']}+taras@" in body and "Olena" not in body
    diff = git(remote, "diff", "main", branch)
    assert '+msgstr "Stoppt sofort die Abschiebung"' in diff and "Schützt" in diff
    assert "Unterzeichnet" not in diff  # merged already: not proposed again


def test_saving_goes_on_during_a_sync(make_instance, other_clone: Path, remote: Path) -> None:
    """Saves made while a sync pulls, merges and pushes all land, none waits long, the next sync pushes the last."""
    import threading
    import time as clock

    service = make_instance()
    git(other_clone, "pull", "-q")
    (other_clone / "source" / "appeal.md").write_text(RELEASE + "\nA new closing sentence.\n", encoding="utf-8")
    git(other_clone, "commit", "-qam", "Edit the release")
    git(other_clone, "push", "-q")
    stop = threading.Event()
    saved: list[str] = []
    slowest = [0.0]

    def keep_saving() -> None:
        n = 0
        while not stop.is_set():
            text = f"Unterzeichnet, Fassung {n}"
            start = clock.perf_counter()
            service.save("olena", "de", "Signed on", text)
            slowest[0] = max(slowest[0], clock.perf_counter() - start)
            saved.append(text)
            n += 1

    saver = threading.Thread(target=keep_saving)
    saver.start()
    try:
        clock.sleep(0.2)
        report = service.sync()
        clock.sleep(0.2)
    finally:
        stop.set()
        saver.join()
    assert report.error is None and report.updated_releases == ["appeal"]
    assert len(saved) >= 5 and slowest[0] < 2.0
    assert service.entry("de", "Signed on").msgstr == saved[-1]  # the last save is what the catalog holds
    assert service.entry("de", "A new closing").msgstr == ""  # and the merge of the source is there too
    assert service.sync().error is None
    assert f'msgstr "{saved[-1]}"' in git(remote, "show", f"main:{CATALOG_DE}")


def test_scheduler_commits_after_n_changes_and_not_before(make_instance, remote: Path) -> None:
    """With automatic sync on, the second of two changes (N = 2) makes the scheduler sync; one does not."""
    import time as clock

    from translate_app.gitsync.scheduler import SyncScheduler

    service = make_instance(
        git_sync=True, git_commit_after_changes=2, git_commit_after_quiet_minutes=60, git_pull_minutes=60
    )
    scheduler = SyncScheduler(service.settings, service.sessions)
    scheduler.sync.state.update(last_sync_epoch=clock.time())  # just pulled
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert scheduler.run_if_due() is None
    service.save("taras", "de", "Signed on", "Unterzeichnet.")
    report = scheduler.run_if_due()
    assert report is not None and report.pushed and report.commits == ["appeal: German (de), 2 segments"]
    assert scheduler.run_if_due() is None  # counted: nothing waits any more
    assert remote_log(remote)[0] == "appeal: German (de), 2 segments"


def test_a_catalog_added_in_the_repository_comes_without_email_addresses(
    make_instance, other_clone: Path, remote: Path
) -> None:
    """A language a partner added with Poedit (its header names them with an address) is read back without it."""
    service = make_instance()
    git(other_clone, "pull", "-q")
    de = polib.pofile(str(other_clone / CATALOG_DE))
    de.metadata.update(
        {
            "Language": "uk",
            "Last-Translator": "Partner <partner@example.org>",
            "Language-Team": "Ukrainian <uk@li.example.org>",
        }
    )
    uk = other_clone / "locales/uk/LC_MESSAGES/appeal.po"
    uk.parent.mkdir(parents=True)
    de.save(str(uk))
    git(other_clone, "add", "locales")
    git(other_clone, "commit", "-qm", "Ukrainian")
    git(other_clone, "push", "-q")

    report = service.sync()

    assert report.error is None and report.pushed
    local = (service.root / "locales/uk/LC_MESSAGES/appeal.po").read_text(encoding="utf-8")
    header = local.split("\n\n")[0]
    assert "@" not in header and "Last-Translator: Partner" in header
    assert "@" not in git(remote, "show", "main:locales/uk/LC_MESSAGES/appeal.po").split("\n\n")[0]


def test_an_unexpected_failure_is_recorded_for_a_retry(make_instance, monkeypatch) -> None:
    """A bug in the merge does not escape the sync: it is recorded, backed off and shown, and commits stay."""
    from translate_app.gitsync.service import GitSync
    from translate_app.gitsync.state import SyncState

    service = make_instance()
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")

    def broken(self, theirs, report):
        raise ValueError("a bug")

    monkeypatch.setattr(GitSync, "merge_remote", broken)
    report = service.sync()
    assert report.error == "unexpected error: ValueError: a bug"
    assert report.commits == ["appeal: German (de), 1 segment"]
    state = SyncState(service.settings.instance_dir).load()
    assert state["failures"] == 1 and state["next_retry_at"]


def test_source_changed_and_catalogs_updated_elsewhere_keep_our_newer_text(make_instance, other_clone: Path) -> None:
    """Their CI re-extracted (msgmerge) after changing the source; our newer text follows to the changed msgid."""
    from translate_app.project import Project

    service = make_instance()
    service.save("olena", "de", "Protect", "Schützt Verweigerer.")
    assert service.sync().pushed
    git(other_clone, "pull", "-q")
    changed = RELEASE.replace("Protect conscientious objectors.", "Protect all conscientious objectors.")
    (other_clone / "source" / "appeal.md").write_text(changed, encoding="utf-8")
    Project(other_clone).update("appeal")
    git(other_clone, "commit", "-qam", "Edit the release and update the catalogs")
    git(other_clone, "push", "-q")
    service.save("taras", "de", "Protect", "Schützt Kriegsdienstverweigerer.")

    report = service.sync()

    assert report.error is None and report.conflicts == 0
    entry = service.entry("de", "Protect all")
    assert entry.msgstr == "Schützt Kriegsdienstverweigerer." and entry_state(entry) == State.NEEDS_REVIEW
    text = (service.root / CATALOG_DE).read_text(encoding="utf-8")
    assert text.count('msgid "Protect conscientious objectors."') <= 1  # no duplicate obsolete copies


def test_rebuild_keeps_changes_the_branch_got_after_the_squash(make_instance, other_clone: Path, remote: Path) -> None:
    """A partner's later edit of a catalog we changed again is merged into the rebuild, never overwritten."""
    service = make_instance(git_push="pull-request")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")  # the pull request holds German only
    assert service.sync().pushed
    git(other_clone, "fetch", "-q")
    git(other_clone, "merge", "-q", "--squash", "origin/translate-app/appeal")
    git(other_clone, "commit", "-qm", "Translations (#1)")
    path = other_clone / "locales/fr/LC_MESSAGES/appeal.po"
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Signed on")).msgstr = "Signé le 30 mars 2026."
    po.save(str(path))
    git(other_clone, "commit", "-qam", "A French fix on main")
    git(other_clone, "push", "-q", "origin", "main")
    service.save("taras", "fr", "Protect", "Protégez les objecteurs.")
    service.save("taras", "de", "Protect", "Schützt Kriegsdienstverweigerer.")

    report = service.sync()

    assert report.error is None and report.rebuilt and report.pushed and report.conflicts == 0
    text = (service.root / "locales/fr/LC_MESSAGES/appeal.po").read_text(encoding="utf-8")
    assert "Signé le 30 mars 2026." in text and "Protégez les objecteurs." in text
    branch = git(remote, "show", "translate-app/appeal:locales/fr/LC_MESSAGES/appeal.po")
    assert "Signé le 30 mars 2026." in branch and "Protégez les objecteurs." in branch


def test_each_release_gets_a_translation_branch_of_its_own(make_instance, other_clone: Path, remote: Path) -> None:
    """In pull-request mode the work on two releases goes to two branches, each with its own files only."""
    from translate_app.project import Project

    git(other_clone, "pull", "-q")
    (other_clone / "source" / "second.md").write_text("# Another release\n\nOne more paragraph.\n", encoding="utf-8")
    Project(other_clone).add_release(other_clone / "source" / "second.md", ["de"])
    git(other_clone, "add", "-A")
    git(other_clone, "commit", "-qm", "Add the release second")
    git(other_clone, "push", "-q")
    service = make_instance(git_push="pull-request")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    service.save("taras", "de", "One more", "Noch ein Absatz.", release="second")

    report = service.sync()

    assert report.error is None and report.pushed
    assert git(remote, "rev-parse", "main") == git(other_clone, "rev-parse", "HEAD")  # main untouched
    for release, text in (("appeal", "Stoppt die Abschiebung"), ("second", "Noch ein Absatz.")):
        branch = f"translate-app/{release}"
        assert git(remote, "diff", "--name-only", "main", branch).split() == [f"locales/de/LC_MESSAGES/{release}.po"]
        assert text in git(remote, "show", f"{branch}:locales/de/LC_MESSAGES/{release}.po")
    # Nothing new: the next sync pushes nothing and changes no branch.
    before = git(remote, "rev-parse", "translate-app/appeal", "translate-app/second")
    assert service.sync().error is None
    assert git(remote, "rev-parse", "translate-app/appeal", "translate-app/second") == before


def test_commits_added_to_a_translation_branch_are_merged_without_false_conflicts(
    make_instance, other_clone: Path, remote: Path
) -> None:
    """A reviewer's fix pushed onto the release's branch comes back; our text changed again since stays, alone."""
    service = make_instance(git_push="pull-request")
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")
    assert service.sync().pushed
    git(other_clone, "fetch", "-q")
    git(other_clone, "checkout", "-q", "-b", "review", "origin/translate-app/appeal")
    path = other_clone / CATALOG_DE
    po = polib.pofile(str(path))
    next(e for e in po if e.msgid.startswith("Signed on")).msgstr = "Unterzeichnet am 30. März 2026."
    po.save(str(path))
    git(other_clone, "commit", "-qam", "Review fix")
    git(other_clone, "push", "-q", "origin", "review:translate-app/appeal")
    service.save("olena", "de", "Stop the", "Stoppt sofort die Abschiebung")

    report = service.sync()

    assert report.error is None and report.pushed and report.conflicts == 0
    assert service.entry("de", "Signed on").msgstr == "Unterzeichnet am 30. März 2026."
    assert service.entry("de", "Stop the").msgstr == "Stoppt sofort die Abschiebung"
    branch = git(remote, "show", f"translate-app/appeal:{CATALOG_DE}")
    assert "Unterzeichnet am 30. März 2026." in branch and "Stoppt sofort die Abschiebung" in branch
