"""The provider base class and registry, after Weblate's machinery.

A provider is one class in one module of ``mt/providers/``, with declarative
attributes (id, name, batch size, request timeout, concurrency, rate limit,
language-code map, whether it is a public web service, and the settings it
reads as ``Option``s) and one method, ``send``, that makes one request.
Defining the class registers it (``__init_subclass__``), and every module of
``mt/providers/`` is imported when the providers are first listed: nothing
else names a provider.

The shared policy lives here once, in ``translate_batch`` and ``request``,
which a provider may not override: masking, packing a batch into requests
and splitting it when separators come back wrong, the cache key, explicit
timeouts on every HTTP request (transport.py), retries with exponential
backoff and jitter on timeouts, 429 and 5xx (honouring Retry-After), and
turning whatever a client library raises into the small hierarchy of
``errors``.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import requests

from ..core.glossary import Glossary
from ..core.languages import get_language
from ..core.masking import Masked, Restored, mask, unmask
from . import transport
from .errors import (
    BadResponseError,
    JobCancelled,
    ProviderAuthError,
    ProviderConfigError,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimitedError,
    RequestRejectedError,
    UnknownProviderError,
    UnsupportedLanguageError,
)

T = TypeVar("T")

SOURCE_LANGUAGE = "en"
MASK_VERSION = "1"  # part of the cache key: change it when masking changes
SEPARATOR = "\n[S{}S]\n"
_SEPARATOR = re.compile(r"\s*\[\s*S\s*(\d{1,4})\s*S\s*\]\s*")

REGISTRY: dict[str, type[Provider]] = {}


def provider_ids() -> list[str]:
    """Return the ids of every registered provider."""
    from . import providers  # noqa: F401  (imports every provider module, which registers its class)

    return list(REGISTRY)


@dataclass(frozen=True)
class Option:
    """A setting a provider reads: the variable TRANSLATE_APP_<env>, put on the provider as `attribute`.

    `secret` ones (keys) may also come from a file named by <env>_FILE, never
    go into the cache key and never travel with a queued job; the others are
    passed to an RQ worker that lacks them. A `required` one missing makes the
    provider refuse to start, saying `what` it needs and which variable gives it.
    """

    attribute: str
    env: str
    required: bool = False
    secret: bool = False
    what: str = field(default="", compare=False)


def public_options(settings: Any) -> dict[str, str]:
    """Return the non-secret options of every provider that these settings give, by variable name."""
    found: dict[str, str] = {}
    for provider_id in provider_ids():
        for option in REGISTRY[provider_id].options:
            value = settings.option(option.env)
            if value is not None and not option.secret:
                found[option.env] = value
    return found


@dataclass(frozen=True)
class ProviderChoice:
    """A provider as the coordinator's menu shows it: configured or not, and what that means."""

    id: str
    name: str
    configured: bool
    detail: str  # where the text goes when configured; the missing setting when not
    private: bool = False  # the text stays with the organisation (allowed under embargo)


def provider_choices(settings: Any) -> list[ProviderChoice]:
    """Return every provider with whether these settings configure it, configured ones first."""
    choices = []
    for provider_id in provider_ids():
        cls = REGISTRY[provider_id]
        try:
            provider = cls(settings)
        except ProviderConfigError as exc:
            choices.append(ProviderChoice(provider_id, cls.name, False, str(exc), cls.private))
        else:
            choices.append(ProviderChoice(provider_id, cls.name, True, provider.describe(), cls.private))
    # The memory first (it sends nothing anywhere), then the other configured ones, each group by name.
    return sorted(choices, key=lambda c: (not c.configured, c.id != "memory", c.name.casefold()))


def provider_class(provider_id: str) -> type[Provider]:
    """Return the class of a provider id, or raise UnknownProviderError naming the known ids."""
    ids = provider_ids()
    cls = REGISTRY.get((provider_id or "").strip().lower())
    if cls is None:
        raise UnknownProviderError(
            f"unknown machine-translation provider {provider_id!r}; choose one of {', '.join(ids)}"
        )
    return cls


