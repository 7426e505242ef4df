"""`translate-app embargo set`, `embargo clear` and `embargo run`, each in a process of its own."""

from __future__ import annotations

from pathlib import Path

from tests.core.test_cli_imports import run_command
from tests.factory import make_project


def test_set_run_and_clear_from_the_command_line(tmp_path: Path) -> None:
    root = make_project(tmp_path / "project", languages=["de"])
    proc, _ = run_command(root, "embargo", "set", "appeal", "2099-12-02 09:00", "--zone", "Europe/Berlin")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("appeal: Embargoed until 2 December 2099, 09:00 Europe/Berlin (in ")

    proc, _ = run_command(root, "embargo", "run")
    assert (proc.returncode, proc.stdout.strip()) == (0, "nothing to publish"), proc.stderr

    proc, _ = run_command(root, "embargo", "set", "appeal", "2001-01-01 09:00")
    assert proc.returncode == 1 and proc.stderr.strip() == (
        "error: the embargo time is in the past; choose a time still to come"
    )
    proc, _ = run_command(root, "embargo", "set", "appeal", "2099-12-02 09:00", "--zone", "Mars/Olympus")
    assert proc.returncode == 1 and "unknown time zone 'Mars/Olympus'" in proc.stderr

    proc, _ = run_command(root, "embargo", "clear", "appeal")
    assert (proc.returncode, proc.stdout.strip()) == (0, "appeal: no embargo"), proc.stderr

    proc, _ = run_command(root, "--help")
    assert "embargo" in proc.stdout
