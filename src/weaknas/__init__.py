"""weaknas: neural architecture search with weak predictors (WeakNAS, NeurIPS 2021)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("weaknas")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

from typing import TYPE_CHECKING  # noqa: E402

from weaknas._lazy import lazy_attributes  # noqa: E402

if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from weaknas import benchmarks as benchmarks
    from weaknas import cli as cli
    from weaknas import evaluators as evaluators
    from weaknas import integrations as integrations
    from weaknas import predictors as predictors
    from weaknas import resolve as resolve
    from weaknas import runner as runner
    from weaknas import spaces as spaces
    from weaknas import strategies as strategies
    from weaknas import study as study
    from weaknas import testing as testing
    from weaknas import training as training
    from weaknas.resolve.api import search
    from weaknas.runner.engine import Search, SearchResult
    from weaknas.spaces.categorical import CategoricalSpace

# The public API is imported on first use: ``import weaknas`` stays light for workers.
__getattr__ = lazy_attributes(
    "weaknas",
    {
        "CategoricalSpace": "weaknas.spaces.categorical",
        "Search": "weaknas.runner.engine",
        "SearchResult": "weaknas.runner.engine",
        "search": "weaknas.resolve.api",
    },
    submodules=(
        "benchmarks",
        "cli",
        "evaluators",
        "integrations",
        "predictors",
        "resolve",
        "runner",
        "spaces",
        "strategies",
        "study",
        "testing",
        "training",
    ),
)


__all__ = ["CategoricalSpace", "Search", "SearchResult", "__version__", "search"]
