"""The press kit built on the web: a Job row with progress (one step per language) and the zip it leaves.

Making the documents takes about 3 s per language (pandoc and WeasyPrint), so
the coordinator's page starts a job and polls it, as for pre-translation
(mt/jobs.py: the same Job table and the same progress fields; `provider` is
"presskit"). The job runs in a thread of the process that started it; the
zip is written whole to build/presskit/RELEASE/kits/JOB.zip, and documents
made before for the same published text are taken from build/presskit/RELEASE/.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..core.errors import TranslateAppError
from ..core.languages import get_language
from ..models import Job, Permissions, utcnow
from ..mt.jobs import finish_job, iso_utc
from ..project import Project
from .kit import press_kit
from .published import default_language, published_texts

log = logging.getLogger(__name__)

KIND = "presskit"
#: A job that has not moved for this long was cut off (its process ended): it is shown as failed.
STALLED_SECONDS = 600
#: Zips kept per release (the newest); older ones are removed when a job finishes.
KEEP_KITS = 5


class KitError(TranslateAppError):
    """A press kit that cannot be built (nothing published, a language that is not)."""


def cache_folder(project: Project, release: str) -> Path:
    """Return where documents made for a release are kept (shared with `translate-app presskit`)."""
    return project.build_dir / "presskit" / release


def kit_path(project: Project, release: str, job_id: int) -> Path:
    """Return where the zip of a press kit job is written."""
    return cache_folder(project, release) / "kits" / f"{job_id}.zip"


def start_kit(
    *,
    settings: Settings,
    session_factory: sessionmaker[Session],
    release: str,
    languages: list[str] | None,
    by: Permissions,
    base_url: str | None = None,
) -> int:
    """Check the request, create a Job row, run it in a thread and return its id.

    `languages` None means every published language; a language that is not
    published is refused. `base_url` is where the public press pages are
    (RELEASE's folder), for the pages' hreflang links.
    """
    from ..workflow import require_coordinator

    require_coordinator(by, "build press kits")
    project = settings.project()
    release = project.require(release)
    with session_factory() as session:
        published = published_texts(session, release, project.languages(release))
    if not published:
        raise KitError("no language of this release has been published yet")
    if languages is None:
        codes = list(published)
    else:
        codes = list(dict.fromkeys(get_language(code).code for code in languages))
        if not codes:
            raise KitError("choose at least one published language")
        missing = [code for code in codes if code not in published]
        if missing:
            raise KitError(f"not published, so not in a press kit: {', '.join(missing)}")
    with session_factory() as session:
        job = Job(
            kind=KIND,
            release=release,
            languages=",".join(sorted(codes)),
            provider=KIND,
            status="queued",
            total=len(codes),
            created_by_id=int(by.get_id()),
        )
        session.add(job)
        session.commit()
        job_id = job.id
    thread = threading.Thread(
        target=run_kit_job,
        args=(job_id,),
        kwargs={"project": project, "session_factory": session_factory, "base_url": base_url},
        name=f"presskit-{job_id}",
        daemon=True,
    )
    thread.start()
    return job_id


def run_kit_job(
    job_id: int, *, project: Project, session_factory: sessionmaker[Session], base_url: str | None = None
) -> None:
    """Build the kit of a job from the languages' latest publications, recording progress in its Job row."""
    try:
        with session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            release, codes = job.release, [code for code in job.languages.split(",") if code]
            job.status = "running"
            job.started_at = utcnow()
            job.updated_at = job.started_at
            session.commit()
            texts = published_texts(session, release, codes)
        if set(texts) != set(codes):
            raise KitError(f"no longer published: {', '.join(sorted(set(codes) - set(texts)))}")
        lock = threading.Lock()
        done = [0]

        def progress(code: str) -> None:
            with lock:  # languages finish in pool threads: one update at a time
                done[0] += 1
                with session_factory() as session:
                    row = session.get(Job, job_id)
                    if row is not None:
                        row.done = done[0]
                        row.updated_at = utcnow()
                        session.commit()

        data = press_kit(
            release,
            {code: (text.title, text.markdown) for code, text in texts.items()},
            default=default_language(list(texts)),
            base_url=base_url,
            cache_dir=cache_folder(project, release),
            progress=progress,
        )
        from ..storage.files import write_atomic

        path = kit_path(project, release, job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        _prune(path.parent)
        finish_job(session_factory, job_id, "done", "")
    except TranslateAppError as exc:
        finish_job(session_factory, job_id, "failed", str(exc))
    except Exception as exc:  # the job must end with a reason, whatever happened
        log.exception("press kit job %s crashed", job_id)
        finish_job(session_factory, job_id, "failed", f"internal error: {type(exc).__name__}: {exc}")


def _prune(folder: Path) -> None:
    """Remove all but the KEEP_KITS newest zips of a release (by job number)."""
    kits = sorted((p for p in folder.glob("*.zip") if p.stem.isdigit()), key=lambda p: int(p.stem))
    for old in kits[:-KEEP_KITS]:
        old.unlink(missing_ok=True)


def kit_job(session: Session, job_id: int, release: str) -> Job | None:
    """Return a press kit job of a release, or None (another kind of job, another release, none)."""
    job = session.get(Job, job_id)
    if job is None or job.kind != KIND or job.release != release:
        return None
    session.refresh(job)
    return job


def kit_progress(job: Job) -> dict[str, Any]:
    """Return a press kit job's progress as JSON-ready data (languages done of total)."""
    status, error = job.status, job.error
    moved = job.updated_at or job.created_at
    if status in ("queued", "running") and moved is not None:
        moved = moved if moved.tzinfo else moved.replace(tzinfo=UTC)
        if (utcnow() - moved).total_seconds() > STALLED_SECONDS:  # shown so, not written: a GET never writes
            status, error = "failed", "interrupted (the service restarted?): build the kit again"
    return {
        "id": job.id,
        "kind": KIND,
        "status": status,
        "total": job.total,
        "done": job.done,
        "error": error,
        "release": job.release,
        "languages": [code for code in job.languages.split(",") if code],
        "created_by_id": job.created_by_id,
        "finished_at": iso_utc(job.finished_at),
    }


def latest_kit(session: Session, release: str) -> dict[str, Any] | None:
    """Return the progress of a release's most recent press kit job, or None."""
    job = session.scalars(
        select(Job).where(Job.release == release, Job.kind == KIND).order_by(Job.id.desc()).limit(1)
    ).first()
    return kit_progress(job) if job is not None else None
