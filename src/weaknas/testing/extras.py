"""Optional extras in tests: skipped on a developer's machine without them, required in CI.

CI installs every extra (``pip install -e '.[test]'``), so a missing or broken one there
is a failed install, not a reason to skip.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import types


def require(module: str):
    """The imported ``module``; a skip without it, unless ``CI`` is set (then an error)."""
    import pytest

    if os.environ.get("CI"):
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"CI needs the optional extra that provides {module!r}: {exc}")
    return pytest.importorskip(module)


class _EmptyTorchvision(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import torchvision...`` gives empty modules whose attributes are empty classes."""

    def find_spec(self, name, path, target=None):
        if name == "torchvision" or name.startswith("torchvision."):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attribute: type(attribute, (), {})
        return module

    def exec_module(self, module):
        pass


def import_without_torchvision(module: str):
    """Import ``module`` (the ``ofa`` package's network code) with torchvision stubbed.

    ``import ofa`` reaches a data loader that imports torchvision, which the network code
    never uses and which does not install beside the CPU torch pinned here. The stub is
    removed again afterwards; raises ``ImportError`` if ``module`` itself is missing.
    """
    finder = _EmptyTorchvision()
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(module)
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
