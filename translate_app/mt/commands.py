"""Click commands for machine pre-translation: `pretranslate` and the RQ `worker`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from ..config import Settings
from ..core.languages import parse_language_list
from .errors import JobError


@click.command()
@click.argument("name")
@click.option(
    "--lang", "-l", "languages", help="Comma-separated language codes; default: every catalog of the release."
)
@click.option("--provider", "-p", help="Provider id; default: TRANSLATE_APP_MT_PROVIDER.")
@click.option("--resume", "resume_id", type=int, help="Run an unfinished job again, skipping what it did.")
def pretranslate(name: str, languages: str | None, provider: str | None, resume_id: int | None) -> None:
    """Pre-translate a release by machine, with a progress bar."""
    from ..db import open_database
    from .base import provider_ids
    from .jobs import cancel_job, job_progress, resume_pretranslation, start_pretranslation

    settings = Settings.from_env()
    project = settings.project()
    session_factory = open_database(settings)
    if resume_id is not None:
        job_id = resume_pretranslation(settings=settings, session_factory=session_factory, job_id=resume_id)
    else:
        project.require(name)
        codes = parse_language_list(languages) if languages else project.languages(name)
        if not codes:
            raise JobError(f"release {name!r} has no catalogs; add languages first")
        provider = provider or settings.mt_provider
        job_id = start_pretranslation(
            settings=settings, session_factory=session_factory, release=name, languages=codes, provider=provider
        )
    with session_factory() as session:
        state = job_progress(session, job_id)
    click.echo(
        f"job {job_id}: {state['provider']} → {', '.join(state['languages'])}"
        + (
            f" (queued on Redis; `translate-app worker` runs it; providers: {', '.join(provider_ids())})"
            if settings.redis_url
            else ""
        )
    )
    try:
        state = _follow(session_factory, job_id, job_progress)
    except KeyboardInterrupt:
        cancel_job(job_id)
        click.echo(f"\nstopping job {job_id}; resume it with --resume {job_id}", err=True)
        raise SystemExit(130) from None
    summary = (
        f"job {job_id} {state['status']}: {state['done']} of {state['total']} segments filled, "
        f"{state['no_match']} without a match, {state['failed']} failed, "
        f"{state['requests']} provider requests"
    )
    click.echo(summary)
    if state["error"]:
        click.echo(f"{'error' if state['status'] != 'done' else 'warning'}: {state['error']}", err=True)
    if state["status"] != "done":
        raise SystemExit(1)


def _follow(
    session_factory: sessionmaker[Session], job_id: int, job_progress: Callable[[Session, int], dict[str, Any]]
) -> dict[str, Any]:
    """Show the job's progress in a bar until it finishes; return its last state."""
    from .jobs import FINISHED

    def read() -> dict[str, Any]:
        with session_factory() as session:
            return job_progress(session, job_id)

    state = read()
    while state["status"] == "queued" or (state["status"] == "running" and not state["total"]):
        time.sleep(0.1)
        state = read()
    shown = 0
    with click.progressbar(length=max(state["total"], 1), label="pre-translating", show_pos=True, show_eta=True) as bar:
        while True:
            state = read()
            position = min(state["done"] + state["no_match"] + state["failed"], max(state["total"], 1))
            if state["total"] and bar.length != state["total"]:
                bar.length = state["total"]
            if position > shown:
                bar.update(position - shown)
                shown = position
            if state["status"] in FINISHED:
                break
            time.sleep(0.2)
    return state


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run queued pre-translation jobs from Redis (TRANSLATE_APP_REDIS_URL)."""
    from redis import Redis
    from rq import Queue, Worker

    settings = Settings.from_env()
    if not settings.redis_url:
        raise JobError("no Redis configured: set TRANSLATE_APP_REDIS_URL")
    connection = Redis.from_url(settings.redis_url)
    queue = Queue(settings.rq_queue, connection=connection)
    click.echo(f"worker on queue {queue.name!r}")
    Worker([queue], connection=connection).work(burst=burst)
