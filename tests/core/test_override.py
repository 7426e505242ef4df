"""A wrong figure, link or URL blocks an approval unless the reviewer overrides it with a reason.

The override lives in the catalog beside the approval, bound to the same hash,
so it survives msgmerge and goes when the text changes; compile --check and
status report approvals that fail a blocking check without one.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from translate_app import storage
from translate_app.cli import main
from translate_app.core import catalog as cat
from translate_app.core import segments as seg
from translate_app.core.catalog import entry_id, entry_version
from translate_app.core.edits import Edit
from translate_app.core.errors import NotApprovedError
from translate_app.core.states import (
    OVERRIDE_REASON_MAX,
    State,
    entry_override,
    entry_state,
    set_approved,
    set_translated,
)
from translate_app.project import Project

SOURCE = "48 conscientious objectors were detained in 2026."
WRONG = "47 Kriegsdienstverweigerer wurden 2026 festgenommen."
RIGHT = "48 Kriegsdienstverweigerer wurden 2026 festgenommen."
LINK = "Read [the ruling](https://teismai.lt/ruling-48)."
WRONG_LINK = "Lesen Sie [das Urteil](https://teismai.lt/ruling-47)."
CODE = "Run `translate-app compile` in 2026."
REASON = "The court's ruling says 47; the 48 in the source is a typo, confirmed by the coordinator."


def catalog(*pairs: tuple[str, str]) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Language": "de", "Content-Type": "text/plain; charset=UTF-8"}
    for source, translation in pairs:
        e = polib.POEntry(msgid=source)
        po.append(e)
        set_translated(e, translation, by="alice")
    return po


def approve(po: polib.POFile, source: str, **kwargs):
    e = po.find(source)
    return seg.approve(po, entry_id(e), version=entry_version(e), by="bob", language="de", **kwargs)


def test_a_wrong_figure_blocks_the_approval() -> None:
    po = catalog((SOURCE, WRONG))
    with pytest.raises(seg.BlockingChecksError) as caught:
        approve(po, SOURCE)
    [check] = caught.value.checks
    assert check["id"] == "numbers" and check["blocking"] is True
    assert "48" in check["message"] and "47" in check["message"]
    assert "override" in str(caught.value)
    assert entry_state(po.find(SOURCE)) == State.TRANSLATED


def test_a_wrong_link_blocks_the_approval() -> None:
    po = catalog((LINK, WRONG_LINK))
    with pytest.raises(seg.BlockingChecksError) as caught:
        approve(po, LINK)
    assert {c["id"] for c in caught.value.checks} == {"links"}


def test_an_override_with_a_reason_approves_and_is_recorded() -> None:
    po = catalog((SOURCE, WRONG))
    _, after = approve(
        po,
        SOURCE,
        override="  The court's ruling says 47;\n the 48 in the source is a typo, confirmed by the coordinator.  ",
    )
    assert after.state == "approved"
    assert after.override == {"checks": ["numbers"], "by": "bob", "reason": REASON}
    lines = po.find(SOURCE).tcomment.splitlines()
    assert any(line.startswith("override: checks=numbers by=bob sha256=") for line in lines)
    reason_lines = [line for line in lines if line.startswith("override-reason: ")]
    assert len(reason_lines) > 1 and all(len("# " + line) <= 79 for line in reason_lines)  # nobody re-wraps them
    assert " ".join(line.removeprefix("override-reason: ") for line in reason_lines) == REASON
    assert seg.unoverridden_blocking(po.find(SOURCE), "de") == []
    seg.require_complete(po)  # publishable: the reviewer said why


def test_a_right_translation_needs_no_override_and_records_none() -> None:
    po = catalog((SOURCE, RIGHT))
    _, after = approve(po, SOURCE, override=REASON)
    assert after.state == "approved" and after.override is None
    assert "override" not in po.find(SOURCE).tcomment


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("", "at least 10 characters"),
        ("   ok \n  ", "at least 10 characters"),
        ("x" * (OVERRIDE_REASON_MAX + 1), "longer than 500"),
        ("typo in \ud800 source", "lone surrogate"),
        (47, "as text"),
    ],
)
def test_an_override_needs_a_real_reason(reason, words: str) -> None:
    po = catalog((SOURCE, WRONG))
    with pytest.raises(seg.InvalidTranslationError, match=words):
        approve(po, SOURCE, override=reason)
    assert entry_state(po.find(SOURCE)) == State.TRANSLATED


def test_errors_that_are_not_blocking_cannot_be_overridden() -> None:
    po = catalog((CODE, "Führen Sie `translate-app kompilieren` 2025 aus."))
    with pytest.raises(seg.BlockingChecksError) as caught:
        approve(po, CODE, override=REASON)
    checks = {c["id"]: c["blocking"] for c in caught.value.checks}
    assert checks == {"code": False, "numbers": True}
    assert "cannot be overridden" in str(caught.value)
    assert entry_state(po.find(CODE)) == State.TRANSLATED


def test_the_override_goes_when_the_text_changes() -> None:
    po = catalog((SOURCE, WRONG))
    approve(po, SOURCE, override=REASON)
    e = po.find(SOURCE)
    seg.save(po, entry_id(e), RIGHT, version=entry_version(e), by="alice")
    assert "override" not in e.tcomment
    _, after = approve(po, SOURCE)
    assert after.override is None


def test_an_override_is_bound_to_the_approved_text() -> None:
    """Edited outside the service: neither the approval nor the override holds."""
    po = catalog((SOURCE, WRONG))
    approve(po, SOURCE, override=REASON)
    e = po.find(SOURCE)
    e.msgstr = "46 Kriegsdienstverweigerer wurden 2026 festgenommen."
    assert entry_state(e) == State.TRANSLATED and entry_override(e) is None
    # A hand-made approval of the new text does not inherit the old override.
    set_approved(e, by="mallory")
    assert entry_override(e) is None
    assert [r.id for r in seg.unoverridden_blocking(e, "de")] == ["numbers"]
    with pytest.raises(NotApprovedError, match="blocking check without an override"):
        seg.require_complete(po)


def test_apply_edit_carries_the_override_and_the_blocking_checks() -> None:
    po = catalog((SOURCE, WRONG))
    e = po.find(SOURCE)
    edit = Edit(kind="approve", segment=entry_id(e), version=entry_version(e), by="bob", self_review=False)
    outcome = seg.apply_edit(po, edit, language="de")
    assert outcome.error == seg.BlockingChecksError.code and outcome.blocking[0]["id"] == "numbers"
    with pytest.raises(seg.BlockingChecksError) as caught:
        seg.edit_outcome(outcome, "de")
    assert caught.value.checks == list(outcome.blocking)
    outcome = seg.apply_edit(po, replace(edit, override=REASON), language="de")
    before, after = seg.edit_outcome(outcome, "de")
    assert after.override == {"checks": ["numbers"], "by": "bob", "reason": REASON}
    assert [c["id"] for c in after.checks] == ["numbers"]  # the check still shows, with the override beside it


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext's msgmerge is not installed")
def test_the_override_survives_msgmerge(tmp_path: Path) -> None:
    po = catalog((SOURCE, WRONG), ("Background", "Hintergrund"))
    e = po.find(SOURCE)
    long_name = "reviewer.with.a.rather.long.login.name@example.org"
    reason = REASON + " See https://teismai.lt/en/rulings/2026/e-2024-0481-01/decision-of-the-regional-court.pdf"
    seg.approve(po, entry_id(e), version=entry_version(e), by=long_name, language="de", override=reason)
    before = entry_override(e)
    assert before.by == long_name and before.reason == reason
    path, pot = tmp_path / "de.po", tmp_path / "t.pot"
    storage.save(po, path)  # written as the service writes: polib wraps lines longer than 79 columns
    assert all(len(line) <= 79 for line in path.read_text().splitlines() if "override-reason" in line)
    template = polib.POFile()
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for source in ("Background", SOURCE, "A new paragraph."):
        template.append(polib.POEntry(msgid=source))
    template.save(str(pot))
    subprocess.run(["msgmerge", "--quiet", "--update", "--backup=none", str(path), str(pot)], check=True)
    merged = cat.load(path)
    assert entry_state(merged.find(SOURCE)) == State.APPROVED
    assert entry_override(merged.find(SOURCE)) == before
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compile_check_and_status_report_unoverridden_blocking_checks(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_project)
    release = "kuzmin-2026-03-30"
    path = Project(sample_project).catalog_path(release, "de")
    dated = next(e.msgid for e in cat.load(path) if "2026" in e.msgid and "`" not in e.msgid)
    with storage.edit(path) as po:
        e = po.find(dated)
        set_translated(e, dated.replace("2026", "2025"), by="alice")
        set_approved(e, by="bob")  # as a hand edit or an older service would
    result = run("compile", "--check")
    assert result.exit_code == 1
    assert "fails blocking check numbers without an override" in result.stderr
    assert f"locales/de/LC_MESSAGES/{release}.po:" in result.stderr
    result = run("status", release)
    assert result.exit_code == 1
    assert "approved despite a blocking check, without an override" in result.stderr
    assert "1 approved segment(s) fail a blocking check without an override" in result.stderr

    with storage.edit(path) as po:
        e = po.find(dated)
        seg.approve(po, entry_id(e), version=entry_version(e), by="bob", language="de", override=REASON)
    result = run("compile", "--check")
    assert (result.exit_code, result.stdout.strip()) == (0, "catalogs OK"), result.output
    assert run("status", release).exit_code == 0
