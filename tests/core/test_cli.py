"""The translate-app command line: the contract of DESIGN.md, and one-line errors that change nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner, Result

from tests.conftest import SAMPLE, corpus_markdown
from translate_app import storage
from translate_app.cli import main
from translate_app.core import catalog as cat
from translate_app.core.states import set_approved, set_translated

RELEASE = SAMPLE.stem


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def one_line_error(result: Result) -> str:
    """Assert the command failed with exit code 1 and a single `error: ...` line; return it."""
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def identity_catalog(pot: Path, po: Path) -> None:
    catalog = polib.pofile(str(pot))
    for entry in catalog:
        entry.msgstr = entry.msgid
    catalog.metadata["Language"] = "de"
    catalog.save(str(po))


@pytest.mark.parametrize("path", corpus_markdown(), ids=lambda p: p.name)
def test_extract_and_identity_render_give_back_the_source(path: Path, tmp_path: Path) -> None:
    source = tmp_path / path.name
    shutil.copy(path, source)
    pot, po, out, page = (tmp_path / n for n in ("doc.pot", "doc.po", "out.md", "out.html"))
    result = run("extract", source, "-o", pot)
    assert result.exit_code == 0, result.output
    assert "segments" in result.stdout
    identity_catalog(pot, po)
    result = run("render", source, po, "-o", out, "--html", page)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == path.read_bytes()
    assert page.read_text().startswith('<!DOCTYPE html>\n<html lang="de" dir="ltr">')


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf# Title\r\n\r\nSome text\r\nmore.\r\n", b"Old\rMac line ends.\r\rNext\r"],
    ids=["bom-crlf", "cr"],
)
def test_identity_render_keeps_byte_order_mark_and_line_ends(data: bytes, tmp_path: Path) -> None:
    source, pot, po, out = (tmp_path / n for n in ("doc.md", "doc.pot", "doc.po", "out.md"))
    source.write_bytes(data)
    assert run("extract", source, "-o", pot).exit_code == 0
    identity_catalog(pot, po)
    assert run("render", source, po, "-o", out).exit_code == 0
    assert out.read_bytes() == data


def test_render_translates_and_refuses_unapproved_with_only_approved(tmp_path: Path) -> None:
    source, pot, po_path, out = (tmp_path / n for n in ("doc.md", "doc.pot", "doc.po", "out.md"))
    source.write_text("# Title\n\nA paragraph.\n", encoding="utf-8")
    run("extract", source, "-o", pot)
    po = polib.pofile(str(pot))
    po.metadata["Language"] = "he"
    set_translated(po.find("Title"), "כותרת", by="alice")
    set_approved(po.find("Title"), by="bob")
    po.save(str(po_path))
    result = run("render", source, po_path, "-o", out, "--html", tmp_path / "out.html")
    assert result.exit_code == 0
    assert out.read_text() == "# כותרת\n\nA paragraph.\n"
    assert 'dir="rtl"' in (tmp_path / "out.html").read_text()
    out.unlink()
    message = one_line_error(run("render", source, po_path, "-o", out, "--only-approved"))
    assert "1 of 2 segments are not approved" in message
    assert not out.exists()


def test_a_release_from_start_to_compile(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project_dir)
    shutil.copy(SAMPLE, project_dir / "source")
    result = run("add-release", f"source/{RELEASE}.md", "--languages", "de, he,pt-BR")
    assert result.exit_code == 0, result.output
    assert "catalogs for de, he, pt_BR" in result.stdout
    path = project_dir / "locales" / "de" / "LC_MESSAGES" / f"{RELEASE}.po"
    with storage.edit(path) as po:
        for entry in po:
            set_translated(entry, entry.msgid, by="alice")
            set_approved(entry, by="bob")

    result = run("status")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == RELEASE
    assert lines[1].split() == [
        "lang",
        "untranslated",
        "machine",
        "needs_review",
        "translated",
        "approved",
        "errors",
        "warnings",
    ]
    de = lines[2].split()
    assert de[0] == "de" and de[1:6] == ["0", "0", "0", "0", str(len(cat.load(path)))]

    result = run("compile", "--check")
    assert (result.exit_code, result.stdout.strip()) == (0, "catalogs OK")
    result = run("compile")
    assert result.exit_code == 0, result.output
    assert f"wrote build/releases/{RELEASE}/de.html" in result.stdout
    assert f"not every segment approved, no release built: {RELEASE}/he" in result.stdout
    assert (project_dir / "build" / "releases" / RELEASE / "de.md").read_bytes() == SAMPLE.read_bytes()

    src = project_dir / "source" / f"{RELEASE}.md"
    src.write_text(src.read_text().replace("March 30th 2026", "March 31st 2026"), encoding="utf-8")
    result = run("compile", "--check")
    assert result.exit_code == 1
    assert "out of date with its source" in result.stderr
    result = run("update", RELEASE)
    assert result.exit_code == 0
    # he's 39 signatory items were filled for review when the language was added (signatory_fill.py)
    assert "de: 1 needs_review, 69 approved; he: 31 untranslated, 39 needs_review" in result.stdout
    assert run("compile", "--check").exit_code == 0  # needs review is not approved, so not a problem


def test_compile_check_fails_on_an_approval_edited_as_text(sample_project: Path) -> None:
    path = sample_project / "locales" / "de" / "LC_MESSAGES" / f"{RELEASE}.po"
    with storage.edit(path) as po:
        set_translated(po.find("Background"), "Hintergrund", by="alice")
        set_approved(po.find("Background"), by="bob")
    assert run("compile", "--check").exit_code == 0
    path.write_text(path.read_text().replace('msgstr "Hintergrund"', 'msgstr "Kontext"'), encoding="utf-8")
    result = run("compile", "--check")
    assert result.exit_code == 1
    assert f"problem: locales/de/LC_MESSAGES/{RELEASE}.po:" in result.stderr
    assert "approval no longer matches" in result.stderr
    assert result.stderr.strip().endswith("1 problem(s) found")


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


BAD_INPUT = [
    # (id, how to spoil the sample project -> command arguments, words the error must hold)
    (
        "malformed catalog, render",
        lambda d: [
            "render",
            f"source/{RELEASE}.md",
            write(d / "bad.po", b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "unterminated\n'),
            "-o",
            "out.md",
        ],
        ["bad.po:5:", "malformed"],
    ),
    (
        "malformed catalog, update",
        lambda d: (
            (
                write(
                    d / "locales/he/LC_MESSAGES" / f"{RELEASE}.po",
                    (d / "locales/he/LC_MESSAGES" / f"{RELEASE}.po").read_bytes() + b"\nmsgid oops\n",
                ),
                (d / "source" / f"{RELEASE}.md").write_text("# Changed\n"),
            )
            and ["update", RELEASE]
        ),
        [f"he/LC_MESSAGES/{RELEASE}.po:", "malformed"],
    ),
    (
        "non-UTF-8 source",
        lambda d: ["extract", write(d / "latin1.md", "# Caf\xe9\n".encode("latin-1")), "-o", "x.pot"],
        ["latin1.md:1:", "not valid UTF-8"],
    ),
    (
        "binary source",
        lambda d: ["add-release", write(d / "logo.md", b"\x89PNG\r\n\x1a\n\x00\x00"), "-l", "de"],
        ["logo.md", "binary"],
    ),
    ("empty source", lambda d: ["add-release", write(d / "empty.md", b"\n \n"), "-l", "de"], ["empty.md", "empty"]),
    (
        "oversized source",
        lambda d: ["extract", f"source/{RELEASE}.md", "-o", "x.pot"],
        ["over the limit of 1000 bytes"],
    ),
    ("name with ..", lambda d: ["update", "../kuzmin"], ["invalid release name", "'../kuzmin'"]),
    ("name with a slash", lambda d: ["status", "source/kuzmin"], ["invalid release name"]),
    (
        "file name with ..",
        lambda d: ["add-release", write(d / "a..b.md", b"# Title\n"), "-l", "de"],
        ["invalid release name", "'a..b'"],
    ),
    ("unknown release", lambda d: ["update", "no-such-release"], ["no release 'no-such-release'"]),
    ("unknown release, status", lambda d: ["status", "no-such-release"], ["no release 'no-such-release'"]),
    (
        "unknown language",
        lambda d: ["add-release", f"source/{RELEASE}.md", "-l", "de,xx"],
        ["unknown language code 'xx'"],
    ),
    (
        "not markdown",
        lambda d: ["add-release", write(d / "notes.txt", b"# Title\n"), "-l", "de"],
        ["must be a .md file"],
    ),
    (
        "missing catalog",
        lambda d: ["render", f"source/{RELEASE}.md", "missing.po", "-o", "out.md"],
        ["missing.po", "cannot read"],
    ),
]


@pytest.mark.parametrize(("spoil", "words"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_one_line_error_and_changes_nothing(
    spoil, words: list[str], sample_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_project)
    args = spoil(sample_project)
    before = snapshot(sample_project)
    limit = {"TRANSLATE_APP_MAX_SOURCE_BYTES": "1000"} if "over the limit" in words[0] else None
    message = one_line_error(run(*args, env=limit))
    for word in words:
        assert word in message
    assert snapshot(sample_project) == before


def test_the_console_script_runs_as_a_real_process(sample_project: Path) -> None:
    script = shutil.which("translate-app", path=str(Path(sys.executable).parent)) or shutil.which("translate-app")
    if script is None:
        pytest.skip("the translate-app console script is not installed (pip install -e .)")
    env = {**os.environ, "TRANSLATE_APP_ROOT": str(sample_project)}

    def call(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([script, *args], capture_output=True, text=True, env=env, cwd=sample_project, timeout=60)

    done = call("status", RELEASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split()[:2] == ["de", "31"]  # and 39 signatory items to review
    assert call("compile", "--check").returncode == 0

    path = sample_project / "locales" / "he" / "LC_MESSAGES" / f"{RELEASE}.po"
    path.write_text(path.read_text() + "\nthis is not a catalog line\n", encoding="utf-8")
    done = call("compile", "--check")
    assert done.returncode == 1
    assert f"locales/he/LC_MESSAGES/{RELEASE}.po:" in done.stderr and "malformed" in done.stderr

    done = call("update", "../etc")
    assert done.returncode == 1
    assert done.stderr.startswith("error: invalid release name") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr

    done = call("--version")
    assert done.returncode == 0 and "0.1.0" in done.stdout


def test_the_example_ci_workflow_passes_on_this_repository(tmp_path: Path) -> None:
    """Run the translate-app steps of docs/ci/github-actions.yml on a copy of our own source/ and locales/."""
    import yaml

    root = Path(__file__).resolve().parents[2]
    workflow = yaml.safe_load((root / "docs" / "ci" / "github-actions.yml").read_text())
    steps = [
        s["run"].strip() for s in workflow["jobs"]["check"]["steps"] if s.get("run", "").startswith("translate-app ")
    ]
    assert "translate-app compile --check" in steps
    for folder in ("source", "locales"):
        shutil.copytree(root / folder, tmp_path / folder)
    for step in steps:
        result = run(*step.split()[1:], env={"TRANSLATE_APP_ROOT": str(tmp_path)})
        assert result.exit_code == 0, (step, result.output)
