"""The providers: deep-translator adapters and the offline translation memory."""

from __future__ import annotations

import threading
import time
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from babel.core import get_global
from deep_translator import DeeplTranslator, GoogleTranslator, LibreTranslator, MicrosoftTranslator, MyMemoryTranslator
from deep_translator.base import BaseTranslator
from deep_translator.constants import DEEPL_LANGUAGE_TO_CODE, GOOGLE_LANGUAGES_TO_CODES, MY_MEMORY_LANGUAGES_TO_CODES

from ..core.languages import get_language
from . import transport
from .base import Provider, connection_problem, register, without_request_text
from .errors import ProviderConfigError, ProviderUnavailable, UnsupportedLanguageError


def display_url(url: str) -> str:
    """Return a URL as people should see it: scheme, host, port and path, no credentials or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port else "")
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{netloc}{path}" if parts.scheme else url.split("?", 1)[0]


class PublicServiceProvider:
    """A mixin for free public web services: they see the text, so they must be enabled on purpose."""

    name: ClassVar[str]
    settings: Any

    def configure(self) -> None:
        """Refuse unless public web services are enabled (TRANSLATE_APP_MT_PUBLIC_SERVICES=1)."""
        if not getattr(self.settings, "mt_public_services", False):
            raise ProviderConfigError(
                f"{self.name} is a public web service that would receive the release's text; "
                "enable public services with TRANSLATE_APP_MT_PUBLIC_SERVICES=1")

    def describe(self) -> str:
        """Say that the text goes to a public web service."""
        return "a public web service: sends the text over the internet"


class DeepTranslatorProvider(Provider):
    """A provider over one deep-translator client: one client per thread and language pair."""

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
            clients[key] = self.new_client(source, target)
        return clients[key]

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate masked texts, packed into as few requests as the limits allow."""
        src, tgt = self.provider_code(source), self.provider_code(target)
        if src is None or tgt is None:
            raise UnsupportedLanguageError(f"{self.name} does not translate {source} → {target}")
        try:
            client = self.client_for(src, tgt)
        except Exception as exc:  # a client refusing its settings: classify like a request
            raise self.classify(exc, transport.CallRecord(timeout=self.timeout)) from exc
        return self.call_with_split(texts, client.translate)


@register
class GoogleProvider(PublicServiceProvider, DeepTranslatorProvider):
    """Google Translate's public web page, through deep-translator; no key needed."""

    id = "google"
    name = "Google Translate"
    client = GoogleTranslator
    batch_size = 25
    max_chars = 4500  # the client refuses 5,000 characters and more
    concurrency = 4
    rate_limit = 5.0
    language_map = {"he": "iw", "jv": "jw", "nb": "no", "nn": "no", "fil": "tl",
                    "zh_Hans": "zh-CN", "zh": "zh-CN", "zh_Hant": "zh-TW"}

    def supported_codes(self) -> set[str] | None:
        """Return the codes of deep-translator's Google table."""
        return set(GOOGLE_LANGUAGES_TO_CODES.values())


@register
class DeeplProvider(DeepTranslatorProvider):
    """DeepL's API (free keys end in ':fx'), through deep-translator."""

    id = "deepl"
    name = "DeepL"
    client = DeeplTranslator
    batch_size = 25
    max_chars = 20000
    concurrency = 4
    rate_limit = 10.0

    def configure(self) -> None:
        """Require an API key."""
        if not self.settings.deepl_api_key:
            raise ProviderConfigError("DeepL needs an API key: set TRANSLATE_APP_DEEPL_API_KEY")

    def fingerprint(self) -> dict[str, str]:
        """Free and pro endpoints are the same engine; nothing else changes the output."""
        return {}

    def supported_codes(self) -> set[str] | None:
        """Return the codes of deep-translator's DeepL table."""
        return set(DEEPL_LANGUAGE_TO_CODE.values())

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a DeepL client on the free or pro endpoint, by the key's suffix."""
        key = self.settings.deepl_api_key
        return DeeplTranslator(source=source, target=target, api_key=key, use_free_api=key.endswith(":fx"))


class _StaticMicrosoftTranslator(MicrosoftTranslator):
    """deep-translator's Microsoft client without its language download at construction."""

    def _get_supported_languages(self) -> dict[str, str]:
        return {code: code for code in MICROSOFT_CODES}


MICROSOFT_CODES = frozenset(
    "af am ar as az ba bg bn bo bs ca cs cy da de dv el en es et eu fa fi fil fj fo fr fr-ca ga gl gu "
    "ha he hi hr hsb ht hu hy id ig ikt is it iu ja ka kk km kmr kn ko ku ky lo lt lv lzh mg mi mk ml "
    "mn-Cyrl mr ms mt mww my nb ne nl or otq pa pl prs ps pt pt-pt ro ru rw sk sl sm so sq sr-Cyrl "
    "sr-Latn sv sw ta te th ti tk tlh-Latn to tr tt ty ug uk ur uz vi yua yue zh-Hans zh-Hant zu".split()
)


