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

from ..core.edits import PROTOCOL_VERSION, Edit, Outcome
from .batch import After, Change, apply
from .catalogs import edit, forget_parsed, peek, read, save
from .files import write_atomic
from .lock import catalog_lock, sweep_temporary_files

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
