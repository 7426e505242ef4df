"""Rules that used to live in views, exercised on the domain without Flask: people, pre-translation, uploads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from translate_app import accounts, workflow
from translate_app.config import Settings
from translate_app.core.errors import PermissionDeniedError, SourceError
from translate_app.db import make_engine, make_session_factory, upgrade
from translate_app.models import Job, User
from translate_app.mt.errors import JobError
from translate_app.mt.jobs import job_progress, start_pretranslation, wait_for_job
from translate_app.web import uploads

RELEASE = "kuzmin-2026-03-30"


@pytest.fixture
def sessions(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'rules.sqlite3'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


@pytest.fixture
def people(sessions) -> dict[str, User]:
    with sessions() as session:
        found = {
            "coord": accounts.create_user(session, name="coord", role="coordinator", languages=[], password=None),
            "other": accounts.create_user(session, name="other", role="coordinator", languages=[], password=None),
            "rev": accounts.create_user(session, name="rev", role="reviewer", languages=["de"], password=None),
            "tr": accounts.create_user(session, name="tr", role="translator", languages=["de"], password=None),
        }
        session.commit()
        return found


# -- people -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "active"), [("reviewer", True), ("translator", True), ("coordinator", False)])
def test_a_coordinator_cannot_demote_or_deactivate_themselves(sessions, people, role: str, active: bool) -> None:
    with sessions() as session:
        me = session.get(User, people["coord"].id)
        with pytest.raises(accounts.AccountError, match="cannot remove your own coordinator access"):
            accounts.change_person(me, by=me, role=role, active=active, languages=["fr"], display_name="Me")
        assert (me.role, me.active, me.languages, me.display_name) == ("coordinator", True, [], None)  # unchanged


def test_a_coordinator_changes_another_coordinator_and_themselves_otherwise(sessions, people) -> None:
    with sessions() as session:
        me, other = session.get(User, people["coord"].id), session.get(User, people["other"].id)
        accounts.change_person(
            other, by=me, role="reviewer", active=False, languages=["de", "uk"], display_name="  Olena   S. "
        )
        accounts.change_person(me, by=me, role="coordinator", active=True, languages=["lt"], display_name="Me")
        session.commit()
        assert (other.role, other.active, other.languages, other.display_name) == (
            "reviewer",
            False,
            ["de", "uk"],
            "Olena S.",
        )
        assert (me.role, me.languages, me.display_name) == ("coordinator", ["lt"], "Me")


def test_a_change_with_a_bad_value_changes_nothing(sessions, people) -> None:
    with sessions() as session:
        me, tr = session.get(User, people["coord"].id), session.get(User, people["tr"].id)
        with pytest.raises(accounts.AccountError, match="display name has at most"):
            accounts.change_person(
                tr,
                by=me,
                role="reviewer",
                active=True,
                languages=["fr"],
                display_name="x" * (accounts.MAX_DISPLAY_NAME + 1),
            )
        with pytest.raises(accounts.AccountError, match="unknown role"):
            accounts.change_person(tr, by=me, role="admin", active=True, languages=["fr"], display_name=None)
        assert (tr.role, tr.languages) == ("translator", ["de"])


# -- pre-translation ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rev", "tr"])
def test_only_coordinators_start_pre_translation(
    sample_project: Path, sessions, people, who: str, tmp_path: Path
) -> None:
    settings = Settings(root=sample_project, database_url=f"sqlite:///{tmp_path / 'rules.sqlite3'}")
    with pytest.raises(PermissionDeniedError, match="only coordinators start pre-translation"):
        start_pretranslation(
            settings=settings,
            session_factory=sessions,
            release=RELEASE,
            languages=["de"],
            provider="memory",
            by=people[who],
        )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0  # refused before anything is made


def test_a_job_is_seen_by_coordinators_and_whoever_started_it(
    sample_project: Path, sessions, people, tmp_path: Path
) -> None:
    settings = Settings(root=sample_project, database_url=f"sqlite:///{tmp_path / 'rules.sqlite3'}")
    job_id = start_pretranslation(
        settings=settings,
        session_factory=sessions,
        release=RELEASE,
        languages=["de"],
        provider="memory",
        by=people["coord"],
    )
    wait_for_job(sessions, job_id, timeout=30)
    with sessions() as session:
        assert job_progress(session, job_id, viewer=people["coord"])["created_by_id"] == people["coord"].id
        assert job_progress(session, job_id, viewer=people["other"])["status"] == "done"
        assert job_progress(session, job_id)["id"] == job_id  # the command line
        with pytest.raises(PermissionDeniedError, match="only coordinators and the person who started"):
            job_progress(session, job_id, viewer=people["rev"])
        with pytest.raises(JobError):
            job_progress(session, job_id + 1, viewer=people["coord"])


def test_require_coordinator_refuses_a_deactivated_coordinator(people) -> None:
    workflow.require_coordinator(people["coord"], "publish")
    people["other"].active = False
    with pytest.raises(PermissionDeniedError, match="only coordinators publish"):
        workflow.require_coordinator(people["other"], "publish")
    with pytest.raises(PermissionDeniedError):
        workflow.require_coordinator(people["rev"], "publish")


# -- uploads --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "error"),
    [
        ("bad\x07name.md", b"# Title\n", "control character"),
        (".md", b"# Title\n", "choose a Markdown file with a name"),
        (".hidden.md", b"# Title\n", "choose a Markdown file with a name"),
        ("big.md", b"# Title\n" + b"x" * 200, "big.md: larger than 100 bytes"),
    ],
)
def test_an_upload_is_refused_with_its_reason(filename: str, data: bytes, error: str) -> None:
    with pytest.raises(uploads.UploadError, match=error):
        uploads.checked_source(filename, io.BytesIO(data), max_bytes=100)


def test_an_upload_that_is_not_text_is_refused_by_the_segmenters_check() -> None:
    with pytest.raises(SourceError):
        uploads.checked_source("logo.md", io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), max_bytes=100)


def test_an_accepted_upload_is_kept_as_stem_dot_md(tmp_path: Path) -> None:
    name, data = uploads.checked_source("Statement.markdown", io.BytesIO(b"# Statement\n"), max_bytes=100)
    assert (name, data) == ("Statement.md", b"# Statement\n")
    token = uploads.keep(tmp_path, 7, name, data)
    assert uploads.find(tmp_path, 7, token).read_bytes() == data
    assert uploads.find(tmp_path, 8, token) is None  # one person's token is useless to another


# -- which releases count as registered -------------------------------------------------------------------------


def test_a_release_is_registered_once_it_has_a_catalog(sample_project: Path) -> None:
    project = Settings(root=sample_project).project()
    (sample_project / "source" / "draft.md").write_text("# Draft\n", encoding="utf-8")
    assert workflow.registered_releases(project) == [RELEASE]
    assert workflow.unregistered_sources(project) == ["draft"]
    project.add_release(sample_project / "source" / "draft.md", ["fr"])
    assert workflow.registered_releases(project) == ["draft", RELEASE]
    assert workflow.unregistered_sources(project) == []


def test_visible_releases_follow_the_persons_languages(sample_project: Path, sessions, people) -> None:
    project = Settings(root=sample_project).project()
    with sessions() as session:
        assert [
            (r.name, [p.language for p in r.languages])
            for r in workflow.visible_releases(session, project, people["coord"])
        ] == [(RELEASE, ["de", "he"])]
        assert [
            (r.name, [p.language for p in r.languages])
            for r in workflow.visible_releases(session, project, people["tr"])
        ] == [(RELEASE, ["de"])]
        fr = accounts.create_user(session, name="fr", role="translator", languages=["fr"], password=None)
        assert workflow.visible_releases(session, project, fr) == []


def test_adding_a_release_makes_its_row_and_settings_change_it(sample_project: Path, sessions) -> None:
    from datetime import date

    from translate_app.core.errors import TranslateAppError
    from translate_app.models import Release

    project = Settings(root=sample_project).project()
    (sample_project / "source" / "hearing.md").write_text("# The hearing\n\nIt is postponed.\n", encoding="utf-8")
    with sessions() as session:
        with pytest.raises(TranslateAppError, match="upload a Markdown file or pick one"):
            workflow.add_release(session, project, None, ["de"])
        rel = workflow.add_release(
            session,
            project,
            sample_project / "source" / "hearing.md",
            ["de", "fr"],
            title="  ",
            deadline=date(2026, 12, 4),
        )
        session.commit()
        assert (rel.name, rel.title, rel.deadline) == ("hearing", "The hearing", date(2026, 12, 4))
        assert project.languages("hearing") == ["de", "fr"]
        workflow.change_release(session, project, "hearing", title=" ", deadline=None, self_review=True)
        session.commit()
    with sessions() as session:
        stored = session.scalar(select(Release).where(Release.name == "hearing"))
        assert (stored.title, stored.deadline, stored.self_review) == ("The hearing", None, True)
