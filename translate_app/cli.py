"""The translate-app command line (also reachable as `flask --app wsgi ...`).

It starts light: this module imports only click and the settings, and each
command imports what it uses when it runs, so that `extract`, `render`,
`status` and `compile --check` (what CI runs on every push) load neither the
web nor the database nor the network stacks (tests/core/test_cli_imports.py).
Those four do their work in core_commands.py; the console script
(launcher.py) runs a plain call of them without importing this module, and
hands everything else to `main` here. Commands defined elsewhere are named in
`_LAZY_COMMANDS` and imported when they are called or listed.
"""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path

import click

from . import core_commands
from .config import Settings
from .core.errors import TranslateAppError

# Commands defined in other modules, imported only when used: name -> "module:attribute".
_LAZY_COMMANDS = {
    "pretranslate": "translate_app.mt.commands:pretranslate",
    "worker": "translate_app.mt.commands:worker",
    "presskit": "translate_app.presskit.commands:presskit",
    "tmx": "translate_app.tmx_commands:tmx",
    "signatories": "translate_app.signatory_commands:signatories",
    "corrections": "translate_app.corrections_commands:corrections",
    "embargo": "translate_app.embargo_commands:embargo",
}


class CommandError(click.ClickException):
    """A domain error shown as one line, `error: ...`, with exit code 1."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def _report_domain_errors(command: click.Command) -> None:
    """Make a command (and its subcommands) turn domain errors into CommandError.

    Done on the commands themselves so that `translate-app` and `flask --app wsgi`
    report errors the same way.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _report_domain_errors(sub)
    callback = command.callback
    if callback is None or getattr(callback, "_reports_domain_errors", False):
        return

    @functools.wraps(callback)
    def wrapped(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except TranslateAppError as exc:
            raise CommandError(str(exc)) from exc

    wrapped._reports_domain_errors = True  # type: ignore[attr-defined]
    command.callback = wrapped


def _settings() -> Settings:
    return Settings.from_env()


def _exit(code: int) -> None:
    """End the process with a core command's exit code, unless it is 0."""
    if code:
        sys.exit(code)


class _LazyGroup(click.Group):
    """The top-level group: commands of `_LAZY_COMMANDS` are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _LAZY_COMMANDS:
            module, attribute = _LAZY_COMMANDS[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            _report_domain_errors(command)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)


def all_commands() -> dict[str, click.Command]:
    """Return every command by name, importing the lazy ones (for `flask --app wsgi ...`)."""
    for name in _LAZY_COMMANDS:
        main.get_command(click.Context(main), name)
    return dict(main.commands)


@click.group(cls=_LazyGroup)
@click.version_option(package_name="translate-app")
def main() -> None:
    """Translate press releases with gettext catalogs, machines and volunteers."""


@main.command()
@click.argument("markdown", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Template (.pot) to write."
)
def extract(markdown: Path, output: Path) -> None:
    """Segment any Markdown file into a gettext template."""
    _exit(core_commands.extract(_settings(), markdown, output, click.echo))


@main.command()
@click.argument("markdown", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("catalog", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--html", "html_output", type=click.Path(dir_okay=False, path_type=Path), help="Also write a standalone HTML page."
)
@click.option("--only-approved", is_flag=True, help="Refuse unless every segment is approved.")
def render(markdown: Path, catalog: Path, output: Path, html_output: Path | None, only_approved: bool) -> None:
    """Write the document with the catalog's translations filled in."""
    _exit(core_commands.render(_settings(), markdown, catalog, output, html_output, only_approved, click.echo))


@main.command("add-release")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--languages", "-l", required=True, help="Comma-separated language codes, e.g. de,fr,uk.")
def add_release(source: Path, languages: str) -> None:
    """Register a release and create its template and catalogs."""
    from .core.languages import parse_language_list

    settings = _settings()
    project = settings.project()
    codes = parse_language_list(languages)
    name = project.add_release(source, codes)
    from . import notifications

    notifications.from_command_line(_settings(), notifications.release_added, name, codes)
    click.echo(f"release {name}: catalogs for {', '.join(codes)}")
    _register_release(settings, name)


def _register_release(settings: Settings, name: str) -> None:
    """Make the release's database row now (title, deadline and policy live there; a page never makes it)."""
    from sqlalchemy.exc import SQLAlchemyError

    from . import workflow
    from .db import open_database

    try:
        with open_database(settings)() as session:
            workflow.register_release(session, settings.project(), name)
            session.commit()
    except SQLAlchemyError as exc:  # the catalogs are written; `serve` makes the row when it starts
        click.echo(
            f"warning: the database did not take the release's record ({type(exc).__name__}); "
            "the service makes it when it starts",
            err=True,
        )


@main.command()
@click.argument("name", required=False)
def update(name: str | None) -> None:
    """Re-extract after the source changed and merge into every language."""
    from . import notifications
    from .core.states import STATES

    project = _settings().project()
    for release in [project.require(name)] if name else project.releases():
        changes = project.update(release)
        notifications.from_command_line(_settings(), notifications.source_corrected, project, release, changes)
        summary = "; ".join(
            f"{lang}: " + ", ".join(f"{c[s]} {s}" for s in STATES if c[s]) for lang, c in changes.items()
        )
        click.echo(f"{release}: {summary or 'no catalogs'}")


@main.command()
@click.argument("name", required=False)
def status(name: str | None) -> None:
    """Show per-language counts of every state and of failing checks.

    Exits 1 when an approved segment fails a blocking check (numbers, links)
    without an override, listing each one.
    """
    _exit(core_commands.status(_settings(), name, click.echo))


@main.command("compile")
@click.option("--check", is_flag=True, help="Only check; write nothing; exit non-zero on any problem.")
@click.argument("names", nargs=-1)
def compile_(check: bool, names: tuple[str, ...]) -> None:
    """Build .mo files and full releases of approved languages."""
    _exit(core_commands.compile_catalogs(_settings(), check, names, click.echo))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start the web service on the embedded defaults."""
    from .web.serve import run_server

    run_server(host=host, port=port)


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration to the configured database."""
    from .db import upgrade

    url = _settings().resolved_database_url()
    upgrade(url)
    click.echo("database is up to date")


def _password_from(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@main.group()
def user() -> None:
    """Manage volunteers and coordinators."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["suggester", "translator", "reviewer", "coordinator"]),
    default="translator",
    show_default=True,
)
@click.option("--languages", "-l", default="", help="Comma-separated language names or codes.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--display-name", default="", help='How others see the person, spaces allowed (e.g. "Olena Shevchenko").')
def user_add(name: str, role: str, languages: str, password_stdin: bool, display_name: str) -> None:
    """Create a volunteer or coordinator; NAME is the login name (letters, digits, . + - _; no spaces, no @)."""
    from . import accounts
    from .core.languages import language_names, parse_language_list
    from .db import open_database

    codes = parse_language_list(languages) if languages.strip() else []
    accounts.check_login_name(name)  # before asking for a password
    password = _password_from(password_stdin)
    sessions = open_database(_settings())
    with sessions() as session:
        accounts.create_user(
            session, name=name, role=role, languages=codes, password=password, display_name=display_name
        )
        session.commit()
    shown = f"{display_name} (login name {name})" if display_name.strip() else name
    click.echo(f"user {shown} ({role}) created" + (f" for {language_names(codes)}" if codes else ""))


@user.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else it is asked for).")
def user_set_password(name: str, password_stdin: bool) -> None:
    """Set a person's password (never on the command line); their sessions end and their API tokens are revoked."""
    from sqlalchemy import select

    from . import accounts
    from .db import open_database
    from .models import User

    sessions = open_database(_settings())
    with sessions() as session:
        found = session.scalar(select(User).where(User.name == name))
        if found is None:
            raise accounts.AccountError(f"no user named {name!r}")
        session.commit()  # nothing held open while the person types
        password = _password_from(password_stdin)
        found = session.scalar(select(User).where(User.name == name))
        if found is None:  # removed while the password was typed
            raise accounts.AccountError(f"no user named {name!r}")
        accounts.set_password(found, password)
        found.must_change_password = False
        session.commit()
    click.echo(f"password of {name} set; their sessions ended and their API tokens were revoked")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("name")
@click.option(
    "--expires-in",
    "expires_in",
    type=click.IntRange(1, 3650),
    default=None,
    metavar="DAYS",
    help="Days until the token stops working (default: no expiry).",
)
@click.option("--label", default="", help="What the token is for, shown in listings.")
def token_create(name: str, expires_in: int | None, label: str) -> None:
    """Print a new API token for a user (its id and expiry go to standard error)."""
    from sqlalchemy import select

    from . import accounts
    from .db import open_database
    from .models import ApiToken, User

    sessions = open_database(_settings())
    with sessions() as session:
        found = session.scalar(select(User).where(User.name == name))
        if found is None:
            raise accounts.AccountError(f"no user named {name!r}")
        value = accounts.create_token(session, found, expires_in_days=expires_in, label=label)
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == accounts._hash_token(value))).one()
        session.commit()
        expiry = row.expires_at.strftime("%Y-%m-%d %H:%M UTC") if row.expires_at else "never"
    click.echo(value)
    click.echo(f"token {row.id} for {name}; expires: {expiry}", err=True)


