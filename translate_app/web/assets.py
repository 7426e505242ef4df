"""Static files with a hash of their content in the URL, so browsers may keep them for a year.

`url_for('static', filename='app.css')` gives `/static/app.css?v=HASH`. A request
carrying the current HASH is answered with `Cache-Control: public, max-age=31536000,
immutable`; any other (an old hash, or none) gets `no-cache`, so a browser asks
again and never keeps a stale file under a current URL.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, request

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    """Return the first 12 hex digits of a file's SHA-256 (cached while the file is unchanged)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def content_hash(app: Flask, filename: str) -> str | None:
    """Return the hash of a static file's content, or None when there is no such file."""
    folder = Path(app.static_folder or "").resolve()
    path = (folder / filename).resolve()
    if folder not in path.parents or not path.is_file():
        return None
    stat = path.stat()
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


def init_app(app: Flask) -> None:
    """Add the content hash to static URLs and let browsers cache hashed static files for a year."""

    @app.url_defaults
    def _hash_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = content_hash(app, values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def _cache_hashed_static(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            version = request.args.get("v")
            if version and version == content_hash(app, filename):
                response.cache_control.no_cache = None
                response.cache_control.public = True
                response.cache_control.max_age = ONE_YEAR
                response.cache_control.immutable = True
            else:
                response.cache_control.no_cache = True
        return response
