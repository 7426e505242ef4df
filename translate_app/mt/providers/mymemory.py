"""MyMemory's free API, through deep-translator."""

from __future__ import annotations

from babel.core import get_global
from deep_translator import MyMemoryTranslator
from deep_translator.base import BaseTranslator
from deep_translator.constants import MY_MEMORY_LANGUAGES_TO_CODES

from ...core.languages import get_language
from ..base import Option
from ..deeptranslator import DeepTranslatorProvider


def _mymemory_code(code: str) -> str | None:
    values = set(MY_MEMORY_LANGUAGES_TO_CODES.values())
    dashed = code.replace("_", "-")
    if dashed in values:
        return dashed
    base = code.split("_")[0]
    likely = get_global("likely_subtags").get(base, "")
    territory = next((part for part in likely.split("_")[1:] if part.isupper() and len(part) == 2), None)
    if territory and f"{base}-{territory}" in values:
        return f"{base}-{territory}"
    return next((v for v in sorted(values) if v.split("-")[0] == base), None)


class MyMemoryProvider(DeepTranslatorProvider):
    """MyMemory's free API (an e-mail address raises its daily quota), through deep-translator."""

    id = "mymemory"
    name = "MyMemory"
    private = False  # a third party receives the text: refused under embargo
    public_service = True
    options = (Option("email", "MYMEMORY_EMAIL", secret=True),)  # an address stays out of queues and logs
    email: str | None  # set from `options` by Provider.__init__
    client = MyMemoryTranslator
    batch_size = 5
    max_chars = 450  # the client refuses 500 characters and more
    concurrency = 2
    rate_limit = 2.0

    def provider_code(self, language: str) -> str | None:
        """Return MyMemory's language-region code for a language."""
        return _mymemory_code(get_language(language).code)

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a MyMemory client, with the configured e-mail address."""
        return MyMemoryTranslator(source=source, target=target, email=self.email)
