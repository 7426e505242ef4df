"""The translation memory as a provider: approved translations of every release, no network."""

from __future__ import annotations

from ..base import Provider
from ..errors import UnsupportedLanguageError


class MemoryProvider(Provider):
    """Translation memory: approved translations of every release, no network."""

    id = "memory"
    name = "Translation memory"
    private = True  # nothing leaves the service
    online = False  # fills only segments whose source is identical to an approved one (the engine's memory step)

    def describe(self) -> str:
        """Say where the memory's translations come from."""
        return "approved translations of identical English text; sends nothing anywhere"

    def send(self, text: str, source: str, target: str) -> str:
        """The memory answers in the engine's memory step; it has nothing to send."""
        raise UnsupportedLanguageError("the translation memory sends no requests")
