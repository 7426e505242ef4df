"""Configuration is read in one place: config.py reads the environment, everything else is given Settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from translate_app.config import Settings

PACKAGE = Path(__file__).resolve().parents[2] / "translate_app"

# Reads of one variable outside config.py that are not configuration, each with its reason.
DOCUMENTED_READS = {
    # The language-data helper runs a child Python that must import this package: it extends the
    # child's PYTHONPATH, which is the interpreter's setting, not the service's.
    "PYTHONPATH": "extends a child process's import path",
    # The catalogs' working folder: the storage work of issue 12 moves this reader out of core/
    # (core/atomic.py) and is to take the folder from Settings; until then it is the one known exception.
    "TRANSLATE_APP_WORK_DIR": "pending: the storage layer's working folder",
}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_environ(node: ast.AST) -> bool:
    """Say whether a node is `os.environ` or a bare `environ`/`getenv` imported from os."""
    if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "getenvb"):
        return isinstance(node.value, ast.Name) and node.value.id == "os"
    return isinstance(node, ast.Name) and node.id in ("environ", "getenv")


def environment_reads(path: Path) -> list[tuple[int, str]]:
    """Return (line, what) for each read of the environment in a module that is not passing it to a child."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {alias.name for alias in node.names} & {"environ", "getenv", "environb", "getenvb"}
            found += [(node.lineno, f"from os import {name}") for name in sorted(names)]
        if (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").endswith("config")
            and node.level
            and any(alias.name == "env" for alias in node.names)
        ):
            found.append((node.lineno, "imports config.env"))
        if not _is_environ(node):
            continue
        parent = parents.get(node)
        # A copy of the whole environment for a child process: dict(os.environ), {**os.environ, ...}.
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "dict":
            continue
        if isinstance(parent, ast.Dict) and None in parent.keys and node in parent.values:
            continue
        # A read of one named variable: os.environ.get("X"), os.environ["X"], os.getenv("X").
        key = None
        if isinstance(parent, ast.Attribute) and isinstance(parents.get(parent), ast.Call):
            call = parents[parent]
            key = call.args[0] if call.args else None
        elif isinstance(parent, ast.Subscript):
            key = parent.slice
        elif isinstance(parent, ast.Call) and parent.func is node:
            key = parent.args[0] if parent.args else None
        name = key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        if name in DOCUMENTED_READS:
            continue
        found.append((node.lineno, f"reads {name or 'the environment'}"))
    return found


def test_only_config_reads_the_environment() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "config.py":
            continue
        offenders += [f"{path.relative_to(PACKAGE)}:{line}: {what}" for line, what in environment_reads(path)]
    assert offenders == [], "read configuration in config.Settings and pass it down:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("import os\nx = os.environ.get('TRANSLATE_APP_X')\n", [(2, "reads TRANSLATE_APP_X")]),
        ("import os\nx = os.environ['HOME']\n", [(2, "reads HOME")]),
        ("import os\nx = os.getenv('HOME', '')\n", [(2, "reads HOME")]),
        (
            "import os\nos.environ.setdefault('TRANSLATE_APP_SECURE_COOKIES', '0')\n",
            [(2, "reads TRANSLATE_APP_SECURE_COOKIES")],
        ),
        ("from os import environ\n", [(1, "from os import environ")]),
        ("from ..config import Settings, env\n", [(1, "imports config.env")]),
        ("import os\nchild = dict(os.environ)\n", []),
        ("import os\nchild = {**os.environ, 'LANG': 'C'}\n", []),
        ("import os\npath = os.environ.get('PYTHONPATH')\n", []),
    ],
)
def test_the_scan_tells_a_read_from_a_copy_for_a_child(tmp_path: Path, source: str, reads: list) -> None:
    module = tmp_path / "module.py"
    module.write_text(source, encoding="utf-8")
    assert environment_reads(module) == reads


def test_from_env_gathers_provider_variables_tuning_and_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRANSLATE_APP_LIBRETRANSLATE_URL", "http://127.0.0.1:5000/")
    monkeypatch.setenv("TRANSLATE_APP_MT_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("TRANSLATE_APP_MT_TIMEOUT", "8")
    monkeypatch.setenv("TRANSLATE_APP_INSTANCE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("TRANSLATE_APP_RQ_QUEUE", "other-queue")
    settings = Settings.from_env()
    assert settings.option("LIBRETRANSLATE_URL") == "http://127.0.0.1:5000/"
    assert settings.mt_tuning == {"max_attempts": 2, "timeout": (5.0, 8.0)}
    assert settings.instance_dir == tmp_path / "state" and settings.rq_queue == "other-queue"
    # Read once: a later change of the environment does not reach settings already made.
    monkeypatch.setenv("TRANSLATE_APP_INSTANCE_DIR", str(tmp_path / "elsewhere"))
    assert settings.instance_dir == tmp_path / "state"
    monkeypatch.setenv("TRANSLATE_APP_MT_BACKOFF", "soon")
    with pytest.raises(ValueError, match="TRANSLATE_APP_MT_BACKOFF must be a number"):
        Settings.from_env()


def test_a_secret_option_may_come_from_a_file(tmp_path: Path) -> None:
    (tmp_path / "key").write_text("k:fx\n", encoding="utf-8")
    settings = Settings(root=tmp_path, options={"DEEPL_API_KEY_FILE": str(tmp_path / "key")})
    assert settings.option("DEEPL_API_KEY", secret=True) == "k:fx"
    assert settings.option("DEEPL_API_KEY") is None  # only secrets are read from files
    with pytest.raises(ValueError, match="TRANSLATE_APP_X_FILE: cannot read"):
        Settings(root=tmp_path, options={"X_FILE": str(tmp_path / "missing")}).option("X", secret=True)


def test_serve_keeps_cookies_plain_on_http_without_touching_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    from translate_app.web import serve

    captured = {}
    monkeypatch.setenv("TRANSLATE_APP_ROOT", str(tmp_path))
    monkeypatch.setenv("TRANSLATE_APP_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("TRANSLATE_APP_SECURE_COOKIES", raising=False)
    monkeypatch.setattr(serve, "prepare", lambda settings: captured.setdefault("settings", settings) and None)

    class Stop(Exception):
        pass

    def stop(self) -> None:
        raise Stop

    from gunicorn.app.base import BaseApplication

    monkeypatch.setattr(BaseApplication, "run", stop)
    with pytest.raises(Stop):
        serve.run_server(host="127.0.0.1", port=7299)
    assert captured["settings"].secure_cookies is False
    assert "TRANSLATE_APP_SECURE_COOKIES" not in os.environ
    monkeypatch.setenv("TRANSLATE_APP_SECURE_COOKIES", "1")  # said explicitly: kept
    captured.clear()
    with pytest.raises(Stop):
        serve.run_server(host="127.0.0.1", port=7299)
    assert captured["settings"].secure_cookies is True
