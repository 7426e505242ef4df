"""Microsoft Translator (Azure), through deep-translator."""

from __future__ import annotations

from deep_translator import MicrosoftTranslator
from deep_translator.base import BaseTranslator

from ..base import Option
from ..deeptranslator import DeepTranslatorProvider

MICROSOFT_CODES = frozenset(
    "af am ar as az ba bg bn bo bs ca cs cy da de dv el en es et eu fa fi fil fj fo fr fr-ca ga gl gu "
    "ha he hi hr hsb ht hu hy id ig ikt is it iu ja ka kk km kmr kn ko ku ky lo lt lv lzh mg mi mk ml "
    "mn-Cyrl mr ms mt mww my nb ne nl or otq pa pl prs ps pt pt-pt ro ru rw sk sl sm so sq sr-Cyrl "
    "sr-Latn sv sw ta te th ti tk tlh-Latn to tr tt ty ug uk ur uz vi yua yue zh-Hans zh-Hant zu".split()
)


class _StaticMicrosoftTranslator(MicrosoftTranslator):
    """deep-translator's Microsoft client without its language download at construction."""

    def _get_supported_languages(self) -> dict[str, str]:
        return {code: code for code in MICROSOFT_CODES}


class MicrosoftProvider(DeepTranslatorProvider):
    """Microsoft Translator (Azure), through deep-translator."""

    id = "microsoft"
    name = "Microsoft Translator"
    private = False  # a third party receives the text: refused under embargo
    options = (
        Option("api_key", "MICROSOFT_API_KEY", required=True, secret=True, what="a key"),
        Option("region", "MICROSOFT_REGION"),
    )
    api_key: str  # these two set from `options` by Provider.__init__
    region: str | None
    client = _StaticMicrosoftTranslator
    batch_size = 25
    max_chars = 10000
    concurrency = 4
    rate_limit = 10.0
    language_map = {
        "zh": "zh-Hans",
        "zh_Hans": "zh-Hans",
        "zh_Hant": "zh-Hant",
        "pt_PT": "pt-pt",
        "fr_CA": "fr-ca",
        "sr": "sr-Cyrl",
        "sr_Latn": "sr-Latn",
        "mn": "mn-Cyrl",
        "no": "nb",
    }

    def supported_codes(self) -> set[str] | None:
        """Return Microsoft's documented language codes."""
        return set(MICROSOFT_CODES)

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a Microsoft client with key and region."""
        return _StaticMicrosoftTranslator(source=source, target=target, api_key=self.api_key, region=self.region)
