"""A LibreTranslate server reached by URL (self-hosted or public), through deep-translator."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import requests
from deep_translator import LibreTranslator
from deep_translator.base import BaseTranslator

from .. import transport
from ..base import Option, connection_problem, without_request_text
from ..deeptranslator import DeepTranslatorProvider
from ..errors import ProviderUnavailable, UnsupportedLanguageError


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


_languages: dict[str, tuple[float, dict[str, set[str]]]] = {}
_languages_lock = threading.Lock()


class LibreTranslateProvider(DeepTranslatorProvider):
    """A LibreTranslate server reached by URL (self-hosted or public), through deep-translator."""

    id = "libretranslate"
    name = "LibreTranslate"
    private = True  # self-hosted: the organisation's own server
    options = (
        Option("url", "LIBRETRANSLATE_URL", required=True, what="a server"),
        Option("api_key", "LIBRETRANSLATE_API_KEY", secret=True),
    )
    url: str  # these two set from `options` by Provider.__init__
    api_key: str | None
    client = LibreTranslator
    batch_size = 25
    max_chars = 8000
    concurrency = 8
    rate_limit = 50.0
    language_map = {"zh_Hans": "zh", "zh_Hant": "zt", "pt_BR": "pb"}
    languages_ttl = 600.0

    def configure(self) -> None:
        """Keep the server's URL with one trailing slash."""
        self.url = self.url.rstrip("/") + "/"

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
        with _languages_lock:
            cached = _languages.get(self.url)
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
            raise ProviderUnavailable(
                f"{self.where()} does not list its languages: {without_request_text(str(exc))[:200]}"
            ) from exc
        with _languages_lock:
            _languages[self.url] = (time.monotonic(), table)
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
                    f"LibreTranslate at {self.url} does not translate {source} → {', '.join(missing)}"
                )

    def new_client(self, source: str, target: str) -> BaseTranslator:
        """Return a client for any pair the server serves."""
        # The client insists on a key and checks codes against a fixed table of 17
        # languages; build it with an accepted pair, then set the real codes.
        client = LibreTranslator(source="en", target="es", api_key=self.api_key or "unused", custom_url=self.url)
        if not self.api_key:
            client.api_key = ""  # sends no api_key parameter to servers that need none
        client.source = source
        client.target = target
        return client
