"""A LibreTranslate-compatible WSGI server for tests and the benchmark, with faults on demand.

It speaks ``POST /translate`` (``q``, ``source``, ``target``, ``format``,
``api_key`` from the query string, a form or JSON; ``q`` may be a list) and
``GET /languages``. Its "translation" is deterministic and local to each
word, so a text gives the same answer alone or packed with others:
every word of two or more letters gets ``_`` and the target code appended
(``Court`` → ``Court_de``); tokens like ``[X3X]`` pass unchanged.

Faults, scripted for the next requests (``server.script("429", "ok")``) or
for all (``server.always("500")``): ``429``, ``500``, ``503``, ``403``,
``timeout`` (answers only after ``hang`` seconds), ``malformed`` (invalid
JSON), ``truncated`` (a Content-Length longer than the body, then the
connection closes), ``empty`` (``{}``), ``drop-separators`` (loses the
batch separators), ``mangle-tokens`` (loses every other masked token).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

LANGUAGES = ["en", "ar", "de", "el", "es", "fr", "he", "it", "ko", "lt", "nl", "pl", "pt", "ru", "tr", "uk", "zh"]
_WORD = re.compile(r"[^\W\d_]{2,}")
_TOKEN = re.compile(r"\[\s*X\s*\d+\s*X\s*\]")
_SEPARATOR = re.compile(r"\n?\[S\d+S\]\n?")
FAULTS = {
    "ok",
    "429",
    "500",
    "503",
    "403",
    "timeout",
    "malformed",
    "truncated",
    "empty",
    "drop-separators",
    "mangle-tokens",
}


def fake_translate(text: str, target: str) -> str:
    """Return the server's deterministic translation of a text."""
    return _WORD.sub(lambda m: f"{m.group(0)}_{target}", text)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = False


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


class FakeLibreTranslate:
    """The WSGI app and its HTTP server on 127.0.0.1, with counters and injectable faults."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        hang: float = 3.0,
        api_key: str | None = None,
        languages: Iterable[str] = LANGUAGES,
        retry_after: str | None = None,
    ) -> None:
        self.latency = latency
        self.hang = hang
        self.api_key = api_key
        self.languages = list(languages)
        self.retry_after = retry_after
        self.before_answer: Callable[[dict[str, Any]], None] | None = None
        self._faults: deque[str] = deque()
        self._always: str | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests = 0
        self.language_requests = 0
        self.received: list[dict[str, Any]] = []
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------
    def script(self, *faults: str) -> None:
        """Answer the next requests with these faults, in order ("ok" for a normal answer)."""
        unknown = set(faults) - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {unknown}")
        with self._lock:
            self._faults.extend(faults)

    def always(self, fault: str | None) -> None:
        """Answer every request after the scripted ones with this fault (None: normally)."""
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault}")
        self._always = fault

    def reset(self) -> None:
        """Forget faults and counters."""
        with self._lock:
            self._faults.clear()
            self._always = None
            self.requests = 0
            self.language_requests = 0
            self.received.clear()

    @property
    def url(self) -> str:
        """Return the base URL, with the trailing slash deep-translator needs."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> FakeLibreTranslate:
        """Serve on a free port of 127.0.0.1 in a background thread."""
        self._server = make_server("127.0.0.1", 0, self, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-libretranslate", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release hanging requests."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeLibreTranslate:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- WSGI -----------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Answer one request."""
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path.rstrip("/").endswith("/languages") and method == "GET":
            with self._lock:
                self.language_requests += 1
            table = [{"code": c, "name": c, "targets": [t for t in self.languages if t != c]} for c in self.languages]
            return self._json(start_response, "200 OK", table)
        if path.rstrip("/").endswith("/translate") and method == "POST":
            return self._translate(environ, start_response)
        return self._json(start_response, "404 Not Found", {"error": "Not Found"})

    def _params(self, environ: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {
            k: v[0] if len(v) == 1 else v for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()
        }
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        ctype = environ.get("CONTENT_TYPE", "")
        if body and "json" in ctype:
            params.update(json.loads(body))
        elif body:
            params.update({k: v[0] if len(v) == 1 else v for k, v in parse_qs(body.decode()).items()})
        return params

    def _translate(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        params = self._params(environ)
        with self._lock:
            self.requests += 1
            self.received.append(params)
            fault = self._faults.popleft() if self._faults else (self._always or "ok")
        if self.latency:
            time.sleep(self.latency)
        if self.before_answer is not None:
            self.before_answer(params)
        if self.api_key is not None and params.get("api_key") != self.api_key:
            return self._json(start_response, "403 Forbidden", {"error": "Invalid API key"})
        if fault == "timeout":
            self._stopping.wait(self.hang)
        elif fault == "429":
            headers = [("Retry-After", self.retry_after)] if self.retry_after is not None else []
            return self._json(start_response, "429 Too Many Requests", {"error": "Slowdown"}, headers)
        elif fault in ("500", "503"):
            status = "500 Internal Server Error" if fault == "500" else "503 Service Unavailable"
            headers = [("Retry-After", self.retry_after)] if self.retry_after is not None and fault == "503" else []
            return self._json(start_response, status, {"error": "Server error"}, headers)
        elif fault == "403":
            return self._json(start_response, "403 Forbidden", {"error": "Invalid API key"})
        elif fault == "malformed":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"translatedText": "unterminated']
        elif fault == "empty":
            return self._json(start_response, "200 OK", {})
        q, target = params.get("q", ""), str(params.get("target", ""))
        if target not in self.languages or str(params.get("source", "")) not in self.languages + ["auto"]:
            return self._json(start_response, "400 Bad Request", {"error": f"{target} is not supported"})
        if isinstance(q, list):
            answer: Any = [fake_translate(t, target) for t in q]
        else:
            answer = fake_translate(q, target)
            if fault == "drop-separators":
                answer = _SEPARATOR.sub(" ", answer)
            elif fault == "mangle-tokens":
                tokens = iter(range(10**6))
                answer = _TOKEN.sub(lambda m: "" if next(tokens) % 2 == 0 else m.group(0), answer)
        body = json.dumps({"translatedText": answer}).encode()
        if fault == "truncated":
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body) + 100))])
            return [body[: len(body) // 2]]
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    def _json(
        self, start_response: Callable[..., Any], status: str, data: Any, headers: list[tuple[str, str]] | None = None
    ) -> list[bytes]:
        body = json.dumps(data).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))] + (headers or [])
        )
        return [body]
