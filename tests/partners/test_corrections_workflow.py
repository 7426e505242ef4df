"""Corrections after publication across languages: one list of changes, one decision per change, one republish."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factory import SMALL_RELEASE
from tests.partners.correcting import approve_everything, correct_source, translated
from translate_app import corrections_workflow as cw
from translate_app import notifications, workflow
from translate_app.core.catalog import entry_version
from translate_app.core.corrections import Decision, InvalidDecisionError, InvalidErrataError
from translate_app.core.errors import PermissionDeniedError
from translate_app.core.segments import require_entry
from translate_app.core.states import State, entry_state, review_fields
from translate_app.models import AuditLog, NotificationEvent, Publication, User
from translate_app.project import Project
from translate_app.web.extensions import Database

RELEASE = "appeal"
FIGURE = ("Respect the ruling of 2023.", "Respect the ruling of 2024.")
TYPO = ("call on the **Court** to protect", "call on the **Court** to defend")


@pytest.fixture
def published(app, web_project):
    """Return (project, sessions): the small release approved and published in German, French and Hebrew."""
    project = Project(web_project)
    sessions = Database.factory(app)
    for code in ("de", "fr", "he"):
        approve_everything(project, RELEASE, code)
    with sessions() as session:
        coord = session.scalar(select(User).where(User.name == "coord"))
        for code in ("de", "fr", "he"):
            workflow.publish(session=session, project=project, user=coord, release=RELEASE, language=code)
        tr_de = session.scalar(select(User).where(User.name == "tr_de"))
        notifications.save_preferences(
            session, user=tr_de, email="tr@example.org", webhook_url=None, choices={"source_corrected": "email"}
        )
    return project, sessions


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.name == name))


def _segment(changes, old: str) -> cw.SourceChange:
    return next(c for c in changes if old in c.old_source)


def test_changes_are_listed_once_per_segment_with_their_languages_and_diff(published):
    project, sessions = published
    correct_source(project, RELEASE, FIGURE, TYPO)
    with sessions() as session:
        changes = cw.pending_changes(session, project, RELEASE)
    assert len(changes) == 2 == cw.pending_count(project, RELEASE)
    figure = _segment(changes, "2023")
    assert figure.new_source == "Respect the ruling of 2024."
    assert [i.language for i in figure.languages] == ["de", "fr", "he"]
    assert figure.published == ["de", "fr", "he"] and figure.approved == ["de", "fr", "he"]
    assert [(p.op, p.text) for p in figure.diff if p.op != "equal"] == [("delete", "2023"), ("insert", "2024")]
    typo = _segment(changes, "protect")
    assert changes.index(typo) < changes.index(figure)  # document order
    assert typo.as_api()["languages"][0]["translation"].startswith("The undersigned")


def test_deciding_applies_to_every_language_is_logged_and_tells_the_volunteers(published):
    project, sessions = published
    correct_source(project, RELEASE, FIGURE, TYPO)
    with sessions() as session:
        changes = cw.pending_changes(session, project, RELEASE)
        figure, typo = _segment(changes, "2023"), _segment(changes, "protect")
        report = cw.decide(
            session,
            project,
            _user(session, "coord"),
            RELEASE,
            {typo.segment_id: Decision.WORDING_ONLY, figure.segment_id: Decision.MEANING_CHANGED},
        )
    assert report.decided == {
        code: {typo.segment_id: "approved", figure.segment_id: "needs_review"} for code in ("de", "fr", "he")
    }
    assert not report.failed and cw.pending_count(project, RELEASE) == 0
    po = project.load_catalog(RELEASE, "de")
    kept = next(e for e in po if "defend" in e.msgid)
    assert entry_state(kept) == State.APPROVED and review_fields(kept)["approved"]["by"] == "coord"
    assert kept.msgstr == translated(typo.old_source, "de") and not kept.previous_msgid  # translation kept
    again = po.find("Respect the ruling of 2024.")
    assert entry_state(again) == State.NEEDS_REVIEW and again.previous_msgid == "Respect the ruling of 2023."
    with sessions() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "correct")).all()
        assert len(rows) == 6
        assert {r.note for r in rows} == {
            "source corrected: wording only, translation kept",
            "source corrected: meaning changed",
        }
        told = session.scalars(select(NotificationEvent).where(NotificationEvent.detail.contains("meaning"))).all()
    assert [(e.language, e.user_id, e.segment_id) for e in told] == [("de", _id(sessions, "tr_de"), figure.segment_id)]
    assert "Respect the ruling of 2024." in told[0].detail and "1 segment to review again" in told[0].detail


def _id(sessions, name: str) -> int:
    with sessions() as session:
        return _user(session, name).id


def test_deciding_again_changes_nothing_and_unknown_segments_are_refused(published):
    project, sessions = published
    correct_source(project, RELEASE, TYPO)
    with sessions() as session:
        [typo] = cw.pending_changes(session, project, RELEASE)
        coord = _user(session, "coord")
        cw.decide(session, project, coord, RELEASE, {typo.segment_id: Decision.WORDING_ONLY})
        with pytest.raises(InvalidDecisionError, match="decided already"):
            cw.decide(session, project, coord, RELEASE, {typo.segment_id: Decision.MEANING_CHANGED})
        with pytest.raises(PermissionDeniedError):
            cw.decide(session, project, _user(session, "rev_de"), RELEASE, {typo.segment_id: Decision.WORDING_ONLY})
        with pytest.raises(InvalidDecisionError, match="at least one"):
            cw.decide(session, project, coord, RELEASE, {})


def test_republish_sends_out_the_ready_languages_with_their_errata_note(published):
    project, sessions = published
    correct_source(project, RELEASE, FIGURE, TYPO)
    with sessions() as session:
        changes = cw.pending_changes(session, project, RELEASE)
        figure, typo = _segment(changes, "2023"), _segment(changes, "protect")
        coord = _user(session, "coord")
        cw.decide(
            session,
            project,
            coord,
            RELEASE,
            {typo.segment_id: Decision.WORDING_ONLY, figure.segment_id: Decision.MEANING_CHANGED},
        )
        # German: the translator corrects the figure and a reviewer approves it; French and Hebrew wait.
        segment = figure.segment_id
        tr_de, rev_de = _user(session, "tr_de"), _user(session, "rev_de")
        saved = workflow.save_segment(
            session=session,
            project=project,
            user=tr_de,
            release=RELEASE,
            language="de",
            segment_id=segment,
            text="Respektiert das Urteil von 2024.",
            version=entry_version(require_entry(project.load_catalog(RELEASE, "de"), segment)),
        )
        workflow.approve_segment(
            session=session,
            project=project,
            user=rev_de,
            release=RELEASE,
            language="de",
            segment_id=segment,
            version=saved.version,
        )
        ready = {r.language: r for r in cw.readiness(session, project, RELEASE)}
        assert ready["de"].ready and not ready["fr"].ready and "1 of" in ready["fr"].why
        with pytest.raises(InvalidErrataError):
            cw.republish(session, project, coord, RELEASE, notes={"de": "x" * 3000})
        report = cw.republish(
            session,
            project,
            coord,
            RELEASE,
            notes={"de": "Die Jahreszahl des Urteils war falsch: 2024, nicht 2023. <script>alert(1)</script>"},
        )
        assert report.published == ["de"] and set(report.skipped) == {"fr", "he"}
        pub = workflow.latest_publication(session, RELEASE, "de")
        assert pub is not None and pub.errata.startswith("Die Jahreszahl")
        assert "Respektiert das Urteil von 2024." in pub.html and "Respektiert das Urteil von 2024." in pub.markdown
        assert "<strong>Correction (" in pub.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in pub.html
        assert "<script>alert" not in pub.html
        assert workflow.publication_state(session, project, RELEASE, "de") == "current"  # the note is no change
        assert session.scalar(select(Publication).where(Publication.language == "fr")).errata is None
        again = cw.republish(session, project, coord, RELEASE)
        assert again.published == [] and again.skipped["de"] == "the publication is up to date"


def test_the_new_source_reaches_a_language_added_after_the_source_was_published(tmp_path):
    from tests.factory import make_project

    root = make_project(tmp_path / "p", source=SMALL_RELEASE, languages=["de"])
    project = Project(root)
    approve_everything(project, RELEASE, "de")
    correct_source(project, RELEASE, FIGURE)
    assert cw.pending_count(project, RELEASE) == 1


def test_the_command_lists_and_decides(published, monkeypatch, database_url, web_project):
    from click.testing import CliRunner

    from translate_app.cli import main

    project, sessions = published
    correct_source(project, RELEASE, FIGURE, TYPO)
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(web_project))
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", database_url)
    runner = CliRunner()
    listed = runner.invoke(main, ["corrections", RELEASE])
    assert listed.exit_code == 1
    assert "Respect the ruling of [-2023-]{+2024+}." in listed.output and "3 language(s), 3 published" in listed.output
    with sessions() as session:
        typo = _segment(cw.pending_changes(session, project, RELEASE), "protect").segment_id
    assert runner.invoke(main, ["corrections", RELEASE, "--wording", typo]).exit_code == 2  # who decides?
    refused = runner.invoke(main, ["corrections", RELEASE, "--wording", typo, "--as", "rev_de"])
    assert refused.exit_code == 1 and "only coordinators" in refused.output
    decided = runner.invoke(main, ["corrections", RELEASE, "--wording", typo, "--as", "coord"])
    assert f"de: {typo} approved" in decided.output and "1 source change(s) wait" in decided.output
    assert cw.pending_count(project, RELEASE) == 1
