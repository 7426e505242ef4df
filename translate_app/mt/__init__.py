"""Machine translation: providers (deep-translator adapters, memory), the engine and jobs."""

from __future__ import annotations

from .base import Provider, make_provider, provider_ids

__all__ = ["Provider", "make_provider", "provider_ids"]
