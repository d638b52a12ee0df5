"""weaknas: neural architecture search with weak predictors (WeakNAS, NeurIPS 2021)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("weaknas")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

_LAZY = {
    "CategoricalSpace": "weaknas.spaces.categorical",
    "Search": "weaknas.runner.objective_search",
    "SearchResult": "weaknas.runner.objective_search",
    "search": "weaknas.runner.objective_search",
}


def __getattr__(name: str):
    """Import the public API on first use: ``import weaknas`` stays light for workers."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'weaknas' has no attribute {name!r}")


__all__ = ["CategoricalSpace", "Search", "SearchResult", "__version__", "search"]
