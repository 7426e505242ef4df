"""Shared fixtures: real files in temporary directories, the shared corpus, the sample release."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factory import make_project

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _work_dir(tmp_path_factory: pytest.TempPathFactory):
    """Keep the catalogs' working files (queued edits, recent changes) in the test's temporary folder."""
    import os

    folder = tmp_path_factory.mktemp("work")
    os.environ["TRANSLATE_APP_WORK_DIR"] = str(folder)  # inherited by spawned processes and servers
    yield folder


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
    return make_project(project_dir, source=SAMPLE, languages=["de", "he"])
