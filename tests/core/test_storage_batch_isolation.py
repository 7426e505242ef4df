"""One edit that cannot be written is refused alone; the rest of its batch is written (issue 11, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_storage_batch import APPLY, apply_one, live, make_catalog, save
from translate_app import storage
from translate_app.core import catalog as cat
from translate_app.core import segments as seg
from translate_app.core.edits import Edit, Outcome
from translate_app.core.errors import CatalogError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return make_catalog(tmp_path)


def raw_change(po, edit: Edit) -> Outcome:
    """Store the text as it comes, unchecked: an edit whose text no UTF-8 catalog can hold breaks the write."""
    entry = cat.find_entry(po, edit.segment)
    entry.msgstr = edit.text
    return Outcome(message=edit.text or "")


def batch_of(path: Path, texts: list[str], change) -> tuple[list[Outcome], list, list[str]]:
    """Apply one edit per text in one batch; return the outcomes, the recorded batches and the segment ids."""
    segments = live(path)[: len(texts)]
    batches: list = []
    outcomes = storage.apply(
        path, [save(sid, v, t) for (sid, v, _), t in zip(segments, texts, strict=True)], change, after=batches.append
    )
    return outcomes, batches, [sid for sid, _, _ in segments]


def test_an_unwritable_edit_fails_alone_and_the_others_are_written(path: Path) -> None:
    texts = ["Eins", "Zwei \ud800 kaputt", "Drei", "Vier"]
    outcomes, batches, ids = batch_of(path, texts, raw_change)
    assert outcomes[1].error == CatalogError.code
    assert "cannot store" in outcomes[1].message
    for i, text in enumerate(texts):
        if i != 1:
            assert outcomes[i] == Outcome(message=text)
    po = cat.load(path)
    assert [cat.find_entry(po, sid).msgstr for sid in ids] == ["Eins", "", "Drei", "Vier"]
    assert len(batches) == 1 and len(batches[0]) == 4  # every edit reported, for the audit log


def test_a_lone_surrogate_in_a_save_is_refused_alone_by_the_segment_rules(path: Path) -> None:
    texts = ["Eins", "Zwei \udfff kaputt", "Drei"]
    outcomes, _, ids = batch_of(path, texts, APPLY)
    with pytest.raises(seg.InvalidTranslationError, match="lone surrogate, U\\+DFFF"):
        seg.edit_outcome(outcomes[1], "de")
    assert seg.edit_outcome(outcomes[0], "de")[1].translation == "Eins"
    assert seg.edit_outcome(outcomes[2], "de")[1].translation == "Drei"
    po = cat.load(path)
    assert [cat.find_entry(po, sid).msgstr for sid in ids] == ["Eins", "", "Drei"]


def test_a_single_unwritable_edit_is_refused_and_changes_nothing(path: Path) -> None:
    before = path.read_bytes()
    sid, version, _ = live(path)[0]
    outcome = apply_one(path, save(sid, version, "\ud800"), raw_change)
    with pytest.raises(CatalogError, match="cannot store"):
        seg.edit_outcome(outcome, "de")
    assert path.read_bytes() == before
    # The next edit starts from the file, not from the refused edit's parsed copy.
    outcome = apply_one(path, save(sid, version, "Hintergrund"))
    assert seg.edit_outcome(outcome, "de")[1].translation == "Hintergrund"
