"""A bare remote, clones of it, and service instances working in clones: real git in tmp_path."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import polib
import pytest

from tests.factory import PASSWORD, Person, add_people, make_project, sqlite_url
from translate_app.config import Settings

RELEASE = """# Stop the deportation

The undersigned organisations call on the **Court** to protect Maksim Kuzmin.

- Protect conscientious objectors.
- Respect the ruling of 2023.

Signed on March 30th 2026.
"""

GITIGNORE = """/instance/
/build/
locales/**/.*.lock
locales/**/.*.queue/
locales/**/.*.changes/
locales/**/.*.tmp
"""

# Two reviewers of both languages (one with a display name, shown in commits) and a coordinator.
PEOPLE = (
    Person("olena", "reviewer", ("de", "fr"), "Olena Shevchenko"),
    Person("taras", "reviewer", ("de", "fr")),
    Person("coord", "coordinator", ("de", "fr")),
)

__all__ = ["PASSWORD"]  # imported from here by tests elsewhere


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git as the organisation's people do (not as the service) and return its output."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


@pytest.fixture(autouse=True)
def _people(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give commits made by hand in the tests (the 'other side') an identity of their own."""
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Partner Org")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "dev@partner.example")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("TRANSLATE_APP_INSTANCE_DIR", raising=False)


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """Return a bare repository holding a project with the release `appeal` in German and French."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    make_project(seed, source=RELEASE, languages=["de", "fr"], files={".gitignore": GITIGNORE})
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Add the release appeal")
    git(seed, "push", "-q", "origin", "main")
    return bare


@dataclass
class Instance:
    """One translate-app service working in its own clone, with its own database."""

    root: Path
    settings: Settings
    sessions: object
    users: dict[str, int] = field(default_factory=dict)

    def sync(self, **kwargs):
        """Run one sync as `translate-app sync` does."""
        from translate_app.gitsync.service import GitSync

        return GitSync(self.settings, self.sessions).sync(**kwargs)

    def entry(self, language: str, msgid_start: str, release: str = "appeal") -> polib.POEntry:
        """Return the catalog entry whose source starts with the given text."""
        from translate_app.core import catalog as cat

        po = cat.load(self.settings.project().catalog_path(release, language))
        return next(e for e in po if e.msgid.startswith(msgid_start) and not e.obsolete)

    def save(self, user: str, language: str, msgid_start: str, text: str, release: str = "appeal"):
        """Save a translation in the service, as the editor does."""
        from translate_app import workflow
        from translate_app.core.catalog import entry_id, entry_version
        from translate_app.models import User

        entry = self.entry(language, msgid_start, release)
        with self.sessions() as session:
            person = session.get(User, self.users[user])
            return workflow.save_segment(
                session=session,
                project=self.settings.project(),
                user=person,
                release=release,
                language=language,
                segment_id=entry_id(entry),
                text=text,
                version=entry_version(entry),
            )

    def approve(self, user: str, language: str, msgid_start: str):
        """Approve a segment as a reviewer."""
        from translate_app import workflow
        from translate_app.core.catalog import entry_id, entry_version
        from translate_app.models import User

        entry = self.entry(language, msgid_start)
        with self.sessions() as session:
            person = session.get(User, self.users[user])
            return workflow.approve_segment(
                session=session,
                project=self.settings.project(),
                user=person,
                release="appeal",
                language=language,
                segment_id=entry_id(entry),
                version=entry_version(entry),
            )


@pytest.fixture
def make_instance(remote: Path, tmp_path: Path):
    """Return a function that clones the remote and starts a service instance in the clone."""
    from translate_app.db import open_database

    def make(name: str = "service", **overrides) -> Instance:
        root = tmp_path / name
        git(tmp_path, "clone", "-q", str(remote), str(root))
        settings = Settings(
            root=root,
            secret_key="x",
            database_url=sqlite_url(tmp_path, name),
            git_noreply_domain="users.noreply.example.org",
            **overrides,
        )
        sessions = open_database(settings)
        return Instance(root, settings, sessions, users=add_people(sessions, PEOPLE))

    return make


@pytest.fixture
def other_clone(remote: Path, tmp_path: Path) -> Path:
    """Return a clone where someone else (a person with Poedit, CI) works."""
    root = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(root))
    return root
