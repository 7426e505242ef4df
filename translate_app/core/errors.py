"""Errors a user can cause, one class each; the CLI and the web turn them into messages."""

from __future__ import annotations

import re
from pathlib import Path

_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/:'\"]+/)+([^\s/:'\"]+)")


def public_message(message: str, root: Path) -> str:
    """Say a message without the server's folders: paths in the project relative to it, others by file name."""
    message = message.replace(str(root).rstrip("/") + "/", "")
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1), message)


class TranslateAppError(Exception):
    """Base of every error that carries a message meant for a person."""


class SourceError(TranslateAppError):
    """A Markdown source that cannot be read or segmented."""


class CatalogError(TranslateAppError):
    """A gettext catalog that cannot be read or written."""


class MalformedCatalogError(CatalogError):
    """A catalog file that is not valid PO (msgfmt --check would refuse it): a fault on the server side."""


class StorageError(CatalogError):
    """The server cannot store a change (a read-only or missing folder): nothing was changed."""


class StorageFullError(StorageError):
    """The disk holding the catalogs is (nearly) full: nothing was changed."""


class CatalogBusyError(CatalogError):
    """The catalog stayed locked too long, or a change could not be confirmed in time."""


class LanguageError(TranslateAppError):
    """An unknown or malformed language code."""


class ReleaseNameError(TranslateAppError):
    """A release name or path that could escape the project."""


class UnknownReleaseError(TranslateAppError):
    """A release that the project does not have."""


class NotApprovedError(TranslateAppError):
    """A request that needs every segment approved, made while some are not."""


class PermissionDeniedError(TranslateAppError):
    """A person asked for something their role or languages do not allow."""


class StaleVersionError(TranslateAppError):
    """A change based on a version of an entry that is no longer current."""

    def __init__(self, message: str, current: object | None = None) -> None:
        super().__init__(message)
        self.current = current
