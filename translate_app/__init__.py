"""Translation workflow service for press releases."""

from __future__ import annotations

__version__ = "0.1.0"


def create_app(config: dict | None = None):
    """Create the Flask application (imported lazily so core/ never loads Flask)."""
    from .app import create_app as _create_app

    return _create_app(config)
