"""weaknas: neural architecture search with weak predictors (WeakNAS, NeurIPS 2021)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("weaknas")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

from weaknas._lazy import lazy_attributes  # noqa: E402

# The public API is imported on first use: ``import weaknas`` stays light for workers.
__getattr__ = lazy_attributes(
    "weaknas",
    {
        "CategoricalSpace": "weaknas.spaces.categorical",
        "Search": "weaknas.runner.engine",
        "SearchResult": "weaknas.runner.engine",
        "search": "weaknas.runner.engine",
    },
)


__all__ = ["CategoricalSpace", "Search", "SearchResult", "__version__", "search"]