def make_provider(provider_id: str, settings: Any, **overrides: Any) -> Provider:
    """Return a configured provider, or raise UnknownProviderError naming the known ids."""
    return provider_class(provider_id)(settings, **overrides)


class RateLimiter:
    """Space requests evenly across threads, and pause everyone after a Retry-After."""

    def __init__(self, per_second: float | None) -> None:
        self.interval = 1.0 / per_second if per_second else 0.0
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self, stop: threading.Event | None = None) -> None:
        """Block until this thread may send its next request."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            _sleep(slot - now, stop)

    def pause(self, seconds: float) -> None:
        """Hold back every thread's next request for some seconds."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


def _sleep(seconds: float, stop: threading.Event | None) -> None:
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise JobCancelled("the job was stopped")


def parse_retry_after(value: str | None) -> float | None:
    """Return the seconds a Retry-After header asks for (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class Provider:
    """A machine-translation service: declarative attributes and `send`, one request."""

    id: ClassVar[str] = ""
    name: ClassVar[str] = ""
    online: ClassVar[bool] = True
    public_service: ClassVar[bool] = False  # a free public web service: enabled only on purpose
    # The text goes only to the organisation's own memory or server: allowed for a release under embargo.
    private: ClassVar[bool] = False
    options: ClassVar[tuple[Option, ...]] = ()
    batch_size: ClassVar[int] = 20  # texts per request
    max_chars: ClassVar[int] = 4500  # characters per request, separators included
    timeout: ClassVar[tuple[float, float]] = (5.0, 30.0)  # connect, read (seconds)
    concurrency: ClassVar[int] = 4  # requests in flight at once
    rate_limit: ClassVar[float | None] = None  # requests per second, all threads together
    max_attempts: ClassVar[int] = 4  # tries per request
    backoff: ClassVar[float] = 0.5  # first retry delay; doubles each time, plus jitter
    backoff_max: ClassVar[float] = 30.0
    retry_after_max: ClassVar[float] = 120.0
    max_failed_batches: ClassVar[int] = 3  # consecutive failed batches that stop a job
    language_map: ClassVar[dict[str, str]] = {}
    cache_expiry_days: ClassVar[int] = 180

    _TUNABLE = (
        "batch_size",
        "max_chars",
        "timeout",
        "concurrency",
        "rate_limit",
        "max_attempts",
        "backoff",
        "backoff_max",
        "retry_after_max",
        "max_failed_batches",
    )
    _POLICY = ("translate_batch", "request", "classify", "call_with_split")  # the base's, never a provider's

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Register a provider class under its id; refuse one that would bypass the shared policy."""
        super().__init_subclass__(**kwargs)
        bypassed = [name for name in cls._POLICY if name in cls.__dict__]
        if bypassed:
            raise TypeError(
                f"{cls.__name__} overrides {', '.join(bypassed)}: a provider implements send() "
                "and leaves timeouts, retries and error classification to Provider"
            )
        provider_id = cls.__dict__.get("id")
        if provider_id:
            if provider_id in REGISTRY and REGISTRY[provider_id].__qualname__ != cls.__qualname__:
                raise TypeError(
                    f"two providers with the id {provider_id!r}: "
                    f"{REGISTRY[provider_id].__qualname__} and {cls.__qualname__}"
                )
            REGISTRY[provider_id] = cls

    def __init__(self, settings: Any, **overrides: Any) -> None:
        self.settings = settings
        overrides = {**getattr(settings, "mt_tuning", {}), **overrides}
        for key, value in overrides.items():
            if key not in self._TUNABLE:
                raise TypeError(f"{type(self).__name__} has no setting {key!r}")
            setattr(self, key, value)
        self.limiter = RateLimiter(self.rate_limit)
        self.stop = threading.Event()
        self._count_lock = threading.Lock()
        self.requests = 0
        if self.public_service and not getattr(settings, "mt_public_services", False):
            raise ProviderConfigError(
                f"{self.name} is a public web service that would receive the release's text; "
                "enable public services with TRANSLATE_APP_MT_PUBLIC_SERVICES=1"
            )
        for option in self.options:
            value = settings.option(option.env, secret=option.secret)
            if option.required and not value:
                raise ProviderConfigError(
                    f"{self.name} needs {option.what or option.attribute}: set TRANSLATE_APP_{option.env}"
                )
            setattr(self, option.attribute, value)
        self.configure()

    # -- configuration --------------------------------------------------------
    def configure(self) -> None:
        """Check what the declared options cannot say alone; raise ProviderConfigError if something lacks."""

    def fingerprint(self) -> dict[str, str]:
        """Return the settings that change the output (never secrets), for the cache key."""
        return {}

    def settings_hash(self) -> str:
        """Return the hash of provider, settings and masking version that keys the cache."""
        data = json.dumps({"provider": self.id, "mask": MASK_VERSION, **self.fingerprint()}, sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:32]

    def supported_codes(self) -> set[str] | None:
        """Return the provider's language codes, or None when it takes any."""
        return None

    def provider_code(self, language: str) -> str | None:
        """Return the provider's code for a language, or None when it has none."""
        code = get_language(language).code
        base = code.split("_")[0]
        candidates = [self.language_map.get(code), self.language_map.get(base), code.replace("_", "-"), code, base]
        supported = self.supported_codes()
        for candidate in candidates:
            if candidate and (supported is None or candidate in supported):
                return candidate
        return None

    def check_languages(self, source: str, targets: list[str]) -> None:
        """Raise UnsupportedLanguageError unless every pair source → target is supported."""
        if self.provider_code(source) is None:
            raise UnsupportedLanguageError(f"{self.name} does not translate from {source!r}")
        missing = [t for t in targets if self.provider_code(t) is None]
        if missing:
            raise UnsupportedLanguageError(
                f"{self.name} does not translate {source} → {', '.join(missing)}; "
                "choose another provider for these languages"
            )

    # -- masking --------------------------------------------------------------
    def mask(self, text: str, glossary: Glossary | None = None) -> Masked:
        """Mask what must survive translation, glossary terms included."""
        return mask(text, terms=glossary.sources() if glossary else ())

    def unmask(self, masked: Masked, translated: str, language: str, glossary: Glossary | None = None) -> Restored:
        """Restore masked pieces, putting each glossary term in its required form."""
        return unmask(masked, translated, replacements=glossary.replacements(language) if glossary else None)

    # -- batches and requests -------------------------------------------------
    def plan_batches(self, texts: list[str]) -> list[list[str]]:
        """Split texts into batches within the provider's count and size limits."""
        batches: list[list[str]] = []
        current: list[str] = []
        size = 0
        for text in texts:
            extra = len(text) + (len(SEPARATOR) + 4 if current else 0)
            if current and (len(current) >= self.batch_size or size + extra > self.max_chars):
                batches.append(current)
                current, size = [], 0
                extra = len(text)
            current.append(text)
            size += extra
        if current:
            batches.append(current)
        return batches

    def translate_batch(self, texts: list[str], source: str, target: str) -> list[str]:
        """Translate masked texts, packed into as few requests as the limits allow, each under the policy."""
        src, tgt = self.provider_code(source), self.provider_code(target)
        if src is None or tgt is None:
            raise UnsupportedLanguageError(f"{self.name} does not translate {source} → {target}")
        return self.call_with_split(texts, lambda text: self.send(text, src, tgt))

    def send(self, text: str, source: str, target: str) -> str:
        """Send one request translating a (packed) text between provider codes; the one method a provider supplies.

        It runs inside `request`: HTTP made through transport.py (requests in
        deep-translator's clients, or `transport.http`) gets the timeout and is
        recorded, and whatever it raises is classified and retried here.
        """
        raise NotImplementedError

    def request(self, call: Callable[[], T]) -> T:
        """Run one provider request with the rate limit, a timeout and retries."""
        attempt = 0
        while True:
            attempt += 1
            if self.stop.is_set():
                raise JobCancelled("the job was stopped")
            self.limiter.wait(self.stop)
            error: ProviderError | None
            with transport.call_context((self.timeout[0], self.timeout[1])) as record:
                try:
                    result = call()
                except Exception as exc:  # classified below into ProviderError
                    error = self.classify(exc, record)
                else:
                    error = None
            with self._count_lock:
                self.requests += record.requests
            if error is None:
                return result
            if error.fatal:
                self.stop.set()  # refused credentials or settings: no other request of this provider can succeed
            if not error.retryable or attempt >= self.max_attempts:
                if error.retryable:
                    raise type(error)(f"{error} (gave up after {attempt} attempts)", retry_after=error.retry_after)
                raise error
            if error.retry_after is not None:
                delay = min(error.retry_after, self.retry_after_max)
                self.limiter.pause(delay)
            else:
                delay = min(self.backoff * 2 ** (attempt - 1), self.backoff_max)
                delay += random.uniform(0, delay)  # jitter: threads must not retry in step
            _sleep(delay, self.stop)

    def classify(self, exc: BaseException, record: transport.CallRecord) -> ProviderError:
        """Turn what a client library raised into a ProviderError that says whether to retry."""
        if isinstance(exc, ProviderError):
            return exc
        # Some clients swallow the requests error and fail later on a None response.
        wire = record.last_exception or exc
        if isinstance(wire, requests.exceptions.ConnectTimeout):
            return ProviderUnavailable(f"{self.where()} is unreachable (no connection within {self.timeout[0]:g} s)")
        if isinstance(wire, requests.Timeout):
            return ProviderTimeout(f"{self.where()} gave no answer within {self.timeout[1]:g} s")
        if isinstance(wire, requests.exceptions.ConnectionError):
            # requests' own message names the URL, and with it the text sent as `q=`.
            return ProviderUnavailable(f"{self.where()} is unreachable ({connection_problem(wire)})")
        if isinstance(wire, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
            return BadResponseError(f"{self.name}: truncated answer: {_short(wire)}")
        if isinstance(wire, requests.exceptions.JSONDecodeError):
            return BadResponseError(f"{self.name}: malformed JSON in the answer: {_short(wire)}")
        if isinstance(wire, requests.RequestException) and not isinstance(wire, requests.HTTPError):
            return ProviderUnavailable(f"{self.name}: request failed: {_short(wire)}")
        from deep_translator import exceptions as dt

        if isinstance(exc, (dt.LanguageNotSupportedException, dt.InvalidSourceOrTargetLanguage)):
            return UnsupportedLanguageError(f"{self.name}: {exc}")
        if isinstance(exc, dt.ApiKeyException):
            return ProviderConfigError(f"{self.name}: missing API key")
        if isinstance(exc, (dt.NotValidLength, dt.NotValidPayload)):
            return RequestRejectedError(f"{self.name}: text refused: {_short(exc)}")
        response = record.last_response
        if isinstance(exc, requests.HTTPError) and exc.response is not None:
            response = exc.response
        status = response.status_code if response is not None else None
        if response is not None and status is not None and not 200 <= status < 300:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            detail = f"{self.name}: HTTP {status}: {_body(response)}"
            if status == 429:
                return RateLimitedError(detail, retry_after=retry_after)
            if status in (401, 403):
                return ProviderAuthError(detail)
            if status >= 500:
                return ProviderUnavailable(detail, retry_after=retry_after)
            return RequestRejectedError(detail)
        if isinstance(exc, dt.TooManyRequests):
            return RateLimitedError(f"{self.name}: too many requests")
        if isinstance(exc, dt.AuthorizationException):
            return ProviderAuthError(f"{self.name}: credentials refused")
        if response is not None:
            return BadResponseError(f"{self.name}: malformed answer ({type(exc).__name__}: {_short(exc)})")
        return ProviderUnavailable(f"{self.name}: {type(exc).__name__}: {_short(exc)}")

    def where(self) -> str:
        """Return the provider as people should read it in an error: its name, and where it is reached."""
        return self.name

    def describe(self) -> str:
        """Return a few words, after the provider's name, on where the release's text goes."""
        if self.public_service:
            return "a public web service: sends the text over the internet"
        return f"sends the text to {self.name}'s service"

    def call_with_split(self, texts: list[str], one: Callable[[str], str]) -> list[str]:
        """Send texts packed into one request; split the batch when separators come back wrong."""
        if len(texts) == 1:
            return [self.request(lambda: _text(one(texts[0])))]
        joined = "".join((SEPARATOR.format(i) if i else "") + t for i, t in enumerate(texts))
        answer = self.request(lambda: _text(one(joined)))
        parts = split_packed(answer, len(texts))
        if parts is not None:
            return parts
        half = len(texts) // 2
        return self.call_with_split(texts[:half], one) + self.call_with_split(texts[half:], one)


def split_packed(answer: str, count: int) -> list[str] | None:
    """Split a packed answer at its separators, or return None when they are not all there in order."""
    found = list(_SEPARATOR.finditer(answer))
    if [int(m.group(1)) for m in found] != list(range(1, count)):
        return None
    parts, pos = [], 0
    for m in found:
        parts.append(answer[pos : m.start()])
        pos = m.end()
    parts.append(answer[pos:])
    return [p.strip() for p in parts]


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadResponseError(f"empty or non-text answer: {str(value)[:80]!r}")
    return value


_CONNECTION_PROBLEMS: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connection refused"),
    (socket.gaierror, "host name not found"),
    (ssl.SSLCertVerificationError, "its TLS certificate is not trusted"),
    (ssl.SSLError, "TLS handshake failed"),
    (ConnectionResetError, "connection reset"),
    (TimeoutError, "connection timed out"),
    (http.client.RemoteDisconnected, "it closed the connection without answering"),
    (OSError, ""),  # filled from its strerror below
)


