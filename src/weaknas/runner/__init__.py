"""Running searches: settings, the budget loop, evaluators and the files a run writes.

Names are imported on first use, so worker processes that only need the executors do
not pay for the predictor libraries.
"""

from weaknas._lazy import lazy_attributes

__getattr__ = lazy_attributes(
    "weaknas.runner",
    {
        "SearchConfig": "weaknas.runner.config",
        "RunResult": "weaknas.runner.loop",
        "queries_to_optimum": "weaknas.runner.loop",
        "run_search": "weaknas.runner.loop",
    },
)

__all__ = ["RunResult", "SearchConfig", "queries_to_optimum", "run_search"]