@token.command("list")
@click.argument("name", required=False)
def token_list(name: str | None) -> None:
    """List API tokens (of one user, or of everyone): id, user, created, last used, expiry."""
    from sqlalchemy import select

    from . import accounts
    from .db import open_database
    from .models import User

    def when(value) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if value else "-"

    sessions = open_database(_settings())
    with sessions() as session:
        user = None
        if name:
            user = session.scalar(select(User).where(User.name == name))
            if user is None:
                raise accounts.AccountError(f"no user named {name!r}")
        rows = accounts.tokens_of(session, user)
        click.echo(f"{'id':>5}  {'user':20} {'created':16}  {'last used':16}  {'expires':16}  label")
        for t in rows:
            click.echo(
                f"{t.id:>5}  {t.user.name:20} {when(t.created_at):16}  {when(t.last_used_at):16}  "
                f"{when(t.expires_at) if t.expires_at else 'never':16}  {t.label}"
            )


@token.command("revoke")
@click.argument("token_id", required=False, type=int)
@click.option("--user", "user_name", help="Revoke every token of this user instead.")
def token_revoke(token_id: int | None, user_name: str | None) -> None:
    """Revoke one API token by its id (see `token list`), or all of a user with --user NAME."""
    from sqlalchemy import select

    from . import accounts
    from .db import open_database
    from .models import User

    if (token_id is None) == (user_name is None):
        raise click.UsageError("give either a token id or --user NAME")
    sessions = open_database(_settings())
    with sessions() as session:
        if token_id is not None:
            token = accounts.revoke_token(session, token_id)
            owner = token.user.name
            session.commit()
            click.echo(f"token {token_id} of {owner} revoked")
            return
        user = session.scalar(select(User).where(User.name == user_name))
        if user is None:
            raise accounts.AccountError(f"no user named {user_name!r}")
        count = accounts.revoke_tokens_of(session, user)
        session.commit()
    click.echo(f"{count} token{'s' if count != 1 else ''} of {user_name} revoked")


