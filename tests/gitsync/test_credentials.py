"""HTTPS remotes with a password: git gets it from the environment per call; nothing is written to disk."""

from __future__ import annotations

import base64
import subprocess
import threading
from pathlib import Path

import pytest

from .conftest import git

USER, TOKEN = "bot", "tok-3141592653"


class GitHttp:
    """`git http-backend` behind HTTP basic auth on 127.0.0.1, as a forge serves a repository."""

    def __init__(self, projects: Path) -> None:
        from werkzeug.serving import make_server

        self.projects = projects
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ, start_response):
        expected = "Basic " + base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
        if environ.get("HTTP_AUTHORIZATION") != expected:
            start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"')])
            return [b"authentication required"]
        env = {
            "GIT_PROJECT_ROOT": str(self.projects),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": USER,
            "PATH_INFO": environ["PATH_INFO"],
            "QUERY_STRING": environ.get("QUERY_STRING", ""),
            "REQUEST_METHOD": environ["REQUEST_METHOD"],
            "CONTENT_TYPE": environ.get("CONTENT_TYPE", ""),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.projects),
        }
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if environ.get("wsgi.input_terminated"):  # chunked: werkzeug ends the stream
            body = environ["wsgi.input"].read()
        else:
            body = environ["wsgi.input"].read(length) if length else b""
        env["CONTENT_LENGTH"] = str(len(body))
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        headers = [tuple(line.split(": ", 1)) for line in head.decode().split("\r\n") if ": " in line]
        status = next((v for k, v in headers if k.lower() == "status"), "200 OK")
        start_response(status, [(k, v) for k, v in headers if k.lower() != "status"])
        return [payload]

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def https_like(remote: Path, tmp_path: Path):
    git(remote, "config", "http.receivepack", "true")
    server = GitHttp(remote.parent)
    yield f"{server.url}/{remote.name}"
    server.stop()


def test_password_from_the_environment_is_used_and_never_stored(
    make_instance, https_like: str, remote: Path, monkeypatch
) -> None:
    from translate_app.gitsync import repo

    monkeypatch.setattr(repo, "GIT_TIMEOUT", 20.0)
    service = make_instance(git_username=USER, git_password=TOKEN)
    git(service.root, "remote", "set-url", "origin", https_like)
    service.save("olena", "de", "Stop the", "Stoppt die Abschiebung")

    report = service.sync()

    assert report.error is None and report.pushed
    assert "Stoppt die Abschiebung" in git(remote, "show", "main:locales/de/LC_MESSAGES/appeal.po")
    # The token is nowhere in the clone or the instance folder.
    for path in [*service.root.rglob("*")]:
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
    # Without it, the sync fails with git's reason, and says nothing of the token.
    service.settings.git_password = None
    service.save("olena", "de", "Signed on", "Unterzeichnet.")
    failed = service.sync()
    assert failed.error and TOKEN not in failed.error
    assert "git fetch:" in failed.error
