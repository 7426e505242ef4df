"""Google Translate's public web page, through deep-translator."""

from __future__ import annotations

from deep_translator import GoogleTranslator
from deep_translator.constants import GOOGLE_LANGUAGES_TO_CODES

from ..deeptranslator import DeepTranslatorProvider


class GoogleProvider(DeepTranslatorProvider):
    """Google Translate's public web page, through deep-translator; no key needed."""

    id = "google"
    name = "Google Translate"
    private = False  # a third party receives the text: refused under embargo
    public_service = True
    client = GoogleTranslator
    batch_size = 25
    max_chars = 4500  # the client refuses 5,000 characters and more
    concurrency = 4
    rate_limit = 5.0
    language_map = {
        "he": "iw",
        "jv": "jw",
        "nb": "no",
        "nn": "no",
        "fil": "tl",
        "zh_Hans": "zh-CN",
        "zh": "zh-CN",
        "zh_Hant": "zh-TW",
    }

    def supported_codes(self) -> set[str] | None:
        """Return the codes of deep-translator's Google table."""
        return set(GOOGLE_LANGUAGES_TO_CODES.values())
