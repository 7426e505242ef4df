"""Click commands for embargoes: `embargo set`, `embargo clear`, `embargo run` (for cron)."""

from __future__ import annotations

import click

from .config import Settings


@click.group()
def embargo() -> None:
    """Set or clear a release's embargo, and publish releases whose embargo time has passed."""


@embargo.command("set")
@click.argument("name")
@click.argument("when")
@click.option("--zone", "-z", default="UTC", show_default=True, help="IANA time zone of WHEN, e.g. Europe/Berlin.")
def embargo_set(name: str, when: str, zone: str) -> None:
    """Keep release NAME under embargo until WHEN ("YYYY-MM-DD HH:MM" in --zone)."""
    from . import embargo as domain
    from .db import open_database

    settings = Settings.from_env()
    project = settings.project()
    with open_database(settings)() as session:
        found = domain.set_embargo(
            session, project, project.require(name), at=domain.parse_local(when, zone), zone=zone, by=None
        )
        session.commit()
    click.echo(f"{name}: {found.describe()}")


@embargo.command("clear")
@click.argument("name")
def embargo_clear(name: str) -> None:
    """Lift release NAME's embargo now."""
    from . import embargo as domain
    from .db import open_database

    settings = Settings.from_env()
    project = settings.project()
    with open_database(settings)() as session:
        domain.clear_embargo(session, project, project.require(name), by=None)
        session.commit()
    click.echo(f"{name}: no embargo")


@embargo.command("run")
def embargo_run() -> None:
    """Publish the approved languages of every release whose embargo time has passed (safe to run every minute)."""
    from . import embargo as domain
    from .db import open_database

    settings = Settings.from_env()
    with domain.exclusive(settings.instance_dir) as mine:
        if not mine:
            click.echo("another run is publishing; nothing done")
            return
        report = domain.run_due(open_database(settings), settings.project())
    for line in report.lines():
        click.echo(line)
    if report.errors:
        raise SystemExit(1)
