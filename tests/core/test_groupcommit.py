"""Group commit: queued edits of one catalog applied in one load and one durable write."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from translate_app.core import atomic
from translate_app.core import catalog as cat
from translate_app.core import groupcommit as gc
from translate_app.core import segments as seg
from translate_app.core.errors import CatalogError, PermissionDeniedError, StaleVersionError
from translate_app.core.project import Project
from translate_app.core.states import State, entry_state

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


def save(segment_id: str, version: str, text: str, by: str = "alice") -> dict:
    return {"kind": "save", "segment": segment_id, "text": text, "version": version, "by": by}


def approve(segment_id: str, version: str, by: str, self_review: bool) -> dict:
    return {"kind": "approve", "segment": segment_id, "version": version, "by": by, "self_review": self_review}


def queue_files(path: Path) -> list[str]:
    qdir = gc.queue_dir(path)
    return sorted(os.listdir(qdir)) if qdir.exists() else []


def catalog_leftovers(path: Path) -> list[str]:
    """Temporary files of atomic catalog writes left beside the catalog."""
    return sorted(n for n in os.listdir(path.parent) if n.endswith(".tmp"))


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)


def edit_files(path: Path) -> int:
    return len([n for n in queue_files(path) if n.endswith(".edit")])


def wait_for_committer(path: Path, what: str) -> None:
    """Wait until this process's committer runs and exactly one edit is queued (the lock being held elsewhere)."""
    wait_for(lambda: gc._local(path, gc.queue_dir(path)).committer is not None and edit_files(path) == 1, what)


def foreign_name(age_seconds: float = 0.0) -> str:
    """A queue name as another (possibly long gone) process would have made it."""
    born = time.time_ns() - int(age_seconds * 1e9)
    return f"{born:020d}-999999-1-{secrets.token_hex(3)}"


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


def run_threads(targets: list[Callable[[], None]]) -> list[threading.Thread]:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float = 30.0) -> None:
    for t in threads:
        t.join(timeout)
        assert not t.is_alive(), "a submitting thread is stuck"


