"""Errors a user can cause, one class each; the CLI and the web turn them into messages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .segments import SegmentView

_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/:'\"]+/)+([^\s/:'\"]+)")


def public_message(message: str, root: Path) -> str:
    """Say a message without the server's folders: paths in the project relative to it, others by file name."""
    message = message.replace(str(root).rstrip("/") + "/", "")
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1), message)


class TranslateAppError(Exception):
    """Base of every error that carries a message meant for a person.

    Each class names itself with a `code` (snake case, stable): an edit's
    outcome carries the code, never a class name, and error_class(code)
    gives the class back. A subclass without a code of its own shares its
    parent's.
    """

    code = "error"
    _by_code: dict[str, type[TranslateAppError]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is not None:
            TranslateAppError._by_code.setdefault(code, cls)


def error_class(code: str | None) -> type[TranslateAppError]:
    """Return the error class of a code (CatalogError for a code nobody defines)."""
    return TranslateAppError._by_code.get(code or "", CatalogError)


class SourceError(TranslateAppError):
    """A Markdown source that cannot be read or segmented."""

    code = "source"


class CatalogError(TranslateAppError):
    """A gettext catalog that cannot be read or written."""

    code = "catalog"


class MalformedCatalogError(CatalogError):
    """A catalog file that is not valid PO (msgfmt --check would refuse it): a fault on the server side."""

    code = "malformed_catalog"


class StorageError(CatalogError):
    """The server cannot store a change (a read-only or missing folder): nothing was changed."""

    code = "storage"


class StorageFullError(StorageError):
    """The disk holding the catalogs is (nearly) full: nothing was changed."""

    code = "storage_full"


class CatalogBusyError(CatalogError):
    """The catalog stayed locked too long, or a change could not be confirmed in time."""

    code = "catalog_busy"


class LanguageError(TranslateAppError):
    """An unknown or malformed language code."""

    code = "language"


class ReleaseNameError(TranslateAppError):
    """A release name or path that could escape the project."""

    code = "release_name"


class UnknownReleaseError(TranslateAppError):
    """A release that the project does not have."""

    code = "unknown_release"


class NotApprovedError(TranslateAppError):
    """A request that needs every segment approved, made while some are not."""

    code = "not_approved"


class PermissionDeniedError(TranslateAppError):
    """A person asked for something their role or languages do not allow."""

    code = "permission_denied"


class StaleVersionError(TranslateAppError):
    """A change based on a version of an entry that is no longer current."""

    code = "stale_version"

    def __init__(self, message: str, current: SegmentView | None = None) -> None:
        super().__init__(message)
        self.current = current
