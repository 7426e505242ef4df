"""The console script's fast path (launcher.py) runs the core commands exactly as the click commands do.

Each call runs twice on identical copies of a project, once through click
(cli.main) and once through launcher.main: same exit code, same standard
output and error, same files. Calls the fast path is not sure of go to click,
so help and usage errors stay click's own.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import click
import click.formatting
import pytest
from click.testing import CliRunner

from tests.core.test_cli import BAD_INPUT, RELEASE, snapshot
from translate_app import launcher
from translate_app.cli import main as click_main

SOURCE = f"source/{RELEASE}.md"
DE = f"locales/de/LC_MESSAGES/{RELEASE}.po"

GOOD = [
    ["extract", SOURCE, "-o", "x.pot"],
    ["extract", "-o", "out/x.pot", SOURCE],
    ["extract", SOURCE, "--output=x.pot"],
    ["extract", SOURCE, "--output", "x.pot"],
    ["render", SOURCE, DE, "-o", "out.md", "--html", "out.html"],
    ["render", "--only-approved", SOURCE, DE, "-o", "out.md"],
    ["render", SOURCE, DE, "--html=page.html", "--output", "out.md"],
    ["status"],
    ["status", RELEASE],
    ["compile", "--check"],
    ["compile", "--check", "--check"],
    ["compile", RELEASE, "--check"],
    ["compile"],
    ["compile", RELEASE],
]
CORE = {"extract", "render", "status", "compile"}


def _without_dates(files: dict[str, bytes]) -> dict[str, bytes]:
    """Drop the header lines that hold the time of the write (two runs may straddle a minute)."""
    return {
        name: b"\n".join(
            line for line in data.split(b"\n") if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
        )
        for name, data in files.items()
    }


def both(
    sample_project: Path,
    copies: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    spoil: Callable[[Path], list],
    env: dict[str, str] | None = None,
) -> tuple[tuple, tuple]:
    """Run a call through click in one copy of the project and through the launcher in another."""
    results = []
    for way in ("click", "launcher"):
        root = copies.mktemp(way) / "project"
        shutil.copytree(sample_project, root)
        monkeypatch.chdir(root)
        monkeypatch.setenv("TRANSLATE_APP_ROOT", str(root))
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        args = [str(a) for a in spoil(root)]
        if way == "click":
            result = CliRunner().invoke(click_main, args, catch_exceptions=False)
            outcome = (result.exit_code, result.stdout, result.stderr)
        else:
            assert launcher.parse(args) is not None, args  # the fast path takes it
            capsys.readouterr()
            code = launcher.main(args)
            out, err = capsys.readouterr()
            outcome = (code, out, err)
        code, out, err = outcome
        outcome = (code, out.replace(str(root), "ROOT"), err.replace(str(root), "ROOT"))  # a spoiler's own paths
        results.append((outcome, _without_dates(snapshot(root))))
    return results[0], results[1]


@pytest.mark.parametrize("args", GOOD, ids=lambda a: " ".join(a).replace(RELEASE, "R"))
def test_the_fast_path_does_what_click_does(
    args: list[str],
    sample_project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sample_project / "out").mkdir()
    by_click, by_launcher = both(sample_project, tmp_path_factory, monkeypatch, capsys, lambda d: args)
    assert by_launcher == by_click
    assert by_click[0][0] in (0, 1)
    if args[0] == "render" and "--only-approved" in args:
        assert by_click[0][0] == 1 and by_click[0][2].startswith("error: ")  # a refusal, shown as click shows it


@pytest.mark.parametrize(("spoil", "words"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT])
def test_the_fast_path_reports_bad_input_as_click_does(
    spoil,
    words: list[str],
    sample_project: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"TRANSLATE_APP_MAX_SOURCE_BYTES": "1000"} if "over the limit" in words[0] else None
    if not _is_core(spoil, sample_project, tmp_path_factory.mktemp("probe") / "project"):
        pytest.skip("not a core command: click runs it")
    by_click, by_launcher = both(sample_project, tmp_path_factory, monkeypatch, capsys, spoil, env)
    assert by_launcher == by_click
    assert by_click[0][0] == 1 and by_click[0][2].startswith("error: ")


def _is_core(spoil: Callable[[Path], list], sample_project: Path, root: Path) -> bool:
    """Say whether a spoiler calls a core command (tried on a throwaway copy at root)."""
    shutil.copytree(sample_project, root)
    return str(spoil(root)[0]) in CORE


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--version"],
        ["extract", "--help"],
        ["extract", SOURCE],  # -o missing
        ["extract", SOURCE, "-o"],
        ["extract", SOURCE, "-o", "a.pot", "-o", "b.pot"],
        ["extract", SOURCE, "-o", "--html"],
        ["extract", SOURCE, "-o=x.pot"],
        ["extract", SOURCE, "-ox.pot"],
        ["extract", "--", SOURCE, "-o", "x.pot"],
        ["extract", "source", "-o", "x.pot"],  # a directory
        ["extract", SOURCE, "other.md", "-o", "x.pot"],
        ["extract", "", "-o", "x.pot"],
        ["extract", "-", "-o", "x.pot"],
        ["render", SOURCE, "-o", "out.md"],  # the catalog missing
        ["render", SOURCE, DE, "-o", "out.md", "--only-approved=yes"],
        ["status", RELEASE, "other"],
        ["status", "-x"],
        ["status", "--help"],
        ["compile", "--check=1"],
        ["compile", "-c"],
        ["update"],
        ["pretranslate", "--help"],
    ],
    ids=lambda a: " ".join(a).replace(RELEASE, "R") or "nothing",
)
def test_what_the_fast_path_is_not_sure_of_goes_to_click(
    args: list[str], sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.chdir(sample_project)
    assert launcher.parse(args) is None
    if args in ([], ["update"], ["extract", "", "-o", "x.pot"]):
        return  # click would run them (the empty path reads the folder "." and fails with a traceback, as before)
    result = CliRunner().invoke(click_main, args, prog_name="translate-app")
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", 80)  # CliRunner's width for help
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        launcher.main(args)
    out, err = capsys.readouterr()
    # click's program name aside
    seen = [" ".join(text.replace("python -m pytest", "translate-app").split()) for text in (out, err)]
    expected = [" ".join(text.split()) for text in (result.stdout, result.stderr)]
    assert (ended.value.code or 0, *seen) == (result.exit_code, *expected)


def test_help_and_usage_errors_are_clicks(sample_project: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(sample_project)
    with pytest.raises(SystemExit) as ended:
        launcher.main(["extract", SOURCE])
    assert ended.value.code == 2
    assert "Missing option '-o' / '--output'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ended:
        launcher.main(["extract", "source", "-o", "x.pot"])
    assert ended.value.code == 2
    assert "is a directory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as ended:
        launcher.main(["compile", "--help"])
    assert ended.value.code == 0
    assert "Only check; write nothing" in capsys.readouterr().out


def test_the_fast_path_reads_what_click_reads() -> None:
    parsed = launcher.parse(["render", "-o", "o.md", "a.md", "--only-approved", "b.po", "--html=p.html"])
    assert parsed == (
        "render",
        {
            "only_approved": True,
            "output": Path("o.md"),
            "html_output": Path("p.html"),
            "markdown": Path("a.md"),
            "catalog": Path("b.po"),
        },
    )
    assert launcher.parse(["status"]) == ("status", {"name": None})
    assert launcher.parse(["compile", "a", "b"]) == ("compile", {"check": False, "names": ("a", "b")})


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_fast_path_knows_the_click_commands_parameters(name: str) -> None:
    """What the fast path reads is what the click command declares: an option added there and not here goes to
    click (unknown to the fast path); one renamed or removed there must go from here too."""
    command = click_main.commands[name]
    spec = launcher._SPECS[name]
    options = {
        spelling: param.name
        for param in command.params
        if isinstance(param, click.Option) and not param.is_flag
        for spelling in param.opts
    }
    flags = {
        spelling: param.name
        for param in command.params
        if isinstance(param, click.Option) and param.is_flag
        for spelling in param.opts
    }
    arguments = [param for param in command.params if isinstance(param, click.Argument)]
    assert spec.options == options
    assert spec.flags == flags
    assert spec.arguments == tuple(a.name for a in arguments)
    assert spec.required == sum(a.required for a in arguments)
    assert spec.rest == any(a.nargs == -1 for a in arguments)
    assert set(spec.required_options) == {p.name for p in command.params if isinstance(p, click.Option) and p.required}
    assert set(spec.paths) == {p.name for p in command.params if isinstance(p.type, click.Path)}
    assert all(not p.type.dir_okay and not p.type.exists for p in command.params if isinstance(p.type, click.Path))
