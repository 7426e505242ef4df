"""Configuration from TRANSLATE_APP_* environment variables, with safe embedded defaults.

This is the one module that reads the environment: `Settings.from_env()` runs
where a process starts (the command line, the app factory, the RQ worker) and
the settings are passed down from there. A machine-translation provider
declares its own variables on its class (see mt/base.Option); they are read
from `Settings.options`, the TRANSLATE_APP_* variables as from_env found them.
tests/core/test_configuration.py enforces that nothing else reads os.environ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from .core.defaults import DEFAULT_FRONT_MATTER_KEYS, DEFAULT_MAX_BYTES

PREFIX = "TRANSLATE_APP_"
DEFAULT_LANGUAGES = "de,fr,it,el,tr,ru,uk,lt,nl,ko,he,es"


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: str | None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    """Return TRANSLATE_APP_<name> from the environment, or the default (for Settings.from_env only)."""
    value = os.environ.get(PREFIX + name)
    return value if value not in (None, "") else default


def _variables() -> dict[str, str]:
    """Return every non-empty TRANSLATE_APP_* variable by its name without the prefix."""
    return {name[len(PREFIX) :]: value for name, value in os.environ.items() if name.startswith(PREFIX) and value}


# Tuning of every machine-translation provider (mt/base.Provider attributes), by variable.
_MT_TUNING: dict[str, tuple[str, type]] = {
    "MT_BATCH_SIZE": ("batch_size", int),
    "MT_CONCURRENCY": ("concurrency", int),
    "MT_RATE_LIMIT": ("rate_limit", float),
    "MT_MAX_ATTEMPTS": ("max_attempts", int),
    "MT_BACKOFF": ("backoff", float),
    "MT_RETRY_AFTER_MAX": ("retry_after_max", float),
}


def _mt_tuning() -> dict[str, Any]:
    """Return provider tuning given as TRANSLATE_APP_MT_* variables (timeouts in seconds)."""
    found: dict[str, Any] = {}
    for name, (attribute, kind) in _MT_TUNING.items():
        value = env(name)
        if value is not None:
            try:
                found[attribute] = kind(value)
            except ValueError:
                raise ValueError(f"{PREFIX}{name} must be a number, not {value!r}") from None
    read, connect = env("MT_TIMEOUT"), env("MT_CONNECT_TIMEOUT")
    if read is not None or connect is not None:
        found["timeout"] = (float(connect or min(float(read or 30), 5.0)), float(read or 30))
    return found


def project_root() -> Path:
    """Return the project directory: TRANSLATE_APP_ROOT or the current directory."""
    return Path(env("ROOT", os.getcwd())).resolve()


def _count(name: str) -> int:
    """Read a non-negative whole number setting (0 when unset)."""
    raw = env(name, "0")
    if not raw.isdigit():
        raise ValueError(f"{PREFIX}{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Read a setting that must be one of a few words."""
    raw = env(name, default)
    if raw not in choices:
        raise ValueError(f"{PREFIX}{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _minutes(name: str, default: float, unit: str = "minutes") -> float:
    """Read a positive number of minutes (or of another unit, named in the error)."""
    raw = env(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"{PREFIX}{name} must be a number of {unit} above 0, not {raw!r}")
    return value


def _secret(name: str, variables: dict[str, str]) -> str | None:
    """Read a secret from the variable NAME, or from the file NAME_FILE names (never written anywhere)."""
    value = variables.get(name)
    if value:
        return value
    path = variables.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise ValueError(f"{PREFIX}{name}_FILE: cannot read {path}: {exc.strerror}") from exc


def _smtp_settings(variables: dict[str, str]) -> dict:
    """Read TRANSLATE_APP_SMTP_*; SMTP_URL fills what the single settings leave unset."""
    from urllib.parse import unquote, urlsplit

    values: dict = {}
    url = _secret("SMTP_URL", variables)  # it may carry the password
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"{PREFIX}SMTP_URL must look like smtp://USER:PASSWORD@HOST:PORT (or smtps://)")
        values = {
            "smtp_host": parts.hostname,
            "smtp_port": parts.port or 0,
            "smtp_ssl": parts.scheme == "smtps",
            "smtp_user": unquote(parts.username) if parts.username else None,
            "smtp_password": unquote(parts.password) if parts.password else None,
        }
        if parts.scheme == "smtps":
            values["smtp_starttls"] = False
    port = env("SMTP_PORT")
    if port is not None and not port.isdigit():
        raise ValueError(f"{PREFIX}SMTP_PORT must be a port number, not {port!r}")
    values.update(
        {
            k: v
            for k, v in {
                "smtp_host": env("SMTP_HOST"),
                "smtp_port": int(port) if port else None,
                "smtp_user": env("SMTP_USER"),
                "smtp_password": _secret("SMTP_PASSWORD", variables),
                "smtp_from": env("SMTP_FROM"),
            }.items()
            if v is not None
        }
    )
    if env("SMTP_STARTTLS") is not None:
        values["smtp_starttls"] = env("SMTP_STARTTLS") not in ("0", "false", "no")
    if env("SMTP_TIMEOUT") is not None:
        values["smtp_timeout"] = _minutes("SMTP_TIMEOUT", 20.0, "seconds")
    return values


