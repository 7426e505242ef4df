"""Catalogs: headers, msgmerge-style updates checked against GNU gettext, safe reads and writes."""

from __future__ import annotations

import difflib
import multiprocessing
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel import Locale
from babel.messages.plurals import get_plural

from tests.conftest import SAMPLE
from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core.errors import CatalogError, LanguageError
from translate_app.core.segmenter import segment
from translate_app.core.states import State, entry_state, set_approved, set_machine, set_translated
from translate_app.project import Project
from translate_app.storage import files as atomic

RELEASE = "kuzmin-2026-03-30"
SOURCE = SAMPLE.read_text(encoding="utf-8")
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d\+0000$")


def gettext_tool(name: str) -> str:
    """Return the path of a GNU gettext program, or skip the test when it is not installed."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"GNU gettext's {name} is not installed (apt-get install gettext)")
    return path


def msgfmt_check(path: Path) -> None:
    """Assert that GNU msgfmt --check accepts a catalog."""
    run = subprocess.run(
        [gettext_tool("msgfmt"), "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def sample_template() -> polib.POFile:
    return cat.template_from_document(segment(SOURCE, f"source/{RELEASE}.md"), RELEASE)


def states_of(po: polib.POFile) -> dict[str, tuple[str, str]]:
    """Map each live msgid to its (state, translator comment)."""
    return {e.msgid: (entry_state(e).value, e.tcomment) for e in po if not e.obsolete}


# -- headers -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["de", "he", "lt", "ar", "pt_BR", "zh_Hant", "uk"])
def test_new_catalog_headers_come_from_babel(code: str, tmp_path: Path) -> None:
    po = cat.new_catalog(sample_template(), code, RELEASE)
    meta = po.metadata
    locale = Locale.parse(code)
    assert meta["Language"] == code
    assert meta["Language-Team"] == locale.english_name
    assert meta["Plural-Forms"] == get_plural(locale).plural_forms
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["Content-Transfer-Encoding"] == "8bit"
    assert DATE.match(meta["PO-Revision-Date"]) and DATE.match(meta["POT-Creation-Date"])
    assert meta["X-Generator"].startswith("translate-app ")
    assert meta["Project-Id-Version"] == RELEASE
    path = tmp_path / f"{code}.po"
    storage.save(po, path)
    msgfmt_check(path)


def test_bcp47_codes_are_normalised_to_gettext_codes() -> None:
    assert cat.new_catalog(sample_template(), "pt-BR", RELEASE).metadata["Language"] == "pt_BR"


@pytest.mark.parametrize("code", ["xx", "qaa", "de_XX", "english", "d", "12", "de-", "", "de__DE", "../de"])
def test_unknown_or_malformed_language_is_an_error_naming_the_code(code: str) -> None:
    with pytest.raises(LanguageError) as err:
        cat.new_catalog(sample_template(), code, RELEASE)
    assert repr(code) in str(err.value)


def test_template_entries_carry_comments_and_every_occurrence() -> None:
    pot = cat.template_from_document(segment("# Same\n\nSame\n\n- item\n", "source/r.md"), "r")
    same = pot.find("Same")
    assert same.occurrences == [("source/r.md", "1"), ("source/r.md", "3")]
    assert same.comment == "heading level 1\nparagraph"
    assert pot.find("item").comment == "list item 1 of 1"


# -- every catalog we write passes msgfmt --check ------------------------------


def catalog_in_every_state(tmp_path: Path) -> Path:
    """Return a catalog on disk with entries untranslated, machine, translated, approved, fuzzy and obsolete."""
    project = Project(tmp_path)
    (tmp_path / "source").mkdir(exist_ok=True)
    src = tmp_path / "source" / f"{RELEASE}.md"
    src.write_text(SOURCE, encoding="utf-8")
    project.add_release(src, ["lt"])
    path = project.catalog_path(RELEASE, "lt")
    with storage.edit(path) as po:
        live = list(po)
        set_machine(live[0], "BENDRAS PRANEŠIMAS SPAUDAI", provider="libretranslate", score=87)
        set_translated(live[1], 'Vertimas su "kabutėmis" ir \\ ženklu', by="alice")
        set_translated(live[2], "Kovo 30 d. 2026", by="alice")
        set_approved(live[2], by="bob")
        set_translated(live[3], "Antra pastraipa", by="alice")
        set_translated(live[4], "Keturi", by="alice")
        set_approved(live[4], by="bob")
        set_translated(po.find("Background"), "Kontekstas", by="alice")
    src.write_text(
        SOURCE.replace("March 30th 2026", "March 31st 2026")
        .replace("Background\n\n", "")
        .replace("The undersigned organisations express", "The undersigned groups express"),
        encoding="utf-8",
    )
    project.update(RELEASE)
    return path


def test_every_state_survives_msgfmt_check(tmp_path: Path) -> None:
    path = catalog_in_every_state(tmp_path)
    po = cat.load(path)
    found = {entry_state(e) for e in po if not e.obsolete}
    assert found == {State.UNTRANSLATED, State.MACHINE, State.TRANSLATED, State.APPROVED, State.NEEDS_REVIEW}
    assert any(e.obsolete for e in po)
    assert any(e.previous_msgid for e in po)
    msgfmt_check(path)
    msgfmt_check(Project(tmp_path).template_path(RELEASE))


def test_committed_catalogs_pass_msgfmt_check() -> None:
    paths = sorted((SAMPLE.parent.parent / "locales").glob("*/LC_MESSAGES/*.po"))
    assert paths
    for path in paths:
        msgfmt_check(path)


def test_one_segment_change_is_a_small_diff(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    storage.save(cat.new_catalog(sample_template(), "de", RELEASE), path)
    before = path.read_text().splitlines()
    with storage.edit(path) as po:
        set_translated(po[10], "Eine neue Übersetzung eines ganzen Absatzes. " * 3, by="alice")
    after = path.read_text().splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert 0 < len(changed) <= 10, changed  # the entry, its comment and perhaps the revision date


# -- update follows GNU msgmerge --previous --------------------------------------

P1 = "In November 2022 he moved to Lithuania with his family and applied for a residence permit."
EDITS = {
    "reworded": [("March 30th 2026", "March 31st 2026"), (P1, P1.replace("residence permit", "permit of residence"))],
    "removed translated": [("Background\n\n", "")],
    "removed untranslated": [("Civic engagement in Lithuania\n\n", "")],
    "added": [("Background\n\n", "Background\n\nA brand new paragraph that nobody has seen before today.\n\n")],
    "added near copy": [(P1 + "\n", P1 + "\n\n" + P1.replace("family", "wife") + "\n")],
    "moved": [("Background\n\n", ""), ("Civic engagement in Lithuania\n\n", "Background\n\n")],
}
UNTRANSLATED = "Civic engagement in Lithuania"


def semantic(po: polib.POFile) -> list[tuple]:
    """Return what a merge decides about each entry, in a comparable order."""
    return sorted((e.msgid, e.msgstr, "fuzzy" in e.flags, e.previous_msgid or "", e.obsolete, e.tcomment) for e in po)


def translated_project(tmp_path: Path) -> tuple[Project, Path]:
    """Return a project whose German catalog has every entry but one translated, half of them approved."""
    (tmp_path / "source").mkdir()
    src = tmp_path / "source" / f"{RELEASE}.md"
    src.write_text(SOURCE, encoding="utf-8")
    project = Project(tmp_path)
    project.add_release(src, ["de"])
    path = project.catalog_path(RELEASE, "de")
    with storage.edit(path) as po:
        for n, entry in enumerate(po):
            if entry.msgid == UNTRANSLATED:
                continue
            set_translated(entry, "DE " + entry.msgid, by="alice", when="2026-03-30T10:00:00Z")
            if n % 2:
                set_approved(entry, by="bob", when="2026-03-30T11:00:00Z")
    return project, path


@pytest.mark.parametrize("edit", list(EDITS))
def test_update_merges_like_gnu_msgmerge(edit: str, tmp_path: Path) -> None:
    msgmerge = gettext_tool("msgmerge")
    project, path = translated_project(tmp_path)
    old = tmp_path / "old.po"
    shutil.copy(path, old)
    text = SOURCE
    for before, after in EDITS[edit]:
        assert before in text
        text = text.replace(before, after, 1)
    project.source_path(RELEASE).write_text(text, encoding="utf-8")

    project.update(RELEASE)

    gnu = tmp_path / "gnu.po"
    subprocess.run(
        [msgmerge, "--quiet", "--previous", "-o", str(gnu), str(old), str(project.template_path(RELEASE))], check=True
    )
    assert semantic(cat.load(path)) == semantic(polib.pofile(str(gnu)))
    msgfmt_check(path)


def test_update_keeps_changes_and_retires_like_the_design_says(tmp_path: Path) -> None:
    project, path = translated_project(tmp_path)
    old_states = states_of(cat.load(path))
    text = (
        SOURCE.replace("March 30th 2026", "March 31st 2026")
        .replace("Background\n\n", "")
        .replace(f"{UNTRANSLATED}\n\n", "")
    )
    project.source_path(RELEASE).write_text(text, encoding="utf-8")

    project.update(RELEASE)

    po = cat.load(path)
    live = {e.msgid: e for e in po if not e.obsolete}
    for msgid, state in states_of(po).items():
        if msgid in old_states and msgid != "March 31st 2026":
            assert state == old_states[msgid], msgid  # kept: same translation, same state
    changed = live["March 31st 2026"]
    assert (changed.msgstr, changed.previous_msgid) == ("DE March 30th 2026", "March 30th 2026")
    assert "fuzzy" in changed.flags and entry_state(changed) == State.NEEDS_REVIEW
    obsolete = [e for e in po if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Background", "DE Background")]
    assert UNTRANSLATED not in {e.msgid for e in po}
    assert '#~ msgid "Background"' in path.read_text()
    assert '#| msgid "March 30th 2026"' in path.read_text()


def test_update_brings_an_obsolete_translation_back(tmp_path: Path) -> None:
    project, path = translated_project(tmp_path)
    before = states_of(cat.load(path))["Background"]
    project.source_path(RELEASE).write_text(SOURCE.replace("Background\n\n", ""), encoding="utf-8")
    project.update(RELEASE)
    project.source_path(RELEASE).write_text(SOURCE, encoding="utf-8")
    project.update(RELEASE)
    po = cat.load(path)
    assert not any(e.obsolete for e in po)
    assert states_of(po)["Background"] == before


def test_update_without_source_change_writes_nothing(tmp_path: Path) -> None:
    project, path = translated_project(tmp_path)
    pot = project.template_path(RELEASE)
    snapshot = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (path, pot)}
    project.update(RELEASE)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (path, pot)} == snapshot


@pytest.mark.parametrize("tool", ["msgmerge", "msgcat"])
def test_gnu_tools_keep_our_states(tool: str, tmp_path: Path) -> None:
    path = catalog_in_every_state(tmp_path)
    out = tmp_path / "out.po"
    if tool == "msgmerge":
        pot = Project(tmp_path).template_path(RELEASE)
        args = [gettext_tool(tool), "--quiet", "--previous", "-o", str(out), str(path), str(pot)]
    else:
        args = [gettext_tool(tool), "-o", str(out), str(path)]
    subprocess.run(args, check=True)
    ours, theirs = cat.load(path), cat.load(out)
    assert states_of(theirs) == states_of(ours)
    assert semantic(theirs) == semantic(ours)


# -- reading malformed catalogs ----------------------------------------------------

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
MALFORMED = [
    # (name, content, line the error must name)
    ("unterminated string", HEADER + 'msgid "a"\nmsgstr "b\n\nmsgid "c"\nmsgstr "d"\n', 6),
    ("msgstr without msgid", HEADER + 'msgstr "b"\n', 5),
    ("stray text", HEADER + 'msgid "a"\nmsgstr "b"\n\nthis is not po\n', 8),
    ("unknown keyword", HEADER + 'msgid "a"\nmsgstx "b"\n', 6),
    ("unquoted msgid", HEADER + 'msgid a\nmsgstr "b"\n', 5),
    ("duplicate entry", HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 8),
    ("latin-1", (HEADER + 'msgid "caf\xe9"\nmsgstr ""\n').encode("latin-1"), 5),
    ("binary", b"\xde\x12\x04\x95\x00\x00\x00\x00", None),
]


@pytest.mark.parametrize(("content", "line"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_catalog_error_names_file_and_line(content: str | bytes, line: int | None, tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CatalogError) as err:
        cat.load(path)
    where = f"{path}:{line}:" if line else f"{path}:"
    assert str(err.value).startswith(where)
    assert "\n" not in str(err.value)


def test_line_separators_inside_a_translation_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    po = cat.new_catalog(sample_template(), "de", RELEASE)
    set_translated(po[0], "Zeile\u2028Trenner\x85und mehr", by="alice")
    storage.save(po, path)
    assert cat.load(path)[0].msgstr == "Zeile\u2028Trenner\x85und mehr"
    msgfmt_check(path)


# -- atomic writes ------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_failing_mid_way_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    path.write_bytes(b"old content\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    from translate_app.core.errors import StorageFullError

    with pytest.raises(StorageFullError, match="disk is full"):
        atomic.write_atomic(path, b"new content that never lands\n" * 1000)
    assert path.read_bytes() == b"old content\n"
    assert leftovers(tmp_path) == []


def test_edit_failing_while_serialising_leaves_the_old_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "de.po"
    storage.save(cat.new_catalog(sample_template(), "de", RELEASE), path)
    before = path.read_bytes()
    real = polib.POEntry.__unicode__
    calls = {"n": 0}

    def fails_on_the_tenth(self: polib.POEntry, *args: object, **kwargs: object) -> str:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("serialisation broke half way")
        return real(self, *args, **kwargs)

    with pytest.raises(RuntimeError), storage.edit(path) as po:
        set_translated(po[0], "Gemeinsame Pressemitteilung", by="alice")
        storage.forget_parsed()  # make every entry go through polib again
        monkeypatch.setattr(polib.POEntry, "__unicode__", fails_on_the_tenth)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_edit_that_raises_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    storage.save(cat.new_catalog(sample_template(), "de", RELEASE), path)
    before = path.read_bytes()
    with pytest.raises(ValueError), storage.edit(path) as po:
        set_translated(po[0], "Gemeinsame Pressemitteilung", by="alice")
        raise ValueError("the caller changed its mind")
    assert path.read_bytes() == before


# -- the cross-process lock --------------------------------------------------------

COUNTER = "Counter"


def add_many(path: str, times: int, start: object) -> None:
    """Wait until every process is ready, then increment the counter entry, each time in its own locked edit."""
    start.wait(60)  # without the lock, about half of the increments get lost this way
    for _ in range(times):
        with storage.edit(path) as po:
            entry = po.find(COUNTER)
            entry.msgstr = str(int(entry.msgstr) + 1)


def test_two_processes_editing_one_catalog_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    po = cat.new_catalog(polib.POFile(), "de", "counter")
    po.append(polib.POEntry(msgid=COUNTER, msgstr="0"))
    storage.save(po, path)
    times = 60
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    workers = [ctx.Process(target=add_many, args=(str(path), times, start)) for _ in range(2)]
    for w in workers:
        w.start()
    add_many(str(path), times, start)  # and this process too
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    assert cat.load(path).find(COUNTER).msgstr == str(3 * times)
    assert leftovers(tmp_path) == []


def test_lock_can_be_taken_again_by_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    storage.save(cat.new_catalog(sample_template(), "de", RELEASE), path)
    with storage.catalog_lock(path, timeout=2), storage.edit(path) as po:
        set_translated(po[0], "Gemeinsame Pressemitteilung", by="alice")
    assert cat.load(path)[0].msgstr == "Gemeinsame Pressemitteilung"


def test_lock_held_elsewhere_times_out_with_a_clear_error(tmp_path: Path) -> None:
    import fcntl
    import os
    import time

    path = tmp_path / "de.po"
    other = os.open(tmp_path / ".de.po.lock", os.O_RDWR | os.O_CREAT)  # another holder of the lock file
    fcntl.flock(other, fcntl.LOCK_EX)
    started = time.monotonic()
    with pytest.raises(CatalogError, match="locked by another process"), storage.catalog_lock(path, timeout=0.2):
        pass
    assert time.monotonic() - started < 2
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    # The waiter that gave up lets go as soon as it gets the lock: nobody stays blocked.
    time.sleep(0.05)
    with storage.catalog_lock(path, timeout=1):
        pass


def test_two_updates_in_a_row_match_msgmerge_run_twice(tmp_path: Path) -> None:
    """A change and its undoing: the fuzzy entry keeps the msgid its translation was made from."""
    msgmerge = gettext_tool("msgmerge")
    project, path = translated_project(tmp_path)
    gnu = tmp_path / "gnu.po"
    shutil.copy(path, gnu)
    changed = SOURCE.replace("Background\n\n", "").replace("March 30th 2026", "March 31st 2026")
    for text in (changed, SOURCE):
        project.source_path(RELEASE).write_text(text, encoding="utf-8")
        project.update(RELEASE)
        subprocess.run(
            [
                msgmerge,
                "--quiet",
                "--previous",
                "--update",
                "--backup=none",
                str(gnu),
                str(project.template_path(RELEASE)),
            ],
            check=True,
        )
        assert semantic(cat.load(path)) == semantic(polib.pofile(str(gnu)))
    assert cat.load(path).find("March 30th 2026").previous_msgid == "March 30th 2026"


def test_serialise_is_exactly_what_polib_writes_for_real_catalogs(tmp_path: Path) -> None:
    """Neither serialise nor storage's per-entry text cache changes a byte of polib's output."""
    from tests.conftest import CORPUS, ROOT
    from translate_app.core import catalog as cat

    files = sorted((CORPUS / "po").glob("*.po")) if CORPUS.is_dir() else []
    files += sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))[:2]
    for path in files:
        po = cat.load(path)
        expected = str(po)
        expected = expected if expected.endswith("\n") else expected + "\n"
        assert cat.serialise(po) == expected, path
        storage.save(po, tmp_path / "copy.po")
        assert (tmp_path / "copy.po").read_text(encoding="utf-8") == expected, path
        first = next(e for e in po if e.msgid and not e.obsolete)
        first.msgstr = "changed \u2013 text"
        expected = str(po) + ("" if str(po).endswith("\n") else "\n")
        assert cat.serialise(po) == expected, path
        storage.save(po, tmp_path / "copy.po")  # one entry's kept text is stale now
        assert (tmp_path / "copy.po").read_text(encoding="utf-8") == expected, path


def test_edit_catalog_reuses_the_parsed_copy_but_sees_outside_edits(tmp_path) -> None:
    import polib

    from translate_app.core import catalog as cat

    path = tmp_path / "x.po"
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "de"}
    po.append(polib.POEntry(msgid="Hello", msgstr=""))
    storage.save(po, path)
    with storage.edit(path) as edited:
        edited.find("Hello").msgstr = "Hallo"
    assert storage.read(path).find("Hello").msgstr == "Hallo"
    # An editor changes the file in place (as Poedit would): the next reader sees it.
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "Hallo"', 'msgstr "Servus!"'), encoding="utf-8")
    assert storage.read(path).find("Hello").msgstr == "Servus!"
    with storage.edit(path) as edited:
        assert edited.find("Hello").msgstr == "Servus!"
    try:
        with storage.edit(path) as edited:
            edited.find("Hello").msgstr = "lost"
            raise RuntimeError("crash inside the edit")
    except RuntimeError:
        pass
    assert storage.read(path).find("Hello").msgstr == "Servus!"
    assert cat.load(path).find("Hello").msgstr == "Servus!"


def test_an_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path) -> None:
    import os

    from translate_app.storage import write_atomic

    target = tmp_path / "de.po"
    write_atomic(target, b"first")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # like open(), not mkstemp's 0600
    target.chmod(0o640)
    write_atomic(target, b"second")
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_bytes() == b"second"
