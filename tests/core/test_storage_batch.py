"""storage.apply: edits of one catalog applied under its lock, in batches, with one durable write per batch."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import shutil
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core import segments as seg
from translate_app.core.edits import PROTOCOL_VERSION, Edit, Outcome
from translate_app.core.errors import CatalogBusyError, CatalogError, PermissionDeniedError, StaleVersionError
from translate_app.core.states import State, entry_signatories, entry_state
from translate_app.project import Project
from translate_app.storage import files

ROOT = Path(__file__).resolve().parents[2]
RELEASE = "kuzmin-2026-03-30"
APPLY = partial(seg.apply_edit, language="de")


# -- helpers -----------------------------------------------------------------------


def make_catalog(folder: Path) -> Path:
    """Return the German catalog of a fresh project holding the sample release."""
    (folder / "source").mkdir(parents=True)
    shutil.copy(ROOT / "source" / f"{RELEASE}.md", folder / "source")
    project = Project(folder)
    project.add_release(folder / "source" / f"{RELEASE}.md", ["de"])
    return project.catalog_path(RELEASE, "de")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return make_catalog(tmp_path)


def live(path: Path) -> list[tuple[str, str, str]]:
    """Return (id, version, source) of every live entry, in document order."""
    return [(cat.entry_id(e), cat.entry_version(e), e.msgid) for e in cat.load(path) if not e.obsolete and e.msgid]


def entry(path: Path, segment_id: str):
    found = cat.find_entry(cat.load(path), segment_id)
    assert found is not None
    return found


def save(segment_id: str, version: str, text: str, by: str = "alice") -> Edit:
    return Edit(kind="save", segment=segment_id, text=text, version=version, by=by)


def approve(segment_id: str, version: str, by: str, self_review: bool) -> Edit:
    return Edit(kind="approve", segment=segment_id, version=version, by=by, self_review=self_review)


def apply_one(path: Path, edit: Edit, change=APPLY, **kwargs) -> Outcome:
    [outcome] = storage.apply(path, [edit], change, **kwargs)
    return outcome


def catalog_leftovers(path: Path) -> list[str]:
    """Temporary files of atomic catalog writes left beside the catalog."""
    return sorted(n for n in os.listdir(path.parent) if n.endswith(".tmp"))


def run_threads(targets: list[Callable[[], None]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float = 30.0) -> None:
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "an applying thread is stuck"


def count_catalog_writes(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Record every rename onto the catalog (atomic writes end in one)."""
    writes: list[str] = []
    real = files.os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == path:
            writes.append(str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(files.os, "replace", replace)
    return writes


class Held:
    """The catalog's flock held through a file descriptor of its own, as another process would hold it."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self.fd >= 0:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


@pytest.fixture
def held(path: Path):
    holder = Held(path)
    yield holder
    holder.release()


# -- the protocol --------------------------------------------------------------------


def test_edits_and_outcomes_are_frozen_values_with_the_protocol_version() -> None:
    edit = save("abc", "v1", "Hallo")
    assert edit.protocol == PROTOCOL_VERSION and Outcome().protocol == PROTOCOL_VERSION
    with pytest.raises(AttributeError):
        edit.text = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Edit(kind="save", segment="abc", version="v1", by="alice", colour="red")  # type: ignore[call-arg]


def test_a_refusal_carries_the_code_of_its_domain_error_and_raises_it_again() -> None:
    refused = Outcome.refused(PermissionDeniedError("not yours"))
    assert refused.error == PermissionDeniedError.code == "permission_denied" and not refused.ok
    with pytest.raises(PermissionDeniedError, match="not yours"):
        seg.edit_outcome(refused, "de")
    codes = [
        cls.code
        for cls in (
            seg.UnknownSegmentError,
            seg.InvalidTranslationError,
            seg.ProposalNeededError,
            seg.BlockingChecksError,
            StaleVersionError,
            CatalogBusyError,
            CatalogError,
        )
    ]
    assert len(set(codes)) == len(codes)  # one code per error


# -- one edit ----------------------------------------------------------------------


def test_one_save_is_durable_reported_and_recorded_once(path: Path) -> None:
    sid, version, _ = live(path)[0]
    edit = save(sid, version, "GEMEINSAME PRESSEMITTEILUNG")
    lock_file = path.parent / f".{path.name}.lock"
    batches: list[list[tuple[Edit, Outcome]]] = []
    seen_in_after: dict[str, object] = {}

    def after(batch: list[tuple[Edit, Outcome]]) -> None:
        batches.append(batch)
        # Called after the write and still under the lock.
        seen_in_after["text"] = cat.find_entry(cat.load(path), sid).msgstr
        fd = os.open(lock_file, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen_in_after["locked"] = True
        finally:
            os.close(fd)

    outcome = apply_one(path, edit, after=after)
    before, after_view = seg.edit_outcome(outcome, "de")

    assert before.translation == "" and before.state == State.UNTRANSLATED.value and before.version == version
    assert after_view.translation == "GEMEINSAME PRESSEMITTEILUNG"
    assert after_view.state == State.TRANSLATED.value
    assert after_view.translated_by == "alice"
    stored = entry(path, sid)
    assert stored.msgstr == "GEMEINSAME PRESSEMITTEILUNG"
    assert entry_state(stored) == State.TRANSLATED
    assert cat.entry_version(stored) == after_view.version != version
    assert batches == [[(edit, outcome)]]
    assert seen_in_after == {"text": "GEMEINSAME PRESSEMITTEILUNG", "locked": True}
    assert catalog_leftovers(path) == []


def test_stale_version_is_a_conflict_with_checks_and_writes_nothing(path: Path) -> None:
    sid, v0, source = next(s for s in live(path) if s[2] == "March 30th 2026")
    first = seg.edit_outcome(apply_one(path, save(sid, v0, "30. März")), "de")[1]
    assert first.checks, "the number check should flag the missing year"
    raw_before, stat_before = path.read_bytes(), path.stat().st_ino
    batches: list = []

    outcome = apply_one(path, save(sid, v0, "Der 30. März 2026", by="bob"), after=batches.append)
    assert outcome.error == StaleVersionError.code
    assert outcome.current.checks == []  # left out under the lock
    with pytest.raises(StaleVersionError) as caught:
        seg.edit_outcome(outcome, "de")
    current = caught.value.current
    assert current.translation == "30. März" and current.version == first.version
    assert [c["id"] for c in current.checks] == [c["id"] for c in first.checks]
    assert any(c["id"] == "numbers" for c in current.checks)

    assert path.read_bytes() == raw_before and path.stat().st_ino == stat_before  # not even rewritten
    assert [[o.error for _, o in b] for b in batches] == [[StaleVersionError.code]]


def test_unknown_segment_is_refused_and_writes_nothing(path: Path) -> None:
    _, version, _ = live(path)[0]
    raw_before = path.read_bytes()
    outcome = apply_one(path, save("000000000000", version, "Hallo"))
    with pytest.raises(seg.UnknownSegmentError):
        seg.edit_outcome(outcome, "de")
    assert path.read_bytes() == raw_before


def test_approving_ones_own_translation_needs_self_review(path: Path) -> None:
    sid, v0, _ = live(path)[0]
    translated = seg.edit_outcome(apply_one(path, save(sid, v0, "GEMEINSAME PRESSEMITTEILUNG")), "de")[1]
    raw_before = path.read_bytes()

    refused = apply_one(path, approve(sid, translated.version, "alice", self_review=False))
    with pytest.raises(PermissionDeniedError):
        seg.edit_outcome(refused, "de")
    assert path.read_bytes() == raw_before
    assert entry_state(entry(path, sid)) == State.TRANSLATED

    _, approved = seg.edit_outcome(apply_one(path, approve(sid, translated.version, "alice", self_review=True)), "de")
    assert approved.state == State.APPROVED.value and approved.approved_by == "alice"
    stored = entry(path, sid)
    assert entry_state(stored) == State.APPROVED
    assert cat.entry_version(stored) == approved.version


def test_another_reviewer_may_approve_without_self_review(path: Path) -> None:
    sid, v0, _ = live(path)[0]
    translated = seg.edit_outcome(apply_one(path, save(sid, v0, "GEMEINSAME PRESSEMITTEILUNG")), "de")[1]
    _, approved = seg.edit_outcome(apply_one(path, approve(sid, translated.version, "bob", self_review=False)), "de")
    assert approved.state == State.APPROVED.value and approved.approved_by == "bob"
    assert entry_state(entry(path, sid)) == State.APPROVED


def test_a_resent_save_after_a_crash_is_answered_as_the_success_it_was(path: Path) -> None:
    """A worker killed after the write but before answering: the client resends, and hears success (11.9)."""
    (sid, v0, _), (other, v_o, _) = live(path)[:2]
    edit = save(sid, v0, "Schon gespeichert", by="carol")
    stored = seg.edit_outcome(apply_one(path, edit), "de")[1]
    tcomment = entry(path, sid).tcomment
    raw = path.read_bytes()

    again = apply_one(path, edit)
    assert again.ok and again.after.translation == "Schon gespeichert"
    assert again.after.version == again.before.version == stored.version  # nothing changed, nothing to log
    assert path.read_bytes() == raw
    assert entry(path, sid).tcomment == tcomment
    # Someone else's save on the old version is still a conflict.
    assert apply_one(path, save(sid, v0, "Anders", by="dave")).error == StaleVersionError.code
    assert apply_one(path, save(other, v_o, "Neu")).ok


# -- batches -------------------------------------------------------------------------


def test_edits_of_one_call_are_one_batch_and_one_write(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    segments = live(path)[:5]
    writes = count_catalog_writes(monkeypatch, path)
    batches: list = []
    edits = [save(sid, v, f"Text {i}") for i, (sid, v, _) in enumerate(segments)]
    outcomes = storage.apply(path, edits, APPLY, after=batches.append)
    assert [seg.edit_outcome(o, "de")[1].translation for o in outcomes] == [f"Text {i}" for i in range(5)]
    assert len(writes) == 1 and len(batches) == 1 and [e for e, _ in batches[0]] == edits


def test_sixteen_threads_saving_at_once_all_succeed_each_recorded_once(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    segments = live(path)[:16]
    writes = count_catalog_writes(monkeypatch, path)
    batches: list[list[tuple[Edit, Outcome]]] = []
    outcomes: dict[str, Outcome] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(segments))

    def one(sid: str, version: str, text: str) -> None:
        try:
            start.wait(10)
            outcomes[sid] = apply_one(path, save(sid, version, text), after=batches.append)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    join_all(run_threads([partial(one, sid, v, f"Text {i}") for i, (sid, v, _) in enumerate(segments)]))

    assert errors == []
    texts = {sid: f"Text {i}" for i, (sid, _, _) in enumerate(segments)}
    for sid, text in texts.items():
        assert seg.edit_outcome(outcomes[sid], "de")[1].translation == text
    po = cat.load(path)
    assert {sid: cat.find_entry(po, sid).msgstr for sid in texts} == texts
    recorded = [edit.segment for batch in batches for edit, _ in batch]
    assert sorted(recorded) == sorted(texts)  # every edit exactly once
    assert all(o.ok for batch in batches for _, o in batch)
    assert len(writes) == len(batches)  # one write per batch
    assert catalog_leftovers(path) == []


def test_edits_waiting_while_the_lock_is_held_go_in_one_batch(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first thread leads and waits for the lock; the four that come meanwhile join its batch."""
    segments = live(path)[:5]
    writes = count_catalog_writes(monkeypatch, path)
    batches: list = []
    outcomes: dict[str, Outcome] = {}

    def one(sid: str, version: str, text: str) -> None:
        outcomes[sid] = apply_one(path, save(sid, version, text), after=batches.append)

    with storage.catalog_lock(path):
        threads = run_threads([partial(one, sid, v, f"Text {i}") for i, (sid, v, _) in enumerate(segments)])
        time.sleep(0.5)  # every thread is waiting by now
        assert batches == [] and writes == []
    join_all(threads)

    assert [len(b) for b in batches] == [5]
    assert len(writes) == 1
    po = cat.load(path)
    for i, (sid, _, _) in enumerate(segments):
        assert seg.edit_outcome(outcomes[sid], "de")[1].translation == f"Text {i}"
        assert cat.find_entry(po, sid).msgstr == f"Text {i}"


def test_one_edit_whose_change_raises_fails_alone(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    segments = live(path)[:3]
    texts = ["Eins", "boom", "Drei"]
    batches: list = []

    def change(po, edit: Edit) -> Outcome:
        if edit.text == "boom":
            raise RuntimeError("a bug in change")
        return APPLY(po, edit)

    edits = [save(sid, v, t) for (sid, v, _), t in zip(segments, texts, strict=True)]
    ok1, bad, ok3 = storage.apply(path, edits, change, after=batches.append)
    assert len(batches) == 1 and len(batches[0]) == 3
    (s1, _, _), (s2, v2, _), (s3, _, _) = segments
    with pytest.raises(CatalogError):
        seg.edit_outcome(bad, "de")
    assert seg.edit_outcome(ok1, "de")[1].translation == "Eins"
    assert seg.edit_outcome(ok3, "de")[1].translation == "Drei"
    po = cat.load(path)
    assert cat.find_entry(po, s1).msgstr == "Eins" and cat.find_entry(po, s3).msgstr == "Drei"
    assert cat.find_entry(po, s2).msgstr == "" and cat.entry_version(cat.find_entry(po, s2)) == v2
    assert "failed" in caplog.text


def test_a_failing_after_does_not_fail_the_save(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sid, version, _ = live(path)[0]

    def after(batch: list) -> None:
        raise RuntimeError("the database is down")

    outcome = apply_one(path, save(sid, version, "GEMEINSAME PRESSEMITTEILUNG"), after=after)
    assert seg.edit_outcome(outcome, "de")[1].translation == "GEMEINSAME PRESSEMITTEILUNG"
    assert entry(path, sid).msgstr == "GEMEINSAME PRESSEMITTEILUNG"
    assert "recording a batch of 1 edits" in caplog.text


# -- timeouts ----------------------------------------------------------------------


def test_a_leader_that_cannot_get_the_lock_in_time_changes_nothing(path: Path, held: Held) -> None:
    (sid, v_s, _), (other, v_o, _) = live(path)[:2]
    raw_before = path.read_bytes()
    started = time.monotonic()
    outcome = apply_one(path, save(sid, v_s, "Zu spät"), timeout=0.3)
    assert time.monotonic() - started < 3
    with pytest.raises(CatalogBusyError, match="nothing was changed"):
        seg.edit_outcome(outcome, "de")
    assert path.read_bytes() == raw_before
    held.release()

    batches: list = []
    outcome = apply_one(path, save(other, v_o, "Rechtzeitig"), after=batches.append, timeout=10)
    assert seg.edit_outcome(outcome, "de")[1].translation == "Rechtzeitig"
    assert [[e.segment for e, _ in b] for b in batches] == [[other]]  # the refused edit never came back
    assert entry(path, sid).msgstr == "" and cat.entry_version(entry(path, sid)) == v_s


def test_a_waiting_thread_that_times_out_withdraws_while_the_leader_goes_on(path: Path, held: Held) -> None:
    (lead_sid, v_l, _), (late_sid, v_w, _) = live(path)[:2]
    batches: list = []
    results: dict[str, Outcome] = {}

    def leader() -> None:
        results["leader"] = apply_one(path, save(lead_sid, v_l, "Geduldig"), after=batches.append, timeout=20)

    threads = run_threads([leader])
    time.sleep(0.2)  # the leader waits for the flock by now
    started = time.monotonic()
    with pytest.raises(CatalogBusyError, match="nothing was changed"):
        apply_one(path, save(late_sid, v_w, "Ungeduldig"), after=batches.append, timeout=0.3)
    assert time.monotonic() - started < 3
    held.release()
    join_all(threads)

    assert seg.edit_outcome(results["leader"], "de")[1].translation == "Geduldig"
    assert [[e.segment for e, _ in b] for b in batches] == [[lead_sid]]
    assert entry(path, late_sid).msgstr == ""


def test_apply_times_out_while_another_thread_holds_the_lock(path: Path) -> None:
    sid, version, _ = live(path)[0]
    holding, let_go = threading.Event(), threading.Event()
    result: dict[str, object] = {}

    def holder() -> None:
        with storage.catalog_lock(path):
            holding.set()
            let_go.wait(10)

    def applier() -> None:
        result["outcome"] = apply_one(path, save(sid, version, "Hallo"), timeout=0.3)

    threads = run_threads([holder])
    holding.wait(10)
    threads += run_threads([applier])
    threads[1].join(1.5)
    finished_in_time = not threads[1].is_alive()
    let_go.set()
    join_all(threads)
    assert finished_in_time
    assert result["outcome"].error == CatalogBusyError.code
    assert entry(path, sid).msgstr == ""


def test_a_request_taken_by_a_leader_is_answered_even_after_its_timeout(path: Path) -> None:
    """Once a leader took an edit it may be written; its waiter must hear the truth, not 'nothing changed'."""
    (first, v_f, _), (second, v_s, _) = live(path)[:2]
    results: dict[str, Outcome] = {}

    def slow(po, edit: Edit) -> Outcome:
        time.sleep(0.6)  # longer than the second request's timeout
        return APPLY(po, edit)

    def leader() -> None:
        results["first"] = apply_one(path, save(first, v_f, "Eins"), slow, timeout=20)

    def follower() -> None:
        results["second"] = apply_one(path, save(second, v_s, "Zwei"), slow, timeout=1.0)

    with storage.catalog_lock(path):
        threads = run_threads([leader])
        time.sleep(0.2)
        threads += run_threads([follower])
        time.sleep(0.2)
    join_all(threads)  # the follower is taken by the second batch, and answered after 1.2 s
    assert results["first"].ok and results["second"].ok
    assert entry(path, second).msgstr == "Zwei"


# -- several processes -------------------------------------------------------------


def chain_of_saves(path: str, owned: list[list[str]], rounds: int, tag: str, start, out: str) -> None:
    """Save `rounds` times, each on the version the previous save returned; write what was acknowledged."""
    start.wait(60)
    versions = {sid: v for sid, v in owned}
    final: dict[str, list[str]] = {}
    for i in range(rounds):
        sid = owned[i % len(owned)][0]
        text = f"{tag} Runde {i}"
        _, after = seg.edit_outcome(apply_one(Path(path), save(sid, versions[sid], text, by=tag)), "de")
        assert after.translation == text
        versions[sid] = after.version
        final[sid] = [text, after.version]
    Path(out).write_text(json.dumps(final))


def one_racing_save(path: str, sid: str, version: str, text: str, start, out: str) -> None:
    start.wait(60)
    outcome = apply_one(Path(path), save(sid, version, text))
    Path(out).write_text(
        json.dumps(
            {
                "error": outcome.error,
                "after": outcome.after.as_api() if outcome.after else None,
                "current": outcome.current.as_api() if outcome.current else None,
            }
        )
    )


def run_processes(targets: list[tuple[Callable, tuple]]) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=fn, args=args) for fn, args in targets]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0


def test_three_processes_saving_at_once_lose_no_update(path: Path, tmp_path: Path) -> None:
    segments = live(path)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(3)
    per_process, rounds = 4, 20
    targets = []
    for n in range(3):
        owned = [[sid, v] for sid, v, _ in segments[n * per_process : (n + 1) * per_process]]
        targets.append((chain_of_saves, (str(path), owned, rounds, f"P{n}", start, str(tmp_path / f"p{n}.json"))))
    run_processes(targets)

    po = cat.load(path)  # still a valid catalog
    acknowledged = {}
    for n in range(3):
        acknowledged.update(json.loads((tmp_path / f"p{n}.json").read_text()))
    last_rounds = {
        segments[n * per_process + j][0]: f"P{n} Runde {rounds - per_process + j}"
        for n in range(3)
        for j in range(per_process)
    }
    assert {sid: text for sid, (text, _) in acknowledged.items()} == last_rounds
    for sid, (text, version) in acknowledged.items():
        stored = cat.find_entry(po, sid)
        assert (stored.msgstr, cat.entry_version(stored)) == (text, version)
    saved = [e for e in po if not e.obsolete and e.msgid and e.msgstr and entry_signatories(e) is None]
    assert len(saved) == 3 * per_process  # besides the signatory items filled when the catalog was made
    assert catalog_leftovers(path) == []


def test_two_processes_racing_on_one_segment_one_wins_one_conflicts(path: Path, tmp_path: Path) -> None:
    sid, version, _ = live(path)[0]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    texts = ["Erster Text", "Zweiter Text"]
    run_processes(
        [
            (one_racing_save, (str(path), sid, version, t, start, str(tmp_path / f"r{i}.json")))
            for i, t in enumerate(texts)
        ]
    )

    outcomes = [json.loads((tmp_path / f"r{i}.json").read_text()) for i in range(2)]
    won = [i for i, o in enumerate(outcomes) if o["error"] is None]
    assert len(won) == 1
    winner, loser = outcomes[won[0]], outcomes[1 - won[0]]
    assert loser["error"] == StaleVersionError.code
    assert loser["current"]["translation"] == texts[won[0]] == winner["after"]["translation"]
    stored = entry(path, sid)
    assert stored.msgstr == texts[won[0]] and cat.entry_version(stored) == winner["after"]["version"]


def test_nothing_is_left_outside_the_catalog_and_its_lock_file(path: Path) -> None:
    """No queue, result or change files anywhere: the catalog's folder holds the catalog and its lock."""
    (sid, v, _), (other, v_o, _) = live(path)[:2]
    apply_one(path, save(sid, v, "Eins"))
    apply_one(path, save(other, v_o, "Zwei"))
    assert sorted(os.listdir(path.parent)) == sorted([path.name, f".{path.name}.lock"])


# -- another process's writes ------------------------------------------------------


def write_as_another_process(path: Path, change: Callable) -> None:
    """Change the catalog as another process would: from the file, past this process's copies."""
    po = cat.load(path)
    change(po)
    files.write_atomic(path, cat.serialise(po).encode("utf-8"), later_mtime=True)


def test_the_copy_brought_up_to_date_is_the_file_as_a_fresh_parse_reads_it(path: Path) -> None:
    import random

    from translate_app.core.states import set_approved, set_translated

    rnd = random.Random(12)
    with storage.edit(path):
        pass  # this process now holds a copy

    def others_change(po) -> None:
        for _ in range(rnd.randint(1, 3)):
            e = rnd.choice([e for e in po if e.msgid])
            set_translated(e, f'Ü {e.msgid[:30]} \u00e9\n zwei "drei"', by="other")
            if rnd.random() < 0.3:
                set_approved(e, by="reviewer")
        po.metadata["PO-Revision-Date"] = cat.header_date()

    for i in range(40):
        write_as_another_process(path, others_change)
        with storage.edit(path) as po:
            assert cat.serialise(po) == cat.serialise(cat.load(path)), i
            set_translated(rnd.choice([e for e in po if e.msgid]), f"Meins {i}", by="me")
        assert path.read_text(encoding="utf-8") == cat.serialise(cat.load(path))


def test_a_new_list_of_entries_or_a_foreign_layout_is_parsed_whole(path: Path) -> None:
    import polib

    with storage.edit(path):
        pass
    write_as_another_process(path, lambda po: po.append(polib.POEntry(msgid="Neu", msgstr="New")))
    with storage.edit(path) as po:
        assert po.find("Neu").msgstr == "New"
    # another tool's layout: two blank lines between entries, a translation changed
    text = path.read_text(encoding="utf-8").replace("\n\n", "\n\n\n").replace('msgstr "New"', 'msgstr "Neuer"')
    files.write_atomic(path, text.encode("utf-8"), later_mtime=True)
    with storage.edit(path) as po:
        assert po.find("Neu").msgstr == "Neuer"
        assert cat.serialise(po) == cat.serialise(cat.load(path))


def test_refresh_refuses_a_changed_segment_and_leaves_the_copy_alone(path: Path) -> None:
    po = cat.load(path)
    text = path.read_text(encoding="utf-8")
    old = cat.blocks(text)
    before = cat.serialise(po)
    renamed = text.replace('msgid "March 30th 2026"', 'msgid "March 31st 2026"')
    assert cat.refresh(po, list(po), old, renamed) is None
    assert cat.serialise(po) == before
    translated = text.replace('msgid "March 30th 2026"\nmsgstr ""', 'msgid "March 30th 2026"\nmsgstr "30. März"')
    assert cat.refresh(po, list(po), old, translated) == cat.blocks(translated)
    assert po.find("March 30th 2026").msgstr == "30. März"