@dataclass
class Settings:
    """Every setting the service reads, resolved once."""

    root: Path = field(default_factory=project_root)
    database_url: str | None = None
    secret_key: str | None = None
    redis_url: str | None = None
    instance_path: Path | None = None  # default: root/instance
    mt_provider: str = "memory"
    mt_public_services: bool = False  # Google's web page and MyMemory: they would see unpublished text
    mt_tuning: dict[str, Any] = field(default_factory=dict)  # Provider attributes: timeout, retries, batches
    # Every TRANSLATE_APP_* variable by its name without the prefix: each provider reads the ones its
    # class declares (mt/base.Option), so a new provider needs no field here.
    options: dict[str, str] = field(default_factory=dict)
    rq_queue: str = "translate-app"
    languages: str = DEFAULT_LANGUAGES
    max_source_bytes: int = DEFAULT_MAX_BYTES
    front_matter_keys: tuple[str, ...] = DEFAULT_FRONT_MATTER_KEYS
    secure_cookies: bool = True
    # Reverse proxies in front of the service whose X-Forwarded-* headers are believed (0: none).
    trusted_proxies: int = 0
    # Git (see gitsync/): sync the project folder, a clone of the organisation's repository.
    git_sync: bool = False  # the background scheduler and the webhook; `translate-app sync` works regardless
    git_remote: str | None = None  # default: the current branch's upstream remote
    git_branch: str | None = None  # default: the upstream branch, else the current one
    git_push: str = "branch"  # "branch": to the branch; "pull-request": a branch per release; "none"
    git_translation_branch_prefix: str = "translate-app/"  # + the release's name
    git_commit_after_changes: int = 20
    git_commit_after_quiet_minutes: float = 5.0
    git_pull_minutes: float = 10.0
    git_commit_on_publish: bool = True
    git_noreply_domain: str = "users.noreply.invalid"
    git_committer_name: str = "translate-app"
    git_committer_email: str | None = None  # default: translate-app@ the no-reply domain
    git_username: str | None = None
    git_password: str | None = None  # a token for HTTPS remotes, from the environment or a file; never stored
    git_webhook_secret: str | None = None
    # Mail (see mail.py): configured only when a host is set; TRANSLATE_APP_SMTP_URL
    # (smtp://USER:PASSWORD@HOST:PORT, smtps:// for TLS from the start) fills what the others leave unset.
    smtp_host: str | None = None
    smtp_port: int = 0  # 0: 465 with smtp_ssl, else 587 with STARTTLS, else 25
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # from the environment or a file; never stored
    smtp_from: str | None = None  # default: translate-app@ the host's domain
    smtp_starttls: bool = True
    smtp_ssl: bool = False
    smtp_timeout: float = 20.0
    # Notifications (see notifications.py): links in messages start with public_url when it is set.
    public_url: str | None = None
    notify_webhook_private: bool = False  # allow webhooks to loopback and private addresses (tests, intranets)
    notify_gather_seconds: float = 60.0  # a digest waits this long for more of a burst
    notify_digest_minutes: float = 60.0  # at most one digest per release and person this often, urgent aside
    notify_deadline_hours: float = 24.0  # "deadline near": the deadline's day ends within this many hours

    @property
    def instance_dir(self) -> Path:
        """Return the folder for local state: the SQLite file and the generated secret."""
        return self.instance_path if self.instance_path is not None else self.root / "instance"

    def option(self, name: str, *, secret: bool = False) -> str | None:
        """Return the variable TRANSLATE_APP_<name> as from_env found it; a secret may come from NAME_FILE."""
        return _secret(name, self.options) if secret else self.options.get(name) or None

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from TRANSLATE_APP_* variables."""
        keys = env("FRONT_MATTER_KEYS")
        instance = env("INSTANCE_DIR")
        variables = _variables()
        return cls(
            root=project_root(),
            instance_path=Path(instance) if instance else None,
            database_url=env("DATABASE_URL"),
            secret_key=env("SECRET_KEY"),
            redis_url=env("REDIS_URL"),
            mt_provider=env("MT_PROVIDER", "memory"),
            mt_tuning=_mt_tuning(),
            options=variables,
            rq_queue=env("RQ_QUEUE", "translate-app"),
            mt_public_services=env("MT_PUBLIC_SERVICES", "0") not in ("0", "false", "no"),
            languages=env("LANGUAGES", DEFAULT_LANGUAGES),
            max_source_bytes=int(env("MAX_SOURCE_BYTES", str(DEFAULT_MAX_BYTES))),
            front_matter_keys=tuple(k.strip() for k in keys.split(",")) if keys else DEFAULT_FRONT_MATTER_KEYS,
            secure_cookies=env("SECURE_COOKIES", "1") not in ("0", "false", "no"),
            trusted_proxies=_count("TRUSTED_PROXIES"),
            git_sync=env("GIT_SYNC", "0") not in ("0", "false", "no"),
            git_remote=env("GIT_REMOTE"),
            git_branch=env("GIT_BRANCH"),
            git_push=_choice("GIT_PUSH", ("branch", "pull-request", "none"), "branch"),
            git_translation_branch_prefix=env("GIT_TRANSLATION_BRANCH_PREFIX", "translate-app/"),
            git_commit_after_changes=_count("GIT_COMMIT_AFTER_CHANGES") or 20,
            git_commit_after_quiet_minutes=_minutes("GIT_COMMIT_AFTER_QUIET_MINUTES", 5.0),
            git_pull_minutes=_minutes("GIT_PULL_MINUTES", 10.0),
            git_commit_on_publish=env("GIT_COMMIT_ON_PUBLISH", "1") not in ("0", "false", "no"),
            git_noreply_domain=env("GIT_NOREPLY_DOMAIN", "users.noreply.invalid"),
            git_committer_name=env("GIT_COMMITTER_NAME", "translate-app"),
            git_committer_email=env("GIT_COMMITTER_EMAIL"),
            git_username=env("GIT_USERNAME"),
            git_password=_secret("GIT_PASSWORD", variables),
            git_webhook_secret=_secret("GIT_WEBHOOK_SECRET", variables),
            **_smtp_settings(variables),
            public_url=env("PUBLIC_URL"),
            notify_webhook_private=env("NOTIFY_WEBHOOK_PRIVATE", "0") not in ("0", "false", "no"),
            notify_gather_seconds=_minutes("NOTIFY_GATHER_MINUTES", 1.0) * 60,
            notify_digest_minutes=_minutes("NOTIFY_DIGEST_MINUTES", 60.0),
            notify_deadline_hours=_minutes("NOTIFY_DEADLINE_HOURS", 24.0, "hours"),
        )

    @property
    def mail_configured(self) -> bool:
        """Say whether e-mail can be sent: an SMTP host is set."""
        return bool(self.smtp_host)

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the instance folder."""
        if self.database_url:
            return self.database_url
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.instance_dir / 'translate_app.sqlite3'}"

    def resolved_secret_key(self) -> str:
        """Return the secret key, generating one into the instance folder on first use."""
        if self.secret_key:
            return self.secret_key
        import secrets  # the command line never needs it

        self.instance_dir.mkdir(parents=True, exist_ok=True)
        path = self.instance_dir / "secret_key"
        if not path.exists():
            # Several gunicorn workers may start at once: write aside, then link into
            # place, so exactly one key wins and nobody reads a half-written file.
            tmp = path.with_name(f".secret_key.{os.getpid()}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        return path.read_text().strip()

    def project(self):
        """Return the Project these settings point at (made once: it holds only paths and limits)."""
        from .project import Project

        key = (self.root, self.max_source_bytes, self.front_matter_keys)
        cached = self.__dict__.get("_project")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_project"] = (
                key,
                Project(self.root, max_source_bytes=self.max_source_bytes, front_matter_keys=self.front_matter_keys),
            )
        return cached[1]
