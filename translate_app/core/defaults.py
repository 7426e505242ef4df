"""Defaults that the settings and the segmenter share, in a module that imports nothing."""

from __future__ import annotations

DEFAULT_FRONT_MATTER_KEYS = ("title", "description", "summary", "subtitle", "excerpt", "abstract")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