@register
class MicrosoftProvider(DeepTranslatorProvider):
    """Microsoft Translator (Azure), through deep-translator."""

    id = "microsoft"
    name = "Microsoft Translator"
    client = _StaticMicrosoftTranslator
    batch_size = 25
    max_chars = 10000
    concurrency = 4
    rate_limit = 10.0
    language_map = {"zh": "zh-Hans", "zh_Hans": "zh-Hans", "zh_Hant": "zh-Hant", "pt_PT": "pt-pt",
                    "fr_CA": "fr-ca", "sr": "sr-Cyrl", "sr_Latn": "sr-Latn", "mn": "mn-Cyrl", "no": "nb"}

    def configure(self) -> None:
        """Require an API key."""
        if not self.settings.microsoft_api_key:
            raise ProviderConfigError("Microsoft Translator needs a key: set TRANSLATE_APP_MICROSOFT_API_KEY")

    def supported_codes(self) -> set[str] | None:
        """Return Microsoft's documented language codes."""
        return set(MICROSOFT_CODES)

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a Microsoft client with key and region."""
        return _StaticMicrosoftTranslator(source=source, target=target, api_key=self.settings.microsoft_api_key,
                                          region=self.settings.microsoft_region)


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


@register
class MyMemoryProvider(PublicServiceProvider, DeepTranslatorProvider):
    """MyMemory's free API (an e-mail address raises its daily quota), through deep-translator."""

    id = "mymemory"
    name = "MyMemory"
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
        return MyMemoryTranslator(source=source, target=target, email=self.settings.mymemory_email)


_libre_languages: dict[str, tuple[float, dict[str, set[str]]]] = {}
_libre_lock = threading.Lock()


@register
class LibreTranslateProvider(DeepTranslatorProvider):
    """A LibreTranslate server reached by URL (self-hosted or public), through deep-translator."""

    id = "libretranslate"
    name = "LibreTranslate"
    client = LibreTranslator
    batch_size = 25
    max_chars = 8000
    concurrency = 8
    rate_limit = 50.0
    language_map = {"zh_Hans": "zh", "zh_Hant": "zt", "pt_BR": "pb"}
    languages_ttl = 600.0

    def configure(self) -> None:
        """Require the server's URL."""
        url = self.settings.libretranslate_url
        if not url:
            raise ProviderConfigError("LibreTranslate needs a server: set TRANSLATE_APP_LIBRETRANSLATE_URL")
        self.url = url.rstrip("/") + "/"

    def fingerprint(self) -> dict[str, str]:
        """The server decides the output; its URL keys the cache."""
        return {"url": self.url}

    def where(self) -> str:
        """Name the server by its address, without credentials or a query."""
        return f"LibreTranslate at {display_url(self.url)}"

    def describe(self) -> str:
        """Say which server gets the text."""
        return f"sends the text to the server at {display_url(self.url)}"

    def server_languages(self) -> dict[str, set[str]]:
        """Return {code: target codes} from the server's /languages, cached for a while."""
        with _libre_lock:
            cached = _libre_languages.get(self.url)
            if cached and time.monotonic() - cached[0] < self.languages_ttl:
                return cached[1]
        try:
            data = transport.fetch_json(self.url + "languages", timeout=(self.timeout[0], min(self.timeout[1], 10.0)))
            table = {str(item["code"]): set(map(str, item.get("targets") or [])) for item in data}
        except requests.exceptions.ConnectionError as exc:
            raise ProviderUnavailable(f"{self.where()} is unreachable ({connection_problem(exc)})") from exc
        except requests.Timeout as exc:
            raise ProviderUnavailable(f"{self.where()} gave no answer within {self.timeout[1]:g} s") from exc
        except Exception as exc:  # any other failure means we cannot tell: say so clearly
            raise ProviderUnavailable(f"{self.where()} does not list its languages: "
                                      f"{without_request_text(str(exc))[:200]}") from exc
        with _libre_lock:
            _libre_languages[self.url] = (time.monotonic(), table)
        return table

    def supported_codes(self) -> set[str] | None:
        """Return the codes the server lists (deep-translator's own table of 17 is ignored)."""
        return set(self.server_languages())

    def check_languages(self, source: str, targets: list[str]) -> None:
        """Check each pair against the server's own table of targets."""
        super().check_languages(source, targets)
        table = self.server_languages()
        src = self.provider_code(source)
        allowed = table.get(src or "", set())
        if allowed:
            missing = [t for t in targets if self.provider_code(t) not in allowed]
            if missing:
                raise UnsupportedLanguageError(
                    f"LibreTranslate at {self.url} does not translate {source} → {', '.join(missing)}")

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a client for any pair the server serves."""
        key = self.settings.libretranslate_api_key
        # The client insists on a key and checks codes against a fixed table of 17
        # languages; build it with an accepted pair, then set the real codes.
        client = LibreTranslator(source="en", target="es", api_key=key or "unused", custom_url=self.url)
        if not key:
            client.api_key = ""  # sends no api_key parameter to servers that need none
        client.source = source
        client.target = target
        return client


@register
class MemoryProvider(Provider):
    """Translation memory: approved translations of every release, no network."""

    id = "memory"
    name = "Translation memory"
    online = False  # fills only segments whose source is identical to an approved one

    def describe(self) -> str:
        """Say where the memory's translations come from."""
        return "approved translations of identical English text; sends nothing anywhere"

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """The memory answers in the engine's memory step; it has nothing to send."""
        raise UnsupportedLanguageError("the translation memory sends no requests")
