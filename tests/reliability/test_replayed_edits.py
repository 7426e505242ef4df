"""A save stored just before a crash, sent again by its client, is answered as a success, not as a conflict.

The client's first request was cut off (the worker was killed after the
catalog write); it retries with the version it had. The entry holds exactly
its text, saved by the same person: that is its own save, not "someone
else's". The same for an approval made by the same reviewer.
"""

from __future__ import annotations

from dataclasses import replace

import polib
import pytest
from sqlalchemy import delete, select

from translate_app.core import segments as seg
from translate_app.core.catalog import entry_version
from translate_app.core.edits import Edit, Outcome
from translate_app.core.errors import StaleVersionError
from translate_app.models import AuditLog


def _catalog() -> polib.POFile:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Stop the deportation", msgstr=""))
    return po


def test_a_resent_save_of_the_same_text_by_the_same_person_is_a_success() -> None:
    po = _catalog()
    sid = seg.views(po)[0].id
    first = seg.views(po)[0].version
    _, stored = seg.save(po, sid, "Stoppt die Abschiebung", version=first, by="anna")
    before, again = seg.save(po, sid, "Stoppt die Abschiebung", version=first, by="anna")
    assert again.version == stored.version == before.version  # nothing changed, nothing to log
    assert again.translation == "Stoppt die Abschiebung" and again.translated_by == "anna"


@pytest.mark.parametrize("text, by", [("Stoppt die Abschiebung!", "anna"), ("Stoppt die Abschiebung", "ben")])
def test_a_stale_save_of_other_text_or_by_someone_else_is_still_a_conflict(text: str, by: str) -> None:
    po = _catalog()
    sid = seg.views(po)[0].id
    first = seg.views(po)[0].version
    seg.save(po, sid, "Stoppt die Abschiebung", version=first, by="anna")
    with pytest.raises(StaleVersionError):
        seg.save(po, sid, text, version=first, by=by)
    with pytest.raises(StaleVersionError):  # the early check before queueing agrees
        seg.require_current(po, sid, first, by=by, text=text)
    seg.require_current(po, sid, first, by="anna", text="Stoppt die Abschiebung")


def test_a_resent_approval_by_the_same_reviewer_is_a_success_and_by_another_a_conflict() -> None:
    po = _catalog()
    sid = seg.views(po)[0].id
    _, saved = seg.save(po, sid, "Stoppt die Abschiebung", version=seg.views(po)[0].version, by="anna")
    _, approved = seg.approve(po, sid, version=saved.version, by="rita")
    _, again = seg.approve(po, sid, version=saved.version, by="rita")
    assert again.version == approved.version and again.state == "approved" and again.approved_by == "rita"
    with pytest.raises(StaleVersionError):
        seg.approve(po, sid, version=saved.version, by="rolf")


def test_a_resent_save_through_a_queued_edit_of_a_translator_is_a_success() -> None:
    """apply_edit with propose (a translator's save) lets the resent save through as well."""
    po = _catalog()
    sid = seg.views(po)[0].id
    first = seg.views(po)[0].version
    edit = Edit(kind="save", segment=sid, text="Stoppt die Abschiebung", version=first, by="anna", propose=True)
    assert seg.apply_edit(po, edit).ok
    outcome = seg.apply_edit(po, edit)
    assert outcome.ok, outcome
    assert outcome.after.version == entry_version(po[0])


def _token(app, name: str) -> dict[str, str]:
    from translate_app import accounts
    from translate_app.models import User
    from translate_app.web.extensions import Database

    with Database.factory(app)() as session:
        token = accounts.create_token(session, session.scalar(select(User).where(User.name == name)))
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_retry_after_a_lost_answer_gets_200_and_the_save_its_audit_row(app) -> None:
    """The first answer never arrived and its audit row was lost with the process: the retry brings both."""
    from translate_app.web.extensions import Database

    headers = _token(app, "tr_de")
    client = app.test_client()
    segment = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()[0]
    url = f"/api/releases/appeal/de/segments/{segment['id']}"
    body = {"translation": "Stoppt die Abschiebung", "version": segment["version"]}
    first = client.put(url, headers=headers, json=body)
    assert first.status_code == 200
    with Database.factory(app)() as session:  # as if the process died before the outbox write
        session.execute(delete(AuditLog))
        session.commit()
    retry = client.put(url, headers=headers, json=body)
    assert retry.status_code == 200, retry.get_json()
    assert retry.get_json()["version"] == first.get_json()["version"]
    assert retry.get_json()["translation"] == "Stoppt die Abschiebung"
    third = client.put(url, headers=headers, json=body)  # logged once, however often it is sent again
    assert third.status_code == 200
    with Database.factory(app)() as session:
        rows = session.execute(select(AuditLog.action, AuditLog.new_text, AuditLog.old_text)).all()
    assert rows == [("save", "Stoppt die Abschiebung", "")]
    other = client.put(url, headers=_token(app, "rev_de"), json=body)  # someone else's stale save: a conflict
    assert other.status_code == 409
    assert other.get_json()["current"]["translation"] == "Stoppt die Abschiebung"


