"""core/ is the pure domain: it imports no web framework, database, storage machinery, threads or network."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "translate_app" / "core"

#: Top-level modules core/ must never import (at module level or inside a function).
FORBIDDEN = {
    "flask",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "jinja2",  # the web
    "sqlalchemy",
    "psycopg",
    "sqlite3",
    "alembic",  # the database
    "threading",
    "multiprocessing",
    "concurrent",
    "fcntl",
    "atexit",
    "signal",  # storage machinery
    "socket",
    "http",
    "requests",
    "urllib3",
    "deep_translator",
    "rq",
    "redis",  # the network
}
#: Modules of this package core/ must never import: the layers built on it.
FORBIDDEN_OWN = {
    "storage",
    "db",
    "models",
    "web",
    "workflow",
    "mt",
    "gitsync",
    "accounts",
    "audit",
    "app",
    "proposals",
    "project",
    "cli",
    "config",
}


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Return (line, absolute name) of every import in a module of translate_app.core."""
    package = ["translate_app", "core"]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from .. import storage` names the module in the alias
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names if name == "translate_app"]
    return found


def violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    bad = []
    for line, name in imported(tree):
        parts = name.split(".")
        if parts[0] in FORBIDDEN or name == "urllib.request":
            bad.append(f"{path.name}:{line}: imports {name}")
        elif parts[0] == "translate_app" and len(parts) > 1 and parts[1] in FORBIDDEN_OWN:
            bad.append(f"{path.name}:{line}: imports {name}")
    return bad


@pytest.mark.parametrize("path", sorted(CORE.glob("*.py")), ids=lambda p: p.name)
def test_core_module_imports_nothing_impure(path: Path) -> None:
    assert violations(path) == []


def test_the_scan_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The scan itself: absolute, relative and function-level imports of forbidden modules are all found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import threading\n"
        "from urllib.request import urlopen\n"
        "from .. import storage\n"
        "from ..storage.batch import apply\n"
        "from .catalog import load\n"
        "def f():\n"
        "    import flask\n"
        "    from sqlalchemy import select\n"
        "    import http.client\n",
        encoding="utf-8",
    )
    assert [v.split(": ", 1)[1] for v in violations(sample)] == [
        "imports threading",
        "imports urllib.request",
        "imports translate_app.storage",
        "imports translate_app.storage.batch",
        "imports flask",
        "imports sqlalchemy",
        "imports http.client",
    ]
