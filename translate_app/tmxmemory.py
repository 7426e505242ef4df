"""The translation memory as TMX: export the approved translations, import other tools' memories.

Export: per language, every approved entry of every release, with the release
as a property (`x-release`), never a person's name or address.

Import: a TMX file's units (English source, the language asked for) are kept
in the project, next to the catalogs, as `memory/LANGUAGE/NAME.tmx` (written
again in TMX 1.4 by this service, so only the two languages and the texts
stay). The memory that pre-translation and the editor use (mt/memory.py)
reads these files beside the approved catalog entries, and `translate-app
index rebuild` indexes them too; importing a file of the same name again
replaces it. Like the catalogs, they are files: versioned, backed up and
synchronised with the rest of the project.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .core import catalog as cat
from .core import tmx
from .core.errors import TranslateAppError
from .core.languages import get_language
from .core.states import State, entry_state
from .project import Project
from .storage.files import write_atomic

SOURCE_LANGUAGE = "en"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class MemoryImportError(TranslateAppError):
    """A TMX file that cannot be taken into the memory."""


@dataclass(frozen=True)
class ImportReport:
    """What an import kept."""

    language: str
    units: int
    path: Path


def memory_dir(project: Project, language: str) -> Path:
    """Return the folder of one language's imported memories."""
    return project.root / "memory" / get_language(language).code


def imported_files(project: Project, language: str) -> list[Path]:
    """Return one language's imported TMX files, by name."""
    return sorted(memory_dir(project, language).glob("*.tmx"))


def imported_units(path: Path, language: str) -> Iterator[tmx.Unit]:
    """Yield the units of an imported memory file (written by import_tmx, so readable)."""
    yield from tmx.read(path.read_bytes(), SOURCE_LANGUAGE, get_language(language).code)


def project_languages(project: Project) -> list[str]:
    """Return every language that has a catalog in some release or an imported memory."""
    codes = {p.parent.parent.name for p in project.locales_dir.glob("*/LC_MESSAGES/*.po")}
    codes |= {p.name for p in (project.root / "memory").glob("*") if p.is_dir()}
    return sorted(c for c in codes if c != "templates")


def approved_units(project: Project, language: str) -> Iterator[tmx.Unit]:
    """Yield the approved entries of every release in one language, as TMX units."""
    code = get_language(language).code
    for release in project.releases():
        path = project.catalog_path(release, code)
        if not path.is_file():
            continue
        for entry in cat.load(path):
            if not entry.obsolete and entry.msgid and not entry.msgid_plural and entry_state(entry) == State.APPROVED:
                yield tmx.Unit(entry.msgid, entry.msgstr, {"x-release": release})


def export_tmx(project: Project, language: str) -> bytes:
    """Return one language's approved translations of every release as a TMX document."""
    code = get_language(language).code
    return tmx.write(approved_units(project, code), SOURCE_LANGUAGE, code)


def import_tmx(project: Project, language: str, data: bytes, filename: str, *, max_bytes: int) -> ImportReport:
    """Keep a TMX file's English-to-LANGUAGE units as an imported memory; refuse a file with none."""
    code = get_language(language).code
    name = Path(filename or "memory.tmx").name
    if len(data) > max_bytes:
        raise MemoryImportError(f"{name}: larger than {max_bytes:,} bytes")
    try:
        units = [
            tmx.Unit(u.source, u.target, {"x-imported-from": name})
            for u in tmx.read(data, SOURCE_LANGUAGE, code)
            if u.source.strip() and u.target.strip()
        ]
        if not units:
            raise MemoryImportError(f"{name}: no unit with both English and {get_language(code).english_name} text")
        written = tmx.write(units, SOURCE_LANGUAGE, code)
    except tmx.TMXError as exc:
        raise MemoryImportError(f"{name}: {exc}") from exc
    stem = _SAFE_NAME.sub("-", Path(name).stem).strip(".-") or "memory"
    path = memory_dir(project, code) / f"{stem[:80]}.tmx"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, written)
    return ImportReport(code, len(units), path)
