"""Give deep-translator's requests explicit timeouts, pooled sessions and a request count.

deep-translator 1.11.4 calls the module functions ``requests.get`` and
``requests.post`` without a timeout, so a silent server hangs a job forever,
and it hides status codes and Retry-After headers behind its own exceptions.
``install_for(client_class)`` puts a stand-in for the ``requests`` module
into the modules of a client class (and of its bases), the first time a
provider makes such a client, so a new deep-translator provider needs no entry
here. A provider that speaks HTTP itself uses ``http``, the same path.
Outside ``call_context`` the stand-in calls requests exactly as
deep-translator would; inside, each call gets the context's timeout, goes
through a per-thread pooled session, and is recorded (count, last response,
last exception) so the caller can classify failures and honour Retry-After.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests
from requests import Response

_local = threading.local()
_install_lock = threading.Lock()
_installed: set[str] = set()  # modules whose `requests` is the stand-in


@dataclass
class CallRecord:
    """What happened on the wire during one call context."""

    timeout: tuple[float, float]
    requests: int = 0
    last_response: Response | None = None  # not requests.Response: the field `requests` shadows the module here
    last_exception: BaseException | None = None


class _RequestsStandIn:
    """Stands in for the requests module inside deep-translator's provider modules."""

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        """Send a GET the way requests.get does, under the current call context."""
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        """Send a POST the way requests.post does, under the current call context."""
        return self.request("POST", url, data=data, json=json, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send a request with the context's timeout and record its outcome."""
        record: CallRecord | None = getattr(_local, "record", None)
        if record is None:
            return requests.request(method, url, **kwargs)
        kwargs["timeout"] = kwargs.get("timeout") or record.timeout
        record.requests += 1
        try:
            response = _session().request(method, url, **kwargs)
        except BaseException as exc:
            record.last_exception = exc
            raise
        record.last_response = response
        return response


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        _local.session = session
    return session


_STAND_IN = _RequestsStandIn()


def install_for(client_class: type) -> None:
    """Put the stand-in into every module of a client class and its bases that calls `requests.*`."""
    for klass in client_class.__mro__:
        name = klass.__module__
        if name in _installed:
            continue
        with _install_lock:
            module = sys.modules.get(name)
            if module is not None and getattr(module, "requests", None) is requests:
                module.requests = _STAND_IN  # type: ignore[attr-defined]
            _installed.add(name)


def http(method: str, url: str, **kwargs: Any) -> requests.Response:
    """Send a request as a provider's `send` should: the call context's timeout, recorded, pooled."""
    return _STAND_IN.request(method, url, **kwargs)


@contextlib.contextmanager
def call_context(timeout: tuple[float, float]) -> Iterator[CallRecord]:
    """Record the requests made in this thread and give each one this timeout."""
    outer = getattr(_local, "record", None)
    record = CallRecord(timeout=timeout)
    _local.record = record
    try:
        yield record
    finally:
        _local.record = outer


def fetch_json(url: str, *, timeout: tuple[float, float], params: dict[str, str] | None = None) -> Any:
    """GET a JSON document with a timeout through this thread's pooled session."""
    response = _session().get(url, params=params, timeout=timeout)
    response.raise_for_status()
    return response.json()