def test_a_resent_approval_through_the_api_is_a_success(app) -> None:
    translator, reviewer = _token(app, "tr_de"), _token(app, "rev_de")
    client = app.test_client()
    segment = client.get("/api/releases/appeal/de/segments", headers=translator).get_json()[0]
    url = f"/api/releases/appeal/de/segments/{segment['id']}"
    saved = client.put(
        url, headers=translator, json={"translation": "Stoppt die Abschiebung", "version": segment["version"]}
    ).get_json()
    first = client.post(url + "/approve", headers=reviewer, json={"version": saved["version"]})
    assert first.status_code == 200
    again = client.post(url + "/approve", headers=reviewer, json={"version": saved["version"]})
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["state"] == "approved"
    other = client.post(url + "/approve", headers=_token(app, "rev2_de"), json={"version": saved["version"]})
    assert other.status_code == 409


def test_when_the_audit_lookup_fails_the_retry_is_still_logged(app, monkeypatch) -> None:
    """The database fails the look-up of a re-applied save's row: it is logged anyway (at least once)."""
    from translate_app import workflow
    from translate_app.web.extensions import Database

    headers = _token(app, "tr_de")
    client = app.test_client()
    segment = client.get("/api/releases/appeal/de/segments", headers=headers).get_json()[0]
    url = f"/api/releases/appeal/de/segments/{segment['id']}"
    body = {"translation": "Stoppt die Abschiebung", "version": segment["version"]}
    assert client.put(url, headers=headers, json=body).status_code == 200
    with Database.factory(app)() as session:
        session.execute(delete(AuditLog))
        session.commit()

    def refuse(*args, **kwargs):
        raise RuntimeError("connection terminated (test)")

    monkeypatch.setattr(workflow, "_unlogged_replays", refuse)
    assert client.put(url, headers=headers, json=body).status_code == 200
    with Database.factory(app)() as session:
        rows = session.execute(select(AuditLog.action, AuditLog.new_text)).all()
    assert rows == [("save", "Stoppt die Abschiebung")]


def test_a_retry_in_the_same_batch_as_its_first_request_is_logged_once(app) -> None:
    """A client's retry joined its first request (still waiting for the lock) in one batch: one audit row."""
    from translate_app import workflow
    from translate_app.models import User
    from translate_app.web.extensions import Database

    engine = app.extensions["translate_app.engine"]
    with Database.factory(app)() as session:
        user_id = session.scalar(select(User.id).where(User.name == "tr_de"))
    before = seg.SegmentView(
        id="s1", source="Stop the deportation", translation="", state="untranslated", version="v0", checks=[]
    )
    after = replace(before, translation="Stoppt die Abschiebung", state="translated", version="v1")
    first = Edit(
        kind="save", segment="s1", version="v0", text=after.translation, by="tr_de", user_id=user_id, key="k-first"
    )
    retry = replace(first, key="k-retry")
    again = replace(first, key="k-again")
    workflow._audit_batch(
        engine,
        None,
        "appeal",
        "de",
        [
            (first, Outcome(before=before, after=after)),
            (retry, Outcome(before=after, after=after)),
            (again, Outcome(before=after, after=after)),
        ],
    )
    with Database.factory(app)() as session:
        rows = session.execute(select(AuditLog.edit_key, AuditLog.old_text, AuditLog.new_text)).all()
    assert rows == [("k-first", "", "Stoppt die Abschiebung")]
