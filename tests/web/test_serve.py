"""`translate-app serve` as a new user runs it: a fresh project, gunicorn, a first coordinator."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import SAMPLE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_registers_the_sample_and_prints_a_one_time_password(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    shutil.copy(SAMPLE, tmp_path / "source" / SAMPLE.name)
    port = _free_port()
    env = {**os.environ, "TRANSLATE_APP_ROOT": str(tmp_path), "TRANSLATE_APP_LANGUAGES": "de,he"}
    env.pop("TRANSLATE_APP_DATABASE_URL", None)
    script = Path(sys.executable).with_name("translate-app")
    proc = subprocess.Popen(
        [str(script), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 60
        while "Serving on" not in output and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            output += line
        assert "Serving on" in output, output
        password = re.search(r"one-time password (\S+)", output)
        assert password, output
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    assert response.status == 200
                    assert b"Log in" in response.read()
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the service did not answer")
        assert (tmp_path / "locales/he/LC_MESSAGES/kuzmin-2026-03-30.po").is_file()
        assert (tmp_path / "instance/secret_key").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
