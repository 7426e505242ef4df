"""The providers, one module each (see base.Provider); importing this package imports every one of them.

Adding a provider is adding a module here with its class (and its test): the
class registers itself when defined, and declares its own settings.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
