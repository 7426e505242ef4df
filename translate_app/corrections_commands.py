"""The `corrections` command: the source changes of a release waiting for a decision, and deciding them."""

from __future__ import annotations

import click

from .config import Settings


@click.command()
@click.argument("name")
@click.option("--wording", "wording", multiple=True, metavar="SEGMENT_ID", help="Wording only: keep translations.")
@click.option("--meaning", "meaning", multiple=True, metavar="SEGMENT_ID", help="Meaning changed: needs review.")
@click.option("--as", "login", metavar="LOGIN", help="The coordinator deciding (needed with --wording/--meaning).")
def corrections(name: str, wording: tuple[str, ...], meaning: tuple[str, ...], login: str | None) -> None:
    """List the source changes of release NAME that wait for a decision, or decide them for every language.

    Exits 1 while changes wait for a decision after the command, so a CI step
    can say that a corrected source has not been looked at yet.
    """
    from sqlalchemy import select

    from . import corrections_workflow as cw
    from .core.corrections import Decision
    from .core.errors import TranslateAppError
    from .db import open_database
    from .models import User

    settings = Settings.from_env()
    project = settings.project()
    release = project.require(name)
    with open_database(settings)() as session:
        if wording or meaning:
            if not login:
                raise click.UsageError("say who decides: --as LOGIN (a coordinator)")
            user = session.scalar(select(User).where(User.name == login, User.active.is_(True)))
            if user is None:
                raise TranslateAppError(f"no active person named {login!r}")
            decisions = {sid: Decision.WORDING_ONLY for sid in wording} | {
                sid: Decision.MEANING_CHANGED for sid in meaning
            }
            report = cw.decide(session, project, user, release, decisions)
            for code, states in report.decided.items():
                click.echo(f"{code}: " + ", ".join(f"{sid} {state}" for sid, state in states.items()))
            for code, why in report.failed.items():
                click.echo(f"{code}: not changed: {why}", err=True)
        changes = cw.pending_changes(session, project, release)
        session.commit()
    for change in changes:
        diff = "".join(
            f"[-{p.text}-]" if p.op == "delete" else f"{{+{p.text}+}}" if p.op == "insert" else p.text
            for p in change.diff
        )
        published = f", {len(change.published)} published" if change.published else ""
        click.echo(f"{change.segment_id}  {len(change.languages)} language(s){published}: {diff}")
    if changes:
        click.echo(f"{len(changes)} source change(s) wait for a decision", err=True)
        raise SystemExit(1)
    click.echo(f"{release}: no source change waits for a decision")
