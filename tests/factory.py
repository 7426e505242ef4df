"""Build a project for a test: a release in source/, its catalogs, a database, and people.

The fixtures of every conftest build theirs here, so that what "a project"
is for the tests is written once:

    root = make_project(tmp_path / "project", languages=["de", "fr"])
    app = make_app(root, f"sqlite:///{tmp_path / 'test.sqlite3'}", people=WEB_PEOPLE)

Real files in a temporary folder and a real database (SQLite, or PostgreSQL
by URL), no mocks.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASSWORD = "correct horse battery"

# A small release with the constructs the checks care about: a heading, bold, a link, a list, a number.
SMALL_RELEASE = """# Stop the deportation

The undersigned organisations call on the **Court** to protect [Maksim Kuzmin](https://example.org/mk).

- Protect conscientious objectors.
- Respect the ruling of 2023.

Signed on March 30th 2026.
"""


@dataclass(frozen=True)
class Person:
    """Someone to create in a test's database."""

    name: str
    role: str
    languages: tuple[str, ...] = ()
    display_name: str | None = None


# One of each kind for the web tests (German has two reviewers: one cannot approve their own translation).
WEB_PEOPLE = (
    Person("coord", "coordinator"),
    Person("rev_de", "reviewer", ("de",)),
    Person("rev2_de", "reviewer", ("de",)),
    Person("tr_de", "translator", ("de",)),
    Person("tr_fr", "translator", ("fr",)),
)


def make_project(
    root: Path,
    *,
    source: str | Path = SMALL_RELEASE,
    name: str | None = None,
    languages: Sequence[str] = ("de", "fr", "he"),
    files: dict[str, str] | None = None,
) -> Path:
    """Write a release into root/source (text, or a copy of a file) and create its catalogs; return root.

    The release is named after the copied file, else `name` (default "appeal");
    `files` are written first, relative to root (a .gitignore, for example).
    """
    from translate_app.project import Project

    (root / "source").mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (root / rel).write_text(text, encoding="utf-8")
    if isinstance(source, Path):
        target = root / "source" / (f"{name}.md" if name else source.name)
        shutil.copy(source, target)
    else:
        target = root / "source" / f"{name or 'appeal'}.md"
        target.write_text(source, encoding="utf-8")
    Project(root).add_release(target, list(languages))
    return root


def sqlite_url(folder: Path, name: str = "test") -> str:
    """Return the URL of an SQLite database file in a folder."""
    return f"sqlite:///{folder / (name + '.sqlite3')}"


def add_people(sessions: Callable[[], Any], people: Iterable[Person], *, password: str = PASSWORD) -> dict[str, int]:
    """Create people (in order, one transaction) with the same password; return their ids by name."""
    from translate_app import accounts

    ids: dict[str, int] = {}
    with sessions() as session:
        for person in people:
            user = accounts.create_user(
                session,
                name=person.name,
                role=person.role,
                languages=list(person.languages),
                password=password,
                display_name=person.display_name,
            )
            session.flush()
            ids[person.name] = user.id
        session.commit()
    return ids


def make_app(
    root: Path,
    database_url: str,
    *,
    people: Iterable[Person] = WEB_PEOPLE,
    testing: bool = True,
    secret_key: str = "test-secret",
    **settings: Any,
):
    """Return the Flask app on a project and database (schema applied), with these people in it."""
    from translate_app import create_app
    from translate_app.config import Settings
    from translate_app.web.extensions import Database

    config = Settings(root=root, secret_key=secret_key, database_url=database_url, secure_cookies=False, **settings)
    app = create_app({"SETTINGS": config, "TESTING": True} if testing else {"SETTINGS": config})
    add_people(Database.factory(app), people)
    return app