def connection_problem(exc: BaseException) -> str:
    """Say in a few words why a connection failed, from the exceptions chained under a requests error."""
    stack: list[BaseException] = [exc]
    seen: set[int] = set()
    fallback = "cannot connect"
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        for cls, words in _CONNECTION_PROBLEMS:
            if isinstance(current, cls) and not isinstance(current, requests.RequestException):
                if words:
                    return words
                if isinstance(current, OSError) and current.strerror:
                    fallback = current.strerror.lower()
        nested = [current.__cause__, current.__context__, getattr(current, "reason", None), *current.args]
        stack.extend(x for x in nested if isinstance(x, BaseException))
    return fallback


_URL_QUERY = re.compile(r"((?:https?://|\burl: )[^\s?'\"]*)\?[^\s'\")]*")
_POOL = re.compile(r"HTTPS?ConnectionPool\([^)]*\):\s*")


def without_request_text(message: str) -> str:
    """Drop query strings (they carry the text sent, as `q=`) and connection-pool noise from a message."""
    return _POOL.sub("", _URL_QUERY.sub(r"\1", message))


def _short(exc: BaseException) -> str:
    # deep-translator's errors print the value they were given, which is often the text itself.
    message = getattr(exc, "message", None) if hasattr(exc, "val") else None
    text = without_request_text((message if isinstance(message, str) else str(exc)) or type(exc).__name__)
    return text if len(text) < 200 else text[:200] + "…"


def _body(response: requests.Response) -> str:
    try:
        text = response.text
    except Exception:  # a truncated body can fail to decode
        return ""
    text = without_request_text(" ".join(text.split()))
    return text[:160]
