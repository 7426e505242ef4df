"""The embargo's domain: times and zones, who sees a release, publishing, the job, machine translation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.factory import Person, add_people, make_project, sqlite_url
from tests.libretranslate_server import FakeLibreTranslate
from translate_app import embargo, workflow
from translate_app.config import Settings
from translate_app.core.errors import PermissionDeniedError, UnknownReleaseError
from translate_app.core.states import set_approved, set_translated
from translate_app.db import make_engine, make_session_factory, upgrade
from translate_app.models import Job, NotificationEvent, NotificationSettings, Publication, User
from translate_app.project import Project
from translate_app.storage import edit as edit_catalog

NOW = datetime(2026, 12, 1, 4, 55, tzinfo=UTC)
PEOPLE = (
    Person("coord", "coordinator"),
    Person("tr_de", "translator", ("de",)),
    Person("guest_de", "translator", ("de",)),
    Person("rev_de", "reviewer", ("de",)),
)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    """Every test starts at NOW, and the real clock comes back after it."""
    embargo.clock.set(NOW)
    yield
    embargo.clock.set(None)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", languages=["de", "fr", "he"])


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    url = sqlite_url(tmp_path)
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    add_people(factory, PEOPLE)
    return factory


def person(session: Session, name: str) -> User:
    return session.scalars(select(User).where(User.name == name)).one()


def approve_all(root: Path, language: str) -> None:
    with edit_catalog(root / f"locales/{language}/LC_MESSAGES/appeal.po") as po:
        for entry in po:
            if entry.msgid:
                set_translated(entry, f"[{language}] {entry.msgid}", by="tr")
                set_approved(entry, by="rev")


def put_under_embargo(session: Session, root: Path, hours: float = 27) -> embargo.Embargo:
    found = embargo.set_embargo(
        session, Project(root), "appeal", at=NOW + timedelta(hours=hours), zone="Europe/Berlin", by=None
    )
    session.commit()
    return found


# -- times ---------------------------------------------------------------------------------------------


def test_a_local_time_in_a_zone_is_stored_in_utc_and_shown_in_its_zone() -> None:
    at = embargo.parse_local("2026-12-02 09:00", "Europe/Berlin")
    assert at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    shown = embargo.Embargo("appeal", at, "Europe/Berlin")
    assert shown.describe(NOW) == "Embargoed until 2 December 2026, 09:00 Europe/Berlin (in 1 day 3 hours)"
    assert (
        shown.describe(at + timedelta(minutes=5))
        == "Embargo ended 2 December 2026, 09:00 Europe/Berlin (5 minutes ago)"
    )
    assert embargo.Embargo("x", at, "America/New_York").when() == "2 December 2026, 03:00 America/New_York"


@pytest.mark.parametrize(
    ("text", "zone", "message"),
    [
        ("2026-12-02 09:00", "Mars/Olympus", "unknown time zone"),
        ("tomorrow", "UTC", "YYYY-MM-DD HH:MM"),
        ("2026-12-02T09:00+01:00", "UTC", "without an offset"),
    ],
)
def test_unreadable_times_and_zones_are_refused(text: str, zone: str, message: str) -> None:
    with pytest.raises(embargo.EmbargoError, match=message):
        embargo.parse_local(text, zone)


def test_an_embargo_in_the_past_is_refused_and_only_coordinators_set_one(sessions, root) -> None:
    with sessions() as session:
        with pytest.raises(embargo.EmbargoError, match="in the past"):
            embargo.set_embargo(session, Project(root), "appeal", at=NOW - timedelta(minutes=1), zone="UTC", by=None)
        with pytest.raises(PermissionDeniedError):
            embargo.set_embargo(
                session, Project(root), "appeal", at=NOW + timedelta(days=1), zone="UTC", by=person(session, "tr_de")
            )
    assert "Europe/Berlin" in embargo.zone_names() and embargo.zone_names()[0] == "UTC"


# -- who sees it ------------------------------------------------------------------------------------------


def test_only_coordinators_and_invited_people_see_an_embargoed_release(sessions, root) -> None:
    project = Project(root)
    with sessions() as session:
        put_under_embargo(session, root)
        embargo.invite(session, project, "appeal", "guest_de", by=person(session, "coord"))
        session.commit()
        names = {
            who: [r.name for r in workflow.visible_releases(session, project, person(session, who))]
            for who in ("coord", "tr_de", "guest_de")
        }
        assert names == {"coord": ["appeal"], "tr_de": [], "guest_de": ["appeal"]}
        with pytest.raises(UnknownReleaseError, match="no release 'appeal'"):
            embargo.require_visible(session, person(session, "tr_de"), "appeal")
        embargo.require_visible(session, person(session, "guest_de"), "appeal")
        # Notifications about it reach only those who may see it.
        ids = {person(session, n).id: n for n in ("coord", "tr_de", "guest_de")}
        assert {ids[i] for i in embargo.visible_recipients(session, "appeal", ids)} == {"coord", "guest_de"}
        # Taken back: hidden again. At the embargo time: everyone of its languages sees it.
        embargo.uninvite(session, "appeal", person(session, "guest_de").id, by=None)
        session.commit()
        assert not embargo.may_see(session, person(session, "guest_de"), "appeal")
        assert embargo.may_see(session, person(session, "tr_de"), "appeal", now=NOW + timedelta(hours=27))
        embargo.clock.set(NOW + timedelta(hours=27))
        assert [r.name for r in workflow.visible_releases(session, project, person(session, "tr_de"))] == ["appeal"]


def test_notifications_about_an_embargoed_release_skip_the_uninvited(sessions, root) -> None:
    from translate_app import notifications

    with sessions() as session:
        put_under_embargo(session, root)
        for name in ("tr_de", "coord"):
            session.add(
                NotificationSettings(
                    user_id=person(session, name).id, email=f"{name}@example.org", choices='{"new_release": "email"}'
                )
            )
        session.commit()
        notifications.release_added(session, "appeal", ["de"])
        told = {e.user_id for e in session.scalars(select(NotificationEvent))}
        assert told == {person(session, "coord").id}


# -- publishing -----------------------------------------------------------------------------------------------


def test_publishing_before_the_embargo_is_refused_even_for_coordinators(sessions, root) -> None:
    approve_all(root, "de")
    with sessions() as session:
        put_under_embargo(session, root)
        with pytest.raises(embargo.EmbargoedError, match="under embargo until 2 December 2026, 08:55 Europe/Berlin"):
            workflow.publish(
                session=session, project=Project(root), user=person(session, "coord"), release="appeal", language="de"
            )
        assert session.scalars(select(Publication)).all() == []


def test_the_job_publishes_every_approved_language_at_the_embargo_time_and_later_ones_when_approved(
    sessions, root
) -> None:
    project = Project(root)
    approve_all(root, "de")
    approve_all(root, "he")
    with sessions() as session:
        put_under_embargo(session, root, hours=2)
        session.add(
            NotificationSettings(
                user_id=person(session, "coord").id, email="c@example.org", choices='{"embargo_published": "email"}'
            )
        )
        session.commit()

    before = embargo.run_due(sessions, project)  # an hour early: nothing goes out
    embargo.clock.advance(timedelta(hours=1, minutes=59))
    assert embargo.run_due(sessions, project).published == {} == before.published

    embargo.clock.advance(timedelta(minutes=1))  # the embargo time
    report = embargo.run_due(sessions, project)
    assert report.published == {"appeal": ["de", "he"]}
    assert report.waiting == {"appeal": ["fr"]}
    with sessions() as session:
        pubs = session.scalars(select(Publication).order_by(Publication.language)).all()
        assert [(p.language, p.user_id) for p in pubs] == [("de", None), ("he", None)]
        assert "[de] " in pubs[0].markdown
        [event] = session.scalars(select(NotificationEvent)).all()
        assert event.event == "embargo_published" and event.user_id == person(session, "coord").id
        assert event.detail == "published at the embargo time: de, he; published when approved: fr"

    assert embargo.run_due(sessions, project).published == {}  # nothing twice
    approve_all(root, "fr")
    embargo.clock.advance(timedelta(minutes=1))
    assert embargo.run_due(sessions, project).published == {"appeal": ["fr"]}
    with sessions() as session:
        assert sorted(session.scalars(select(Publication.language))) == ["de", "fr", "he"]
        assert len(session.scalars(select(NotificationEvent)).all()) == 2


def test_only_one_process_runs_the_job_at_a_time(tmp_path: Path) -> None:
    with embargo.exclusive(tmp_path) as first, embargo.exclusive(tmp_path) as second:
        assert (first, second) == (True, False)
    with embargo.exclusive(tmp_path) as again:
        assert again


def test_the_worker_thread_publishes_with_nobody_logged_in(sessions, root, tmp_path: Path) -> None:
    approve_all(root, "de")
    with sessions() as session:
        put_under_embargo(session, root, hours=1)
    settings = Settings(root=root, instance_path=tmp_path / "instance")
    worker = embargo.EmbargoWorker(settings, sessions, tick=0.05)
    assert worker.run_once().published == {}
    embargo.clock.advance(timedelta(hours=1))
    worker.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while datetime.now(UTC) < deadline:
            with sessions() as session:
                if session.scalars(select(Publication)).first() is not None:
                    break
        with sessions() as session:
            assert [p.language for p in session.scalars(select(Publication))] == ["de"]
    finally:
        worker.stop()


# -- preview links ----------------------------------------------------------------------------------------------


def test_preview_links_are_stored_hashed_expire_and_can_be_revoked(sessions, root) -> None:
    project = Project(root)
    with sessions() as session:
        link, token = embargo.create_preview(session, project, "appeal", language="de", by=None)
        session.commit()
        assert token.startswith("pv_") and token not in link.token_hash and len(token) > 40
        assert embargo.find_preview(session, token).id == link.id
        assert embargo.find_preview(session, token, now=NOW + timedelta(hours=47, minutes=59)).id == link.id
        with pytest.raises(embargo.PreviewClosedError, match="expired"):
            embargo.find_preview(session, token, now=NOW + timedelta(hours=48))
        with pytest.raises(embargo.PreviewClosedError, match="not valid"):
            embargo.find_preview(session, token[:-1])
        embargo.revoke_preview(session, "appeal", link.id, by=None)
        session.commit()
        with pytest.raises(embargo.PreviewClosedError, match="revoked"):
            embargo.find_preview(session, token)
        with pytest.raises(embargo.EmbargoError, match="appeal has no language it"):
            embargo.create_preview(session, project, "appeal", language="it", by=None)


# -- machine translation ------------------------------------------------------------------------------------------


def test_an_embargoed_release_is_pretranslated_by_the_private_server_and_refused_for_a_public_provider(
    sessions, root, tmp_path: Path
) -> None:
    from translate_app.mt.jobs import start_pretranslation, wait_for_job

    with sessions() as session:
        put_under_embargo(session, root)
    with FakeLibreTranslate() as libre:
        settings = Settings(
            root=root,
            database_url=sqlite_url(tmp_path),
            mt_tuning={"backoff": 0.01, "timeout": (1.0, 1.0)},
            mt_public_services=True,
            options={"LIBRETRANSLATE_URL": libre.url, "DEEPL_API_KEY": "test-key"},
        )
        for public in ("deepl", "google", "mymemory"):
            with pytest.raises(PermissionDeniedError, match="under embargo .* only to a private provider"):
                start_pretranslation(
                    settings=settings, session_factory=sessions, release="appeal", languages=["de"], provider=public
                )
        with sessions() as session:
            assert session.scalars(select(Job)).all() == []  # nothing queued, nothing sent
        assert libre.requests == 0
        job_id = start_pretranslation(
            settings=settings, session_factory=sessions, release="appeal", languages=["de"], provider="libretranslate"
        )
        state = wait_for_job(sessions, job_id, timeout=30)
        assert state["status"] == "done", state
        assert libre.requests > 0
    po = Project(root).load_catalog("appeal", "de")
    assert any("_de" in e.msgstr for e in po if e.msgid)


def test_providers_declare_whether_they_are_private() -> None:
    from translate_app.mt.base import REGISTRY, provider_ids

    provider_ids()
    assert {pid: cls.private for pid, cls in REGISTRY.items()} == {
        "memory": True,
        "libretranslate": True,
        "deepl": False,
        "google": False,
        "microsoft": False,
        "mymemory": False,
    }


def test_a_job_queued_before_the_embargo_does_not_send_the_text_after_it(sessions, root, tmp_path: Path) -> None:
    from translate_app.mt.jobs import run_job

    with FakeLibreTranslate() as libre:
        settings = Settings(
            root=root,
            database_url=sqlite_url(tmp_path),
            options={"LIBRETRANSLATE_URL": libre.url, "DEEPL_API_KEY": "k"},
        )
        with sessions() as session:
            session.add(Job(kind="pretranslate", release="appeal", languages="de", provider="deepl", status="queued"))
            session.commit()
            put_under_embargo(session, root)
            job_id = session.scalars(select(Job.id)).one()
        assert run_job(job_id, settings=settings, session_factory=sessions) is None
        with sessions() as session:
            job = session.get(Job, job_id)
            assert job.status == "failed" and "only to a private provider" in job.error


def test_the_memory_takes_nothing_from_another_release_under_embargo(sessions, root, tmp_path: Path) -> None:
    """Pre-translating a public release from the memory must not copy an embargoed release's approved text."""
    from translate_app.mt.jobs import start_pretranslation, wait_for_job

    project = Project(root)
    other = tmp_path / "open.md"
    other.write_text(project.source_path("appeal").read_text(encoding="utf-8"), encoding="utf-8")
    project.add_release(other, ["de"])
    approve_all(root, "de")  # the embargoed release's German is approved: it is in the memory
    settings = Settings(root=root, database_url=sqlite_url(tmp_path))

    def pretranslate_open() -> list[str]:
        job_id = start_pretranslation(
            settings=settings, session_factory=sessions, release="open", languages=["de"], provider="memory"
        )
        assert wait_for_job(sessions, job_id, timeout=30)["status"] == "done"
        return [e.msgstr for e in project.load_catalog("open", "de") if e.msgid and e.msgstr]

    with sessions() as session:
        put_under_embargo(session, root)
    assert pretranslate_open() == []  # nothing of "appeal" left it
    with sessions() as session:
        embargo.clear_embargo(session, project, "appeal", by=None)
        session.commit()
    filled = pretranslate_open()
    assert filled and all(text.startswith("[de] ") for text in filled)  # after the embargo, the memory serves it
