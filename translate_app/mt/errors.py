"""Errors of machine translation, after Weblate's machinery: each says if a retry may help."""

from __future__ import annotations

from ..core.errors import TranslateAppError


class ProviderError(TranslateAppError):
    """A provider failed to translate; `retryable` and `fatal` steer the engine."""

    retryable = False
    fatal = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnknownProviderError(ProviderError):
    """A provider id that no registered provider has."""

    fatal = True


class ProviderConfigError(ProviderError):
    """A provider that lacks a setting it needs, such as a URL or an API key."""

    fatal = True


class UnsupportedLanguageError(ProviderError):
    """A language pair that the provider does not translate."""

    fatal = True


class ProviderAuthError(ProviderError):
    """A provider that refuses the credentials (HTTP 401 or 403)."""

    fatal = True


class ProviderTimeout(ProviderError):
    """A request that got no complete answer within its timeout."""

    retryable = True


class ProviderUnavailable(ProviderError):
    """A provider that cannot be reached or answers with a server error (5xx)."""

    retryable = True


class RateLimitedError(ProviderError):
    """A provider that asks us to slow down (HTTP 429)."""

    retryable = True


class BadResponseError(ProviderError):
    """An answer that is truncated, malformed or does not fit the request."""

    retryable = True


class RequestRejectedError(ProviderError):
    """A request the provider refuses for its content (HTTP 4xx, text too long)."""


class JobCancelled(ProviderError):
    """A job stopped on request while a request waited for its retry."""

    fatal = True


class JobError(TranslateAppError):
    """A job that does not exist, cannot be queued or cannot be resumed."""
