"""DeepL's API, through deep-translator."""

from __future__ import annotations

from deep_translator import DeeplTranslator
from deep_translator.base import BaseTranslator
from deep_translator.constants import DEEPL_LANGUAGE_TO_CODE

from ..base import Option
from ..deeptranslator import DeepTranslatorProvider


class DeeplProvider(DeepTranslatorProvider):
    """DeepL's API (free keys end in ':fx'), through deep-translator."""

    id = "deepl"
    name = "DeepL"
    private = False  # a third party receives the text: refused under embargo
    options = (Option("api_key", "DEEPL_API_KEY", required=True, secret=True, what="an API key"),)
    api_key: str  # set from `options` by Provider.__init__
    client = DeeplTranslator
    batch_size = 25
    max_chars = 20000
    concurrency = 4
    rate_limit = 10.0

    def supported_codes(self) -> set[str] | None:
        """Return the codes of deep-translator's DeepL table."""
        return set(DEEPL_LANGUAGE_TO_CODE.values())

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a DeepL client on the free or pro endpoint, by the key's suffix."""
        return DeeplTranslator(
            source=source, target=target, api_key=self.api_key, use_free_api=self.api_key.endswith(":fx")
        )
