"""Jobs: a Job row with progress, run in a thread or by an RQ worker on the real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.libretranslate_server import FakeLibreTranslate
from tests.mt.conftest import RELEASE
from translate_app.config import Settings
from translate_app.core.errors import TranslateAppError, UnknownReleaseError
from translate_app.core.states import State, entry_state
from translate_app.models import Job
from translate_app.mt.errors import JobError, UnknownProviderError, UnsupportedLanguageError
from translate_app.mt.jobs import (
    job_progress,
    latest_job,
    provider_ids,
    resume_pretranslation,
    start_pretranslation,
    wait_for_job,
)
from translate_app.project import Project

REDIS_URL = "redis://127.0.0.1:6379/0"
CHECKOUT = Path(__file__).resolve().parents[2]
KEYS = {
    "id",
    "status",
    "total",
    "done",
    "no_match",
    "failed",
    "requests",
    "error",
    "eta_seconds",
    "release",
    "languages",
    "provider",
    "created_by_id",
    "finished_at",
}


def machine_count(project: Project, language: str) -> int:
    """Count the machine suggestions of one catalog of the sample release."""
    return sum(entry_state(e) == State.MACHINE for e in project.load_catalog(RELEASE, language) if e.msgid)


def test_a_job_runs_in_a_thread_and_records_its_progress(
    settings: Settings, session_factory, project: Project, libre: FakeLibreTranslate
) -> None:
    job_id = start_pretranslation(
        settings=settings,
        session_factory=session_factory,
        release=RELEASE,
        languages=["de", "he"],
        provider="libretranslate",
    )
    state = wait_for_job(session_factory, job_id, timeout=30)
    assert set(state) == KEYS
    assert state["status"] == "done" and state["error"] == ""
    assert state["done"] == state["total"] == machine_count(project, "de") + machine_count(project, "he") == 62
    assert state["requests"] == libre.requests and state["failed"] == 0
    assert state["languages"] == ["de", "he"] and state["provider"] == "libretranslate"
    assert state["release"] == RELEASE and state["eta_seconds"] is None
    assert "libretranslate" in provider_ids() and "memory" in provider_ids()


@pytest.mark.parametrize(
    ("languages", "provider", "error", "message"),
    [
        (["de"], "babelfish", UnknownProviderError, "unknown machine-translation provider 'babelfish'"),
        (["sw"], "libretranslate", UnsupportedLanguageError, "does not translate en → sw"),
        (["fr"], "libretranslate", UnknownReleaseError, "no catalog for 'fr'"),
    ],
)
def test_a_job_that_cannot_work_is_refused_before_it_starts(
    settings: Settings,
    session_factory,
    project: Project,
    languages: list[str],
    provider: str,
    error: type,
    message: str,
) -> None:
    project.update(RELEASE, add_languages=["sw"])
    with pytest.raises(error, match=message) as info:
        start_pretranslation(
            settings=settings, session_factory=session_factory, release=RELEASE, languages=languages, provider=provider
        )
    assert isinstance(info.value, TranslateAppError)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_failed_job_reports_why_and_resumes_where_it_stopped(
    settings: Settings, session_factory, project: Project, libre: FakeLibreTranslate, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(
        settings, mt_tuning={**settings.mt_tuning, "concurrency": 1, "batch_size": 10, "max_attempts": 2}
    )
    libre.script("ok")
    libre.always("500")
    job_id = start_pretranslation(
        settings=settings, session_factory=session_factory, release=RELEASE, languages=["de"], provider="libretranslate"
    )
    failed = wait_for_job(session_factory, job_id, timeout=30)
    assert failed["status"] == "failed" and "keeps failing" in failed["error"] and "HTTP 500" in failed["error"]
    assert failed["done"] == 10 == machine_count(project, "de")
    libre.always(None)
    resume_pretranslation(settings=settings, session_factory=session_factory, job_id=job_id)
    resumed = wait_for_job(session_factory, job_id, timeout=30)
    assert resumed["status"] == "done" and resumed["error"] == ""
    assert resumed["done"] == resumed["total"] == machine_count(project, "de")
    assert resumed["requests"] == libre.requests  # both runs counted


def test_a_memory_job_without_matches_counts_them_apart_from_done(
    settings: Settings, session_factory, project: Project
) -> None:
    job_id = start_pretranslation(
        settings=settings, session_factory=session_factory, release=RELEASE, languages=["de"], provider="memory"
    )
    state = wait_for_job(session_factory, job_id, timeout=30)
    total = len([e for e in project.load_catalog(RELEASE, "de") if e.msgid and entry_state(e) == State.UNTRANSLATED])
    assert total == 70 - 39  # the signatory items were filled when the language was added
    assert (state["status"], state["done"], state["no_match"], state["failed"], state["total"]) == (
        "done",
        0,
        total,
        0,
        total,
    )
    assert f"{total} segment(s) have no approved translation of the same English text" in state["error"]
    assert machine_count(project, "de") == 0
    with session_factory() as session:
        assert latest_job(session, RELEASE) == state
        assert latest_job(session, "another-release") is None


def test_a_provider_that_goes_away_fails_the_job_with_a_readable_error(
    settings: Settings, session_factory, project: Project, libre: FakeLibreTranslate, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(settings, mt_tuning={**settings.mt_tuning, "max_attempts": 2})
    start_pretranslation(
        settings=settings, session_factory=session_factory, release=RELEASE, languages=["he"], provider="libretranslate"
    )  # the server's languages are now known
    wait_for_job(session_factory, 1, timeout=30)
    libre.stop()
    job_id = start_pretranslation(
        settings=settings, session_factory=session_factory, release=RELEASE, languages=["de"], provider="libretranslate"
    )
    state = wait_for_job(session_factory, job_id, timeout=30)
    origin = libre.url.rstrip("/")
    assert state["status"] == "failed" and state["done"] == 0 and state["failed"] == state["total"] > 0
    assert f"LibreTranslate at {origin} is unreachable (connection refused)" in state["error"]
    assert "q=" not in state["error"] and "ConnectionPool" not in state["error"]
    assert "Background" not in state["error"]  # no text of the release


def test_job_progress_of_an_unknown_job(session_factory) -> None:
    with session_factory() as session, pytest.raises(JobError, match="no job 42"):
        job_progress(session, 42)


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis is not reachable on 127.0.0.1:6379 ({exc})")
    return client


@pytest.mark.redis
def test_with_redis_the_job_is_queued_and_the_worker_command_runs_it(
    settings: Settings, session_factory, project: Project, libre: FakeLibreTranslate, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _redis_or_skip()
    from rq import Queue

    queue_name = f"translate-app-test-{uuid.uuid4().hex[:8]}"
    queued = replace(settings, redis_url=REDIS_URL, rq_queue=queue_name)
    try:
        job_id = start_pretranslation(
            settings=queued,
            session_factory=session_factory,
            release=RELEASE,
            languages=["de", "he"],
            provider="libretranslate",
        )
        with session_factory() as session:
            assert job_progress(session, job_id)["status"] == "queued"
        assert Queue(queue_name, connection=client).count == 1
        # The worker learns the database and server from the queued job, its settings from its environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRANSLATE_APP_")}
        env |= {
            "TRANSLATE_APP_REDIS_URL": REDIS_URL,
            "TRANSLATE_APP_RQ_QUEUE": queue_name,
            "TRANSLATE_APP_MT_BACKOFF": "0.01",
            # this checkout's code, not whichever one the environment installed
            "PYTHONPATH": os.pathsep.join([str(CHECKOUT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        }
        worker = subprocess.run(
            [sys.executable, "-c", "from translate_app.cli import main; main()", "worker", "--burst"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=str(project.root),
        )
        assert worker.returncode == 0, worker.stderr
        state = wait_for_job(session_factory, job_id, timeout=5)
        assert state["status"] == "done", (state, worker.stderr[-2000:])
        assert state["done"] == state["total"] == machine_count(project, "de") + machine_count(project, "he")
        assert state["requests"] == libre.requests > 0
    finally:
        Queue(queue_name, connection=client).delete(delete_jobs=True)


@pytest.mark.redis
def test_an_unreachable_redis_fails_the_job_with_a_clear_error(settings: Settings, session_factory) -> None:
    with pytest.raises(JobError, match="cannot queue the job on Redis"):
        start_pretranslation(
            settings=replace(settings, redis_url="redis://127.0.0.1:1/0"),
            session_factory=session_factory,
            release=RELEASE,
            languages=["de"],
            provider="libretranslate",
        )
    with session_factory() as session:
        job = session.scalars(select(Job)).one()
        assert job.status == "failed" and "Redis" in job.error


def test_a_running_job_shows_an_eta_and_can_be_cancelled_and_resumed(
    settings: Settings, session_factory, project: Project, libre: FakeLibreTranslate, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from translate_app.mt.jobs import cancel_job

    settings = replace(settings, mt_tuning={**settings.mt_tuning, "concurrency": 1, "batch_size": 10})
    libre.latency = 0.15
    job_id = start_pretranslation(
        settings=settings, session_factory=session_factory, release=RELEASE, languages=["de"], provider="libretranslate"
    )
    deadline = time.monotonic() + 10
    while True:
        with session_factory() as session:
            state = job_progress(session, job_id)
        if state["done"] or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert state["status"] == "running" and state["eta_seconds"] is not None and state["eta_seconds"] > 0
    assert cancel_job(job_id)
    cancelled = wait_for_job(session_factory, job_id, timeout=10)
    assert cancelled["status"] == "cancelled" and 0 < cancelled["done"] < cancelled["total"]
    assert machine_count(project, "de") == cancelled["done"]
    libre.latency = 0
    resume_pretranslation(settings=settings, session_factory=session_factory, job_id=job_id)
    resumed = wait_for_job(session_factory, job_id, timeout=30)
    assert resumed["status"] == "done" and resumed["done"] == resumed["total"] == cancelled["total"]
