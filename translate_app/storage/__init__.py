"""How catalogs are read, locked, edited and written: the only code that touches catalog files for a change.

People's edits go through one typed call:

    apply(catalog_path, [Edit, ...], change) -> [Outcome, ...]

(Edit and Outcome are the frozen values of core/edits.py, stamped with
PROTOCOL_VERSION; a refusal is an Outcome with an error code.) The rest is for
code that rewrites whole catalogs (update, machine pre-translation, git sync):
read/peek (parsed copies), edit (lock, change, write), save, catalog_lock and
write_atomic.

The modules and the invariants each relies on:

* files.py    atomic, durable writes (write aside, fsync, rename);
* lock.py     the per-catalog lock across threads and processes;
* catalogs.py parsed copies reused while the file is unchanged, and writes;
* batch.py    group commit within a process (one write for the edits waiting).

Nothing here reads the environment or keeps state outside the catalogs and
their `.lock` files: configuration comes from the caller (config.Settings).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.edits import PROTOCOL_VERSION, Edit, Outcome
    from .batch import After, Change, apply
    from .catalogs import edit, forget_parsed, peek, read, save
    from .files import write_atomic
    from .lock import catalog_lock, sweep_temporary_files

#: Where each name lives. A name is imported when first used, so that a command that only
#: writes a file (files.py) or reads a catalog (catalogs.py) loads neither the batching
#: machinery nor its threads and logging (tests/core/test_cli_imports.py).
_NAMES = {
    "PROTOCOL_VERSION": "..core.edits",
    "Edit": "..core.edits",
    "Outcome": "..core.edits",
    "After": ".batch",
    "Change": ".batch",
    "apply": ".batch",
    "edit": ".catalogs",
    "forget_parsed": ".catalogs",
    "peek": ".catalogs",
    "read": ".catalogs",
    "save": ".catalogs",
    "write_atomic": ".files",
    "catalog_lock": ".lock",
    "sweep_temporary_files": ".lock",
}
_MODULES = ("batch", "catalogs", "files", "lock")

__all__ = [
    "PROTOCOL_VERSION",
    "After",
    "Change",
    "Edit",
    "Outcome",
    "apply",
    "catalog_lock",
    "edit",
    "forget_parsed",
    "peek",
    "read",
    "save",
    "sweep_temporary_files",
    "write_atomic",
]


def __getattr__(name: str) -> object:
    """Import a name of the interface (or one of the modules) when it is first used."""
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_NAMES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_MODULES})
