"""A project directory: sources, catalogs and builds, and the operations on releases (through storage)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import storage
from .core import catalog as cat
from .core.blocks import Document
from .core.checks import Check
from .core.defaults import DEFAULT_FRONT_MATTER_KEYS, DEFAULT_MAX_BYTES
from .core.errors import (
    CatalogError,
    LanguageError,
    ReleaseNameError,
    SourceError,
    TranslateAppError,
    UnknownReleaseError,
)
from .core.glossary import glossary_checks, glossary_path, load_glossary
from .core.languages import get_language
from .core.states import entry_state
from .core.status import LanguageStatus, catalog_problems, catalog_status

_RELEASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def validate_release_name(name: str) -> str:
    """Return the name if it is safe as a file name, else raise ReleaseNameError."""
    if not name or ".." in name or "/" in name or "\\" in name or not _RELEASE_NAME.match(name):
        raise ReleaseNameError(f"invalid release name {name!r}: use letters, digits, '.', '_' and '-', no '..' or '/'")
    return name


@dataclass
class CompileReport:
    """What compile did and every problem it found."""

    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Say whether compile found no problem."""
        return not self.problems


class Project:
    """The files of one project: source/, locales/ and build/ under one root."""

    def __init__(
        self,
        root: Path | str,
        *,
        max_source_bytes: int = DEFAULT_MAX_BYTES,
        front_matter_keys: tuple[str, ...] = DEFAULT_FRONT_MATTER_KEYS,
    ) -> None:
        self.root = Path(root).resolve()
        self.source_dir = self.root / "source"
        self.locales_dir = self.root / "locales"
        self.templates_dir = self.locales_dir / "templates"
        self.build_dir = self.root / "build"
        self.max_source_bytes = max_source_bytes
        self.front_matter_keys = front_matter_keys
        # Segmented sources by path, with the file identity they were read at (see document).
        self._documents: dict[str, tuple[tuple, Document]] = {}

    # -- paths ---------------------------------------------------------------
    def source_path(self, name: str) -> Path:
        """Return the Markdown source of a release."""
        return self.source_dir / f"{validate_release_name(name)}.md"

    def template_path(self, name: str) -> Path:
        """Return the template (.pot) of a release."""
        return self.templates_dir / f"{validate_release_name(name)}.pot"

    def catalog_path(self, name: str, language: str) -> Path:
        """Return the catalog of one language of a release."""
        code = get_language(language).code
        return self.locales_dir / code / "LC_MESSAGES" / f"{validate_release_name(name)}.po"

    def relative(self, path: Path) -> str:
        """Return a path relative to the project root, for occurrences and messages."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- listing -------------------------------------------------------------
    def releases(self) -> list[str]:
        """Return the names of every release in source/."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.stem for p in self.source_dir.glob("*.md") if _RELEASE_NAME.match(p.stem))

    def require(self, name: str) -> str:
        """Return the name of an existing release, or raise UnknownReleaseError."""
        validate_release_name(name)
        if not self.source_path(name).is_file():
            raise UnknownReleaseError(f"no release {name!r} (expected {self.relative(self.source_path(name))})")
        return name

    def languages(self, name: str) -> list[str]:
        """Return the languages that have a catalog for a release."""
        validate_release_name(name)
        if not self.locales_dir.is_dir():
            return []
        found = []
        for po in sorted(self.locales_dir.glob(f"*/LC_MESSAGES/{name}.po")):
            found.append(po.parent.parent.name)
        return found

    def document(self, name: str) -> Document:
        """Read and segment the source of a release (kept while the file is unchanged; do not modify it)."""
        from .core.segmenter import read_source, segment  # markdown-it: only what reads a source needs it

        path = self.source_path(self.require(name))
        try:
            st = path.stat()
            key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size, self.front_matter_keys)
        except OSError:
            key = None
        cached = self._documents.get(str(path))
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        text = read_source(path, max_bytes=self.max_source_bytes)
        doc = segment(text, self.relative(path), front_matter_keys=self.front_matter_keys)
        if key is not None:
            self._documents[str(path)] = (key, doc)
        return doc

    def extra_checks(self, name: str) -> list[Check]:
        """Return the checks a release adds to the registry: its glossary's, if it has one."""
        return list(glossary_checks(load_glossary(glossary_path(self.source_dir, validate_release_name(name)))))

    def load_catalog(self, name: str, language: str) -> polib.POFile:
        """Read the catalog of one language, or raise if the release lacks that language."""
        path = self.catalog_path(name, language)
        if not path.is_file():
            raise UnknownReleaseError(f"release {name!r} has no catalog for {language!r}")
        return storage.read(path)

    # -- changing -------------------------------------------------------------
    def add_release(self, source_file: Path | str, languages: list[str]) -> str:
        """Register a Markdown file as a release and create its template and catalogs."""
        source_file = Path(source_file)
        name = validate_release_name(source_file.stem)
        if source_file.suffix.lower() != ".md":
            raise SourceError(f"{source_file}: a release source must be a .md file")
        import shutil

        from .core.segmenter import read_source, segment

        codes = [get_language(code).code for code in languages]
        text = read_source(source_file, max_bytes=self.max_source_bytes)
        segment(text, str(source_file), front_matter_keys=self.front_matter_keys)  # refuse before copying
        target = self.source_path(name)
        if source_file.resolve() != target.resolve():
            if target.exists():
                raise SourceError(f"{self.relative(target)} already exists; use update after editing it")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_file, target)
        self.update(name, add_languages=codes)
        return name

    def update(self, name: str, *, add_languages: list[str] | None = None) -> dict[str, Counter]:
        """Re-extract a release and merge the template into every catalog (msgmerge semantics).

        Signatory items nobody has worked on are filled in every language in
        the same pass (translate_app/signatory_fill.py). Returns the count of
        each state per language, and under "signatories" how many of the
        `needs_review` are signatory items filled and not yet reviewed.
        """
        doc = self.document(name)
        existing = self.languages(name)
        languages = list(dict.fromkeys(existing + list(add_languages or [])))
        checked = {}  # refuse a malformed catalog before writing anything; reused below while unchanged
        for code in existing:
            path = self.catalog_path(name, code)
            checked[code] = (storage.catalogs.file_key(path), cat.load(path))
        template = cat.template_from_document(doc, name)
        pot_path = self.template_path(name)
        old = cat.load(pot_path) if pot_path.is_file() else None
        if old is not None and cat.same_entries(old, template):
            template = old  # keep the creation date: no needless diff
        else:
            storage.save(template, pot_path)
        from .signatory_fill import filler  # signatory items: names kept, countries from CLDR (issue 15)

        fill_signatories = filler(self, name, doc)
        changes: dict[str, Counter] = {}
        for code in languages:
            path = self.catalog_path(name, code)
            with storage.catalog_lock(path):
                if path.is_file():
                    key, po = checked.get(code, (None, None))
                    if po is None or key is None or storage.catalogs.file_key(path) != key:
                        po = cat.load(path)  # changed since the check (a save): read again under the lock
                    merged = cat.merge(po, template)
                else:
                    po = None
                    merged = cat.new_catalog(template, code, name)
                filled = fill_signatories(merged, code)
                if po is None or cat.serialise(po) != cat.serialise(merged):
                    storage.save(merged, path)
                changes[code] = Counter(entry_state(e).value for e in merged if not e.obsolete)
                if filled.filled + filled.description:  # of the needs_review: signatory items waiting for review
                    changes[code]["signatories"] = filled.filled + filled.description
        return changes

    # -- reading -------------------------------------------------------------
    def status(self, name: str) -> list[LanguageStatus]:
        """Return per-language counts of every state and failing check."""
        result = []
        extra = self.extra_checks(name)
        for code in self.languages(name):
            po = self.load_catalog(name, code)
            result.append(catalog_status(po, code, extra))
        return result

    def compile(self, *, check: bool = False, names: list[str] | None = None) -> CompileReport:
        """Write .mo files and approved releases; with check, write nothing and only report."""
        from .core.compiler import render_html, render_markdown, unapproved

        report = CompileReport()
        for name in names or self.releases():
            try:
                doc = self.document(name)
                extra = self.extra_checks(name)
            except TranslateAppError as exc:
                report.problems.append(str(exc))
                continue
            template = cat.template_from_document(doc, name)
            source_ids = {(e.msgctxt, e.msgid) for e in template}
            pot_path = self.template_path(name)
            if not pot_path.is_file():
                report.problems.append(f"{self.relative(pot_path)}: missing template; run update {name}")
            else:
                try:
                    pot = cat.load(pot_path)
                    if {(e.msgctxt, e.msgid) for e in pot if not e.obsolete} != source_ids:
                        report.problems.append(
                            f"{self.relative(pot_path)}: out of date with its source; run update {name}"
                        )
                except CatalogError as exc:
                    report.problems.append(str(exc))
            for code in self.languages(name):
                try:
                    path = self.catalog_path(name, code)
                except LanguageError as exc:
                    report.problems.append(f"{self.relative(self.locales_dir / code)}: {exc}")
                    continue
                rel = self.relative(path)
                try:
                    po = cat.load(path)
                except CatalogError as exc:
                    report.problems.append(str(exc))
                    continue
                report.problems.extend(catalog_problems(po, rel, source_ids, extra))
                if check:
                    continue
                mo = path.with_suffix(".mo")
                storage.write_atomic(mo, po.to_binary())  # polib leaves fuzzy and obsolete entries out
                report.written.append(mo)
                if unapproved(doc, po):
                    report.skipped.append(f"{name}/{code}")
                    continue
                out = self.build_dir / "releases" / name
                markdown = render_markdown(doc, po, only_approved=True)
                storage.write_atomic(out / f"{code}.md", markdown.encode("utf-8"), durable=False)
                storage.write_atomic(out / f"{code}.html", render_html(markdown, code).encode("utf-8"), durable=False)
                report.written += [out / f"{code}.md", out / f"{code}.html"]
        return report
