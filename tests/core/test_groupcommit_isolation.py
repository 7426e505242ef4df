"""One edit that cannot be written is refused alone; the rest of its batch is written (issue 11, item 4)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.core.test_groupcommit import (
    APPLY,
    edit_files,
    join_all,
    live,
    make_catalog,
    queue_files,
    run_threads,
    save,
    wait_for,
)
from translate_app.core import catalog as cat
from translate_app.core import groupcommit as gc
from translate_app.core import segments as seg
from translate_app.core.errors import CatalogError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return make_catalog(tmp_path)


def raw_apply(po, edit: dict) -> dict:
    """Store the text as it comes, unchecked: an edit whose text no UTF-8 catalog can hold breaks the write."""
    entry = cat.find_entry(po, edit["segment"])
    entry.msgstr = edit["text"]
    return {"text": edit["text"]}


def batch_of(path: Path, texts: list[str], apply) -> tuple[dict[str, dict], list, list[tuple[str, str, str]]]:
    """Queue one edit per text while the lock is held, so that they go in one batch; return the outcomes."""
    segments = live(path)[:len(texts)]
    batches: list = []
    outcomes: dict[str, dict] = {}

    def one(sid: str, version: str, text: str) -> None:
        outcomes[sid] = gc.submit(path, save(sid, version, text), apply, after=batches.append)

    with cat.catalog_lock(path):
        threads = run_threads([partial(one, sid, v, t) for (sid, v, _), t in zip(segments, texts, strict=False)])
        wait_for(lambda: edit_files(path) == len(texts), "queued edits")
    join_all(threads)
    return outcomes, batches, segments


def test_an_unwritable_edit_fails_alone_and_the_others_are_written(path: Path) -> None:
    texts = ["Eins", "Zwei \ud800 kaputt", "Drei", "Vier"]
    outcomes, batches, segments = batch_of(path, texts, raw_apply)
    ids = [sid for sid, _, _ in segments]
    assert outcomes[ids[1]]["error"] == "CatalogError"
    assert "cannot store" in outcomes[ids[1]]["message"]
    for sid, text in zip(ids, texts, strict=False):
        if sid != ids[1]:
            assert outcomes[sid] == {"text": text}
    po = cat.load(path)
    assert [cat.find_entry(po, sid).msgstr for sid in ids] == ["Eins", "", "Drei", "Vier"]
    assert len(batches) == 1 and len(batches[0]) == 4  # every edit reported, for the audit log
    assert queue_files(path) == []


def test_a_lone_surrogate_in_a_save_is_refused_alone_by_the_segment_rules(path: Path) -> None:
    texts = ["Eins", "Zwei \udfff kaputt", "Drei"]
    outcomes, _, segments = batch_of(path, texts, APPLY)
    ids = [sid for sid, _, _ in segments]
    with pytest.raises(seg.InvalidTranslationError, match="lone surrogate, U\\+DFFF"):
        seg.edit_outcome(outcomes[ids[1]], "de")
    assert seg.edit_outcome(outcomes[ids[0]], "de")[1].translation == "Eins"
    assert seg.edit_outcome(outcomes[ids[2]], "de")[1].translation == "Drei"
    po = cat.load(path)
    assert [cat.find_entry(po, sid).msgstr for sid in ids] == ["Eins", "", "Drei"]


def test_a_single_unwritable_edit_is_refused_and_changes_nothing(path: Path) -> None:
    before = path.read_bytes()
    sid, version, _ = live(path)[0]
    outcome = gc.submit(path, save(sid, version, "\ud800"), raw_apply)
    with pytest.raises(CatalogError, match="cannot store"):
        seg.edit_outcome(outcome, "de")
    assert path.read_bytes() == before
    # The next edit starts from the file, not from the refused edit's parsed copy.
    outcome = gc.submit(path, save(sid, version, "Hintergrund"), APPLY)
    assert seg.edit_outcome(outcome, "de")[1].translation == "Hintergrund"
