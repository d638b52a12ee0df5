"""Optional extras in tests: skipped on a developer's machine without them, required in CI.

CI installs every extra (``pip install -e '.[test]'``), so a missing or broken one there
is a failed install, not a reason to skip.
"""

from __future__ import annotations

import importlib
import os


def require(module: str):
    """The imported ``module``; a skip without it, unless ``CI`` is set (then an error)."""
    import pytest

    if os.environ.get("CI"):
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            pytest.fail(f"CI needs the optional extra that provides {module!r}: {exc}")
    return pytest.importorskip(module)
