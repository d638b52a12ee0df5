"""Running searches: settings, the budget loop, evaluators and the files a run writes.

Names are imported on first use, so worker processes that only need the executors do
not pay for the predictor libraries.
"""

_LAZY = {
    "SearchConfig": "weaknas.runner.config",
    "RunResult": "weaknas.runner.loop",
    "queries_to_optimum": "weaknas.runner.loop",
    "run_search": "weaknas.runner.loop",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'weaknas.runner' has no attribute {name!r}")


__all__ = ["RunResult", "SearchConfig", "queries_to_optimum", "run_search"]
