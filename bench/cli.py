"""Benchmark: the command line as users and CI run it, whole processes, against mdpo and msgfmt.

Run with `.venv/bin/python bench/cli.py` (needs mdpo from the `bench` extra and
GNU gettext's msgfmt). Not a test: it prints figures and exits non-zero only
when a command fails or imports the web, database or network stacks.

A temporary project gets the sample release (source/kuzmin-2026-03-30.md) and
its twelve catalogs from locales/. Each command is started as a new process,
the way the `translate-app` console script starts it (the entry point is read
from pyproject.toml, and this checkout's translate_app is the one imported),
in rounds: every round runs every command once, so that a busy machine slows
them alike. Reported: the median wall time of --runs rounds, the peak resident
memory of the process, its median CPU time (user + system: what a busy machine
disturbs least), and the ratio of the medians to the baseline:

* `extract`, `render`, `status`, `compile --check` against `md2po FILE -s -p OUT.po`
  (mdpo's extraction of the same file into a catalog);
* `compile --check` also against a shell loop of `msgfmt --check -o /dev/null`
  over the same twelve catalogs.

The ratio of the median CPU times (user + system) is printed beside, as a check
on a machine other work keeps busy. Then each translate-app command runs once
more under `python -X importtime`, and the modules of Flask, SQLAlchemy,
requests, deep-translator, Werkzeug, gunicorn and psycopg it imported (there
should be none) are listed, and those of UNNEEDED (click, Babel, the storage
batching, tempfile: none either).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "source" / "kuzmin-2026-03-30.md"
RELEASE = SAMPLE.stem
HEAVY = ("flask", "sqlalchemy", "requests", "deep_translator", "werkzeug", "gunicorn", "psycopg", "psycopg2")
#: Modules the core commands do not use (tests/core/test_cli_imports.py keeps them out).
UNNEEDED = ("click", "babel", "translate_app.cli", "translate_app.storage.batch", "tempfile", "shutil")
TARGET_MDPO = 2.0
STRETCH_MDPO = 1.5
TARGET_MSGFMT = 4.0


def entry_point_code() -> str:
    """Return Python code doing what the installed `translate-app` script does."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, func = scripts["translate-app"].split(":")
    return f"import sys; from {module} import {func} as main; sys.exit(main())"


def make_project(tmp: Path) -> Path:
    """Copy the sample release and its catalogs into a fresh project folder."""
    project = tmp / "project"
    (project / "source").mkdir(parents=True)
    shutil.copy(SAMPLE, project / "source" / SAMPLE.name)
    shutil.copytree(ROOT / "locales", project / "locales")
    return project


def run_measured(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, int, bytes]:
    """Run a process to its end; return wall seconds, CPU seconds, its own peak RSS in MB, exit code and stderr."""
    with tempfile.TemporaryFile() as err_file:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err_file)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err_file.seek(0)
        return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, err_file.read()


def imported_modules(importtime_stderr: str) -> list[str]:
    """Return the module names a `python -X importtime` run printed."""
    return re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", importtime_stderr, re.M)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="rounds; the median is reported (default 7)")
    args = parser.parse_args()

    md2po = shutil.which("md2po", path=str(Path(sys.executable).parent)) or shutil.which("md2po")
    msgfmt = shutil.which("msgfmt")
    if not md2po or not msgfmt:
        print("needs md2po (pip install -e '.[bench]') and msgfmt (GNU gettext)", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    try:
        project = make_project(tmp)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_APP_ROOT": str(project)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        code = entry_point_code()
        app = [sys.executable, "-c", code]
        source = f"source/{RELEASE}.md"
        catalogs = sorted(
            str(p.relative_to(project)) for p in (project / "locales").glob(f"*/LC_MESSAGES/{RELEASE}.po")
        )
        de = f"locales/de/LC_MESSAGES/{RELEASE}.po"
        commands: dict[str, list[str]] = {
            "md2po": [md2po, source, "-q", "-s", "-p", str(tmp / "mdpo.po")],
            "msgfmt loop": [
                "sh",
                "-c",
                'for f in "$@"; do msgfmt --check -o /dev/null "$f" || exit 1; done',
                "sh",
                *catalogs,
            ],
            "extract": [*app, "extract", source, "-o", str(tmp / "x.pot")],
            "render": [*app, "render", source, de, "-o", str(tmp / "de.md")],
            "status": [*app, "status"],
            "compile --check": [*app, "compile", "--check"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = {name: 0.0 for name in commands}
        failed = False
        for name, argv in commands.items():  # one unmeasured round: byte-compiled files, page cache
            _, _, _, rc, err = run_measured(argv, project, env)
            if rc != 0:
                print(f"{name}: exit {rc}\n{err.decode(errors='replace')}", file=sys.stderr)
                failed = True
        for _ in range(args.runs):
            for name, argv in commands.items():
                elapsed, cpu_seconds, peak, _, _ = run_measured(argv, project, env)
                times[name].append(elapsed)
                cpu[name].append(cpu_seconds)
                peaks[name] = max(peaks[name], peak)

        median = {name: statistics.median(values) for name, values in times.items()}
        cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
        print(f"whole processes, median of {args.runs} (interleaved rounds), peak RSS; python {sys.version.split()[0]}")
        print(f"{'command':18}{'median ms':>10}{'min ms':>8}{'cpu ms':>8}{'peak MB':>9}  ratio of medians")
        for name in commands:
            ratio = ""
            if name not in ("md2po", "msgfmt loop"):
                r = median[name] / median["md2po"]
                mark = "ok" if r <= STRETCH_MDPO else ("target" if r <= TARGET_MDPO else "OVER")
                ratio = f"{r:.2f}x md2po ({mark})"
                if name == "compile --check":
                    r2 = median[name] / median["msgfmt loop"]
                    ratio += f", {r2:.2f}x msgfmt loop ({'ok' if r2 <= TARGET_MSGFMT else 'OVER'})"
                # CPU time is what a busy machine disturbs least: its ratio is a check on the wall-time one
                ratio += f"; cpu {cpu_median[name] / cpu_median['md2po']:.2f}x"
                if name == "compile --check":
                    ratio += f", {cpu_median[name] / cpu_median['msgfmt loop']:.2f}x"
            print(
                f"{name:18}{median[name] * 1000:>10.1f}{min(times[name]) * 1000:>8.1f}"
                f"{statistics.median(cpu[name]) * 1000:>8.1f}{peaks[name]:>9.1f}  {ratio}"
            )
        print(
            f"targets: at most {TARGET_MDPO}x md2po (stretch {STRETCH_MDPO}x); compile --check at most "
            f"{TARGET_MSGFMT}x the msgfmt loop over {len(catalogs)} catalogs"
        )

        print("\nmodules imported (python -X importtime):")
        for name, argv in commands.items():
            if argv[:2] != app[:2]:
                continue
            proc = subprocess.run(
                [argv[0], "-X", "importtime", *argv[1:]], cwd=project, env=env, capture_output=True, text=True
            )
            modules = imported_modules(proc.stderr)
            heavy = sorted({m.split(".")[0] for m in modules if m.split(".")[0] in HEAVY})
            failed |= bool(heavy)
            unneeded = sorted(set(modules) & set(UNNEEDED))
            print(
                f"  {name:16} {len(modules):4} modules; heavy: {', '.join(heavy) if heavy else 'none'}; "
                f"unneeded: {', '.join(unneeded) if unneeded else 'none'}"
            )
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