def count_catalog_writes(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """Record every rename onto the catalog (atomic writes end in one)."""
    writes: list[str] = []
    real = atomic.os.replace

    def replace(src, dst, *args, **kwargs):
        if Path(dst) == path:
            writes.append(str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", replace)
    return writes


# -- one edit ----------------------------------------------------------------------


def test_one_save_is_durable_reported_and_recorded_once(path: Path) -> None:
    sid, version, _ = live(path)[0]
    edit = save(sid, version, "GEMEINSAME PRESSEMITTEILUNG")
    lock_file = path.parent / f".{path.name}.lock"
    batches: list[list[tuple[dict, dict]]] = []
    seen_in_after: dict[str, object] = {}

    def after(batch: list[tuple[dict, dict]]) -> None:
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

    outcome = gc.submit(path, edit, APPLY, after=after)
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
    assert queue_files(path) == []
    assert catalog_leftovers(path) == []


def test_stale_version_is_a_conflict_with_checks_and_writes_nothing(path: Path) -> None:
    sid, v0, source = next(s for s in live(path) if s[2] == "March 30th 2026")
    first = seg.edit_outcome(gc.submit(path, save(sid, v0, "30. März"), APPLY), "de")[1]
    assert first.checks, "the number check should flag the missing year"
    raw_before, stat_before = path.read_bytes(), path.stat().st_ino
    batches: list = []

    outcome = gc.submit(path, save(sid, v0, "Der 30. März 2026", by="bob"), APPLY, after=batches.append)
    assert outcome["error"] == "StaleVersionError"
    assert outcome["current"]["checks"] == []  # left out under the lock
    with pytest.raises(StaleVersionError) as caught:
        seg.edit_outcome(outcome, "de")
    current = caught.value.current
    assert current.translation == "30. März" and current.version == first.version
    assert [c["id"] for c in current.checks] == [c["id"] for c in first.checks]
    assert any(c["id"] == "numbers" for c in current.checks)

    assert path.read_bytes() == raw_before and path.stat().st_ino == stat_before  # not even rewritten
    assert [[r["error"] for _, r in b] for b in batches] == [["StaleVersionError"]]
    assert queue_files(path) == []


def test_unknown_segment_is_refused_and_writes_nothing(path: Path) -> None:
    _, version, _ = live(path)[0]
    raw_before = path.read_bytes()
    outcome = gc.submit(path, save("000000000000", version, "Hallo"), APPLY)
    with pytest.raises(seg.UnknownSegmentError):
        seg.edit_outcome(outcome, "de")
    assert path.read_bytes() == raw_before
    assert queue_files(path) == []


def test_approving_ones_own_translation_needs_self_review(path: Path) -> None:
    sid, v0, _ = live(path)[0]
    translated = seg.edit_outcome(gc.submit(path, save(sid, v0, "GEMEINSAME PRESSEMITTEILUNG"), APPLY), "de")[1]
    raw_before = path.read_bytes()

    refused = gc.submit(path, approve(sid, translated.version, "alice", self_review=False), APPLY)
    with pytest.raises(PermissionDeniedError):
        seg.edit_outcome(refused, "de")
    assert path.read_bytes() == raw_before
    assert entry_state(entry(path, sid)) == State.TRANSLATED

    _, approved = seg.edit_outcome(gc.submit(path, approve(sid, translated.version, "alice", self_review=True),
                                             APPLY), "de")
    assert approved.state == State.APPROVED.value and approved.approved_by == "alice"
    stored = entry(path, sid)
    assert entry_state(stored) == State.APPROVED
    assert cat.entry_version(stored) == approved.version
    assert queue_files(path) == []


def test_another_reviewer_may_approve_without_self_review(path: Path) -> None:
    sid, v0, _ = live(path)[0]
    translated = seg.edit_outcome(gc.submit(path, save(sid, v0, "GEMEINSAME PRESSEMITTEILUNG"), APPLY), "de")[1]
    _, approved = seg.edit_outcome(gc.submit(path, approve(sid, translated.version, "bob", self_review=False),
                                             APPLY), "de")
    assert approved.state == State.APPROVED.value and approved.approved_by == "bob"
    assert entry_state(entry(path, sid)) == State.APPROVED


# -- batching within one process ----------------------------------------------------


def test_sixteen_threads_saving_at_once_all_succeed_each_recorded_once(path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    segments = live(path)[:16]
    writes = count_catalog_writes(monkeypatch, path)
    batches: list[list[tuple[dict, dict]]] = []
    outcomes: dict[str, dict] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(segments))

    def one(sid: str, version: str, text: str) -> None:
        try:
            start.wait(10)
            outcomes[sid] = gc.submit(path, save(sid, version, text), APPLY, after=batches.append)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    join_all(run_threads([partial(one, sid, v, f"Text {i}") for i, (sid, v, _) in enumerate(segments)]))

    assert errors == []
    texts = {sid: f"Text {i}" for i, (sid, _, _) in enumerate(segments)}
    for sid, text in texts.items():
        assert seg.edit_outcome(outcomes[sid], "de")[1].translation == text
    po = cat.load(path)
    assert {sid: cat.find_entry(po, sid).msgstr for sid in texts} == texts
    recorded = [edit["segment"] for batch in batches for edit, _ in batch]
    assert sorted(recorded) == sorted(texts)  # every edit exactly once
    assert all("after" in result for batch in batches for _, result in batch)
    assert len(writes) == len(batches)  # one write per batch
    assert queue_files(path) == []
    assert catalog_leftovers(path) == []


def test_edits_queued_while_the_lock_is_held_go_in_one_batch_and_one_write(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    segments = live(path)[:5]
    writes = count_catalog_writes(monkeypatch, path)
    batches: list[list[tuple[dict, dict]]] = []
    outcomes: dict[str, dict] = {}

    def one(sid: str, version: str, text: str) -> None:
        outcomes[sid] = gc.submit(path, save(sid, version, text), APPLY, after=batches.append)

    with cat.catalog_lock(path):
        threads = run_threads([partial(one, sid, v, f"Text {i}") for i, (sid, v, _) in enumerate(segments)])
        wait_for(lambda: edit_files(path) == 5, "five queued edits")
        assert batches == [] and writes == []
    join_all(threads)

    assert len(batches) == 1
    assert sorted(edit["segment"] for edit, _ in batches[0]) == sorted(sid for sid, _, _ in segments)
    assert len(writes) == 1
    po = cat.load(path)
    for i, (sid, _, _) in enumerate(segments):
        assert seg.edit_outcome(outcomes[sid], "de")[1].translation == f"Text {i}"
        assert cat.find_entry(po, sid).msgstr == f"Text {i}"
    assert queue_files(path) == []


def test_one_edit_whose_apply_raises_fails_alone(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    segments = live(path)[:3]
    texts = ["Eins", "boom", "Drei"]
    batches: list[list[tuple[dict, dict]]] = []
    outcomes: dict[str, dict] = {}

    def apply(po, edit: dict) -> dict:
        if edit["text"] == "boom":
            raise RuntimeError("a bug in apply")
        return APPLY(po, edit)

    def one(sid: str, version: str, text: str) -> None:
        outcomes[sid] = gc.submit(path, save(sid, version, text), apply, after=batches.append)

    with cat.catalog_lock(path):
        threads = run_threads([partial(one, sid, v, t) for (sid, v, _), t in zip(segments, texts, strict=False)])
        wait_for(lambda: edit_files(path) == 3, "three queued edits")
    join_all(threads)

    assert len(batches) == 1 and len(batches[0]) == 3
    (ok1, _, _), (bad, bad_version, _), (ok3, _, _) = segments
    with pytest.raises(CatalogError):
        seg.edit_outcome(outcomes[bad], "de")
    assert seg.edit_outcome(outcomes[ok1], "de")[1].translation == "Eins"
    assert seg.edit_outcome(outcomes[ok3], "de")[1].translation == "Drei"
    po = cat.load(path)
    assert cat.find_entry(po, ok1).msgstr == "Eins" and cat.find_entry(po, ok3).msgstr == "Drei"
    assert cat.find_entry(po, bad).msgstr == "" and cat.entry_version(cat.find_entry(po, bad)) == bad_version
    assert "failed" in caplog.text
    assert queue_files(path) == []


def test_a_failing_after_does_not_fail_the_save(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sid, version, _ = live(path)[0]

    def after(batch: list) -> None:
        raise RuntimeError("the database is down")

    outcome = gc.submit(path, save(sid, version, "GEMEINSAME PRESSEMITTEILUNG"), APPLY, after=after)
    assert seg.edit_outcome(outcome, "de")[1].translation == "GEMEINSAME PRESSEMITTEILUNG"
    assert entry(path, sid).msgstr == "GEMEINSAME PRESSEMITTEILUNG"
    assert "recording a batch of 1 edits" in caplog.text
    assert queue_files(path) == []


# -- timeouts ----------------------------------------------------------------------


def test_a_submit_that_times_out_withdraws_its_edit(path: Path, held: Held) -> None:
    (sid, v_s, _), (other, v_o, _) = live(path)[:2]
    raw_before = path.read_bytes()
    started = time.monotonic()
    with pytest.raises(CatalogError, match="nothing was changed"):
        gc.submit(path, save(sid, v_s, "Zu spät"), APPLY, timeout=0.3)
    assert time.monotonic() - started < 3
    assert queue_files(path) == []  # withdrawn
    assert path.read_bytes() == raw_before
    held.release()

    batches: list = []
    outcome = gc.submit(path, save(other, v_o, "Rechtzeitig"), APPLY, after=batches.append, timeout=10)
    assert seg.edit_outcome(outcome, "de")[1].translation == "Rechtzeitig"
    assert [[e["segment"] for e, _ in b] for b in batches] == [[other]]  # the withdrawn edit never came back
    assert entry(path, sid).msgstr == "" and cat.entry_version(entry(path, sid)) == v_s
    assert queue_files(path) == []


def test_a_waiting_thread_that_times_out_withdraws_while_the_committer_goes_on(path: Path, held: Held) -> None:
    (lead_sid, v_l, _), (late_sid, v_w, _) = live(path)[:2]
    batches: list = []
    results: dict[str, object] = {}

    def leader() -> None:
        results["leader"] = gc.submit(path, save(lead_sid, v_l, "Geduldig"), APPLY, after=batches.append,
                                      timeout=20)

    threads = run_threads([leader])
    wait_for_committer(path, "the committer waiting for the lock")
    started = time.monotonic()
    with pytest.raises(CatalogError, match="nothing was changed"):
        gc.submit(path, save(late_sid, v_w, "Ungeduldig"), APPLY, after=batches.append, timeout=0.3)
    assert time.monotonic() - started < 3
    assert edit_files(path) == 1  # only the first edit is still queued
    held.release()
    join_all(threads)

    assert seg.edit_outcome(results["leader"], "de")[1].translation == "Geduldig"
    assert [[e["segment"] for e, _ in b] for b in batches] == [[lead_sid]]
    assert entry(path, late_sid).msgstr == ""
    assert queue_files(path) == []


def test_the_turn_uses_the_latest_submits_callbacks_not_those_it_began_waiting_for(path: Path, held: Held) -> None:
    """Found as a flaky test: a committer that began waiting for the lock for one submit, which then gave up,
    served the next submit's edit with the callbacks of the one that had gone."""
    (first, v_f, _), (second, v_s, _) = live(path)[:2]
    early: list = []
    late: list = []
    results: dict[str, object] = {}

    def submit_first() -> None:
        results["first"] = gc.submit(path, save(first, v_f, "Eins"), APPLY, after=early.append, timeout=20)

    def submit_second() -> None:
        results["second"] = gc.submit(path, save(second, v_s, "Zwei"), APPLY, after=late.append, timeout=20)

    threads = run_threads([submit_first])
    wait_for_committer(path, "the committer waiting for the lock")
    threads += run_threads([submit_second])
    wait_for(lambda: edit_files(path) == 2, "the second request")
    held.release()
    join_all(threads)
    assert early == [] and sorted(e["segment"] for b in late for e, _ in b) == sorted([first, second])


# -- crash safety ------------------------------------------------------------------


def test_an_edit_left_by_a_crashed_holder_is_answered_as_the_success_it_was(path: Path) -> None:
    """Applied again, the edit finds its own text by its own author: a success, not 'someone else's' (11.9)."""
    (sid, v0, _), (other, v_o, _) = live(path)[:2]
    crashed_edit = save(sid, v0, "Schon gespeichert", by="carol")
    # The crashed holder had written the catalog ...
    stored = seg.edit_outcome(gc.submit(path, crashed_edit, APPLY), "de")[1]
    tcomment = entry(path, sid).tcomment
    # ... but not yet handed out results nor removed the request.
    name = foreign_name()
    gc._put(gc.queue_dir(path) / f"{name}.edit", crashed_edit)

    batches: list = []
    outcome = gc.submit(path, save(other, v_o, "Neu"), APPLY, after=batches.append)
    assert seg.edit_outcome(outcome, "de")[1].translation == "Neu"
    assert sorted(e["segment"] for b in batches for e, _ in b) == sorted([sid, other])

    # our answer comes first; the committer then leaves the other process's answer
    wait_for(lambda: queue_files(path) == [f"{name}.done"], "the crashed holder's edit answered")
    left = json.loads((gc.queue_dir(path) / f"{name}.done").read_text())
    assert "error" not in left, left
    assert left["after"]["translation"] == "Schon gespeichert"
    assert left["after"]["version"] == left["before"]["version"] == stored.version  # nothing changed, nothing logged
    again = entry(path, sid)
    assert again.msgstr == "Schon gespeichert"
    assert cat.entry_version(again) == stored.version and again.tcomment == tcomment  # not rewritten


def test_old_results_and_temporary_files_are_swept_by_the_next_batch(path: Path) -> None:
    sid, version, _ = live(path)[0]
    qdir = gc.queue_dir(path)
    qdir.mkdir(parents=True, exist_ok=True)
    old, fresh, old_tmp = (foreign_name(gc.STALE_SECONDS + 60), foreign_name(),
                           foreign_name(gc.STALE_SECONDS + 60))
    gc._put(qdir / f"{old}.done", {"before": {}, "after": {}})
    gc._put(qdir / f"{fresh}.done", {"before": {}, "after": {}})  # its waiter may still come for it
    (qdir / f".{old_tmp}.done.tmp").write_text("{")  # a writer that crashed half way

    seg.edit_outcome(gc.submit(path, save(sid, version, "Hallo"), APPLY), "de")
    assert queue_files(path) == [f"{fresh}.done"]


def hold_then_apply_queue(path: str, holding, go, out: str) -> None:
    """Another process's holder: take the lock, wait, then apply whatever is queued."""
    with cat.catalog_lock(path, timeout=20):
        holding.set()
        go.wait(20)
        batches: list = []
        gc._apply_queue(Path(path), gc.queue_dir(Path(path)), APPLY, batches.append,
                        gc._Local(Path(path), gc.queue_dir(Path(path))))
    Path(out).write_text(json.dumps(batches))


def apply_queue_then_keep_holding(path: str, holding, go, applied, release) -> None:
    """Another process's holder that wakes the waiters it answered and keeps the lock a while."""
    gc._WAKER.listen()
    with cat.catalog_lock(path, timeout=20):
        holding.set()
        go.wait(20)
        gc._apply_queue(Path(path), gc.queue_dir(Path(path)), APPLY, None,
                        gc._Local(Path(path), gc.queue_dir(Path(path))))
        applied.set()
        release.wait(20)


def test_a_result_left_by_another_process_is_picked_up(path: Path, tmp_path: Path) -> None:
    """While this process waits for the lock, another holder applies its edit and leaves the result."""
    sid, version, _ = live(path)[0]
    ctx = multiprocessing.get_context("spawn")
    holding, go = ctx.Event(), ctx.Event()
    other = ctx.Process(target=hold_then_apply_queue, args=(str(path), holding, go, str(tmp_path / "other.json")))
    other.start()
    try:
        assert holding.wait(30)
        results: dict[str, dict] = {}
        batches: list = []

        def waiter() -> None:
            results["ours"] = gc.submit(path, save(sid, version, "Von drüben"), APPLY, after=batches.append,
                                        timeout=30)

        threads = run_threads([waiter])
        wait_for_committer(path, "the waiter's request")
    finally:
        go.set()
        other.join(30)
    assert other.exitcode == 0
    join_all(threads)

    assert seg.edit_outcome(results["ours"], "de")[1].translation == "Von drüben"
    other_batches = json.loads((tmp_path / "other.json").read_text())
    assert [[e["segment"] for e, _ in b] for b in other_batches] == [[sid]]  # applied once, by the other holder
    assert batches == []
    assert entry(path, sid).msgstr == "Von drüben"
    assert queue_files(path) == []


def test_a_result_from_another_process_arrives_without_waiting_for_the_lock(path: Path) -> None:
    """The other process wakes this one: the answer does not wait for this process's turn at the lock."""
    sid, version, _ = live(path)[0]
    ctx = multiprocessing.get_context("spawn")
    holding, go, applied, release = ctx.Event(), ctx.Event(), ctx.Event(), ctx.Event()
    other = ctx.Process(target=apply_queue_then_keep_holding, args=(str(path), holding, go, applied, release))
    other.start()
    results: dict[str, dict] = {}
    try:
        assert holding.wait(30)

        def waiter() -> None:
            results["ours"] = gc.submit(path, save(sid, version, "Geweckt"), APPLY, timeout=30)

        threads = run_threads([waiter])
        wait_for(lambda: edit_files(path) == 1, "the waiter's request")
        go.set()
        assert applied.wait(30)
        wait_for(lambda: "ours" in results, "the answer, while the other process still holds the lock")
        assert other.is_alive() and not release.is_set()
    finally:
        release.set()
        go.set()
        other.join(30)
    join_all(threads)
    assert other.exitcode == 0
    assert seg.edit_outcome(results["ours"], "de")[1].translation == "Geweckt"
    assert entry(path, sid).msgstr == "Geweckt"
    assert queue_files(path) == []


# -- across processes --------------------------------------------------------------


def chain_of_saves(path: str, owned: list[list[str]], rounds: int, tag: str, start, out: str) -> None:
    """Save owned segments in turn, each save based on the version the previous one returned."""
    start.wait(60)
    versions = dict(owned)
    final: dict[str, list[str]] = {}
    for i in range(rounds):
        sid = owned[i % len(owned)][0]
        text = f"{tag} Runde {i}"
        _, after = seg.edit_outcome(gc.submit(path, save(sid, versions[sid], text, by=tag), APPLY), "de")
        assert after.translation == text
        versions[sid] = after.version
        final[sid] = [text, after.version]
    Path(out).write_text(json.dumps(final))


def one_racing_save(path: str, sid: str, version: str, text: str, start, out: str) -> None:
    start.wait(60)
    Path(out).write_text(json.dumps(gc.submit(path, save(sid, version, text), APPLY)))


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
        owned = [[sid, v] for sid, v, _ in segments[n * per_process:(n + 1) * per_process]]
        targets.append((chain_of_saves, (str(path), owned, rounds, f"P{n}", start, str(tmp_path / f"p{n}.json"))))
    run_processes(targets)

    po = cat.load(path)  # still a valid catalog
    acknowledged = {}
    for n in range(3):
        acknowledged.update(json.loads((tmp_path / f"p{n}.json").read_text()))
    last_rounds = {segments[n * per_process + j][0]: f"P{n} Runde {rounds - per_process + j}"
                   for n in range(3) for j in range(per_process)}
    assert {sid: text for sid, (text, _) in acknowledged.items()} == last_rounds
    for sid, (text, version) in acknowledged.items():
        stored = cat.find_entry(po, sid)
        assert (stored.msgstr, cat.entry_version(stored)) == (text, version)
    assert sum(1 for e in po if not e.obsolete and e.msgid and e.msgstr) == 3 * per_process
    assert queue_files(path) == []
    assert catalog_leftovers(path) == []


def test_two_processes_racing_on_one_segment_one_wins_one_conflicts(path: Path, tmp_path: Path) -> None:
    sid, version, _ = live(path)[0]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    texts = ["Erster Text", "Zweiter Text"]
    run_processes([(one_racing_save, (str(path), sid, version, t, start, str(tmp_path / f"r{i}.json")))
                   for i, t in enumerate(texts)])

    outcomes = [json.loads((tmp_path / f"r{i}.json").read_text()) for i in range(2)]
    won = [i for i, o in enumerate(outcomes) if "after" in o]
    assert len(won) == 1
    winner, loser = outcomes[won[0]], outcomes[1 - won[0]]
    assert loser["error"] == "StaleVersionError"
    assert loser["current"]["translation"] == texts[won[0]] == winner["after"]["translation"]
    stored = entry(path, sid)
    assert stored.msgstr == texts[won[0]] and cat.entry_version(stored) == winner["after"]["version"]
    assert queue_files(path) == []


# -- two defects found by these tests and fixed: a withdrawal after the holder took the edit, a thread lock
#    without timeout


def test_a_waiter_giving_up_after_the_holder_read_its_edit_is_not_told_nothing_changed(path: Path) -> None:
    (lead_sid, v_l, _), (late_sid, v_w, _) = live(path)[:2]
    gave_up = threading.Event()
    reached: dict[str, bool] = {}
    results: dict[str, object] = {}

    def slow_apply(po, edit: dict) -> dict:
        if edit["segment"] == lead_sid:  # applied first: the batch was read before the waiter gave up?
            reached["in_time"] = not gave_up.is_set()
            gave_up.wait(10)
        return APPLY(po, edit)

    def leader() -> None:
        results["leader"] = gc.submit(path, save(lead_sid, v_l, "Erster"), slow_apply, timeout=20)

    def late() -> None:
        try:
            results["late"] = gc.submit(path, save(late_sid, v_w, "Zweiter"), slow_apply, timeout=1.0)
        except CatalogError as exc:
            results["late"] = exc
        finally:
            gave_up.set()

    with cat.catalog_lock(path):
        threads = run_threads([leader])
        wait_for_committer(path, "the first request")
        threads += run_threads([late])
        wait_for(lambda: edit_files(path) == 2, "the second request")
    join_all(threads)
    if not reached.get("in_time"):
        pytest.skip("the waiter gave up before the holder read the queue; the race was not reached")

    stored = entry(path, late_sid).msgstr == "Zweiter"
    told = results["late"]
    told_nothing_changed = isinstance(told, CatalogError) and "nothing was changed" in str(told)
    assert not (stored and told_nothing_changed)


def test_submit_times_out_while_another_thread_holds_the_lock(path: Path) -> None:
    sid, version, _ = live(path)[0]
    holding, let_go = threading.Event(), threading.Event()
    result: dict[str, object] = {}

    def holder() -> None:
        with cat.catalog_lock(path):
            holding.set()
            let_go.wait(10)

    def submitter() -> None:
        try:
            result["outcome"] = gc.submit(path, save(sid, version, "Hallo"), APPLY, timeout=0.3)
        except CatalogError as exc:
            result["outcome"] = exc

    threads = run_threads([holder])
    holding.wait(10)
    threads += run_threads([submitter])
    threads[1].join(1.5)
    finished_in_time = not threads[1].is_alive()
    let_go.set()
    join_all(threads)
    assert finished_in_time
    assert isinstance(result["outcome"], CatalogError)


def test_an_answer_being_handed_over_by_a_wake_up_is_not_declared_lost(path: Path, monkeypatch) -> None:
    """Found by the load benchmark: a wake-up had taken an answer's file but not yet handed it over when
    the committer looked for it, found nothing, and told a stored save that it had disappeared."""
    sid, version, _ = live(path)[0]
    qdir = gc.queue_dir(path)
    qdir.mkdir(parents=True, exist_ok=True)
    local = gc._Local(path, qdir)
    name = foreign_name()
    answer = {"before": {"version": version}, "after": {"version": "v2", "translation": "Gespeichert"}}
    gc._put(qdir / f"{name}.done", answer)  # applied by another process, which woke us
    done = threading.Event()
    local.waiting[name] = done

    took = threading.Event()
    real_take = gc._take_result

    def slow_take(q: Path, n: str):
        result = real_take(q, n)
        took.set()
        time.sleep(0.3)  # the listener thread waits for the interpreter before handing over
        return result

    monkeypatch.setattr(gc, "_take_result", slow_take)
    listener = threading.Thread(target=local.collect)
    listener.start()
    assert took.wait(5)
    monkeypatch.setattr(gc, "_take_result", real_take)
    local.work = (APPLY, None)
    gc._turn(local)
    listener.join(5)
    assert done.is_set() and local.results[name] == answer
