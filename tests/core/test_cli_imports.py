"""The core commands start light: run as whole processes, they import nothing of the web, database or network.

Nor what they do not use: click (the console script's fast path, launcher.py,
parses their plain calls itself), the storage layer's batching, locking and
temporary-file machinery, Babel (language codes are checked against its data
files without importing it) and, for `status`, the Markdown parser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

RELEASE = SAMPLE.stem
HEAVY = (
    "flask",
    "sqlalchemy",
    "requests",
    "deep_translator",
    "werkzeug",
    "gunicorn",
    "psycopg",
    "psycopg2",
    "alembic",
    "redis",
    "rq",
    "urllib3",
)

#: Modules no core command needs: they must not creep back into `extract`, `render`, `status`, `compile --check`.
UNNEEDED = (
    "click",
    "translate_app.cli",
    "translate_app.storage.batch",  # group commit: threads, logging
    "babel",  # ~10 ms: codes are checked against its data files (core/languages.py)
    "tempfile",  # storage/files.py makes its own file aside
    "shutil",
    "rapidfuzz",  # only merging
    "yaml",  # only YAML front matter and glossaries
    "difflib",
    "secrets",
    "datetime",  # only writes stamp a time (catalog headers use time.strftime)
)
#: ... and `status`, which counts states and runs checks, needs no Markdown parser nor logging.
UNNEEDED_BY_STATUS = ("markdown_it", "mdurl", "mdit_py_plugins", "logging", "html.parser")

# What the installed console script does (its entry point, from pyproject.toml), plus a record
# of every module loaded when the process ends.
_MODULE, _FUNCTION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]["translate-app"].split(
    ":"
)
RUNNER = f"""\
import atexit, json, sys
record = sys.argv.pop(1)
atexit.register(lambda: open(record, "w").write(json.dumps(
    {{"modules": sorted(sys.modules), "package": sys.modules["translate_app"].__file__}})))
from {_MODULE} import {_FUNCTION} as main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the sample release with its twelve catalogs."""
    root = tmp_path_factory.mktemp("project")
    (root / "source").mkdir()
    shutil.copy(SAMPLE, root / "source" / SAMPLE.name)
    shutil.copytree(ROOT / "locales", root / "locales")
    return root


def run_command(project: Path, *args: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `translate-app ARGS` in a new process in the project; return it and the modules it had loaded."""
    record = project / "modules.json"
    record.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_APP_ROOT": str(project)}
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(record), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    loaded = json.loads(record.read_text())
    assert Path(loaded["package"]).resolve().parent.parent == ROOT  # this checkout's translate_app
    return proc, set(loaded["modules"])


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """Return the modules of `names` (or inside them) that were loaded."""
    return sorted(m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names))


@pytest.mark.parametrize(
    "args",
    [
        ("extract", f"source/{RELEASE}.md", "-o", "out/x.pot"),
        ("render", f"source/{RELEASE}.md", f"locales/de/LC_MESSAGES/{RELEASE}.po", "-o", "out/de.md"),
        ("status",),
        ("compile", "--check"),
    ],
    ids=lambda a: " ".join(a[:2]) if a[0] == "compile" else a[0],
)
def test_core_command_imports_no_web_database_or_network(project: Path, args: tuple[str, ...]) -> None:
    (project / "out").mkdir(exist_ok=True)
    proc, modules = run_command(project, *args)
    assert proc.returncode == 0, proc.stderr
    assert "translate_app.launcher" in modules and "translate_app.core.catalog" in modules  # it did run
    assert heavy(modules) == []
    assert loaded(modules, UNNEEDED) == []
    assert not any(
        m.startswith(
            ("translate_app.mt", "translate_app.web", "translate_app.db", "translate_app.app", "translate_app.models")
        )
        for m in modules
    ), sorted(modules)
    if args[0] == "extract":
        assert "70 segments" in proc.stdout and (project / "out" / "x.pot").stat().st_size > 0
    if args[0] == "compile":
        assert "catalogs OK" in proc.stdout
    if args[0] == "status":  # counts states and checks: no Markdown parser needed
        assert "de " in proc.stdout
        assert loaded(modules, UNNEEDED_BY_STATUS) == []


def test_commands_that_need_the_database_or_network_still_load_them(project: Path) -> None:
    proc, modules = run_command(project, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "translate_app.cli" in modules  # help is click's
    for name in ("extract", "render", "status", "compile", "pretranslate", "worker", "db", "user", "token"):
        assert f"  {name} " in proc.stdout, proc.stdout
    proc, modules = run_command(project, "pretranslate", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "--lang" in proc.stdout
    assert "translate_app.mt.commands" in modules


def test_codes_taken_without_babel_are_the_codes_babel_gives() -> None:
    """get_language skips Babel for a code written as Babel writes it whose data file exists: same answer."""
    import babel
    from babel import Locale

    from translate_app.core import languages

    folder = Path(babel.__file__).parent / "locale-data"
    assert languages._locale_data() == str(folder)
    codes = sorted(p.stem for p in folder.glob("*.dat"))
    taken = [code for code in codes if languages._known_as_written(code)]
    assert len(taken) > 500 and {"de", "he", "uk", "pt_BR", "en_US"} <= set(taken)
    for code in taken:
        assert str(Locale.parse(code)) == code
    for code in ("zh_Hans", "sr_Latn", "pt-BR", "DE", "iw", "xx", "en_ZZ", "de_de"):  # left to Babel
        assert not languages._known_as_written(code)


def test_the_language_list_leaves_babels_locale_data_out_of_the_process() -> None:
    """Listing every language (what web workers warm up) must not keep ~200 MB of CLDR data in the process."""
    code = (
        "import json, sys, tracemalloc\n"
        "tracemalloc.start()\n"
        "from translate_app.core.languages import all_languages, picker_languages\n"
        "langs = all_languages()\n"
        "picker = picker_languages()\n"
        "by_code = {lang.code: lang for lang in langs}\n"
        "print(json.dumps({'count': len(langs), 'peak_mb': tracemalloc.get_traced_memory()[1] / 2**20,\n"
        "                  'de': by_code['de'].native_name, 'he': by_code['he'].direction,\n"
        "                  'uk': by_code['uk'].english_name, 'first': [l.code for l in picker[:3]],\n"
        "                  'de_plural': by_code['de'].plural_forms}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    assert found["count"] > 700
    assert (found["de"], found["he"], found["uk"]) == ("Deutsch", "rtl", "Ukrainian")
    assert found["first"] == ["en", "de", "fr"]
    assert found["de_plural"] == "nplurals=2; plural=(n != 1);"
    assert found["peak_mb"] < 40, found  # in the process itself: reading all the data here costs ~200 MB


def test_flask_app_offers_every_command_including_the_lazy_ones(tmp_path: Path) -> None:
    """`flask --app wsgi COMMAND` reaches the commands cli.py imports only when they are used."""
    code = (
        "import json\n"
        "from translate_app import create_app\n"
        "app = create_app()\n"
        "print(json.dumps(sorted(app.cli.commands)))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRANSLATE_APP_ROOT": str(tmp_path),
        "TRANSLATE_APP_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "TRANSLATE_APP_SECRET_KEY": "x" * 32,
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    commands = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert {"extract", "render", "status", "compile", "pretranslate", "worker", "db", "user", "token"} <= commands