_report_domain_errors(main)


@main.group(invoke_without_command=True)
@click.option("--no-push", is_flag=True, help="Commit and pull, but do not push.")
@click.option("--no-pull", is_flag=True, help="Only commit the pending changes.")
@click.pass_context
def sync(ctx: click.Context, no_push: bool, no_pull: bool) -> None:
    """Commit pending catalog changes, pull and merge, push (the project folder is a git clone)."""
    if ctx.invoked_subcommand is not None:
        return
    from .db import open_database
    from .gitsync.service import GitSync

    settings = _settings()
    report = GitSync(settings, open_database(settings)).sync(pull=not no_pull, push=False if no_push else None)
    for line in report.lines():
        click.echo(line, err=line.startswith("error:"))
    if report.error or report.busy:
        sys.exit(1)


@sync.command("status")
def sync_status() -> None:
    """Show the last sync, its error, the backoff and the changes waiting for a commit."""
    from .db import open_database
    from .gitsync.service import GitSync

    settings = _settings()
    service = GitSync(settings, open_database(settings))
    state = service.state.load()
    pending = service.pending_changes()
    click.echo(
        f"last sync: {state.get('last_sync_at') or 'never'}; last success: {state.get('last_success_at') or 'never'}"
    )
    click.echo(f"changes waiting for a commit: {pending['changes']}")
    if state.get("last_error"):
        click.echo(
            f"last error ({state.get('last_error_at')}): {state['last_error']}; "
            f"{state.get('failures', 0)} failure(s) in a row"
        )


@main.group()
def index() -> None:
    """Manage what the database derives from the catalogs."""


@index.command("rebuild")
def index_rebuild() -> None:
    """Rebuild the translation-memory table from the catalogs alone (approved translations of every release)."""
    from .core.states import STATES
    from .db import open_database
    from .gitsync.index import rebuild

    settings = _settings()
    with open_database(settings)() as session:
        report = rebuild(session, settings.project())
    per_language = ", ".join(f"{code} {n}" for code, n in sorted(report.entries.items())) or "none"
    click.echo(
        f"translation memory: {sum(report.entries.values())} approved translations from "
        f"{report.catalogs} catalogs ({per_language})"
    )
    click.echo("states: " + ", ".join(f"{report.states[s]} {s}" for s in STATES))
    for problem in report.problems:
        click.echo(f"skipped: {problem}", err=True)
    if report.problems:
        sys.exit(1)


_report_domain_errors(sync)
_report_domain_errors(index)
