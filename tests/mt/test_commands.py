"""The pretranslate and worker commands."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner

from tests.libretranslate_server import FakeLibreTranslate
from tests.mt.conftest import RELEASE
from translate_app.cli import main
from translate_app.core.states import State, entry_state
from translate_app.project import Project


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, libre: FakeLibreTranslate, db_url: str) -> None:
    monkeypatch.setenv("TRANSLATE_APP_LIBRETRANSLATE_URL", libre.url)
    monkeypatch.setenv("TRANSLATE_APP_DATABASE_URL", db_url)
    monkeypatch.delenv("TRANSLATE_APP_REDIS_URL", raising=False)


def test_pretranslate_shows_progress_and_a_summary(sample_project, env, libre: FakeLibreTranslate) -> None:
    result = CliRunner().invoke(main, ["pretranslate", RELEASE, "--lang", "de,he", "--provider", "libretranslate"])
    assert result.exit_code == 0, result.output
    assert "job 1: libretranslate → de, he" in result.output
    assert "pre-translating" in result.output
    assert (
        f"62 of 62 segments filled, 0 without a match, 0 failed, {libre.requests} provider requests" in result.output
    )  # 70 segments in each language, 39 of them signatory items filled when the language was added
    project = Project(sample_project)
    states = Counter(entry_state(e) for e in project.load_catalog(RELEASE, "he") if e.msgid)
    assert states == {State.MACHINE: 31, State.NEEDS_REVIEW: 39}


def test_a_memory_job_without_matches_says_nothing_was_filled(sample_project, env) -> None:
    result = CliRunner().invoke(main, ["pretranslate", RELEASE, "--lang", "de", "--provider", "memory"])
    assert result.exit_code == 0, result.output
    assert "job 1 done: 0 of 31 segments filled, 31 without a match, 0 failed" in result.output  # 39 signatories
    assert "31 segment(s) have no approved translation of the same English text" in result.output


def test_pretranslate_defaults_to_every_language_and_the_configured_provider(
    sample_project, env, monkeypatch: pytest.MonkeyPatch, libre: FakeLibreTranslate
) -> None:
    monkeypatch.setenv("TRANSLATE_APP_MT_PROVIDER", "libretranslate")
    result = CliRunner().invoke(main, ["pretranslate", RELEASE])
    assert result.exit_code == 0, result.output
    assert "libretranslate → de, he" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "de", "--provider", "babelfish"], "error: unknown machine-translation provider 'babelfish'"),
        (["--lang", "de", "--provider", "deepl"], "error: DeepL needs an API key"),
        (["--lang", "xx-!", "--provider", "memory"], "error: malformed language code"),
    ],
)
def test_pretranslate_refuses_with_one_line(sample_project, env, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["pretranslate", RELEASE, *args])
    assert result.exit_code == 1
    assert message in result.output


def test_a_failing_job_exits_non_zero_with_the_reason(
    sample_project, env, libre: FakeLibreTranslate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRANSLATE_APP_MT_MAX_ATTEMPTS", "1")
    libre.always("500")
    result = CliRunner().invoke(main, ["pretranslate", RELEASE, "--lang", "de", "--provider", "libretranslate"])
    assert result.exit_code == 1
    assert "failed" in result.output and "HTTP 500" in result.output


def test_worker_needs_redis(sample_project, env) -> None:
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 1 and "TRANSLATE_APP_REDIS_URL" in result.output
