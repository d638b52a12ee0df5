"""weaknas: neural architecture search with weak predictors (WeakNAS, NeurIPS 2021)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("weaknas")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
