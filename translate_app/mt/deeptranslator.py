"""The base of providers reached through a deep-translator client (one client per thread and language pair)."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from deep_translator.base import BaseTranslator

from . import transport
from .base import Provider


class DeepTranslatorProvider(Provider):
    """A provider over one deep-translator client class; `send` is the client's translate."""

    client: ClassVar[type[BaseTranslator]]

    def __init__(self, settings: Any, **overrides: Any) -> None:
        super().__init__(settings, **overrides)
        self._local = threading.local()

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a fresh client for a pair of provider codes."""
        return self.client(source=source, target=target)

    def client_for(self, source: str, target: str) -> BaseTranslator:
        """Return this thread's client for a pair (clients keep state per call)."""
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        key = (source, target)
        if key not in clients:
            client = self.new_client(source, target)
            transport.install_for(type(client))  # its requests get the policy's timeout and are recorded
            clients[key] = client
        return clients[key]

    def send(self, text: str, source: str, target: str) -> str:
        """Translate one (packed) text with this thread's client for the pair."""
        return self.client_for(source, target).translate(text)
