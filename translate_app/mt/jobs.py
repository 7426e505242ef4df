"""Pre-translation jobs: a Job row with progress, run in a thread or on an RQ queue.

On the embedded default a job runs in a background thread of the process
that started it. When a Redis URL is configured the job goes to an RQ queue
and `translate-app worker` runs it, so several machines can share the work;
the worker reads its own TRANSLATE_APP_* settings and fills only what it
lacks (project root, database URL, provider URLs, never secrets) from the
settings of the process that queued the job.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..core.errors import PermissionDeniedError, TranslateAppError
from ..core.glossary import glossary_path, load_glossary
from ..core.languages import get_language
from ..embargo import embargoed_names, require_private_provider
from ..models import Job, Permissions, utcnow
from .base import SOURCE_LANGUAGE, make_provider, provider_choices, provider_ids, public_options
from .cache import TranslationCache
from .engine import PretranslationFailed, Progress, pretranslate
from .errors import JobCancelled, JobError, ProviderError

__all__ = [
    "start_pretranslation",
    "resume_pretranslation",
    "run_job",
    "job_progress",
    "latest_job",
    "provider_ids",
    "provider_choices",
    "cancel_job",
    "wait_for_job",
    "rq_run_job",
]

log = logging.getLogger(__name__)

FINISHED = ("done", "failed", "cancelled")
# Passed to an RQ worker with each job, with the providers' public options (never secrets).
_SHARED_SETTINGS = (
    "root",
    "database_url",
    "mt_provider",
    "mt_public_services",
    "max_source_bytes",
    "front_matter_keys",
)
_running: dict[int, tuple[threading.Thread, threading.Event]] = {}
_running_lock = threading.Lock()


def start_pretranslation(
    *,
    settings: Settings,
    session_factory: sessionmaker[Session],
    release: str,
    languages: list[str],
    provider: str,
    by: Permissions | None = None,
) -> int:
    """Check the request, create a Job row, start it (thread or RQ) and return its id.

    `by` is the person asking, who must coordinate; None is the command line,
    whose operator already has the files.
    """
    user_id = None
    if by is not None:
        from ..workflow import require_coordinator

        require_coordinator(by, "start pre-translation")
        user_id = int(by.get_id())
    project = settings.project()
    project.require(release)
    codes = list(dict.fromkeys(get_language(code).code for code in languages))
    if not codes:
        raise JobError("no language given")
    for code in codes:
        project.load_catalog(release, code)  # a release without that language is refused here
    with session_factory() as session:  # under embargo, only to a private provider (the API, the form, the CLI)
        require_private_provider(session, release, provider)
    engine_provider = make_provider(provider, settings)
    engine_provider.check_languages(SOURCE_LANGUAGE, codes)
    with session_factory() as session:
        job = Job(
            kind="pretranslate",
            release=release,
            languages=",".join(codes),
            provider=engine_provider.id,
            status="queued",
            created_by_id=user_id,
        )
        session.add(job)
        session.commit()
        job_id = job.id
    _launch(job_id, settings=settings, session_factory=session_factory)
    return job_id


def resume_pretranslation(*, settings: Settings, session_factory: sessionmaker[Session], job_id: int) -> int:
    """Run an unfinished or failed job again; what it already wrote is skipped."""
    with _running_lock:
        if job_id in _running and _running[job_id][0].is_alive():
            raise JobError(f"job {job_id} is running")
    with session_factory() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise JobError(f"no job {job_id}")
        job.status = "queued"
        job.error = ""
        job.finished_at = None
        session.commit()
    _launch(job_id, settings=settings, session_factory=session_factory)
    return job_id


def _launch(job_id: int, *, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    if settings.redis_url:
        _enqueue(job_id, settings, session_factory)
        return
    stop = threading.Event()
    thread = threading.Thread(
        target=run_job,
        args=(job_id,),
        kwargs={"settings": settings, "session_factory": session_factory, "stop": stop},
        name=f"pretranslate-{job_id}",
        daemon=True,
    )
    with _running_lock:
        _running[job_id] = (thread, stop)
    thread.start()


def _enqueue(job_id: int, settings: Settings, session_factory: sessionmaker[Session]) -> None:
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue

    assert settings.redis_url, "queued only when Redis is configured"
    shared = {name: _plain(getattr(settings, name)) for name in _SHARED_SETTINGS}
    shared["database_url"] = settings.resolved_database_url()
    shared["options"] = public_options(settings)
    try:
        queue = Queue(settings.rq_queue, connection=Redis.from_url(settings.redis_url, socket_timeout=10))
        queue.enqueue(
            "translate_app.mt.jobs.rq_run_job",
            job_id,
            shared,
            job_timeout=6 * 3600,
            description=f"pretranslate job {job_id}",
        )
    except RedisError as exc:
        finish_job(session_factory, job_id, "failed", f"cannot queue the job on Redis: {exc}")
        raise JobError(f"cannot queue the job on Redis at {_redact(settings.redis_url)}: {exc}") from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _redact(url: str | None) -> str:
    if not url or "@" not in url:
        return url or ""
    scheme, rest = url.split("://", 1) if "://" in url else ("", url)
    return f"{scheme}://…@{rest.split('@', 1)[1]}"


def rq_run_job(job_id: int, shared: dict[str, Any]) -> None:
    """Run a job inside an RQ worker, with the worker's settings completed by the queuing side's."""
    from ..db import open_database

    settings = Settings.from_env()
    known = {f.name for f in fields(Settings)}
    explicit = {name for name in known if name.upper() in settings.options}
    updates: dict[str, Any] = {}
    for name, value in shared.items():
        if name in explicit or value is None or name not in known:  # a worker of another version
            continue
        if name == "options":  # the worker's own variables win
            value = {**value, **settings.options}
        if name == "root":
            value = Path(value)
        elif name == "front_matter_keys":
            value = tuple(value)
        updates[name] = value
    settings = replace(settings, **updates)
    run_job(job_id, settings=settings, session_factory=open_database(settings))


def run_job(
    job_id: int, *, settings: Settings, session_factory: sessionmaker[Session], stop: threading.Event | None = None
) -> Progress | None:
    """Run a job to its end, recording progress and the outcome in its Job row."""
    try:
        with session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                raise JobError(f"no job {job_id}")
            release, codes, provider_id = job.release, job.languages.split(","), job.provider
            require_private_provider(session, release, provider_id)  # an embargo set since it was queued
            hidden = embargoed_names(session) - {release}  # their approved texts stay in them
            # A resumed job keeps what earlier runs did; failures are tried again.
            done_before, requests_before = job.done, job.requests
            job.status = "running"
            job.started_at = job.started_at or utcnow()
            job.updated_at = utcnow()
            job.failed = 0
            job.no_match = 0
            session.commit()
    except Exception as exc:
        log.exception("cannot start job %s", job_id)
        finish_job(session_factory, job_id, "failed", f"cannot start: {exc}")
        return None

    last_write = [0.0]
    latest: list[Progress] = []

    def on_progress(progress: Progress, force: bool = False) -> None:
        latest[:] = [progress]
        now = time.monotonic()
        finished = progress.done + progress.no_match + progress.failed >= progress.total
        if not force and now - last_write[0] < 0.2 and not finished:
            return
        last_write[0] = now
        with session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.total = done_before + progress.total
            job.done = done_before + progress.done
            job.failed = progress.failed
            job.no_match = progress.no_match
            job.requests = requests_before + progress.requests
            job.updated_at = utcnow()
            session.commit()

    try:
        project = settings.project()
        provider = make_provider(provider_id, settings)
        cache = TranslationCache(
            session_factory, provider.id, provider.settings_hash(), expiry_days=provider.cache_expiry_days
        )
        glossary = load_glossary(glossary_path(project.source_dir, release))
        progress = pretranslate(
            project=project,
            release=release,
            languages=codes,
            provider=provider,
            cache=cache,
            glossary=glossary,
            on_progress=on_progress,
            stop=stop,
            hidden_releases=hidden,
        )
        on_progress(progress, force=True)
        notes = []
        if progress.failed:
            notes.append(f"{progress.failed} segment(s) failed: " + "; ".join(dict.fromkeys(progress.errors))[:2000])
        if progress.no_match:
            # Finished, but not filled: say so rather than let "done" read as "translated".
            notes.append(
                f"{progress.no_match} segment(s) have no approved translation of the same English "
                "text in the translation memory and stay untranslated"
            )
        # A run that failed every segment it sent, and filled none, failed: "done" would read as success.
        status = "failed" if progress.failed and not progress.done else "done"
        finish_job(session_factory, job_id, status, "; ".join(notes))
        return progress
    except PretranslationFailed as exc:
        on_progress(exc.progress, force=True)
        finish_job(session_factory, job_id, "failed", str(exc))
        return exc.progress
    except JobCancelled as exc:
        if latest:
            on_progress(latest[0], force=True)
        finish_job(session_factory, job_id, "cancelled", str(exc))
    except (TranslateAppError, ProviderError) as exc:
        finish_job(session_factory, job_id, "failed", str(exc))
    except Exception as exc:  # the job must end with a reason, whatever happened
        log.exception("job %s crashed", job_id)
        finish_job(session_factory, job_id, "failed", f"internal error: {type(exc).__name__}: {exc}")
    finally:
        with _running_lock:
            entry = _running.get(job_id)
            if entry is not None and entry[0] is threading.current_thread():
                del _running[job_id]
    return latest[0] if latest else None


def finish_job(session_factory: sessionmaker[Session], job_id: int, status: str, error: str) -> None:
    """Record how a job (of any kind) ended."""
    with session_factory() as session:
        job = session.get(Job, job_id)
        if job is None:
            return
        job.status = status
        job.error = error
        job.finished_at = utcnow()
        job.updated_at = job.finished_at
        session.commit()


def cancel_job(job_id: int) -> bool:
    """Ask a job running in this process to stop; say whether one was running."""
    with _running_lock:
        entry = _running.get(job_id)
    if entry is None:
        return False
    entry[1].set()
    return True


def job_progress(session: Session, job_id: int, viewer: Permissions | None = None) -> dict[str, Any]:
    """Return the progress of a job as plain JSON-ready data.

    A `viewer` (None: the command line) must coordinate or have started the job.
    """
    job = session.get(Job, job_id)
    if job is None:
        raise JobError(f"no job {job_id}")
    if viewer is not None and not viewer.is_coordinator and str(job.created_by_id) != viewer.get_id():
        raise PermissionDeniedError("only coordinators and the person who started a job may see it")
    session.refresh(job)
    return _as_dict(job)


def _as_dict(job: Job) -> dict[str, Any]:
    eta = _eta_seconds(job)
    return {
        "id": job.id,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "no_match": job.no_match,
        "failed": job.failed,
        "requests": job.requests,
        "error": job.error,
        "eta_seconds": round(eta, 1) if eta is not None else None,
        "release": job.release,
        "languages": [code for code in job.languages.split(",") if code],
        "provider": job.provider,
        "created_by_id": job.created_by_id,
        "finished_at": iso_utc(job.finished_at),
    }


def iso_utc(moment: datetime | None) -> str | None:
    """Return a job's time in ISO form, in UTC (SQLite gives it back without a zone), or None."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _eta_seconds(job: Job) -> float | None:
    """Estimate the seconds left from the rate so far; segments without a match count as handled."""
    handled = job.done + job.no_match + job.failed
    if not job.started_at or not handled or job.status != "running":
        return None
    started = job.started_at if job.started_at.tzinfo else job.started_at.replace(tzinfo=UTC)
    elapsed = (utcnow() - started).total_seconds()
    return elapsed / handled * max(job.total - handled, 0)


def latest_job(session: Session, release: str) -> dict[str, Any] | None:
    """Return the progress of a release's most recent pre-translation job, or None."""
    job = session.scalars(
        select(Job).where(Job.release == release, Job.kind == "pretranslate").order_by(Job.id.desc()).limit(1)
    ).first()
    return _as_dict(job) if job is not None else None


def wait_for_job(
    session_factory: sessionmaker[Session], job_id: int, timeout: float = 60.0, interval: float = 0.05
) -> dict[str, Any]:
    """Poll a job until it finishes or the timeout passes; return its last progress."""
    deadline = time.monotonic() + timeout
    while True:
        with session_factory() as session:
            state = job_progress(session, job_id)
        if state["status"] in FINISHED or time.monotonic() > deadline:
            return state
        time.sleep(interval)
