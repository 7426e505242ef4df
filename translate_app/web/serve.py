"""`translate-app serve`: the service on its embedded defaults, served by gunicorn."""

from __future__ import annotations

import secrets
from dataclasses import replace

import click

from ..config import Settings
from ..core.languages import parse_language_list

#: gunicorn settings measured best on a 2-core machine (bench/review_load.py):
#: threads let one process's waiting saves share one turn at a catalog's lock
#: (group commit), and keep-alive connections save a TCP handshake per request.
#: preload_app: the master creates the app once (migrations run once, never in
#: several workers at a time) and warms it up (see web/warmup.py) before forking,
#: so a worker is ready for its first request.
DEFAULT_WORKERS = 4
GUNICORN_SETTINGS: dict[str, object] = {
    "workers": DEFAULT_WORKERS,
    "worker_class": "gthread",
    "threads": 8,
    "timeout": 120,
    "preload_app": True,
}


def prepare(settings: Settings) -> str | None:
    """Migrate the database, register unregistered sources, and make a first coordinator.

    Returns the one-time password of a coordinator created now, or None.
    """
    from sqlalchemy import func, select

    from .. import accounts, workflow
    from ..db import open_database
    from ..models import User

    project = settings.project()
    for name in workflow.unregistered_sources(project):
        project.add_release(project.source_path(name), parse_language_list(settings.languages))
    sessions = open_database(settings)
    with sessions() as session:
        for name in workflow.registered_releases(project):  # rows made here, never by a GET request
            workflow.register_release(session, project, name)
        session.commit()
        if session.scalar(select(func.count()).select_from(User)):
            return None
        password = secrets.token_urlsafe(12)
        user = accounts.create_user(session, name="coordinator", role="coordinator", languages=[], password=password)
        user.must_change_password = True
        session.commit()
        return password


def run_server(*, host: str, port: int, workers: int = DEFAULT_WORKERS) -> None:
    """Prepare the project and serve it with gunicorn (threads for background jobs)."""
    from gunicorn.app.base import BaseApplication

    settings = Settings.from_env()
    if "SECURE_COOKIES" not in settings.options:
        # Plain HTTP on the embedded defaults: cookies cannot be Secure there.
        settings = replace(settings, secure_cookies=False)
    settings.resolved_secret_key()
    password = prepare(settings)
    url = f"http://{host}:{port}/"
    click.echo(f"translate-app: project {settings.root}, database {settings.resolved_database_url()}")
    if password:
        click.echo(f"First coordinator account: name 'coordinator', one-time password {password}")
        click.echo("Log in, choose your own password, then invite volunteers.")
    click.echo(f"Serving on {url}")

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            for key, value in GUNICORN_SETTINGS.items():
                self.cfg.set(key, value)
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("post_worker_init", _start_embargo_job)

        def load(self):
            from .. import create_app
            from .warmup import warm_up

            app = create_app({"SETTINGS": settings})
            warm_up(app)
            return app

    _App().run()


def _start_embargo_job(worker) -> None:
    """Start the embargo job's thread in each worker after the fork: releases go out with nobody logged in."""
    from .embargo import worker as embargo_worker

    embargo_worker(worker.wsgi).start()
