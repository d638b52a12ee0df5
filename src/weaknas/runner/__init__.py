"""Running searches: settings, the budget loop, evaluators and the files a run writes.

Names are imported on first use, so worker processes that only need the executors do
not pay for the predictor libraries.
"""

from typing import TYPE_CHECKING

from weaknas._lazy import lazy_attributes

if TYPE_CHECKING:  # what the lazy names are, for type checkers
    from weaknas.runner.benchmark_search import RunResult, queries_to_optimum, run_search
    from weaknas.runner.config import SearchConfig

__getattr__ = lazy_attributes(
    "weaknas.runner",
    {
        "SearchConfig": "weaknas.runner.config",
        "RunResult": "weaknas.runner.benchmark_search",
        "queries_to_optimum": "weaknas.runner.benchmark_search",
        "run_search": "weaknas.runner.benchmark_search",
    },
)

__all__ = ["RunResult", "SearchConfig", "queries_to_optimum", "run_search"]
