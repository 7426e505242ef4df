"""Shared fixtures: real files in temporary directories, the shared corpus, the sample release."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_markdown() -> list[Path]:
    """Return every real Markdown document the tests use, the sample release first."""
    files = [SAMPLE]
    if CORPUS.is_dir():
        files += sorted((CORPUS / "md").glob("*.md")) + sorted((CORPUS / "md_pairs").glob("*.md"))
    return files


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return an empty project directory that TRANSLATE_APP_ROOT points at."""
    (tmp_path / "source").mkdir()
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(tmp_path))
    monkeypatch.setenv("TRANSLATE_APP_INSTANCE_DIR", str(tmp_path / "instance"))
    return tmp_path


@pytest.fixture
def sample_project(project_dir: Path) -> Path:
    """Return a project holding the sample release with German and Hebrew catalogs."""
    from translate_app.project import Project

    shutil.copy(SAMPLE, project_dir / "source" / SAMPLE.name)
    Project(project_dir).add_release(project_dir / "source" / SAMPLE.name, ["de", "he"])
    return project_dir
