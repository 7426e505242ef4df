"""Rebuild what the database derives from the catalogs, from the catalogs alone.

Today that is the `memory` table (MemoryEntry): every approved translation of
every release, per language, with the hash of its source text. The search in
the editor and the in-process translation memory (mt/memory.py) read the
catalogs directly and rebuild themselves when a catalog changes, and the
statistics are counted from the catalogs on each request; so nothing else in
the database depends on the catalogs' content. After a pull brought catalogs
edited elsewhere, or a database was restored, `translate-app index rebuild`
makes the table match the catalogs again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from ..core import catalog as cat
from ..core.errors import TranslateAppError
from ..core.states import State, entry_state
from ..models import MemoryEntry
from ..project import Project


@dataclass
class IndexReport:
    """What a rebuild found and wrote."""

    catalogs: int = 0
    entries: Counter = field(default_factory=Counter)  # approved entries per language
    states: Counter = field(default_factory=Counter)  # every state over every catalog
    problems: list[str] = field(default_factory=list)


def rebuild(session: Session, project: Project) -> IndexReport:
    """Replace the memory table with the approved translations of every catalog; one transaction."""
    report = IndexReport()
    rows = []
    for name in project.releases():
        for code in project.languages(name):
            path = project.catalog_path(name, code)
            try:
                po = cat.load(path)
            except TranslateAppError as exc:  # one broken catalog must not hide the others
                report.problems.append(str(exc).replace(str(project.root).rstrip("/") + "/", ""))
                continue
            report.catalogs += 1
            for entry in po:
                if entry.obsolete or not entry.msgid:
                    continue
                state = entry_state(entry)
                report.states[state.value] += 1
                if state == State.APPROVED:
                    rows.append(
                        {
                            "language": code,
                            "release": name,
                            "source": entry.msgid,
                            "translation": entry.msgstr,
                            "source_hash": hashlib.sha256(entry.msgid.encode()).hexdigest(),
                        }
                    )
                    report.entries[code] += 1
    rows += _imported_rows(project, report)
    session.execute(delete(MemoryEntry))
    if rows:
        session.execute(insert(MemoryEntry), rows)
    session.commit()
    return report


def _imported_rows(project: Project, report: IndexReport) -> list[dict]:
    """Return the rows of the memories imported as TMX (see tmxmemory.py), release "tmx:NAME"."""
    from ..tmxmemory import imported_files, imported_units, project_languages

    rows = []
    for code in project_languages(project):
        for path in imported_files(project, code):
            try:
                units = list(imported_units(path, code))
            except (OSError, TranslateAppError) as exc:
                report.problems.append(f"{project.relative(path)}: {exc}")
                continue
            rows += [
                {
                    "language": code,
                    "release": f"tmx:{path.stem}",
                    "source": u.source,
                    "translation": u.target,
                    "source_hash": hashlib.sha256(u.source.encode()).hexdigest(),
                }
                for u in units
            ]
            report.entries[code] += len(units)
    return rows
